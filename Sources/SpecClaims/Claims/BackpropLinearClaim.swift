import ExactMath
import NestedLearning

/// BP-LINEAR: for `y = W x`, `∇_W L = (∇_y L) xᵀ`, and the gradient step is the proximal
/// associative-memory update `argmin_W ⟨W x, u⟩ + ‖W − W_t‖²/(2η)` (arXiv eq. 1–3, 7–9;
/// NeurIPS eq. 2–6).
struct BackpropLinearClaim: SymbolicClaim {
    let id = "BP-LINEAR"
    let statement = "For y = W x, grad_W L = (grad_y L) x^T, and the GD step equals argmin_W <W x, u> + ||W - W_t||^2/(2 eta) with u = grad_y L (a memory from inputs to their local surprise); with constant eta the SGD trajectory equals the FTRL argmin of eq. 3."
    let references = PaperReference(arxiv: ["1", "2", "3", "7", "8", "9"], neurips: ["2", "3", "4", "5", "6"])
    let conventions = ["NestedSystemSign.descent"]
    static let ascent = "BP-LINEAR/ascent-as-printed"
    static let transposedFactors = "BP-LINEAR/key-value-swapped"
    let mutants = [
        Mutant(id: ascent, summary: "Definition 3 read literally (<Phi x, -grad L>): W + eta u x^T, gradient ascent (A1)."),
        Mutant(id: transposedFactors, summary: "Key and value swapped in the outer product: W - eta x u^T (only shape-valid on square layers, where it goes unnoticed)."),
    ]

    struct Input {
        let label: String
        let w: Matrix<Double>, x: Vector<Double>, eta: Double
        let loss: Loss<Double>
    }

    func inputs(exact: Bool) -> [Input] {
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
                    let loss: Loss<Double> = cubic ? .cubic(weights: t) : .squaredError(target: t)
                    out.append(Input(label: "seed=\(seed) d_out=\(dout) d_in=\(din) loss=\(cubic ? "cubic" : "quadratic")",
                                     w: w, x: x, eta: eta, loss: loss))
                }
            }
        }
        return out
    }

    /// The architecture view: hand-written `u = ∇_y L`, `G = u xᵀ`, `W − η G`.
    func architecture<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> (gradient: Matrix<S>, step: Matrix<S>)? {
        Self.architecture(w: input.w.lifted(to: S.self), x: input.x.lifted(to: S.self), eta: S(dyadic: input.eta),
                          loss: lift(input.loss, to: S.self), mutant: mutant)
    }

    static func architecture<S: Scalar>(w: Matrix<S>, x: Vector<S>, eta: S, loss: Loss<S>, mutant: String?) -> (gradient: Matrix<S>, step: Matrix<S>)? {
        let layer = LinearLayer(weight: w)
        let u = loss.outputGradient(layer(x))
        var g = LinearLayer<S>.weightGradient(localSurprise: u, input: x)
        if mutant == transposedFactors {
            guard w.rows == w.cols else { return nil }
            g = Matrix.outer(x, u)
        }
        let step = mutant == ascent ? w + eta * g : w - eta * g
        return (g, step)
    }

    func lift<S: Scalar>(_ loss: Loss<Double>, to: S.Type) -> Loss<S> {
        switch loss {
        case .squaredError(let t): return .squaredError(target: t.lifted())
        case .cubic(let c): return .cubic(weights: c.lifted())
        }
    }

    /// Both views of one step: the gradient of `L(W x)` over vec(W) by dual numbers, and the
    /// proximal argmin with `u` from the dual-number derivative of `L` in `y` (no hand-written
    /// `∇_y L`), by exact normal equations.
    static func compare<S: Scalar, E>(w: Matrix<S>, x: Vector<S>, eta: S, loss: Loss<S>, mutant: String?,
                                      _ evidence: (String, [S], [S]) -> E, notApplicable: () -> E) -> [E] {
        guard let arch = architecture(w: w, x: x, eta: eta, loss: loss, mutant: mutant) else { return [notApplicable()] }
        let xd = Support.dual(x)
        let grad = Support.gradient(at: w) { theta in loss.value(theta * xd, lift: { Dual(constant: $0) }) }
        let y = w * x
        let yObjective = Objective<S>(dimension: y.count) { yy in loss.value(Vector(yy), lift: { Dual(constant: $0) }) }
        let u = Vector(yObjective.gradient(at: y.elements))
        let ud = Support.dual(u), etad = Support.dual(eta)
        let prox = Support.argmin(around: w) { theta in
            (theta * xd).dot(ud) + Support.squaredDistance(theta, w) / (Dual(2) * etad)
        }
        return [evidence("grad_W L", grad.elements, arch.gradient.elements), evidence("W_{t+1}", prox.elements, arch.step.elements)]
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).flatMap { input -> [CaseEvidence] in
            Self.compare(w: input.w.lifted(to: Rational.self), x: input.x.lifted(), eta: Rational(dyadic: input.eta),
                         loss: lift(input.loss, to: Rational.self), mutant: mutant,
                         { quantity, e, a in CaseEvidence.exact(input.label, quantity, expected: e, actual: a) },
                         notApplicable: { .notApplicable(input.label, "grad_W L", tier: .exact) })
        } + ftrlCases(mutant: mutant)
    }

    let symbolicSizes = "(d_out, d_in) = (2, 3) and (2, 2), both losses (squared error and the cubic); every entry of W, x, the target or weights, and eta variables"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        [(2, 3), (2, 2)].flatMap { dout, din in
            [false, true].flatMap { cubic -> [SymbolicEvidence] in
                let t = Symbols.vector(cubic ? "c" : "t", dout)
                let label = "d_out=\(dout) d_in=\(din) loss=\(cubic ? "cubic" : "quadratic")"
                return Self.compare(w: Symbols.matrix("W", dout, din), x: Symbols.vector("x", din), eta: Symbols.scalar("eta"),
                                    loss: cubic ? .cubic(weights: t) : .squaredError(target: t), mutant: mutant,
                                    { quantity, e, a in SymbolicEvidence.compare(label, quantity, expected: e, actual: a) },
                                    notApplicable: { .notApplicable(label, "grad_W L") })
            }
        }
    }

    /// arXiv eq. 3: with constant η, the SGD trajectory is the follow-the-regularized-leader
    /// argmin `W_{t+1} = argmin_W ⟨Σ_{s≤t} ∇L(W_s; x_s), W⟩ + ‖W − W_1‖²/(2η)`.
    func ftrlCases(mutant: String?) -> [CaseEvidence] {
        (0..<3).map { seed -> CaseEvidence in
            let (dout, din) = seed == 2 ? (3, 3) : (3, 4)
            var g = Support.exactGenerator(UInt64(500 + seed))
            let w1 = g.matrix(dout, din).lifted(to: Rational.self)
            let samples = (0..<5).map { _ in (g.vector(din, numeratorBound: 3).lifted(to: Rational.self), g.vector(dout).lifted(to: Rational.self)) }
            let eta = Rational(1, 4)
            let label = "FTRL seed=\(seed) d_out=\(dout) d_in=\(din) T=5"
            if mutant == Self.transposedFactors && dout != din { return .notApplicable(label, "W_2..W_{T+1}", tier: .exact) }
            // Architecture view: SGD with the hand-written outer-product gradient.
            var w = w1
            var sgd: [Rational] = []
            for (x, r) in samples {
                let u = w * x - r
                let grad = mutant == Self.transposedFactors ? Matrix.outer(x, u) : Matrix.outer(u, x)
                w = mutant == Self.ascent ? w + eta * grad : w - eta * grad
                sgd += w.elements
            }
            // Optimization view: gradients by dual numbers, then the FTRL argmin from W_1.
            var current = w1, total = Matrix<Rational>.zeros(dout, din)
            var ftrl: [Rational] = []
            let etad = Support.dual(eta)
            for (x, r) in samples {
                let xd = Support.dual(x), rd = Support.dual(r)
                total = total + Support.gradient(at: current) { m in Dual(1) / Dual(2) * (m * xd - rd).squaredNorm }
                let sum = Support.dual(total)
                current = Support.argmin(around: w1) { m in m.frobenius(sum) + Support.squaredDistance(m, w1) / (Dual(2) * etad) }
                ftrl += current.elements
            }
            return .exact(label, "W_2..W_{T+1}: SGD vs FTRL argmin (eq. 3)", expected: ftrl, actual: sgd)
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).flatMap { input -> [CaseEvidence] in
            guard let computed = architecture(input, mutant: mutant, Double.self) else {
                return [.notApplicable(input.label, "grad_W L", tier: .float)]
            }
            let exact = architecture(input, mutant: nil, Rational.self)!
            let n = input.w.cols + 4
            return [
                .float(input.label, "grad_W L", exact: exact.gradient.elements, computed: computed.gradient.elements, bound: Support.bound(chain: n)),
                .float(input.label, "W_{t+1}", exact: exact.step.elements, computed: computed.step.elements, bound: Support.bound(chain: n + 2)),
            ]
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
