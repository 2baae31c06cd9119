import ExactMath
import NestedLearning

/// OPT-DELTA-MOMENTUM: delta momentum is one GD step on an ℓ2 objective (arXiv eq. 48–49,
/// NeurIPS eq. 21–22): `m(αI − η gᵀg) + η P g` is the step of size `η` on
/// `½‖m gᵀ − P‖² + (1 − α)/(2η)‖m‖²`.
struct OptDeltaMomentumClaim: ViewClaim {
    let id = "OPT-DELTA-MOMENTUM"
    let statement = "Delta momentum m_{i+1} = m_i(alpha I - eta g^T g) + eta P g is one GD step of size eta on 1/2||m g^T - P||^2 + " +
                    "(1 - alpha)/(2 eta)||m||^2 (right multiplication; m, g are d x n, P is d x d)."
    let references = PaperReference(arxiv: ["48", "49"], neurips: ["21", "22"])
    let conventions = [Convention(Conventions.MomentumSign.arxiv), Convention(Conventions.DeltaMomentumDecay.right)]
    let symbolic = SymbolicStatus.sizes("(d, n) = (3, 2) and (2, 2), T = 2; every entry of m_0, g_t, P_t and alpha, eta variables")

    enum Mutant: String, ClaimMutant {
        case leftMultiplied = "neurips-left-multiplied"
        case eraseWithoutEta = "erase-without-eta"

        var summary: String {
            switch self {
            case .leftMultiplied: "(alpha I - eta g^T g) m + eta P g, the side NeurIPS eq. 22 prints; defined only for square " +
                                  "weights, where it passes type checks."
            case .eraseWithoutEta: "m(alpha I - g^T g) + eta P g: the gradient-dependent decay without the step size, as arXiv eq. " +
                                   "49 prints it."
            }
        }

        var erratum: Erratum? {
            switch self {
            case .leftMultiplied:
                Erratum(.neurips, "22", printed: "m_{i+1} = (alpha I - g^T g) m_i - eta P g: the decay on the left",
                        corrected: "m_{i+1} = m_i(alpha I - eta g^T g) + eta P g (arXiv eq. 49's side, with the step " +
                                   "size)", ambiguity: "A14")
            case .eraseWithoutEta:
                Erratum(.arxiv, "49", printed: "m_{i+1} = m_i(alpha - g^T g) - eta P g: the decay without the step size",
                        corrected: "m_{i+1} = m_i(alpha I - eta g^T g) + eta P g, one GD step on 1/2||m g^T - P||^2", ambiguity: "A14")
            }
        }
    }

    typealias Input = MomentumMemory.Input

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return [(3, 2), (2, 2)].map { MomentumMemory.symbolic(d: $0, n: $1, steps: 2) } }
        let exact = domain == .exact
        return MomentumMemory.inputs(exact: exact, shapes: exact ? [(3, 2), (2, 2), (2, 3)] : [(8, 6), (6, 6)],
                                     settings: exact ? [(1, 0.25), (0.5, 0.5), (0.75, 0.125)] : [(0.875, 0.25)], seed: 9000,
                                     floatScale: 0.25)
    }

    /// The architecture view: delta momentum (arXiv eq. 49, with the step size), or a mutant;
    /// nil for the left-multiplied form of a non-square weight.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        if mutant == .leftMultiplied && x.m0.rows != x.m0.cols { return nil }
        let momenta = MomentumMemory.run(MomentumMemory.lift(x, s)) { m, g, p, alpha, eta in
            switch mutant {
            case .leftMultiplied: (alpha * Matrix<S>.identity(g.cols) - eta * (g.transposed * g)) * m + eta * (p * g)
            case .eraseWithoutEta: m * (alpha * Matrix<S>.identity(g.cols) - g.transposed * g) + eta * (p * g)
            case nil: DeltaMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
            }
        }
        let (d, n) = (x.m0.rows, x.m0.cols)
        return [.compared("m_1..m_T", momenta.flatMap(\.elements), chain: x.gradients.count * (2 * d + n + 6))]
    }

    /// GD on `½‖m gᵀ − P‖² + (1 − α)/(2η)‖m‖²`, gradient by dual numbers.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let steps = MomentumMemory.gradientSteps(MomentumMemory.lift(x, s)) { m, g, p in
            Dual(1) / Dual(2) * (m * g.transposed - p).elements.reduce(Dual(0)) { $0 + $1 * $1 }
        }
        return [.compared("m_1..m_T: GD eta on 1/2||m g^T - P||^2 + (1-alpha)/(2 eta)||m||^2", steps.flatMap(\.elements))]
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(-1)]])
        let g = Matrix<Rational>([[Rational(1, 2), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(1, 2)]])
        let p = Matrix<Rational>([[Rational(1), Rational(0), Rational(0)], [Rational(0), Rational(0), Rational(1)],
                                  [Rational(0), Rational(1), Rational(0)]])
        let alpha = Rational(1, 2), eta = Rational(1, 4)
        let step = DeltaMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
        let input = Input(label: "", m0: m.map { $0.roundedDouble }, gradients: [g.map { $0.roundedDouble }],
                          values: [p.map { $0.roundedDouble }], alpha: 0.5, eta: 0.25)
        let gd = Matrix(rows: m.rows, cols: m.cols, elements: optimization(input, .exact()).first!.values!)
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
