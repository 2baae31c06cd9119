/// Sequences whose running sums of squares are squares of rationals, so that optimizers dividing by
/// a root second moment (Adam, AdaGrad, M3) run exactly in ``Rational``.
///
/// If `c² = Σ_{i≤t} g_i²` and `r > 0`, then `g_{t+1} = ±c (r² − 1)/(2r)` gives
/// `c² + g_{t+1}² = (c (r² + 1)/(2r))²`: a Pythagorean triple scaled by `c/(2r)`. With dyadic `r`
/// (2, 4, 1/2, 1/4) and a dyadic first term, every term is dyadic, hence a `Double`.
extension DyadicGenerator {
    /// `steps` terms starting at `first ≠ 0`, each later ratio drawn from `ratios` and each sign at random.
    public mutating func perfectSquarePrefixes(first: Rational, steps: Int, ratios: [Rational]) -> [Rational] {
        precondition(first != Rational(0) && !ratios.isEmpty, "perfectSquarePrefixes: first term 0 or no ratios")
        var sequence = [first], c = first.magnitude
        for _ in 1..<max(steps, 1) {
            let r = ratios[integer(in: 0...(ratios.count - 1))]
            let sign = Rational(integer(in: 0...1) == 0 ? -1 : 1)
            sequence.append(sign * c * (r * r - Rational(1)) / (Rational(2) * r))
            c = c * (r * r + Rational(1)) / (Rational(2) * r)
        }
        return Array(sequence.prefix(steps))
    }

    /// The ratios whose terms stay dyadic.
    public static let dyadicRatios = [Rational(2), Rational(4), Rational(1, 2), Rational(1, 4)]
}
