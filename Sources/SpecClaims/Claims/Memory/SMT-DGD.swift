import ExactMath
import NestedLearning

/// SMT-DGD: the update of every self-modifying Titans memory (arXiv eq. 88, 91–93) is one GD step
/// on an ℓ2 regression to a value the memory generates itself, with weight decay: generalized
/// gradient descent (Definition 5, arXiv eq. 58–60) with the retention `(1 − α)/(2η)‖M‖²`.
struct SmtDgdClaim: ViewClaim {
    let id = "SMT-DGD"
    let statement = "In self-modifying Titans every memory's update M(alpha I - eta k k^T) - eta grad L(M_xi; k, v^) (arXiv eq. 88, " +
                    "91-93) is one GD step of size eta on 1/2||M k - u||^2 + (1 - alpha)/(2 eta)||M||^2 from M_{t-1}, where u = " +
                    "-grad_y L(y = M_xi k; v^) is the memory's self-generated value (Definition 5): u = v^ - M_xi k for L = 1/2||Mk " +
                    "- v^||^2 (eq. 93), u = v^ for L = -<Mk, v^> (eq. 92), with xi the chunk anchor."
    let references = PaperReference(arxiv: ["58", "59", "60", "86", "87", "88", "91", "92", "93"], neurips: [])
    let conventions = [Convention(Conventions.ChunkAnchor.previousChunkEnd), Convention(Conventions.SelfModifyingGates.scalarLinear),
                       Convention(Conventions.ReadOrder.beforeWrite, note: "eq. 83, 94")]
    let symbolic = SymbolicStatus.sizes("d = 2. One token (T = 1, where the anchor is the state): every entry of the five memories " +
                                        "M_memory, M_k, M_v (2 x 2), M_eta, M_alpha (1 x 2), of W_q and of x_1 a variable. Two " +
                                        "tokens (T = 2, C = 1 and C = 2, where the second token's gradient is taken at the anchor " +
                                        "M_0, not at the running state): every entry of x_1, x_2 a variable, the memories fixed at " +
                                        "the rational start of the exact tier's d = 2 case. Both objectives.")

    enum Mutant: String, ClaimMutant {
        case printedDotSign = "dot-product-write-sign-as-printed"
        case singleErase = "l2-single-erase"
        case runningGradient = "gradient-at-running-state"

        var summary: String {
            switch self {
            case .printedDotSign: "eq. 92 as printed, M(alpha I - eta k k^T) - eta v^ k^T: a write up the dot-product objective " +
                                  "(ambiguity A2b)."
            case .singleErase: "for the l2 objective, M(alpha I - eta k k^T) + eta v^ k^T: the delta rule with weight decay and v^ " +
                               "as the target, which erases along k once where eq. 93 erases twice."
            case .runningGradient: "the gradient of L at the running state M_{t-1} instead of the chunk anchor M_xi (the sequential " +
                                   "rule; equal only when C = 1)."
            }
        }

        var erratum: Erratum? {
            guard self == .printedDotSign else { return nil }
            return Erratum(.arxiv, "92", printed: "M_t = M_{t-1}(alpha_t I - eta_t k_t k_t^T) - eta_t v^_t k_t^T",
                           corrected: "M_t = M_{t-1}(alpha_t I - eta_t k_t k_t^T) + eta_t v^_t k_t^T, a descent step on -<M k, " +
                                      "v^>", ambiguity: "A2b")
        }
    }

    typealias Input = SelfModifyingInputs.Input

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return SelfModifyingInputs.symbolic(seed: 12_000, chunks: [1, 2]) }
        let exact = domain == .exact
        return SelfModifyingInputs.inputs(exact: exact, sizes: exact ? [(2, 4), (3, 3)] : [(4, 6)], chunks: exact ? [1, 2, 3] : [1, 3],
                                          objectives: SelfModifyingTitans.InnerObjective.allCases, seed: 12_000)
    }

    /// The architecture view: `SelfModifyingTitans.chunked` with the printed update, or a mutant;
    /// nil where a mutant's objective is not the case's.
    func architecture<S: Scalar>(_ input: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        typealias Rule = (Matrix<S>, Matrix<S>, Vector<S>, Vector<S>, S, S) -> Matrix<S>
        let rule: Rule?
        switch mutant {
        case .printedDotSign:
            guard input.objective == .dotProduct else { return nil }
            rule = { m, _, k, v, eta, alpha in
                m * (alpha * Matrix<S>.identity(k.count) - eta * Matrix.outer(k, k)) - eta * Matrix.outer(v, k)
            }
        case .singleErase:
            guard input.objective == .l2 else { return nil }
            rule = { m, _, k, v, eta, alpha in
                m * (alpha * Matrix<S>.identity(k.count) - eta * Matrix.outer(k, k)) + eta * Matrix.outer(v, k)
            }
        case .runningGradient:
            rule = { m, _, k, v, eta, alpha in
                SelfModifyingTitans.update(m, anchor: m, key: k, value: v, eta: eta, alpha: alpha, objective: input.objective)
            }
        case nil:
            rule = nil
        }
        let (x, initial, wq) = SelfModifyingInputs.lift(input, s)
        let run = SelfModifyingTitans.chunked(x, initial: initial, wq: wq, chunk: input.chunk, objective: input.objective, rule: rule)
        return [.compared("M_{□,t} and y_t", SelfModifyingInputs.flatten(run), chain: SelfModifyingInputs.chain(input))]
    }

    /// The optimization view. Per token, for every memory: the self-generated value
    /// `u = −∇_y L(y; v̂)` at `y = M_ξ k` and then one GD step of size 1 on
    /// `η ½‖M k − u‖² + (1 − α)/2 ‖M‖²` (the objective times `η`, so `η = 0` is allowed) from
    /// the running state, both gradients by dual numbers. Keys, values, gates, self-generated
    /// values and reads are computed from the anchor here, independently of
    /// `SelfModifyingTitans.generate`.
    func optimization<S: Scalar>(_ input: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let (x, initial, wq) = SelfModifyingInputs.lift(input, s)
        let run = Self.generalizedGDRun(x, initial: initial, wq: wq, chunk: input.chunk, objective: input.objective)
        return [.compared("M_{□,t} (5 memories) and y_t, t = 1..T", SelfModifyingInputs.flatten(run))]
    }

    /// The optimization view on any scalar (rationals, or symbols for `nlspec prove`).
    static func generalizedGDRun<S: Scalar>(_ x: [Vector<S>], initial: SelfModifyingTitans.State<S>, wq: Matrix<S>, chunk: Int,
                                            objective: SelfModifyingTitans.InnerObjective)
        -> (states: [SelfModifyingTitans.State<S>], outputs: [Vector<S>]) {
        var state = initial
        var states: [SelfModifyingTitans.State<S>] = [], outputs: [Vector<S>] = []
        for start in stride(from: 0, to: x.count, by: chunk) {
            let anchor = state
            for xt in x[start..<min(start + chunk, x.count)] {
                // Generation written out here (eq. 83-85, 90), not through SelfModifyingTitans.generate.
                let key = anchor[.key] * xt, value = anchor[.value] * xt
                let k = Support.dual(key)
                let (eta, alpha) = (Support.dual((anchor[.learningRate] * xt)[0]), Support.dual((anchor[.retention] * xt)[0]))
                for role in SelfModifyingTitans.Role.allCases {
                    let vhat = Support.dual(anchor[role] * value)
                    let y0 = anchor[role] * key
                    let loss = Objective<S>(dimension: y0.count) { y in
                        switch objective {
                        case .l2: return Dual(1) / Dual(2) * (Vector(y) - vhat).squaredNorm
                        case .dotProduct: return -Vector(y).dot(vhat)
                        }
                    }
                    let u = Support.dual(Vector(loss.gradient(at: y0.elements).map { -$0 }))
                    let m = state[role]
                    let step = Objective<S>(dimension: m.elements.count) { th in
                        let mm = Matrix(rows: m.rows, cols: m.cols, elements: th)
                        return eta * Dual(1) / Dual(2) * (mm * k - u).squaredNorm + (Dual(1) - alpha) / Dual(2) * mm.squaredFrobeniusNorm
                    }
                    state[role] = Matrix(rows: m.rows, cols: m.cols, elements: step.gradientStep(from: m.elements, learningRate: S(1)))
                }
                states.append(state)
                outputs.append(anchor[.memory] * (wq * xt))
            }
        }
        return (states, outputs)
    }

    func workedExample() -> String {
        typealias Q = Rational
        let m = Matrix<Q>([[Q(1), Q(0)], [Q(1, 2), Q(1)]])
        let k = Vector([Q(1), Q(1, 2)]), vhat = Vector([Q(1, 2), Q(-1)])
        let (eta, alpha) = (Q(1, 4), Q(1))
        let printed = SelfModifyingTitans.update(m, anchor: m, key: k, value: vhat, eta: eta, alpha: alpha, objective: .l2)
        let u = vhat - m * k
        let (kd, ud, retention) = (Support.dual(k), Support.dual(u), Support.dual((Q(1) - alpha) / (Q(2) * eta)))
        let gd = m - eta * Support.gradient(at: m) { mm in
            Dual(1) / Dual(2) * (mm * kd - ud).squaredNorm + retention * mm.squaredFrobeniusNorm
        }
        let gated = m * (alpha * Matrix<Q>.identity(2) - eta * Matrix.outer(k, k)) + eta * Matrix.outer(vhat, k)
        return [
            "One token, one memory, C = 1 (anchor = M_{t-1}), objective L = 1/2||M k - v^||^2; eta = 1/4, alpha = 1.",
            Show.m("M_{t-1}", m), Show.v("k", k), Show.v("v^", vhat),
            "Architecture view, eq. 93: M(alpha I - eta k k^T) - eta (M k - v^) k^T:", Show.m("M_t", printed),
            "The self-generated value u = -grad_y L at y = M k: u = v^ - M k:", Show.v("u", u),
            "Optimization view: one GD step of size eta on 1/2||M k - u||^2 + (1 - alpha)/(2 eta)||M||^2 (u held fixed), gradient by " +
            "dual numbers:",
            Show.m("M_t", gd), Show.verdict(gd == printed),
            "The delta rule with weight decay, v^ as target, erases along k once and lands elsewhere:", Show.m("M_t", gated),
        ].joined(separator: "\n")
    }
}
