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
        Workspace.linearAttentionBuffers(m0, keys, values, queries, alphas, form).result()
    }
}

extension FastKernels.Workspace {
    /// Linear attention, as ``FastKernels/linearAttention(initial:keys:values:queries:alphas:form:)``.
    public static func linearAttention(initial m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>,
                                       queries: Matrix<Double>, alphas: [Double]? = nil,
                                       form: FastKernels.LinearAttentionForm = .recurrent) -> FastKernels.Workspace {
        linearAttentionBuffers(m0, keys, values, queries, alphas, form).workspace
    }

    static func linearAttentionBuffers(_ m0: Matrix<Double>, _ keys: Matrix<Double>, _ values: Matrix<Double>, _ queries: Matrix<Double>,
                                       _ alphas: [Double]?, _ form: FastKernels.LinearAttentionForm) -> FastKernels.SequenceBuffers {
        let s = FastKernels.SequenceBuffers("linearAttention", m0, keys, values, queries, gates: [alphas])
        let a = alphas.map(s.workspace.buffer)
        switch form {
        case .recurrent: precondition(a == nil, "FastKernels.linearAttention: the recurrent form takes no gates")
        case .chunked(let c): precondition(c >= 1, "FastKernels.linearAttention: chunk size must be at least 1")
        }
        _ = s.workspace.calls {
            s.reset()
            switch form {
            case .recurrent: nl_linear_attention(s.state, s.k, s.v, s.q, s.outputs, s.t, s.dk, s.dv)
            case .chunked(let c): nl_linear_attention_chunked(s.state, s.k, s.v, s.q, a, s.outputs, s.t, s.dk, s.dv, c)
            }
        }
        return s
    }
}
