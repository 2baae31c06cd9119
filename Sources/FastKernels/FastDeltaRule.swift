import CKernels
import ExactMath

/// The optimized `Double` path. Same results as the reference up to rounding; the differential
/// tests measure how far against the exact value.
public enum FastKernels {
    /// The implementation the runtime dispatcher picked on this CPU.
    public static var path: String { nl_kernels_path() == 1 ? "avx2+fma" : "portable" }

    /// The delta rule over a sequence, fused (arXiv eq. 65, right multiplication):
    /// `M_t = M_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ`, `y_t = M_t q_t`.
    /// Keys and queries are rows of `keys`/`queries` (T×d_k), values rows of `values` (T×d_v).
    /// Returns the reads `Y` (T×d_v) and the final state.
    public static func deltaRule(initial m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>,
                                 queries: Matrix<Double>, betas: [Double]) -> (outputs: Matrix<Double>, finalState: Matrix<Double>) {
        let t = keys.rows, dk = m0.cols, dv = m0.rows
        precondition(keys.cols == dk && queries.cols == dk && queries.rows == t && values.rows == t && values.cols == dv && betas.count == t,
                     "FastKernels.deltaRule: inconsistent shapes")
        var m = m0.elements
        // Outputs and scratch start as NaN, so a read of an unwritten element cannot hide.
        var y = [Double](repeating: .nan, count: t * dv)
        var scratch = [Double](repeating: .nan, count: max(dv, 1))
        m.withUnsafeMutableBufferPointer { mp in
            y.withUnsafeMutableBufferPointer { yp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    nl_delta_rule(mp.baseAddress, keys.elements, values.elements, queries.elements, betas,
                                  yp.baseAddress, sp.baseAddress, t, dk, dv)
                }
            }
        }
        return (Matrix(rows: t, cols: dv, elements: y), Matrix(rows: dv, cols: dk, elements: m))
    }
}
