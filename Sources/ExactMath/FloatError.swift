/// How far a computed `Double` is from an exact value.
public enum FloatError {
    /// The spacing of binary64 values at `x`: `ulp(x)` for normal and subnormal `x`,
    /// the smallest subnormal at zero.
    public static func ulp(_ x: Double) -> Double {
        x == 0 ? Double.leastNonzeroMagnitude : x.magnitude.ulp
    }

    /// `|computed − exact|` in units in the last place of the correctly rounded exact value,
    /// measured exactly. Infinite when `computed` is not finite.
    public static func ulpError(_ computed: Double, exact: Rational) -> Double {
        guard let c = Rational(exactly: computed) else { return .infinity }
        let diff = (c - exact).magnitude
        if diff.isZero { return 0 }
        return (diff / Rational(dyadic: ulp(exact.roundedDouble))).roundedDouble
    }

    /// `max_i |computed_i − exact_i| / max_i |exact_i|`, measured exactly (relative error in
    /// the max norm; absolute when the exact vector is zero). Infinite on any non-finite entry.
    public static func normwiseRelativeError(_ computed: [Double], exact: [Rational]) -> Double {
        precondition(computed.count == exact.count, "normwiseRelativeError: \(computed.count) vs \(exact.count) values")
        var worst = Rational(0), scale = Rational(0)
        for (c, e) in zip(computed, exact) {
            guard let cq = Rational(exactly: c) else { return .infinity }
            worst = max(worst, (cq - e).magnitude)
            scale = max(scale, e.magnitude)
        }
        return (scale.isZero ? worst : worst / scale).roundedDouble
    }

    /// The unit roundoff of binary64, `u = 2⁻⁵³`.
    public static let unitRoundoff = 0x1p-53
}
