import ExactMath
import NestedLearning

/// OPT-DMGD: deep momentum GD (arXiv eq. 50, NeurIPS eq. 23) with a 2-layer MLP memory: the
/// hand-derived update (memory backprop written out) equals GD on the memory's inner objective
/// with parameter decay, gradients by dual numbers, over a trajectory in which every gradient
/// depends on the weights the memory produced.
struct OptDmgdClaim: ViewClaim {
    let id = "OPT-DMGD"
    let statement = "Deep momentum GD (arXiv eq. 50): u_i = grad_W L(W_i; x_i), m_{i+1} = alpha m_i - eta grad_m L2(m_i; u_i), " +
                    "W_{i+1} = W_i + m_{i+1}(u_i), with m a 2-layer MLP memory of vec(u); the hand-derived memory update equals one " +
                    "GD step of size eta on L2 + (1 - alpha)/(2 eta)||theta_m||^2 over the memory's parameters, over a whole trajectory."
    let references = PaperReference(arxiv: ["50"], neurips: ["23"])
    let conventions = [Convention(Conventions.DMGDObjective.regressNegativeGradient, note: "and dotProductWithOnes"),
                       Convention(Conventions.DMGDRetention.decaysParameters), Convention(Conventions.DMGDWeightUpdate.addMemoryOutput)]
    let symbolic = SymbolicStatus.sizes("W is 1 x 2, the memory 2 -> 1 -> 2 with phi(z) = z + z^2/2, both objectives; the fixed " +
                                        "values are W_0 = (1, -1/2), memory W1 = (1/2, 1), W2 = (-1/2, 1/4)^T, (x_1, y_1) = ((1, " +
                                        "1/2), 1/2), (x_2, y_2) = ((-1, 1), 0). One step (T = 1): every entry of the memory's W1 and " +
                                        "W2, alpha and eta variables; and every entry of x_1, y_1, alpha and eta variables. Two " +
                                        "steps (T = 2, the second gradient taken at the weights the memory wrote): alpha and eta " +
                                        "variables. Symbolic W_0 together with a symbolic memory, or any symbolic weights over two " +
                                        "steps, do not finish in 30 s.")

    enum Mutant: String, ClaimMutant {
        case staleMemory = "output-of-old-memory"
        case noDecay = "no-parameter-decay"
        case droppedJacobian = "activation-derivative-dropped"

        var summary: String {
            switch self {
            case .staleMemory: "W_{i+1} = W_i + m_i(u_i): the update read from the memory before its inner step."
            case .noDecay: "m_{i+1} = m_i - eta grad L2: the retention alpha not applied to the memory's parameters."
            case .droppedJacobian: "the memory's backprop without phi'(z): delta_1 = W_2^T e."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let w0: Matrix<Rational>
        let memory: TwoLayerMLP<Rational>
        let samples: [(x: Vector<Rational>, y: Vector<Rational>)]
        let alpha: Rational, eta: Rational
        let objective: Conventions.DMGDObjective
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return symbolicRuns() }
        let exact = domain == .exact
        typealias Q = Rational
        let shapes = exact ? [(2, 2, 3)] : [(2, 3, 3)]
        let settings: [(Q, Q)] = exact ? [(Q(1), Q(1, 4)), (Q(3, 4), Q(1, 8))] : [(Q(7, 8), Q(1, 16))]
        var out: [Input] = []
        for objective in Conventions.DMGDObjective.allCases {
            for (alpha, eta) in settings {
                for (p, n, h) in shapes {
                    var g = Support.exactGenerator(15_000 + UInt64(p * 100 + n * 10 + h) + (objective == .dotProductWithOnes ? 700 : 0)
                                                   + (alpha == Q(1) ? 0 : 50))
                    func mat(_ r: Int, _ c: Int) -> Matrix<Q> {
                        (exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : g.matrix(r, c, numeratorBound: 63, exponent: 8))
                            .lifted(to: Q.self)
                    }
                    func vec(_ k: Int) -> Vector<Q> {
                        (exact ? g.vector(k, numeratorBound: 3, exponent: 1) : g.vector(k, numeratorBound: 63, exponent: 6))
                            .lifted(to: Q.self)
                    }
                    let steps = exact ? 3 : 4
                    let d = p * n
                    out.append(Input(label: "\(objective.rawValue) W=\(p)x\(n) hidden=\(h) alpha=\(alpha) eta=\(eta) T=\(steps)",
                                     w0: mat(p, n), memory: TwoLayerMLP(w1: mat(h, d), w2: mat(d, h)),
                                     samples: (0..<steps).map { _ in (vec(n), vec(p)) }, alpha: alpha, eta: eta, objective: objective))
                }
            }
        }
        return out
    }

    /// The symbolic runs, from ``symbolicStart``: `alpha`, `eta` always variables, and the memory
    /// (`A`, `B`) or the first sample (`x1`, `y1`) for one step, nothing else for two.
    func symbolicRuns() -> [Input] {
        let fixed = Self.symbolicStart
        return Conventions.DMGDObjective.allCases.flatMap { objective in
            [Input(label: "\(objective.rawValue) T=1 (memory, alpha, eta symbolic)", w0: fixed.w0, memory: fixed.memory,
                   samples: [fixed.samples[0]],
                   alpha: Rational(0), eta: Rational(0), objective: objective, variables: ["A", "B", "alpha", "eta"]),
             Input(label: "\(objective.rawValue) T=1 (x_1, y_1, alpha, eta symbolic)", w0: fixed.w0, memory: fixed.memory,
                   samples: [fixed.samples[0]],
                   alpha: Rational(0), eta: Rational(0), objective: objective, variables: ["x", "y", "alpha", "eta"]),
             Input(label: "\(objective.rawValue) T=2 (alpha, eta symbolic)", w0: fixed.w0, memory: fixed.memory, samples: fixed.samples,
                   alpha: Rational(0), eta: Rational(0), objective: objective, variables: ["alpha", "eta"])]
        }
    }

    /// The inputs in `S`.
    func lifted<S: Scalar>(_ x: Input, _ s: Lift<S>)
        -> (w0: Matrix<S>, memory: TwoLayerMLP<S>, samples: [(x: Vector<S>, y: Vector<S>)], alpha: S, eta: S) {
        let xs = s.sequence(x.samples.map(\.x), "x"), ys = s.sequence(x.samples.map(\.y), "y")
        return (s.matrix(x.w0), s.mlp(x.memory, "A", "B"), zip(xs, ys).map { (x: $0, y: $1) }, s.scalar(x.alpha, "alpha"),
                s.scalar(x.eta, "eta"))
    }

    /// The architecture view: `DeepMomentum.run`, or a mutant of it. Weights, then the memories'
    /// parameters, per step.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let v = lifted(x, s)
        let run = Self.run(w0: v.w0, memory: v.memory, samples: v.samples, alpha: v.alpha, eta: v.eta, objective: x.objective,
                           mutant: mutant)
        let d = x.w0.elements.count, h = x.memory.w1.rows
        return [.compared("W_1..W_T and the memory's parameters", run, chain: x.samples.count * (4 * d + 2 * h + 8))]
    }

    static func run<S: Scalar>(w0: Matrix<S>, memory m0: TwoLayerMLP<S>, samples: [(x: Vector<S>, y: Vector<S>)], alpha: S, eta: S,
                               objective: Conventions.DMGDObjective, mutant: Mutant?) -> [S] {
        guard let mutant else {
            let r = DeepMomentum.run(w0: w0, memory: m0, samples: samples, alpha: alpha, eta: eta, objective: objective)
            return zip(r.weights, r.memories).flatMap { $0.elements + $1.flatParameters }
        }
        var w = w0, m = m0, out: [S] = []
        for s in samples {
            let u = Vector(DeepMomentum.regressionGradient(w, x: s.x, y: s.y).elements)
            let old = m
            switch mutant {
            case .noDecay:
                m = DeepMomentum.memoryStep(m, gradient: u, alpha: .one, eta: eta, objective: objective)
            case .droppedJacobian:
                let f = m.forward(u)
                let e = DeepMomentum.outputGradient(objective, output: f.output, gradient: u)
                m = TwoLayerMLP(w1: alpha * m.w1 - eta * Matrix.outer(m.w2.transposed * e, u),
                                w2: alpha * m.w2 - eta * Matrix.outer(e, f.hidden), activation: m.activation)
            case .staleMemory:
                m = DeepMomentum.memoryStep(m, gradient: u, alpha: alpha, eta: eta, objective: objective)
            }
            let update = (mutant == .staleMemory ? old : m)(u)
            w = w + Matrix(rows: w.rows, cols: w.cols, elements: update.elements)
            out += w.elements + m.flatParameters
        }
        return out
    }

    /// The optimization view. Per step: `u` by dual numbers on `½‖W x − y‖²`; the memory's
    /// parameters `θ` take one GD step of size 1 on `η L⁽²⁾(m_θ(u); u) + (1 − α)/2 ‖θ‖²` (the
    /// objective times `η`), `L⁽²⁾` written as code on the memory's dual-number forward pass; then
    /// `W + m_{i+1}(u)`.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let v = lifted(x, s)
        return [.compared("W_1..W_T and the memory's parameters",
                          Self.nestedGD(w0: v.w0, memory: v.memory, samples: v.samples, alpha: v.alpha, eta: v.eta,
                                        objective: x.objective))]
    }

    static func nestedGD<Q: Scalar>(w0: Matrix<Q>, memory: TwoLayerMLP<Q>, samples: [(x: Vector<Q>, y: Vector<Q>)], alpha a: Q, eta e: Q,
                                    objective: Conventions.DMGDObjective) -> [Q] {
        var w = w0, m = memory
        var out: [Q] = []
        let (eta, alpha) = (Dual(constant: e), Dual(constant: a))
        for s in samples {
            let (x, y) = (Support.dual(s.x), Support.dual(s.y))
            let outer = Objective<Q>(dimension: w.elements.count) { th in
                Dual(1) / Dual(2) * (Matrix(rows: w0.rows, cols: w0.cols, elements: th) * x - y).squaredNorm
            }
            let u = Vector(outer.gradient(at: w.elements))
            let ud = Support.dual(u)
            let shape = m
            let inner = Objective<Q>(dimension: m.flatParameters.count) { th in
                let yd = shape.map { Dual(constant: $0) }.withFlatParameters(th)(ud)
                let l2: Dual<Q>
                switch objective {
                case .regressNegativeGradient: l2 = Dual(1) / Dual(2) * (yd + ud).squaredNorm
                case .dotProductWithOnes: l2 = yd.elements.reduce(Dual(0), +)
                }
                return eta * l2 + (Dual(1) - alpha) / Dual(2) * th.reduce(Dual(0)) { $0 + $1 * $1 }
            }
            m = m.withFlatParameters(inner.gradientStep(from: m.flatParameters, learningRate: Q(1)))
            w = w + Matrix(rows: w.rows, cols: w.cols, elements: m(u).elements)
            out += w.elements + m.flatParameters
        }
        return out
    }

    /// A fixed start for the symbolic two-step runs: `W = (1, -1/2)`, memory `W1 = (1/2, 1)`,
    /// `W2 = (-1/2, 1/4)ᵀ`, samples `((1, 1/2), 1/2)`, `((-1, 1), 0)`.
    static var symbolicStart: (w0: Matrix<Rational>, memory: TwoLayerMLP<Rational>, samples: [(x: Vector<Rational>, y: Vector<Rational>)]) {
        typealias Q = Rational
        return (Matrix([[Q(1), Q(-1, 2)]]), TwoLayerMLP(w1: Matrix([[Q(1, 2), Q(1)]]), w2: Matrix([[Q(-1, 2)], [Q(1, 4)]])),
                [(Vector([Q(1), Q(1, 2)]), Vector([Q(1, 2)])), (Vector([Q(-1), Q(1)]), Vector([Q(0)]))])
    }

    func workedExample() -> String {
        typealias Q = Rational
        let input = Input(label: "", w0: Matrix([[Q(1), Q(0)]]),
                          memory: TwoLayerMLP(w1: Matrix([[Q(1), Q(0)]]), w2: Matrix([[Q(-1, 2)], [Q(0)]])),
                          samples: [(Vector([Q(1), Q(1)]), Vector([Q(0)])), (Vector([Q(1), Q(-1)]), Vector([Q(1)]))],
                          alpha: Q(1), eta: Q(1, 2), objective: .regressNegativeGradient)
        let arch = architecture(input, Lift.exact(), nil)![0].values!, opt = optimization(input, Lift.exact())[0].values!
        func show(_ v: [Q]) -> [String] {
            [0].map { i in
                let s = Array(v[(i * 6)..<(i * 6 + 6)])
                return "  step \(i + 1): W = (\(s[0]), \(s[1])), memory W1 = (\(s[2]), \(s[3])), W2 = (\(s[4]), \(s[5]))ᵀ"
            }
        }
        return ([
            "W is 1x2, the memory m(u) = W2 phi(W1 u) with phi(z) = z + z^2/2, hidden size 1; L2(m; u) = 1/2||m(u) + u||^2;",
            "alpha = 1, eta = 1/2; samples (x, y) = ((1, 1), 0), ((1, -1), 1); outer loss 1/2||W x - y||^2.",
            "W_0 = (1, 0), memory W1 = (1, 0), W2 = (-1/2, 0)ᵀ.",
            "Architecture view, hand-derived backprop of the memory, then W + m_{i+1}(u_i):",
        ] + show(arch) + [
            "Optimization view, gradients of both levels by dual numbers:",
        ] + show(opt) + [
            "Step 2 (entries with up to 46 digits) is compared the same way; both steps:", Show.verdict(arch == opt),
        ]).joined(separator: "\n")
    }
}
