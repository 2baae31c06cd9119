import ExactMath
import NestedLearning

/// MOM-2LEVEL: heavy-ball momentum is a two-level nested system. The inner level, the memory
/// `m`, takes one GD step (size η) on its own objective `−⟨m, g⟩ + (1−β)/(2η)‖m‖²`; the outer
/// level, the weights, takes the proximal step `argmin_W ⟨W, m⟩ + ½‖W − W_t‖²`
/// (arXiv eq. 10–13, 33–34; NeurIPS eq. 7–10, 17–18).
struct Momentum2LevelClaim: SymbolicClaim {
    let id = "MOM-2LEVEL"
    let statement = "Heavy-ball momentum (m <- beta m + eta g, W <- W - m) equals a 2-level nested system: m takes one GD step on -<m, g> + (1-beta)/(2 eta)||m||^2, W takes argmin <W, m> + 1/2||W - W_t||^2; it also equals Polyak's form and the unrolled sum, and the last n gradients hold 1 - beta^n of an EMA's mass."
    let references = PaperReference(arxiv: ["10", "11", "12", "13", "33", "34", "§4.3"], neurips: ["7", "8", "9", "10", "17", "18"])
    let conventions = ["MomentumSign.arxiv"]
    static let neuripsSign = "MOM-2LEVEL/neurips-sign-as-printed"
    static let noRetention = "MOM-2LEVEL/beta-ignored"
    let mutants = [
        Mutant(id: neuripsSign, summary: "NeurIPS eq. 7-8 as printed: m <- beta m - eta grad, W <- W - m, which climbs the loss (A14)."),
        Mutant(id: noRetention, summary: "The decay is dropped from the memory (m <- m + eta g), i.e. the retention term of the inner objective is ignored."),
    ]

    struct Input {
        let label: String
        let w0: Matrix<Double>
        let xs: [Vector<Double>], ys: [Vector<Double>]
        let eta: Double, beta: Double
    }

    func inputs(exact: Bool) -> [Input] {
        var out: [Input] = []
        let betas = exact ? [0.75, 0.875, 1.0] : [0.875]
        let steps = exact ? 12 : 32
        let (rows, cols) = exact ? (2, 3) : (12, 16)
        for seed in 0..<2 {
            for beta in betas {
                var g = Support.exactGenerator(UInt64(2000 + seed * 10) + UInt64(beta * 8))
                let w0 = exact ? g.matrix(rows, cols) : Support.floatMatrix(&g, rows, cols)
                // Keep ‖x‖ small so the trajectory stays bounded and rationals stay small.
                let xs = (0..<steps).map { _ in exact ? g.vector(cols, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, cols) }
                let ys = (0..<steps).map { _ in exact ? g.vector(rows) : Support.floatVector(&g, rows) }
                out.append(Input(label: "seed=\(seed) beta=\(beta) T=\(steps) W:\(rows)x\(cols)", w0: w0, xs: xs, ys: ys,
                                 eta: exact ? 0.25 : 0x1.999999999999ap-5, beta: beta))
            }
        }
        return out
    }

    /// Hand-written gradient of `½‖W x − y‖²`: `(W x − y) xᵀ`.
    static func gradient<S: Scalar>(_ w: Matrix<S>, _ x: Vector<S>, _ y: Vector<S>) -> Matrix<S> {
        Matrix.outer(w * x - y, x)
    }

    /// The architecture view: the recurrence of arXiv eq. 10–11 (trajectory W_1 … W_T).
    func recurrence<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> [Matrix<S>] {
        Self.recurrence(w0: input.w0.lifted(to: S.self), xs: input.xs.map { $0.lifted(to: S.self) }, ys: input.ys.map { $0.lifted(to: S.self) },
                        eta: S(dyadic: input.eta), beta: S(dyadic: input.beta), mutant: mutant)
    }

    static func recurrence<S: Scalar>(w0: Matrix<S>, xs: [Vector<S>], ys: [Vector<S>], eta: S, beta: S, mutant: String?) -> [Matrix<S>] {
        var opt = HeavyBallMomentum(weight: w0, learningRate: eta, beta: mutant == noRetention ? S.one : beta,
                                    sign: mutant == neuripsSign ? .neuripsAsPrinted : .arxiv)
        var trajectory: [Matrix<S>] = []
        for (x, y) in zip(xs, ys) {
            opt.step(gradient: gradient(opt.weight, x, y))
            trajectory.append(opt.weight)
        }
        return trajectory
    }

    /// The nested view, both levels by generic methods (the task gradient and the inner step by
    /// dual numbers, the outer step by exact normal equations), and Polyak's form with the
    /// hand-written gradient and no momentum buffer; also the gradients the nested run saw.
    static func nestedView<S: Scalar>(w0: Matrix<S>, xs: [Vector<S>], ys: [Vector<S>], eta: S, beta: S)
        -> (nested: [Matrix<S>], polyak: [Matrix<S>], gradients: [Matrix<S>]) {
        let retention = Support.dual((S(1) - beta) / (S(2) * eta))
        var w = w0
        var m = Matrix<S>.zeros(w.rows, w.cols)
        var nested: [Matrix<S>] = [], polyak: [Matrix<S>] = [], gradients: [Matrix<S>] = []
        var previous = w, current = w
        for (x, y) in zip(xs, ys) {
            let xd = Support.dual(x), yd = Support.dual(y)
            // Level 2 context: the task gradient at W_t, by dual numbers.
            let g = Support.gradient(at: w) { theta in Dual(1) / Dual(2) * (theta * xd - yd).squaredNorm }
            gradients.append(g)
            let gd = Support.dual(g)
            // Inner level: one GD step of size η on the memory's own objective.
            let inner = Objective<S>(dimension: m.elements.count) { mm in
                let mt = Matrix(rows: g.rows, cols: g.cols, elements: mm)
                return -mt.frobenius(gd) + retention * mt.squaredFrobeniusNorm
            }
            m = Matrix(rows: m.rows, cols: m.cols, elements: inner.gradientStep(from: m.elements, learningRate: eta))
            // Outer level: the proximal step on <W, m>.
            let md = Support.dual(m), wt = w
            w = Support.argmin(around: wt) { theta in theta.frobenius(md) + Dual(1) / Dual(2) * Support.squaredDistance(theta, wt) }
            nested.append(w)
            let next = HeavyBallMomentum<S>.polyakStep(current: current, previous: previous, gradient: gradient(current, x, y),
                                                       learningRate: eta, beta: beta)
            previous = current
            current = next
            polyak.append(next)
        }
        return (nested, polyak, gradients)
    }

    /// The three comparisons of one run.
    static func compare<S: Scalar, E>(w0: Matrix<S>, xs: [Vector<S>], ys: [Vector<S>], eta: S, beta: S, mutant: String?,
                                      _ evidence: (String, [S], [S]) -> E) -> [E] {
        let views = nestedView(w0: w0, xs: xs, ys: ys, eta: eta, beta: beta)
        let arch = recurrence(w0: w0, xs: xs, ys: ys, eta: eta, beta: beta, mutant: mutant)
        // The unrolled form with the gradients the nested run saw (a property of the optimizer,
        // unaffected by the architecture-side mutants).
        let unrolled = HeavyBallMomentum<S>.unrolled(initial: w0, gradients: views.gradients, learningRate: eta, beta: beta)
        return [
            evidence("W_1..W_T: nested levels vs recurrence (eq. 10-11)", views.nested.flatMap(\.elements), arch.flatMap(\.elements)),
            evidence("W_1..W_T: nested levels vs Polyak form", views.nested.flatMap(\.elements), views.polyak.flatMap(\.elements)),
            evidence("W_T: nested levels vs unrolled sum", views.nested.last!.elements, unrolled.elements),
        ]
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        var cases: [CaseEvidence] = []
        for input in inputs(exact: true) {
            cases += Self.compare(w0: input.w0.lifted(to: Rational.self), xs: input.xs.map { $0.lifted() }, ys: input.ys.map { $0.lifted() },
                                  eta: Rational(dyadic: input.eta), beta: Rational(dyadic: input.beta), mutant: mutant) { quantity, e, a in
                CaseEvidence.exact(input.label, quantity, expected: e, actual: a)
            }
        }
        // The horizon identity: the last n gradients hold 1 − βⁿ of an EMA's mass.
        for beta in [Rational(9, 10), Rational(3, 4), Rational(1, 2)] {
            let sums = (1...50).map { HeavyBallMomentum<Rational>.horizonMass(beta: beta, lastGradients: $0) }
            let closed = (1...50).map { Rational(1) - beta.power($0) }
            cases.append(.exact("beta=\(beta) n=1...50", "mass of last n gradients vs 1 - beta^n", expected: closed, actual: sums))
        }
        return cases
    }

    let symbolicSizes = "W: 2x2, T = 3; every entry of W_0, x_t, y_t and eta, beta variables; the horizon identity for n = 1..8 with beta a variable"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        let label = "W:2x2 T=3"
        var cases = Self.compare(w0: Symbols.matrix("W0", 2, 2), xs: Symbols.sequence("x", count: 3, 2), ys: Symbols.sequence("y", count: 3, 2),
                                 eta: Symbols.scalar("eta"), beta: Symbols.scalar("beta"), mutant: mutant) { quantity, e, a in
            SymbolicEvidence.compare(label, quantity, expected: e, actual: a)
        }
        let beta = Symbols.scalar("beta")
        let sums = (1...8).map { HeavyBallMomentum<RationalFunction>.horizonMass(beta: beta, lastGradients: $0) }
        cases.append(.compare("n=1...8", "mass of last n gradients vs 1 - beta^n", expected: (1...8).map { RationalFunction(1) - beta.power($0) }, actual: sums))
        return cases
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            let exact = recurrence(input, mutant: nil, Rational.self).flatMap(\.elements)
            let computed = recurrence(input, mutant: mutant, Double.self).flatMap(\.elements)
            return .float(input.label, "W_1..W_T (eq. 10-11)", exact: exact, computed: computed,
                          bound: Support.bound(chain: input.xs.count * (input.w0.cols + 6)))
        }
    }

    func workedExample() -> String {
        let beta = Rational(1, 2), eta = Rational(1, 2)
        let gs = [Rational(1), Rational(2), Rational(-1)].map { Matrix<Rational>([[$0]]) }
        var opt = HeavyBallMomentum(weight: Matrix<Rational>([[Rational(0)]]), learningRate: eta, beta: beta)
        var lines = ["Scalar weight, fixed gradients g_1 = 1, g_2 = 2, g_3 = -1, eta = 1/2, beta = 1/2.",
                     "Recurrence (arXiv eq. 10-11): m <- beta m + eta g, W <- W - m."]
        var m = Rational(0)
        for (t, g) in gs.enumerated() {
            opt.step(gradient: g)
            // Inner level by hand: one GD step of size eta on -m g + (1-beta)/(2 eta) m^2.
            m = m - eta * (-g[0, 0] + (Rational(1) - beta) / eta * m)
            lines.append("t=\(t + 1): m = \(opt.momentum[0, 0]), W = \(opt.weight[0, 0]);  inner GD step gives m = \(m)")
        }
        let unrolled = HeavyBallMomentum<Rational>.unrolled(initial: Matrix([[Rational(0)]]), gradients: gs, learningRate: eta, beta: beta)
        lines.append("Unrolled: W_3 = -eta (g_1 (1 + b + b^2) + g_2 (1 + b) + g_3) = \(unrolled[0, 0])")
        lines.append(Show.verdict(unrolled == opt.weight && m == opt.momentum[0, 0]))
        let n6 = HeavyBallMomentum<Rational>.horizonMass(beta: Rational(9, 10), lastGradients: 6)
        let n43 = HeavyBallMomentum<Rational>.horizonMass(beta: Rational(9, 10), lastGradients: 43)
        lines.append("Horizon, beta = 9/10: last 6 gradients hold \(n6) = \(n6.roundedDouble); last 43 hold \(n43.roundedDouble) (the paper's ~50% and ~99%).")
        return lines.joined(separator: "\n")
    }
}
