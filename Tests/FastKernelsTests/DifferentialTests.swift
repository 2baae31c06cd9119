import Foundation
import Testing
import ExactMath
import FastKernels
import NestedLearning

/// Which dispatched implementation a test runs: the one this CPU gets, and the portable C one
/// (forced), so both are checked on any machine. Either way, internal scratch is NaN-filled.
enum KernelPath: String, CaseIterable, Sendable, CustomStringConvertible {
    case dispatched, portable
    var description: String { rawValue }
    func run<R>(_ body: () -> R) -> R {
        FastKernels.withPoisonedScratch { self == .portable ? FastKernels.withPortablePath(body) : body() }
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

    /// Ragged sizes (mostly not multiples of the vector width 4 or of the chunk), T from 1 up,
    /// and one wide-dynamic-range case.
    static let sequences: [Seq] = [
        Seq(dk: 1, dv: 1, t: 1, seed: 1), Seq(dk: 3, dv: 5, t: 7, seed: 2), Seq(dk: 5, dv: 3, t: 4, seed: 3),
        Seq(dk: 4, dv: 4, t: 9, seed: 4), Seq(dk: 7, dv: 9, t: 13, seed: 5), Seq(dk: 17, dv: 13, t: 33, seed: 6),
        Seq(dk: 9, dv: 6, t: 40, seed: 7), Seq(dk: 8, dv: 2, t: 21, seed: 8), Seq(dk: 6, dv: 7, t: 19, seed: 9, wide: true),
    ]

    @Test("delta rule and gated delta rule, fused", arguments: sequences, KernelPath.allCases)
    func deltaFused(c: Seq, path: KernelPath) {
        let x = c.inputs
        for gated in [false, true] { expectPassed(path.run { Differential.deltaRule(x, gated: gated, form: .fused) }, path) }
    }

    /// Chunk sizes below, equal to and above T (T < C is a single partial chunk).
    @Test("delta rule and gated delta rule, chunked (WY/UT)", arguments: sequences, KernelPath.allCases)
    func deltaChunked(c: Seq, path: KernelPath) {
        let x = c.inputs
        for chunk in Set([1, 3, 8, c.t, c.t + 5]) {
            for gated in [false, true] { expectPassed(path.run { Differential.deltaRule(x, gated: gated, form: .chunked(chunk)) }, path) }
        }
    }

    @Test("linear attention, recurrent and chunked", arguments: sequences, KernelPath.allCases)
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
    @Test("Titans memory, chunked (momentum, forgetting, chunk-start gradients)", arguments: sequences, KernelPath.allCases)
    func titans(c: Seq, path: KernelPath) {
        let x = c.inputs
        for chunk in Set([1, 3, c.t, c.t + 4]) { expectPassed(path.run { Differential.titansMemory(x, chunk: chunk) }, path) }
    }

    struct GEMMCase: Sendable, CustomStringConvertible {
        let m: Int, n: Int, k: Int
        var description: String { "\(m)x\(n)x\(k)" }
    }

    /// Edges of the 6×8 register tile and of the 144/256 cache blocks.
    static let gemms: [GEMMCase] = [
        GEMMCase(m: 1, n: 1, k: 1), GEMMCase(m: 5, n: 7, k: 3), GEMMCase(m: 6, n: 8, k: 4), GEMMCase(m: 7, n: 9, k: 13),
        GEMMCase(m: 13, n: 17, k: 1), GEMMCase(m: 145, n: 9, k: 3), GEMMCase(m: 7, n: 5, k: 257), GEMMCase(m: 1, n: 33, k: 20),
    ]

    @Test("GEMM, all four transpose combinations", arguments: gemms, KernelPath.allCases)
    func gemm(c: GEMMCase, path: KernelPath) {
        for ta in [false, true] {
            for tb in [false, true] {
                let seed = UInt64(c.m * 1000 + c.k)
                expectPassed([path.run { Differential.gemm(m: c.m, n: c.n, k: c.k, transposeA: ta, transposeB: tb, seed: seed) }], path)
            }
        }
    }

    @Test("Newton–Schulz, quintic and cubic, every step",
          arguments: [(1, 1), (2, 3), (3, 5), (5, 5), (4, 9), (7, 12)], KernelPath.allCases)
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
          KernelPath.allCases)
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
                            failures += KernelPath.dispatched.run { Differential.deltaRule(x, gated: gated, form: form) }
                                .filter { !$0.passed }.map(\.description)
                        }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "failing sizes:\n\(failures.joined(separator: "\n"))")
    }
}
