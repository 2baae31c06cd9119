import ExactMath

/// The Nadaraya–Watson estimator: the closed-form minimiser of the weighted ℓ2 regression
/// `Σ_i s_i ‖v_i − M‖²` over a constant `M` (arXiv eq. 62).
public enum NadarayaWatson {
    /// `Σ_i s_i v_i / Σ_j s_j`. The weights must have a non-zero sum.
    public static func estimate<S: Scalar>(weights s: [S], values v: [Vector<S>]) -> Vector<S> {
        precondition(s.count == v.count && !v.isEmpty, "NadarayaWatson: \(s.count) weights for \(v.count) values")
        var numerator = Vector<S>.zeros(v[0].count)
        var denominator = S.zero
        for i in 0..<s.count {
            numerator = numerator + s[i] * v[i]
            denominator = denominator + s[i]
        }
        precondition(!denominator.isZero, "NadarayaWatson: weights sum to zero")
        return (S.one / denominator) * numerator
    }
}
