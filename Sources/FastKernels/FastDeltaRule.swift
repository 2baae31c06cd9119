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
        let t = keys.rows, dk = m0.cols, dv = m0.rows
        precondition(keys.cols == dk && queries.cols == dk && queries.rows == t && values.rows == t && values.cols == dv
                     && betas.count == t && (alphas?.count ?? t) == t, "FastKernels.deltaRule: inconsistent shapes")
        var m = m0.elements
        var y = poisoned(t * dv), scratch = poisoned(max(dv, 1))
        m.withUnsafeMutableBufferPointer { mp in
            y.withUnsafeMutableBufferPointer { yp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    alphas.withOptionalPointer { ap in
                        switch form {
                        case .fused:
                            nl_delta_rule(mp.baseAddress, keys.elements, values.elements, queries.elements, ap, betas,
                                          yp.baseAddress, sp.baseAddress, t, dk, dv)
                        case .chunked(let c):
                            precondition(c >= 1, "FastKernels.deltaRule: chunk size must be at least 1")
                            nl_delta_rule_chunked(mp.baseAddress, keys.elements, values.elements, queries.elements, ap, betas,
                                                  yp.baseAddress, t, dk, dv, c)
                        }
                    }
                }
            }
        }
        return SequenceResult(outputs: Matrix(rows: t, cols: dv, elements: y), finalState: Matrix(rows: dv, cols: dk, elements: m))
    }
}

extension Optional where Wrapped == [Double] {
    /// Calls `body` with a pointer to the array's elements, or with nil.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Double>?) -> R) -> R {
        switch self {
        case .none: return body(nil)
        case .some(let array): return array.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}
