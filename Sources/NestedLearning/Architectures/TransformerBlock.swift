import ExactMath

/// A Transformer block without normalisation: causal attention then an MLP, each with a
/// residual connection, `h_t = x_t + Attn_t(X)`, `y_t = h_t + MLP(h_t)` (arXiv §6).
///
/// Projections are `q_t = W_q x_t`, `k_t = W_k x_t`, `v_t = W_v x_t` with `W_v` square so the
/// residual is defined. The attention kernel is a parameter so the block runs exactly with a
/// positive rational kernel and in `Double` with softmax.
public struct TransformerBlock<S: Scalar>: Sendable {
    public let wq: Matrix<S>
    public let wk: Matrix<S>
    public let wv: Matrix<S>
    public let mlp: TwoLayerMLP<S>

    public init(wq: Matrix<S>, wk: Matrix<S>, wv: Matrix<S>, mlp: TwoLayerMLP<S>) {
        precondition(wv.rows == wv.cols && wq.rows == wk.rows && mlp.w1.cols == wv.rows && mlp.w2.rows == wv.rows,
                     "TransformerBlock: inconsistent shapes")
        self.wq = wq
        self.wk = wk
        self.wv = wv
        self.mlp = mlp
    }

    /// The block over a sequence, with attention weights `κ(q_tᵀk_i)`.
    public func callAsFunction(_ xs: [Vector<S>], kernel: (S) -> S) -> [Vector<S>] {
        let attended = Attention.causal(queries: xs.map { wq * $0 }, keys: xs.map { wk * $0 },
                                        values: xs.map { wv * $0 }, kernel: kernel)
        return zip(xs, attended).map { x, a in
            let h = x + a
            return h + mlp(h)
        }
    }
}
