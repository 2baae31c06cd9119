import ExactMath
import NestedLearning

/// CMS-CHUNK: a CMS level with period C over T tokens updates exactly ⌊T/C⌋ times, at tokens
/// C, 2C, …, each update one GD step on the sum of the chunk's C per-token losses, gradients
/// taken at the chunk-start parameters (arXiv eq. 70–71, C-term window, A3; NeurIPS eq. 30–31).
struct CMSChunkClaim: SymbolicClaim {
    let id = "CMS-CHUNK"
    let statement = "A CMS level with period C over T tokens updates floor(T/C) times, at tokens C, 2C, ...; each update is one GD step on the sum of the chunk's C per-token losses at the chunk-start parameters; C = 1 is per-token SGD; the tail T mod C is unflushed (flush is a labelled convention)."
    let references = PaperReference(arxiv: ["70", "71"], neurips: ["30", "31"])
    let conventions = ["CMSWindow.chunk", "CMSReduction.sum", "CMSGradientAnchor.chunkStart", "CMSTail.unflushed", "CMSTail.flush"]
    static let cPlusOne = "CMS-CHUNK/c-plus-one-terms"
    static let current = "CMS-CHUNK/current-parameters"
    static let mean = "CMS-CHUNK/mean-not-sum"
    let mutants = [
        Mutant(id: cPlusOne, summary: "The sum as printed, t = i - C ... i: C + 1 terms, reaching back into the previous chunk (A3)."),
        Mutant(id: current, summary: "Per-token gradients at the current (moving) parameters instead of the chunk start."),
        Mutant(id: mean, summary: "Mean of the chunk's gradients instead of the sum."),
    ]

    struct Input {
        let label: String
        let mlp: TwoLayerMLP<Double>
        let xs: [Vector<Double>], targets: [Vector<Double>]
        let period: Int, eta: Double, tail: Conventions.CMSTail
    }

    func inputs(exact: Bool) -> [Input] {
        let schedules: [(Int, Int, Conventions.CMSTail)] = exact
            ? [(8, 4, .unflushed), (7, 3, .unflushed), (7, 3, .flush), (3, 5, .unflushed), (3, 5, .flush), (5, 1, .unflushed), (6, 2, .unflushed)]
            : [(36, 10, .unflushed), (37, 10, .flush)]
        let (din, dh, dout) = exact ? (3, 2, 2) : (12, 16, 8)
        return schedules.enumerated().map { index, s in
            var g = Support.exactGenerator(UInt64(10_000 + index))
            func mat(_ r: Int, _ c: Int) -> Matrix<Double> { exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c) }
            func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, n) }
            return Input(label: "T=\(s.0) C=\(s.1) tail=\(s.2.rawValue) d_in=\(din) d_h=\(dh) d_out=\(dout)",
                         mlp: TwoLayerMLP(w1: mat(dh, din), w2: mat(dout, dh)),
                         xs: (0..<s.0).map { _ in vec(din) }, targets: (0..<s.0).map { _ in vec(dout) },
                         period: s.1, eta: exact ? 0.25 : 0x1.999999999999ap-5, tail: s.2)
        }
    }

    func run<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> CMSLevel<S>.Trace {
        Self.run(mlp: input.mlp.map { S(dyadic: $0) }, xs: input.xs.map { $0.lifted() }, targets: input.targets.map { $0.lifted() },
                 period: input.period, eta: S(dyadic: input.eta), tail: input.tail, mutant: mutant)
    }

    static func run<S: Scalar>(mlp: TwoLayerMLP<S>, xs: [Vector<S>], targets: [Vector<S>], period: Int, eta: S, tail: Conventions.CMSTail,
                               mutant: String?) -> CMSLevel<S>.Trace {
        var level = CMSLevel(mlp: mlp, period: period, learningRate: eta)
        level.tail = tail
        switch mutant {
        case cPlusOne: level.window = .printedCPlusOne
        case current: level.anchor = .current
        case mean: level.reduction = .mean
        default: break
        }
        return level.run(inputs: xs, losses: targets.map { .squaredError(target: $0) })
    }

    /// The three comparisons of one run: the schedule from arithmetic alone, and the optimization
    /// view (per chunk one GD step on the summed loss, by dual numbers) for parameters and outputs.
    static func compare<S: Scalar, E>(mlp: TwoLayerMLP<S>, xs: [Vector<S>], targets: [Vector<S>], period c: Int, eta: S,
                                      tail: Conventions.CMSTail, mutant: String?, _ evidence: (String, [S], [S]) -> E) -> [E] {
        typealias D = Dual<S>
        let t = xs.count
        var schedule = Array(stride(from: c, through: t, by: c))
        if tail == .flush && t % c != 0 { schedule.append(t) }
        var theta = mlp
        var expectedOutputs: [S] = [], expectedParameters: [S] = []
        var start = 1
        for end in schedule + [t] where end >= start {
            let chunk = Array(start...end)
            for i in chunk { expectedOutputs += theta(xs[i - 1]).elements }
            guard schedule.contains(end) else { break }
            let shape = theta
            let cx = chunk.map { Support.dual(xs[$0 - 1]) }, cr = chunk.map { Support.dual(targets[$0 - 1]) }
            let objective = Objective<S>(dimension: theta.flatParameters.count) { p in
                let m = shape.map { D(constant: $0) }.withFlatParameters(p)
                var sum = D(0)
                for (x, r) in zip(cx, cr) { sum = sum + D(1) / D(2) * (m(x) - r).squaredNorm }
                return sum
            }
            theta = theta.withFlatParameters(objective.gradientStep(from: theta.flatParameters, learningRate: eta))
            expectedParameters += theta.flatParameters
            start = end + 1
        }
        let trace = run(mlp: mlp, xs: xs, targets: targets, period: c, eta: eta, tail: tail, mutant: mutant)
        return [
            evidence("update tokens", schedule.map { S($0) }, trace.updates.map { S($0.token) }),
            evidence("parameters after each update", expectedParameters, trace.updates.flatMap(\.after.flatParameters)),
            evidence("outputs y_1..y_T", expectedOutputs, trace.outputs.flatMap(\.elements)),
        ]
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).flatMap { input -> [CaseEvidence] in
            Self.compare(mlp: input.mlp.map { Rational(dyadic: $0) }, xs: input.xs.map { $0.lifted() }, targets: input.targets.map { $0.lifted() },
                         period: input.period, eta: Rational(dyadic: input.eta), tail: input.tail, mutant: mutant) { quantity, e, a in
                CaseEvidence.exact(input.label, quantity, expected: e, actual: a)
            }
        }
    }

    let symbolicSizes = "a linear block y = W2 W1 x (phi = identity), d_in = 2, d_h = 1, d_out = 1: T = 4, C = 2 (two chunks) and T = 3, C = 2 (unflushed and flushed); every entry of W1, W2 and eta variables; the tokens fixed at x_t = (1, t/2), r_t = t/4 - 1/2 (with symbolic tokens the second chunk's polynomials run to millions of terms); the moving-anchor mutant, per-token SGD whose degree triples per token, is judged at T = 3"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        [(4, Conventions.CMSTail.unflushed), (3, .unflushed), (3, .flush)].flatMap { t, tail -> [SymbolicEvidence] in
            typealias F = RationalFunction
            // The moving-anchor mutant is per-token SGD, whose degree triples per token; judge it at T = 3 only.
            if mutant == Self.current && t == 4 { return [.notApplicable("T=4 C=2", "outputs and parameters")] }
            let mlp = TwoLayerMLP(w1: Symbols.matrix("W1", 1, 2), w2: Symbols.matrix("W2", 1, 1), activation: .identity)
            let xs = (1...t).map { Vector([F(1), F($0) / F(2)]) }, rs = (1...t).map { Vector([F($0) / F(4) - F(1) / F(2)]) }
            return Self.compare(mlp: mlp, xs: xs, targets: rs, period: 2, eta: Symbols.scalar("eta"), tail: tail, mutant: mutant) { quantity, e, a in
                SymbolicEvidence.compare("T=\(t) C=2 tail=\(tail.rawValue)", quantity, expected: e, actual: a)
            }
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            let e = run(input, mutant: nil, Rational.self), c = run(input, mutant: mutant, Double.self)
            return .float(input.label, "outputs and parameters", exact: e.outputs.flatMap(\.elements) + e.final.flatParameters,
                          computed: c.outputs.flatMap(\.elements) + c.final.flatParameters,
                          bound: Support.bound(chain: (input.xs.count / input.period + 1) * input.period * 8 * (input.mlp.w1.cols + input.mlp.w1.rows)))
        }
    }

    func workedExample() -> String {
        let mlp = TwoLayerMLP<Rational>(w1: Matrix([[Rational(1)]]), w2: Matrix([[Rational(1, 2)]]), activation: .identity)
        let xs = [Rational(1), Rational(-1), Rational(2), Rational(1), Rational(1)].map { Vector([$0]) }
        let rs = [Rational(0), Rational(1), Rational(0), Rational(1), Rational(0)].map { Vector([$0]) }
        let level = CMSLevel(mlp: mlp, period: 2, learningRate: Rational(1, 4))
        let trace = level.run(inputs: xs, losses: rs.map { .squaredError(target: $0) })
        var lines = ["Scalar linear block y = w2 w1 x (activation phi(z) = z), w1 = 1, w2 = 1/2; period C = 2, eta = 1/4, T = 5.",
                     "Per-token gradient of 1/2 (y - r)^2 at the chunk-start parameters, flattened (dw1, dw2):"]
        for t in 0..<xs.count {
            let g = CMSLevel<Rational>.tokenGradient(t < 2 ? mlp : (t < 4 ? trace.updates[0].after : trace.updates[1].after), input: xs[t], loss: .squaredError(target: rs[t]))
            lines.append("  t=\(t + 1): x = \(xs[t][0]), r = \(rs[t][0]), y = \(trace.outputs[t][0]), grad = (\(g.map(\.description).joined(separator: ", ")))")
        }
        for u in trace.updates {
            lines.append("update at token \(u.token), window \(u.window): sum = (\(u.gradient.map(\.description).joined(separator: ", "))), after: w1 = \(u.after.w1[0, 0]), w2 = \(u.after.w2[0, 0])")
        }
        lines.append("Token 5 is the unflushed tail: \(trace.updates.count) = floor(5/2) updates.")
        return lines.joined(separator: "\n")
    }
}
