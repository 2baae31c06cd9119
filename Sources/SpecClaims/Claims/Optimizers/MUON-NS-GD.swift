import ExactMath
import NestedLearning

/// MUON-NS-GD: Newton–Schulz as an inner optimisation level (arXiv eq. 42–44). The printed
/// recurrence eq. 44 is gradient descent on `½‖O − g‖² + ½‖OᵀO − I‖²` from `O₀ = g`, and with
/// `ζ = 1/4` its first step is the cubic Newton–Schulz step `(3/2) g − (1/2) g gᵀ g`.
struct MuonNsGdClaim: ViewClaim {
    let id = "MUON-NS-GD"
    let statement = "arXiv eq. 44, O <- O - zeta (O - g + 2 O(O^T O - I)) from O_0 = g, is GD on 1/2||O - g||^2 + 1/2||O^T O - " +
                    "I||^2; with zeta = 1/4 its first step is the cubic Newton-Schulz step (3/2) g - (1/2) g g^T g."
    let references = PaperReference(arxiv: ["42", "43", "44"], neurips: [])
    let conventions = [Convention(Conventions.NewtonSchulzObjective.withProximity, note: "implicit in eq. 43")]
    let symbolic = SymbolicStatus.sizes("g: 2x2 and 1x3, two steps with zeta a variable; the first step at zeta = 1/4 against the " +
                                        "cubic Newton-Schulz step; every entry of g a variable")

    enum Mutant: String, ClaimMutant {
        case noFactorTwo = "orthogonality-gradient-without-2"
        case objective43Alone = "objective-43-alone"
        case quintic = "quintic-as-first-step"

        var summary: String {
            switch self {
            case .noFactorTwo: "O - zeta (O - g + O(O^T O - I)): the gradient of 1/2||O^T O - I||^2 without its factor 2."
            case .objective43Alone: "O - 2 zeta O(O^T O - I): GD on eq. 43 alone, without the proximity term; the first step agrees " +
                                    "(O_0 = g), later ones do not."
            case .quintic: "Muon's quintic step (3.4445, -4.7750, 2.0315) in place of the cubic as the first GD step."
            }
        }

        var erratum: Erratum? {
            guard self == .objective43Alone else { return nil }
            return Erratum(.arxiv, "43", printed: "L(P(g); g) = ||P(g)^T P(g) - I||_F^2, the objective whose GD steps eq. 44 takes",
                           corrected: "1/2||O - g||^2 + 1/2||O^T O - I||^2: eq. 44's O - g is the gradient of the proximity term")
        }
    }

    struct Input: ClaimInput {
        let label: String
        let g: Matrix<Double>
        let zeta: Double
        let steps: Int
        /// Whether the case also compares the first step at `ζ = 1/4` with the cubic Newton–Schulz step.
        let cubic: Bool
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(2, 2), (1, 3)].map { m, n in
                Input(label: "g \(m)x\(n)", g: .zeros(m, n), zeta: 0, steps: 2, cubic: true, variables: ["g", "zeta"])
            }
        }
        let exact = domain == .exact
        let shapes = exact ? [(2, 3), (3, 3), (3, 2)] : [(8, 12)]
        var out: [Input] = []
        let zetas: [Double] = exact ? [0.25, 0.125, 0.5] : [0.25]
        for (i, zeta) in zetas.enumerated() {
            for (m, n) in shapes {
                var g = Support.exactGenerator(UInt64(8000 + i * 100 + m * 10 + n))
                // Entries k/8 with |k| ≤ 3 (exact) or k/2^12 scaled by 1/4 (float): ‖g‖ near 1.
                let x = exact ? g.matrix(m, n, numeratorBound: 3, exponent: 3) : Support.floatMatrix(&g, m, n).map { $0 / 4 }
                out.append(Input(label: "g \(m)x\(n) zeta=\(zeta)", g: x, zeta: zeta, steps: 3, cubic: !exact || zeta == 0.25))
            }
        }
        return out
    }

    /// The architecture view: the recurrence as printed (eq. 44), or a mutant of it; and the first
    /// step as Muon computes it, the cubic Newton–Schulz step (or the quintic mutant).
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (g, zeta) = (s.matrix(x.g, "g"), s.scalar(x.zeta, "zeta"))
        var o = g
        let printed = (0..<x.steps).map { _ in
            let gram = o.transposed * o - Matrix<S>.identity(o.cols)
            switch mutant {
            case .noFactorTwo: o = o - zeta * (o - g + o * gram)
            case .objective43Alone: o = o - zeta * (S(2) * (o * gram))
            case .quintic, nil: o = NewtonSchulz.orthogonalityStep(o, target: g, zeta: zeta)
            }
            return o
        }
        let (m, n) = (x.g.rows, x.g.cols)
        let out: [Quantity<S>] = [.compared("O_1..O_3 (eq. 44)", printed.flatMap(\.elements), chain: x.steps * (2 * m + n + 8))]
        guard x.cubic else { return out }
        let first = NewtonSchulz.step(g, mutant == .quintic ? .muonQuintic : .cubic)
        return out + [.compared("cubic Newton-Schulz step", first.elements, chain: 2 * m + n + 4)]
    }

    /// The optimization view: GD on the objective, written as code over vec(O), gradient by dual
    /// numbers; and its first step at `ζ = 1/4`.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let g = s.matrix(x.g, "g")
        let name = (x.steps == 2 ? "O_1, O_2" : "O_1..O_3") + ": eq. 44 as printed vs GD on 1/2||O-g||^2 + 1/2||O^T O - I||^2"
        let out: [Quantity<S>] = [.compared(name,
                                            Self.gradientDescent(g, zeta: s.scalar(x.zeta, "zeta"), steps: x.steps).flatMap(\.elements))]
        guard x.cubic else { return out }
        let quarter = Self.gradientDescent(g, zeta: S.ratio(1, 4), steps: 1)[0]
        return out + [.compared("O_1 (zeta = 1/4) vs the cubic Newton-Schulz step", quarter.elements)]
    }

    /// GD on `½‖O − g‖² + ½‖OᵀO − I‖²` from `O_0 = g`, the objective written as code over vec(O),
    /// the gradient by dual numbers.
    static func gradientDescent<S: Scalar>(_ g: Matrix<S>, zeta: S, steps: Int) -> [Matrix<S>] {
        let (rows, cols) = (g.rows, g.cols)
        let gd = Support.dual(g)
        let objective = Objective<S>(dimension: rows * cols) { theta in
            let o = Matrix(rows: rows, cols: cols, elements: theta)
            let proximity = (o - gd).elements.reduce(Dual(0)) { $0 + $1 * $1 }
            let orthogonality = (o.transposed * o - Matrix<Dual<S>>.identity(cols)).elements.reduce(Dual(0)) { $0 + $1 * $1 }
            return Dual(1) / Dual(2) * proximity + Dual(1) / Dual(2) * orthogonality
        }
        var theta = g.elements
        return (0..<steps).map { _ in
            theta = objective.gradientStep(from: theta, learningRate: zeta)
            return Matrix(rows: rows, cols: cols, elements: theta)
        }
    }

    func workedExample() -> String {
        let g = Matrix<Rational>([[Rational(1, 2), Rational(0), Rational(1, 2)], [Rational(0), Rational(1), Rational(-1, 2)]])
        let zeta = Rational(1, 4)
        let gd = Self.gradientDescent(g, zeta: zeta, steps: 2)
        let printedSteps = (0..<2).reduce(into: [g]) { acc, _ in
            acc.append(NewtonSchulz.orthogonalityStep(acc.last!, target: g, zeta: zeta))
        }
        let cubic = NewtonSchulz.step(g, .cubic)
        let cubicTwice = NewtonSchulz.step(cubic, .cubic)
        return [
            "g is 2x3; O_0 = g; zeta = 1/4.",
            Show.m("g", g),
            Show.m("g^T g - I", g.transposed * g - Matrix.identity(3)),
            "Architecture view, eq. 44 as printed, O_1 = O_0 - zeta (O_0 - g + 2 O_0 (O_0^T O_0 - I)):", Show.m("O_1", printedSteps[1]),
            "Optimization view: one GD step on 1/2||O - g||^2 + 1/2||O^T O - I||^2, gradient by dual numbers:", Show.m("O_1", gd[0]),
            Show.verdict(gd[0] == printedSteps[1]),
            "Muon's cubic Newton-Schulz step, (3/2) g - (1/2) g g^T g:", Show.m("X_1", cubic),
            Show.verdict(cubic == gd[0]),
            "Second step: eq. 44 keeps the pull back to g, the cubic iteration does not, so they part:",
            Show.m("O_2 (eq. 44 = GD)", gd[1]), Show.verdict(gd[1] == printedSteps[2]), Show.m("X_2 (cubic twice)", cubicTwice),
        ].joined(separator: "\n")
    }
}
