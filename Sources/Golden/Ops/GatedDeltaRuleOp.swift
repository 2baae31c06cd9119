import ExactMath
import NestedLearning

/// `gated_delta_rule.sequence`: `M_t = α_t M_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ`,
/// `y_t = M_t q_t` (decay, then the delta rule of arXiv eq. 65, right multiplication). Inputs
/// `M0`, `K`, `V`, `Q`, `alpha` (T), `beta` (T); outputs `Y` (T×d_v), `M_T`.
public struct GatedDeltaRuleOp: GoldenOp {
    public let name = "gated_delta_rule.sequence"
    public let version = 1
    public let conventions = DeltaRuleOp().conventions.merging(["GatePlacement": "decay then delta: alpha M(I - beta k k^T) + beta v k^T"]) { a, _ in a }
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let alpha = try inputs.vector("alpha", count: k.count)
        let beta = try inputs.vector("beta", count: k.count)
        let (m, ys) = DeltaRuleOp.call(keys: k, values: v, queries: q, alphas: alpha, betas: beta, tokens: 0..<k.count, from: m0)
        return ["Y": OpOutput(rows: ys, width: m0.rows), "M_T": OpOutput(m)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t * (2 * m0.cols + 5) + m0.cols)
    }
}
