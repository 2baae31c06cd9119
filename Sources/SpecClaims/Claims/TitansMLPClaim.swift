import ExactMath
import NestedLearning

/// TITANS-MLP: the Titans memory with a 2-layer MLP memory (Titans §3.1, eq. 8–16, L_M = 2): the
/// hand-derived chunked update (backprop at the chunk-start parameters, momentum, forgetting)
/// equals its unrolled form with gradients by dual numbers.
struct TitansMLPClaim: SymbolicClaim {
    let id = "TITANS-MLP"
    let statement = "The Titans memory with a 2-layer MLP memory M(k) = W2 phi(W1 k): u_t = grad_theta 1/2||M(k_t) - v_t||^2 at the chunk-start parameters, S_t = eta_t S_{t-1} - theta_t u_t, theta_t = (1 - alpha_t) theta_{t-1} + S_t, computed with the memory's backprop, equals its unrolled form theta_t = b_t theta_0 + sum_i (b_t/b_i) S_i (ratios taken as products, so alpha = 1 is allowed) with gradients by dual numbers, for every chunk size, T < C included."
    let references = PaperReference(arxiv: ["Titans 8-16", "Titans §3.1 (deep memory)"], neurips: [])
    let conventions = ["chunk anchor t' = C floor((t - 1)/C)", "partial chunks update", "momentum and forgetting act on all of theta = vec(W1) || vec(W2)"]
    static let currentParameters = "TITANS-MLP/gradients-at-current-parameters"
    static let droppedJacobian = "TITANS-MLP/activation-derivative-dropped"
    static let forgetSurprise = "TITANS-MLP/forgetting-on-the-surprise"
    let mutants = [
        Mutant(id: currentParameters, summary: "gradients at the running parameters instead of the chunk start (equal only when C = 1)."),
        Mutant(id: droppedJacobian, summary: "the memory's backprop without phi'(z) for W1."),
        Mutant(id: forgetSurprise, summary: "theta_t = theta_{t-1} + (1 - alpha_t) S_t: the forgetting gate applied to the surprise instead of the memory."),
    ]

    struct Input {
        let label: String
        let memory: TwoLayerMLP<Rational>
        let keys: [Vector<Rational>], values: [Vector<Rational>]
        let gates: [TitansMemory.Gates]
        let chunk: Int
    }

    func inputs(exact: Bool) -> [Input] {
        typealias Q = Rational
        let chunks = exact ? [1, 2, 3, 8] : [1, 3]
        let (dk, dh, dv, steps) = exact ? (2, 2, 2, 5) : (3, 3, 2, 6)
        return chunks.map { c in
            var g = Support.exactGenerator(19_000 + UInt64(c))
            func mat(_ r: Int, _ cc: Int) -> Matrix<Q> {
                (exact ? g.matrix(r, cc, numeratorBound: 3, exponent: 2) : g.matrix(r, cc, numeratorBound: 63, exponent: 7)).lifted(to: Q.self)
            }
            func vec(_ n: Int) -> Vector<Q> {
                (exact ? g.vector(n, numeratorBound: 3, exponent: 1) : g.vector(n, numeratorBound: 63, exponent: 6)).lifted(to: Q.self)
            }
            let gates = (0..<steps).map { i in
                TitansMemory.Gates(alpha: [0.25, 0, 0.5, 1, 0.125][i % 5], eta: [0.5, 0.75, 0, 1, 0.25][i % 5], theta: [0.5, 0.25, 1, 0.125, 0.75][i % 5])
            }
            return Input(label: "d_k=\(dk) d_h=\(dh) d_v=\(dv) T=\(steps) C=\(c)", memory: TwoLayerMLP(w1: mat(dh, dk), w2: mat(dv, dh)),
                         keys: (0..<steps).map { _ in vec(dk) }, values: (0..<steps).map { _ in vec(dv) }, gates: gates, chunk: c)
        }
    }

    /// The architecture view (or a mutant): the parameters after every token.
    static func run<S: Scalar>(_ input: Input, mutant: String?, lift: (Rational) -> S) -> [S] {
        run(memory: input.memory.map(lift), keys: input.keys.map { $0.map(lift) }, values: input.values.map { $0.map(lift) },
            gates: input.gates, chunk: input.chunk, mutant: mutant)
    }

    static func run<S: Scalar>(memory m0: TwoLayerMLP<S>, keys: [Vector<S>], values: [Vector<S>], gates: [TitansMemory.Gates], chunk: Int,
                               mutant: String?) -> [S] {
        switch mutant {
        case currentParameters:
            return TitansMLPMemory.run(initial: m0, keys: keys, values: values, gates: gates, chunk: 1).flatMap(\.flatParameters)
        case droppedJacobian, forgetSurprise:
            var theta = m0.flatParameters, s = Array(repeating: S.zero, count: theta.count), out: [S] = []
            for start in stride(from: 0, to: keys.count, by: chunk) {
                let anchor = m0.withFlatParameters(theta)
                for t in start..<min(start + chunk, keys.count) {
                    var u = TitansMLPMemory.surpriseGradient(anchor, key: keys[t], value: values[t])
                    if mutant == droppedJacobian {
                        let f = anchor.forward(keys[t])
                        u = Matrix.outer(anchor.w2.transposed * (f.output - values[t]), keys[t]).elements + Array(u[(anchor.w1.elements.count)...])
                    }
                    let g = gates[t]
                    let (keep, eta, step) = (S(1) - S(dyadic: g.alpha), S(dyadic: g.eta), S(dyadic: g.theta))
                    s = zip(s, u).map { eta * $0 - step * $1 }
                    theta = mutant == forgetSurprise ? zip(theta, s).map { $0 + keep * $1 } : zip(theta, s).map { keep * $0 + $1 }
                    out += theta
                }
            }
            return out
        default:
            return TitansMLPMemory.run(initial: m0, keys: keys, values: values, gates: gates, chunk: chunk).flatMap(\.flatParameters)
        }
    }

    /// The unrolled form over the flat parameters, `u_j` the dual-number gradient of
    /// `½‖W₂ φ(W₁ k_j) − v_j‖²` (written as code) at the chunk-start parameters the unrolled form
    /// itself produces; `S_i = Σ_{j≤i} (Π_{l=j+1..i} η_l)(−θ_j u_j)`,
    /// `θ_t = (Π_{l≤t}(1 − α_l)) θ_0 + Σ_{i≤t} (Π_{l=i+1..t}(1 − α_l)) S_i`.
    static func unrolled(_ input: Input) -> [Rational] {
        unrolled(memory: input.memory, keys: input.keys, values: input.values, gates: input.gates, chunk: input.chunk)
    }

    static func unrolled<Q: Scalar>(memory shape: TwoLayerMLP<Q>, keys: [Vector<Q>], values: [Vector<Q>], gates: [TitansMemory.Gates],
                                    chunk: Int) -> [Q] {
        let t = keys.count
        let keep = gates.map { Q(1) - Q(dyadic: $0.alpha) }
        let eta = gates.map { Q(dyadic: $0.eta) }, step = gates.map { Q(dyadic: $0.theta) }
        func product(_ xs: [Q], _ r: Range<Int>) -> Q { r.reduce(Q(1)) { $0 * xs[$1] } }
        let theta0 = shape.flatParameters
        var u: [[Q]] = [], states: [[Q]] = []
        for i in 0..<t {
            let anchorIndex = (i / chunk) * chunk
            let anchor = anchorIndex == 0 ? theta0 : states[anchorIndex - 1]
            let (k, v) = (Support.dual(keys[i]), Support.dual(values[i]))
            let loss = Objective<Q>(dimension: theta0.count) { th in
                Dual(1) / Dual(2) * (shape.map { Dual(constant: $0) }.withFlatParameters(th)(k) - v).squaredNorm
            }
            u.append(loss.gradient(at: anchor))
            let surprises = (0...i).map { a in
                (0...a).reduce(Array(repeating: Q(0), count: theta0.count)) { acc, j in
                    zip(acc, u[j]).map { $0 - product(eta, (j + 1)..<(a + 1)) * step[j] * $1 }
                }
            }
            let base = theta0.map { product(keep, 0..<(i + 1)) * $0 }
            states.append((0...i).reduce(base) { acc, a in zip(acc, surprises[a]).map { $0 + product(keep, (a + 1)..<(i + 1)) * $1 } })
        }
        return states.flatMap { $0 }
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).map { input in
            .exact(input.label, "theta_1..theta_T: unrolled form (gradients by dual numbers, decays as products)",
                   expected: Self.unrolled(input), actual: Self.run(input, mutant: mutant, lift: { $0 }))
        }
    }

    let symbolicSizes = "d_k = d_h = d_v = 2, phi(z) = z + z^2/2, the gates of the exact tier. Every entry of W1 and W2 a variable with the tokens fixed: T = 3, C = 4 (one partial chunk, every gradient at theta_0). Every entry of k_t and v_t a variable with theta_0 fixed: T = 2, C = 2. Every entry of v_t a variable with theta_0 and the keys fixed: T = 2, C = 1 and T = 3, C = 2 (gradients at moving anchors; the degree grows fivefold per anchor, so a symbolic theta_0 there does not finish). The fixed values are the exact tier's C = 1 case. The gradients-at-current-parameters mutant, per-token updates, is judged on symbolic values at T = 2, C = 2."

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        typealias F = RationalFunction
        let fixed = inputs(exact: true)[0]
        let memory = fixed.memory.map { F(constant: $0) }
        let keys = fixed.keys.map(Symbols.constant), values = fixed.values.map(Symbols.constant)
        var runs: [(label: String, memory: TwoLayerMLP<F>, keys: [Vector<F>], values: [Vector<F>], chunk: Int)] = [
            ("W1, W2 symbolic, T=3 C=4", TwoLayerMLP(w1: Symbols.matrix("W1", 2, 2), w2: Symbols.matrix("W2", 2, 2)),
             Array(keys.prefix(3)), Array(values.prefix(3)), 4),
            ("k_t, v_t symbolic, T=2 C=2", memory, Symbols.sequence("k", count: 2, 2), Symbols.sequence("v", count: 2, 2), 2),
            ("v_t symbolic, T=2 C=1", memory, Array(keys.prefix(2)), Symbols.sequence("v", count: 2, 2), 1),
            ("v_t symbolic, T=3 C=2", memory, Array(keys.prefix(3)), Symbols.sequence("v", count: 3, 2), 2),
        ]
        if mutant == Self.currentParameters {
            runs = [("v_t symbolic, T=2 C=2", memory, Array(keys.prefix(2)), Symbols.sequence("v", count: 2, 2), 2)]
        }
        return runs.map { r in
            let gates = Array(fixed.gates.prefix(r.keys.count))
            return .compare(r.label, "theta_1..theta_T: unrolled form (gradients by dual numbers, decays as products)",
                            expected: Self.unrolled(memory: r.memory, keys: r.keys, values: r.values, gates: gates, chunk: r.chunk),
                            actual: Self.run(memory: r.memory, keys: r.keys, values: r.values, gates: gates, chunk: r.chunk, mutant: mutant))
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            .float(input.label, "theta_1..theta_T", exact: Self.run(input, mutant: nil, lift: { $0 }),
                   computed: Self.run(input, mutant: mutant, lift: { $0.roundedDouble }),
                   bound: Support.bound(chain: input.keys.count * (4 * input.memory.w1.rows + 2 * input.memory.w1.cols + 8)))
        }
    }

    func workedExample() -> String {
        typealias Q = Rational
        let input = Input(label: "", memory: TwoLayerMLP(w1: Matrix([[Q(1), Q(0)]]), w2: Matrix([[Q(1)], [Q(-1, 2)]])),
                          keys: [Vector([Q(1), Q(1)]), Vector([Q(0), Q(1)])], values: [Vector([Q(1), Q(0)]), Vector([Q(0), Q(1)])],
                          gates: [TitansMemory.Gates(alpha: 0.5, eta: 0.5, theta: 0.5), TitansMemory.Gates(alpha: 0, eta: 1, theta: 1)], chunk: 2)
        let arch = Self.run(input, mutant: nil, lift: { $0 }), opt = Self.unrolled(input)
        func show(_ v: [Q], _ t: Int) -> String {
            let s = Array(v[(t * 4)..<(t * 4 + 4)])
            return "  theta_\(t + 1): W1 = (\(s[0]), \(s[1])), W2 = (\(s[2]), \(s[3]))ᵀ"
        }
        return [
            "Memory M(k) = W2 phi(W1 k), phi(z) = z + z^2/2, d_k = d_v = 2, hidden size 1; one chunk of C = 2 tokens (both gradients at theta_0).",
            "theta_0: W1 = (1, 0), W2 = (1, -1/2)ᵀ; keys (1, 1), (0, 1); values (1, 0), (0, 1);",
            "gates (alpha, eta, theta): (1/2, 1/2, 1/2), (0, 1, 1).",
            "Architecture view, hand-derived backprop at theta_0, S_t = eta S_{t-1} - theta u_t, theta_t = (1 - alpha) theta_{t-1} + S_t:",
            show(arch, 0), show(arch, 1),
            "Optimization view, unrolled, gradients of 1/2||W2 phi(W1 k) - v||^2 by dual numbers:",
            show(opt, 0), show(opt, 1),
            Show.verdict(arch == opt),
        ].joined(separator: "\n")
    }
}
