import ExactMath

/// The best linear associative memory for a set of pairs `(k_i, v_i)` (Definition 1, arXiv eq. 6
/// with the ℓ2 objective): `M* = argmin_M Σ_i ‖M k_i − v_i‖²`, the capacity reference against
/// which Hebbian and delta-rule memories are compared.
///
/// With `K = [k_1 … k_n] ∈ S^{d_k×n}` and `V = [v_1 … v_n]`:
/// - `n ≤ d_k` and independent keys: `M* = V (KᵀK)⁻¹ Kᵀ` (the minimum-norm interpolant); it recalls
///   every pair exactly, `M* k_i = v_i`;
/// - `n ≥ d_k` and keys spanning `S^{d_k}`: `M* = V Kᵀ (K Kᵀ)⁻¹`, unique; for generic pairs with
///   `n > d_k` its residual is strictly positive.
public enum OptimalLinearMemory {
    /// `M*` as above. Throws when the Gram matrix it inverts is singular.
    public static func fit<S: Scalar>(keys: [Vector<S>], values: [Vector<S>]) throws -> Matrix<S> {
        precondition(!keys.isEmpty && keys.count == values.count, "OptimalLinearMemory.fit: \(keys.count) keys, \(values.count) values")
        let dk = keys[0].count, n = keys.count
        let k = Matrix(rows: dk, cols: n) { i, j in keys[j][i] }
        let v = Matrix(rows: values[0].count, cols: n) { i, j in values[j][i] }
        if n <= dk {
            // M* = V G⁻¹ Kᵀ with G = KᵀK: solve G c = row of V, one row at a time.
            let g = k.transposed * k
            let rows = try (0..<v.rows).map { r in try g.solve(v.row(r)).elements }
            return Matrix(rows) * k.transposed
        }
        // M* = V Kᵀ (K Kᵀ)⁻¹: row r of M* solves (K Kᵀ) m = K vᵣ (K Kᵀ symmetric).
        let g = k * k.transposed
        let rhs = v * k.transposed
        return Matrix(try (0..<v.rows).map { r in try g.solve(rhs.row(r)).elements })
    }

    /// `Σ_i ‖M k_i − v_i‖²`.
    public static func residual<S: Scalar>(_ m: Matrix<S>, keys: [Vector<S>], values: [Vector<S>]) -> S {
        zip(keys, values).reduce(S.zero) { $0 + (m * $1.0 - $1.1).squaredNorm }
    }
}
