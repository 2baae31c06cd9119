import ExactMath
import NestedLearning

/// OPT-PRECOND-MOMENTUM: preconditioned momentum `α m − η P g` (arXiv eq. 47) is one GD step on
/// the association objective `⟨m gᵀ, P⟩ + (1 − α)/(2η)‖m‖²` (arXiv eq. 46 with retention).
struct PreconditionedMomentumClaim: Claim {
    let id = "OPT-PRECOND-MOMENTUM"
    let statement = "Preconditioned momentum m_{i+1} = alpha m_i - eta P g (arXiv eq. 47) is one GD step of size eta on <m g^T, P>_F + (1 - alpha)/(2 eta)||m||^2, since <m g^T, P>_F = <m, P g>_F."
    let references = PaperReference(arxiv: ["46", "47"], neurips: ["19", "20"])
    let conventions = ["MomentumSign.arxiv"]
    static let transposed = "OPT-PRECOND-MOMENTUM/transposed-preconditioner"
    static let ascent = "OPT-PRECOND-MOMENTUM/ascent"
    let mutants = [
        Mutant(id: transposed, summary: "alpha m - eta P^T g: the gradient of <m g^T, P> read as P^T g; right only for symmetric P."),
        Mutant(id: ascent, summary: "alpha m + eta P g: a step up the association objective."),
    ]

    struct Input {
        let label: String
        let m0: Matrix<Double>
        let gradients: [Matrix<Double>], values: [Matrix<Double>]
        let alpha: Double, eta: Double
    }

    func inputs(exact: Bool) -> [Input] {
        let shapes = exact ? [(3, 2), (2, 2), (2, 4)] : [(8, 6)]
        let settings: [(Double, Double)] = exact ? [(1, 0.25), (0.5, 0.5), (0, 0.125)] : [(0.875, 0.25)]
        var out: [Input] = []
        for (i, (alpha, eta)) in settings.enumerated() {
            for (d, n) in shapes {
                var g = Support.exactGenerator(UInt64(9500 + i * 100 + d * 10 + n))
                let steps = exact ? 3 : 12
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> {
                    exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c)
                }
                // Values P are not symmetric, so P and Pᵀ differ.
                out.append(Input(label: "d=\(d) n=\(n) alpha=\(alpha) eta=\(eta) T=\(steps)", m0: mat(d, n),
                                 gradients: (0..<steps).map { _ in mat(d, n) }, values: (0..<steps).map { _ in mat(d, d) },
                                 alpha: alpha, eta: eta))
            }
        }
        return out
    }

    func momenta<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> [Matrix<S>] {
        let alpha = S(dyadic: input.alpha), eta = S(dyadic: input.eta)
        var m = input.m0.lifted(to: S.self)
        return zip(input.gradients, input.values).map { gd, pd in
            let g = gd.lifted(to: S.self), p = pd.lifted(to: S.self)
            switch mutant {
            case Self.transposed: m = alpha * m - eta * (p.transposed * g)
            case Self.ascent: m = alpha * m + eta * (p * g)
            default: m = PreconditionedMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
            }
            return m
        }
    }

    /// GD on `⟨m gᵀ, P⟩_F + (1 − α)/(2η)‖m‖²`, written with `m gᵀ` as code (not with the trace
    /// identity), gradient by dual numbers.
    static func gradientSteps(_ input: Input) -> [Matrix<Rational>] {
        let (rows, cols) = (input.m0.rows, input.m0.cols)
        let eta = Rational(dyadic: input.eta), retention = (Rational(1) - Rational(dyadic: input.alpha)) / (Rational(2) * eta)
        var theta = input.m0.lifted(to: Rational.self).elements
        return zip(input.gradients, input.values).map { gd, pd in
            let g = Support.dual(gd.lifted(to: Rational.self)), p = Support.dual(pd.lifted(to: Rational.self))
            let r = Dual(constant: retention)
            let objective = Objective<Rational>(dimension: rows * cols) { th in
                let association = Matrix(rows: rows, cols: cols, elements: th) * g.transposed
                let inner = zip(association.elements, p.elements).reduce(Dual(0)) { $0 + $1.0 * $1.1 }
                return inner + r * th.reduce(Dual(0)) { $0 + $1 * $1 }
            }
            theta = objective.gradientStep(from: theta, learningRate: eta)
            return Matrix(rows: rows, cols: cols, elements: theta)
        }
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).map { input in
            .exact(input.label, "m_1..m_T: GD eta on <m g^T, P> + (1-alpha)/(2 eta)||m||^2",
                   expected: Self.gradientSteps(input).flatMap(\.elements), actual: momenta(input, mutant: mutant, Rational.self).flatMap(\.elements))
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            .float(input.label, "m_1..m_T", exact: momenta(input, mutant: nil, Rational.self).flatMap(\.elements),
                   computed: momenta(input, mutant: mutant, Double.self).flatMap(\.elements),
                   bound: Support.bound(chain: input.gradients.count * (input.m0.rows + 4)))
        }
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(-1)]])
        let g = Matrix<Rational>([[Rational(1, 2), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(1, 2)]])
        let p = Matrix<Rational>([[Rational(2), Rational(1), Rational(0)], [Rational(0), Rational(1), Rational(0)], [Rational(0), Rational(0), Rational(1)]])
        let alpha = Rational(3, 4), eta = Rational(1, 2)
        let step = PreconditionedMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
        let input = Input(label: "", m0: m.map { $0.roundedDouble }, gradients: [g.map { $0.roundedDouble }],
                          values: [p.map { $0.roundedDouble }], alpha: 0.75, eta: 0.5)
        let gd = Self.gradientSteps(input)[0]
        let mg = m * g.transposed
        let traceLeft = zip(mg.elements, p.elements).reduce(Rational(0)) { $0 + $1.0 * $1.1 }
        let traceRight = zip(m.elements, (p * g).elements).reduce(Rational(0)) { $0 + $1.0 * $1.1 }
        return [
            "m and g are 3x2, P is 3x3 and not symmetric; alpha = 3/4, eta = 1/2.",
            Show.m("m_i", m), Show.m("g", g), Show.m("P", p),
            Show.s("<m g^T, P>_F", traceLeft), Show.s("<m, P g>_F", traceRight),
            "Architecture view, eq. 47, alpha m - eta P g:", Show.m("m_{i+1}", step),
            "Optimization view: one GD step of size eta on <m g^T, P> + (1 - alpha)/(2 eta)||m||^2, gradient by dual numbers:",
            Show.m("m_{i+1}", gd), Show.verdict(gd == step),
            "With P^T in place of P the step differs:", Show.m("alpha m - eta P^T g", alpha * m - eta * (p.transposed * g)),
        ].joined(separator: "\n")
    }
}
