import ExactMath
import NestedLearning

/// `delta_rule.sequence`: `M_t = M_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ`, `y_t = M_t q_t`
/// (arXiv eq. 65, right multiplication). Inputs `M0`, `K`, `V`, `Q`, `beta` (T);
/// outputs `Y` (T×d_v), `M_T`.
public struct DeltaRuleOp: GoldenOp {
    public let name = "delta_rule.sequence"
    public let version = 1
    public let conventions = ["DeltaOrientation": "right", "ReadOrder": "afterWrite",
                              "Orientation": "M is d_v x d_k, write v k^T, read M q"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let beta = try inputs.vector("beta", count: k.count)
        let (m, ys) = Self.call(keys: k, values: v, queries: q, betas: beta, tokens: 0..<k.count, from: m0)
        return ["Y": OpOutput(rows: ys, width: m0.rows), "M_T": OpOutput(m)]
    }

    /// One call over `tokens` from state `start`: the final state and the reads after each write.
    /// With `alphas`, each step is the gated one (`GatedDeltaRule.step`).
    static func call<S: Scalar>(keys k: [Vector<S>], values v: [Vector<S>], queries q: [Vector<S>], alphas: Vector<S>? = nil,
                                betas beta: Vector<S>, tokens: Range<Int>, from start: Matrix<S>) -> (Matrix<S>, [Vector<S>]) {
        let trace = GatedDeltaRule.recurrent(keys: Array(k[tokens]), values: Array(v[tokens]), queries: Array(q[tokens]),
                                             alphas: alphas.map { Array($0.elements[tokens]) }, betas: Array(beta.elements[tokens]),
                                             initial: start)
        return (trace.finalState, trace.outputs)
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t * (2 * m0.cols + 4) + m0.cols)
    }
}
