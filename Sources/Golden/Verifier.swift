import ExactMath
import Foundation

/// A results file written by the implementation under test. See `Golden/FORMAT.md`.
public struct ResultsDocument: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var tcId: Int
        public var op: String
        public var outputs: [String: Values]?
        public var error: String?
        public init(tcId: Int, op: String, outputs: [String: Values]?, error: String?) {
            self.tcId = tcId; self.op = op; self.outputs = outputs; self.error = error
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

    /// Decodes a results file; malformed or truncated JSON is a ``GoldenError`` naming the field.
    public static func decode(_ data: Data, file: String) throws -> ResultsDocument {
        try Golden.decode(ResultsDocument.self, from: data, file: file)
    }
    public init(suiteVersion: String, implementation: String?, results: [Entry]) {
        self.suiteVersion = suiteVersion; self.implementation = implementation; self.results = results
    }
}

/// The floating-point format an implementation computed in; it scales `ball` radii.
public enum Precision: String, CaseIterable, Sendable {
    case f64, f32, bf16
    /// Unit roundoff `u`.
    public var unitRoundoff: Double {
        switch self { case .f64: return 0x1p-53; case .f32: return 0x1p-24; case .bf16: return 0x1p-8 }
    }
}

/// The verdict on one case.
public struct CaseVerdict: Sendable {
    public enum Status: String, Sendable { case passed, failed, missing, skipped }
    public let tcId: Int
    public let op: String
    public let status: Status
    public let message: String?
    /// Worst error in ULPs of RN(q) over the compared elements (binary64 results only).
    public let worstUlp: Double?
}

public enum Verifier {
    /// One value given by the implementation.
    enum Given { case double(Double), exact(Rational) }

    static func values(_ v: ResultsDocument.Values, file: String, tcId: Int, field: String) throws -> [Given] {
        let kinds = [v.f64 != nil, v.decimal != nil, v.q != nil].filter { $0 }.count
        guard kinds == 1 else { throw GoldenError(file: file, tcId: tcId, field: field, "give exactly one of 'f64', 'decimal', 'q'") }
        if let f = v.f64 {
            return try f.enumerated().map { i, s in
                guard let d = Tensor.double(fromHex: s) else { throw GoldenError(file: file, tcId: tcId, field: "\(field).f64[\(i)]", "'\(s)' is not 16 lowercase hex digits") }
                return .double(d)
            }
        }
        if let dec = v.decimal {
            return try dec.enumerated().map { i, s in
                guard let d = Double(s) else { throw GoldenError(file: file, tcId: tcId, field: "\(field).decimal[\(i)]", "'\(s)' is not a decimal number") }
                return .double(d)
            }
        }
        return try v.q!.enumerated().map { i, s in
            do { return .exact(try Rational(parsing: s)) } catch let e as RationalParseError {
                throw GoldenError(file: file, tcId: tcId, field: "\(field).q[\(i)]", e.description)
            }
        }
    }

    /// Grades one valid case's outputs. Returns nil when it passes, else the first failure.
    static func grade(_ c: GoldenCase, outputs: [String: ResultsDocument.Values], file: String,
                      precision: Precision) throws -> (failure: String?, worstUlp: Double?) {
        var worst: Double? = nil
        for name in c.expected!.keys.sorted() {
            let expected = c.expected![name]!
            guard let given = outputs[name] else { return ("output '\(name)' is missing", worst) }
            if let shape = given.shape, shape != expected.shape {
                return ("output '\(name)' has shape \(shape), expected \(expected.shape)", worst)
            }
            let values = try values(given, file: file, tcId: c.tcId, field: "outputs.\(name)")
            guard values.count == expected.elementCount else {
                return ("output '\(name)' has \(values.count) values, expected \(expected.elementCount) (shape \(expected.shape))", worst)
            }
            let q = try expected.rationals(file: "golden", tcId: c.tcId, field: "expected.\(name)")
            let f64 = expected.f64 ?? []
            let scale = Rational(dyadic: precision.unitRoundoff / Precision.f64.unitRoundoff)
            for i in 0..<q.count {
                let describe = { (given: String) in
                    "output '\(name)' element \(i) (shape \(expected.shape)): expected \(q[i]) (f64 \(f64.indices.contains(i) ? f64[i] : "?"), \(q[i].roundedDouble)), given \(given)"
                }
                switch values[i] {
                case .exact(let x):
                    if x != q[i] { return (describe(x.description) + ": not equal", worst) }
                case .double(let x):
                    guard let xq = Rational(exactly: x) else { return (describe("\(x)") + ": not finite", worst) }
                    if precision == .f64 { worst = max(worst ?? 0, FloatError.ulpError(x, exact: q[i])) }
                    let error = (xq - q[i]).magnitude
                    switch c.tolerance!.policy {
                    case "exact":
                        if !error.isZero { return (describe("\(x)") + ": not exact", worst) }
                    case "bitwise":
                        if Tensor.hex(x) != f64[i] { return (describe(Tensor.hex(x)) + ": bits differ", worst) }
                    case "ulp":
                        let limit = Rational(dyadic: (c.tolerance!.maxUlp ?? 0) * FloatError.ulp(q[i].roundedDouble)) * scale
                        if error > limit { return (describe("\(x)") + ": error \(error.roundedDouble) > \(limit.roundedDouble)", worst) }
                    default:  // ball (allclose is not used by this suite's cases)
                        let rad = Rational(dyadic: Tensor.double(fromHex: expected.rad![i])!) * scale
                        if error > rad { return (describe("\(x)") + ": error \(error.roundedDouble) > radius \(rad.roundedDouble)", worst) }
                    }
                }
            }
        }
        return (nil, worst)
    }

    /// Grades `results` against the suite. Throws a ``GoldenError`` for a malformed results file.
    public static func verify(suite: LoadedSuite, results: ResultsDocument, resultsFile: String,
                              precision: Precision = .f64, opFilter: String? = nil) throws -> [CaseVerdict] {
        guard results.suiteVersion == suite.manifest.suiteVersion else {
            throw GoldenError(file: resultsFile, field: "suiteVersion", "results are for suite \(results.suiteVersion), golden files are suite \(suite.manifest.suiteVersion)")
        }
        var byId: [Int: ResultsDocument.Entry] = [:]
        let known = Dictionary(uniqueKeysWithValues: suite.cases.map { ($0.tcId, $0) })
        for (i, r) in results.results.enumerated() {
            guard byId[r.tcId] == nil else { throw GoldenError(file: resultsFile, tcId: r.tcId, field: "results[\(i)].tcId", "duplicate tcId") }
            guard let c = known[r.tcId] else { throw GoldenError(file: resultsFile, tcId: r.tcId, field: "results[\(i)].tcId", "no golden case has this tcId") }
            guard c.op == r.op else { throw GoldenError(file: resultsFile, tcId: r.tcId, field: "results[\(i)].op", "case \(r.tcId) is op '\(c.op)', result says '\(r.op)'") }
            guard (r.outputs == nil) != (r.error == nil) else {
                throw GoldenError(file: resultsFile, tcId: r.tcId, field: "results[\(i)]", "give either 'outputs' or 'error', not both and not neither")
            }
            if let outputs = r.outputs, c.result == "valid", let unknown = outputs.keys.sorted().first(where: { c.expected?[$0] == nil }) {
                throw GoldenError(file: resultsFile, tcId: r.tcId, field: "results[\(i)].outputs.\(unknown)", "op \(c.op) has no output '\(unknown)'")
            }
            byId[r.tcId] = r
        }
        return try suite.cases.filter { c in opFilter.map { c.op.contains($0) } ?? true }.map { c in
            guard let r = byId[c.tcId] else {
                return CaseVerdict(tcId: c.tcId, op: c.op, status: .missing, message: "no result", worstUlp: nil)
            }
            switch c.result {
            case "acceptable":
                return CaseVerdict(tcId: c.tcId, op: c.op, status: .skipped, message: "implementation-defined (acceptable)", worstUlp: nil)
            case "invalid":
                if r.error != nil { return CaseVerdict(tcId: c.tcId, op: c.op, status: .passed, message: nil, worstUlp: nil) }
                return CaseVerdict(tcId: c.tcId, op: c.op, status: .failed, message: "invalid input (\(c.comment)) was accepted; expected an error", worstUlp: nil)
            default:
                guard let outputs = r.outputs else {
                    return CaseVerdict(tcId: c.tcId, op: c.op, status: .failed, message: "valid input was rejected: \(r.error ?? "no outputs")", worstUlp: nil)
                }
                let (failure, worst) = try grade(c, outputs: outputs, file: resultsFile, precision: precision)
                return CaseVerdict(tcId: c.tcId, op: c.op, status: failure == nil ? .passed : .failed, message: failure, worstUlp: worst)
            }
        }
    }

    /// Runs this package's `Double` reference on every case and returns its results document.
    public static func referenceResults(suite: LoadedSuite) -> ResultsDocument {
        results(suite: suite, implementation: "NestedLearningSpec Double reference") { c, inputs in
            try GoldenSuite.op(named: c.op)!.run(inputs)
        }
    }

    /// A results document from any implementation: `run` returns a case's outputs, nil when the
    /// implementation does not cover the case's op (the verifier then reports it as skipped), or
    /// throws to record an error for the case.
    public static func results(suite: LoadedSuite, implementation: String,
                               run: (GoldenCase, OpInputs<Double>) throws -> [String: OpOutput<Double>]?) -> ResultsDocument {
        ResultsDocument(suiteVersion: suite.manifest.suiteVersion, implementation: implementation,
                        results: suite.cases.compactMap { c in
            var tensors: [String: (shape: [Int], values: [Double])] = [:]
            for (name, t) in c.inputs { tensors[name] = (t.shape, (t.f64 ?? []).compactMap(Tensor.double(fromHex:))) }
            do {
                guard let out = try run(c, OpInputs<Double>(tensors: tensors, tcId: c.tcId)) else { return nil }
                return .init(tcId: c.tcId, op: c.op, outputs: out.mapValues { .init(shape: $0.shape, f64: $0.values.map(Tensor.hex)) }, error: nil)
            } catch {
                return .init(tcId: c.tcId, op: c.op, outputs: nil, error: "\(error)")
            }
        })
    }
}
