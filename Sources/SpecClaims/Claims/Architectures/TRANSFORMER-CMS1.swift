import ExactMath
import NestedLearning

/// TRANSFORMER-CMS1: a Transformer block computed the usual way equals the nested composition
/// of a non-parametric memory (attention as the Nadaraya–Watson argmin, frequency ∞) followed
/// by a k = 1 CMS level of frequency zero, with the same residuals (arXiv §6, eq. 62, 70–71).
struct TransformerCms1Claim: ViewClaim {
    let id = "TRANSFORMER-CMS1"
    let statement = "A Transformer block (h_t = x_t + Attn_t, y_t = h_t + MLP(h_t)) equals the nested composition: a non-parametric " +
                    "memory argmin_M sum_i s_i||v_i - M||^2 (update frequency infinity) followed by a k = 1 CMS level of frequency zero."
    let references = PaperReference(arxiv: ["62", "70", "71", "§6"], neurips: ["30", "31"])
    let conventions = [Convention(Conventions.CMSTail.unflushed)]
    let symbolic = SymbolicStatus.sizes("d = 2, d_k = 1, d_h = 1, T = 2, the polynomial kernel 1 + s^2; every entry of x_1, x_2 a " +
                                        "variable; W_q = (1, 1/2), W_k = (1/2, -1), W_v = I, W1 = (1, 1/4), W2 = (1/2, 1)^T fixed")

    enum Mutant: String, ClaimMutant {
        case noResidual = "no-attention-residual"
        case swapped = "mlp-before-attention"

        var summary: String {
            switch self {
            case .noResidual: "The residual around attention dropped: h_t = Attn_t instead of x_t + Attn_t."
            case .swapped: "The MLP applied before attention (levels composed in the wrong order)."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let wq: Matrix<Double>, wk: Matrix<Double>, wv: Matrix<Double>
        let mlp: TwoLayerMLP<Double>
        let xs: [Vector<Double>]
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [Input(label: "d=2 d_k=1 d_h=1 T=2", wq: Matrix([[1, 0.5]]), wk: Matrix([[0.5, -1]]), wv: .identity(2),
                          mlp: TwoLayerMLP(w1: Matrix([[1, 0.25]]), w2: Matrix([[0.5], [1]])), xs: Support.zeros(2, 2), variables: ["x"])]
        }
        let exact = domain == .exact
        let shapes = exact ? [(3, 2, 4, 5), (2, 3, 2, 4)] : [(24, 16, 32, 48)]
        var out: [Input] = []
        for seed in 0..<(exact ? 2 : 1) {
            for (d, dk, dh, t) in shapes {
                var g = Support.exactGenerator(UInt64(11_000 + seed * 100 + d * 10 + dk))
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> {
                    exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c)
                }
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n) : Support.floatVector(&g, n) }
                out.append(Input(label: "seed=\(seed) d=\(d) d_k=\(dk) d_h=\(dh) T=\(t)", wq: mat(dk, d), wk: mat(dk, d), wv: mat(d, d),
                                 mlp: TwoLayerMLP(w1: mat(dh, d), w2: mat(d, dh)), xs: (0..<t).map { _ in vec(d) }))
            }
        }
        return out
    }

    func block<S: Scalar>(_ x: Input, _ s: Lift<S>) -> TransformerBlock<S> {
        TransformerBlock(wq: s.matrix(x.wq), wk: s.matrix(x.wk), wv: s.matrix(x.wv), mlp: s.mlp(x.mlp))
    }

    /// The architecture view: the block the usual way, with the mutants as variants of it.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        [.compared("block outputs (polynomial kernel)", Self.usual(block(x, s), xs: s.sequence(x.xs, "x"), mutant: mutant),
                   chain: 4 * x.xs[0].count + 2 * x.xs.count + 16)]
    }

    /// The nested composition (below).
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        [.compared("block outputs y_1..y_T", Self.nested(block(x, s), xs: s.sequence(x.xs, "x")))]
    }

    static func usual<S: Scalar>(_ block: TransformerBlock<S>, xs: [Vector<S>], mutant: Mutant?) -> [S] {
        let kernel: (S) -> S = { Attention.positivePolynomialKernel($0) }
        switch mutant {
        case .noResidual:
            let a = Attention.causal(queries: xs.map { block.wq * $0 }, keys: xs.map { block.wk * $0 }, values: xs.map { block.wv * $0 },
                                     kernel: kernel)
            return a.flatMap { ($0 + block.mlp($0)).elements }
        case .swapped:
            let h = xs.map { $0 + block.mlp($0) }
            let a = Attention.causal(queries: h.map { block.wq * $0 }, keys: h.map { block.wk * $0 }, values: h.map { block.wv * $0 },
                                     kernel: kernel)
            return zip(h, a).flatMap { ($0 + $1).elements }
        case nil:
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
