import ExactMath
import Foundation

/// A results file written by the implementation under test. See `Golden/FORMAT.md`.
public struct ResultsDocument: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var tcId: Int
        public var op: String
        public var outputs: [String: Values]?
        public var error: String?
        /// With `error`: the invalid-case flag the refusal answers to (`ShapeMismatch`, ...).
        public var errorKind: String?
        public init(tcId: Int, op: String, outputs: [String: Values]?, error: String?, errorKind: String? = nil) {
            self.tcId = tcId; self.op = op; self.outputs = outputs; self.error = error; self.errorKind = errorKind
        }
    }
    /// One output: row-major values as f64 bit patterns, decimal strings, or exact rationals.
    public struct Values: Codable, Sendable {
        public var shape: [Int]?
        public var f64: [String]?
        public var decimal: [String]?
        public var q: [String]?
        public init(shape: [Int]?, f64: [String]?, decimal: [String]? = nil, q: [String]? = nil) {
            self.shape = shape; self.f64 = f64; self.decimal = decimal; self.q = q
        }
    }
    public var suiteVersion: String
    public var implementation: String?
    public var results: [Entry]

    /// Decodes a results file held in memory; malformed or truncated JSON is a ``GoldenError``
    /// naming the file, the line and column, or the field.
    public static func decode(_ data: Data, file: String) throws -> ResultsDocument {
        try ResultsDocument(json: try BoundedFile.parse([UInt8](data), file: file), file: file)
    }
    public init(suiteVersion: String, implementation: String?, results: [Entry]) {
        self.suiteVersion = suiteVersion; self.implementation = implementation; self.results = results
    }
}

/// The floating-point format an implementation computed in; it scales the tolerances.
public enum Precision: String, CaseIterable, Sendable {
    case f64, f32, bf16
    /// Unit roundoff `u`.
    public var unitRoundoff: Double {
        switch self { case .f64: return 0x1p-53; case .f32: return 0x1p-24; case .bf16: return 0x1p-8 }
    }
}

/// The verdict on one case (`Golden/FORMAT.md`, "Verdicts").
public struct CaseVerdict: Sendable {
    public enum Status: String, Sendable { case passed, failed, skipped }
    public enum Reason: String, Sendable {
        case withinTolerance = "within-tolerance", refused, missing, acceptable
        case acceptedInvalid = "accepted-invalid", refusedValid = "refused-valid"
        /// `--strict-errors`: an invalid case refused without an `errorKind`, or with another kind than its flag.
        case refusedNoKind = "refused-no-kind", refusedWrongKind = "refused-wrong-kind"
        case outputMissing = "output-missing", shape, count, outOfTolerance = "out-of-tolerance"
    }
    public let tcId: Int
    public let op: String
    /// The case's verdict in the suite: `valid`, `invalid` or `acceptable`.
    public let result: String
    public let status: Status
    public let reason: Reason
    /// The report line of a failed case (`FAIL ...`).
    public let line: String?
    /// Failing elements in the output of the first failing element; 0 for a pass within
    /// tolerance, nil when no element was compared (missing, refused, structural failures).
    public let failingElements: Int?
    /// The largest `|g − q| / allowed` over the case's finite float elements with `allowed > 0`.
    public let errorOverAllowed: Double?
    /// The largest `|g − q| / ulp(e)` where `q ≠ 0`: information only.
    public let worstUlp: Double?
    /// The `errorKind` the results entry gave with its refusal, if any.
    public let errorKind: String?
    /// An invalid case refused with an `errorKind` that is one of the case's flags.
    public let matchingKind: Bool

    init(_ c: GoldenCase, _ status: Status, _ reason: Reason, line: String? = nil, failingElements: Int? = nil,
         errorOverAllowed: Double? = nil, worstUlp: Double? = nil, errorKind: String? = nil, matchingKind: Bool = false) {
        tcId = c.tcId; op = c.op; result = c.result
        self.status = status; self.reason = reason; self.line = line; self.failingElements = failingElements
        self.errorOverAllowed = errorOverAllowed; self.worstUlp = worstUlp
        self.errorKind = errorKind; self.matchingKind = matchingKind
    }
}

/// A problem with how the grader was called (exit code 2, like a malformed file).
public struct GradingUsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(description: String) { self.description = description }
}

public enum Verifier {
    /// One value given by the implementation.
    enum Given {
        /// From `f64` (`decimal` nil, shown with `%.17g`) or from a `decimal` string (shown as given).
        case double(Double, decimal: String?)
        case exact(String)
    }

    /// Parses every value of a results output: bit patterns, decimals in JSON's number grammar
    /// (or exactly `NaN`, `Infinity`, `-Infinity`), canonical rationals.
    static func values(_ v: ResultsDocument.Values, file: String, tcId: Int, field: String) throws -> [Given] {
        func fail(_ sub: String, _ message: String) -> GoldenError {
            GoldenError(file: file, tcId: tcId, field: field + sub, message)
        }
        if let f = v.f64 {
            return try f.enumerated().map { i, s in
                guard let d = Tensor.double(fromHex: s) else {
                    throw fail(".f64[\(i)]", "'\(ReportFormat.number(s))' is not 16 lowercase hex digits")
                }
                return .double(d, decimal: nil)
            }
        }
        if let dec = v.decimal {
            return try dec.enumerated().map { i, s in
                guard let d = decimal(s) else {
                    throw fail(".decimal[\(i)]", "'\(ReportFormat.number(s))' is not a decimal number "
                               + "(JSON number grammar, at most 800 characters, or NaN, Infinity, -Infinity)")
                }
                return .double(d, decimal: s)
            }
        }
        return try (v.q ?? []).enumerated().map { i, s in
            do { _ = try Rational(parsing: s) } catch let e as RationalParseError {
                throw fail(".q[\(i)]", "'\(ReportFormat.number(s))' is not a canonical rational: \(e.reason)")
            }
            return .exact(s)
        }
    }

    /// A `decimal` string read by a correctly rounding parser, nil when it breaks the grammar.
    static func decimal(_ s: String) -> Double? {
        switch s {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        let b = Array(s.utf8)
        guard !b.isEmpty, b.count <= 800 else { return nil }
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            return i - start
        }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
        if b[i] == UInt8(ascii: "0") { i += 1 } else { _ = digits() }
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1; guard digits() > 0 else { return nil } }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == b.count else { return nil }
        return Double(s)
    }

    /// The ops `--op` and `--op-prefix` select (nil: every op); a selection that names nothing is
    /// a usage error listing the suite's ops.
    public static func selectOps(_ suite: LoadedSuite, names: [String], prefixes: [String]) throws -> Set<String>? {
        if names.isEmpty && prefixes.isEmpty { return nil }
        let all = Set(suite.cases.map(\.op)).union(suite.manifest.ops.keys)
        var chosen = Set<String>()
        for name in names {
            guard all.contains(name) else {
                let near = all.filter { $0.contains(name) || name.contains($0) || $0.lowercased() == name.lowercased() }.sorted()
                throw GradingUsageError(description: "--op '\(name)' is not an op of the suite"
                    + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?")
                    + " (ops: \(all.sorted().joined(separator: ", ")))")
            }
            chosen.insert(name)
        }
        for prefix in prefixes {
            let hits = all.filter { $0.hasPrefix(prefix) }
            guard !hits.isEmpty else {
                throw GradingUsageError(
                    description: "--op-prefix '\(prefix)' selects no op of the suite (ops: \(all.sorted().joined(separator: ", ")))")
            }
            chosen.formUnion(hits)
        }
        return chosen
    }

    /// Grades `results` against the suite (`Golden/FORMAT.md`, "Grading contract"). The whole
    /// results file is validated; only the cases of `ops` (nil: all) are graded. With
    /// `strictErrors`, a refusal of an invalid case passes only when its `errorKind` is the case's
    /// flag. Throws a ``GoldenError`` for a malformed results file.
    public static func verify(suite: LoadedSuite, results: ResultsDocument, resultsFile: String,
                              precision: Precision = .f64, ops: Set<String>? = nil, strictErrors: Bool = false) throws -> GradingReport {
        guard results.suiteVersion == suite.manifest.suiteVersion else {
            throw GoldenError(file: resultsFile, field: "suiteVersion", "results are for suite "
                              + "'\(ReportFormat.number(results.suiteVersion))', the golden files are suite \(suite.manifest.suiteVersion)")
        }
        var byId: [Int: (entry: ResultsDocument.Entry, given: [String: [Given]])] = [:]
        let known = Dictionary(uniqueKeysWithValues: suite.cases.map { ($0.tcId, $0) })
        let kinds = InvalidInputKind.names(in: suite.manifest)
        for (i, r) in results.results.enumerated() {
            let field = "results[\(i)]"
            func fail(_ sub: String, _ message: String) -> GoldenError {
                GoldenError(file: resultsFile, tcId: r.tcId, field: field + sub, message)
            }
            guard byId[r.tcId] == nil else { throw fail(".tcId", "tcId \(r.tcId) appears twice") }
            guard let c = known[r.tcId] else { throw fail(".tcId", "the suite has no tcId \(r.tcId)") }
            guard c.op == r.op else { throw fail(".op", "case \(r.tcId) is op '\(c.op)', the result says '\(ReportFormat.message(r.op))'") }
            if let kind = r.errorKind {
                guard r.error != nil else {
                    throw fail(".errorKind", "given with outputs: an errorKind goes only with an error (a refusal)")
                }
                guard kinds.contains(kind) else {
                    throw fail(".errorKind", "'\(ReportFormat.message(kind))' is not an invalid-case flag of the suite "
                               + "(one of \(kinds.sorted().joined(separator: ", ")))")
                }
            }
            var given: [String: [Given]] = [:]
            for (name, v) in (r.outputs ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard OpSignature.all[c.op]?.outputs.contains(name) == true else {
                    throw fail(".outputs.\(ReportFormat.message(name))", "op \(c.op) has no output '\(ReportFormat.message(name))'")
                }
                given[name] = try values(v, file: resultsFile, tcId: r.tcId, field: "\(field).outputs.\(name)")
            }
            byId[r.tcId] = (r, given)
        }
        let scale = Rational(dyadic: precision.unitRoundoff / Precision.f64.unitRoundoff)
        let verdicts = try suite.cases.filter { ops?.contains($0.op) ?? true }.map { c -> CaseVerdict in
            guard let (r, given) = byId[c.tcId] else { return CaseVerdict(c, .skipped, .missing) }
            let head = "FAIL \(c.tcId) \(c.op)"
            switch c.result {
            case "acceptable":
                return CaseVerdict(c, .skipped, .acceptable)
            case "invalid":
                guard let error = r.error else {
                    return CaseVerdict(c, .failed, .acceptedInvalid,
                                       line: "\(head): an invalid input was not refused (flags \(c.flags.joined(separator: ", ")))")
                }
                return refusal(c, error: error, kind: r.errorKind, strict: strictErrors)
            default:
                if let error = r.error {
                    let line = "\(head): a valid input was refused: \(ReportFormat.message(error))"
                    return CaseVerdict(c, .failed, .refusedValid, line: line, errorKind: r.errorKind)
                }
                return try CaseGrader(c, given: given, shapes: (r.outputs ?? [:]).mapValues(\.shape), scale: scale).verdict()
            }
        }
        var first: [String: Int] = [:]
        for c in suite.cases { first[c.op] = min(first[c.op] ?? c.tcId, c.tcId) }
        let selected = Set(suite.manifest.ops.keys).union(first.keys).filter { ops?.contains($0) ?? true }
            .sorted { (first[$0] ?? Int.max, $0) < (first[$1] ?? Int.max, $1) }
        return GradingReport(suiteVersion: suite.manifest.suiteVersion, implementation: results.implementation,
                             precision: precision, strictErrors: strictErrors, selectedOps: selected, verdicts: verdicts)
    }

    /// The verdict on a refused invalid case (`Golden/FORMAT.md`, "Verdicts"): passed, unless
    /// `strict` and the refusal's `errorKind` is absent or not one of the case's flags.
    static func refusal(_ c: GoldenCase, error: String, kind: String?, strict: Bool) -> CaseVerdict {
        let matching = kind.map(c.flags.contains) ?? false
        if matching || !strict { return CaseVerdict(c, .passed, .refused, errorKind: kind, matchingKind: matching) }
        let head = "FAIL \(c.tcId) \(c.op): an invalid input was refused"
        let flags = "(flags \(c.flags.joined(separator: ", "))): \(ReportFormat.message(error))"
        guard let kind else { return CaseVerdict(c, .failed, .refusedNoKind, line: "\(head) without an errorKind \(flags)") }
        return CaseVerdict(c, .failed, .refusedWrongKind, line: "\(head) as \(ReportFormat.message(kind)) \(flags)", errorKind: kind)
    }

    /// Runs this package's `Double` reference on every case and returns its results document.
    public static func referenceResults(suite: LoadedSuite) -> ResultsDocument {
        results(suite: suite, implementation: "NestedLearningSpec Double reference") { c, inputs in
            try GoldenSuite.op(named: c.op)!.run(OpInputs<Double>(tensors: inputs.tensors, options: c.options ?? [:], tcId: c.tcId))
        }
    }

    /// A case's inputs as the ops read them: shapes and the binary64 values of `f64` (its optional
    /// inputs among them; its options travel apart, in ``OpInputs/options``).
    static func inputTensors(_ c: GoldenCase) -> [String: (shape: [Int], values: [Double])] {
        c.inputs.mapValues { t in (t.shape, (t.f64 ?? []).compactMap(Tensor.double(fromHex:))) }
    }

    /// Runs this package's reference in exact rationals on every case: its results are `q`
    /// strings, graded with `==` against the stored expected values, so any change to the
    /// reference (a constant, an activation, a storage order) fails `nlspec golden run --impl exact`.
    public static func exactResults(suite: LoadedSuite) -> ResultsDocument {
        ResultsDocument(suiteVersion: suite.manifest.suiteVersion, implementation: "NestedLearningSpec exact reference (GMP rationals)",
                        results: suite.cases.map { c in
            let tensors = inputTensors(c)
            do {
                if let enclosed = GoldenSuite.op(named: c.op) as? any EnclosedOp, enclosed.needsEnclosure(options: c.options ?? [:]) {
                    // Values that are not rational: the correctly rounded doubles the enclosures prove.
                    let found = try enclosed.enclosures(tensors.mapValues { InputTensor(shape: $0.shape, values: $0.values) },
                                                        options: c.options ?? [:], tcId: c.tcId)
                    let f64 = found.mapValues { ResultsDocument.Values(shape: $0.shape, f64: $0.f64.map(Tensor.hex)) }
                    return .init(tcId: c.tcId, op: c.op, outputs: f64, error: nil)
                }
                let inputs = OpInputs<Rational>(tensors: tensors, options: c.options ?? [:], tcId: c.tcId)
                let out = try GoldenSuite.op(named: c.op)!.run(inputs)
                let q = out.mapValues { ResultsDocument.Values(shape: $0.shape, f64: nil, q: $0.values.map(\.description)) }
                return .init(tcId: c.tcId, op: c.op, outputs: q, error: nil)
            } catch {
                return .init(tcId: c.tcId, op: c.op, outputs: nil, error: "\(error)", errorKind: kind(of: error))
            }
        })
    }

    /// The `errorKind` of an op's refusal: the invalid-case flag its ``GoldenError`` carries.
    static func kind(of error: Error) -> String? { (error as? GoldenError)?.kind?.rawValue }

    /// A results document from any implementation: `run` returns a case's outputs, nil when the
    /// implementation does not cover the case's op (the verifier then reports it as missing), or
    /// throws to record an error for the case.
    public static func results(suite: LoadedSuite, implementation: String,
                               run: (GoldenCase, OpInputs<Double>) throws -> [String: OpOutput<Double>]?) -> ResultsDocument {
        ResultsDocument(suiteVersion: suite.manifest.suiteVersion, implementation: implementation,
                        results: suite.cases.compactMap { c in
            let tensors = inputTensors(c)
            do {
                guard let out = try run(c, OpInputs<Double>(tensors: tensors, options: c.options ?? [:], tcId: c.tcId)) else { return nil }
                let f64 = out.mapValues { ResultsDocument.Values(shape: $0.shape, f64: $0.values.map(Tensor.hex)) }
                return .init(tcId: c.tcId, op: c.op, outputs: f64, error: nil)
            } catch {
                return .init(tcId: c.tcId, op: c.op, outputs: nil, error: "\(error)", errorKind: kind(of: error))
            }
        })
    }
}
