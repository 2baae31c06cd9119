import ExactMath

/// Preconditioned momentum (arXiv eq. 46–47; NeurIPS eq. 19–20): the momentum as a memory that
/// associates each gradient with a value `P` (e.g. curvature) under a dot-product objective.
///
/// One GD step of size `η` on `⟨m gᵀ, P⟩ + (1 − α)/(2η)‖m‖²` gives `α m − η P g`, the momentum
/// update of eq. 47, because `⟨m gᵀ, P⟩_F = ⟨m, P g⟩_F` (a trace identity). `m` and `g` are
/// `d × n`, `P` is `d × d`.
public enum PreconditionedMomentum {
    /// `α m − η P g` (arXiv eq. 47).
    public static func step<S: Scalar>(_ m: Matrix<S>, gradient g: Matrix<S>, value p: Matrix<S>, alpha: S, eta: S) -> Matrix<S> {
        alpha * m - eta * (p * g)
    }
}
