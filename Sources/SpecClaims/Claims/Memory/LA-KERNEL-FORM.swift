import ExactMath
import NestedLearning

/// LA-KERNEL-FORM: the delta rule as kernels write it is the suite's delta rule (arXiv eq. 64–65).
///
/// Kernels store the transposed state `S = Mᵀ ∈ S^{d_k×d_v}` (write `k vᵀ`, read `Sᵀ q`), scale the
/// query by `s` before the read, and take a step of size `θ` on `c‖Sᵀ k − v‖²` with a loss scale `c`
/// (`1/2`, `1`, or `1/d_v` for a mean over the values; arXiv eq. 64 itself writes `L̃ = −2⟨M k, v⟩`),
/// after an optional decay `S ← α S`. That is `DeltaRule.step` (or `GatedDeltaRule.step`) with
/// `β = 2 c θ`, states `M_t = S_tᵀ` and reads `y_t = M_t (s q_t)`.
struct LaKernelFormClaim: ViewClaim {
    let id = "LA-KERNEL-FORM"
    let statement = "The delta rule as kernels write it, S_t = alpha S_{t-1} - theta grad_S c||S^T k - v||^2 on the transposed state " +
                    "S (d_k x d_v), read o_t = S_t^T (s q_t), is the suite's (gated) delta rule with beta = 2 c theta: " +
                    "M_t = S_t^T and y_t = M_t (s q_t)."
    let references = PaperReference(arxiv: ["64", "65"], neurips: [])
    let conventions = [Convention(Conventions.DeltaOrientation.right), Convention(Conventions.GatePlacement.decayThenDelta),
                       Convention(Conventions.ReadOrder.afterWrite)]
    let symbolic = SymbolicStatus.sizes("(d_k, d_v) = (2, 3) without a gate and (2, 2) with one, T = 3; every entry of S_0, k_t, v_t, " +
                                        "q_t, every theta_t (and alpha_t), the loss scale c and the query scale s a variable")

    enum Mutant: String, ClaimMutant {
        case betaEqualsTheta = "beta-equals-theta"
        case scaleOnKeys = "scale-on-keys"
        case untransposedRead = "untransposed-read"

        var summary: String {
            switch self {
            case .betaEqualsTheta: "beta = theta: the factor 2c of the kernel's loss scale forgotten; right only for c = 1/2."
            case .scaleOnKeys: "the query scale s applied to the keys of the write as well (beta s^2 k k^T erase, beta s v k^T write)."
            case .untransposedRead: "o = S (s q) instead of S^T (s q): the kernel's state read as if it were M; shape-valid only when " +
                                    "d_k = d_v, where it passes type checks."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        /// The kernel's initial state `S_0 ∈ S^{d_k×d_v}`.
        let s0: Matrix<Double>
        let keys: [Vector<Double>], values: [Vector<Double>], queries: [Vector<Double>], thetas: [Double]
        /// The decay gates `α_t`; nil for the ungated rule.
        let alphas: [Double]?
        /// `c` in `c‖Sᵀ k − v‖²` and `s` in `o = Sᵀ (s q)`.
        let lossScale: Rational, queryScale: Rational
        var variables: Set<String> = []
    }

    /// Exact cases: every loss scale `c ∈ {1/2, 1, 1/d_v}` with every query scale `s ∈ {1, 1/2, 1/4, 3/8}`
    /// on four shapes (two square), half of them gated with gates that include 0 and 1. Float cases use
    /// `d_v = 16`, so that `1/d_v` and `β = 2 c θ` are exact in `Double`.
    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(2, 3, false), (2, 2, true)].map { dk, dv, gated in
                Input(label: "d_k=\(dk) d_v=\(dv) T=3" + (gated ? " gated" : ""), s0: .zeros(dk, dv), keys: Support.zeros(3, dk),
                      values: Support.zeros(3, dv), queries: Support.zeros(3, dk), thetas: [0, 0, 0], alphas: gated ? [0, 0, 0] : nil,
                      lossScale: Rational(0), queryScale: Rational(0),
                      variables: ["S0", "k", "v", "q", "theta", "alpha", "c", "s"])
            }
        }
        let exact = domain == .exact
        let queryScales = [Rational(1), Rational(1, 2), Rational(1, 4), Rational(3, 8)]
        typealias Plan = (dk: Int, dv: Int, c: Rational, s: Rational, gated: Bool)
        let plans: [Plan]
        if exact {
            plans = [(4, 3), (3, 3), (2, 5), (4, 4)].flatMap { dk, dv in
                [Rational(1, 2), Rational(1), Rational(1, dv)].flatMap { c in
                    queryScales.enumerated().map { j, s in (dk, dv, c, s, j % 2 == 1) }
                }
            }
        } else {
            plans = [(16, 16, Rational(1, 16), Rational(1, 4), false), (16, 16, Rational(1), Rational(3, 8), true),
                     (12, 16, Rational(1, 2), Rational(1), true), (12, 16, Rational(1, 16), Rational(1, 2), false)]
        }
        return plans.enumerated().map { n, p in
            var g = Support.exactGenerator(UInt64(9000 + n * 100 + p.dk * 10 + p.dv))
            let steps = exact ? 5 : 24
            func vec(_ count: Int) -> Vector<Double> { exact ? g.nonZeroVector(count) : Support.floatVector(&g, count) }
            let s0 = exact ? g.matrix(p.dk, p.dv) : Support.floatMatrix(&g, p.dk, p.dv)
            // Keys are scaled down so that ‖k‖² β stays moderate and the state stays bounded.
            let keys = (0..<steps).map { _ in
                exact ? g.nonZeroVector(p.dk, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, p.dk)
            }
            let values = (0..<steps).map { _ in vec(p.dv) }, queries = (0..<steps).map { _ in vec(p.dk) }
            let thetas = (0..<steps).map { i -> Double in
                i == 0 ? 1 / 2 : (exact ? g.positiveDyadic(numeratorBound: 4, exponent: 2) : Double(g.integer(in: 1...4095)) / 8192)
            }
            // Gates at the extremes 0 and 1 alongside ordinary values.
            let alphas = p.gated ? (0..<steps).map { [0.5, 1, 0, 0.75, 1 - 0x1p-30][$0 % 5] } : nil
            let label = "d_k=\(p.dk) d_v=\(p.dv) T=\(steps) c=\(p.c) s=\(p.s)" + (p.gated ? " gated" : "")
            return Input(label: label, s0: s0, keys: keys, values: values, queries: queries, thetas: thetas, alphas: alphas,
                         lossScale: p.c, queryScale: p.s)
        }
    }

    /// The architecture view: the suite's delta rule (`GatedDeltaRule.step` when gated) on
    /// `M_0 = S_0ᵀ` with `β_t = 2 c θ_t`, read `y_t = M_t (s q_t)`; or a mutant, nil where it is not
    /// defined (the untransposed read of a non-square state).
    func architecture<S: Scalar>(_ x: Input, _ l: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        if mutant == .untransposedRead && x.s0.rows != x.s0.cols { return nil }
        var m = l.matrix(x.s0, "S0").transposed
        let (keys, values, queries) = (l.sequence(x.keys, "k"), l.sequence(x.values, "v"), l.sequence(x.queries, "q"))
        let thetas = l.scalars(x.thetas, "theta"), alphas = x.alphas.map { l.scalars($0, "alpha") }
        let (c, scale) = (l.scalar(x.lossScale, "c"), l.scalar(x.queryScale, "s"))
        var states: [S] = [], reads: [S] = []
        for t in keys.indices {
            let beta = mutant == .betaEqualsTheta ? thetas[t] : S(2) * c * thetas[t]
            let k = mutant == .scaleOnKeys ? scale * keys[t] : keys[t]
            if let alphas {
                m = GatedDeltaRule.step(m, key: k, value: values[t], alpha: alphas[t], beta: beta)
            } else {
                m = DeltaRule.step(m, key: k, value: values[t], beta: beta)
            }
            states += m.elements
            reads += ((mutant == .untransposedRead ? m.transposed : m) * (scale * queries[t])).elements
        }
        let chain = x.keys.count * (2 * x.s0.rows + 5)
        return [.compared("M_1..M_T", states, chain: chain), .compared("y_1..y_T", reads, chain: chain + 2 * x.s0.rows)]
    }

    /// The optimization view, the kernel form written from its objective: per token the decay
    /// `S ← α_t S` (when gated), one GD step of size `θ_t` on `c‖Sᵀ k_t − v_t‖²` over the transposed
    /// state, its gradient by dual numbers, then the read `o_t = S_tᵀ (s q_t)`. The states are reported
    /// as `S_tᵀ`, the layout of `M`.
    func optimization<S: Scalar>(_ x: Input, _ l: Lift<S>) -> [Quantity<S>] {
        var state = l.matrix(x.s0, "S0")
        let (dk, dv) = (state.rows, state.cols)
        let (keys, values, queries) = (l.sequence(x.keys, "k"), l.sequence(x.values, "v"), l.sequence(x.queries, "q"))
        let thetas = l.scalars(x.thetas, "theta"), alphas = x.alphas.map { l.scalars($0, "alpha") }
        let (c, scale) = (Support.dual(l.scalar(x.lossScale, "c")), l.scalar(x.queryScale, "s"))
        var states: [S] = [], reads: [S] = []
        for t in keys.indices {
            if let alphas { state = alphas[t] * state }
            let kd = Support.dual(keys[t]), vd = Support.dual(values[t])
            let loss = Objective<S>(dimension: dk * dv) { theta in
                c * (Matrix(rows: dk, cols: dv, elements: theta).transposed * kd - vd).squaredNorm
            }
            state = Matrix(rows: dk, cols: dv, elements: loss.gradientStep(from: state.elements, learningRate: thetas[t]))
            states += state.transposed.elements
            reads += (state.transposed * (scale * queries[t])).elements
        }
        return [.compared("S_1^T..S_T^T: GD step theta on c||S^T k - v||^2 (after S <- alpha S)", states),
                .compared("o_1..o_T: S_t^T (s q_t)", reads)]
    }

    func workedExample() -> String {
        let s0 = Matrix<Rational>([[Rational(1), Rational(0), Rational(1)], [Rational(0), Rational(1), Rational(-1)]])
        let k = Vector([Rational(1), Rational(1, 2)]), v = Vector([Rational(0), Rational(1), Rational(2)])
        let q = Vector([Rational(1), Rational(-1)])
        let c = Rational(1, 3), theta = Rational(3, 4), scale = Rational(1, 2)
        let kd = Support.dual(k), vd = Support.dual(v), cd = Support.dual(c)
        let grad = Support.gradient(at: s0) { st in cd * (st.transposed * kd - vd).squaredNorm }
        let s1 = s0 - theta * grad
        let o = s1.transposed * (scale * q)
        let beta = Rational(2) * c * theta
        let m1 = DeltaRule.step(s0.transposed, key: k, value: v, beta: beta)
        let y = m1 * (scale * q)
        let wrong = DeltaRule.step(s0.transposed, key: k, value: v, beta: theta)
        return [
            "d_k = 2, d_v = 3; loss scale c = 1/d_v (a mean over the values), query scale s = 1/2.",
            Show.m("S_{t-1}", s0), Show.v("k", k), Show.v("v", v), Show.v("q", q),
            Show.s("c", c), Show.s("theta", theta), Show.s("s", scale),
            "Kernel form: grad over S of c||S^T k - v||^2 by dual numbers:", Show.m("grad", grad),
            Show.m("S_t = S_{t-1} - theta grad", s1), Show.v("o_t = S_t^T (s q)", o),
            "Suite's delta rule on M = S^T with beta = 2 c theta:", Show.s("beta", beta),
            Show.m("M_t = M(I - beta k k^T) + beta v k^T", m1), Show.v("y_t = M_t (s q)", y),
            Show.verdict(s1.transposed == m1 && o == y),
            "With beta = theta (the factor 2c forgotten) the state differs:", Show.m("M_t (mutant)", wrong),
        ].joined(separator: "\n")
    }
}
