import ExactMath
import Foundation

/// Builds every case from ``GoldenSuite/drafts()`` and writes the suite to a folder, byte for
/// byte the same on every run.
public enum Generator {
    /// The case for a draft, with its expected values computed in exact rationals.
    public static func makeCase(_ draft: GoldenSuite.Draft, tcId: Int) throws -> GoldenCase {
        let inputs = draft.inputs.mapValues { t -> Tensor in
            t.values.allSatisfy(\.isFinite)
                ? .exact(t.values, shape: t.shape)
                : Tensor(shape: t.shape, f64: t.values.map(Tensor.hex), q: nil)
        }
        var expected: [String: Tensor]?
        var tolerance: Tolerance?
        if draft.valid, let enclosed = draft.op as? any EnclosedOp, enclosed.needsEnclosure(options: draft.options) {
            (expected, tolerance) = try enclosedExpectations(enclosed, draft, tcId: tcId)
        } else if draft.valid {
            let exact = try draft.op.run(OpInputs<Rational>(tensors: draft.inputs, options: draft.options, tcId: tcId))
            let units = try draft.op.boundUnits(OpInputs<Double>(tensors: draft.inputs, options: draft.options, tcId: tcId))
            expected = exact.mapValues { out in
                let scale = out.values.map(\.magnitude).max() ?? Rational(0)
                let radius = (Rational(dyadic: units * FloatError.unitRoundoff) * scale).roundedDouble.nextUp
                return Tensor.expected(out.values, shape: out.shape, radius: Array(repeating: radius, count: out.values.count))
            }
            tolerance = Tolerance(policy: "ball",
                                  reason: "reductions and recurrences: any summation order within the a-priori normwise bound"
                                      + " boundUnits*u*max|q| passes; results given as exact rationals are compared with ==",
                                  boundUnits: units)
        }
        let optional = Set(draft.inputs.keys).intersection(draft.op.signature.optionalInputs.keys)
        return GoldenCase(schema: GoldenCase.schemaID, suiteVersion: GoldenSuite.suiteVersion, tcId: tcId, op: draft.op.name,
                          opVersion: draft.op.version, comment: draft.comment, result: draft.valid ? "valid" : "invalid",
                          flags: draft.flags, conventions: draft.op.conventions(options: draft.options, optionalInputs: optional),
                          options: draft.options.isEmpty ? nil : draft.options, inputs: inputs, expected: expected, tolerance: tolerance)
    }

    /// The expected values of an op whose values are not rational: enclosures, their correctly
    /// rounded doubles, and a radius per element, `boundUnits · u · m_i` (``EnclosedOp/magnitudes(_:output:y:)``).
    static func enclosedExpectations(_ op: any EnclosedOp, _ draft: GoldenSuite.Draft, tcId: Int) throws
        -> ([String: Tensor], Tolerance) {
        let found = try op.enclosures(draft.inputs, options: draft.options, tcId: tcId)
        let inputs = OpInputs<Double>(tensors: draft.inputs, options: draft.options, tcId: tcId)
        let units = try op.boundUnits(inputs)
        var expected: [String: Tensor] = [:]
        for (name, e) in found {
            let m = try op.magnitudes(inputs, output: name, y: e.f64)
            let radius = m.map { (Rational(dyadic: units * FloatError.unitRoundoff) * Rational(dyadic: $0)).roundedDouble.nextUp }
            expected[name] = Tensor(shape: e.shape, f64: e.f64.map(Tensor.hex), q: nil, rad: radius.map(Tensor.hex), enclosure: e.enclosure)
        }
        let tolerance = Tolerance(policy: "ball",
                                  reason: "values that are not rational, given as enclosures [lo, hi] whose bounds round to f64: a result"
                                      + " passes when max(|x - lo|, |x - hi|) <= rad, rad_i = boundUnits*u*m_i"
                                      + " (FORMAT.md, the lambda table)",
                                  boundUnits: units)
        return (expected, tolerance)
    }

    public static func encoder(compact: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// The relative path of a case file.
    public static func path(for c: GoldenCase) -> String {
        let folder = c.op.replacingOccurrences(of: ".", with: "_")
        return "cases/\(folder)/\(folder)-\(String(format: "%04d", c.tcId)).json"
    }

    /// Every file of the suite (relative path, bytes), manifest last.
    public static func files() throws -> [(path: String, bytes: Data)] {
        var files: [(String, Data)] = []
        var counts: [String: Int] = [:]
        for (index, draft) in GoldenSuite.drafts().enumerated() {
            let c = try makeCase(draft, tcId: index + 1)
            // Readable layout for small cases; large ones without whitespace, to keep the suite small.
            var bytes = try encoder().encode(c)
            if bytes.count > 65_536 { bytes = try encoder(compact: true).encode(c) }
            files.append((path(for: c), bytes + Data("\n".utf8)))
            counts[c.op, default: 0] += 1
        }
        let manifest = Manifest(
            schema: GoldenSuite.schema, suiteVersion: GoldenSuite.suiteVersion,
            generator: .init(name: "nlspec golden generate", version: GoldenSuite.generatorVersion, gmp: Rational.gmpVersion,
                             swift: swiftCompilerSeries),
            ops: Dictionary(uniqueKeysWithValues: GoldenSuite.ops.map { op in
                (op.name, Manifest.OpEntry(opVersion: op.version, conventions: op.conventions,
                                           options: op.signature.options.isEmpty ? nil : op.signature.options,
                                           optionalInputs: op.signature.optionalInputs.isEmpty ? nil : op.signature.optionalInputs,
                                           cases: counts[op.name] ?? 0))
            }),
            flags: Manifest.flagDefinitions,
            files: files.map { Manifest.FileEntry(path: $0.0, sha256: SHA256.hex([UInt8]($0.1)), bytes: $0.1.count) })
        files.append(("MANIFEST.json", try encoder().encode(manifest) + Data("\n".utf8)))
        return files
    }

    /// The suite's files that a fresh generation would not reproduce byte for byte (changed,
    /// missing, or not generated any more): any change to the exact reference, the input
    /// generator or the tolerances shows up here, whether or not it moves both views of a claim.
    public static func unreproduced(in directory: URL) throws -> [String] {
        var differing: [String] = []
        var generated = Set<String>()
        for (path, bytes) in try files() {
            generated.insert(path)
            let onDisk = try? BoundedFile.read(directory.appendingPathComponent(path).path, limit: BoundedFile.caseLimit)
            if onDisk != [UInt8](bytes) { differing.append(path) }
        }
        let manifestPath = directory.appendingPathComponent("MANIFEST.json").path
        let listed = (try? Manifest(json: BoundedFile.json(manifestPath, limit: BoundedFile.manifestLimit),
                                    file: "MANIFEST.json"))?.files.map(\.path) ?? []
        return differing + listed.filter { !generated.contains($0) }
    }

    /// Writes the suite under `directory`: into a fresh folder beside it first, then swapped in
    /// by renames, so a reader never sees a half-written suite and a failed run leaves the old
    /// suite in place. Refuses a non-empty folder that holds no suite (it would lose files).
    public static func write(to directory: URL) throws -> Int {
        let fm = FileManager.default
        let manifest = directory.appendingPathComponent("MANIFEST.json")
        let cases = directory.appendingPathComponent("cases")
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: directory.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw GoldenError(file: directory.path, "exists and is not a folder") }
            let entries = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
            guard entries.isEmpty || fm.fileExists(atPath: manifest.path) else {
                throw GoldenError(file: directory.path,
                                  "is not empty and holds no golden suite (no MANIFEST.json); refusing to replace its files")
            }
        }
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let staging = directory.appendingPathComponent(".generating-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: staging) }
        let all = try files()
        for (path, bytes) in all {
            let url = staging.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: url)
        }
        // Swap: the old cases move aside, the new ones and the manifest move in (renames within
        // one folder), and the old cases are removed last.
        let old = staging.appendingPathComponent("old-cases")
        if fm.fileExists(atPath: cases.path) { try fm.moveItem(at: cases, to: old) }
        try fm.moveItem(at: staging.appendingPathComponent("cases"), to: cases)
        if rename(staging.appendingPathComponent("MANIFEST.json").path, manifest.path) != 0 {
            throw GoldenError(file: manifest.path, "cannot replace the manifest: \(String(cString: strerror(errno)))")
        }
        return all.count - 1
    }
}

/// The compiler series, e.g. "6.3", known at compile time.
var swiftCompilerSeries: String {
    #if compiler(>=6.5)
    return ">=6.5"
    #elseif compiler(>=6.4)
    return "6.4"
    #elseif compiler(>=6.3)
    return "6.3"
    #elseif compiler(>=6.2)
    return "6.2"
    #else
    return "<6.2"
    #endif
}

/// `Golden/MANIFEST.json`.
public struct Manifest: Codable, Sendable {
    public struct Generator: Codable, Sendable {
        public var name: String
        public var version: String
        public var gmp: String
        /// The Swift compiler series that built the generator.
        public var swift: String
    }
    public struct OpEntry: Codable, Sendable {
        public var opVersion: Int
        public var conventions: [String: String]
        /// The op's options (absent for an op without options).
        public var options: [String: OpSignature.Option]?
        /// The op's optional inputs and their defaults (absent for an op without them).
        public var optionalInputs: [String: String?]?
        public var cases: Int

        public init(opVersion: Int, conventions: [String: String], options: [String: OpSignature.Option]? = nil,
                    optionalInputs: [String: String?]? = nil, cases: Int) {
            self.opVersion = opVersion
            self.conventions = conventions
            self.options = options
            self.optionalInputs = optionalInputs
            self.cases = cases
        }
    }
    public struct FileEntry: Codable, Sendable { public var path: String; public var sha256: String; public var bytes: Int }
    public struct Flag: Codable, Sendable { public var description: String }

    public var schema: String
    public var suiteVersion: String
    public var generator: Generator
    public var ops: [String: OpEntry]
    public var flags: [String: Flag]
    public var files: [FileEntry]

    public static let flagDefinitions: [String: Flag] = [
        "Small": Flag(description: "a few elements with short dyadic inputs (k/4, k/8, 2^-6), readable by hand; expected values are short "
                                   + "exact rationals"),
        "Medium": Flag(description: "tens to hundreds of elements with 8-, 12- or 30-bit dyadic inputs, some scaled or full-precision "
                                    + "(e.g. the double nearest 0.1); rounding happens in binary64"),
        "Dyadic": Flag(description: "every input is a binary64 value, hence exactly a dyadic rational, so binary64 and the rationals hold "
                                    + "the same inputs"),
        "GateNearOne": Flag(description: "some step sizes or gates are 1 - 2^-30"),
        "WideRange": Flag(description: "inputs span many binades (2^-22 to 2^23) within one tensor; the ball radius is normwise, so small "
                                       + "entries are judged at the tensor's scale"),
        "StateCarry": Flag(description: "the op runs as two calls; the state after the first call is an output, so state handed between "
                                        + "calls is checked"),
        "ShapeMismatch": Flag(description: "an input's shape is inconsistent with the others; the implementation must reject it"),
        "NonFinite": Flag(description: "an input is NaN or infinite; the implementation must reject it"),
        "LongRationals": Flag(description: "a few elements, but the expected rationals run to thousands of digits (a nonlinear memory or "
                                           + "CMS run of a few tokens, or several Newton-Schulz steps: every step multiplies the degree); "
                                           + "readers must parse big integers"),
        "ZeroDenominator": Flag(description: "a denominator of the op is zero for these inputs (a zero second moment with epsilon 0, beta2 "
                                             + "= 0); the implementation must reject them rather than return an infinity or NaN"),
        "OutOfRange": Flag(description: "a parameter is outside its domain (period < 1, negative learning rate); the implementation must "
                                        + "reject it"),
        "Normalized": Flag(description: "Newton-Schulz with the option normalize = frobenius: X / (||X||_F + eps) first; X has a rational "
                                        + "Frobenius norm (a Pythagorean tuple over a power of two)"),
        "TransposeTall": Flag(description: "Newton-Schulz with the option transpose_tall = true: a tall X is iterated as X^T and "
                                           + "transposed back (the same exact values; the bound of the smaller Gram matrix)"),
        "ChunkGates": Flag(description: "Titans with the option gate_granularity = chunk: one alpha, eta, theta per chunk of C tokens, "
                                        + "ceil(T/C) of each"),
        "SlowUpdateAtChunkEnd": Flag(description: "M3 with the option slow_update = chunk_end: a finished chunk enters the slow memory "
                                                  + "at the end of its last step, not at the start of the next"),
        "ScaledQuery": Flag(description: "the case carries the optional input scale: reads use s*q (attention code's 1/sqrt(d_k), "
                                         + "or another value)"),
        "ReadBeforeWrite": Flag(description: "the option read_order = before_write: y_t = M_{t-1} q_t, the read before the token's write"),
        "LogGates": Flag(description: "the option gates = log: decay gates given as logarithms g, the decay being RN(exp g), the "
                                      + "binary64 nearest exp(g); the bound widens for the implementation's exp and prefix sums of g"),
        "LogitGates": Flag(description: "the option gates = logit: gates given as logits x, the gate being RN(sigmoid(x)), the binary64 "
                                        + "nearest the sigmoid (proven by ball arithmetic)"),
        "GateZero": Flag(description: "a decay factor is 0 (gated delta rule alpha = 0, Titans alpha = 1): it has no log-space form, "
                                      + "so an implementation that takes gates as logarithms skips the case"),
    ]
}
