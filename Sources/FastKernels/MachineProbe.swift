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

    /// Runs the FMA throughput probe at one vector width (1 = scalar, 4 = 256-bit, 8 = 512-bit
    /// registers) and returns the floating-point operations it performed, or nil (running nothing)
    /// when this CPU lacks that width.
    public static func fmaPeakProbe(width: Int, iterations: Int) -> Double? {
        var sink = 0.0
        let flop = nl_fma_peak_probe_width(Int32(width), iterations, &sink)
        guard flop > 0 else { return nil }
        precondition(sink.isFinite, "FMA probe produced a non-finite value")
        return flop
    }

    /// A BLAS found on this machine at run time (loaded with dlopen; not a build dependency).
    public enum SystemBLAS {
        /// The library that was loaded, or nil when none is installed.
        public static var library: String? { nl_system_blas_load().map { String(cString: $0) } }
    }
}
