import CKernels
import ExactMath

extension FastKernels {
    /// Reads, final memory and final momentum of the Titans memory over a sequence.
    public struct TitansResult: Sendable {
        public let outputs: Matrix<Double>
        public let finalState: Matrix<Double>
        public let finalMomentum: Matrix<Double>
    }

    /// The Titans linear memory in chunks of `chunk` tokens (Titans eq. 8–16; claim TITANS-CHUNK):
    /// gradients of `½‖M k − v‖²` at the chunk-start state, `S ← η S − θ u`, `M ← (1 − α) M + S`,
    /// `y_t = M_t q_t`. `momentum` is the momentum carried in (zero for a fresh sequence).
    public static func titansMemory(initial m0: Matrix<Double>, momentum s0: Matrix<Double>? = nil, keys: Matrix<Double>,
                                    values: Matrix<Double>, queries: Matrix<Double>, alphas: [Double], etas: [Double],
                                    thetas: [Double], chunk: Int) -> TitansResult {
        let t = keys.rows, dk = m0.cols, dv = m0.rows
        precondition(keys.cols == dk && queries.cols == dk && queries.rows == t && values.rows == t && values.cols == dv
                     && alphas.count == t && etas.count == t && thetas.count == t && chunk >= 1
                     && (s0.map { $0.rows == dv && $0.cols == dk } ?? true), "FastKernels.titansMemory: inconsistent shapes")
        var m = m0.elements, s = s0?.elements ?? [Double](repeating: 0, count: dv * dk), y = poisoned(t * dv)
        m.withUnsafeMutableBufferPointer { mp in
            s.withUnsafeMutableBufferPointer { sp in
                y.withUnsafeMutableBufferPointer { yp in
                    nl_titans_memory(mp.baseAddress, sp.baseAddress, keys.elements, values.elements, queries.elements, alphas, etas, thetas,
                                     yp.baseAddress, t, dk, dv, chunk)
                }
            }
        }
        return TitansResult(outputs: Matrix(rows: t, cols: dv, elements: y), finalState: Matrix(rows: dv, cols: dk, elements: m),
                            finalMomentum: Matrix(rows: dv, cols: dk, elements: s))
    }
}
