import ExactMath
import FastKernels
import NestedLearning

/// One benchmark row: a kernel at one size.
struct BenchResult: Codable {
    var kernel: String
    var size: String
    /// Floating-point operations per call, as counted for this kernel (see `flopRule`).
    var flop: Double
    var flopRule: String
    var fast: Samples
    var gflops: Double
    var peakFraction: Double
    /// The generic reference on `Double`; `referenceNote` says when it was timed on fewer tokens and scaled.
    var reference: Samples?
    var referenceNote: String?
    var speedup: Double?
    /// The system BLAS (GEMM only), and our time over its time as a ratio of its speed.
    var systemBLAS: Samples?
    var fractionOfSystemBLAS: Double?
    /// Other timings in the same run (e.g. the fused kernel next to the chunked one).
    var comparisons: [String: Double]?
    /// The same kernel on every path this CPU runs (widest first), each as a fraction of the widest FMA peak.
    var paths: [PathTiming]?
    var targets: [Target]
}

/// One kernel at one size on one dispatched path.
struct PathTiming: Codable {
    var path: String
    var seconds: Double
    var gflops: Double
    var peakFraction: Double
}

/// `workspace` on every path this CPU runs, widest first; the widest reuses `widest`, the row's own timing.
private func perPath(_ workspace: FastKernels.Workspace, flop: Double, peak: Double, widest: Samples) -> [PathTiming] {
    FastKernels.PathLevel.allCases.reversed().filter { $0 <= FastKernels.hostPathLevel }.map { level in
        let s = level == FastKernels.hostPathLevel ? widest : FastKernels.withPath(atMost: level) { measure(workspace, minSamples: 3) }
        let gflops = flop / s.min / 1e9
        return PathTiming(path: level.description, seconds: s.min, gflops: gflops, peakFraction: gflops / peak)
    }
}

/// A target from the brief, checked against numbers measured in the same run.
struct Target: Codable {
    var name: String
    var value: Double
    var threshold: Double
    var met: Bool
    init(_ name: String, _ value: Double, atLeast threshold: Double) {
        self.name = name
        self.value = value
        self.threshold = threshold
        met = value >= threshold
    }
    init(_ name: String, _ value: Double, above threshold: Double) {
        self.name = name
        self.value = value
        self.threshold = threshold
        met = value > threshold
    }
}

/// The kernels `nlspec bench` knows.
enum BenchKernel: String, CaseIterable {
    case gemm, delta_rule, gated_delta_rule, delta_rule_chunked, linear_attention, titans_memory, newton_schulz, cms_level, threads

    func run(peak: Double) -> [BenchResult] {
        switch self {
        case .gemm: return [64, 128, 256, 512].map { benchGEMM(n: $0, peak: peak) }
        case .delta_rule: return [64, 128].map { delta(d: $0, gated: false, peak: peak) }
        case .gated_delta_rule: return [64, 128].map { delta(d: $0, gated: true, peak: peak) }
        case .delta_rule_chunked: return [64, 128, 256].map { deltaChunked(d: $0, peak: peak) }
        case .linear_attention: return [64, 128].map { linearAttention(d: $0, peak: peak) }
        case .newton_schulz: return [NewtonSchulz.Coefficients.muonQuintic, .cubic].map { newtonSchulz(n: 256, k: $0, peak: peak) }
        case .titans_memory: return [64, 128].map { titans(d: $0, peak: peak) }
        case .cms_level: return [cmsLevel(peak: peak)]
        case .threads: return [512, 1024, 1536].map { benchThreads(n: $0, peak: peak) }
        }
    }
}

private func random(_ rows: Int, _ cols: Int, seed: UInt64, scale: Double = 1) -> Matrix<Double> {
    var g = DyadicGenerator(seed: seed)
    return g.matrix(rows, cols, numeratorBound: 1 << 20, exponent: 20).map { $0 * scale }
}

private func result(_ kernel: String, _ size: String, flop: Double, rule: String, fast: Samples, peak: Double,
                    reference: ScaledReference) -> BenchResult {
    result(kernel, size, flop: flop, rule: rule, fast: fast, peak: peak, reference: reference.samples, referenceNote: reference.note)
}

private func result(_ kernel: String, _ size: String, flop: Double, rule: String, fast: Samples, peak: Double,
                    reference: Samples? = nil, referenceNote: String? = nil) -> BenchResult {
    let gflops = flop / fast.min / 1e9
    return BenchResult(kernel: kernel, size: size, flop: flop, flopRule: rule, fast: fast, gflops: gflops, peakFraction: gflops / peak,
                       reference: reference, referenceNote: referenceNote, speedup: reference.map { $0.min / fast.min },
                       systemBLAS: nil, fractionOfSystemBLAS: nil, comparisons: nil, paths: nil, targets: [])
}

/// Single-threaded for every row except `threads`.
private func singleThread<R>(_ body: () -> R) -> R { FastKernels.withThreads(1, body) }

/// Times a kernel's workspace: the kernel itself, no allocation.
private func measure(_ workspace: FastKernels.Workspace, minSamples: Int = 7) -> Samples {
    Samples.measure(minSamples: minSamples) { workspace.run() }
}

private func benchGEMM(n: Int, peak: Double) -> BenchResult {
    singleThread {
        let a = random(n, n, seed: 1), b = random(n, n, seed: 2)
        let blas = FastKernels.Workspace.systemGEMM(a, b).map { measure($0) }
        let gemm = FastKernels.Workspace.gemm(a, b), fast = measure(gemm)
        let reference = n <= 256 ? Samples.measure(minSamples: 3, minSeconds: 0.1) { _ = a * b } : nil
        var r = result("gemm", "n=\(n)", flop: 2 * Double(n * n * n), rule: "2n³", fast: fast, peak: peak, reference: reference)
        if n >= 128 { r.paths = perPath(gemm, flop: r.flop, peak: peak, widest: fast) }
        if n >= 128 { r.targets.append(Target("fraction of measured FMA peak ≥ 0.65", r.peakFraction, atLeast: 0.65)) }
        if let blas {
            r.systemBLAS = blas
            r.fractionOfSystemBLAS = blas.min / fast.min
            if n >= 128 {
                r.targets.append(Target("fraction of system BLAS dgemm (1 thread) ≥ 0.85", blas.min / fast.min, atLeast: 0.85))
            }
        }
        return r
    }
}

/// Sequence inputs at benchmark size: unit-scale keys so the state stays bounded.
private struct SequenceInputs {
    let m0: Matrix<Double>, k: Matrix<Double>, v: Matrix<Double>, q: Matrix<Double>, alpha: [Double], beta: [Double]
    init(d: Int, t: Int) {
        let scale = 1 / Double(d).squareRoot()
        (m0, k, v, q) = (random(d, d, seed: 3), random(t, d, seed: 4, scale: scale), random(t, d, seed: 5), random(t, d, seed: 6))
        alpha = (0..<t).map { 0.9 + 0.1 * Double($0 % 7) / 7 }
        beta = (0..<t).map { 0.25 + 0.5 * Double($0 % 5) / 5 }
    }
    /// The first `n` tokens as rows: keys, values, queries.
    func tokens(_ n: Int) -> (keys: [Vector<Double>], values: [Vector<Double>], queries: [Vector<Double>]) {
        ((0..<n).map { k.row($0) }, (0..<n).map { v.row($0) }, (0..<n).map { q.row($0) })
    }
    func deltaRule(gated: Bool, form: FastKernels.DeltaRuleForm = .fused) -> FastKernels.Workspace {
        .deltaRule(initial: m0, keys: k, values: v, queries: q, alphas: gated ? alpha : nil, betas: beta, form: form)
    }
    func linearAttention(form: FastKernels.LinearAttentionForm = .recurrent) -> FastKernels.Workspace {
        .linearAttention(initial: m0, keys: k, values: v, queries: q, form: form)
    }
}

/// A reference too slow for the full size: timed once on `tokens` tokens and scaled to `t`.
private struct ScaledReference {
    let samples: Samples, note: String
    init(tokens: Int, of t: Int, _ body: () -> Void) {
        let scaled = Samples.once(body).min * Double(t) / Double(tokens)
        samples = Samples(min: scaled, median: scaled, count: 1)
        note = "reference timed on \(tokens) tokens and scaled to \(t)"
    }
}

/// The literal reference (`M(I − βkkᵀ)` as a matrix product) costs O(d³) per token, so it is
/// timed on `referenceTokens` tokens and scaled to T.
private let referenceTokens = 64

private func referenceDelta(_ x: SequenceInputs, gated: Bool, t: Int) -> ScaledReference {
    let n = referenceTokens, (keys, values, queries) = x.tokens(n)
    return ScaledReference(tokens: n, of: t) {
        _ = GatedDeltaRule.recurrent(keys: keys, values: values, queries: queries, alphas: gated ? Array(x.alpha[..<n]) : nil,
                                     betas: Array(x.beta[..<n]), initial: x.m0)
    }
}

private func delta(d: Int, gated: Bool, peak: Double) -> BenchResult {
    singleThread {
        let t = 4096, x = SequenceInputs(d: d, t: t)
        let workspace = x.deltaRule(gated: gated), fast = measure(workspace)
        var r = result(gated ? "gated_delta_rule" : "delta_rule", "T=\(t) d=\(d)", flop: 4 * Double(d * d * t), rule: "4d² per token",
                       fast: fast, peak: peak, reference: referenceDelta(x, gated: gated, t: t))
        r.paths = perPath(workspace, flop: r.flop, peak: peak, widest: fast)
        r.targets.append(Target("GFLOP/s ≥ 20", r.gflops, atLeast: 20))
        r.targets.append(Target("fraction of measured FMA peak ≥ 0.40", r.peakFraction, atLeast: 0.40))
        r.targets.append(Target("speed-up over the reference ≥ 20", r.speedup ?? 0, atLeast: 20))
        return r
    }
}

private func deltaChunked(d: Int, peak: Double) -> BenchResult {
    singleThread {
        let t = 4096, c = 64, x = SequenceInputs(d: d, t: t)
        let fused = measure(x.deltaRule(gated: false))
        let fast = measure(x.deltaRule(gated: false, form: .chunked(c)))
        var r = result("delta_rule_chunked", "T=\(t) d=\(d) C=\(c)", flop: 4 * Double(d * d * t),
                       rule: "4d² per token (as the fused kernel)", fast: fast, peak: peak,
                       reference: referenceDelta(x, gated: false, t: t))
        r.comparisons = ["fused_seconds_min": fused.min, "speedup_over_fused": fused.min / fast.min]
        if d >= 256 { r.targets.append(Target("speed-up over the fused kernel > 1", fused.min / fast.min, above: 1)) }
        return r
    }
}

private func linearAttention(d: Int, peak: Double) -> BenchResult {
    singleThread {
        let t = 4096, x = SequenceInputs(d: d, t: t)
        let fast = measure(x.linearAttention())
        let chunked = measure(x.linearAttention(form: .chunked(64)))
        let tokens = 256, (keys, values, queries) = x.tokens(tokens)
        let reference = ScaledReference(tokens: tokens, of: t) {
            _ = LinearAttention.recurrent(keys: keys, values: values, queries: queries, initial: x.m0)
        }
        var r = result("linear_attention", "T=\(t) d=\(d)", flop: 4 * Double(d * d * t), rule: "4d² per token", fast: fast, peak: peak,
                       reference: reference)
        r.comparisons = ["chunked_C64_seconds_min": chunked.min, "chunked_C64_gflops": r.flop / chunked.min / 1e9]
        return r
    }
}

private func titans(d: Int, peak: Double) -> BenchResult {
    singleThread {
        let t = 4096, c = 64, x = SequenceInputs(d: d, t: t)
        let alphas = (0..<t).map { 0.01 * Double($0 % 5) }, etas = (0..<t).map { 0.9 - 0.1 * Double($0 % 3) }, thetas = x.beta
        let fast = measure(.titansMemory(initial: x.m0, keys: x.k, values: x.v, queries: x.q, alphas: alphas, etas: etas, thetas: thetas,
                                         chunk: c))
        let tokens = referenceTokens, (keys, values, _) = x.tokens(tokens)
        let gates = (0..<tokens).map { TitansMemory.Gates(alpha: alphas[$0], eta: etas[$0], theta: thetas[$0]) }
        let reference = ScaledReference(tokens: tokens, of: t) {
            let states = TitansMemory.run(initial: x.m0, keys: keys, values: values, gates: gates, chunk: c)
            for i in 0..<tokens { _ = states[i] * x.q.row(i) }
        }
        return result("titans_memory", "T=\(t) d=\(d) C=\(c)", flop: 4 * Double(d * d * t), rule: "4d² per token (as the delta rule)",
                      fast: fast, peak: peak, reference: reference)
    }
}

private func newtonSchulz(n: Int, k: NewtonSchulz.Coefficients, peak: Double) -> BenchResult {
    singleThread {
        let steps = 5, x = random(n, n, seed: 7, scale: 1 / Double(n))
        let fast = measure(.newtonSchulz(x, a: k.a, b: k.b, c: k.c, steps: steps))
        let reference = Samples.once { _ = NewtonSchulz.iterate(x, k, steps: steps) }
        let perStep = 4 * Double(n * n * n) + (k.c != 0 ? 2 * Double(n * n * n) : 0)
        var r = result(k == .muonQuintic ? "newton_schulz.quintic" : "newton_schulz.cubic", "\(n)x\(n), \(steps) steps",
                       flop: Double(steps) * perStep, rule: k.c != 0 ? "6n³ per step" : "4n³ per step", fast: fast, peak: peak,
                       reference: reference)
        if k == .muonQuintic { r.targets.append(Target("fraction of measured FMA peak ≥ 0.60", r.peakFraction, atLeast: 0.60)) }
        return r
    }
}

private func cmsLevel(peak: Double) -> BenchResult {
    singleThread {
        let t = 2048, din = 128, dh = 512, dout = 128, c = 64
        let w1 = random(dh, din, seed: 8, scale: 1 / Double(din)), w2 = random(dout, dh, seed: 9, scale: 1 / Double(dh))
        let x = random(t, din, seed: 10), r = random(t, dout, seed: 11)
        let fast = measure(.cmsLevel(w1: w1, w2: w2, inputs: x, targets: r, period: c, learningRate: 1e-3, flush: false))
        let level = CMSLevel(mlp: TwoLayerMLP(w1: w1, w2: w2), period: c, learningRate: 1e-3)
        let tokens = 128, xs = (0..<tokens).map { x.row($0) }, losses = (0..<tokens).map { Loss<Double>.squaredError(target: r.row($0)) }
        let reference = ScaledReference(tokens: tokens, of: t) { _ = level.run(inputs: xs, losses: losses) }
        return result("cms_level", "T=\(t) d_in=\(din) d_h=\(dh) d_out=\(dout) C=\(c)", flop: Double(t * (4 * din * dh + 6 * dh * dout)),
                      rule: "4·d_in·d_h + 6·d_h·d_out per token (forward 2+2, δ₁ 2, W₂ update 2, W₁ update 2)",
                      fast: fast, peak: peak, reference: reference)
    }
}

/// GEMM with one thread against two (the automatic policy uses two only from 1e9 flop).
private func benchThreads(n: Int, peak: Double) -> BenchResult {
    let gemm = FastKernels.Workspace.gemm(random(n, n, seed: 1), random(n, n, seed: 2))
    let one = singleThread { measure(gemm, minSamples: 5) }
    let two = FastKernels.withThreads(2) { measure(gemm, minSamples: 5) }
    let flop = 2 * Double(n * n * n)
    var r = result("gemm.2_threads", "n=\(n)", flop: flop, rule: "2n³", fast: two, peak: 2 * peak)
    r.comparisons = ["one_thread_seconds_min": one.min, "speedup_two_threads": one.min / two.min, "uses_second_thread": flop >= 1e9 ? 1 : 0]
    if one.min >= 0.02 { r.targets.append(Target("two-thread speed-up ≥ 1.6 (work ≥ 20 ms)", one.min / two.min, atLeast: 1.6)) }
    return r
}
