import ExactMath
import NestedLearning

/// `linear_attention.recurrent`: `M_t = M_{t−1} + v_t k_tᵀ`, `y_t = M_t q_t` (arXiv eq. 14–16).
/// Inputs `M0` (d_v×d_k), `K` (T×d_k), `V` (T×d_v), `Q` (T×d_k); outputs `Y` (T×d_v), `M_T`.
public struct LinearAttentionOp: GoldenOp {
    public let name = "linear_attention.recurrent"
    public let version = 1
    public let conventions = ["ReadOrder": "afterWrite", "Orientation": "M is d_v x d_k, write v k^T, read M q"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let trace = LinearAttention.recurrent(keys: k, values: v, queries: q, initial: m0)
        return ["Y": OpOutput(rows: trace.outputs, width: m0.rows), "M_T": OpOutput(trace.finalState)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t + m0.cols + 2)
    }
}
