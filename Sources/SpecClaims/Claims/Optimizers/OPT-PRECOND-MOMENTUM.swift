import ExactMath
import NestedLearning

/// OPT-PRECOND-MOMENTUM: preconditioned momentum `α m − η P g` (arXiv eq. 47) is one GD step on
/// the association objective `⟨m gᵀ, P⟩ + (1 − α)/(2η)‖m‖²` (arXiv eq. 46 with retention).
struct OptPrecondMomentumClaim: ViewClaim {
    let id = "OPT-PRECOND-MOMENTUM"
    let statement = "Preconditioned momentum m_{i+1} = alpha m_i - eta P g (arXiv eq. 47) is one GD step of size eta on <m g^T, P>_F " +
                    "+ (1 - alpha)/(2 eta)||m||^2, since <m g^T, P>_F = <m, P g>_F."
    let references = PaperReference(arxiv: ["46", "47"], neurips: ["19", "20"])
    let conventions = [Convention(Conventions.MomentumSign.arxiv)]
    let symbolic = SymbolicStatus.sizes("d = 3, n = 2, T = 3; every entry of m_0, g_t, P_t and alpha, eta variables")

    enum Mutant: String, ClaimMutant {
        case transposed = "transposed-preconditioner"
        case ascent = "ascent"

        var summary: String {
            switch self {
            case .transposed: "alpha m - eta P^T g: the gradient of <m g^T, P> read as P^T g; right only for symmetric P."
            case .ascent: "alpha m + eta P g: a step up the association objective."
            }
        }
    }

    typealias Input = MomentumMemory.Input

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return [MomentumMemory.symbolic(d: 3, n: 2, steps: 3)] }
        let exact = domain == .exact
        return MomentumMemory.inputs(exact: exact, shapes: exact ? [(3, 2), (2, 2), (2, 4)] : [(8, 6)],
                                     settings: exact ? [(1, 0.25), (0.5, 0.5), (0, 0.125)] : [(0.875, 0.25)], seed: 9500)
    }

    /// The architecture view: eq. 47, or a mutant, gradient after gradient.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let momenta = MomentumMemory.run(MomentumMemory.lift(x, s)) { m, g, p, alpha, eta in
            switch mutant {
            case .transposed: alpha * m - eta * (p.transposed * g)
            case .ascent: alpha * m + eta * (p * g)
            case nil: PreconditionedMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
            }
        }
        return [.compared("m_1..m_T", momenta.flatMap(\.elements), chain: x.gradients.count * (x.m0.rows + 4))]
    }

    /// GD on `⟨m gᵀ, P⟩_F + (1 − α)/(2η)‖m‖²`, written with `m gᵀ` as code (not with the trace
    /// identity), gradient by dual numbers.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let steps = MomentumMemory.gradientSteps(MomentumMemory.lift(x, s)) { m, g, p in
            zip((m * g.transposed).elements, p.elements).reduce(Dual(0)) { $0 + $1.0 * $1.1 }
        }
        return [.compared("m_1..m_T: GD eta on <m g^T, P> + (1-alpha)/(2 eta)||m||^2", steps.flatMap(\.elements))]
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(-1)]])
        let g = Matrix<Rational>([[Rational(1, 2), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(1, 2)]])
        let p = Matrix<Rational>([[Rational(2), Rational(1), Rational(0)], [Rational(0), Rational(1), Rational(0)],
                                  [Rational(0), Rational(0), Rational(1)]])
        let alpha = Rational(3, 4), eta = Rational(1, 2)
        let step = PreconditionedMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
        let input = Input(label: "", m0: m.map { $0.roundedDouble }, gradients: [g.map { $0.roundedDouble }],
                          values: [p.map { $0.roundedDouble }], alpha: 0.75, eta: 0.5)
        let gd = Matrix(rows: m.rows, cols: m.cols, elements: optimization(input, .exact()).first!.values!)
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
