/// `exp` rounded correctly to binary64, computed with rationals and no C library.
///
/// The golden suite's log-space gates (`Golden/FORMAT.md`, option `gates` = `log`) read a decay
/// `α = exp(g)` from a dyadic `g`. `exp(g)` is irrational for `g ≠ 0`, so the exact reference
/// takes the binary64 value nearest to it: a number every language can reproduce, unlike the
/// value of one machine's `exp`.
public enum CorrectlyRoundedExp {
    /// The arguments this function accepts: `|x| ≤ 64` (a decay `e^{-64} ≈ 1.6·10⁻²⁸` is as
    /// small as a gate needs to be; the squaring count, and so the cost, grows with `|x|`).
    public static let domain: ClosedRange<Double> = -64...64

    /// `RN(eˣ)`, the binary64 value nearest to `eˣ` (ties cannot occur: `eˣ` is irrational for
    /// `x ≠ 0`, and `e⁰ = 1`).
    ///
    /// Method: with `y = x / 2ᵏ`, `|y| ≤ 1/2`, the Taylor sum `S_N = Σ_{n≤N} yⁿ/n!` has a tail of
    /// magnitude at most `R_N = 2|y|^{N+1}/(N+1)!` (the terms after it fall by at least a factor
    /// 2), so `e^y ∈ [S_N − R_N, S_N + R_N]` with both ends positive, and `eˣ = (e^y)^{2ᵏ}` lies
    /// between the ends raised to `2ᵏ` (squaring is increasing on positive numbers). When both
    /// ends round to the same binary64, that is `RN(eˣ)`; otherwise `N` grows and it repeats.
    public static func exp(_ x: Double) -> Double {
        precondition(domain.contains(x), "CorrectlyRoundedExp.exp: \(x) is outside \(domain)")
        if x == 0 { return 1 }
        var k = 0
        while abs(x) / Double(1 << k) > 0.5 { k += 1 }  // division by a power of two is exact
        let y = Rational(dyadic: x) / Rational(1 << k)
        var terms = 24
        while true {
            let (low, high) = enclosure(y, terms: terms)
            let (a, b) = (power(low, squarings: k).roundedDouble, power(high, squarings: k).roundedDouble)
            if a == b { return a }
            terms += 24
        }
    }

    /// `[S_N − R_N, S_N + R_N] ∋ e^y` for `|y| ≤ 1/2`, with `N = terms`.
    static func enclosure(_ y: Rational, terms n: Int) -> (Rational, Rational) {
        var sum = Rational(1), term = Rational(1)
        for i in 1...n {
            term = term * y / Rational(i)
            sum = sum + term
        }
        let tail = Rational(2) * (term * y / Rational(n + 1)).magnitude
        return (sum - tail, sum + tail)
    }

    /// `z^{2ᵏ}` by `k` squarings.
    static func power(_ z: Rational, squarings k: Int) -> Rational {
        var p = z
        for _ in 0..<k { p = p * p }
        return p
    }
}
