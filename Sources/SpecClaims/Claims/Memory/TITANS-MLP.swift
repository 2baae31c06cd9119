import ExactMath
import NestedLearning

/// TITANS-MLP: the Titans memory with a 2-layer MLP memory (Titans §3.1, eq. 8–16, L_M = 2): the
/// hand-derived chunked update (backprop at the chunk-start parameters, momentum, forgetting)
/// equals its unrolled form with gradients by dual numbers.
struct TitansMlpClaim: ViewClaim {
    let id = "TITANS-MLP"
    let statement = "The Titans memory with a 2-layer MLP memory M(k) = W2 phi(W1 k): u_t = grad_theta 1/2||M(k_t) - v_t||^2 at the " +
                    "chunk-start parameters, S_t = eta_t S_{t-1} - theta_t u_t, theta_t = (1 - alpha_t) theta_{t-1} + S_t, computed " +
                    "with the memory's backprop, equals its unrolled form theta_t = b_t theta_0 + sum_i (b_t/b_i) S_i (ratios taken " +
                    "as products, so alpha = 1 is allowed) with gradients by dual numbers, for every chunk size, T < C included."
    let references = PaperReference(arxiv: ["Titans 8-16", "Titans §3.1 (deep memory)"], neurips: [])
    let conventions = [Convention(Conventions.TitansChunkAnchor.chunkStart), Convention(Conventions.TitansPartialChunk.updates),
                       Convention(Conventions.TitansDeepMemoryGates.allParameters)]
    let symbolic = SymbolicStatus.sizes("d_k = d_h = d_v = 2, phi(z) = z + z^2/2, the gates of the exact tier. Every entry of W1 and " +
                                        "W2 a variable with the tokens fixed: T = 3, C = 4 (one partial chunk, every gradient at " +
                                        "theta_0). Every entry of k_t and v_t a variable with theta_0 fixed: T = 2, C = 2. Every " +
                                        "entry of v_t a variable with theta_0 and the keys fixed: T = 2, C = 1 and T = 3, C = 2 " +
                                        "(gradients at moving anchors; the degree grows fivefold per anchor, so a symbolic theta_0 " +
                                        "there does not finish). The fixed values are the exact tier's C = 1 case. The " +
                                        "gradients-at-current-parameters mutant, per-token updates, is judged on symbolic values at " +
                                        "T = 2, C = 2.")

    enum Mutant: String, ClaimMutant {
        case currentParameters = "gradients-at-current-parameters"
        case droppedJacobian = "activation-derivative-dropped"
        case forgetSurprise = "forgetting-on-the-surprise"

        var summary: String {
            switch self {
            case .currentParameters: "gradients at the running parameters instead of the chunk start (equal only when C = 1)."
            case .droppedJacobian: "the memory's backprop without phi'(z) for W1."
            case .forgetSurprise: "theta_t = theta_{t-1} + (1 - alpha_t) S_t: the forgetting gate applied to the surprise instead of " +
                                  "the memory."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let memory: TwoLayerMLP<Rational>
        let keys: [Vector<Rational>], values: [Vector<Rational>]
        let gates: [TitansMemory.Gates]
        let chunk: Int
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return symbolicRuns(currentParameters: false) }
        typealias Q = Rational
        let exact = domain == .exact
        let chunks = exact ? [1, 2, 3, 8] : [1, 3]
        let (dk, dh, dv, steps) = exact ? (2, 2, 2, 5) : (3, 3, 2, 6)
        return chunks.map { c in
            var g = Support.exactGenerator(19_000 + UInt64(c))
            func mat(_ r: Int, _ cc: Int) -> Matrix<Q> {
                (exact ? g.matrix(r, cc, numeratorBound: 3, exponent: 2) : g.matrix(r, cc, numeratorBound: 63, exponent: 7))
                    .lifted(to: Q.self)
            }
            func vec(_ n: Int) -> Vector<Q> {
                (exact ? g.vector(n, numeratorBound: 3, exponent: 1) : g.vector(n, numeratorBound: 63, exponent: 6)).lifted(to: Q.self)
            }
            return Input(label: "d_k=\(dk) d_h=\(dh) d_v=\(dv) T=\(steps) C=\(c)", memory: TwoLayerMLP(w1: mat(dh, dk), w2: mat(dv, dh)),
                         keys: (0..<steps).map { _ in vec(dk) }, values: (0..<steps).map { _ in vec(dv) },
                         gates: TitansChunkClaim.gates(steps), chunk: c)
        }
    }

    func symbolicInputs(_ mutant: Mutant?) -> [Input] { symbolicRuns(currentParameters: mutant == .currentParameters) }

    /// The symbolic runs from the exact tier's C = 1 case; the per-token mutant on one run only.
    func symbolicRuns(currentParameters: Bool) -> [Input] {
        let fixed = inputs(.exact)[0]
        func run(_ label: String, _ steps: Int, _ chunk: Int, _ variables: Set<String>) -> Input {
            Input(label: label, memory: fixed.memory, keys: Array(fixed.keys.prefix(steps)), values: Array(fixed.values.prefix(steps)),
                  gates: Array(fixed.gates.prefix(steps)), chunk: chunk, variables: variables)
        }
        if currentParameters { return [run("v_t symbolic, T=2 C=2", 2, 2, ["v"])] }
        return [run("W1, W2 symbolic, T=3 C=4", 3, 4, ["W1", "W2"]), run("k_t, v_t symbolic, T=2 C=2", 2, 2, ["k", "v"]),
                run("v_t symbolic, T=2 C=1", 2, 1, ["v"]), run("v_t symbolic, T=3 C=2", 3, 2, ["v"])]
    }

    /// The architecture view (or a mutant): the parameters after every token.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let run = Self.run(memory: s.mlp(x.memory, "W1", "W2"), keys: s.sequence(x.keys, "k"), values: s.sequence(x.values, "v"),
                           gates: x.gates, chunk: x.chunk, mutant: mutant)
        return [.compared("theta_1..theta_T", run, chain: x.keys.count * (4 * x.memory.w1.rows + 2 * x.memory.w1.cols + 8))]
    }

    static func run<S: Scalar>(memory m0: TwoLayerMLP<S>, keys: [Vector<S>], values: [Vector<S>], gates: [TitansMemory.Gates], chunk: Int,
                               mutant: Mutant?) -> [S] {
        switch mutant {
        case .currentParameters:
            return TitansMLPMemory.run(initial: m0, keys: keys, values: values, gates: gates, chunk: 1).flatMap(\.flatParameters)
        case .droppedJacobian, .forgetSurprise:
            var theta = m0.flatParameters, s = Array(repeating: S.zero, count: theta.count), out: [S] = []
            for start in stride(from: 0, to: keys.count, by: chunk) {
                let anchor = m0.withFlatParameters(theta)
                for t in start..<min(start + chunk, keys.count) {
                    var u = TitansMLPMemory.surpriseGradient(anchor, key: keys[t], value: values[t])
                    if mutant == .droppedJacobian {
                        let f = anchor.forward(keys[t])
                        let w1 = Matrix.outer(anchor.w2.transposed * (f.output - values[t]), keys[t])
                        u = w1.elements + Array(u[(anchor.w1.elements.count)...])
                    }
                    let g = gates[t]
                    let (keep, eta, step) = (S(1) - S(dyadic: g.alpha), S(dyadic: g.eta), S(dyadic: g.theta))
                    s = zip(s, u).map { eta * $0 - step * $1 }
                    theta = mutant == .forgetSurprise ? zip(theta, s).map { $0 + keep * $1 } : zip(theta, s).map { keep * $0 + $1 }
                    out += theta
                }
            }
            return out
        case nil:
            return TitansMLPMemory.run(initial: m0, keys: keys, values: values, gates: gates, chunk: chunk).flatMap(\.flatParameters)
        }
    }

    /// The optimization view: the unrolled form over the flat parameters, `u_j` the dual-number
    /// gradient of `½‖W₂ φ(W₁ k_j) − v_j‖²` (written as code) at the chunk-start parameters the
    /// unrolled form itself produces; `S_i = Σ_{j≤i} (Π_{l=j+1..i} η_l)(−θ_j u_j)`,
    /// `θ_t = (Π_{l≤t}(1 − α_l)) θ_0 + Σ_{i≤t} (Π_{l=i+1..t}(1 − α_l)) S_i`.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        [.compared("theta_1..theta_T: unrolled form (gradients by dual numbers, decays as products)",
                   Self.unrolled(memory: s.mlp(x.memory, "W1", "W2"), keys: s.sequence(x.keys, "k"), values: s.sequence(x.values, "v"),
                                 gates: x.gates, chunk: x.chunk))]
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

    func workedExample() -> String {
        typealias Q = Rational
        let input = Input(label: "", memory: TwoLayerMLP(w1: Matrix([[Q(1), Q(0)]]), w2: Matrix([[Q(1)], [Q(-1, 2)]])),
                          keys: [Vector([Q(1), Q(1)]), Vector([Q(0), Q(1)])], values: [Vector([Q(1), Q(0)]), Vector([Q(0), Q(1)])],
                          gates: [TitansMemory.Gates(alpha: 0.5, eta: 0.5, theta: 0.5), TitansMemory.Gates(alpha: 0, eta: 1, theta: 1)],
                          chunk: 2)
        let arch = architecture(input, Lift.exact(), nil)![0].values!, opt = optimization(input, Lift.exact())[0].values!
        func show(_ v: [Q], _ t: Int) -> String {
            let s = Array(v[(t * 4)..<(t * 4 + 4)])
            return "  theta_\(t + 1): W1 = (\(s[0]), \(s[1])), W2 = (\(s[2]), \(s[3]))ᵀ"
        }
        return [
            "Memory M(k) = W2 phi(W1 k), phi(z) = z + z^2/2, d_k = d_v = 2, hidden size 1; one chunk of C = 2 tokens (both gradients " +
            "at theta_0).",
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
