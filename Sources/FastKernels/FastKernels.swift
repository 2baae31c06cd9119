import CKernels
import ExactMath

/// The optimized `Double` path: C kernels with run-time CPU dispatch (AVX-512, AVX2+FMA, or portable C).
/// Same results as the reference up to rounding; the differential tests measure how far, against
/// the exact value where it is affordable.
///
/// Every wrapper fills its output buffers with NaN before the call, so a kernel that fails to write
/// an element (or reads one before writing it) cannot hide.
public enum FastKernels {
    /// The dispatched implementations, narrowest first.
    public enum PathLevel: Int32, CaseIterable, Comparable, Sendable, CustomStringConvertible {
        /// Portable C.
        case portable = 0
        /// 256-bit vectors with fused multiply-add (AVX2 and FMA).
        case avx2 = 1
        /// 512-bit vectors (AVX-512 F, DQ, VL and BW, with AVX2 and FMA).
        case avx512 = 2

        /// The name `path` reports: "portable", "avx2+fma" or "avx512".
        public var description: String {
            switch self {
            case .portable: "portable"
            case .avx2: "avx2+fma"
            case .avx512: "avx512"
            }
        }

        public static func < (a: PathLevel, b: PathLevel) -> Bool { a.rawValue < b.rawValue }
    }

    /// The implementation the dispatcher picks on this thread, by name.
    public static var path: String { pathLevel.description }

    /// The implementation the dispatcher picks on this thread: the host's best, at most this thread's cap.
    public static var pathLevel: PathLevel { PathLevel(rawValue: nl_kernels_path()) ?? .portable }

    /// The best implementation this CPU can run.
    public static var hostPathLevel: PathLevel { PathLevel(rawValue: nl_kernels_host_path()) ?? .portable }

    /// Runs `body` with the dispatcher capped at `level` on this thread ("use at most this level";
    /// a host without `level` runs its best narrower path), restoring the previous cap after.
    public static func withPath<R>(atMost level: PathLevel, _ body: () throws -> R) rethrows -> R {
        let previous = nl_kernels_path_cap()
        nl_kernels_force_path(level.rawValue)
        defer { nl_kernels_force_path(previous) }
        return try body()
    }

    /// Runs `body` with the portable C path forced on this thread (to test it on any CPU).
    public static func withPortablePath<R>(_ body: () throws -> R) rethrows -> R {
        try withPath(atMost: .portable, body)
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
