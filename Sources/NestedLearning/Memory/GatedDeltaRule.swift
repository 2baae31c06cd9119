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

    /// The gated delta rule over a sequence from `initial`, read after write, `y_t = M_t q_t`, or
    /// before it (``Conventions/ReadOrder``).
    /// Without `alphas` (callers whose gates are optional) it is ``DeltaRule/recurrent(keys:values:queries:betas:initial:)``.
    public static func recurrent<S: Scalar>(keys: [Vector<S>], values: [Vector<S>], queries: [Vector<S>], alphas: [S]? = nil,
                                            betas: [S], initial: Matrix<S>,
                                            readOrder: Conventions.ReadOrder = .afterWrite) -> LinearAttention.Trace<S> {
        guard let alphas else {
            return DeltaRule.recurrent(keys: keys, values: values, queries: queries, betas: betas, initial: initial, readOrder: readOrder)
        }
        precondition(keys.count == values.count && keys.count == queries.count && keys.count == betas.count && alphas.count == keys.count,
                     "GatedDeltaRule.recurrent: sequence lengths differ")
        return LinearAttention.readWrite(initial: initial, queries: queries, readOrder: readOrder) { m, t in
            step(m, key: keys[t], value: values[t], alpha: alphas[t], beta: betas[t])
        }
    }
}
