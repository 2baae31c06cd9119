import ExactMath

/// Gradient descent, `W_{t+1} = W_t − η_t ∇_W L(W_t; x_t)` (arXiv eq. 1).
public enum GradientDescent {
    /// One step `W − η G` (arXiv eq. 1).
    public static func step<S: Scalar>(_ w: Matrix<S>, gradient g: Matrix<S>, learningRate eta: S) -> Matrix<S> {
        w - eta * g
    }

    /// The follow-the-regularized-leader form with constant η (arXiv eq. 3):
    /// `W_{t+1} = W_1 − η Σ_{s≤t} ∇L(W_s; x_s)`.
    public static func unrolled<S: Scalar>(initial w1: Matrix<S>, gradients: [Matrix<S>], learningRate eta: S) -> Matrix<S> {
        var sum = Matrix<S>.zeros(w1.rows, w1.cols)
        for g in gradients { sum = sum + g }
        return w1 - eta * sum
    }
}
