import ExactMath
import NestedLearning

extension Differential {
    /// `op(A) op(B)` against the exact product, componentwise with `n = k`. Entries carry 52-bit
    /// numerators, so products and sums round (short dyadics would make every sum exact).
    public static func gemm(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, seed: UInt64) -> Measurement {
        var g = DyadicGenerator(seed: seed)
        func mat(_ r: Int, _ c: Int) -> Matrix<Double> { g.matrix(r, c, numeratorBound: 1 << 52, exponent: 52) }
        let a = transposeA ? mat(k, m) : mat(m, k)
        let b = transposeB ? mat(n, k) : mat(k, n)
        let fast = FastKernels.gemm(a, b, transposeA: transposeA, transposeB: transposeB)
        let opA = transposeA ? a.transposed : a, opB = transposeB ? b.transposed : b
        let exact = opA.lifted(to: Rational.self) * opB.lifted(to: Rational.self)
        let magnitude = opA.map { $0.magnitude } * opB.map { $0.magnitude }
        let size = "m=\(m) n=\(n) k=\(k)" + (transposeA ? " Aᵀ" : "") + (transposeB ? " Bᵀ" : "")
        return componentwise("gemm", size, computed: fast.elements, exact: exact.elements, magnitude: magnitude.elements, n: max(k, 1))
    }

    /// Longest rounding chain of the delta rule / linear attention over a sequence: per token a
    /// length-`d_k` product for the erase, one for the read, and a few scalar operations; the
    /// chunked forms add, per chunk, the `C`-long sums of the triangular solve and of the
    /// intra-chunk read and write.
    static func sequenceChain(_ x: SequenceInputs, chunk: Int?) -> Int {
        let t = x.keys.rows, dk = x.m0.cols, dv = x.m0.rows
        return t * (2 * dk + 4) + dk + (chunk.map { 3 * min($0, t) + 2 * (dk + dv) } ?? 0)
    }

    /// The fast (gated) delta rule against `GatedDeltaRule.step` run exactly: outputs and final state.
    public static func deltaRule(_ x: SequenceInputs, gated: Bool, form: FastKernels.DeltaRuleForm) -> [Measurement] {
        let fast = FastKernels.deltaRule(initial: x.m0, keys: x.keys, values: x.values, queries: x.queries,
                                         alphas: gated ? x.alphas : nil, betas: x.betas, form: form)
        var chunk: Int? = nil
        if case .chunked(let c) = form { chunk = c }
        return sequence(gated ? "gated_delta_rule" : "delta_rule", chunk: chunk, unchunked: ".fused", x, fast,
                        exactDeltaRule(x, gated: gated))
    }

    /// Fast linear attention against `LinearAttention.recurrent` run exactly.
    public static func linearAttention(_ x: SequenceInputs, gated: Bool, form: FastKernels.LinearAttentionForm) -> [Measurement] {
        let fast = FastKernels.linearAttention(initial: x.m0, keys: x.keys, values: x.values, queries: x.queries,
                                               alphas: gated ? x.alphas : nil, form: form)
        var chunk: Int? = nil
        if case .chunked(let c) = form { chunk = c }
        return sequence(gated ? "gated_linear_attention" : "linear_attention", chunk: chunk, unchunked: ".recurrent", x, fast,
                        exactLinearAttention(x, gated: gated))
    }

    /// The Titans chunked memory against `TitansMemory.run` in `Rational`: forgetting gates from
    /// the inputs' α (0, 1 and 1 − 2⁻³⁰ among them), momentum from their β, surprise steps cycling
    /// through `½, ¼, 1, ⅛`. Chain: the sequence's plus the chunk's double sums.
    public static func titansMemory(_ x: SequenceInputs, chunk: Int) -> [Measurement] {
        let t = x.keys.rows
        let thetas = (0..<t).map { [0.5, 0.25, 1, 0.125][$0 % 4] }
        let fast = FastKernels.titansMemory(initial: x.m0, keys: x.keys, values: x.values, queries: x.queries,
                                            alphas: x.alphas, etas: x.betas, thetas: thetas, chunk: chunk)
        let gates = (0..<t).map { TitansMemory.Gates(alpha: x.alphas[$0], eta: x.betas[$0], theta: thetas[$0]) }
        let states = TitansMemory.run(initial: x.m0.lifted(to: Rational.self), keys: (0..<t).map { x.keys.row($0).lifted() },
                                      values: (0..<t).map { x.values.row($0).lifted() }, gates: gates, chunk: chunk)
        let reads = (0..<t).flatMap { (states[$0] * x.queries.row($0).lifted()).elements }
        let exact = (outputs: reads, state: states.last?.elements ?? x.m0.lifted(to: Rational.self).elements)
        let chain = 2 * sequenceChain(x, chunk: chunk) + 2 * min(chunk, t)
        return sequence("titans_memory", chunk: chunk, unchunked: "", x,
                        FastKernels.SequenceResult(outputs: fast.outputs, finalState: fast.finalState), exact, chain: chain)
    }

    /// Outputs and final state of a sequence kernel, each normwise with the sequence's chain.
    static func sequence(_ kernel: String, chunk: Int?, unchunked: String, _ x: SequenceInputs, _ fast: FastKernels.SequenceResult,
                         _ exact: (outputs: [Rational], state: [Rational]), chain: Int? = nil) -> [Measurement] {
        let name = kernel + (chunk.map { ".chunked(C=\($0))" } ?? unchunked)
        let chain = chain ?? sequenceChain(x, chunk: chunk)
        return [normwise(name + " outputs", x.size, computed: fast.outputs.elements, exact: exact.outputs, chain: chain),
                normwise(name + " state", x.size, computed: fast.finalState.elements, exact: exact.state, chain: chain)]
    }

    /// Newton–Schulz, step by step: each fast step from the fast iterate against the exact step
    /// from the same iterate, componentwise with magnitude
    /// `|a||X| + |b||X||X|ᵀ|X| + |c|(|X||X|ᵀ)²|X|` and `n = cols + 2·rows + 3`.
    public static func newtonSchulz(rows: Int, cols: Int, coefficients k: NewtonSchulz.Coefficients, steps: Int,
                                    seed: UInt64) -> Measurement {
        var g = DyadicGenerator(seed: seed)
        // X0 = G / 2^e with ‖X0‖_F ≤ 1: a power-of-two scaling keeps the input exact.
        let raw = g.matrix(rows, cols, numeratorBound: 1 << 12, exponent: 12)
        let norm = raw.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let scale = norm > 0 ? Double(sign: .plus, exponent: -(norm.exponent + 1), significand: 1) : 1
        var x = raw.map { $0 * scale }
        var worst: Measurement? = nil
        for _ in 0..<steps {
            let fast = FastKernels.newtonSchulz(x, a: k.a, b: k.b, c: k.c, steps: 1)
            let exact = NewtonSchulz.step(x.lifted(to: Rational.self), k)
            let ax = x.map { $0.magnitude }
            let gram = ax * ax.transposed
            var magnitude = k.a.magnitude * ax + k.b.magnitude * (gram * ax)
            if k.c != 0 { magnitude = magnitude + k.c.magnitude * (gram * (gram * ax)) }
            let name = k == .muonQuintic ? "newton_schulz.quintic" : k == .cubic ? "newton_schulz.cubic" : "newton_schulz"
            let m = componentwise(name, "\(rows)x\(cols), \(steps) steps", computed: fast.elements, exact: exact.elements,
                                  magnitude: magnitude.elements, n: cols + 2 * rows + 3)
            if worst == nil || m.error > worst!.error || !m.allWritten { worst = m }
            x = fast
        }
        return worst!
    }

    /// The fast CMS level against `CMSLevel.run` in `Rational`, `φ(z) = z + z²/2`: outputs and
    /// every post-update `W₁`, `W₂`, normwise with chain `8·T·(d_h + d_in + d_out)`.
    public static func cmsLevel(dIn: Int, dH: Int, dOut: Int, t: Int, period: Int, flush: Bool, seed: UInt64) -> [Measurement] {
        var g = DyadicGenerator(seed: seed)
        let w1 = g.matrix(dH, dIn, numeratorBound: 1 << 8, exponent: 10), w2 = g.matrix(dOut, dH, numeratorBound: 1 << 8, exponent: 10)
        let x = g.matrix(t, dIn, numeratorBound: 1 << 8, exponent: 9), r = g.matrix(t, dOut, numeratorBound: 1 << 8, exponent: 9)
        let eta = 0x1p-3
        let fast = FastKernels.cmsLevel(w1: w1, w2: w2, inputs: x, targets: r, period: period, learningRate: eta, flush: flush)
        var level = CMSLevel(mlp: TwoLayerMLP(w1: w1.lifted(to: Rational.self), w2: w2.lifted(to: Rational.self)),
                             period: period, learningRate: Rational(dyadic: eta))
        level.tail = flush ? .flush : .unflushed
        let trace = level.run(inputs: (0..<t).map { x.row($0).lifted() }, losses: (0..<t).map { .squaredError(target: r.row($0).lifted()) })
        let size = "d_in=\(dIn) d_h=\(dH) d_out=\(dOut) T=\(t) C=\(period)" + (flush ? " flush" : "")
        let chain = 8 * t * (dH + dIn + dOut)
        let scheduleMatches = fast.updateTokens == trace.updates.map(\.token)
        let computedW = fast.w1After.flatMap(\.elements) + fast.w2After.flatMap(\.elements)
        let exactW = trace.updates.flatMap(\.after.w1.elements) + trace.updates.flatMap(\.after.w2.elements)
        var results = [normwise("cms_level outputs", size, computed: fast.outputs.elements, exact: trace.outputs.flatMap(\.elements),
                                chain: chain)]
        if scheduleMatches {
            results.append(normwise("cms_level weights", size, computed: computedW, exact: exactW, chain: chain))
        } else {
            results.append(Measurement(kernel: "cms_level schedule",
                                       size: size + " updates \(fast.updateTokens) vs \(trace.updates.map(\.token))",
                                       error: .infinity, bound: 0, worstULP: .infinity, allWritten: true))
        }
        return results
    }
}
