import ExactMath

/// Adam and SGD with momentum as the optimal memory of an element-wise ℓ2 regression (arXiv
/// App. B, eq. 100–105; NeurIPS §2.3, "Adam with a small modification").
///
/// The momentum `m` is a memory that maps each gradient `g_i` to a target `P` (a global property of
/// the gradients). Its objective, element-wise over the weight's shape,
/// `Σ_i (β₂‖m ⊙ g_i‖² − 2β₁⟨m ⊙ g_i, P⟩) + λ‖m‖²` (arXiv eq. 101, weighted so that its normal
/// equations read `(H + λ) ⊙ m = M̃ ⊙ P`; with `β₁ = β₂ = 1` it is `Σ_i ‖m ⊙ g_i − P‖² + λ‖m‖²`
/// up to a constant), has the minimiser of eq. 102 with *accumulated* moments `M̃ = β₁ Σ g_i`,
/// `H = β₂ Σ g_i²`: not moving averages, no bias correction (ambiguity A7,
/// ``Conventions/AdamMoments``). The weight update is `W − η m*` (eq. 103).
public enum AdamMemory {
    /// The accumulated moments of arXiv eq. 102: `M̃ ← M̃ + β₁ g`, `H ← H + β₂ g ⊙ g`.
    public struct Moments<S: Scalar>: Sendable {
        public var first: Matrix<S>
        public var second: Matrix<S>
        public let beta1: S, beta2: S

        public init(rows: Int, cols: Int, beta1: S, beta2: S) {
            first = .zeros(rows, cols)
            second = .zeros(rows, cols)
            self.beta1 = beta1
            self.beta2 = beta2
        }

        /// Adds one gradient (arXiv eq. 102, the recurrences for `M̃` and `H`).
        public mutating func accumulate(_ g: Matrix<S>) {
            first = first + beta1 * g
            second = second + beta2 * g.hadamard(g)
        }
    }

    /// Which global property the memory maps gradients to.
    public enum Target: String, Sendable, CaseIterable {
        /// `P = H / β₂ = Σ g²` (arXiv eq. 104): the memory becomes SGD with momentum.
        case secondMoment
        /// `P = √H / √β₂ = √Σ g²` (arXiv eq. 105): the memory becomes Adam.
        case rootSecondMoment
    }

    /// The target `P` of eq. 104 or eq. 105, from the accumulated second moment.
    public static func target<S: SquareRootScalar>(_ kind: Target, _ moments: Moments<S>) -> Matrix<S> {
        switch kind {
        case .secondMoment: return moments.second.map { $0 / moments.beta2 }
        case .rootSecondMoment: return moments.second.map { S.squareRoot($0) / S.squareRoot(moments.beta2) }
        }
    }

    /// The optimal memory `m* = (H + λ)⁻¹ ⊙ M̃ ⊙ P`, element-wise (arXiv eq. 102).
    public static func optimalMemory<S: Scalar>(_ moments: Moments<S>, target p: Matrix<S>, lambda: S) -> Matrix<S> {
        Matrix(rows: p.rows, cols: p.cols) { i, j in
            moments.first[i, j] * p[i, j] / (moments.second[i, j] + lambda)
        }
    }

    /// `W − (η/β₂) M̃`: SGD with (accumulated) momentum, the `P = H/β₂`, `λ = 0` case (arXiv eq. 104;
    /// some transcriptions print the factor as `η β₂`).
    public static func momentumStep<S: Scalar>(_ w: Matrix<S>, _ moments: Moments<S>, eta: S) -> Matrix<S> {
        w - (eta / moments.beta2) * moments.first
    }

    /// `W − (η/√β₂) M̃ ⊘ (√H + ε)`: Adam with accumulated moments, the `P = √H/√β₂` case (arXiv
    /// eq. 105). With `ε = 0` it equals the memory's step `W − η m*` at `λ = 0`; with `ε > 0` it is
    /// not the memory's step at `λ = ε` (ε is added to `√H`, λ to `H`).
    public static func adamStep<S: SquareRootScalar>(_ w: Matrix<S>, _ moments: Moments<S>, eta: S, epsilon: S) -> Matrix<S> {
        let scale = eta / S.squareRoot(moments.beta2)
        return Matrix(rows: w.rows, cols: w.cols) { i, j in
            w[i, j] - scale * moments.first[i, j] / (S.squareRoot(moments.second[i, j]) + epsilon)
        }
    }

    /// The outer-product memory `m* = p M̃ᵀ (H + λI)⁻¹` with `M̃ = β₁ Σ g_i`, `H = β₂ Σ g_i g_iᵀ`:
    /// the minimiser of `Σ_i (β₂‖m g_i‖² − 2β₁⟨m g_i, p⟩) + λ‖m‖²` over matrices `m` (arXiv
    /// eq. 106–110, the AdaGrad-with-momentum reading; the printed product order
    /// `(H + λI)⁻¹ M̃ P` is the transpose). Throws when `H + λI` is singular.
    public static func outerProductMemory<S: Scalar>(gradients: [Vector<S>], target p: Vector<S>,
                                                     beta1: S, beta2: S, lambda: S) throws -> Matrix<S> {
        let d = p.count, n = gradients[0].count
        var first = Vector<S>.zeros(n)
        var h = lambda * Matrix<S>.identity(n)
        for g in gradients {
            first = first + beta1 * g
            h = h + beta2 * Matrix.outer(g, g)
        }
        // m (H + λI) = p M̃ᵀ, H symmetric: each row i of m solves (H + λI) mᵢᵀ = p_i M̃.
        var rows: [[S]] = []
        for i in 0..<d { rows.append(try h.solve(p[i] * first).elements) }
        return Matrix(rows)
    }
}
