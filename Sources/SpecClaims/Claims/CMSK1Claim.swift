import ExactMath
import NestedLearning

/// CMS-K1: a continuum memory system with one level whose update frequency is zero at test time
/// is exactly the frozen MLP, token by token (arXiv §6–7, eq. 70–71 with k = 1).
struct CMSK1Claim: SymbolicClaim {
    let id = "CMS-K1"
    let statement = "A CMS with k = 1 level of update frequency zero (no period, or learning rate 0) outputs exactly the frozen MLP's y_t = W2 phi(W1 x_t) at every token and never updates."
    let references = PaperReference(arxiv: ["70", "71", "§6"], neurips: ["30", "31"])
    let conventions = ["CMSWindow.chunk", "CMSTail.unflushed"]
    static let testTimeUpdate = "CMS-K1/updates-at-test-time"
    let mutants = [
        Mutant(id: testTimeUpdate, summary: "The level keeps learning at test time (period 1, learning rate > 0): later tokens see updated weights."),
    ]

    struct Input {
        let label: String
        let mlp: TwoLayerMLP<Double>
        let xs: [Vector<Double>], targets: [Vector<Double>]
    }

    func inputs(exact: Bool) -> [Input] {
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

    /// The CMS level run over the sequence; `zeroRate` selects the "period C, η = 0" reading.
    func level<S: Scalar>(_ input: Input, zeroRate: Bool, mutant: String?, _: S.Type) -> CMSLevel<S>.Trace {
        Self.level(mlp: input.mlp.map { S(dyadic: $0) }, xs: input.xs.map { $0.lifted() }, targets: input.targets.map { $0.lifted() },
                   zeroRate: zeroRate, mutant: mutant)
    }

    static func level<S: Scalar>(mlp: TwoLayerMLP<S>, xs: [Vector<S>], targets: [Vector<S>], zeroRate: Bool, mutant: String?) -> CMSLevel<S>.Trace {
        let level: CMSLevel<S>
        if mutant == testTimeUpdate {
            level = CMSLevel(mlp: mlp, period: 1, learningRate: S.ratio(1, 8))
        } else {
            level = zeroRate ? CMSLevel(mlp: mlp, period: 2, learningRate: .zero) : CMSLevel(mlp: mlp, period: nil, learningRate: .one)
        }
        return level.run(inputs: xs, losses: targets.map { .squaredError(target: $0) })
    }

    /// The three comparisons: both frequency-zero readings against the frozen MLP written out
    /// directly, `W2 φ(W1 x)`, and the update count.
    static func compare<S: Scalar, E>(mlp: TwoLayerMLP<S>, xs: [Vector<S>], targets: [Vector<S>], mutant: String?,
                                      _ evidence: (String, [S], [S]) -> E) -> [E] {
        let frozen = xs.flatMap { x -> [S] in
            let z = mlp.w1 * x
            return (mlp.w2 * z.map { mlp.activation.value($0) }).elements
        }
        let noPeriod = level(mlp: mlp, xs: xs, targets: targets, zeroRate: false, mutant: mutant)
        let zeroRate = level(mlp: mlp, xs: xs, targets: targets, zeroRate: true, mutant: mutant)
        return [
            evidence("y_t: frequency-zero level (no period) vs frozen MLP", frozen, noPeriod.outputs.flatMap(\.elements)),
            evidence("y_t: period 2 with eta = 0 vs frozen MLP", frozen, zeroRate.outputs.flatMap(\.elements)),
            evidence("number of updates (no period)", [S(0)], [S(noPeriod.updates.count)]),
        ]
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).flatMap { input -> [CaseEvidence] in
            Self.compare(mlp: input.mlp.map { Rational(dyadic: $0) }, xs: input.xs.map { $0.lifted() }, targets: input.targets.map { $0.lifted() },
                         mutant: mutant) { quantity, e, a in CaseEvidence.exact(input.label, quantity, expected: e, actual: a) }
        }
    }

    let symbolicSizes = "d_in = 2, d_h = 2, d_out = 1, phi(z) = z + z^2/2, T = 2; every entry of W1 a variable, W2 = (1/2, -1), x_1 = (1, 1/4), x_2 = (1, -1/2), targets 1/2 and -1 (the test-time-update mutant is per-token SGD, whose degree grows fivefold per token)"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        typealias F = RationalFunction
        let mlp = TwoLayerMLP(w1: Symbols.matrix("W1", 2, 2), w2: Matrix([[F(1) / F(2), F(-1)]]))
        let xs = [Vector([F(1), F(1) / F(4)]), Vector([F(1), F(-1) / F(2)])]
        let rs = [F(1) / F(2), F(-1)].map { Vector([$0]) }
        return Self.compare(mlp: mlp, xs: xs, targets: rs, mutant: mutant) { quantity, e, a in
            SymbolicEvidence.compare("d_in=2 d_h=2 d_out=1 T=2", quantity, expected: e, actual: a)
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            .float(input.label, "y_t", exact: level(input, zeroRate: false, mutant: nil, Rational.self).outputs.flatMap(\.elements),
                   computed: level(input, zeroRate: false, mutant: mutant, Double.self).outputs.flatMap(\.elements),
                   bound: Support.bound(chain: 2 * (input.mlp.w1.cols + input.mlp.w2.cols) + 4))
        }
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
