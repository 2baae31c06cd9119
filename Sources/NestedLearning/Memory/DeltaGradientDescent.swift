import ExactMath

/// Delta gradient descent (DGD), the proximal step on an ℓ2 objective (arXiv eq. 56–57,
/// App. C eq. 112–121; identical to Longhorn's implicit update).
public enum DeltaGradientDescent {
    /// The step size `η' = η / (1 + η‖x‖²)` of the closed form, exact for any input norm
    /// (``Conventions/DGDStepSize/keyNormAware``; the printed `η / (1 + η)`, A5, is LA-DGD's mutant).
    public static func effectiveStep<S: Scalar>(learningRate eta: S, input x: Vector<S>) -> S {
        eta / (S.one + eta * x.squaredNorm)
    }

    /// `argmin_W ½‖W x − u‖² + ‖W − W_t‖²/(2η)` in closed form:
    /// `W_t (I − η' x xᵀ) + η' u xᵀ` (arXiv eq. 57 with `u = −∇_y L`; `η'` per ``effectiveStep``).
    public static func step<S: Scalar>(_ w: Matrix<S>, input x: Vector<S>, target u: Vector<S>, learningRate eta: S) -> Matrix<S> {
        let e = effectiveStep(learningRate: eta, input: x)
        return w * (Matrix<S>.identity(x.count) - e * Matrix.outer(x, x)) + e * Matrix.outer(u, x)
    }
}
