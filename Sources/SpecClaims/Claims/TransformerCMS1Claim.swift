import ExactMath
import NestedLearning

/// TRANSFORMER-CMS1: a Transformer block computed the usual way equals the nested composition
/// of a non-parametric memory (attention as the Nadaraya–Watson argmin, frequency ∞) followed
/// by a k = 1 CMS level of frequency zero, with the same residuals (arXiv §6, eq. 62, 70–71).
struct TransformerCMS1Claim: SymbolicClaim {
    let id = "TRANSFORMER-CMS1"
    let statement = "A Transformer block (h_t = x_t + Attn_t, y_t = h_t + MLP(h_t)) equals the nested composition: a non-parametric memory argmin_M sum_i s_i||v_i - M||^2 (update frequency infinity) followed by a k = 1 CMS level of frequency zero."
    let references = PaperReference(arxiv: ["62", "70", "71", "§6"], neurips: ["30", "31"])
    let conventions = ["CMSTail.unflushed"]
    static let noResidual = "TRANSFORMER-CMS1/no-attention-residual"
    static let swapped = "TRANSFORMER-CMS1/mlp-before-attention"
    let mutants = [
        Mutant(id: noResidual, summary: "The residual around attention dropped: h_t = Attn_t instead of x_t + Attn_t."),
        Mutant(id: swapped, summary: "The MLP applied before attention (levels composed in the wrong order)."),
    ]

    struct Input {
        let label: String
        let wq: Matrix<Double>, wk: Matrix<Double>, wv: Matrix<Double>
        let mlp: TwoLayerMLP<Double>
        let xs: [Vector<Double>]
    }

    func inputs(exact: Bool) -> [Input] {
        let shapes = exact ? [(3, 2, 4, 5), (2, 3, 2, 4)] : [(24, 16, 32, 48)]
        var out: [Input] = []
        for seed in 0..<(exact ? 2 : 1) {
            for (d, dk, dh, t) in shapes {
                var g = Support.exactGenerator(UInt64(11_000 + seed * 100 + d * 10 + dk))
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> { exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c) }
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n) : Support.floatVector(&g, n) }
                out.append(Input(label: "seed=\(seed) d=\(d) d_k=\(dk) d_h=\(dh) T=\(t)", wq: mat(dk, d), wk: mat(dk, d), wv: mat(d, d),
                                 mlp: TwoLayerMLP(w1: mat(dh, d), w2: mat(d, dh)), xs: (0..<t).map { _ in vec(d) }))
            }
        }
        return out
    }

    /// The usual way, with the mutants as variants of the block.
    func usual<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> [S] {
        Self.usual(TransformerBlock(wq: input.wq.lifted(to: S.self), wk: input.wk.lifted(), wv: input.wv.lifted(), mlp: input.mlp.map { S(dyadic: $0) }),
                   xs: input.xs.map { $0.lifted(to: S.self) }, mutant: mutant)
    }

    static func usual<S: Scalar>(_ block: TransformerBlock<S>, xs: [Vector<S>], mutant: String?) -> [S] {
        let kernel: (S) -> S = { Attention.positivePolynomialKernel($0) }
        switch mutant {
        case noResidual:
            let a = Attention.causal(queries: xs.map { block.wq * $0 }, keys: xs.map { block.wk * $0 }, values: xs.map { block.wv * $0 }, kernel: kernel)
            return a.flatMap { ($0 + block.mlp($0)).elements }
        case swapped:
            let h = xs.map { $0 + block.mlp($0) }
            let a = Attention.causal(queries: h.map { block.wq * $0 }, keys: h.map { block.wk * $0 }, values: h.map { block.wv * $0 }, kernel: kernel)
            return zip(h, a).flatMap { ($0 + $1).elements }
        default:
            return block(xs, kernel: kernel).flatMap(\.elements)
        }
    }

    /// The nested composition: the non-parametric memory re-solved at every token (frequency ∞)
    /// by exact normal equations, then a CMS level with no period (frequency 0), same residuals.
    static func nested<S: Scalar>(_ block: TransformerBlock<S>, xs: [Vector<S>]) -> [S] {
        let attended = (0..<xs.count).map { t -> Vector<S> in
            let q = block.wq * xs[t]
            return Support.weightedRegressionArgmin(weights: (0...t).map { Attention.positivePolynomialKernel(q.dot(block.wk * xs[$0])) },
                                                    values: (0...t).map { block.wv * xs[$0] })
        }
        let h = zip(xs, attended).map { $0 + $1 }
        let cms = CMSLevel(mlp: block.mlp, period: nil, learningRate: S(1)).run(inputs: h, losses: h.map { .squaredError(target: $0) })
        return zip(h, cms.outputs).flatMap { ($0 + $1).elements }
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).map { input in
            let block = TransformerBlock(wq: input.wq.lifted(to: Rational.self), wk: input.wk.lifted(), wv: input.wv.lifted(),
                                         mlp: input.mlp.map { Rational(dyadic: $0) })
            let xs = input.xs.map { $0.lifted(to: Rational.self) }
            return .exact(input.label, "block outputs y_1..y_T", expected: Self.nested(block, xs: xs), actual: Self.usual(block, xs: xs, mutant: mutant))
        }
    }

    let symbolicSizes = "d = 2, d_k = 1, d_h = 1, T = 2, the polynomial kernel 1 + s^2; every entry of x_1, x_2 a variable; W_q = (1, 1/2), W_k = (1/2, -1), W_v = I, W1 = (1, 1/4), W2 = (1/2, 1)^T fixed"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        typealias F = RationalFunction
        let block = TransformerBlock(wq: Matrix([[F(1), F(1) / F(2)]]), wk: Matrix([[F(1) / F(2), F(-1)]]), wv: Matrix<F>.identity(2),
                                     mlp: TwoLayerMLP(w1: Matrix([[F(1), F(1) / F(4)]]), w2: Matrix([[F(1) / F(2)], [F(1)]])))
        let xs = Symbols.sequence("x", count: 2, 2)
        return [.compare("d=2 d_k=1 d_h=1 T=2", "block outputs y_1..y_T", expected: Self.nested(block, xs: xs), actual: Self.usual(block, xs: xs, mutant: mutant))]
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            .float(input.label, "block outputs (polynomial kernel)", exact: usual(input, mutant: nil, Rational.self),
                   computed: usual(input, mutant: mutant, Double.self), bound: Support.bound(chain: 4 * input.xs[0].count + 2 * input.xs.count + 16))
        }
    }

    func workedExample() -> String {
        let one = Rational(1), half = Rational(1, 2)
        let block = TransformerBlock(wq: Matrix([[one, half]]), wk: Matrix([[Rational(0), one]]),
                                     wv: Matrix([[one, Rational(0)], [Rational(0), half]]),
                                     mlp: TwoLayerMLP(w1: Matrix([[half, half]]), w2: Matrix([[one], [Rational(-1)]])))
        let xs = [Vector([one, Rational(0)]), Vector([Rational(0), Rational(2)])]
        let out = block(xs, kernel: { Attention.positivePolynomialKernel($0) })
        let q2 = block.wq * xs[1]
        let s = xs.map { Attention.positivePolynomialKernel(q2.dot(block.wk * $0)) }
        let a2 = NadarayaWatson.estimate(weights: s, values: xs.map { block.wv * $0 })
        let h2 = xs[1] + a2
        return [
            "d = 2, d_k = 1, T = 2, kernel s = 1 + (q.k)^2, \(block.mlp.activation).",
            Show.m("W_q", block.wq), Show.m("W_k", block.wk), Show.m("W_v", block.wv),
            "x_1 = \(xs[0]), x_2 = \(xs[1])",
            "Usual block: y_1 = \(out[0]), y_2 = \(out[1])",
            "Nested, token 2: weights s = \(s), memory argmin = \(a2), h_2 = x_2 + memory = \(h2),",
            "frozen CMS level: h_2 + MLP(h_2) = \(h2 + block.mlp(h2))",
            Show.verdict(h2 + block.mlp(h2) == out[1]),
        ].joined(separator: "\n")
    }
}
