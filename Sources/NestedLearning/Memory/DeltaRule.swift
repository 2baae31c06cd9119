import ExactMath

/// The delta rule (DeltaNet), one gradient step of size β on `½‖M k − v‖²` (arXiv eq. 65).
public enum DeltaRule {
    /// `M(I − β k kᵀ) + β v kᵀ` (arXiv eq. 65 with the orientation corrected, ambiguity A15).
    ///
    /// `.leftAsPrinted` computes `(I − β k kᵀ) M + β v kᵀ` as arXiv eq. 65 prints it; it is
    /// defined only when `d_k = d_v` and is wrong for `M: k ↦ v`.
    public static func step<S: Scalar>(_ m: Matrix<S>, key k: Vector<S>, value v: Vector<S>, beta: S,
                                       orientation: Conventions.DeltaOrientation = .right) -> Matrix<S> {
        let erase = Matrix<S>.identity(k.count) - beta * Matrix.outer(k, k)
        let writeTerm = beta * Matrix.outer(v, k)
        switch orientation {
        case .right: return m * erase + writeTerm
        case .leftAsPrinted: return erase * m + writeTerm
        }
    }
}
