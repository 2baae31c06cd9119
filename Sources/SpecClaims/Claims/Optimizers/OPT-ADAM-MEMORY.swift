import ExactMath
import NestedLearning

/// OPT-ADAM-MEMORY: Adam (with accumulated moments) and SGD with momentum are the optimal memory
/// of an element-wise ℓ2 regression from gradients to a target `P` (arXiv App. B, eq. 100–105),
/// and the outer-product version has the closed form of eq. 106–110.
struct OptAdamMemoryClaim: RootViewClaim {
    let id = "OPT-ADAM-MEMORY"
    let statement = "The minimiser of sum_i (beta2 ||m * g_i||^2 - 2 beta1 <m * g_i, P>) + lambda ||m||^2 (element-wise; arXiv eq. " +
                    "101) is (H + lambda)^-1 * M~ * P with accumulated M~ = beta1 sum g, H = beta2 sum g^2 (eq. 102); with lambda = " +
                    "0, P = sqrt(H/beta2) gives Adam W - (eta/sqrt(beta2)) M~ / sqrt(H) (eq. 105) and P = H/beta2 gives SGD with " +
                    "momentum W - (eta/beta2) M~ (eq. 104); the outer-product memory is p M~^T (H + lambda I)^-1 (eq. 106-110)."
    let references = PaperReference(arxiv: ["100", "101", "102", "103", "104", "105", "106", "107", "108", "109", "110"], neurips: [])
    let conventions = [Convention(Conventions.AdamMoments.accumulated), Convention(Conventions.MomentumSign.arxiv)]
    let symbolic = SymbolicStatus.notProvable("Adam divides by a square root of the accumulated second moment")

    enum Mutant: String, ClaimMutant {
        case textbook = "textbook-adam"
        case etaTimesBeta2 = "eta-times-beta2"
        case epsilonForLambda = "epsilon-for-lambda"
        case printedOrder = "outer-product-printed-order"

        var summary: String {
            switch self {
            case .textbook: "Adam as libraries implement it: moving averages with bias correction (AdamMoments.textbookEMA) instead " +
                            "of the accumulated moments the derivation gives."
            case .etaTimesBeta2: "W - eta beta2 M~: the factor of eq. 104 as some transcriptions print it; H^-1 * H/beta2 = 1/beta2."
            case .epsilonForLambda: "Adam's epsilon taken for the ridge lambda: M~ / (sqrt(H) + lambda) instead of (H + lambda)^-1 * " +
                                    "M~ * P."
            case .printedOrder: "(H + lambda I)^-1 M~ p^T: the product order eq. 107 prints, the transpose of the minimiser (defined " +
                                "only when the memory is square)."
            }
        }

        var erratum: Erratum? {
            guard self == .printedOrder else { return nil }
            return Erratum(.arxiv, "107", printed: "m* = (H + lambda I)^-1 M~ P",
                           corrected: "m* = p M~^T (H + lambda I)^-1, the minimiser of eq. 106")
        }
    }

    struct Input: ClaimInput {
        let label: String
        let w0: Matrix<Rational>
        /// Element-wise gradients, built so that every accumulated `Σ_{i≤t} g_i²` is a perfect
        /// square of a rational (coordinate by coordinate, `c² + g² = c'²`).
        let gradients: [Matrix<Rational>]
        /// The outer-product memory's target `p` (`rows` entries) and gradients `vec(g_i)`.
        let target: Vector<Rational>
        let beta1: Rational, beta2: Rational, eta: Rational, lambda: Rational
    }

    /// A gradient sequence whose accumulated squares are perfect squares: after `c = √Σg²`, the
    /// next entry is `±c(r² − 1)/(2r)` and the root becomes `c(r² + 1)/(2r)`. Exact inputs draw
    /// `r` from `{2, 3, 1/2, 1/3, 3/2}`; float inputs from `{2, 4, 1/2, 1/4}`, which keeps every
    /// entry a double.
    static func pythagoreanGradients(_ g: inout DyadicGenerator, rows: Int, cols: Int, steps: Int, exact: Bool,
                                     ratios chosen: [Rational]? = nil) -> [Matrix<Rational>] {
        let ratios: [Rational] = chosen ?? (exact ? [Rational(2), Rational(3), Rational(1, 2), Rational(1, 3), Rational(3, 2)]
                                                  : DyadicGenerator.dyadicRatios)
        var columns: [[Rational]] = []
        for _ in 0..<(rows * cols) {
            var k = 0
            while k == 0 { k = g.integer(in: exact ? -7...7 : -255...255) }
            columns.append(g.perfectSquarePrefixes(first: Rational(k, exact ? 4 : 256), steps: steps, ratios: ratios))
        }
        return (0..<steps).map { t in Matrix(rows: rows, cols: cols, elements: columns.map { $0[t] }) }
    }

    func inputs(_ domain: Domain) -> [Input] {
        let exact = domain == .exact
        typealias Q = Rational
        let shapes = exact ? [(2, 3), (3, 3), (1, 4)] : [(6, 5)]
        let settings: [(Q, Q, Q, Q)] = exact
            ? [(Q(1), Q(1), Q(1, 2), Q(0)), (Q(1, 2), Q(1, 4), Q(1, 4), Q(0)), (Q(3, 4), Q(9, 16), Q(1), Q(0)),
               (Q(1, 2), Q(1, 4), Q(1, 4), Q(1, 2)), (Q(1), Q(1), Q(1, 8), Q(3))]
            : [(Q(1), Q(1), Q(1, 8), Q(0)), (Q(1, 2), Q(1, 4), Q(1, 16), Q(0)), (Q(1, 2), Q(1, 4), Q(1, 16), Q(1, 2))]
        var out: [Input] = []
        for (s, (b1, b2, eta, lambda)) in settings.enumerated() {
            for (rows, cols) in shapes {
                var g = Support.exactGenerator(11_000 + UInt64(s * 100 + rows * 10 + cols))
                let steps = exact ? 4 : 10
                let w0 = exact ? g.matrix(rows, cols, numeratorBound: 7, exponent: 2).lifted(to: Q.self)
                               : Support.floatMatrix(&g, rows, cols).lifted(to: Q.self)
                let grads = Self.pythagoreanGradients(&g, rows: rows, cols: cols, steps: steps, exact: exact)
                // A square outer-product memory when the weight is a row, so the printed order applies.
                let target = g.nonZeroVector(rows == 1 ? cols : rows, numeratorBound: 3, exponent: 1).lifted(to: Q.self)
                out.append(Input(label: "d=\(rows)x\(cols) beta1=\(b1) beta2=\(b2) eta=\(eta) lambda=\(lambda) T=\(steps)",
                                 w0: w0, gradients: grads, target: target, beta1: b1, beta2: b2, eta: eta, lambda: lambda))
            }
        }
        return out
    }

    static func name(_ target: AdamMemory.Target) -> String {
        "W_1..W_T, P = " + (target == .secondMoment ? "H/beta2" : "sqrt(H/beta2)")
    }

    /// The architecture view: the optimizer as the paper writes it, accumulate the moments, then
    /// eq. 104/105 at `λ = 0` or the closed form of eq. 102–103 at `λ > 0`, for both targets; the
    /// outer-product memory in closed form (eq. 107).
    func architecture<S: SquareRootScalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let chain = 2 * x.gradients.count + 8
        var out = AdamMemory.Target.allCases.map { target -> Quantity<S> in
            let trajectory = mutant == .printedOrder ? nil : Self.trajectory(x, target, mutant: mutant, s)
            let part = trajectory?.count == 1 && x.gradients.count > 1 ? "W_1" : nil
            return .compared(Self.name(target), trajectory?.flatMap(\.elements), chain: chain, part: part)
        }
        guard !x.lambda.isZero else { return out }
        guard s.domain != .float else { return out + [.compared("m*", nil)] }
        let grads = x.gradients.map { Vector(s.matrix($0).elements) }
        let closed: Matrix<S>
        do {
            closed = try AdamMemory.outerProductMemory(gradients: grads, target: s.vector(x.target), beta1: s(x.beta1),
                                                       beta2: s(x.beta2), lambda: s(x.lambda))
        } catch {
            fatalError("OPT-ADAM-MEMORY: H + lambda I singular for \(x.label): \(error)")
        }
        if mutant == .printedOrder {
            out.append(.compared("m*", closed.rows == closed.cols ? closed.transposed.elements : nil))
        } else {
            out.append(.compared("m*", closed.elements))
        }
        return out
    }

    /// One trajectory of the architecture view; nil when the mutant does not apply.
    static func trajectory<S: SquareRootScalar>(_ x: Input, _ target: AdamMemory.Target, mutant: Mutant?, _ s: Lift<S>) -> [Matrix<S>]? {
        let (b1, b2, eta, lambda) = (s(x.beta1), s(x.beta2), s(x.eta), s(x.lambda))
        var w = s.matrix(x.w0)
        if mutant == .textbook {
            guard x.beta1 != Rational(1), x.beta2 != Rational(1), x.lambda.isZero, target == .rootSecondMoment else { return nil }
            var adam = Adam<S>(rows: w.rows, cols: w.cols, beta1: b1, beta2: b2, eta: eta, epsilon: .zero)
            // In rationals only the first bias-corrected root is exact (v̂₁ = g₁²); compare W_1.
            let steps = S.self == Rational.self ? 1 : x.gradients.count
            return x.gradients.prefix(steps).map { g in w = adam.update(w, gradient: s.matrix(g)); return w }
        }
        var moments = AdamMemory.Moments<S>(rows: w.rows, cols: w.cols, beta1: b1, beta2: b2)
        return x.gradients.map { g in
            moments.accumulate(s.matrix(g))
            if x.lambda.isZero {
                switch (target, mutant) {
                case (.secondMoment, .etaTimesBeta2): w = w - (eta * b2) * moments.first
                case (.secondMoment, _): w = AdamMemory.momentumStep(w, moments, eta: eta)
                case (.rootSecondMoment, _): w = AdamMemory.adamStep(w, moments, eta: eta, epsilon: .zero)
                }
            } else if target == .rootSecondMoment && mutant == .epsilonForLambda {
                w = AdamMemory.adamStep(w, moments, eta: eta, epsilon: lambda)
            } else {
                let p = AdamMemory.target(target, moments)
                w = w - eta * AdamMemory.optimalMemory(moments, target: p, lambda: lambda)
            }
            return w
        }
    }

    /// The optimization view: at every step the memory is the exact argmin of the element-wise
    /// regression (both targets); the outer-product memory by exact normal equations.
    func optimization<S: SquareRootScalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let out = AdamMemory.Target.allCases.map { target -> Quantity<S> in
            .compared(Self.name(target), Self.optimalTrajectory(x, target, s).flatMap(\.elements))
        }
        guard !x.lambda.isZero else { return out }
        return out + [.compared("outer-product memory m* (eq. 107)", Self.optimalOuterProduct(x, s).elements)]
    }

    /// The memory at step `t`: `argmin_m Σ_{i≤t} (β₂‖m ⊙ g_i‖² − 2β₁⟨m ⊙ g_i, P⟩) + λ‖m‖²`, solved
    /// by exact normal equations on the objective written as code, with `P` computed from the
    /// gradients themselves (`Σg²` or `√Σg²`), then `W_{t+1} = W_t − η m*`.
    static func optimalTrajectory<S: SquareRootScalar>(_ x: Input, _ target: AdamMemory.Target, _ s: Lift<S>) -> [Matrix<S>] {
        let (rows, cols) = (x.w0.rows, x.w0.cols)
        let (b1, b2, lambda) = (Support.dual(s(x.beta1)), Support.dual(s(x.beta2)), Support.dual(s(x.lambda)))
        let gradients = x.gradients.map { s.matrix($0) }
        var w = s.matrix(x.w0)
        return (1...gradients.count).map { t in
            let seen = Array(gradients.prefix(t))
            let sumSquares = seen.dropFirst().reduce(seen[0].hadamard(seen[0])) { $0 + $1.hadamard($1) }
            let p: Matrix<S> = target == .secondMoment ? sumSquares : sumSquares.map { S.squareRoot($0) }
            let g = seen.map(Support.dual), pd = Support.dual(p)
            let memory = Support.argmin(around: Matrix<S>.zeros(rows, cols)) { m in
                var total = lambda * m.squaredFrobeniusNorm
                for gi in g {
                    let mg = m.hadamard(gi)
                    total = total + b2 * mg.squaredFrobeniusNorm - Dual(2) * b1 * mg.frobenius(pd)
                }
                return total
            }
            w = w - s(x.eta) * memory
            return w
        }
    }

    /// The outer-product memory by exact normal equations on
    /// `Σ_i (β₂‖m g_i‖² − 2β₁⟨m g_i, p⟩) + λ‖m‖²`, `g_i = vec(gradient i)`.
    static func optimalOuterProduct<S: Scalar>(_ x: Input, _ s: Lift<S>) -> Matrix<S> {
        let g = x.gradients.map { Support.dual(Vector(s.matrix($0).elements)) }, p = Support.dual(s.vector(x.target))
        let (b1, b2, lambda) = (Support.dual(s(x.beta1)), Support.dual(s(x.beta2)), Support.dual(s(x.lambda)))
        return Support.argmin(around: .zeros(x.target.count, g[0].count)) { m in
            var total = lambda * m.squaredFrobeniusNorm
            for gi in g {
                let mg = m * gi
                total = total + b2 * mg.squaredNorm - Dual(2) * b1 * mg.dot(p)
            }
            return total
        }
    }

    func workedExample() -> String {
        typealias Q = Rational
        let w0 = Matrix<Q>([[Q(1), Q(-1)]])
        let grads = [Matrix<Q>([[Q(3), Q(-1)]]), Matrix<Q>([[Q(4), Q(3, 4)]])]
        let input = Input(label: "", w0: w0, gradients: grads, target: Vector([Q(1)]),
                          beta1: Q(1, 2), beta2: Q(1, 4), eta: Q(1, 2), lambda: Q(0))
        var moments = AdamMemory.Moments<Q>(rows: 1, cols: 2, beta1: input.beta1, beta2: input.beta2)
        grads.forEach { moments.accumulate($0) }
        let p = AdamMemory.target(.rootSecondMoment, moments)
        let arch = Self.trajectory(input, .rootSecondMoment, mutant: nil, Lift.exact())!
        let opt = Self.optimalTrajectory(input, .rootSecondMoment, Lift.exact())
        var adam = Adam<Q>(rows: 1, cols: 2, beta1: input.beta1, beta2: input.beta2, eta: input.eta, epsilon: Q(0))
        let textbook = adam.update(w0, gradient: grads[0])
        return [
            "A 1x2 weight, two gradients; beta1 = 1/2, beta2 = 1/4, eta = 1/2, lambda = 0.",
            Show.m("W_0", w0), Show.m("g_1", grads[0]), Show.m("g_2", grads[1]),
            "Accumulated moments after g_2 (eq. 102): M~ = beta1 (g_1 + g_2), H = beta2 (g_1^2 + g_2^2):",
            Show.m("M~", moments.first), Show.m("H", moments.second),
            "Target P = sqrt(H / beta2) = sqrt(g_1^2 + g_2^2) (eq. 105):", Show.m("P", p),
            "Architecture view, Adam with accumulated moments, W - (eta/sqrt(beta2)) M~ / sqrt(H):",
            Show.m("W_1", arch[0]), Show.m("W_2", arch[1]),
            "Optimization view: at each step the exact argmin of sum_i (beta2 ||m*g_i||^2 - 2 beta1 <m*g_i, P>), then W - eta m*:",
            Show.m("W_1", opt[0]), Show.m("W_2", opt[1]), Show.verdict(arch == opt),
            "Textbook Adam (moving averages, bias correction) moves by eta sign(g) at step 1, not (eta beta1/beta2) sign(g):",
            Show.m("W_1", textbook),
        ].joined(separator: "\n")
    }
}
