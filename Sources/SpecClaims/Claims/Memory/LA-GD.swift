import ExactMath
import NestedLearning

/// LA-GD: the linear-attention write `M_t = M_{t−1} + v_t k_tᵀ` is one gradient step, learning
/// rate 1, on `−⟨M k_t, v_t⟩`, and the proximal argmin of arXiv eq. 17 (arXiv eq. 14–18;
/// NeurIPS eq. 12–16).
struct LaGdClaim: ViewClaim {
    let id = "LA-GD"
    let statement = "The linear-attention write M_t = M_{t-1} + v_t k_t^T is one GD step, learning rate 1, on -<M k_t, v_t>, and " +
                    "equals argmin_M -<M k_t, v_t> + 1/2||M - M_{t-1}||^2."
    let references = PaperReference(arxiv: ["14", "15", "16", "17", "18"], neurips: ["12", "13", "14", "15", "16"])
    let conventions = [Convention(Conventions.NestedSystemSign.descent)]
    let symbolic = SymbolicStatus.sizes("(d_k, d_v) = (2, 3) and (2, 2), T = 3; every entry of M_0, k_t, v_t a variable")

    enum Mutant: String, ClaimMutant {
        case neurips15 = "neurips-15-as-printed"
        case transposedWrite = "transposed-write"

        var summary: String {
            switch self {
            case .neurips15: "NeurIPS eq. 15 as printed, argmin <M k, v> + ||M - M_t||^2: M_t - v k^T / 2 (sign and missing 1/2)."
            case .transposedWrite: "The write k v^T instead of v k^T (the fla [K,V] state layout mixed with the [V,K] read); " +
                                   "shape-valid only when d_k = d_v."
            }
        }

        var erratum: Erratum? {
            guard self == .neurips15 else { return nil }
            return Erratum(.neurips, "15", printed: "M_{t+1} = argmin_M <M k_{t+1}, v_{t+1}> + ||M - M_t||^2",
                           corrected: "M_{t+1} = argmin_M -<M k_{t+1}, v_{t+1}> + 1/2||M - M_t||^2 = M_t + v_{t+1} k_{t+1}^T (arXiv " +
                                      "eq. 17)")
        }
    }

    struct Input: ClaimInput {
        let label: String
        let m0: Matrix<Double>
        let keys: [Vector<Double>], values: [Vector<Double>], queries: [Vector<Double>]
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(2, 3), (2, 2)].map { dk, dv in
                Input(label: "d_k=\(dk) d_v=\(dv) T=3", m0: .zeros(dv, dk), keys: Support.zeros(3, dk), values: Support.zeros(3, dv),
                      queries: Support.zeros(3, dk), variables: ["M0", "k", "v"])
            }
        }
        let exact = domain == .exact
        let shapes = exact ? [(4, 3), (3, 3), (2, 5)] : [(48, 32), (32, 32)]
        var out: [Input] = []
        for seed in 0..<(exact ? 3 : 1) {
            for (dk, dv) in shapes {
                var g = Support.exactGenerator(UInt64(3000 + seed * 100 + dk * 10 + dv))
                let steps = exact ? 6 : 128
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n) : Support.floatVector(&g, n, bits: 30) }
                let m0 = exact ? g.matrix(dv, dk) : Support.floatMatrix(&g, dv, dk, bits: 30)
                out.append(Input(label: "seed=\(seed) d_k=\(dk) d_v=\(dv) T=\(steps)", m0: m0,
                                 keys: (0..<steps).map { _ in vec(dk) }, values: (0..<steps).map { _ in vec(dv) },
                                 queries: (0..<steps).map { _ in vec(dk) }))
            }
        }
        return out
    }

    /// The architecture view: the states `M_1 … M_T` of the recurrence (arXiv eq. 15), compared
    /// with both optimization views; in `Double`, the last state and the reads `y_t`.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let m0 = s.matrix(x.m0, "M0"), keys = s.sequence(x.keys, "k"), values = s.sequence(x.values, "v")
        if mutant == .transposedWrite && m0.rows != m0.cols { return nil }
        var m = m0
        let states = zip(keys, values).map { k, v in
            switch mutant {
            case .neurips15: m = m - S.ratio(1, 2) * Matrix.outer(v, k)
            case .transposedWrite: m = m + Matrix.outer(k, v)
            case nil: m = LinearAttention.write(m, key: k, value: v)
            }
            return m
        }
        let t = x.keys.count
        var reads: [S]?
        if s.domain == .float && mutant == nil {
            let trace = LinearAttention.recurrent(keys: keys, values: values, queries: s.sequence(x.queries), initial: m0)
            reads = trace.outputs.flatMap(\.elements)
        }
        return [.compared("M_1..M_T", states.flatMap(\.elements)), .compared("M_1..M_T", states.flatMap(\.elements)),
                .measured("M_T", states.last!.elements, chain: t + 2), .measured("y_1..y_T", reads, chain: t + x.m0.cols + 2)]
    }

    /// The optimization view, twice: one GD step, lr 1, on `L(M) = −⟨M k, v⟩` (gradient by dual
    /// numbers), and the proximal argmin of eq. 17 (exact normal equations), each from the
    /// previous GD state.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        var previous = s.matrix(x.m0, "M0")
        var gdStates: [Matrix<S>] = [], proxStates: [Matrix<S>] = []
        for (k, v) in zip(s.sequence(x.keys, "k"), s.sequence(x.values, "v")) {
            let kd = Support.dual(k), vd = Support.dual(v)
            let grad = Support.gradient(at: previous) { m in -(m * kd).dot(vd) }
            let step = previous - grad
            let anchor = previous
            let prox = Support.argmin(around: anchor) { m in -(m * kd).dot(vd) + Dual(1) / Dual(2) * Support.squaredDistance(m, anchor) }
            gdStates.append(step)
            proxStates.append(prox)
            previous = step
        }
        return [.compared("M_1..M_T: GD step lr 1 on -<Mk,v>", gdStates.flatMap(\.elements)),
                .compared("M_1..M_T: argmin of eq. 17", proxStates.flatMap(\.elements))]
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(1, 2), Rational(-1)], [Rational(0), Rational(2)]])
        let k = Vector([Rational(1, 2), Rational(2)])
        let v = Vector([Rational(1), Rational(-1), Rational(1, 4)])
        let write = LinearAttention.write(m, key: k, value: v)
        let kd = Support.dual(k), vd = Support.dual(v)
        let grad = Support.gradient(at: m) { mm in -(mm * kd).dot(vd) }
        return [
            "Memory M: keys in Q^2 -> values in Q^3 (d_k = 2, d_v = 3).",
            Show.m("M_{t-1}", m), Show.v("k_t", k), Show.v("v_t", v),
            "Architecture view (arXiv eq. 15):", Show.m("M_{t-1} + v_t k_t^T", write),
            "Optimization view: L(M) = -<M k_t, v_t>, gradient by dual numbers:",
            Show.m("grad L(M_{t-1})", grad), Show.m("M_{t-1} - 1 * grad", m - grad),
            Show.verdict(m - grad == write),
        ].joined(separator: "\n")
    }
}
