import ExactMath
import NestedLearning

/// `transformer_block.cms1`: `h_t = x_t + Attn_t`, `y_t = h_t + W2 φ(W1 h_t)` with causal kernel
/// attention `κ(s) = 1 + s²` (positive and rational, so the block is exact) and `φ(z) = z + z²/2`
/// (arXiv §6: attention, then a k = 1 CMS level of frequency zero). Inputs `X` (T×d), `Wq`, `Wk`
/// (d_k×d), `Wv` (d×d), `W1` (d_h×d), `W2` (d×d_h); output `Y` (T×d).
public struct TransformerBlockOp: GoldenOp {
    public let name = "transformer_block.cms1"
    public let version = 1
    public let conventions = ["Kernel": "1 + (q.k)^2", "Activation": "z + z^2/2", "Residuals": "around attention and around the MLP"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let xs = try inputs.rows("X")
        let d = xs.first?.count ?? 0
        let wq = try inputs.matrix("Wq", cols: d)
        let block = TransformerBlock(wq: wq, wk: try inputs.matrix("Wk", rows: wq.rows, cols: d), wv: try inputs.matrix("Wv", rows: d, cols: d),
                                     mlp: TwoLayerMLP(w1: try inputs.matrix("W1", cols: d), w2: try inputs.matrix("W2", rows: d, cols: try inputs.matrix("W1").rows)))
        return ["Y": OpOutput(rows: block(xs, kernel: { Attention.positivePolynomialKernel($0) }), width: d)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        return 4 * Double(4 * x.cols + 2 * x.rows + 16)
    }
}
