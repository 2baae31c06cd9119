import ExactMath

/// An operation the golden suite covers: a function from named input tensors to named output
/// tensors, written once, generic over the scalar, so the expected values come from running it
/// in rationals and the reference self-check from running it in `Double`.
public protocol GoldenOp: Sendable {
    /// Stable name, e.g. `delta_rule.sequence`.
    var name: String { get }
    /// Bumped when the op's semantics change (old cases keep their version); 1 unless an op says otherwise.
    var version: Int { get }
    /// The conventions the op's results depend on.
    var conventions: [String: String] { get }
    /// The conventions a case with these options and optional inputs depends on (by default
    /// ``conventions`` with the readings they select; see `CaseConventions.swift`).
    func conventions(options: [String: String], optionalInputs: Set<String>) -> [String: String]
    /// The outputs. Throws a ``GoldenError`` for invalid input (wrong shape, non-finite or
    /// out-of-range parameter): the verdict `invalid` expects exactly that.
    func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>]
    /// The normwise error bound, in units of the unit roundoff, for a `Double` implementation of
    /// this op on these inputs (the length of the longest chain of dependent roundings, times 4).
    func boundUnits(_ inputs: OpInputs<Double>) throws -> Double
    /// The op's golden cases, under keys unique within the op: by convention the seed of the
    /// generator that draws the inputs, with a letter where one generator draws several cases.
    /// ``GoldenSuite/order`` lists every key once, and fixes the cases' tcIds.
    func drafts() -> DraftSet
}

extension GoldenOp {
    public var version: Int { 1 }
    /// The names the op reads and writes, its options and optional inputs.
    public var signature: OpSignature {
        guard let s = OpSignature.all[name] else { preconditionFailure("OpSignature.all has no entry for \(name)") }
        return s
    }
}

/// An input tensor as an op reads it: the shape and the row-major values, as doubles (a draft's
/// inputs, or a stored case's `f64` values decoded).
public struct InputTensor: Sendable {
    public var shape: [Int]
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        self.shape = shape
        self.values = values
    }
    public static func vector(_ values: [Double]) -> InputTensor { InputTensor(shape: [values.count], values: values) }
    public static func scalar(_ value: Double) -> InputTensor { InputTensor(shape: [], values: [value]) }
    /// A tensor with no elements (some extent is 0).
    public static func empty(_ shape: [Int]) -> InputTensor { InputTensor(shape: shape, values: []) }
}

/// One output tensor.
public struct OpOutput<S: Scalar>: Sendable {
    public let shape: [Int]
    public let values: [S]

    public init(shape: [Int], values: [S]) {
        precondition(shape.reduce(1, *) == values.count, "OpOutput: shape \(shape) for \(values.count) values")
        self.shape = shape
        self.values = values
    }
    public init(_ m: Matrix<S>) { self.init(shape: [m.rows, m.cols], values: m.elements) }
    public init(rows: [Vector<S>], width: Int) { self.init(shape: [rows.count, width], values: rows.flatMap(\.elements)) }
    /// Matrices of one shape stacked along a new first axis.
    public init(stack: [Matrix<S>], rows: Int, cols: Int) { self.init(shape: [stack.count, rows, cols], values: stack.flatMap(\.elements)) }
}

/// Typed, validated access to a case's inputs, lifted into the scalar `S`.
public struct OpInputs<S: Scalar>: Sendable {
    public let tensors: [String: InputTensor]
    /// The case's options (`Golden/FORMAT.md`, "Options"): option name → value; an option not
    /// named here has its default.
    public let options: [String: String]
    public let file: String
    public let tcId: Int?

    public init(tensors: [String: InputTensor], options: [String: String] = [:], file: String = "<memory>", tcId: Int? = nil) {
        self.tensors = tensors
        self.options = options
        self.file = file
        self.tcId = tcId
    }
    /// From `(shape, values)` pairs.
    public init(tensors: [String: (shape: [Int], values: [Double])], options: [String: String] = [:], file: String = "<memory>",
                tcId: Int? = nil) {
        self.init(tensors: tensors.mapValues { InputTensor(shape: $0.shape, values: $0.values) }, options: options, file: file, tcId: tcId)
    }
    /// The same inputs, options and origin, read in the scalar `T`.
    public func lifted<T: Scalar>(to: T.Type = T.self) -> OpInputs<T> {
        OpInputs<T>(tensors: tensors, options: options, file: file, tcId: tcId)
    }

    /// The value of the option `name` of the op with `signature`: the case's, else the option's
    /// default. An option the op does not have, or a value not among its values, is an error
    /// naming `options.<name>`.
    public func option(_ name: String, of signature: OpSignature) throws -> String {
        guard let option = signature.options[name] else {
            throw GoldenError(file: file, tcId: tcId, field: "options.\(name)", "the op has no option '\(name)'")
        }
        guard let value = options[name] else { return option.default }
        guard option.values.contains(value) else {
            throw GoldenError(file: file, tcId: tcId, field: "options.\(name)",
                              "'\(value)' is not one of \(option.values.joined(separator: ", "))")
        }
        return value
    }

    /// An optional scalar input (shape `[]`, finite): nil when the case does not carry it.
    public func optionalScalar(_ name: String) throws -> S? {
        tensors[name] == nil ? nil : try scalar(name)
    }

    /// The refusal of an invalid input, with the invalid-case flag it answers to.
    public func fail(_ field: String, _ kind: InvalidInputKind, _ message: String) -> GoldenError {
        GoldenError(file: file, tcId: tcId, field: field, message, kind: kind)
    }
    /// The refusal of an input the format allows but this implementation cannot compute (no kind).
    public func limit(_ field: String, _ message: String) -> GoldenError {
        GoldenError(file: file, tcId: tcId, field: field, message)
    }

    func raw(_ name: String, rank: Int) throws -> InputTensor {
        guard let t = tensors[name] else { throw fail(name, .shapeMismatch, "missing input") }
        guard t.shape.count == rank else { throw fail(name, .shapeMismatch, "expected rank \(rank), shape is \(t.shape)") }
        if let i = t.values.firstIndex(where: { !$0.isFinite }) {
            throw fail(name, .nonFinite, "non-finite value \(t.values[i]) at element \(i)")
        }
        return t
    }

    public func matrix(_ name: String, rows: Int? = nil, cols: Int? = nil) throws -> Matrix<S> {
        let t = try raw(name, rank: 2)
        if let rows, t.shape[0] != rows { throw fail(name, .shapeMismatch, "expected \(rows) rows, shape is \(t.shape)") }
        if let cols, t.shape[1] != cols { throw fail(name, .shapeMismatch, "expected \(cols) columns, shape is \(t.shape)") }
        return Matrix(rows: t.shape[0], cols: t.shape[1], elements: t.values.map { S(dyadic: $0) })
    }
    public func rows(_ name: String, count: Int? = nil, width: Int? = nil) throws -> [Vector<S>] {
        let m = try matrix(name, rows: count, cols: width)
        return (0..<m.rows).map { m.row($0) }
    }
    public func vector(_ name: String, count: Int? = nil) throws -> Vector<S> {
        let t = try raw(name, rank: 1)
        if let count, t.values.count != count { throw fail(name, .shapeMismatch, "expected \(count) elements, shape is \(t.shape)") }
        return Vector(t.values.map { S(dyadic: $0) })
    }
    public func scalarDouble(_ name: String) throws -> Double {
        let t = try raw(name, rank: 0)
        return t.values[0]
    }
    public func scalar(_ name: String) throws -> S { S(dyadic: try scalarDouble(name)) }
    /// The inputs of a memory run over a sequence: `M0` (d_v×d_k) and, one token per row,
    /// `K` (T×d_k), `V` (T×d_v), `Q` (T×d_k), with their shapes checked against each other.
    public func memorySequence() throws -> (m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>], queries: [Vector<S>]) {
        let m0 = try matrix("M0")
        let k = try rows("K", width: m0.cols)
        return (m0, k, try rows("V", count: k.count, width: m0.rows), try rows("Q", count: k.count, width: m0.cols))
    }

    /// A rank-3 tensor read as `count` matrices of `rows × cols`, each dimension checked when given.
    public func stack(_ name: String, count: Int? = nil, rows: Int? = nil, cols: Int? = nil) throws -> [Matrix<S>] {
        let t = try raw(name, rank: 3)
        for (axis, expected) in [count, rows, cols].enumerated() {
            if let expected, t.shape[axis] != expected {
                throw fail(name, .shapeMismatch, "expected dimension \(axis) to be \(expected), shape is \(t.shape)")
            }
        }
        let (n, r, c) = (t.shape[0], t.shape[1], t.shape[2])
        return (0..<n).map { i in Matrix(rows: r, cols: c, elements: t.values[(i * r * c)..<((i + 1) * r * c)].map { S(dyadic: $0) }) }
    }
    /// A learning rate, which must be positive.
    public func learningRate(_ name: String = "eta") throws -> S {
        let d = try scalarDouble(name)
        guard d > 0 else { throw fail(name, .outOfRange, "learning rate must be positive") }
        return S(dyadic: d)
    }
    /// One step of a linear layer: the weight `W` (d_out×d_in), an input `x` (d_in), a target
    /// `target` (d_out) and a positive learning rate `eta`.
    public func layerStep(target: String) throws -> (w: Matrix<S>, x: Vector<S>, target: Vector<S>, eta: S) {
        let w = try matrix("W")
        let x = try vector("x", count: w.cols)
        let t = try vector(target, count: w.rows)
        return (w, x, t, try learningRate())
    }
    /// A scalar that must be at least `minimum`.
    public func scalar(_ name: String, atLeast minimum: Double) throws -> S {
        let d = try scalarDouble(name)
        guard d >= minimum else { throw fail(name, .outOfRange, "expected a value >= \(minimum), got \(d)") }
        return S(dyadic: d)
    }
    /// A vector whose entries are each at least `minimum`.
    public func vector(_ name: String, count: Int? = nil, atLeast minimum: Double) throws -> Vector<S> {
        let t = try raw(name, rank: 1)
        if let count, t.values.count != count { throw fail(name, .shapeMismatch, "expected \(count) elements, shape is \(t.shape)") }
        if let i = t.values.firstIndex(where: { $0 < minimum }) {
            throw fail(name, .outOfRange, "element \(i) is \(t.values[i]), expected >= \(minimum)")
        }
        return Vector(t.values.map { S(dyadic: $0) })
    }
    /// An integer flag that must be 0 or 1.
    public func flag(_ name: String) throws -> Bool {
        let v = try integer(name, minimum: 0)
        guard v <= 1 else { throw fail(name, .outOfRange, "expected 0 or 1, got \(v)") }
        return v == 1
    }

    /// Checks the denominators `√V + ε` of an optimizer step (Adam, M3) after step `step`: every
    /// entry of the second moment `V` must have a square root in `S` (in rationals, a perfect
    /// square), and with `ε = 0` none may be zero. The errors name the gradients, field `G`.
    public func checkRootDenominators(_ second: Matrix<S>, epsilon: S, step: Int) throws where S: SquareRootScalar {
        if let i = second.elements.firstIndex(where: { S.representableSquareRoot($0) == nil }) {
            throw limit("G", "after step \(step) the second moment's element \(i) has no rational square root")
        }
        if epsilon == .zero, let i = second.elements.firstIndex(of: .zero) {
            throw fail("G", .zeroDenominator, "after step \(step) the second moment's element \(i) is 0 and epsilon is 0: division by zero")
        }
    }

    /// A non-negative integer stored as a double (e.g. a period).
    public func integer(_ name: String, minimum: Int) throws -> Int {
        let d = try scalarDouble(name)
        guard d == d.rounded(), d >= Double(minimum), d <= 1e9 else {
            throw fail(name, .outOfRange, "expected an integer >= \(minimum), got \(d)")
        }
        return Int(d)
    }
}
