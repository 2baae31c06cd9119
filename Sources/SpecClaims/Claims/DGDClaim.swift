import ExactMath
import NestedLearning

/// LA-DGD: the proximal step `argmin_W ½‖W x − u‖² + ‖W − W_t‖²/(2η)` equals
/// `W_t(I − η' x xᵀ) + η' u xᵀ` with `η' = η/(1 + η‖x‖²)` (arXiv eq. 56–57, App. C 112–121).
struct DGDClaim: SymbolicClaim {
    let id = "LA-DGD"
    let statement = "argmin_W 1/2||W x - u||^2 + ||W - W_t||^2/(2 eta) = W_t(I - eta' x x^T) + eta' u x^T with eta' = eta/(1 + eta||x||^2); with the App. C weight (eta/2)||W - W_t||^2 the step is alpha = 1/(||x||^2 + eta)."
    let references = PaperReference(arxiv: ["56", "57", "112", "113", "114", "117", "121"], neurips: ["27", "28", "29"])
    let conventions = ["DGDStepSize.keyNormAware"]
    static let unitNorm = "LA-DGD/eta-over-1-plus-eta"
    static let explicit = "LA-DGD/explicit-step"
    let mutants = [
        Mutant(id: unitNorm, summary: "eta' = eta/(1 + eta) as printed in arXiv eq. 57, exact only when ||x|| = 1 (A5)."),
        Mutant(id: explicit, summary: "The explicit GD step on 1/2||W x - u||^2 (eta' = eta), i.e. the delta rule mistaken for the proximal step."),
    ]

    struct Input {
        let label: String
        let w: Matrix<Double>, x: Vector<Double>, u: Vector<Double>, eta: Double
    }

    func inputs(exact: Bool) -> [Input] {
        var out: [Input] = []
        let shapes = exact ? [(3, 4), (2, 2), (4, 3)] : [(48, 64)]
        for seed in 0..<(exact ? 4 : 2) {
            for (dout, din) in shapes {
                var g = Support.exactGenerator(UInt64(6000 + seed * 100 + dout * 10 + din))
                let w = exact ? g.matrix(dout, din) : Support.floatMatrix(&g, dout, din)
                // seed 0 uses a unit-norm dyadic key, where the printed eta/(1+eta) is also right.
                let x: Vector<Double> = exact && seed == 0
                    ? Vector((0..<din).map { din >= 4 ? ($0 < 4 ? ($0 % 2 == 0 ? 0.5 : -0.5) : 0) : ($0 == din - 1 ? -1 : 0) }).withUnitNormIfPossible()
                    : (exact ? g.nonZeroVector(din) : Support.floatVector(&g, din))
                let u = exact ? g.vector(dout) : Support.floatVector(&g, dout)
                let eta = exact ? g.positiveDyadic(numeratorBound: 7, exponent: 2) : 0x1.999999999999ap-3
                out.append(Input(label: "seed=\(seed) d_out=\(dout) d_in=\(din) |x|^2=\(x.squaredNorm)", w: w, x: x, u: u, eta: eta))
            }
        }
        return out
    }

    func architecture<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> Matrix<S> {
        Self.architecture(w: input.w.lifted(to: S.self), x: input.x.lifted(to: S.self), u: input.u.lifted(to: S.self), eta: S(dyadic: input.eta), mutant: mutant)
    }

    static func architecture<S: Scalar>(w: Matrix<S>, x: Vector<S>, u: Vector<S>, eta: S, mutant: String?) -> Matrix<S> {
        switch mutant {
        case unitNorm: return DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta, convention: .unitNormAsPrinted)
        case explicit: return w * (Matrix.identity(x.count) - eta * Matrix.outer(x, x)) + eta * Matrix.outer(u, x)
        default: return DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta)
        }
    }

    /// Both comparisons: the closed form (or a mutant) against the proximal argmin by exact normal
    /// equations; App. C's closed form against its own argmin.
    static func compare<S: Scalar, E>(w: Matrix<S>, x: Vector<S>, u: Vector<S>, eta: S, mutant: String?, _ evidence: (String, [S], [S]) -> E) -> [E] {
        let xd = Support.dual(x), ud = Support.dual(u), etad = Support.dual(eta)
        let prox = Support.argmin(around: w) { m in
            Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + Support.squaredDistance(m, w) / (Dual(2) * etad)
        }
        // App. C's convention: proximal weight (η/2)‖W − W_t‖², closed form α = 1/(‖x‖² + η).
        let appC = Support.argmin(around: w) { m in
            Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + etad / Dual(2) * Support.squaredDistance(m, w)
        }
        var alpha = S(1) / (x.squaredNorm + eta)
        if mutant == unitNorm { alpha = S(1) / (S(1) + eta) }
        if mutant == explicit { alpha = S(1) / eta }
        let appCClosed = w * (Matrix.identity(x.count) - alpha * Matrix.outer(x, x)) + alpha * Matrix.outer(u, x)
        return [
            evidence("W_{t+1} (eq. 56-57)", prox.elements, architecture(w: w, x: x, u: u, eta: eta, mutant: mutant).elements),
            evidence("W_{t+1} (App. C eq. 121)", appC.elements, appCClosed.elements),
        ]
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).flatMap { input -> [CaseEvidence] in
            Self.compare(w: input.w.lifted(to: Rational.self), x: input.x.lifted(), u: input.u.lifted(), eta: Rational(dyadic: input.eta),
                         mutant: mutant) { quantity, e, a in CaseEvidence.exact(input.label, quantity, expected: e, actual: a) }
        }
    }

    let symbolicSizes = "(d_out, d_in) = (2, 2) and (1, 3); every entry of W_t, x, u and eta variables. On symbols the argmin is certified by stationarity: the gradient of the objective (by dual numbers) vanishes identically at the closed form, and the objective is strictly convex for eta > 0, so the closed form is its minimiser (a rational identity: eta' has the denominator 1 + eta||x||^2)"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        typealias F = RationalFunction
        return [(2, 2), (1, 3)].flatMap { dout, din -> [SymbolicEvidence] in
            let (w, x, u, eta) = (Symbols.matrix("W", dout, din), Symbols.vector("x", din), Symbols.vector("u", dout), Symbols.scalar("eta"))
            let (xd, ud, etad) = (Support.dual(x), Support.dual(u), Support.dual(eta))
            let label = "d_out=\(dout) d_in=\(din)"
            let closed = Self.architecture(w: w, x: x, u: u, eta: eta, mutant: mutant)
            let stationarity = Support.gradient(at: closed) { m in
                Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + Support.squaredDistance(m, w) / (Dual(2) * etad)
            }
            var alpha = F(1) / (x.squaredNorm + eta)
            if mutant == Self.unitNorm { alpha = F(1) / (F(1) + eta) }
            if mutant == Self.explicit { alpha = F(1) / eta }
            let appCClosed = w * (Matrix.identity(din) - alpha * Matrix.outer(x, x)) + alpha * Matrix.outer(u, x)
            let appC = Support.gradient(at: appCClosed) { m in
                Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + etad / Dual(2) * Support.squaredDistance(m, w)
            }
            let zeros = Array(repeating: F(0), count: dout * din)
            return [.compare(label, "gradient of the eq. 56 objective at the closed form W_{t+1} (eq. 57)", expected: zeros, actual: stationarity.elements),
                    .compare(label, "gradient of the App. C objective at its closed form (eq. 121)", expected: zeros, actual: appC.elements)]
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            .float(input.label, "W_{t+1}", exact: architecture(input, mutant: nil, Rational.self).elements,
                   computed: architecture(input, mutant: mutant, Double.self).elements, bound: Support.bound(chain: 2 * input.x.count + 8))
        }
    }

    func workedExample() -> String {
        let w = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(-1, 2), Rational(1)]])
        let x = Vector([Rational(1), Rational(1)])
        let u = Vector([Rational(1), Rational(2)])
        let eta = Rational(1, 2)
        let closed = DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta)
        let printed = DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta, convention: .unitNormAsPrinted)
        let xd = Support.dual(x), ud = Support.dual(u), etad = Support.dual(eta)
        let prox = Support.argmin(around: w) { m in
            Dual(1) / Dual(2) * (m * xd - ud).squaredNorm + Support.squaredDistance(m, w) / (Dual(2) * etad)
        }
        return [
            "||x||^2 = 2, so eta' = eta/(1 + 2 eta) = \(DeltaGradientDescent.effectiveStep(learningRate: eta, input: x)), not eta/(1 + eta) = \(eta / (Rational(1) + eta)).",
            Show.m("W_t", w), Show.v("x", x), Show.v("u", u), Show.s("eta", eta),
            "Optimization view: argmin 1/2||W x - u||^2 + ||W - W_t||^2/(2 eta) by exact normal equations:",
            Show.m("W*", prox),
            "Closed form W_t(I - eta' x x^T) + eta' u x^T:", Show.m("W_{t+1}", closed),
            Show.verdict(prox == closed),
            "The printed eta/(1 + eta) gives a different matrix:", Show.m("W_printed", printed),
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
