import CKernels
import ExactMath

extension FastKernels {
    /// How linear attention is evaluated.
    public enum LinearAttentionForm: Sendable, Equatable {
        /// One fused pass over the state per token.
        case recurrent
        /// Chunks of `C` tokens: `Y = Q Sᵀ + (Q Kᵀ masked to s ≤ t) V`, then `S += Vᵀ K`.
        case chunked(Int)
    }

    /// Linear attention over a sequence (arXiv eq. 15–16, read after write), optionally gated:
    /// `M_t = α_t M_{t−1} + v_t k_tᵀ`, `y_t = M_t q_t` (`alphas == nil` means α = 1; the
    /// recurrent form takes no gates).
    public static func linearAttention(initial m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>,
                                       queries: Matrix<Double>, alphas: [Double]? = nil,
                                       form: LinearAttentionForm = .recurrent) -> SequenceResult {
        let t = keys.rows, dk = m0.cols, dv = m0.rows
        precondition(keys.cols == dk && queries.cols == dk && queries.rows == t && values.rows == t && values.cols == dv
                     && (alphas?.count ?? t) == t, "FastKernels.linearAttention: inconsistent shapes")
        var m = m0.elements, y = poisoned(t * dv)
        m.withUnsafeMutableBufferPointer { mp in
            y.withUnsafeMutableBufferPointer { yp in
                alphas.withOptionalPointer { ap in
                    switch form {
                    case .recurrent:
                        precondition(ap == nil, "FastKernels.linearAttention: the recurrent form takes no gates")
                        nl_linear_attention(mp.baseAddress, keys.elements, values.elements, queries.elements, yp.baseAddress, t, dk, dv)
                    case .chunked(let c):
                        precondition(c >= 1, "FastKernels.linearAttention: chunk size must be at least 1")
                        nl_linear_attention_chunked(mp.baseAddress, keys.elements, values.elements, queries.elements, ap,
                                                    yp.baseAddress, t, dk, dv, c)
                    }
                }
            }
        }
        return SequenceResult(outputs: Matrix(rows: t, cols: dv, elements: y), finalState: Matrix(rows: dv, cols: dk, elements: m))
    }
}
