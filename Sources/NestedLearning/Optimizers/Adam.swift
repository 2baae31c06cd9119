import ExactMath

/// Adam as it is usually implemented (Kingma & Ba, arXiv 1412.6980, Algorithm 1): exponential
/// moving averages with bias correction, `W ← W − η m̂ ⊘ (√v̂ + ε)`. This is *not* the optimizer
/// that arXiv App. B derives (``AdamMemory``, accumulated moments): it is the other reading of
/// ambiguity A7 (``Conventions/AdamMoments/textbookEMA``), kept to show where the two differ.
public struct Adam<S: SquareRootScalar>: Sendable {
    public var m: Matrix<S>
    public var v: Matrix<S>
    public private(set) var step = 0
    public let beta1: S, beta2: S, eta: S, epsilon: S

    /// Requires `β₁, β₂ ≠ 1` (the bias correction divides by `1 − βᵗ`).
    public init(rows: Int, cols: Int, beta1: S, beta2: S, eta: S, epsilon: S) {
        precondition(beta1 != S.one && beta2 != S.one, "Adam: bias correction needs beta1, beta2 != 1")
        m = .zeros(rows, cols)
        v = .zeros(rows, cols)
        (self.beta1, self.beta2, self.eta, self.epsilon) = (beta1, beta2, eta, epsilon)
    }

    /// One update of `w` with gradient `g`.
    public mutating func update(_ w: Matrix<S>, gradient g: Matrix<S>) -> Matrix<S> {
        step += 1
        m = beta1 * m + (S.one - beta1) * g
        v = beta2 * v + (S.one - beta2) * g.hadamard(g)
        let c1 = S.one - beta1.power(step), c2 = S.one - beta2.power(step)
        return Matrix(rows: w.rows, cols: w.cols) { i, j in
            w[i, j] - eta * (m[i, j] / c1) / (S.squareRoot(v[i, j] / c2) + epsilon)
        }
    }
}
