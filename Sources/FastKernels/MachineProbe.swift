import CKernels
import ExactMath

extension FastKernels {
    /// Runs the FMA throughput probe (12 independent FMA chains) for `iterations` iterations and
    /// returns the floating-point operations it performed; the caller times it.
    public static func fmaPeakProbe(iterations: Int) -> Double {
        var sink = 0.0
        let flop = nl_fma_peak_probe(iterations, &sink)
        precondition(sink.isFinite, "FMA probe produced a non-finite value")
        return flop
    }

    /// A BLAS found on this machine at run time (loaded with dlopen; not a build dependency).
    public enum SystemBLAS {
        /// The library that was loaded, or nil when none is installed.
        public static var library: String? { nl_system_blas_load().map { String(cString: $0) } }

        /// `op(A) op(B)` through the system BLAS's `cblas_dgemm`, single-threaded; nil without one.
        public static func gemm(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double>? {
            precondition(a.cols == b.rows, "SystemBLAS.gemm: inner dimensions differ")
            var c = poisoned(a.rows * b.cols)
            let status = c.withUnsafeMutableBufferPointer { cp in
                nl_system_dgemm(0, 0, a.rows, b.cols, a.cols, 1, a.elements, max(a.cols, 1), b.elements, max(b.cols, 1), 0,
                                cp.baseAddress, max(b.cols, 1))
            }
            return status == 0 ? Matrix(rows: a.rows, cols: b.cols, elements: c) : nil
        }
    }
}
