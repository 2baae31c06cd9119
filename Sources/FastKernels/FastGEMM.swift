import CKernels
import ExactMath

extension FastKernels {
    /// `op(A) op(B)` with the packed, register-blocked GEMM (`op` transposes when asked).
    public static func gemm(_ a: Matrix<Double>, _ b: Matrix<Double>, transposeA: Bool = false,
                            transposeB: Bool = false) -> Matrix<Double> {
        let m = transposeA ? a.cols : a.rows, k = transposeA ? a.rows : a.cols
        let n = transposeB ? b.rows : b.cols
        precondition((transposeB ? b.cols : b.rows) == k, "FastKernels.gemm: inner dimensions \(k) and \(transposeB ? b.cols : b.rows)")
        var c = poisoned(m * n)
        c.withUnsafeMutableBufferPointer { cp in
            nl_dgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, a.elements, max(a.cols, 1),
                     b.elements, max(b.cols, 1), 0, cp.baseAddress, max(n, 1))
        }
        return Matrix(rows: m, cols: n, elements: c)
    }
}
