import Foundation
import Testing
import ExactMath
import FastKernels
import NestedLearning

@Suite("Fast path: state carried across calls, larger sizes, dispatch")
struct CarryAndDispatchTests {
    struct Split: Sendable, CustomStringConvertible {
        let form: FastKernels.DeltaRuleForm, seed: UInt64, split: Int
        var description: String { "\(form) seed \(seed) split \(split)" }
    }

    /// Splitting a sequence in two calls, the state carried, gives the same bits as one call: the
    /// fused kernel at any split (on both paths), the chunked form at a chunk boundary.
    static let splits: [Split] = [11, 12, 13].flatMap { seed in
        [1, 10, 12, 13, 22].map { Split(form: .fused, seed: seed, split: $0) }
            + [4, 12].map { Split(form: .chunked(4), seed: seed, split: $0) }
    }

    @Test("two calls with the state carried give the same bits as one call", arguments: splits, KernelPath.runnable)
    func carried(c: Split, path: KernelPath) {
        // d_v = 13 puts rows in blocks of 8, 4 and 1 on the AVX-512 path; d_k = 10 ends in a partial vector.
        for (dk, dv) in [(7, 5), (10, 13)] {
            carried(Differential.SequenceInputs(dk: dk, dv: dv, t: 23, seed: c.seed), c, path)
        }
    }

    func carried(_ x: Differential.SequenceInputs, _ c: Split, _ path: KernelPath) {
        let t = 23, split = c.split, form = c.form
        for alphas in [nil, x.alphas] {
            let (one, first, second) = path.run {
                let one = FastKernels.deltaRule(initial: x.m0, keys: x.keys, values: x.values, queries: x.queries, alphas: alphas,
                                                betas: x.betas, form: form)
                let first = FastKernels.deltaRule(initial: x.m0, keys: x.keys.rows(0..<split), values: x.values.rows(0..<split),
                                                  queries: x.queries.rows(0..<split), alphas: alphas.map { Array($0[..<split]) },
                                                  betas: Array(x.betas[..<split]), form: form)
                let second = FastKernels.deltaRule(initial: first.finalState, keys: x.keys.rows(split..<t),
                                                   values: x.values.rows(split..<t), queries: x.queries.rows(split..<t),
                                                   alphas: alphas.map { Array($0[split...]) }, betas: Array(x.betas[split...]), form: form)
                return (one, first, second)
            }
            #expect(second.finalState.elements.map(\.bitPattern) == one.finalState.elements.map(\.bitPattern), "gated: \(alphas != nil)")
            #expect((first.outputs.elements + second.outputs.elements).map(\.bitPattern) == one.outputs.elements.map(\.bitPattern),
                    "gated: \(alphas != nil)")
        }
    }

    /// A level with no period (frequency zero) never updates, even when asked to flush.
    @Test("CMS level with frequency zero: outputs of the frozen MLP, no update even with flush")
    func frozenLevel() {
        var g = DyadicGenerator(seed: 15)
        let w1 = g.matrix(3, 2), w2 = g.matrix(2, 3), x = g.matrix(5, 2), r = g.matrix(5, 2)
        for flush in [false, true] {
            let fast = FastKernels.cmsLevel(w1: w1, w2: w2, inputs: x, targets: r, period: nil, learningRate: 0.5, flush: flush)
            let mlp = TwoLayerMLP(w1: w1.lifted(to: Rational.self), w2: w2.lifted(to: Rational.self))
            let exact = (0..<5).flatMap { mlp(x.row($0).lifted()).elements }
            #expect(fast.updateTokens.isEmpty && fast.w1After.isEmpty && fast.w2After.isEmpty)
            #expect(FloatError.normwiseRelativeError(fast.outputs.elements, exact: exact) <= 4 * 8 * FloatError.unitRoundoff)
        }
    }

    /// At sizes where the exact reference is too slow, against the `Double` reference with the
    /// derived bound: each side is within `4·chain·u·max|exact|` of the exact value (the normwise
    /// bound the exact tests check), so they are within twice that of each other.
    @Test("larger sizes: fused and chunked delta rule against the Double reference")
    func againstDoubleReference() {
        let x = Differential.SequenceInputs(dk: 24, dv: 20, t: 96, seed: 12)
        var m = x.m0
        var reference: [Double] = []
        for t in 0..<x.keys.rows {
            m = GatedDeltaRule.step(m, key: x.keys.row(t), value: x.values.row(t), alpha: x.alphas[t], beta: x.betas[t])
            reference += (m * x.queries.row(t)).elements
        }
        let chain = Double(x.keys.rows * (2 * 24 + 4) + 24 + 3 * 16 + 2 * 44)
        let scale = reference.map(\.magnitude).max()!
        for form in [FastKernels.DeltaRuleForm.fused, .chunked(16)] {
            let fast = FastKernels.deltaRule(initial: x.m0, keys: x.keys, values: x.values, queries: x.queries, alphas: x.alphas,
                                             betas: x.betas, form: form)
            let diff = zip(fast.outputs.elements, reference).map { abs($0 - $1) }.max()!
            #expect(diff <= 2 * 4 * chain * FloatError.unitRoundoff * scale * 1.01, "\(form): \(diff / scale) relative")
        }
    }

    @Test("GEMM at n = 150 against the Double reference, componentwise 2γ_k|A||B|", arguments: KernelPath.runnable)
    func gemmLarge(path: KernelPath) {
        var g = DyadicGenerator(seed: 13)
        let a = g.matrix(150, 150, numeratorBound: 1 << 52, exponent: 52), b = g.matrix(150, 150, numeratorBound: 1 << 52, exponent: 52)
        let fast = path.run { FastKernels.gemm(a, b) }, reference = a * b
        let magnitude = a.map(\.magnitude) * b.map(\.magnitude)
        let gamma = 150 * FloatError.unitRoundoff / (1 - 150 * FloatError.unitRoundoff)
        let worst = (0..<fast.elements.count).map {
            abs(fast.elements[$0] - reference.elements[$0]) / (2 * gamma * magnitude.elements[$0])
        }.max()!
        #expect(worst <= 1.01, "worst ratio to the bound: \(worst)")
        if path != .portable {  // the portable tile sums in the reference's order (no FMA), so it may match it exactly
            #expect(fast.elements != reference.elements, "the inputs round: the two summation orders differ somewhere")
        }
    }

    /// The flags the kernels need, from /proc/cpuinfo (empty elsewhere).
    static var cpuFlags: Set<String> {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }
            .map { Set($0.split(separator: " ").map(String.init)) } ?? []
    }

    @Test("the dispatcher picks the widest path the CPU has (AVX-512, else AVX2+FMA), and a cap lowers it")
    func dispatch() throws {
        #if arch(x86_64) && os(Linux)
        let flags = Self.cpuFlags
        let avx2 = flags.contains("avx2") && flags.contains("fma")
        let avx512 = avx2 && ["avx512f", "avx512dq", "avx512vl", "avx512bw"].allSatisfy(flags.contains)
        let expected: FastKernels.PathLevel = avx512 ? .avx512 : avx2 ? .avx2 : .portable
        #expect(FastKernels.hostPathLevel == expected)
        #expect(FastKernels.pathLevel == expected)
        #expect(FastKernels.path == expected.description)
        if flags.contains("avx512f") && avx512 {
            #expect(FastKernels.path == "avx512", "a CPU with avx512f/dq/vl/bw must get the AVX-512 path, not a silent fallback")
        }
        #endif
        for cap in FastKernels.PathLevel.allCases {
            #expect(FastKernels.withPath(atMost: cap) { FastKernels.pathLevel } == min(cap, FastKernels.hostPathLevel))
        }
        #expect(FastKernels.withPortablePath { FastKernels.path } == "portable")
        #expect(FastKernels.pathLevel == FastKernels.hostPathLevel, "the cap is restored")
    }

    @Test("the FMA probe runs at each width the CPU has and reports none it lacks")
    func peakProbeWidths() {
        let host = FastKernels.hostPathLevel
        #expect(FastKernels.fmaPeakProbe(width: 1, iterations: 1000) == 24_000)
        #expect(FastKernels.fmaPeakProbe(width: 4, iterations: 1000) == (host >= .avx2 ? 96_000 : nil))
        #expect(FastKernels.fmaPeakProbe(width: 8, iterations: 1000) == (host >= .avx512 ? 192_000 : nil))
        #expect(FastKernels.fmaPeakProbe(width: 2, iterations: 1000) == nil)
    }

    @Test("a kernel that skips a write is caught: outputs start as NaN")
    func poisonedBuffers() {
        // T = 0 writes nothing and returns nothing; a non-empty result must be fully written.
        let x = Differential.SequenceInputs(dk: 3, dv: 2, t: 4, seed: 14)
        let r = FastKernels.deltaRule(initial: x.m0, keys: x.keys, values: x.values, queries: x.queries, betas: x.betas)
        #expect(r.outputs.elements.allSatisfy { $0.isFinite })
        let empty = FastKernels.deltaRule(initial: x.m0, keys: x.keys.rows(0..<0), values: x.values.rows(0..<0),
                                          queries: x.queries.rows(0..<0), betas: [])
        #expect(empty.outputs.elements.isEmpty && empty.finalState == x.m0)
    }
}
