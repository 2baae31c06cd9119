import ExactMath
import NestedLearning

/// `gated_delta_rule.sequence`: `M_t = α_t M_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ`,
/// `y_t = M_t q_t` (decay, then the delta rule of arXiv eq. 65, right multiplication). Inputs
/// `M0`, `K`, `V`, `Q`, `alpha` (T), `beta` (T), optional `scale`; outputs `Y` (T×d_v), `M_T`.
/// Options: `read_order`; `gates` = `log` gives `log_alpha` (`g_t`, `α_t = RN(exp g_t)`) for `alpha`.
public struct GatedDeltaRuleOp: GoldenOp {
    public let name = "gated_delta_rule.sequence"
    public let conventions = DeltaRuleOp().conventions.merging(
        ["GatePlacement": "decay then delta: alpha M(I - beta k k^T) + beta v k^T"]) { a, _ in a }
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let alpha: Vector<S>
        switch try inputs.gateSpace(of: signature) {
        case .linear: alpha = try inputs.vector("alpha", count: k.count)
        case .log: alpha = Vector(try inputs.decaysFromLogGates("log_alpha", count: k.count).map { S(dyadic: $0) })
        case .logit: alpha = Vector(try inputs.gatesFromLogits("alpha_logit", count: k.count).map { S(dyadic: $0) })
        }
        let beta = try inputs.vector("beta", count: k.count)
        let (m, ys) = DeltaRuleOp.call(keys: k, values: v, queries: try inputs.scaledQueries(q), alphas: alpha, betas: beta,
                                       tokens: 0..<k.count, from: m0, readOrder: try inputs.readOrder(of: signature))
        return ["Y": OpOutput(rows: ys, width: m0.rows), "M_T": OpOutput(m)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t * (2 * m0.cols + 5) + m0.cols) + inputs.conventionBoundUnits(logGates: "log_alpha")
    }
}

extension GatedDeltaRuleOp {
    /// Gates at 0, 1 and 1 - 2^-30 among ordinary values.
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 2, 6, 2, "d_k != d_v; gates 1/2, 1, 0, 1 - 2^-30, 3/4"),
                       (16, 12, 40, 8, "medium: T = 40, d_k != d_v")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1400 + i))
            let (dk, dv, t, bits, comment) = s
            let gates: DraftInputs = ["alpha": .cycle(t, [0.5, 1, 0, 1 - 0x1p-30, 0.75]), "beta": .cycle(t, [1, 0x1p-6, 0.5, 0.75])]
            cases.valid("\(1400 + i)", comment, flags: sizeFlags(bits: bits, "GateNearOne"),
                        scaledMemorySequence(&g, dk: dk, dv: dv, t: t, bits: bits).merging(gates) { $1 })
        }
        cases.invalid("1450", "2 gates for 3 tokens", flag: "ShapeMismatch",
                      drawn(seed: 1450) { Self.smallInputs(&$0) }) { $0["alpha"] = .vector([0.5, 0.5]) }
        let base = drawn(seed: 2680) { Self.smallInputs(&$0) }
        cases.refuse("2680", base, "alpha", "NonFinite", "NaN gate") { $0["alpha"]!.values[1] = .nan }
        readConventionCases(&cases)
        return cases
    }

    /// 2-bit inputs for `T = 3` tokens, `d_k = 3`, `d_v = 2`, gates and step sizes 1/2.
    static func smallInputs(_ g: inout DyadicGenerator) -> DraftInputs {
        let halves = InputTensor.vector([0.5, 0.5, 0.5])
        return memorySequence(&g, dk: 3, dv: 2, t: 3, bits: 2).merging(["alpha": halves, "beta": halves]) { $1 }
    }
}
