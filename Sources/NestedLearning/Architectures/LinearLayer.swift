import ExactMath

/// A linear layer `y = W x`, `W ∈ S^{d_out × d_in}` (arXiv eq. 7; NeurIPS eq. 2).
public struct LinearLayer<S: Scalar>: Equatable, Sendable {
    public var weight: Matrix<S>

    public init(weight: Matrix<S>) { self.weight = weight }

    /// `y = W x` (arXiv eq. 7).
    public func callAsFunction(_ x: Vector<S>) -> Vector<S> { weight * x }

    /// `∇_W L = (∇_y L) xᵀ`: the surprise factorises into the local surprise signal
    /// `u = ∇_y L` (the value) and the input `x` (the key) (arXiv eq. 8; NeurIPS eq. 4–5).
    public static func weightGradient(localSurprise u: Vector<S>, input x: Vector<S>) -> Matrix<S> {
        Matrix.outer(u, x)
    }

    /// One gradient step `W ← W − η u xᵀ` with `u = ∇_y L(W; x)` (arXiv eq. 8).
    public func gradientStep(input x: Vector<S>, localSurprise u: Vector<S>, learningRate eta: S) -> LinearLayer {
        LinearLayer(weight: weight - eta * Self.weightGradient(localSurprise: u, input: x))
    }
}
