import ExactMath

/// Causal attention as a transformer computes it: scores, normalised weights, weighted sum of
/// values (arXiv eq. 62 is the claim that this is a non-parametric memory).
public enum Attention {
    /// Causal kernel attention: for each t, `p_{t,i} = κ(q_tᵀk_i) / Σ_{j≤t} κ(q_tᵀk_j)` and
    /// `y_t = Σ_{i≤t} p_{t,i} v_i`. The kernel must be positive on the scores it meets.
    ///
    /// With `κ(s) = exp(s/√d)` this is softmax attention; the exact tier uses a positive rational
    /// kernel such as ``positivePolynomialKernel(_:)``.
    public static func causal<S: Scalar>(queries: [Vector<S>], keys: [Vector<S>], values: [Vector<S>],
                                         kernel: (S) -> S) -> [Vector<S>] {
        precondition(queries.count == keys.count && keys.count == values.count, "Attention: sequence lengths differ")
        return (0..<queries.count).map { t in
            let weights = (0...t).map { kernel(queries[t].dot(keys[$0])) }
            return weightedAverage(weights: weights, values: Array(values[0...t]))
        }
    }

    /// `Σ_i (w_i / Σ_j w_j) v_i`: normalise the weights first, then mix, as attention code does.
    public static func weightedAverage<S: Scalar>(weights: [S], values: [Vector<S>]) -> Vector<S> {
        var total = S.zero
        for w in weights { total = total + w }
        precondition(!total.isZero, "Attention: weights sum to zero")
        var y = Vector<S>.zeros(values[0].count)
        for i in 0..<weights.count { y = y + (weights[i] / total) * values[i] }
        return y
    }

    /// `κ(s) = 1 + s²`: positive and rational, so attention stays exact.
    public static func positivePolynomialKernel<S: Scalar>(_ score: S) -> S { S.one + score * score }

    /// Softmax weights over `scores`: `exp(scale·s_i − max_j scale·s_j)`, unnormalised.
    /// Subtracting the maximum changes nothing mathematically and avoids overflow.
    public static func softmaxWeights(scores: [Double], scale: Double) -> [Double] {
        let scaled = scores.map { $0 * scale }
        let top = scaled.max() ?? 0
        return scaled.map { Double.exp($0 - top) }
    }

    /// Causal softmax attention with scale `1/√d_k`.
    public static func causalSoftmax(queries: [Vector<Double>], keys: [Vector<Double>], values: [Vector<Double>]) -> [Vector<Double>] {
        let scale = 1 / Double(keys.first?.count ?? 1).squareRoot()
        return (0..<queries.count).map { t in
            let scores = (0...t).map { queries[t].dot(keys[$0]) }
            return weightedAverage(weights: softmaxWeights(scores: scores, scale: scale), values: Array(values[0...t]))
        }
    }
}
