import ExactMath

/// A two-layer perceptron `y = W₂ φ(W₁ x)` with a polynomial activation (arXiv §4.1).
///
/// Biases are omitted: they are weights on a constant input and add nothing to the claims.
public struct TwoLayerMLP<S: Scalar>: Equatable, Sendable {
    /// `W₁ ∈ S^{d_h × d_in}`.
    public var w1: Matrix<S>
    /// `W₂ ∈ S^{d_out × d_h}`.
    public var w2: Matrix<S>
    public var activation: Activation

    /// With a polynomial activation (the paper's; `z + z²/2` by default).
    public init(w1: Matrix<S>, w2: Matrix<S>, activation: PolynomialActivation = .quadratic) {
        self.init(w1: w1, w2: w2, activation: Activation.polynomial(activation))
    }

    public init(w1: Matrix<S>, w2: Matrix<S>, activation: Activation) {
        precondition(w2.cols == w1.rows, "TwoLayerMLP: W2 is \(w2.rows)x\(w2.cols), W1 is \(w1.rows)x\(w1.cols)")
        self.w1 = w1
        self.w2 = w2
        self.activation = activation
    }

    /// Intermediate values of one forward pass: `z₁ = W₁x`, `x̂₁ = φ(z₁)`, `y = W₂x̂₁`.
    public struct Forward: Sendable {
        public let input: Vector<S>
        public let preActivation: Vector<S>
        public let hidden: Vector<S>
        public let output: Vector<S>
    }

    /// The forward pass (arXiv eq. 29's `z_ℓ = W_ℓ x̂_{ℓ−1}`, `x̂_ℓ = φ_ℓ(z_ℓ)`).
    public func forward(_ x: Vector<S>) -> Forward {
        let z1 = w1 * x
        let h = z1.map { activation.value($0) }
        return Forward(input: x, preActivation: z1, hidden: h, output: w2 * h)
    }

    public func callAsFunction(_ x: Vector<S>) -> Vector<S> { forward(x).output }

    /// The backprop recursion's results for one input.
    public struct Backward: Sendable {
        /// `δ₂ = ∇_y L`: the output layer's local surprise.
        public let delta2: Vector<S>
        /// `δ₁ = J_φ(z₁)ᵀ (W₂ᵀ δ₂)`: the hidden layer's local surprise.
        public let delta1: Vector<S>
        /// `∂L/∂W₂ = δ₂ x̂₁ᵀ`.
        public let gradW2: Matrix<S>
        /// `∂L/∂W₁ = δ₁ xᵀ`.
        public let gradW1: Matrix<S>
        /// `∂L/∂x = W₁ᵀ δ₁`.
        public let inputGradient: Vector<S>

        public init(delta2: Vector<S>, delta1: Vector<S>, gradW2: Matrix<S>, gradW1: Matrix<S>, inputGradient: Vector<S>) {
            self.delta2 = delta2
            self.delta1 = delta1
            self.gradW2 = gradW2
            self.gradW1 = gradW1
            self.inputGradient = inputGradient
        }
    }

    /// Hand-written backprop (arXiv eq. 29): `δ_ℓ = J_φ(z_ℓ)ᵀ(W_{ℓ+1}ᵀ δ_{ℓ+1})`,
    /// `∂L/∂W_ℓ = δ_ℓ x̂_{ℓ−1}ᵀ`, starting from `δ₂ = ∇_y L`.
    public func backward(_ f: Forward, outputGradient: Vector<S>) -> Backward {
        let delta2 = outputGradient
        let back = w2.transposed * delta2
        let delta1 = f.preActivation.map { activation.derivative($0) }.hadamard(back)
        return Backward(delta2: delta2, delta1: delta1,
                        gradW2: Matrix.outer(delta2, f.hidden),
                        gradW1: Matrix.outer(delta1, f.input),
                        inputGradient: w1.transposed * delta1)
    }

    /// Both layers' gradient steps, each `W_ℓ ← W_ℓ − η δ_ℓ x̂_{ℓ−1}ᵀ` (arXiv eq. 30).
    public func gradientStep(_ b: Backward, learningRate eta: S) -> TwoLayerMLP {
        TwoLayerMLP(w1: w1 - eta * b.gradW1, w2: w2 - eta * b.gradW2, activation: activation)
    }

    /// The parameters as one flat vector `vec(W₁) ‖ vec(W₂)` (row-major).
    public var flatParameters: [S] { w1.elements + w2.elements }

    /// Rebuilds an MLP of this shape from `flatParameters`.
    public func withFlatParameters(_ theta: [S]) -> TwoLayerMLP {
        let n1 = w1.elements.count
        precondition(theta.count == n1 + w2.elements.count, "TwoLayerMLP: \(theta.count) parameters for shape")
        return TwoLayerMLP(w1: Matrix(rows: w1.rows, cols: w1.cols, elements: Array(theta[..<n1])),
                           w2: Matrix(rows: w2.rows, cols: w2.cols, elements: Array(theta[n1...])),
                           activation: activation)
    }

    /// The same MLP evaluated in another field (for example on dual numbers).
    public func map<T: Scalar>(_ f: (S) -> T) -> TwoLayerMLP<T> {
        TwoLayerMLP<T>(w1: w1.map(f), w2: w2.map(f), activation: activation)
    }
}
