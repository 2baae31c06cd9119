import CKernels
import ExactMath

extension FastKernels {
    /// Reads and final state of a sequence memory run over T tokens.
    public struct SequenceResult: Sendable {
        /// `y_t` as rows (T × d_v).
        public let outputs: Matrix<Double>
        public let finalState: Matrix<Double>
        public init(outputs: Matrix<Double>, finalState: Matrix<Double>) {
            self.outputs = outputs
            self.finalState = finalState
        }
    }

    /// How the delta rule is evaluated.
    public enum DeltaRuleForm: Sendable, Equatable {
        /// One fused pass over the state per token.
        case fused
        /// Chunks of `C` tokens in the WY/UT form (GEMMs and a C × C triangular solve per chunk).
        case chunked(Int)
    }

    /// The gated delta rule over a sequence (arXiv eq. 65 with right multiplication, ambiguity
    /// A15; gates as in Gated DeltaNet): `M_t = α_t M_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ`,
    /// `y_t = M_t q_t`. `alphas == nil` is the plain delta rule (α = 1). Keys and queries are rows
    /// of `keys`/`queries` (T × d_k), values rows of `values` (T × d_v); the state is d_v × d_k.
    public static func deltaRule(initial m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>,
                                 queries: Matrix<Double>, alphas: [Double]? = nil, betas: [Double],
                                 form: DeltaRuleForm = .fused) -> SequenceResult {
        Workspace.deltaRuleBuffers(m0, keys, values, queries, alphas, betas, form).result()
    }
}

extension FastKernels.Workspace {
    /// The delta rule, as ``FastKernels/deltaRule(initial:keys:values:queries:alphas:betas:form:)``.
    public static func deltaRule(initial m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>,
                                 queries: Matrix<Double>, alphas: [Double]? = nil, betas: [Double],
                                 form: FastKernels.DeltaRuleForm = .fused) -> FastKernels.Workspace {
        deltaRuleBuffers(m0, keys, values, queries, alphas, betas, form).workspace
    }

    static func deltaRuleBuffers(_ m0: Matrix<Double>, _ keys: Matrix<Double>, _ values: Matrix<Double>, _ queries: Matrix<Double>,
                                 _ alphas: [Double]?, _ betas: [Double], _ form: FastKernels.DeltaRuleForm) -> FastKernels.SequenceBuffers {
        let s = FastKernels.SequenceBuffers("deltaRule", m0, keys, values, queries, gates: [alphas, betas])
        let w = s.workspace, a = alphas.map(w.buffer), b = w.buffer(betas), scratch = w.buffer(count: max(s.dv, 1))
        if case .chunked(let c) = form { precondition(c >= 1, "FastKernels.deltaRule: chunk size must be at least 1") }
        _ = w.calls {
            s.reset()
            switch form {
            case .fused: nl_delta_rule(s.state, s.k, s.v, s.q, a, b, s.outputs, scratch, s.t, s.dk, s.dv)
            case .chunked(let c): nl_delta_rule_chunked(s.state, s.k, s.v, s.q, a, b, s.outputs, s.t, s.dk, s.dv, c)
            }
        }
        return s
    }
}
