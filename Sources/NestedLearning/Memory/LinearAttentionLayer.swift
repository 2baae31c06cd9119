import ExactMath

/// Linear attention with its projections, the two-level system of arXiv §3 (eq. 14–18):
/// the outer level learns `W_k, W_v, W_q`; the inner level is the memory `M_t`, written
/// in context by `M_t = M_{t−1} + v_t k_tᵀ` and read by `y_t = M_t q_t`.
public struct LinearAttentionLayer<S: Scalar>: Sendable {
    /// `W_k ∈ S^{d_k × d_in}`.
    public var wk: Matrix<S>
    /// `W_v ∈ S^{d_v × d_in}`.
    public var wv: Matrix<S>
    /// `W_q ∈ S^{d_k × d_in}`.
    public var wq: Matrix<S>

    public init(wk: Matrix<S>, wv: Matrix<S>, wq: Matrix<S>) {
        precondition(wk.rows == wq.rows && wk.cols == wv.cols && wk.cols == wq.cols, "LinearAttentionLayer: inconsistent shapes")
        self.wk = wk
        self.wv = wv
        self.wq = wq
    }

    /// `k_t = W_k x_t`, `v_t = W_v x_t`, `q_t = W_q x_t`, then the recurrence from `M_0 = 0`
    /// (arXiv eq. 14–16).
    public func forward(_ xs: [Vector<S>]) -> LinearAttention.Trace<S> {
        LinearAttention.recurrent(keys: xs.map { wk * $0 }, values: xs.map { wv * $0 }, queries: xs.map { wq * $0 },
                                  initial: .zeros(wv.rows, wk.rows))
    }

    /// Gradients of an outer loss with respect to the projections.
    public struct Gradients: Sendable {
        public let wk: Matrix<S>
        public let wv: Matrix<S>
        public let wq: Matrix<S>
    }

    /// Hand-written backpropagation through the whole inner recurrence, given `e_t = ∂L/∂y_t`.
    ///
    /// With `G_t = ∂L/∂M_t = Σ_{s≥t} e_s q_sᵀ` (the state written at t is read by every later
    /// query): `∂L/∂q_t = M_tᵀ e_t`, `∂L/∂v_t = G_t k_t`, `∂L/∂k_t = G_tᵀ v_t`, and each
    /// projection's gradient is `Σ_t (∂L/∂·_t) x_tᵀ`.
    public func backward(_ xs: [Vector<S>], outputGradients e: [Vector<S>],
                         futureReads: Bool = true) -> Gradients {
        let keys = xs.map { wk * $0 }, values = xs.map { wv * $0 }, queries = xs.map { wq * $0 }
        var m = Matrix<S>.zeros(wv.rows, wk.rows)
        var states: [Matrix<S>] = []
        for t in 0..<xs.count {
            m = LinearAttention.write(m, key: keys[t], value: values[t])
            states.append(m)
        }
        var gk = Matrix<S>.zeros(wk.rows, wk.cols), gv = Matrix<S>.zeros(wv.rows, wv.cols), gq = Matrix<S>.zeros(wq.rows, wq.cols)
        var g = Matrix<S>.zeros(wv.rows, wk.rows)
        for t in stride(from: xs.count - 1, through: 0, by: -1) {
            let local = Matrix.outer(e[t], queries[t])
            g = futureReads ? g + local : local
            gq = gq + Matrix.outer(states[t].transposed * e[t], xs[t])
            gv = gv + Matrix.outer(g * keys[t], xs[t])
            gk = gk + Matrix.outer(g.transposed * values[t], xs[t])
        }
        return Gradients(wk: gk, wv: gv, wq: gq)
    }

    /// The parameters as `vec(W_k) ‖ vec(W_v) ‖ vec(W_q)`.
    public var flatParameters: [S] { wk.elements + wv.elements + wq.elements }

    /// A layer of this shape with parameters read from `flatParameters` order.
    public func withFlatParameters<T: Scalar>(_ theta: [T]) -> LinearAttentionLayer<T> {
        let a = wk.elements.count, b = wv.elements.count
        return LinearAttentionLayer<T>(wk: Matrix(rows: wk.rows, cols: wk.cols, elements: Array(theta[0..<a])),
                                       wv: Matrix(rows: wv.rows, cols: wv.cols, elements: Array(theta[a..<(a + b)])),
                                       wq: Matrix(rows: wq.rows, cols: wq.cols, elements: Array(theta[(a + b)...])))
    }
}
