import CKernels
import ExactMath

/// The optimized `Double` path: C kernels with run-time CPU dispatch (AVX2+FMA, or portable C).
/// Same results as the reference up to rounding; the differential tests measure how far, against
/// the exact value where it is affordable.
///
/// Every wrapper fills its output buffers with NaN before the call, so a kernel that fails to write
/// an element (or reads one before writing it) cannot hide.
public enum FastKernels {
    /// The implementation the dispatcher picks on this thread.
    public static var path: String { nl_kernels_path() == 1 ? "avx2+fma" : "portable" }

    /// Runs `body` with the portable C path forced on this thread (to test it on any CPU).
    public static func withPortablePath<R>(_ body: () throws -> R) rethrows -> R {
        nl_kernels_force_portable(1)
        defer { nl_kernels_force_portable(0) }
        return try body()
    }

    /// Runs `body` with every internal scratch buffer NaN-filled each time a kernel takes it
    /// (on this thread), so a kernel that reads scratch before writing it produces NaN.
    public static func withPoisonedScratch<R>(_ body: () throws -> R) rethrows -> R {
        nl_kernels_poison_scratch(1)
        defer { nl_kernels_poison_scratch(0) }
        return try body()
    }

    /// A buffer of `count` NaNs.
    static func poisoned(_ count: Int) -> [Double] { [Double](repeating: .nan, count: count) }
}
