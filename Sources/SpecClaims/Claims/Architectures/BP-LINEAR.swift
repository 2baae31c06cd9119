import ExactMath
import NestedLearning

/// BP-LINEAR: for `y = W x`, `∇_W L = (∇_y L) xᵀ`, and the gradient step is the proximal
/// associative-memory update `argmin_W ⟨W x, u⟩ + ‖W − W_t‖²/(2η)` (arXiv eq. 1–3, 7–9;
/// NeurIPS eq. 2–6).
struct BpLinearClaim: ViewClaim {
    let id = "BP-LINEAR"
    let statement = "For y = W x, grad_W L = (grad_y L) x^T, and the GD step equals argmin_W <W x, u> + ||W - W_t||^2/(2 eta) with u " +
                    "= grad_y L (a memory from inputs to their local surprise); with constant eta the SGD trajectory equals the FTRL " +
                    "argmin of eq. 3."
    let references = PaperReference(arxiv: ["1", "2", "3", "7", "8", "9"], neurips: ["2", "3", "4", "5", "6"])
    let conventions = [Convention(Conventions.NestedSystemSign.descent)]
    let symbolic = SymbolicStatus.sizes("(d_out, d_in) = (2, 3) and (2, 2), both losses (squared error and the cubic); every entry " +
                                        "of W, x, the target or weights, and eta variables")

    enum Mutant: String, ClaimMutant {
        case ascent = "ascent-as-printed"
        case transposedFactors = "key-value-swapped"

        var summary: String {
            switch self {
            case .ascent: "Definition 3 read literally (<Phi x, -grad L>): W + eta u x^T, gradient ascent (A1)."
            case .transposedFactors: "Key and value swapped in the outer product: W - eta x u^T (only shape-valid on square layers, " +
                                     "where it goes unnoticed)."
            }
        }

        var erratum: Erratum? {
            guard self == .ascent else { return nil }
            return Erratum(.arxiv, "19-20 (Definitions 3-4)", printed: "W_{t+1} = argmin_W <W x, -grad_y L> + ||W - W_t||^2/(2 eta) " +
                                                                       "= W_t + eta u x^T",
                           corrected: "W_{t+1} = argmin_W <W x, grad_y L> + ||W - W_t||^2/(2 eta) = W_t - eta u x^T", ambiguity: "A1")
        }
    }

    struct Input: ClaimInput {
        enum Kind {
            /// One step of a linear layer on a squared-error or cubic loss.
            case step(w: Matrix<Double>, x: Vector<Double>, eta: Double, target: Vector<Double>, cubic: Bool)
            /// arXiv eq. 3: SGD with constant `η` on `½‖W x_s − r_s‖²` from `W_1`.
            case ftrl(w1: Matrix<Double>, samples: [(x: Vector<Double>, r: Vector<Double>)], eta: Double)
        }
        let label: String
        let kind: Kind
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(2, 3), (2, 2)].flatMap { dout, din in
                [false, true].map { cubic in
                    Input(label: "d_out=\(dout) d_in=\(din) loss=\(cubic ? "cubic" : "quadratic")",
                          kind: .step(w: .zeros(dout, din), x: .zeros(din), eta: 0, target: .zeros(dout), cubic: cubic),
                          variables: ["W", "x", "eta", cubic ? "c" : "t"])
                }
            }
        }
        let exact = domain == .exact
        var out: [Input] = []
        let shapes = exact ? [(3, 4), (3, 3), (2, 5)] : [(48, 64), (40, 40)]
        for seed in 0..<(exact ? 4 : 2) {
            for (dout, din) in shapes {
                for cubic in [false, true] {
                    var g = Support.exactGenerator(UInt64(seed * 100 + dout * 10 + din))
                    let w = exact ? g.matrix(dout, din) : Support.floatMatrix(&g, dout, din)
                    let x = exact ? g.nonZeroVector(din) : Support.floatVector(&g, din)
                    let t = exact ? g.vector(dout) : Support.floatVector(&g, dout)
                    let eta = exact ? g.positiveDyadic(numeratorBound: 3, exponent: 2) : 0x1.999999999999ap-4
                    out.append(Input(label: "seed=\(seed) d_out=\(dout) d_in=\(din) loss=\(cubic ? "cubic" : "quadratic")",
                                     kind: .step(w: w, x: x, eta: eta, target: t, cubic: cubic)))
                }
            }
        }
        guard exact else { return out }
        return out + (0..<3).map { seed in
            let (dout, din) = seed == 2 ? (3, 3) : (3, 4)
            var g = Support.exactGenerator(UInt64(500 + seed))
            let w1 = g.matrix(dout, din)
            let samples = (0..<5).map { _ in (x: g.vector(din, numeratorBound: 3), r: g.vector(dout)) }
            return Input(label: "FTRL seed=\(seed) d_out=\(dout) d_in=\(din) T=5", kind: .ftrl(w1: w1, samples: samples, eta: 0.25))
        }
    }

    static func loss<S: Scalar>(_ target: Vector<S>, cubic: Bool) -> Loss<S> {
        cubic ? .cubic(weights: target) : .squaredError(target: target)
    }

    /// The architecture view: hand-written `u = ∇_y L`, `G = u xᵀ`, `W − η G`; for eq. 3, SGD with
    /// that gradient.
    func architecture<S: Scalar>(_ input: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        switch input.kind {
        case let .step(w0, x0, eta0, target, cubic):
            let (w, x, eta) = (s.matrix(w0, "W"), s.vector(x0, "x"), s.scalar(eta0, "eta"))
            let u = Self.loss(s.vector(target, cubic ? "c" : "t"), cubic: cubic).outputGradient(LinearLayer(weight: w)(x))
            var g = LinearLayer<S>.weightGradient(localSurprise: u, input: x)
            if mutant == .transposedFactors {
                guard w.rows == w.cols else { return nil }
                g = Matrix.outer(x, u)
            }
            let step = mutant == .ascent ? w + eta * g : w - eta * g
            let n = w.cols + 4
            return [.compared("grad_W L", g.elements, chain: n), .compared("W_{t+1}", step.elements, chain: n + 2)]
        case let .ftrl(w1, samples, eta0):
            if mutant == .transposedFactors && w1.rows != w1.cols { return nil }
            var w = s.matrix(w1)
            let eta = s(eta0)
            var sgd: [S] = []
            for (x0, r) in samples {
                let x = s.vector(x0), u = w * x - s.vector(r)
                let grad = mutant == .transposedFactors ? Matrix.outer(x, u) : Matrix.outer(u, x)
                w = mutant == .ascent ? w + eta * grad : w - eta * grad
                sgd += w.elements
            }
            return [.compared("W_2..W_{T+1}", sgd)]
        }
    }

    /// The optimization view of one step: the gradient of `L(W x)` over vec(W) by dual numbers, and
    /// the proximal argmin with `u` from the dual-number derivative of `L` in `y` (no hand-written
    /// `∇_y L`), by exact normal equations. For eq. 3: gradients by dual numbers, then the FTRL
    /// argmin `W_{t+1} = argmin_W ⟨Σ_{s≤t} ∇L(W_s; x_s), W⟩ + ‖W − W_1‖²/(2η)` from `W_1`.
    func optimization<S: Scalar>(_ input: Input, _ s: Lift<S>) -> [Quantity<S>] {
        switch input.kind {
        case let .step(w0, x0, eta0, target, cubic):
            let (w, x, etad) = (s.matrix(w0, "W"), s.vector(x0, "x"), Support.dual(s.scalar(eta0, "eta")))
            let loss = Self.loss(s.vector(target, cubic ? "c" : "t"), cubic: cubic)
            let xd = Support.dual(x)
            let grad = Support.gradient(at: w) { theta in loss.value(theta * xd, lift: { Dual(constant: $0) }) }
            let y = w * x
            let yObjective = Objective<S>(dimension: y.count) { yy in loss.value(Vector(yy), lift: { Dual(constant: $0) }) }
            let ud = Support.dual(Vector(yObjective.gradient(at: y.elements)))
            let prox = Support.argmin(around: w) { theta in
                (theta * xd).dot(ud) + Support.squaredDistance(theta, w) / (Dual(2) * etad)
            }
            return [.compared("grad_W L", grad.elements), .compared("W_{t+1}", prox.elements)]
        case let .ftrl(w1Stored, samples, eta):
            let w1 = s.matrix(w1Stored)
            var current = w1, total = Matrix<S>.zeros(w1.rows, w1.cols)
            var ftrl: [S] = []
            let etad = Support.dual(s(eta))
            for (x, r) in samples {
                let xd = Support.dual(s.vector(x)), rd = Support.dual(s.vector(r))
                total = total + Support.gradient(at: current) { m in Dual(1) / Dual(2) * (m * xd - rd).squaredNorm }
                let sum = Support.dual(total)
                current = Support.argmin(around: w1) { m in m.frobenius(sum) + Support.squaredDistance(m, w1) / (Dual(2) * etad) }
                ftrl += current.elements
            }
            return [.compared("W_2..W_{T+1}: SGD vs FTRL argmin (eq. 3)", ftrl)]
        }
    }

    func workedExample() -> String {
        let w = Matrix<Rational>([[Rational(1), Rational(1, 2), Rational(0)], [Rational(-1, 4), Rational(1), Rational(2)]])
        let x = Vector<Rational>([Rational(1), Rational(-2), Rational(1, 2)])
        let target = Vector<Rational>([Rational(1, 2), Rational(1)])
        let eta = Rational(1, 4)
        let loss = Loss<Rational>.squaredError(target: target)
        let y = w * x
        let u = loss.outputGradient(y)
        let g = Matrix.outer(u, x)
        let step = w - eta * g
        let xd = Support.dual(x), ud = Support.dual(u), etad = Support.dual(eta)
        let gradDual = Support.gradient(at: w) { theta in loss.value(theta * xd, lift: { Dual(constant: $0) }) }
        let prox = Support.argmin(around: w) { theta in
            (theta * xd).dot(ud) + Support.squaredDistance(theta, w) / (Dual(2) * etad)
        }
        return [
            "Loss L(y) = 1/2 ||y - t||^2, so the local surprise is u = grad_y L = y - t.",
            Show.m("W_t", w), Show.v("x", x), Show.v("t", target), Show.s("eta", eta),
            Show.v("y = W_t x", y), Show.v("u = y - t", u),
            "Architecture view (backprop, arXiv eq. 8):",
            Show.m("u x^T", g), Show.m("W_t - eta u x^T", step),
            "Optimization view:",
            Show.m("grad_W L by dual numbers", gradDual),
            Show.m("argmin_W <W x, u> + ||W - W_t||^2/(2 eta) by exact normal equations", prox),
            Show.verdict(gradDual == g && prox == step),
        ].joined(separator: "\n")
    }
}
