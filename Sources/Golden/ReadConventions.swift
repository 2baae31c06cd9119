import BallArithmetic
import ExactMath
import NestedLearning

/// The conventions of how a memory is read and gated, as a case selects them
/// (`Golden/FORMAT.md`, "The options of this version"): the query scale, the read order, and
/// gates in log space.
extension OpInputs {
    /// The query scale `s` of a read `y_t = M_t (s q_t)` (``Conventions/QueryScale``): the case's
    /// optional input `scale` (any finite value), else `fallback`.
    public func queryScale(or fallback: S) throws -> S {
        tensors["scale"] == nil ? fallback : try scalar("scale")
    }

    /// The queries as the op reads them: `Q`'s rows times the case's `scale`, if it has one.
    public func scaledQueries(_ queries: [Vector<S>]) throws -> [Vector<S>] {
        tensors["scale"] == nil ? queries : LinearAttention.scaled(queries, by: try queryScale(or: S(1)))
    }

    /// The option `read_order` (``Conventions/ReadOrder``): `after_write` (default) or `before_write`.
    public func readOrder(of signature: OpSignature) throws -> Conventions.ReadOrder {
        try option("read_order", of: signature) == "before_write" ? .beforeWrite : .afterWrite
    }

    /// How the case gives its decay gates (option `gates`, ``Conventions/GateSpace``): `linear`
    /// for an op without the option.
    public func gateSpace(of signature: OpSignature) throws -> Conventions.GateSpace {
        guard signature.options["gates"] != nil else { return .linear }
        return Conventions.GateSpace(rawValue: try option("gates", of: signature)) ?? .linear
    }

    /// The gates `RN(σ(x))` of the logits in the vector `name` (`count` entries, each finite): the
    /// binary64 nearest each sigmoid, proven by balls (``Ball/correctlyRounded(startingAt:limit:_:)``).
    public func gatesFromLogits(_ name: String, count: Int) throws -> [Double] {
        let t = try raw(name, rank: 1)
        if t.values.count != count { throw fail(name, .shapeMismatch, "expected \(count) elements, shape is \(t.shape)") }
        guard let found = Ball.correctlyRounded({ t.values.map { Ball.sigmoid(Ball(dyadic: $0)) } }) else {
            throw limit(name, "a sigmoid is not settled at 4096 bits")
        }
        return found.values
    }

    /// The decay factors `RN(exp g)` of the log-space gates in the vector `name` (`count` entries,
    /// each finite). Any finite `g` is valid, as any finite linear gate is; this reference computes
    /// `RN(exp g)` for `|g| ≤ 64` (``CorrectlyRoundedExp/domain``) and declines others with an error
    /// of no kind (an input it cannot compute, not an invalid one).
    public func decaysFromLogGates(_ name: String, count: Int) throws -> [Double] {
        let t = try raw(name, rank: 1)
        if t.values.count != count { throw fail(name, .shapeMismatch, "expected \(count) elements, shape is \(t.shape)") }
        if let i = t.values.firstIndex(where: { !CorrectlyRoundedExp.domain.contains($0) }) {
            throw limit(name, "element \(i) is \(t.values[i]); this reference computes exp(g) for |g| <= 64 only")
        }
        return t.values.map(CorrectlyRoundedExp.exp)
    }
}

/// Gates in log space (`Golden/FORMAT.md`, "Gates in log space").
public enum LogGates {
    /// The units a case with log-space gates adds to its op's bound: `4·T·(2 + ⌈Σ_t |g_t|⌉)` (and a
    /// case with logits `4·T·2`: a faithful sigmoid is within 2 units of `RN(σ(x))`),
    /// with the factor 4 of margin every op's bound has. Per token, a faithful `exp` is within
    /// 1 ulp, 2 units, of the reference's `RN(exp g)`; a chunked kernel that forms each decay as
    /// `exp(G_t − G_s)` from prefix sums `G` of the gates has an absolute error of at most
    /// `T·u·Σ|g|` in the exponent, so a relative error of that size in the decay: `⌈Σ|g|⌉` units
    /// more per token.
    public static func extraBoundUnits(_ gates: [Double]) -> Double {
        4 * Double(gates.count) * (2 + gates.reduce(0) { $0 + abs($1) }.rounded(.up))
    }

    /// The extra units of a case's bound for its log-space gates in `name`, or 0 when it has none.
    public static func extraBoundUnits(_ inputs: OpInputs<Double>, _ name: String) -> Double {
        (inputs.tensors[name].map { extraBoundUnits($0.values) } ?? 0)
            + (inputs.tensors["alpha_logit"].map { 4 * Double($0.values.count) * 2 } ?? 0)
    }
}

extension OpInputs where S == Double {
    /// The units the case's read conventions add to its op's bound: 4 for a query `scale` (one
    /// rounding of `s·q`, with the margin 4), and ``LogGates/extraBoundUnits(_:_:)`` for the
    /// log-space gates in `logGates`, if the case carries that input.
    public func conventionBoundUnits(logGates name: String? = nil) -> Double {
        (tensors["scale"] == nil ? 0 : 4) + (name.map { LogGates.extraBoundUnits(self, $0) } ?? 0)
    }
}

/// The activation of an MLP memory, as a case selects it (option `activation`, `Golden/FORMAT.md`).
public enum MLPActivationOption {
    /// The option: the paper's `z + z²/2` by default, or an activation real implementations use.
    public static let option = OpSignature.Option(values: ["poly", "relu", "silu", "gelu", "gelu_tanh"], default: "poly")

    /// The ``Activation`` a value names.
    public static func activation(_ value: String) -> Activation {
        switch value {
        case "relu": .relu
        case "silu": .silu
        case "gelu": .gelu
        case "gelu_tanh": .geluTanh
        default: .polynomial(.quadratic)
        }
    }

    /// Whether the options select an activation whose values are not rational.
    public static func isTranscendental(_ options: [String: String]) -> Bool {
        !activation(options["activation"] ?? "poly").isRational
    }
}

extension OpInputs {
    /// The case's activation (option `activation` of the op with `signature`).
    public func activation(of signature: OpSignature) throws -> Activation {
        MLPActivationOption.activation(try option("activation", of: signature))
    }
}
