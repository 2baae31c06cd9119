import Foundation
import Testing
import ExactMath
import FastKernels
import NestedLearning

/// Which dispatched implementation a test runs: each level this CPU can run, forced in turn (the
/// dispatcher capped at it). Internal scratch is NaN-filled either way. A level the CPU cannot run
/// has no test cases here; `PathAvailabilityTests` reports it as a skipped test, never a passed one.
enum KernelPath: String, CaseIterable, Sendable, CustomStringConvertible {
    case portable, avx2, avx512
    var description: String { rawValue }
    var level: FastKernels.PathLevel {
        switch self {
        case .portable: .portable
        case .avx2: .avx2
        case .avx512: .avx512
        }
    }
    /// The paths this CPU can run.
    static var runnable: [KernelPath] { allCases.filter { $0.level <= FastKernels.hostPathLevel } }

    func run<R>(_ body: () -> R) -> R {
        FastKernels.withPoisonedScratch {
            FastKernels.withPath(atMost: level) {
                #expect(FastKernels.pathLevel == level, "the dispatcher runs the forced path")
                return body()
            }
        }
    }
}

/// A path the CPU cannot run is reported here as skipped (its differential test cases do not exist
/// on this CPU); on a CPU that has it, the path is among those every differential test runs.
@Suite("Dispatched paths: each one tested, or reported as skipped")
struct PathAvailabilityTests {
    @Test("the AVX2+FMA path runs through the differential tests",
          .enabled(if: FastKernels.hostPathLevel >= .avx2, "this CPU cannot run the AVX2+FMA path"))
    func avx2() {
        #expect(KernelPath.runnable.contains(.avx2))
        #expect(FastKernels.withPath(atMost: .avx2) { FastKernels.pathLevel } == .avx2)
    }

    @Test("the AVX-512 path runs through the differential tests",
          .enabled(if: FastKernels.hostPathLevel >= .avx512, "this CPU cannot run the AVX-512 path"))
    func avx512() {
        #expect(KernelPath.runnable.contains(.avx512))
        #expect(FastKernels.withPath(atMost: .avx512) { FastKernels.pathLevel } == .avx512)
    }
}

func expectPassed(_ ms: [Differential.Measurement], _ path: KernelPath, sourceLocation: SourceLocation = #_sourceLocation) {
    for m in ms { #expect(m.passed, "\(path): \(m)", sourceLocation: sourceLocation) }
}

@Suite("Fast path against the exact reference")
struct DifferentialTests {
    struct Seq: Sendable, CustomStringConvertible {
        let dk: Int, dv: Int, t: Int, seed: UInt64
        var wide = false
        var description: String { "d_k=\(dk) d_v=\(dv) T=\(t)" + (wide ? " wide" : "") }
        var inputs: Differential.SequenceInputs { .init(dk: dk, dv: dv, t: t, seed: seed, wideRange: wide) }
    }

    /// Ragged sizes (mostly not multiples of the vector widths 4 and 8 or of the chunk), T from 1 up,
    /// one wide-dynamic-range case, and d_v = 19 (rows past a group of 16, blocks of 8, 4 and 1).
    static let sequences: [Seq] = [
        Seq(dk: 1, dv: 1, t: 1, seed: 1), Seq(dk: 3, dv: 5, t: 7, seed: 2), Seq(dk: 5, dv: 3, t: 4, seed: 3),
        Seq(dk: 4, dv: 4, t: 9, seed: 4), Seq(dk: 7, dv: 9, t: 13, seed: 5), Seq(dk: 17, dv: 13, t: 33, seed: 6),
        Seq(dk: 9, dv: 6, t: 40, seed: 7), Seq(dk: 8, dv: 2, t: 21, seed: 8), Seq(dk: 6, dv: 7, t: 19, seed: 9, wide: true),
        Seq(dk: 11, dv: 19, t: 10, seed: 10),
    ]

    @Test("delta rule and gated delta rule, fused", arguments: sequences, KernelPath.runnable)
    func deltaFused(c: Seq, path: KernelPath) {
        let x = c.inputs
        for gated in [false, true] { expectPassed(path.run { Differential.deltaRule(x, gated: gated, form: .fused) }, path) }
    }

    /// Chunk sizes below, equal to and above T (T < C is a single partial chunk).
    @Test("delta rule and gated delta rule, chunked (WY/UT)", arguments: sequences, KernelPath.runnable)
    func deltaChunked(c: Seq, path: KernelPath) {
        let x = c.inputs
        for chunk in Set([1, 3, 8, c.t, c.t + 5]) {
            for gated in [false, true] {
                expectPassed(path.run { Differential.deltaRule(x, gated: gated, form: .chunked(chunk)) }, path)
            }
        }
    }

    @Test("linear attention, recurrent and chunked", arguments: sequences, KernelPath.runnable)
    func linearAttention(c: Seq, path: KernelPath) {
        let x = c.inputs
        expectPassed(path.run { Differential.linearAttention(x, gated: false, form: .recurrent) }, path)
        for chunk in Set([1, 4, c.t, c.t + 3]) {
            for gated in [false, true] {
                expectPassed(path.run { Differential.linearAttention(x, gated: gated, form: .chunked(chunk)) }, path)
            }
        }
    }

    /// Chunk sizes 1 (the sequential rule), below T, equal to T, and above it (T < C).
    @Test("Titans memory, chunked (momentum, forgetting, chunk-start gradients)", arguments: sequences, KernelPath.runnable)
    func titans(c: Seq, path: KernelPath) {
        let x = c.inputs
        for chunk in Set([1, 3, c.t, c.t + 4]) { expectPassed(path.run { Differential.titansMemory(x, chunk: chunk) }, path) }
    }

    struct GEMMCase: Sendable, CustomStringConvertible {
        let m: Int, n: Int, k: Int
        var description: String { "\(m)x\(n)x\(k)" }
    }

    /// Edges of the 6×8 (AVX2, portable) and 6×32 (AVX-512) register tiles and of the 144/192/256
    /// cache blocks: full tiles with ragged edges, and k across a cache block.
    static let gemms: [GEMMCase] = [
        GEMMCase(m: 1, n: 1, k: 1), GEMMCase(m: 5, n: 7, k: 3), GEMMCase(m: 6, n: 8, k: 4), GEMMCase(m: 7, n: 9, k: 13),
        GEMMCase(m: 13, n: 17, k: 1), GEMMCase(m: 145, n: 9, k: 3), GEMMCase(m: 7, n: 5, k: 257), GEMMCase(m: 1, n: 33, k: 20),
        GEMMCase(m: 6, n: 32, k: 5), GEMMCase(m: 13, n: 70, k: 260), GEMMCase(m: 197, n: 40, k: 6),
    ]

    @Test("GEMM, all four transpose combinations", arguments: gemms, KernelPath.runnable)
    func gemm(c: GEMMCase, path: KernelPath) {
        for ta in [false, true] {
            for tb in [false, true] {
                let seed = UInt64(c.m * 1000 + c.k)
                expectPassed([path.run { Differential.gemm(m: c.m, n: c.n, k: c.k, transposeA: ta, transposeB: tb, seed: seed) }], path)
            }
        }
    }

    @Test("Newton–Schulz, quintic and cubic, every step",
          arguments: [(1, 1), (2, 3), (3, 5), (5, 5), (4, 9), (7, 12)], KernelPath.runnable)
    func newtonSchulz(shape: (Int, Int), path: KernelPath) {
        for k in [NewtonSchulz.Coefficients.muonQuintic, .cubic] {
            let seed = UInt64(shape.0 * 31 + shape.1)
            let measured = path.run { Differential.newtonSchulz(rows: shape.0, cols: shape.1, coefficients: k, steps: 5, seed: seed) }
            expectPassed([measured], path)
        }
    }

    struct CMSCase: Sendable, CustomStringConvertible {
        let dIn: Int, dH: Int, dOut: Int, t: Int, period: Int, flush: Bool
        var description: String { "d=\(dIn)/\(dH)/\(dOut) T=\(t) C=\(period)" + (flush ? " flush" : "") }
    }

    /// T a multiple of the period, not a multiple (with and without flushing), and T < C.
    @Test("CMS level: outputs, update schedule, weights after each update",
          arguments: [CMSCase(dIn: 3, dH: 5, dOut: 2, t: 8, period: 4, flush: false),
                      CMSCase(dIn: 2, dH: 3, dOut: 3, t: 7, period: 3, flush: false),
                      CMSCase(dIn: 2, dH: 3, dOut: 3, t: 7, period: 3, flush: true),
                      CMSCase(dIn: 4, dH: 2, dOut: 1, t: 3, period: 5, flush: false),
                      CMSCase(dIn: 4, dH: 2, dOut: 1, t: 3, period: 5, flush: true),
                      CMSCase(dIn: 1, dH: 1, dOut: 1, t: 5, period: 1, flush: false)],
          KernelPath.runnable)
    func cmsLevel(c: CMSCase, path: KernelPath) {
        let seed = UInt64(c.t * 7 + c.period)
        expectPassed(path.run {
            Differential.cmsLevel(dIn: c.dIn, dH: c.dH, dOut: c.dOut, t: c.t, period: c.period, flush: c.flush, seed: seed)
        }, path)
    }

    /// A property-style sweep: every (d_k, d_v, T) on a grid, fused and chunked; a failure names
    /// its size.
    @Test("sweep over sizes: delta rule fused and chunked (C = 4), gated and not")
    func sweep() {
        var failures: [String] = []
        for dk in [1, 2, 3, 5, 8] {
            for dv in [1, 4, 6] {
                for t in [1, 2, 5, 9] {
                    let x = Differential.SequenceInputs(dk: dk, dv: dv, t: t, seed: UInt64(dk * 100 + dv * 10 + t))
                    for form in [FastKernels.DeltaRuleForm.fused, .chunked(4)] {
                        for gated in [false, true] {
                            failures += FastKernels.withPoisonedScratch { Differential.deltaRule(x, gated: gated, form: form) }
                                .filter { !$0.passed }.map(\.description)
                        }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "failing sizes:\n\(failures.joined(separator: "\n"))")
    }
}
