import ExactMath
import NestedLearning

/// LA-PARALLEL: the recurrent reads of linear attention equal the masked parallel form,
/// `y_t = (Σ_{s≤t} v_s k_sᵀ) q_t` = row t of `tril(Q Kᵀ) V` (arXiv eq. 14–16).
struct LinearAttentionParallelClaim: SymbolicClaim {
    let id = "LA-PARALLEL"
    let statement = "Recurrent linear attention from M_0 = 0 (read after write, y_t = M_t q_t) equals the parallel form: row t of tril(Q K^T) V; reading before the write equals the strictly lower mask."
    let references = PaperReference(arxiv: ["14", "15", "16"], neurips: ["12", "13", "14"])
    let conventions = ["ReadOrder.afterWrite"]
    static let strictMask = "LA-PARALLEL/strict-mask"
    static let noMask = "LA-PARALLEL/no-causal-mask"
    let mutants = [
        Mutant(id: strictMask, summary: "Off-by-one causal mask: the strictly lower mask for the read-after-write recurrence, and the inclusive mask for read-before-write (A13)."),
        Mutant(id: noMask, summary: "No causal mask: every token reads the future."),
    ]

    struct Input {
        let label: String
        let q: Matrix<Double>, k: Matrix<Double>, v: Matrix<Double>
    }

    func inputs(exact: Bool) -> [Input] {
        let shapes = exact ? [(4, 3, 7), (3, 3, 5), (2, 4, 9)] : [(32, 24, 128)]
        var out: [Input] = []
        for seed in 0..<(exact ? 3 : 1) {
            for (dk, dv, t) in shapes {
                var g = Support.exactGenerator(UInt64(4000 + seed * 100 + dk * 10 + dv))
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> { exact ? g.matrix(r, c) : Support.floatMatrix(&g, r, c, bits: 30) }
                out.append(Input(label: "seed=\(seed) d_k=\(dk) d_v=\(dv) T=\(t)", q: mat(t, dk), k: mat(t, dk), v: mat(t, dv)))
            }
        }
        return out
    }

    func recurrent<S: Scalar>(_ input: Input, order: Conventions.ReadOrder, _: S.Type) -> [S] {
        Self.recurrent(q: input.q.lifted(to: S.self), k: input.k.lifted(to: S.self), v: input.v.lifted(to: S.self), order: order)
    }

    static func recurrent<S: Scalar>(q: Matrix<S>, k: Matrix<S>, v: Matrix<S>, order: Conventions.ReadOrder) -> [S] {
        let trace = LinearAttention.recurrent(keys: (0..<k.rows).map { k.row($0) }, values: (0..<v.rows).map { v.row($0) },
                                              queries: (0..<q.rows).map { q.row($0) }, initial: .zeros(v.cols, k.cols),
                                              readOrder: order)
        return trace.outputs.flatMap(\.elements)
    }

    func parallel<S: Scalar>(_ input: Input, mask: LinearAttention.Mask, _: S.Type) -> [S] {
        LinearAttention.parallel(queries: input.q.lifted(to: S.self), keys: input.k.lifted(), values: input.v.lifted(), mask: mask).elements
    }

    func mask(for mutant: String?, _ base: LinearAttention.Mask) -> LinearAttention.Mask {
        switch mutant {
        case Self.strictMask: return base == .causal ? .strictlyCausal : .causal
        case Self.noMask: return .none
        default: return base
        }
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).flatMap { input -> [CaseEvidence] in [
            .exact(input.label, "y_t read after write vs tril(QK^T)V",
                   expected: recurrent(input, order: .afterWrite, Rational.self),
                   actual: parallel(input, mask: mask(for: mutant, .causal), Rational.self)),
            .exact(input.label, "y_t read before write vs strict tril(QK^T)V",
                   expected: recurrent(input, order: .beforeWrite, Rational.self),
                   actual: parallel(input, mask: mask(for: mutant, .strictlyCausal), Rational.self)),
        ] }
    }

    let symbolicSizes = "d_k = 2, d_v = 2, T = 4; every entry of Q, K, V a variable"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        let (q, k, v) = (Symbols.matrix("Q", 4, 2), Symbols.matrix("K", 4, 2), Symbols.matrix("V", 4, 2))
        return [
            .compare("d_k=2 d_v=2 T=4", "y_t read after write vs tril(QK^T)V", expected: Self.recurrent(q: q, k: k, v: v, order: .afterWrite),
                     actual: LinearAttention.parallel(queries: q, keys: k, values: v, mask: mask(for: mutant, .causal)).elements),
            .compare("d_k=2 d_v=2 T=4", "y_t read before write vs strict tril(QK^T)V", expected: Self.recurrent(q: q, k: k, v: v, order: .beforeWrite),
                     actual: LinearAttention.parallel(queries: q, keys: k, values: v, mask: mask(for: mutant, .strictlyCausal)).elements),
        ]
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            .float(input.label, "parallel form Y", exact: recurrent(input, order: .afterWrite, Rational.self),
                   computed: parallel(input, mask: mask(for: mutant, .causal), Double.self),
                   bound: Support.bound(chain: input.q.rows + input.q.cols + 2))
        }
    }

    func workedExample() -> String {
        let q = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(1, 2), Rational(1)], [Rational(0), Rational(-1)]])
        let k = Matrix<Rational>([[Rational(1), Rational(1)], [Rational(-1), Rational(1, 2)], [Rational(2), Rational(0)]])
        let v = Matrix<Rational>([[Rational(1)], [Rational(2)], [Rational(-1, 2)]])
        let input = Input(label: "", q: q.map { $0.roundedDouble }, k: k.map { $0.roundedDouble }, v: v.map { $0.roundedDouble })
        let rec = recurrent(input, order: .afterWrite, Rational.self)
        let par = LinearAttention.parallel(queries: q, keys: k, values: v)
        return [
            "T = 3 tokens, d_k = 2, d_v = 1 (rows are tokens).",
            Show.m("Q", q), Show.m("K", k), Show.m("V", v),
            Show.m("Q K^T", q * k.transposed),
            "Recurrent (arXiv eq. 15-16), M_t = M_{t-1} + v_t k_t^T, y_t = M_t q_t:",
            "y = (" + rec.map(\.description).joined(separator: ", ") + ")",
            "Parallel: tril(Q K^T) V =", Show.m("Y", par),
            Show.verdict(rec == par.elements),
        ].joined(separator: "\n")
    }
}
