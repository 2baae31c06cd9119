import ExactMath
import NestedLearning

/// LA-DGD: the proximal step `argmin_W ½‖W x − u‖² + ‖W − W_t‖²/(2η)` equals
/// `W_t(I − η' x xᵀ) + η' u xᵀ` with `η' = η/(1 + η‖x‖²)` (arXiv eq. 56–57, App. C 112–121).
struct LaDgdClaim: ViewClaim {
    let id = "LA-DGD"
    let statement = "argmin_W 1/2||W x - u||^2 + ||W - W_t||^2/(2 eta) = W_t(I - eta' x x^T) + eta' u x^T with eta' = eta/(1 + " +
                    "eta||x||^2); with the App. C weight (eta/2)||W - W_t||^2 the step is alpha = 1/(||x||^2 + eta)."
    let references = PaperReference(arxiv: ["56", "57", "112", "113", "114", "117", "121"], neurips: ["27", "28", "29"])
    let conventions = [Convention(Conventions.DGDStepSize.keyNormAware)]
    let symbolic = SymbolicStatus.sizes("(d_out, d_in) = (2, 2) and (1, 3); every entry of W_t, x, u and eta variables. On symbols " +
                                        "the argmin is certified by stationarity: the gradient of the objective (by dual numbers) " +
                                        "vanishes identically at the closed form, and the objective is strictly convex for eta > 0, " +
                                        "so the closed form is its minimiser (a rational identity: eta' has the denominator 1 + " +
                                        "eta||x||^2)")

    enum Mutant: String, ClaimMutant {
        case unitNorm = "eta-over-1-plus-eta"
        case explicit = "explicit-step"

        var summary: String {
            switch self {
            case .unitNorm: "eta' = eta/(1 + eta) as printed in arXiv eq. 57, exact only when ||x|| = 1 (A5)."
            case .explicit: "The explicit GD step on 1/2||W x - u||^2 (eta' = eta), i.e. the delta rule mistaken for the proximal step."
            }
        }

        var erratum: Erratum? {
            guard self == .unitNorm else { return nil }
            return Erratum(.arxiv, "57", printed: "W_{t+1} = W_t(I - eta' x x^T) + eta' u x^T with eta' = eta/(1 + eta)",
                           corrected: "eta' = eta/(1 + eta||x||^2), the argmin of eq. 56 for any ||x||", ambiguity: "A5")
        }
    }

    struct Input: ClaimInput {
        let label: String
        let w: Matrix<Double>, x: Vector<Double>, u: Vector<Double>, eta: Double
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(2, 2), (1, 3)].map { dout, din in
                Input(label: "d_out=\(dout) d_in=\(din)", w: .zeros(dout, din), x: .zeros(din), u: .zeros(dout), eta: 0,
                      variables: ["W", "x", "u", "eta"])
            }
        }
        let exact = domain == .exact
        var out: [Input] = []
        let shapes = exact ? [(3, 4), (2, 2), (4, 3)] : [(48, 64)]
        for seed in 0..<(exact ? 4 : 2) {
            for (dout, din) in shapes {
                var g = Support.exactGenerator(UInt64(6000 + seed * 100 + dout * 10 + din))
                let w = exact ? g.matrix(dout, din) : Support.floatMatrix(&g, dout, din)
                // seed 0 uses a unit-norm dyadic key, where the printed eta/(1+eta) is also right.
                let x: Vector<Double> = exact && seed == 0
                    ? Vector((0..<din).map { din >= 4 ? ($0 < 4 ? ($0 % 2 == 0 ? 0.5 : -0.5) : 0) : ($0 == din - 1 ? -1 : 0) })
                        .withUnitNormIfPossible()
                    : (exact ? g.nonZeroVector(din) : Support.floatVector(&g, din))
                let u = exact ? g.vector(dout) : Support.floatVector(&g, dout)
                let eta = exact ? g.positiveDyadic(numeratorBound: 7, exponent: 2) : 0x1.999999999999ap-3
                out.append(Input(label: "seed=\(seed) d_out=\(dout) d_in=\(din) |x|^2=\(x.squaredNorm)", w: w, x: x, u: u, eta: eta))
            }
        }
        return out
    }

    /// The objective of eq. 56, and App. C's with the proximal weight `(η/2)‖W − W_t‖²`.
    static func objectives<S: Scalar>(w: Matrix<S>, x: Vector<S>, u: Vector<S>, eta: S)
        -> (eq56: @Sendable (Matrix<Dual<S>>) -> Dual<S>, appC: @Sendable (Matrix<Dual<S>>) -> Dual<S>) {
        let xd = Support.dual(x), ud = Support.dual(u), etad = Support.dual(eta)
        return ({ m in Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + Support.squaredDistance(m, w) / (Dual(2) * etad) },
                { m in Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + etad / Dual(2) * Support.squaredDistance(m, w) })
    }

    /// The architecture view: the closed forms of eq. 57 (`η' = η/(1 + η‖x‖²)`) and of App. C
    /// eq. 121 (`α = 1/(‖x‖² + η)`), or a mutant's step size. On symbols, each closed form is
    /// certified instead: the gradient of its objective there, which must vanish.
    func architecture<S: Scalar>(_ input: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (w, x, u, eta) = (s.matrix(input.w, "W"), s.vector(input.x, "x"), s.vector(input.u, "u"), s.scalar(input.eta, "eta"))
        let step: Matrix<S>
        switch mutant {
        case .unitNorm:
            let e = eta / (S.one + eta)
            step = w * (Matrix<S>.identity(x.count) - e * Matrix.outer(x, x)) + e * Matrix.outer(u, x)
        case .explicit: step = w * (Matrix.identity(x.count) - eta * Matrix.outer(x, x)) + eta * Matrix.outer(u, x)
        case nil: step = DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta)
        }
        let chain = 2 * x.count + 8
        guard s.domain != .float else { return [.compared("W_{t+1}", step.elements, chain: chain), .compared("App. C", nil)] }
        var alpha = S(1) / (x.squaredNorm + eta)
        if mutant == .unitNorm { alpha = S(1) / (S(1) + eta) }
        if mutant == .explicit { alpha = S(1) / eta }
        let appC = w * (Matrix.identity(x.count) - alpha * Matrix.outer(x, x)) + alpha * Matrix.outer(u, x)
        guard s.domain == .symbolic else {
            return [.compared("W_{t+1}", step.elements, chain: chain), .compared("W_{t+1} (App. C)", appC.elements)]
        }
        let objectives = Self.objectives(w: w, x: x, u: u, eta: eta)
        return [.compared("stationarity at eq. 57", Support.gradient(at: step, objectives.eq56).elements),
                .compared("stationarity at eq. 121", Support.gradient(at: appC, objectives.appC).elements)]
    }

    /// The optimization view: both proximal argmins by exact normal equations on the objectives
    /// written as code. On symbols, the zero gradient the closed forms must have.
    func optimization<S: Scalar>(_ input: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let (w, x, u, eta) = (s.matrix(input.w, "W"), s.vector(input.x, "x"), s.vector(input.u, "u"), s.scalar(input.eta, "eta"))
        guard s.domain != .symbolic else {
            let zeros = Array(repeating: S(0), count: w.elements.count)
            return [.compared("gradient of the eq. 56 objective at the closed form W_{t+1} (eq. 57)", zeros),
                    .compared("gradient of the App. C objective at its closed form (eq. 121)", zeros)]
        }
        let objectives = Self.objectives(w: w, x: x, u: u, eta: eta)
        return [.compared("W_{t+1} (eq. 56-57)", Support.argmin(around: w, objectives.eq56).elements),
                .compared("W_{t+1} (App. C eq. 121)", Support.argmin(around: w, objectives.appC).elements)]
    }

    func workedExample() -> String {
        let w = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(-1, 2), Rational(1)]])
        let x = Vector([Rational(1), Rational(1)])
        let u = Vector([Rational(1), Rational(2)])
        let eta = Rational(1, 2)
        let closed = DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta)
        let printed = architecture(Input(label: "", w: w.map(\.roundedDouble), x: x.map(\.roundedDouble), u: u.map(\.roundedDouble),
                                         eta: eta.roundedDouble), Lift.exact(), .unitNorm)![0].values!
        let xd = Support.dual(x), ud = Support.dual(u), etad = Support.dual(eta)
        let prox = Support.argmin(around: w) { m in
            Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + Support.squaredDistance(m, w) / (Dual(2) * etad)
        }
        return [
            "||x||^2 = 2, so eta' = eta/(1 + 2 eta) = \(DeltaGradientDescent.effectiveStep(learningRate: eta, input: x)), not eta/(1 " +
            "+ eta) = \(eta / (Rational(1) + eta)).",
            Show.m("W_t", w), Show.v("x", x), Show.v("u", u), Show.s("eta", eta),
            "Optimization view: argmin 1/2||W x - u||^2 + ||W - W_t||^2/(2 eta) by exact normal equations:",
            Show.m("W*", prox),
            "Closed form W_t(I - eta' x x^T) + eta' u x^T:", Show.m("W_{t+1}", closed),
            Show.verdict(prox == closed),
            "The printed eta/(1 + eta) gives a different matrix:", Show.m("W_printed", Matrix(rows: 2, cols: 2, elements: printed)),
        ].joined(separator: "\n")
    }
}

extension Vector where S == Double {
    /// This vector if its squared norm is one; used to build unit-norm dyadic keys.
    func withUnitNormIfPossible() -> Vector<Double> {
        precondition(squaredNorm == 1, "expected a unit-norm key, got ||x||^2 = \(squaredNorm)")
        return self
    }
}
