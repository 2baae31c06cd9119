import ExactMath
import NestedLearning

/// LA-GATED-DELTA: the gated delta rule `α M(I − β k kᵀ) + β v kᵀ` is a decay followed by a
/// delta step: one GD step of size `1 − α` on `½‖M‖²` (retention), then one GD step of size `β`
/// on `½‖M k − v‖²` (arXiv eq. 65 with a decay gate; right multiplication, A15).
struct LaGatedDeltaClaim: ViewClaim {
    let id = "LA-GATED-DELTA"
    let statement = "The gated delta rule M_t = alpha M_{t-1}(I - beta k k^T) + beta v k^T is decay then delta: one GD step of size " +
                    "1 - alpha on 1/2||M||^2, then one GD step of size beta on 1/2||M k - v||^2."
    let references = PaperReference(arxiv: ["65"], neurips: [])
    let conventions = [Convention(Conventions.DeltaOrientation.right), Convention(Conventions.GatePlacement.decayThenDelta)]
    let symbolic = SymbolicStatus.sizes("d_k = 2, d_v = 3, T = 3; every entry of M_0, k_t, v_t and every alpha_t, beta_t a variable")

    enum Mutant: String, ClaimMutant {
        case gateAfterWrite = "gate-after-write"
        case eraseUndecayed = "erase-on-undecayed-state"

        var summary: String {
            switch self {
            case .gateAfterWrite: "alpha (M(I - beta k k^T) + beta v k^T): delta, then decay, so the gate also shrinks the new write."
            case .eraseUndecayed: "alpha M - beta (M k) k^T + beta v k^T = M(alpha I - beta k k^T) + beta v k^T: the erase reads the " +
                                  "state before the decay."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let m0: Matrix<Double>
        let keys: [Vector<Double>], values: [Vector<Double>], alphas: [Double], betas: [Double]
        var variables: Set<String> = []
    }

    /// Gates at the extremes 1, 0 and 1 − 2⁻³⁰ alongside ordinary values; at α = 1 the mutants
    /// agree with the claim, so every sequence has other gates too.
    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [Input(label: "d_k=2 d_v=3 T=3", m0: .zeros(3, 2), keys: Support.zeros(3, 2), values: Support.zeros(3, 3),
                          alphas: [0, 0, 0], betas: [0, 0, 0], variables: ["M0", "k", "v", "alpha", "beta"])]
        }
        let exact = domain == .exact
        let shapes = exact ? [(3, 2), (2, 3), (3, 3)] : [(16, 12)]
        var out: [Input] = []
        for seed in 0..<(exact ? 3 : 1) {
            for (dk, dv) in shapes {
                var g = Support.exactGenerator(UInt64(7000 + seed * 100 + dk * 10 + dv))
                let steps = exact ? 5 : 24
                let alphas = (0..<steps).map { i -> Double in
                    [0.5, 1, 0, 1 - 0x1p-30, 0.75][i % 5]
                }
                let betas = (0..<steps).map { i -> Double in
                    i == 0 ? 1 : (exact ? g.positiveDyadic(numeratorBound: 4, exponent: 2) : Double(g.integer(in: 1...4095)) / 4096)
                }
                func vec(_ n: Int) -> Vector<Double> { exact ? g.nonZeroVector(n) : Support.floatVector(&g, n) }
                let m0 = exact ? g.matrix(dv, dk) : Support.floatMatrix(&g, dv, dk)
                let keys = (0..<steps).map { _ in
                    exact ? g.nonZeroVector(dk, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, dk)
                }
                out.append(Input(label: "seed=\(seed) d_k=\(dk) d_v=\(dv) T=\(steps)", m0: m0, keys: keys,
                                 values: (0..<steps).map { _ in vec(dv) }, alphas: alphas, betas: betas))
            }
        }
        return out
    }

    /// The architecture view (or a mutant), token after token.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        var m = s.matrix(x.m0, "M0")
        let (keys, values) = (s.sequence(x.keys, "k"), s.sequence(x.values, "v"))
        let (alphas, betas) = (s.scalars(x.alphas, "alpha"), s.scalars(x.betas, "beta"))
        let states = (0..<keys.count).map { t in
            let (k, v, alpha, beta) = (keys[t], values[t], alphas[t], betas[t])
            switch mutant {
            case .gateAfterWrite: m = alpha * DeltaRule.step(m, key: k, value: v, beta: beta)
            case .eraseUndecayed: m = m * (alpha * Matrix.identity(k.count) - beta * Matrix.outer(k, k)) + beta * Matrix.outer(v, k)
            case nil: m = GatedDeltaRule.step(m, key: k, value: v, alpha: alpha, beta: beta)
            }
            return m
        }
        return [.compared("M_1..M_T", states.flatMap(\.elements), chain: x.keys.count * (2 * x.m0.cols + 5))]
    }

    /// The optimization view: two gradient steps per token, each on an objective written as
    /// ordinary code over vec(M) and differentiated with dual numbers.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        var m = s.matrix(x.m0, "M0")
        let (keys, values) = (s.sequence(x.keys, "k"), s.sequence(x.values, "v"))
        let (alphas, betas) = (s.scalars(x.alphas, "alpha"), s.scalars(x.betas, "beta"))
        let (rows, cols) = (m.rows, m.cols)
        let retention = Objective<S>(dimension: rows * cols) { theta in
            Dual(1) / Dual(2) * theta.reduce(Dual(0)) { $0 + $1 * $1 }
        }
        let states = (0..<keys.count).map { t in
            let decayed = retention.gradientStep(from: m.elements, learningRate: S(1) - alphas[t])
            let kd = Support.dual(keys[t]), vd = Support.dual(values[t])
            let regression = Objective<S>(dimension: rows * cols) { theta in
                Dual(1) / Dual(2) * (Matrix(rows: rows, cols: cols, elements: theta) * kd - vd).squaredNorm
            }
            m = Matrix(rows: rows, cols: cols, elements: regression.gradientStep(from: decayed, learningRate: betas[t]))
            return m
        }
        return [.compared("M_1..M_T: GD 1-alpha on 1/2||M||^2, then GD beta on 1/2||Mk - v||^2", states.flatMap(\.elements))]
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(-1)]])
        let k = Vector([Rational(1), Rational(1, 2)])
        let v = Vector([Rational(0), Rational(1), Rational(2)])
        let alpha = Rational(1, 2), beta = Rational(1, 2)
        let step = GatedDeltaRule.step(m, key: k, value: v, alpha: alpha, beta: beta)
        let decayGrad = Support.gradient(at: m) { mm in Dual(1) / Dual(2) * mm.elements.reduce(Dual(0)) { $0 + $1 * $1 } }
        let decayed = m - (Rational(1) - alpha) * decayGrad
        let kd = Support.dual(k), vd = Support.dual(v)
        let grad = Support.gradient(at: decayed) { mm in Dual(1) / Dual(2) * (mm * kd - vd).squaredNorm }
        let afterWrite = alpha * DeltaRule.step(m, key: k, value: v, beta: beta)
        return [
            "d_k = 2, d_v = 3.",
            Show.m("M_{t-1}", m), Show.v("k", k), Show.v("v", v), Show.s("alpha", alpha), Show.s("beta", beta),
            "Architecture view, alpha M(I - beta k k^T) + beta v k^T:", Show.m("M_t", step),
            "Optimization view, step 1: grad of 1/2||M||^2 by dual numbers:", Show.m("grad", decayGrad),
            Show.m("M' = M - (1 - alpha) grad", decayed),
            "Step 2: grad of 1/2||M' k - v||^2 by dual numbers:", Show.m("grad", grad),
            Show.m("M' - beta grad", decayed - beta * grad),
            Show.verdict(decayed - beta * grad == step),
            "Gate after the write, alpha (M(I - beta k k^T) + beta v k^T), differs:", Show.m("M_t (mutant)", afterWrite),
        ].joined(separator: "\n")
    }
}
