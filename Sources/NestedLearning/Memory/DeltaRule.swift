import ExactMath

/// The delta rule (DeltaNet), one gradient step of size β on `½‖M k − v‖²` (arXiv eq. 65).
public enum DeltaRule {
    /// `M(I − β k kᵀ) + β v kᵀ` (arXiv eq. 65 with the orientation corrected, ambiguity A15;
    /// ``Conventions/DeltaOrientation/right``). The printed left-multiplied form is LA-DELTA's
    /// mutant, not a reading of this component.
    public static func step<S: Scalar>(_ m: Matrix<S>, key k: Vector<S>, value v: Vector<S>, beta: S) -> Matrix<S> {
        m * (Matrix<S>.identity(k.count) - beta * Matrix.outer(k, k)) + beta * Matrix.outer(v, k)
    }

    /// The delta rule over a sequence from `initial`, read after write, `y_t = M_t q_t`, or
    /// before it (``Conventions/ReadOrder``).
    public static func recurrent<S: Scalar>(keys: [Vector<S>], values: [Vector<S>], queries: [Vector<S>], betas: [S],
                                            initial: Matrix<S>,
                                            readOrder: Conventions.ReadOrder = .afterWrite) -> LinearAttention.Trace<S> {
        precondition(keys.count == values.count && keys.count == queries.count && keys.count == betas.count,
                     "DeltaRule.recurrent: sequence lengths differ")
        return LinearAttention.readWrite(initial: initial, queries: queries, readOrder: readOrder) { m, t in
            step(m, key: keys[t], value: values[t], beta: betas[t])
        }
    }
}
