import ExactMath
import NestedLearning

/// OPT-DELTA-MOMENTUM: delta momentum is one GD step on an ℓ2 objective (arXiv eq. 48–49,
/// NeurIPS eq. 21–22): `m(αI − η gᵀg) + η P g` is the step of size `η` on
/// `½‖m gᵀ − P‖² + (1 − α)/(2η)‖m‖²`.
struct DeltaMomentumClaim: SymbolicClaim {
    let id = "OPT-DELTA-MOMENTUM"
    let statement = "Delta momentum m_{i+1} = m_i(alpha I - eta g^T g) + eta P g is one GD step of size eta on 1/2||m g^T - P||^2 + (1 - alpha)/(2 eta)||m||^2 (right multiplication; m, g are d x n, P is d x d)."
    let references = PaperReference(arxiv: ["48", "49"], neurips: ["21", "22"])
    let conventions = ["MomentumSign.arxiv", "decay on the right, m(alpha I - eta g^T g)"]
    static let leftMultiplied = "OPT-DELTA-MOMENTUM/neurips-left-multiplied"
    static let eraseWithoutEta = "OPT-DELTA-MOMENTUM/erase-without-eta"
    let mutants = [
        Mutant(id: leftMultiplied, summary: "(alpha I - eta g^T g) m + eta P g, the side NeurIPS eq. 22 prints; defined only for square weights, where it passes type checks."),
        Mutant(id: eraseWithoutEta, summary: "m(alpha I - g^T g) + eta P g: the gradient-dependent decay without the step size, as arXiv eq. 49 prints it."),
    ]

    typealias Input = MomentumMemory.Input

    func inputs(exact: Bool) -> [Input] {
        MomentumMemory.inputs(exact: exact, shapes: exact ? [(3, 2), (2, 2), (2, 3)] : [(8, 6), (6, 6)],
                              settings: exact ? [(1, 0.25), (0.5, 0.5), (0.75, 0.125)] : [(0.875, 0.25)], seed: 9000, floatScale: 0.25)
    }

    func momenta<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> [Matrix<S>]? {
        Self.momenta(MomentumMemory.lift(input, S.self), mutant: mutant)
    }

    static func momenta<S: Scalar>(_ run: MomentumMemory.Sequence<S>, mutant: String?) -> [Matrix<S>]? {
        if mutant == leftMultiplied && run.m0.rows != run.m0.cols { return nil }
        return MomentumMemory.run(run) { m, g, p, alpha, eta in
            switch mutant {
            case leftMultiplied: return (alpha * Matrix<S>.identity(g.cols) - eta * (g.transposed * g)) * m + eta * (p * g)
            case eraseWithoutEta: return m * (alpha * Matrix<S>.identity(g.cols) - g.transposed * g) + eta * (p * g)
            default: return DeltaMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
            }
        }
    }

    /// GD on `½‖m gᵀ − P‖² + (1 − α)/(2η)‖m‖²`, gradient by dual numbers.
    static func gradientSteps<S: Scalar>(_ run: MomentumMemory.Sequence<S>) -> [Matrix<S>] {
        MomentumMemory.gradientSteps(run) { m, g, p in
            Dual(1) / Dual(2) * (m * g.transposed - p).elements.reduce(Dual(0)) { $0 + $1 * $1 }
        }
    }

    static let quantity = "m_1..m_T: GD eta on 1/2||m g^T - P||^2 + (1-alpha)/(2 eta)||m||^2"

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).map { input in
            guard let arch = momenta(input, mutant: mutant, Rational.self) else { return .notApplicable(input.label, "m_1..m_T", tier: .exact) }
            return .exact(input.label, Self.quantity, expected: Self.gradientSteps(MomentumMemory.lift(input, Rational.self)).flatMap(\.elements),
                          actual: arch.flatMap(\.elements))
        }
    }

    let symbolicSizes = "(d, n) = (3, 2) and (2, 2), T = 2; every entry of m_0, g_t, P_t and alpha, eta variables"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        [(3, 2), (2, 2)].map { d, n in
            let run = MomentumMemory.symbolic(d: d, n: n, steps: 2)
            guard let arch = Self.momenta(run, mutant: mutant) else { return .notApplicable("d=\(d) n=\(n) T=2", "m_1..m_T") }
            return .compare("d=\(d) n=\(n) T=2", Self.quantity, expected: Self.gradientSteps(run).flatMap(\.elements), actual: arch.flatMap(\.elements))
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            guard let c = momenta(input, mutant: mutant, Double.self) else { return .notApplicable(input.label, "m_1..m_T", tier: .float) }
            let e = momenta(input, mutant: nil, Rational.self)!
            let (d, n) = (input.m0.rows, input.m0.cols)
            return .float(input.label, "m_1..m_T", exact: e.flatMap(\.elements), computed: c.flatMap(\.elements),
                          bound: Support.bound(chain: input.gradients.count * (2 * d + n + 6)))
        }
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(-1)]])
        let g = Matrix<Rational>([[Rational(1, 2), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(1, 2)]])
        let p = Matrix<Rational>([[Rational(1), Rational(0), Rational(0)], [Rational(0), Rational(0), Rational(1)], [Rational(0), Rational(1), Rational(0)]])
        let alpha = Rational(1, 2), eta = Rational(1, 4)
        let step = DeltaMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
        let input = Input(label: "", m0: m.map { $0.roundedDouble }, gradients: [g.map { $0.roundedDouble }],
                          values: [p.map { $0.roundedDouble }], alpha: 0.5, eta: 0.25)
        let gd = Self.gradientSteps(MomentumMemory.lift(input, Rational.self))[0]
        return [
            "m and g are 3x2 (the weight's shape), P is 3x3; alpha = 1/2, eta = 1/4.",
            Show.m("m_i", m), Show.m("g", g), Show.m("P", p),
            Show.m("alpha I - eta g^T g", alpha * Matrix.identity(2) - eta * (g.transposed * g)),
            "Architecture view, m(alpha I - eta g^T g) + eta P g:", Show.m("m_{i+1}", step),
            "Optimization view: one GD step of size eta on 1/2||m g^T - P||^2 + (1 - alpha)/(2 eta)||m||^2, gradient by dual numbers:",
            Show.m("m_{i+1}", gd), Show.verdict(gd == step),
            "The left-multiplied form (alpha I - eta g^T g) m is not defined here (2x2 times 3x2).",
        ].joined(separator: "\n")
    }
}
