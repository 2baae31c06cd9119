import ExactMath

/// The gated delta rule (Gated DeltaNet): decay, then one delta-rule step.
///
/// `M_t = α_t M_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ` (arXiv eq. 65's delta rule with a decay
/// gate `α_t ∈ [0, 1]`, right multiplication as in ambiguity A15). With `α = 1` it is
/// `DeltaRule.step`.
public enum GatedDeltaRule {
    /// One step, written as the formula reads: `α · M(I − β k kᵀ) + β v kᵀ`.
    public static func step<S: Scalar>(_ m: Matrix<S>, key k: Vector<S>, value v: Vector<S>, alpha: S, beta: S) -> Matrix<S> {
        let erase = Matrix<S>.identity(k.count) - beta * Matrix.outer(k, k)
        return alpha * (m * erase) + beta * Matrix.outer(v, k)
    }
}
