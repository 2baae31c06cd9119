import ExactMath
import NestedLearning

/// CMS-K1: a continuum memory system with one level whose update frequency is zero at test time
/// is exactly the frozen MLP, token by token (arXiv §6–7, eq. 70–71 with k = 1).
struct CmsK1Claim: ViewClaim {
    let id = "CMS-K1"
    let statement = "A CMS with k = 1 level of update frequency zero (no period, or learning rate 0) outputs exactly the frozen " +
                    "MLP's y_t = W2 phi(W1 x_t) at every token and never updates."
    let references = PaperReference(arxiv: ["70", "71", "§6"], neurips: ["30", "31"])
    let conventions = [Convention(Conventions.CMSWindow.chunk), Convention(Conventions.CMSTail.unflushed)]
    let symbolic = SymbolicStatus.sizes("d_in = 2, d_h = 2, d_out = 1, phi(z) = z + z^2/2, T = 2; every entry of W1 a variable, W2 = " +
                                        "(1/2, -1), x_1 = (1, 1/4), x_2 = (1, -1/2), targets 1/2 and -1 (the test-time-update mutant " +
                                        "is per-token SGD, whose degree grows fivefold per token)")

    enum Mutant: String, ClaimMutant {
        case testTimeUpdate = "updates-at-test-time"

        var summary: String { "The level keeps learning at test time (period 1, learning rate > 0): later tokens see updated weights." }
    }

    struct Input: ClaimInput {
        let label: String
        let mlp: TwoLayerMLP<Double>
        let xs: [Vector<Double>], targets: [Vector<Double>]
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [Input(label: "d_in=2 d_h=2 d_out=1 T=2", mlp: TwoLayerMLP(w1: .zeros(2, 2), w2: Matrix([[0.5, -1]])),
                          xs: [Vector([1, 0.25]), Vector([1, -0.5])], targets: [Vector([0.5]), Vector([-1])], variables: ["W1"])]
        }
        let exact = domain == .exact
        let shapes = exact ? [(3, 4, 2, 6), (2, 2, 3, 5)] : [(32, 48, 32, 64)]
        var out: [Input] = []
        for seed in 0..<(exact ? 2 : 1) {
            for (din, dh, dout, t) in shapes {
                var g = Support.exactGenerator(UInt64(9000 + seed * 100 + din * 10 + dh))
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> { exact ? g.matrix(r, c) : Support.floatMatrix(&g, r, c) }
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n) : Support.floatVector(&g, n) }
                out.append(Input(label: "seed=\(seed) d_in=\(din) d_h=\(dh) d_out=\(dout) T=\(t)",
                                 mlp: TwoLayerMLP(w1: mat(dh, din), w2: mat(dout, dh)),
                                 xs: (0..<t).map { _ in vec(din) }, targets: (0..<t).map { _ in vec(dout) }))
            }
        }
        return out
    }

    /// The architecture view: the CMS level run over the sequence in both frequency-zero readings,
    /// no period and "period 2, η = 0" (or, for the mutant, a level that keeps learning), and the
    /// number of updates of the first.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (mlp, xs, losses) = (s.mlp(x.mlp, "W1", "W2"), s.sequence(x.xs), s.sequence(x.targets).map { Loss<S>.squaredError(target: $0) })
        func level(zeroRate: Bool) -> CMSLevel<S>.Trace {
            let level: CMSLevel<S>
            if mutant == .testTimeUpdate {
                level = CMSLevel(mlp: mlp, period: 1, learningRate: S.ratio(1, 8))
            } else {
                level = zeroRate ? CMSLevel(mlp: mlp, period: 2, learningRate: .zero) : CMSLevel(mlp: mlp, period: nil, learningRate: .one)
            }
            return level.run(inputs: xs, losses: losses)
        }
        let noPeriod = level(zeroRate: false)
        // The float tier measures the first reading's outputs only.
        let zeroRate = s.domain == .float ? nil : level(zeroRate: true).outputs.flatMap(\.elements)
        return [.compared("y_t", noPeriod.outputs.flatMap(\.elements), chain: 2 * (x.mlp.w1.cols + x.mlp.w2.cols) + 4),
                .compared("y_t (period 2, eta = 0)", zeroRate), .compared("number of updates", [S(noPeriod.updates.count)])]
    }

    /// The frozen MLP written out directly, `W2 φ(W1 x)`, and no update.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let mlp = s.mlp(x.mlp, "W1", "W2")
        let frozen = s.sequence(x.xs).flatMap { x -> [S] in
            let z = mlp.w1 * x
            return (mlp.w2 * z.map { mlp.activation.value($0) }).elements
        }
        return [.compared("y_t: frequency-zero level (no period) vs frozen MLP", frozen),
                .compared("y_t: period 2 with eta = 0 vs frozen MLP", frozen), .compared("number of updates (no period)", [S(0)])]
    }

    func workedExample() -> String {
        let mlp = TwoLayerMLP<Rational>(w1: Matrix([[Rational(1), Rational(1, 2)]]), w2: Matrix([[Rational(2)], [Rational(-1)]]))
        let xs = [Vector([Rational(1), Rational(0)]), Vector([Rational(0), Rational(2)]), Vector([Rational(1), Rational(1)])]
        let trace = CMSLevel(mlp: mlp, period: nil, learningRate: Rational(1))
            .run(inputs: xs, losses: xs.map { _ in .squaredError(target: Vector([Rational(0), Rational(0)])) })
        return ([
            "One level, \(mlp.activation), W1 = \(mlp.w1), W2 = \(mlp.w2), no period (update frequency 0).",
        ] + (0..<3).map { t in "t=\(t + 1): x = \(xs[t]), frozen MLP \(mlp(xs[t])), CMS level \(trace.outputs[t])" }
          + ["updates: \(trace.updates.count)", Show.verdict(trace.outputs == xs.map { mlp($0) })]).joined(separator: "\n")
    }
}
