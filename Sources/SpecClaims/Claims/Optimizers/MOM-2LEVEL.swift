import ExactMath
import NestedLearning

/// MOM-2LEVEL: heavy-ball momentum is a two-level nested system. The inner level, the memory
/// `m`, takes one GD step (size η) on its own objective `−⟨m, g⟩ + (1−β)/(2η)‖m‖²`; the outer
/// level, the weights, takes the proximal step `argmin_W ⟨W, m⟩ + ½‖W − W_t‖²`
/// (arXiv eq. 10–13, 33–34; NeurIPS eq. 7–10, 17–18).
struct Mom2levelClaim: ViewClaim {
    let id = "MOM-2LEVEL"
    let statement = "Heavy-ball momentum (m <- beta m + eta g, W <- W - m) equals a 2-level nested system: m takes one GD step on " +
                    "-<m, g> + (1-beta)/(2 eta)||m||^2, W takes argmin <W, m> + 1/2||W - W_t||^2; it also equals Polyak's form and " +
                    "the unrolled sum, and the last n gradients hold 1 - beta^n of an EMA's mass."
    let references = PaperReference(arxiv: ["10", "11", "12", "13", "33", "34", "§4.3"], neurips: ["7", "8", "9", "10", "17", "18"])
    let conventions = [Convention(Conventions.MomentumSign.arxiv)]
    let symbolic = SymbolicStatus.sizes("W: 2x2, T = 3; every entry of W_0, x_t, y_t and eta, beta variables; the horizon identity " +
                                        "for n = 1..8 with beta a variable")

    enum Mutant: String, ClaimMutant {
        case neuripsSign = "neurips-sign-as-printed"
        case noRetention = "beta-ignored"

        var summary: String {
            switch self {
            case .neuripsSign: "NeurIPS eq. 7-8 as printed: m <- beta m - eta grad, W <- W - m, which climbs the loss (A14)."
            case .noRetention: "The decay is dropped from the memory (m <- m + eta g), i.e. the retention term of the inner " +
                               "objective is ignored."
            }
        }

        var erratum: Erratum? {
            guard self == .neuripsSign else { return nil }
            return Erratum(.neurips, "7-8", printed: "m_{t+1} = beta m_t - eta grad L(W_t), W_{t+1} = W_t - m_{t+1}",
                           corrected: "m_{t+1} = beta m_t + eta grad L(W_t), W_{t+1} = W_t - m_{t+1} (arXiv eq. 10-11)", ambiguity: "A14")
        }
    }

    struct Input: ClaimInput {
        enum Kind {
            /// A regression trajectory `½‖W x_t − y_t‖²` from `W_0`.
            case run(w0: Matrix<Double>, xs: [Vector<Double>], ys: [Vector<Double>], eta: Double, beta: Double)
            /// The horizon identity for `n = 1 … count`.
            case horizon(beta: Rational, count: Int)
        }
        let label: String
        let kind: Kind
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            let run = Input.Kind.run(w0: .zeros(2, 2), xs: Support.zeros(3, 2), ys: Support.zeros(3, 2), eta: 0, beta: 0)
            return [Input(label: "W:2x2 T=3", kind: run,
                          variables: ["W0", "x", "y", "eta", "beta"]),
                    Input(label: "n=1...8", kind: .horizon(beta: Rational(0), count: 8), variables: ["beta"])]
        }
        let exact = domain == .exact
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
                out.append(Input(label: "seed=\(seed) beta=\(beta) T=\(steps) W:\(rows)x\(cols)",
                                 kind: .run(w0: w0, xs: xs, ys: ys, eta: exact ? 0.25 : 0x1.999999999999ap-5, beta: beta)))
            }
        }
        guard exact else { return out }
        // The horizon identity: the last n gradients hold 1 − βⁿ of an EMA's mass.
        return out + [Rational(9, 10), Rational(3, 4), Rational(1, 2)].map {
            Input(label: "beta=\($0) n=1...50", kind: .horizon(beta: $0, count: 50))
        }
    }

    /// Hand-written gradient of `½‖W x − y‖²`: `(W x − y) xᵀ`.
    static func gradient<S: Scalar>(_ w: Matrix<S>, _ x: Vector<S>, _ y: Vector<S>) -> Matrix<S> {
        Matrix.outer(w * x - y, x)
    }

    /// The architecture view: the recurrence of arXiv eq. 10–11 (trajectory W_1 … W_T), or a
    /// mutant; Polyak's form with the hand-written gradient and no momentum buffer; the unrolled
    /// sum with the gradients the recurrence saw. The horizon mass as the optimizer sums it.
    func architecture<S: Scalar>(_ input: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        switch input.kind {
        case let .horizon(beta, count):
            let b = s.scalar(beta, "beta")
            return [.compared("mass of last n gradients", (1...count).map { HeavyBallMomentum<S>.horizonMass(beta: b, lastGradients: $0) })]
        case let .run(w0Stored, xsStored, ysStored, etaStored, betaStored):
            let (w0, xs, ys) = (s.matrix(w0Stored, "W0"), s.sequence(xsStored, "x"), s.sequence(ysStored, "y"))
            let (eta, beta) = (s.scalar(etaStored, "eta"), s.scalar(betaStored, "beta"))
            var opt = HeavyBallMomentum(weight: w0, learningRate: eta, beta: mutant == .noRetention ? S.one : beta)
            var trajectory: [Matrix<S>] = [], gradients: [Matrix<S>] = []
            for (x, y) in zip(xs, ys) {
                let g = Self.gradient(opt.weight, x, y)
                gradients.append(g)
                if mutant == .neuripsSign {
                    opt.momentum = opt.beta * opt.momentum - eta * g
                    opt.weight = opt.weight - opt.momentum
                } else {
                    opt.step(gradient: g)
                }
                trajectory.append(opt.weight)
            }
            let recurrence = Quantity<S>.compared("W_1..W_T (eq. 10-11)", trajectory.flatMap(\.elements), chain: xs.count * (w0.cols + 6))
            // The other two forms are compared exactly only.
            guard s.domain != .float else { return [recurrence, .compared("Polyak", nil), .compared("unrolled", nil)] }
            var polyak: [Matrix<S>] = [], previous = w0, current = w0
            for (x, y) in zip(xs, ys) {
                let next = HeavyBallMomentum<S>.polyakStep(current: current, previous: previous, gradient: Self.gradient(current, x, y),
                                                           learningRate: eta, beta: beta)
                previous = current
                current = next
                polyak.append(next)
            }
            let unrolled = HeavyBallMomentum<S>.unrolled(initial: w0, gradients: gradients, learningRate: eta, beta: beta)
            return [recurrence, .compared("W_1..W_T (Polyak)", polyak.flatMap(\.elements)), .compared("W_T (unrolled)", unrolled.elements)]
        }
    }

    /// The nested view, both levels by generic methods: the task gradient and the inner step by
    /// dual numbers, the outer step by exact normal equations. The horizon mass in closed form.
    func optimization<S: Scalar>(_ input: Input, _ s: Lift<S>) -> [Quantity<S>] {
        switch input.kind {
        case let .horizon(beta, count):
            let b = s.scalar(beta, "beta")
            return [.compared("mass of last n gradients vs 1 - beta^n", (1...count).map { S(1) - b.power($0) })]
        case let .run(w0Stored, xsStored, ysStored, etaStored, betaStored):
            let (eta, beta) = (s.scalar(etaStored, "eta"), s.scalar(betaStored, "beta"))
            let retention = Support.dual((S(1) - beta) / (S(2) * eta))
            var w = s.matrix(w0Stored, "W0")
            var m = Matrix<S>.zeros(w.rows, w.cols)
            var nested: [Matrix<S>] = []
            for (x, y) in zip(s.sequence(xsStored, "x"), s.sequence(ysStored, "y")) {
                let xd = Support.dual(x), yd = Support.dual(y)
                // Level 2 context: the task gradient at W_t, by dual numbers.
                let g = Support.gradient(at: w) { theta in Dual(1) / Dual(2) * (theta * xd - yd).squaredNorm }
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
            }
            return [.compared("W_1..W_T: nested levels vs recurrence (eq. 10-11)", nested.flatMap(\.elements)),
                    .compared("W_1..W_T: nested levels vs Polyak form", nested.flatMap(\.elements)),
                    .compared("W_T: nested levels vs unrolled sum", nested.last!.elements)]
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
        lines.append("Horizon, beta = 9/10: last 6 gradients hold \(n6) = \(n6.roundedDouble); last 43 hold \(n43.roundedDouble) " +
                     "(the paper's ~50% and ~99%).")
        return lines.joined(separator: "\n")
    }
}
