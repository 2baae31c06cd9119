import ExactMath
import NestedLearning

/// OPT-M3: M3 (arXiv §7.2, Algorithm 1) is an independent two-level continuum memory on the
/// gradient stream: at step `s` the fast memory holds `β₁ Σ_{i≤s} g_i`, the slow memory
/// `β₃ Σ_{i≤f⌊(s−1)/f⌋} g_i` (the chunks that have ended before the current one), and with
/// `f = 1`, `α = 0`, `NS = id` the step is the Adam memory's step.
struct OptM3Claim: RootViewClaim {
    let id = "OPT-M3"
    let statement = "M3 (arXiv Algorithm 1) at step s moves theta by -eta (NS(beta1 sum_{i<=s} g_i) + alpha NS(beta3 sum_{i<=f " +
                    "floor((s-1)/f)} g_i)) / (sqrt(beta2 sum_{i<=s} g_i^2) + eps): a period-1 and a period-f memory of the " +
                    "gradients, the slow one updated at chunk boundaries with the chunk's f gradients and used through the next " +
                    "chunk, floor((T-1)/f) slow updates in T steps; with f = 1, alpha = 0, NS = identity, eps = 0 it is the " +
                    "element-wise regression memory of OPT-ADAM-MEMORY."
    let references = PaperReference(arxiv: ["75", "Algorithm 1"], neurips: [])
    let conventions = [Convention(Conventions.M3SlowUpdate.chunk), Convention(Conventions.AdamMoments.accumulated),
                       Convention(Conventions.M3Orthogonalization.cubicStepsOrIdentity)]
    let symbolic = SymbolicStatus.notProvable("M3 divides by a square root of the second moment")

    enum Mutant: String, ClaimMutant {
        case printedWindow = "printed-f-plus-one-window"
        case eq75 = "eq75-sign-and-beta2"
        case sameChunk = "slow-memory-used-in-its-own-chunk"

        var summary: String {
            switch self {
            case .printedWindow: "Algorithm 1's printed sum over i = (k-1)f .. kf: f + 1 gradients, the last one of the chunk before " +
                                 "counted twice (M3SlowUpdate.printedFPlusOne)."
            case .eq75: "eq. 75 as printed: M2 <- M2 - beta2 sum g (M3SlowUpdate.eq75AsPrinted)."
            case .sameChunk: "the slow memory updated at the last step of a chunk and used at that same step (f floor(s/f) gradients " +
                             "at step s), instead of from the next chunk on."
            }
        }

        var erratum: Erratum? {
            switch self {
            case .printedWindow:
                Erratum(.arxiv, "Algorithm 1, line 3", printed: "M^(2) <- M^(2) + beta3 sum_{i=(k-1)f}^{kf} g_i (f + 1 terms)",
                        corrected: "M^(2) <- M^(2) + beta3 sum_{i=(k-1)f+1}^{kf} g_i (the f gradients of the chunk that " +
                                   "ended)", ambiguity: "A6")
            case .eq75:
                Erratum(.arxiv, "75", printed: "M^(2)_t = M^(2)_t - beta2 sum_{i=t-C}^{t} g_i",
                        corrected: "M^(2) <- M^(2) + beta3 sum_{i=(k-1)f+1}^{kf} g_i (Algorithm 1, with the window " +
                                   "corrected)", ambiguity: "A6")
            case .sameChunk: nil
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let theta0: Matrix<Rational>
        let gradients: [Matrix<Rational>]
        let beta1: Rational, beta2: Rational, beta3: Rational, alpha: Rational, eta: Rational
        let period: Int
        /// Cubic Newton–Schulz steps (0 = identity).
        let nsSteps: Int
        /// `f = 1`, `α = 0`, `NS = id`: the case that is also the Adam memory's.
        var isAdamMemory: Bool { period == 1 && alpha.isZero && nsSteps == 0 }
    }

    func inputs(_ domain: Domain) -> [Input] {
        let exact = domain == .exact
        typealias Q = Rational
        let shapes = exact ? [(2, 2), (1, 3)] : [(6, 5)]
        let settings: [(Int, Int, Q)] = exact ? [(1, 0, Q(1, 2)), (2, 1, Q(1)), (3, 0, Q(1, 4)), (2, 0, Q(0)), (1, 0, Q(0))]
                                              : [(2, 1, Q(1, 2)), (3, 0, Q(1))]
        var out: [Input] = []
        for (period, ns, alpha) in settings {
            for (rows, cols) in shapes {
                var g = Support.exactGenerator(14_000 + UInt64(period * 100 + ns * 10 + rows * 3 + cols))
                let steps = exact ? 7 : 10
                let theta0 = exact ? g.matrix(rows, cols).lifted(to: Q.self) : Support.floatMatrix(&g, rows, cols).lifted(to: Q.self)
                let grads = OptAdamMemoryClaim.pythagoreanGradients(&g, rows: rows, cols: cols, steps: steps, exact: exact,
                                                                 ratios: exact ? nil : [Q(2), Q(1, 2)])
                    .map { exact ? $0 : $0.map { $0 / Q(16) } }
                out.append(Input(label: "d=\(rows)x\(cols) f=\(period) NS=\(ns == 0 ? "id" : "cubic x\(ns)") alpha=\(alpha) T=\(steps)",
                                 theta0: theta0, gradients: grads, beta1: Q(1, 2), beta2: Q(1, 4), beta3: Q(3, 4), alpha: alpha,
                                 eta: Q(1, 8), period: period, nsSteps: ns))
            }
        }
        return out
    }

    static func ns<S: Scalar>(_ steps: Int) -> (Matrix<S>) -> Matrix<S> {
        { NewtonSchulz.iterate($0, .cubic, steps: steps) }
    }

    /// The architecture view: `M3.update` over the gradient stream, or a mutant, then the number
    /// of slow updates; in the Adam memory's case, the trajectory alone once more.
    func architecture<S: SquareRootScalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let run = Self.run(x, mutant: mutant, s)
        let chain = 2 * x.gradients.count + 12 * (x.nsSteps + 1) * x.theta0.cols
        let out: [Quantity<S>] = [.compared("theta_1..theta_T and the slow-update count", run, chain: chain)]
        return x.isAdamMemory ? out + [.compared("theta_1..theta_T", Array(run.dropLast()))] : out
    }

    static func run<S: SquareRootScalar>(_ x: Input, mutant: Mutant?, _ s: Lift<S>) -> [S] {
        switch mutant {
        case .sameChunk: return closedForm(x, slowCount: { step in x.period * (step / x.period) }, s)
        case .printedWindow, .eq75: return printedSlowUpdate(x, mutant!, s)
        case nil: break
        }
        let theta0 = s.matrix(x.theta0)
        var m3 = M3<S>(rows: theta0.rows, cols: theta0.cols, eta: s(x.eta), beta1: s(x.beta1), beta2: s(x.beta2),
                       beta3: s(x.beta3), alpha: s(x.alpha), epsilon: .zero, period: x.period, orthogonalize: ns(x.nsSteps))
        var theta = theta0
        let states = x.gradients.map { g in theta = m3.update(theta, gradient: s.matrix(g)); return theta }
        return states.flatMap(\.elements) + [S(m3.slowUpdates)]
    }

    /// Algorithm 1 step by step with its slow update as printed: line 3's `f + 1` window (the last
    /// gradient of the chunk before added again), or eq. 75's `M⁽²⁾ − β₂ Σ g`.
    static func printedSlowUpdate<S: SquareRootScalar>(_ x: Input, _ mutant: Mutant, _ s: Lift<S>) -> [S] {
        let (b1, b2, b3, alpha, eta) = (s(x.beta1), s(x.beta2), s(x.beta3), s(x.alpha), s(x.eta))
        let orthogonalize: (Matrix<S>) -> Matrix<S> = ns(x.nsSteps)
        var theta = s.matrix(x.theta0)
        let zero = Matrix<S>.zeros(theta.rows, theta.cols)
        var (fast, slow, second, slowDirection) = (zero, zero, zero, orthogonalize(zero))
        var chunk: [Matrix<S>] = [], previousLast: Matrix<S>?, slowUpdates = 0, out: [S] = []
        for (step, stored) in x.gradients.enumerated() {
            if step > 0 && step % x.period == 0 {
                let window = (mutant == .printedWindow ? [previousLast].compactMap { $0 } : []) + chunk
                let sum = window.dropFirst().reduce(window[0], +)
                slow = mutant == .eq75 ? slow - b2 * sum : slow + b3 * sum
                (slowDirection, slowUpdates, previousLast, chunk) = (orthogonalize(slow), slowUpdates + 1, chunk.last, [])
            }
            let g = s.matrix(stored)
            chunk.append(g)
            (fast, second) = (fast + b1 * g, second + b2 * g.hadamard(g))
            let direction = orthogonalize(fast) + alpha * slowDirection
            theta = Matrix(rows: theta.rows, cols: theta.cols) { i, j in
                theta[i, j] - eta * direction[i, j] / (S.squareRoot(second[i, j]) + .zero)
            }
            out += theta.elements
        }
        return out + [S(slowUpdates)]
    }

    /// The independent side: the closed form from the gradient list; in the Adam memory's case,
    /// also the exact argmin of the element-wise regression (OPT-ADAM-MEMORY's optimization view),
    /// whose step is `η √β₂ m*`.
    func optimization<S: SquareRootScalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let closed = Self.closedForm(x, slowCount: { step in x.period * ((step - 1) / x.period) }, s)
        let out: [Quantity<S>] = [.compared("theta_1..theta_T and the slow-update count: Algorithm 1 vs closed form", closed)]
        guard x.isAdamMemory else { return out }
        let memory = OptAdamMemoryClaim.Input(label: x.label, w0: x.theta0, gradients: x.gradients, target: Vector([Rational(1)]),
                                           beta1: x.beta1, beta2: x.beta2, eta: x.eta * x.beta2.exactSquareRoot!, lambda: Rational(0))
        return out + [.compared("theta_1..theta_T (f = 1, alpha = 0, NS = id): M3 vs the argmin of the element-wise regression",
                                OptAdamMemoryClaim.optimalTrajectory(memory, .rootSecondMoment, s).flatMap(\.elements))]
    }

    /// The closed form from the gradient list: prefix sums for the fast memory and the second
    /// moment, and for the slow memory the prefix of `slowCount(s)` gradients.
    static func closedForm<S: SquareRootScalar>(_ input: Input, slowCount: (Int) -> Int, _ s: Lift<S>) -> [S] {
        let grads = input.gradients.map { s.matrix($0) }
        let zero = Matrix<S>.zeros(input.theta0.rows, input.theta0.cols)
        func sum(_ n: Int, _ f: (Matrix<S>) -> Matrix<S>) -> Matrix<S> { grads.prefix(n).reduce(zero) { $0 + f($1) } }
        let (b1, b2, b3, alpha, eta) = (s(input.beta1), s(input.beta2), s(input.beta3), s(input.alpha), s(input.eta))
        let orth: (Matrix<S>) -> Matrix<S> = ns(input.nsSteps)
        var theta = s.matrix(input.theta0)
        var out: [S] = []
        for s in 1...grads.count {
            let direction = orth(b1 * sum(s) { $0 }) + alpha * orth(b3 * sum(slowCount(s)) { $0 })
            let v = b2 * sum(s) { $0.hadamard($0) }
            theta = Matrix(rows: theta.rows, cols: theta.cols) { i, j in theta[i, j] - eta * direction[i, j] / S.squareRoot(v[i, j]) }
            out += theta.elements
        }
        return out + [S((grads.count - 1) / input.period)]
    }

    func workedExample() -> String {
        typealias Q = Rational
        let grads = [Q(3), Q(4), Q(12), Q(-84)].map { Matrix([[$0]]) }
        let input = Input(label: "", theta0: Matrix([[Q(0)]]), gradients: grads, beta1: Q(1), beta2: Q(1), beta3: Q(1), alpha: Q(1),
                          eta: Q(1), period: 2, nsSteps: 0)
        let arch = Self.run(input, mutant: nil, Lift.exact())
        let closed = Self.closedForm(input, slowCount: { s in 2 * ((s - 1) / 2) }, Lift.exact())
        let printed = Self.run(input, mutant: .printedWindow, Lift.exact())
        return [
            "One coordinate, gradients 3, 4, 12, -84 (running roots of sum g^2: 3, 5, 13, 85); f = 2, NS = identity,",
            "beta1 = beta2 = beta3 = alpha = eta = 1, eps = 0, theta_0 = 0.",
            "Step s uses fast = sum_{i<=s} g_i and slow = sum of the gradients of the chunks ended before s's chunk:",
            "  s = 1: fast 3, slow 0;  s = 2: fast 7, slow 0;  s = 3: fast 19, slow 7 (chunk {1, 2});  s = 4: fast -65, slow 7.",
            "Architecture view, Algorithm 1 (theta_1..theta_4, then the number of slow updates):",
            "  " + arch.map(\.description).joined(separator: ", "),
            "Closed form, theta_s = theta_{s-1} - (fast + slow) / sqrt(sum g^2):",
            "  " + closed.map(\.description).joined(separator: ", "),
            Show.verdict(arch == closed),
            "Algorithm 1's printed window (f + 1 terms) would add g_2 again at the boundary after step 4; up to step 4 it agrees:",
            "  " + printed.map(\.description).joined(separator: ", "),
        ].joined(separator: "\n")
    }
}
