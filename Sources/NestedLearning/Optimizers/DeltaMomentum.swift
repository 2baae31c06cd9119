import ExactMath

/// Delta momentum (arXiv eq. 48–49; NeurIPS eq. 21–22): the momentum as a memory trained with
/// an ℓ2 (delta-rule) objective instead of a dot product.
///
/// One GD step of size `η` on `½‖m gᵀ − P‖² + (1 − α)/(2η)‖m‖²` gives
/// `m(αI − η gᵀg) + η P g`: a gradient-dependent decay, the delta rule inside the optimizer. The
/// momentum `m` and the gradient `g` are `d × n` (the weight's shape), the value `P` is `d × d`.
public enum DeltaMomentum {
    /// `m(αI − η gᵀg) + η P g`, with the decay on the right (arXiv eq. 49's side; NeurIPS eq. 22
    /// multiplies on the left, which is defined only for square weights).
    public static func step<S: Scalar>(_ m: Matrix<S>, gradient g: Matrix<S>, value p: Matrix<S>, alpha: S, eta: S) -> Matrix<S> {
        m * (alpha * Matrix<S>.identity(g.cols) - eta * (g.transposed * g)) + eta * (p * g)
    }
}
