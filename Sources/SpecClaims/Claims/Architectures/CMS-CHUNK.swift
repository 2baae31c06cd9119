import ExactMath
import NestedLearning

/// CMS-CHUNK: a CMS level with period C over T tokens updates exactly ⌊T/C⌋ times, at tokens
/// C, 2C, …, each update one GD step on the sum of the chunk's C per-token losses, gradients
/// taken at the chunk-start parameters (arXiv eq. 70–71, C-term window, A3; NeurIPS eq. 30–31).
struct CmsChunkClaim: ViewClaim {
    let id = "CMS-CHUNK"
    let statement = "A CMS level with period C over T tokens updates floor(T/C) times, at tokens C, 2C, ...; each update is one GD " +
                    "step on the sum of the chunk's C per-token losses at the chunk-start parameters; C = 1 is per-token SGD; the " +
                    "tail T mod C is unflushed (flush is a labelled convention)."
    let references = PaperReference(arxiv: ["70", "71"], neurips: ["30", "31"])
    let conventions = [Convention(Conventions.CMSWindow.chunk), Convention(Conventions.CMSReduction.sum),
                       Convention(Conventions.CMSGradientAnchor.chunkStart),
                       Convention(Conventions.CMSTail.unflushed), Convention(Conventions.CMSTail.flush)]
    let symbolic = SymbolicStatus.sizes("a linear block y = W2 W1 x (phi = identity), d_in = 2, d_h = 1, d_out = 1: T = 4, C = 2 " +
                                        "(two chunks) and T = 3, C = 2 (unflushed and flushed); every entry of W1, W2 and eta " +
                                        "variables; the tokens fixed at x_t = (1, t/2), r_t = t/4 - 1/2 (with symbolic tokens the " +
                                        "second chunk's polynomials run to millions of terms); the moving-anchor mutant, per-token " +
                                        "SGD whose degree triples per token, is judged at T = 3")

    enum Mutant: String, ClaimMutant {
        case cPlusOne = "c-plus-one-terms"
        case current = "current-parameters"
        case mean = "mean-not-sum"

        var summary: String {
            switch self {
            case .cPlusOne: "The sum as printed, t = i - C ... i: C + 1 terms, reaching back into the previous chunk (A3)."
            case .current: "Per-token gradients at the current (moving) parameters instead of the chunk start."
            case .mean: "Mean of the chunk's gradients instead of the sum."
            }
        }

        var erratum: Erratum? {
            guard self == .cPlusOne else { return nil }
            return Erratum(.arxiv, "71 (NeurIPS 31)", printed: "theta_{i+1} = theta_i - sum_{t=i-C}^{i} eta_t f(theta_t; x_t) at i = " +
                                                               "0 mod C (C + 1 terms)",
                           corrected: "sum_{t=i-C+1}^{i}: the C tokens of the chunk that just ended", ambiguity: "A3")
        }
    }

    struct Input: ClaimInput {
        let label: String
        let mlp: TwoLayerMLP<Double>
        let xs: [Vector<Double>], targets: [Vector<Double>]
        let period: Int, eta: Double, tail: Conventions.CMSTail
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(4, Conventions.CMSTail.unflushed), (3, .unflushed), (3, .flush)].map { t, tail in
                Input(label: "T=\(t) C=2 tail=\(tail.rawValue)",
                      mlp: TwoLayerMLP(w1: .zeros(1, 2), w2: .zeros(1, 1), activation: .identity),
                      xs: (1...t).map { Vector([1, Double($0) / 2]) }, targets: (1...t).map { Vector([Double($0) / 4 - 0.5]) },
                      period: 2, eta: 0, tail: tail, variables: ["W1", "W2", "eta"])
            }
        }
        let exact = domain == .exact
        let schedules: [(Int, Int, Conventions.CMSTail)] = exact
            ? [(8, 4, .unflushed), (7, 3, .unflushed), (7, 3, .flush), (3, 5, .unflushed), (3, 5, .flush), (5, 1, .unflushed),
               (6, 2, .unflushed)]
            : [(36, 10, .unflushed), (37, 10, .flush)]
        let (din, dh, dout) = exact ? (3, 2, 2) : (12, 16, 8)
        return schedules.enumerated().map { index, s in
            var g = Support.exactGenerator(UInt64(10_000 + index))
            func mat(_ r: Int, _ c: Int) -> Matrix<Double> {
                exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c)
            }
            func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, n) }
            return Input(label: "T=\(s.0) C=\(s.1) tail=\(s.2.rawValue) d_in=\(din) d_h=\(dh) d_out=\(dout)",
                         mlp: TwoLayerMLP(w1: mat(dh, din), w2: mat(dout, dh)),
                         xs: (0..<s.0).map { _ in vec(din) }, targets: (0..<s.0).map { _ in vec(dout) },
                         period: s.1, eta: exact ? 0.25 : 0x1.999999999999ap-5, tail: s.2)
        }
    }

    /// The per-token mutant is judged at T = 3 on symbols (its degree triples per token).
    func symbolicInputs(_ mutant: Mutant?) -> [Input] {
        inputs(.symbolic).filter { mutant != .current || $0.xs.count != 4 }
    }

    /// The architecture view: `CMSLevel.run`, or a mutant's reading of the boundary update; the
    /// update tokens, the parameters after each update, the outputs; in `Double`, the outputs and
    /// the final parameters.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        var level = CMSLevel(mlp: s.mlp(x.mlp, "W1", "W2"), period: x.period, learningRate: s.scalar(x.eta, "eta"))
        level.tail = x.tail
        let (xs, losses) = (s.sequence(x.xs), s.sequence(x.targets).map { Loss<S>.squaredError(target: $0) })
        let run: (tokens: [Int], after: [S], outputs: [Vector<S>], final: [S])
        if let mutant {
            run = Self.variant(mutant, level, xs: xs, losses: losses)
        } else {
            let trace = level.run(inputs: xs, losses: losses)
            run = (trace.updates.map(\.token), trace.updates.flatMap(\.after.flatParameters), trace.outputs, trace.final.flatParameters)
        }
        let chain = (x.xs.count / x.period + 1) * x.period * 8 * (x.mlp.w1.cols + x.mlp.w1.rows)
        return [.compared("update tokens", run.tokens.map { S($0) }), .compared("parameters after each update", run.after),
                .compared("outputs y_1..y_T", run.outputs.flatMap(\.elements)),
                .measured("outputs and parameters", run.outputs.flatMap(\.elements) + run.final, chain: chain)]
    }

    /// A mutant's reading of the boundary update, token by token: the update tokens, the
    /// parameters after each update, the outputs and the final parameters.
    static func variant<S: Scalar>(_ mutant: Mutant, _ level: CMSLevel<S>, xs: [Vector<S>], losses: [Loss<S>])
        -> (tokens: [Int], after: [S], outputs: [Vector<S>], final: [S]) {
        let (c, eta, count) = (level.period!, level.learningRate, xs.count)
        var current = level.mlp, tokens: [Int] = [], after: [S] = [], outputs: [Vector<S>] = []
        for i in 1...count {
            outputs.append(current(xs[i - 1]))
            let flushTail = level.tail == .flush && i == count && i % c != 0
            guard i % c == 0 || flushTail else { continue }
            let window = flushTail ? (i - i % c + 1)...i : (mutant == .cPlusOne ? max(1, i - c) : i - c + 1)...i
            var theta = current.flatParameters, sum = Array(repeating: S.zero, count: theta.count)
            for t in window {
                // The printed window reaches back one token; the moving anchor steps after every token.
                let g = CMSLevel.tokenGradient(mutant == .current ? current.withFlatParameters(theta) : current, input: xs[t - 1],
                                               loss: losses[t - 1])
                sum = zip(sum, g).map { $0 + $1 }
                if mutant == .current { theta = zip(theta, g).map { $0 - eta * $1 } }
            }
            if mutant == .mean { sum = sum.map { $0 / S(window.count) } }
            current = current.withFlatParameters(zip(current.flatParameters, sum).map { $0 - eta * $1 })
            tokens.append(i)
            after += current.flatParameters
        }
        return (tokens, after, outputs, current.flatParameters)
    }

    /// The independent side: the schedule from arithmetic alone, and per chunk one GD step on the
    /// summed loss, by dual numbers, for parameters and outputs.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        typealias D = Dual<S>
        let (xs, targets, eta, c, t) = (s.sequence(x.xs), s.sequence(x.targets), s.scalar(x.eta, "eta"), x.period, x.xs.count)
        var schedule = Array(stride(from: c, through: t, by: c))
        if x.tail == .flush && t % c != 0 { schedule.append(t) }
        var theta = s.mlp(x.mlp, "W1", "W2")
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
        return [.compared("update tokens", schedule.map { S($0) }), .compared("parameters after each update", expectedParameters),
                .compared("outputs y_1..y_T", expectedOutputs)]
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
            let at = t < 2 ? mlp : (t < 4 ? trace.updates[0].after : trace.updates[1].after)
            let g = CMSLevel<Rational>.tokenGradient(at, input: xs[t], loss: .squaredError(target: rs[t]))
            lines.append("  t=\(t + 1): x = \(xs[t][0]), r = \(rs[t][0]), y = \(trace.outputs[t][0]), grad = " +
                         "(\(g.map(\.description).joined(separator: ", ")))")
        }
        for u in trace.updates {
            let sum = u.gradient.map(\.description).joined(separator: ", ")
            let after = "w1 = \(u.after.w1[0, 0]), w2 = \(u.after.w2[0, 0])"
            lines.append("update at token \(u.token), window \(u.window): sum = (\(sum)), after: \(after)")
        }
        lines.append("Token 5 is the unflushed tail: \(trace.updates.count) = floor(5/2) updates.")
        return lines.joined(separator: "\n")
    }
}
