import CKernels
import ExactMath

extension FastKernels {
    /// `op(A) op(B)` with the packed, register-blocked GEMM (`op` transposes when asked).
    public static func gemm(_ a: Matrix<Double>, _ b: Matrix<Double>, transposeA: Bool = false,
                            transposeB: Bool = false) -> Matrix<Double> {
        let g = Workspace.GEMMBuffers(a, b, transposeA: transposeA, transposeB: transposeB)
        _ = g.workspace.calls(g.call(nl_dgemm))
        return g.result()
    }
}

extension FastKernels.Workspace {
    /// `A B` with this package's GEMM.
    public static func gemm(_ a: Matrix<Double>, _ b: Matrix<Double>) -> FastKernels.Workspace {
        let g = GEMMBuffers(a, b)
        return g.workspace.calls(g.call(nl_dgemm))
    }

    /// `A B` with the system BLAS's `cblas_dgemm` (single-threaded), or nil when none is installed.
    public static func systemGEMM(_ a: Matrix<Double>, _ b: Matrix<Double>) -> FastKernels.Workspace? {
        guard FastKernels.SystemBLAS.library != nil else { return nil }
        let g = GEMMBuffers(a, b)
        return g.workspace.calls(g.call { _ = nl_system_dgemm($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) })
    }

    /// The operands and the product of `op(A) op(B)`.
    struct GEMMBuffers {
        typealias Kernel = (Int32, Int32, Int, Int, Int, Double, UnsafePointer<Double>?, Int, UnsafePointer<Double>?, Int, Double,
                            UnsafeMutablePointer<Double>?, Int) -> Void
        let workspace = FastKernels.Workspace()
        let a: Buffer, b: Buffer, c: Buffer
        let m: Int, n: Int, k: Int, lda: Int, ldb: Int, transposeA: Bool, transposeB: Bool

        init(_ a: Matrix<Double>, _ b: Matrix<Double>, transposeA: Bool = false, transposeB: Bool = false) {
            (m, k, n) = (transposeA ? a.cols : a.rows, transposeA ? a.rows : a.cols, transposeB ? b.rows : b.cols)
            precondition((transposeB ? b.cols : b.rows) == k, "FastKernels.gemm: inner dimensions \(k) and \(transposeB ? b.cols : b.rows)")
            (lda, ldb, self.transposeA, self.transposeB) = (max(a.cols, 1), max(b.cols, 1), transposeA, transposeB)
            (self.a, self.b, c) = (workspace.buffer(a.elements), workspace.buffer(b.elements), workspace.buffer(count: m * n))
        }

        /// `kernel` called on these buffers: `C = op(A) op(B)`.
        func call(_ kernel: @escaping Kernel) -> () -> Void {
            let s = self
            return { kernel(s.transposeA ? 1 : 0, s.transposeB ? 1 : 0, s.m, s.n, s.k, 1, s.a, s.lda, s.b, s.ldb, 0, s.c, max(s.n, 1)) }
        }

        func result() -> Matrix<Double> {
            workspace.run()
            return workspace.matrix(c, m, n)
        }
    }
}
