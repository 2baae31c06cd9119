import ExactMath
import NestedLearning

/// LA-DELTA: the delta rule `M(I − β k kᵀ) + β v kᵀ` is one GD step of size β on
/// `½‖M k − v‖²` (arXiv eq. 65, orientation corrected, A15).
struct LaDeltaClaim: ViewClaim {
    let id = "LA-DELTA"
    let statement = "The delta rule M_t = M_{t-1}(I - beta k k^T) + beta v k^T is one GD step of size beta on 1/2||M k - v||^2 " +
                    "(right multiplication for M: k -> v)."
    let references = PaperReference(arxiv: ["65"], neurips: [])
    let conventions = [Convention(Conventions.DeltaOrientation.right)]
    let symbolic = SymbolicStatus.sizes("(d_k, d_v) = (2, 3) and (2, 2), T = 3; every entry of M_0, k_t, v_t and every beta_t a variable")

    enum Mutant: String, ClaimMutant {
        case leftMultiplied = "left-multiplied"
        case eraseWithoutBeta = "erase-without-beta"

        var summary: String {
            switch self {
            case .leftMultiplied: "(I - beta k k^T) M + beta v k^T as printed in arXiv eq. 65 and Miras (A15); shape-valid only when " +
                                  "d_k = d_v, where it passes type checks."
            case .eraseWithoutBeta: "M(I - k k^T) + beta v k^T: the erase term without the step size (NeurIPS eq. 28-29 style)."
            }
        }

        var erratum: Erratum? {
            guard self == .leftMultiplied else { return nil }
            return Erratum(.arxiv, "65", printed: "M_t = (I - beta_t k_t k_t^T) M_{t-1} + beta_t v_t k_t^T",
                           corrected: "M_t = M_{t-1}(I - beta_t k_t k_t^T) + beta_t v_t k_t^T", ambiguity: "A15")
        }
    }

    struct Input: ClaimInput {
        let label: String
        let m0: Matrix<Double>
        let keys: [Vector<Double>], values: [Vector<Double>], betas: [Double]
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(2, 3), (2, 2)].map { dk, dv in
                Input(label: "d_k=\(dk) d_v=\(dv) T=3", m0: .zeros(dv, dk), keys: Support.zeros(3, dk), values: Support.zeros(3, dv),
                      betas: [0, 0, 0], variables: ["M0", "k", "v", "beta"])
            }
        }
        let exact = domain == .exact
        let shapes = exact ? [(4, 3), (3, 3), (2, 4)] : [(16, 12), (16, 16)]
        var out: [Input] = []
        for seed in 0..<(exact ? 3 : 1) {
            for (dk, dv) in shapes {
                var g = Support.exactGenerator(UInt64(5000 + seed * 100 + dk * 10 + dv))
                let steps = exact ? 5 : 24
                func vec(_ n: Int) -> Vector<Double> { exact ? g.nonZeroVector(n) : Support.floatVector(&g, n) }
                let m0 = exact ? g.matrix(dv, dk) : Support.floatMatrix(&g, dv, dk)
                // Step sizes include the extremes 1 and 2^-6 alongside ordinary values.
                let betas = (0..<steps).map { i -> Double in
                    i == 0 ? 1 : i == 1 ? 0x1p-6
                        : (exact ? g.positiveDyadic(numeratorBound: 4, exponent: 2) : Double(g.integer(in: 1...4095)) / 4096)
                }
                // Keys are scaled down so ‖k‖²β stays moderate and the state stays bounded.
                let keys = (0..<steps).map { _ in
                    exact ? g.nonZeroVector(dk, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, dk)
                }
                out.append(Input(label: "seed=\(seed) d_k=\(dk) d_v=\(dv) T=\(steps)", m0: m0, keys: keys,
                                 values: (0..<steps).map { _ in vec(dv) }, betas: betas))
            }
        }
        return out
    }

    /// The architecture view: `M_1 … M_T` of the recurrence, or of a mutant; `nil` where the
    /// mutant is not defined (left multiplication of a non-square state).
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        var m = s.matrix(x.m0, "M0")
        if mutant == .leftMultiplied && m.rows != m.cols { return nil }
        let (keys, values, betas) = (s.sequence(x.keys, "k"), s.sequence(x.values, "v"), s.scalars(x.betas, "beta"))
        let states = (0..<keys.count).map { t in
            let (k, v, beta) = (keys[t], values[t], betas[t])
            switch mutant {
            case .leftMultiplied: m = (Matrix.identity(k.count) - beta * Matrix.outer(k, k)) * m + beta * Matrix.outer(v, k)
            case .eraseWithoutBeta: m = m * (Matrix.identity(k.count) - Matrix.outer(k, k)) + beta * Matrix.outer(v, k)
            case nil: m = DeltaRule.step(m, key: k, value: v, beta: beta)
            }
            return m
        }
        return [.compared("M_1..M_T", states.flatMap(\.elements), chain: x.keys.count * (2 * x.m0.cols + 4))]
    }

    /// The optimization view: per token one GD step of size `β_t` on `½‖M k_t − v_t‖²`, the
    /// gradient by dual numbers on the objective written as code.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        var m = s.matrix(x.m0, "M0")
        let (keys, values, betas) = (s.sequence(x.keys, "k"), s.sequence(x.values, "v"), s.scalars(x.betas, "beta"))
        let states = (0..<keys.count).map { t in
            let kd = Support.dual(keys[t]), vd = Support.dual(values[t])
            let objective = Objective<S>(dimension: m.elements.count) { [rows = m.rows, cols = m.cols] theta in
                Dual(1) / Dual(2) * (Matrix(rows: rows, cols: cols, elements: theta) * kd - vd).squaredNorm
            }
            m = Matrix(rows: m.rows, cols: m.cols, elements: objective.gradientStep(from: m.elements, learningRate: betas[t]))
            return m
        }
        return [.compared("M_1..M_T: GD step beta on 1/2||Mk - v||^2", states.flatMap(\.elements))]
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(-1)]])
        let k = Vector([Rational(1), Rational(1, 2)])
        let v = Vector([Rational(0), Rational(1), Rational(2)])
        let beta = Rational(1, 2)
        let step = DeltaRule.step(m, key: k, value: v, beta: beta)
        let kd = Support.dual(k), vd = Support.dual(v)
        let grad = Support.gradient(at: m) { mm in Dual(1) / Dual(2) * (mm * kd - vd).squaredNorm }
        return [
            "d_k = 2, d_v = 3; note ||k||^2 = 5/4, not 1.",
            Show.m("M_{t-1}", m), Show.v("k", k), Show.v("v", v), Show.s("beta", beta),
            Show.m("I - beta k k^T", Matrix.identity(2) - beta * Matrix.outer(k, k)),
            "Architecture view, M(I - beta k k^T) + beta v k^T:", Show.m("M_t", step),
            "Optimization view: grad of 1/2||M k - v||^2 by dual numbers:", Show.m("grad", grad),
            Show.m("M_{t-1} - beta grad", m - beta * grad),
            Show.verdict(m - beta * grad == step),
            "The left-multiplied form (I - beta k k^T) M is not even defined here (2x2 times 3x2).",
        ].joined(separator: "\n")
    }
}
