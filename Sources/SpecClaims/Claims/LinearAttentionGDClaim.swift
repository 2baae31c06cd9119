import ExactMath
import NestedLearning

/// LA-GD: the linear-attention write `M_t = M_{t−1} + v_t k_tᵀ` is one gradient step, learning
/// rate 1, on `−⟨M k_t, v_t⟩`, and the proximal argmin of arXiv eq. 17 (arXiv eq. 14–18;
/// NeurIPS eq. 12–16).
struct LinearAttentionGDClaim: SymbolicClaim {
    let id = "LA-GD"
    let statement = "The linear-attention write M_t = M_{t-1} + v_t k_t^T is one GD step, learning rate 1, on -<M k_t, v_t>, and equals argmin_M -<M k_t, v_t> + 1/2||M - M_{t-1}||^2."
    let references = PaperReference(arxiv: ["14", "15", "16", "17", "18"], neurips: ["12", "13", "14", "15", "16"])
    let conventions = ["NestedSystemSign.descent"]
    static let neurips15 = "LA-GD/neurips-15-as-printed"
    static let transposedWrite = "LA-GD/transposed-write"
    let mutants = [
        Mutant(id: neurips15, summary: "NeurIPS eq. 15 as printed, argmin <M k, v> + ||M - M_t||^2: M_t - v k^T / 2 (sign and missing 1/2)."),
        Mutant(id: transposedWrite, summary: "The write k v^T instead of v k^T (the fla [K,V] state layout mixed with the [V,K] read); shape-valid only when d_k = d_v."),
    ]

    struct Input {
        let label: String
        let m0: Matrix<Double>
        let keys: [Vector<Double>], values: [Vector<Double>], queries: [Vector<Double>]
    }

    func inputs(exact: Bool) -> [Input] {
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

    /// The architecture view: the states `M_1 … M_T` of the recurrence (arXiv eq. 15).
    func states<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> [Matrix<S>]? {
        Self.states(m0: input.m0.lifted(to: S.self), keys: input.keys.map { $0.lifted(to: S.self) },
                    values: input.values.map { $0.lifted(to: S.self) }, mutant: mutant)
    }

    static func states<S: Scalar>(m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>], mutant: String?) -> [Matrix<S>]? {
        if mutant == transposedWrite && m0.rows != m0.cols { return nil }
        var m = m0
        return zip(keys, values).map { k, v in
            switch mutant {
            case neurips15: m = m - S.ratio(1, 2) * Matrix.outer(v, k)
            case transposedWrite: m = m + Matrix.outer(k, v)
            default: m = LinearAttention.write(m, key: k, value: v)
            }
            return m
        }
    }

    /// The optimization view, twice: one GD step, lr 1, on `L(M) = −⟨M k, v⟩` (gradient by dual
    /// numbers), and the proximal argmin of eq. 17 (exact normal equations), each from the
    /// previous GD state.
    static func optimizationViews<S: Scalar>(m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>]) -> (gd: [Matrix<S>], prox: [Matrix<S>]) {
        var previous = m0
        var gdStates: [Matrix<S>] = [], proxStates: [Matrix<S>] = []
        for (k, v) in zip(keys, values) {
            let kd = Support.dual(k), vd = Support.dual(v)
            let grad = Support.gradient(at: previous) { m in -(m * kd).dot(vd) }
            let step = previous - grad
            let anchor = previous
            let prox = Support.argmin(around: anchor) { m in -(m * kd).dot(vd) + Dual(1) / Dual(2) * Support.squaredDistance(m, anchor) }
            gdStates.append(step)
            proxStates.append(prox)
            previous = step
        }
        return (gdStates, proxStates)
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).flatMap { input -> [CaseEvidence] in
            guard let arch = states(input, mutant: mutant, Rational.self) else {
                return [.notApplicable(input.label, "M_t", tier: .exact)]
            }
            let views = Self.optimizationViews(m0: input.m0.lifted(to: Rational.self), keys: input.keys.map { $0.lifted() },
                                               values: input.values.map { $0.lifted() })
            return [
                .exact(input.label, "M_1..M_T: GD step lr 1 on -<Mk,v>", expected: views.gd.flatMap(\.elements), actual: arch.flatMap(\.elements)),
                .exact(input.label, "M_1..M_T: argmin of eq. 17", expected: views.prox.flatMap(\.elements), actual: arch.flatMap(\.elements)),
            ]
        }
    }

    let symbolicSizes = "(d_k, d_v) = (2, 3) and (2, 2), T = 3; every entry of M_0, k_t, v_t a variable"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        [(2, 3), (2, 2)].flatMap { dk, dv -> [SymbolicEvidence] in
            let label = "d_k=\(dk) d_v=\(dv) T=3"
            let (m0, keys, values) = (Symbols.matrix("M0", dv, dk), Symbols.sequence("k", count: 3, dk), Symbols.sequence("v", count: 3, dv))
            guard let arch = Self.states(m0: m0, keys: keys, values: values, mutant: mutant) else { return [.notApplicable(label, "M_t")] }
            let views = Self.optimizationViews(m0: m0, keys: keys, values: values)
            return [
                .compare(label, "M_1..M_T: GD step lr 1 on -<Mk,v>", expected: views.gd.flatMap(\.elements), actual: arch.flatMap(\.elements)),
                .compare(label, "M_1..M_T: argmin of eq. 17", expected: views.prox.flatMap(\.elements), actual: arch.flatMap(\.elements)),
            ]
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).flatMap { input -> [CaseEvidence] in
            guard let c = states(input, mutant: mutant, Double.self) else { return [.notApplicable(input.label, "M_T", tier: .float)] }
            let e = states(input, mutant: nil, Rational.self)!
            let trace = LinearAttention.recurrent(keys: input.keys, values: input.values, queries: input.queries, initial: input.m0)
            let exactTrace = LinearAttention.recurrent(keys: input.keys.map { $0.lifted(to: Rational.self) },
                                                       values: input.values.map { $0.lifted() }, queries: input.queries.map { $0.lifted() },
                                                       initial: input.m0.lifted())
            let t = input.keys.count, dk = input.m0.cols
            var cases: [CaseEvidence] = [
                .float(input.label, "M_T", exact: e.last!.elements, computed: c.last!.elements, bound: Support.bound(chain: t + 2)),
            ]
            if mutant == nil {
                cases.append(.float(input.label, "y_1..y_T", exact: exactTrace.outputs.flatMap(\.elements),
                                    computed: trace.outputs.flatMap(\.elements), bound: Support.bound(chain: t + dk + 2)))
            }
            return cases
        }
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
