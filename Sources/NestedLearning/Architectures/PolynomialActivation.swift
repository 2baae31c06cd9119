import ExactMath

/// A polynomial activation `φ(z) = Σ_i c_i zⁱ`, element-wise.
///
/// Polynomials keep backprop exact in rational arithmetic, so the deep-backprop claims can be
/// checked with `==`. The default `φ(z) = z + z²/2` is non-linear and not odd, so a dropped
/// Jacobian or a sign slip changes the result.
public struct PolynomialActivation: Equatable, Sendable, CustomStringConvertible {
    /// Coefficients `c_0, c_1, …` as exact integers over a common denominator.
    public let numerators: [Int]
    public let denominator: Int

    public init(numerators: [Int], denominator: Int = 1) {
        precondition(denominator > 0, "PolynomialActivation: denominator must be positive")
        self.numerators = numerators
        self.denominator = denominator
    }

    /// `φ(z) = z`: a linear block, for examples small enough to follow by hand.
    public static let identity = PolynomialActivation(numerators: [0, 1])

    /// `φ(z) = z + z²/2`.
    public static let quadratic = PolynomialActivation(numerators: [0, 2, 1], denominator: 2)

    /// `φ(z)` by Horner's rule.
    public func value<S: Scalar>(_ z: S) -> S {
        var r = S.zero
        for c in numerators.reversed() { r = r * z + S(c) }
        return r / S(denominator)
    }

    /// `φ'(z)` by Horner's rule on the derived coefficients.
    public func derivative<S: Scalar>(_ z: S) -> S {
        var r = S.zero
        for (i, c) in numerators.enumerated().dropFirst().reversed() { r = r * z + S(i * c) }
        return r / S(denominator)
    }

    public var description: String {
        let terms = numerators.enumerated().filter { $0.element != 0 }.map { i, c in
            let coefficient = c == 1 ? "" : "\(c)"
            return i == 0 ? "\(c)" : i == 1 ? "\(coefficient)z" : "\(coefficient)z^\(i)"
        }
        return "φ(z) = (" + terms.joined(separator: " + ") + ")/\(denominator)"
    }
}
