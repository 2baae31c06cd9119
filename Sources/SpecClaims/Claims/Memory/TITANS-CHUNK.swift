import ExactMath
import NestedLearning

/// TITANS-CHUNK: the chunked Titans memory update (gradients at the chunk-start state) equals
/// its unrolled form (Titans eq. 16, with momentum), and a chunk shorter than C, including a
/// whole sequence with T < C, still updates.
struct TitansChunkClaim: ViewClaim {
    let id = "TITANS-CHUNK"
    let statement = "The chunked Titans update S_t = eta_t S_{t-1} - theta_t u_t, M_t = (1 - alpha_t) M_{t-1} + S_t with u_t the " +
                    "gradient of 1/2||M k_t - v_t||^2 at the chunk-start state equals its unrolled form M_t = b_t M_0 + sum_i " +
                    "(b_t/b_i) S_i (ratios taken as products), for every chunk size, T < C included."
    let references = PaperReference(arxiv: ["Titans 8-16"], neurips: [])
    let conventions = [Convention(Conventions.TitansChunkAnchor.chunkStart), Convention(Conventions.TitansPartialChunk.updates)]
    let symbolic = SymbolicStatus.sizes("d_k = d_v = 2, T = 3, C = 1, 2 and 4 (a partial chunk, and T < C); every entry of M_0, k_t, " +
                                        "v_t and every gate alpha_t, eta_t, theta_t a variable")

    enum Mutant: String, ClaimMutant {
        case partialSkipped = "partial-chunk-skipped"
        case currentWeights = "gradients-at-current-state"

        var summary: String {
            switch self {
            case .partialSkipped: "a chunk shorter than C writes nothing (a sequence with T < C never updates the memory), a known " +
                                  "bug of public implementations."
            case .currentWeights: "gradients at M_{t-1} instead of the chunk-start state: the sequential rule, not the chunked one " +
                                  "(equal only when C = 1)."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let m0: Matrix<Double>
        let keys: [Vector<Double>], values: [Vector<Double>]
        let gates: [TitansMemory.Gates]
        let chunk: Int
        var variables: Set<String> = []
    }

    /// Gates cycling through full forgetting (alpha = 1), none, and ordinary values.
    static func gates(_ steps: Int) -> [TitansMemory.Gates] {
        (0..<steps).map { i in
            TitansMemory.Gates(alpha: [0.25, 0, 0.5, 1, 0.125][i % 5], eta: [0.5, 0.75, 0, 1, 0.25][i % 5],
                               theta: [0.5, 0.25, 1, 0.125, 0.75][i % 5])
        }
    }

    /// Chunk sizes 1, 2 and 3 over T = 5 (a partial final chunk), and C = 8 > T.
    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [1, 2, 4].map { c in
                Input(label: "d_k=2 d_v=2 T=3 C=\(c)", m0: .zeros(2, 2), keys: Support.zeros(3, 2), values: Support.zeros(3, 2),
                      gates: Self.gates(3), chunk: c, variables: ["M0", "k", "v", "alpha", "eta", "theta"])
            }
        }
        let exact = domain == .exact
        let shapes = exact ? [(3, 2), (2, 3)] : [(12, 10)]
        let chunks = exact ? [1, 2, 3, 8] : [4, 32]
        var out: [Input] = []
        for (dk, dv) in shapes {
            for c in chunks {
                var g = Support.exactGenerator(UInt64(10_000 + dk * 100 + dv * 10 + c))
                let steps = exact ? 5 : 24
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, n) }
                let m0 = exact ? g.matrix(dv, dk) : Support.floatMatrix(&g, dv, dk)
                out.append(Input(label: "d_k=\(dk) d_v=\(dv) T=\(steps) C=\(c)", m0: m0,
                                 keys: (0..<steps).map { _ in vec(dk) }, values: (0..<steps).map { _ in vec(dv) },
                                 gates: Self.gates(steps), chunk: c))
            }
        }
        return out
    }

    /// The inputs in `S`, the gates `alpha_t`, `eta_t`, `theta_t` on symbols.
    func lifted<S: Scalar>(_ x: Input, _ s: Lift<S>)
        -> (m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>], gates: [TitansMemory.ScalarGates<S>]) {
        let (alphas, etas, thetas) = (s.scalars(x.gates.map(\.alpha), "alpha"), s.scalars(x.gates.map(\.eta), "eta"),
                                      s.scalars(x.gates.map(\.theta), "theta"))
        return (s.matrix(x.m0, "M0"), s.sequence(x.keys, "k"), s.sequence(x.values, "v"),
                x.gates.indices.map { TitansMemory.ScalarGates(alpha: alphas[$0], eta: etas[$0], theta: thetas[$0]) })
    }

    /// The architecture view: the chunked recurrence, or a mutant of it.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (m0, keys, values, gates) = lifted(x, s)
        let t = keys.count
        let states: [Matrix<S>]
        switch mutant {
        case .currentWeights:
            states = TitansMemory.run(initial: m0, keys: keys, values: values, gates: gates, chunk: 1)
        case .partialSkipped:
            let full = (t / x.chunk) * x.chunk
            var out = full > 0 ? TitansMemory.run(initial: m0, keys: Array(keys[..<full]), values: Array(values[..<full]),
                                                  gates: Array(gates[..<full]), chunk: x.chunk) : []
            out += Array(repeating: out.last ?? m0, count: t - full)
            states = out
        case nil:
            states = TitansMemory.run(initial: m0, keys: keys, values: values, gates: gates, chunk: x.chunk)
        }
        return [.compared("M_1..M_T", states.flatMap(\.elements), chain: t * (2 * x.m0.cols + 8))]
    }

    /// The optimization view: the unrolled form, gradients by dual numbers.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let (m0, keys, values, gates) = lifted(x, s)
        return [.compared("M_1..M_T: unrolled form (gradients by dual numbers, decays as products)",
                          Self.unrolled(m0: m0, keys: keys, values: values, gates: gates, chunk: x.chunk).flatMap(\.elements))]
    }

    /// The unrolled form: gradients by dual numbers at the chunk-start states the unrolled form
    /// itself produces, `S_i = Σ_{j≤i} (Π_{l=j+1..i} η_l)(−θ_j u_j)` and
    /// `M_t = (Π_{l≤t}(1 − α_l)) M_0 + Σ_{i≤t} (Π_{l=i+1..t}(1 − α_l)) S_i`.
    static func unrolled<S: Scalar>(m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>], gates: [TitansMemory.ScalarGates<S>],
                                    chunk: Int) -> [Matrix<S>] {
        let t = keys.count
        let keep = gates.map { S(1) - $0.alpha }
        let eta = gates.map(\.eta), theta = gates.map(\.theta)
        func product(_ xs: [S], _ r: Range<Int>) -> S { r.reduce(S(1)) { $0 * xs[$1] } }
        var u: [Matrix<S>] = []
        var states: [Matrix<S>] = []
        for i in 0..<t {
            let anchorIndex = (i / chunk) * chunk   // tokens before the chunk start
            let anchor = anchorIndex == 0 ? m0 : states[anchorIndex - 1]
            let k = Support.dual(keys[i]), v = Support.dual(values[i])
            u.append(Support.gradient(at: anchor) { mm in Dual(1) / Dual(2) * (mm * k - v).squaredNorm })
            let surprises = (0...i).map { a in
                (0...a).reduce(Matrix<S>.zeros(m0.rows, m0.cols)) { acc, j in
                    acc - (product(eta, (j + 1)..<(a + 1)) * theta[j]) * u[j]
                }
            }
            let m = (0...i).reduce(product(keep, 0..<(i + 1)) * m0) { acc, a in acc + product(keep, (a + 1)..<(i + 1)) * surprises[a] }
            states.append(m)
        }
        return states
    }

    func workedExample() -> String {
        let input = Input(label: "", m0: Matrix([[1, 0], [0, 1]]), keys: [Vector([1, 0]), Vector([0, 1]), Vector([1, 1])],
                          values: [Vector([0, 1]), Vector([1, 0]), Vector([1, 1])],
                          gates: [TitansMemory.Gates(alpha: 0.5, eta: 0.5, theta: 0.5), TitansMemory.Gates(alpha: 0, eta: 1, theta: 1),
                                  TitansMemory.Gates(alpha: 0.25, eta: 0.5, theta: 0.5)], chunk: 4)
        func run(_ mutant: Mutant?) -> [Matrix<Rational>] {
            architecture(input, Lift.exact(), mutant)![0].values!.chunked(4).map { Matrix(rows: 2, cols: 2, elements: $0) }
        }
        let arch = run(nil), skipped = run(.partialSkipped)
        let unrolled = optimization(input, Lift.exact())[0].values!.chunked(4).map { Matrix(rows: 2, cols: 2, elements: $0) }
        return [
            "d_k = d_v = 2, T = 3 tokens, chunk C = 4 > T: one partial chunk, every gradient at M_0.",
            Show.m("M_0", input.m0.lifted(to: Rational.self)),
            "keys (1,0), (0,1), (1,1); values (0,1), (1,0), (1,1);",
            "gates (alpha, eta, theta): (1/2, 1/2, 1/2), (0, 1, 1), (1/4, 1/2, 1/2).",
            "Architecture view, S_t = eta S_{t-1} - theta (M_0 k_t - v_t) k_t^T, M_t = (1 - alpha) M_{t-1} + S_t:",
            Show.m("M_1", arch[0]), Show.m("M_2", arch[1]), Show.m("M_3", arch[2]),
            "Optimization view, unrolled: gradients of 1/2||M_0 k - v||^2 by dual numbers, decays as products:",
            Show.m("M_3", unrolled[2]),
            Show.verdict(unrolled == arch),
            "With partial chunks skipped (T < C never writes), the memory would stay at M_0:", Show.m("M_3 (mutant)", skipped[2]),
        ].joined(separator: "\n")
    }
}
