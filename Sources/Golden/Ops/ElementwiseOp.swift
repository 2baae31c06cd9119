import BallArithmetic
import ExactMath

/// `elementwise.<function>`: an activation applied element by element, `Y = f(X)` for `X` of any
/// rank ≥ 1 (`Golden/FORMAT.md`): `exp`, the sigmoid `σ(x) = 1/(1 + e^{−x})`, `softplus(x) =
/// log(1 + eˣ)`, `silu(x) = x σ(x)`, GELU in its erf and tanh forms, `tanh`. The activations of
/// Titans, CMS and Hope implementations and of their gates; their values are not rational, so
/// the expected values are enclosures (``EnclosedOp``).
public struct ElementwiseOp: EnclosedOp {
    public enum Function: String, CaseIterable, Sendable {
        case exp, sigmoid, softplus, silu, gelu, geluTanh = "gelu_tanh", tanh

        func apply<S: TranscendentalScalar>(_ x: S) -> S {
            switch self {
            case .exp: S.exp(x)
            case .sigmoid: S.sigmoid(x)
            case .softplus: S.softplus(x)
            case .silu: S.silu(x)
            case .gelu: S.geluErf(x)
            case .geluTanh: S.geluTanh(x)
            case .tanh: S.tanh(x)
            }
        }
    }

    public let function: Function
    public var name: String { "elementwise.\(function.rawValue)" }
    public var conventions: [String: String] {
        function == .geluTanh ? ["GeluConstants": "0.044715 and sqrt(2/pi) exact"] : [:]
    }
    public init(_ function: Function) { self.function = function }

    public func evaluate<S: TranscendentalScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        guard let t = inputs.tensors["X"] else { throw inputs.fail("X", .shapeMismatch, "missing input") }
        guard !t.shape.isEmpty else { throw inputs.fail("X", .shapeMismatch, "expected rank >= 1, shape is []") }
        let x = try inputs.raw("X", rank: t.shape.count)
        return ["Y": OpOutput(shape: x.shape, values: x.values.map { function.apply(S(dyadic: $0)) })]
    }

    /// `λ = 2` (`boundUnits` 8): one evaluation of the function, its few roundings.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double { 8 }

    public func magnitudes(_ inputs: OpInputs<Double>, output: String, y: [Double]) throws -> [Double] {
        let x = inputs.tensors["X"]!.values
        switch function {
        case .gelu: return x.map(\.magnitude)
        case .geluTanh: return x.map { $0.magnitude * (1 + $0.magnitude + $0.magnitude * $0.magnitude * $0.magnitude / 16) }
        default: return y.map(\.magnitude)
        }
    }
}

extension ElementwiseOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        let seed = 5000 + 10 * (Function.allCases.firstIndex(of: function) ?? 0)
        // Exact points and the regions where a careless formula goes wrong: 0, ±2^-30 (tiny), ±1/2, ±3,
        // ±20 (saturation), and for exp and the sigmoid ±700 (near overflow).
        var special: [Double] = [0, 0x1p-30, -0x1p-30, 0.5, -0.5, 1, -1, 3, -3, 20, -20]
        if function == .exp || function == .sigmoid || function == .softplus { special += [700, -700] }
        if function == .gelu || function == .geluTanh || function == .silu { special += [-8, 8] }
        cases.valid("\(seed)", "special points: 0, +-2^-30, +-1/2, +-1, +-3, +-20" + (special.count > 11 ? ", and beyond" : ""),
                    flags: ["Small", "Dyadic"], ["X": .vector(special)])
        cases.valid("\(seed + 1)", "medium: 8 x 16 values k/2^8 in [-8, 8]", flags: ["Medium", "Dyadic"],
                    ["X": drawn(seed: UInt64(seed + 1)) { g in
                        InputTensor(shape: [8, 16], values: (0..<128).map { _ in g.dyadic(numeratorBound: 2048, exponent: 8) })
                    }])
        cases.invalid("\(seed + 5)a", "X is a scalar (rank 0)", flag: "ShapeMismatch", ["X": .scalar(1)])
        cases.invalid("\(seed + 5)b", "NaN in X", flag: "NonFinite", ["X": .vector([0.5, .nan, 1])])
        return cases
    }
}
