import ExactMath
import NestedLearning

/// LA-PARALLEL: the recurrent reads of linear attention equal the masked parallel form,
/// `y_t = (Σ_{s≤t} v_s k_sᵀ) q_t` = row t of `tril(Q Kᵀ) V` (arXiv eq. 14–16).
struct LaParallelClaim: ViewClaim {
    let id = "LA-PARALLEL"
    let statement = "Recurrent linear attention from M_0 = 0 (read after write, y_t = M_t q_t) equals the parallel form: row t of " +
                    "tril(Q K^T) V; reading before the write equals the strictly lower mask."
    let references = PaperReference(arxiv: ["14", "15", "16"], neurips: ["12", "13", "14"])
    let conventions = [Convention(Conventions.ReadOrder.afterWrite)]
    let symbolic = SymbolicStatus.sizes("d_k = 2, d_v = 2, T = 4; every entry of Q, K, V a variable")

    enum Mutant: String, ClaimMutant {
        case strictMask = "strict-mask"
        case noMask = "no-causal-mask"

        var summary: String {
            switch self {
            case .strictMask: "Off-by-one causal mask: the strictly lower mask for the read-after-write recurrence, and the " +
                              "inclusive mask for read-before-write (A13)."
            case .noMask: "No causal mask: every token reads the future."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let q: Matrix<Double>, k: Matrix<Double>, v: Matrix<Double>
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [Input(label: "d_k=2 d_v=2 T=4", q: .zeros(4, 2), k: .zeros(4, 2), v: .zeros(4, 2), variables: ["Q", "K", "V"])]
        }
        let exact = domain == .exact
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

    /// The recurrence (arXiv eq. 15–16) from `M_0 = 0`, token by token.
    static func recurrent<S: Scalar>(q: Matrix<S>, k: Matrix<S>, v: Matrix<S>, order: Conventions.ReadOrder) -> [S] {
        let trace = LinearAttention.recurrent(keys: (0..<k.rows).map { k.row($0) }, values: (0..<v.rows).map { v.row($0) },
                                              queries: (0..<q.rows).map { q.row($0) }, initial: .zeros(v.cols, k.cols),
                                              readOrder: order)
        return trace.outputs.flatMap(\.elements)
    }

    /// The architecture view: the parallel form `(Q Kᵀ ⊙ mask) V` with the inclusive mask (read
    /// after write) and the strict one (read before write), or a mutant's masks.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (q, k, v) = (s.matrix(x.q, "Q"), s.matrix(x.k, "K"), s.matrix(x.v, "V"))
        func mask(_ base: LinearAttention.Mask) -> LinearAttention.Mask {
            switch mutant {
            case .strictMask: base == .causal ? .strictlyCausal : .causal
            case .noMask: .none
            case nil: base
            }
        }
        let causal = LinearAttention.parallel(queries: q, keys: k, values: v, mask: mask(.causal)).elements
        // The float tier measures the inclusive mask only.
        let strict = s.domain == .float ? nil
            : LinearAttention.parallel(queries: q, keys: k, values: v, mask: mask(.strictlyCausal)).elements
        return [.compared("parallel form Y", causal, chain: x.q.rows + x.q.cols + 2), .compared("parallel form Y, strict mask", strict)]
    }

    /// The independent side: the recurrence, reading after and before each write.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let (q, k, v) = (s.matrix(x.q, "Q"), s.matrix(x.k, "K"), s.matrix(x.v, "V"))
        return [.compared("y_t read after write vs tril(QK^T)V", Self.recurrent(q: q, k: k, v: v, order: .afterWrite)),
                .compared("y_t read before write vs strict tril(QK^T)V", Self.recurrent(q: q, k: k, v: v, order: .beforeWrite))]
    }

    func workedExample() -> String {
        let q = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(1, 2), Rational(1)], [Rational(0), Rational(-1)]])
        let k = Matrix<Rational>([[Rational(1), Rational(1)], [Rational(-1), Rational(1, 2)], [Rational(2), Rational(0)]])
        let v = Matrix<Rational>([[Rational(1)], [Rational(2)], [Rational(-1, 2)]])
        let rec = Self.recurrent(q: q, k: k, v: v, order: .afterWrite)
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
