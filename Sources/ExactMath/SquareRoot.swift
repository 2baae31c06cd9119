import CGMP

/// A ``Scalar`` with a square root: `Double` rounds it, ``Rational`` takes it exactly on perfect
/// squares. The reference optimizers that divide by a root second moment (Adam, M3) are generic
/// over this protocol, and the exact claims feed them gradients whose accumulated squares are
/// perfect squares of rationals.
public protocol SquareRootScalar: Scalar {
    /// `√x` for `x ≥ 0`. ``Rational`` stops the program when `x` is not the square of a rational;
    /// callers that cannot guarantee it use ``Rational/exactSquareRoot``.
    static func squareRoot(_ x: Self) -> Self
    /// `√x` when the type holds it: `Double` rounds it for `x ≥ 0`, ``Rational`` only on perfect
    /// squares; `nil` otherwise. Code that reads its inputs from a file checks with this before
    /// calling ``squareRoot(_:)``.
    static func representableSquareRoot(_ x: Self) -> Self?
}

extension Double: SquareRootScalar {
    public static func representableSquareRoot(_ x: Double) -> Double? { x >= 0 ? x.squareRoot() : nil }
}

extension Rational: SquareRootScalar {
    /// The non-negative rational whose square is `self`, or `nil` when there is none (negative, or
    /// numerator or denominator in lowest terms not a perfect square).
    public var exactSquareRoot: Rational? {
        guard signum >= 0 else { return nil }
        let num = nl_mpq_numref(box.q)!, den = nl_mpq_denref(box.q)!
        guard __gmpz_perfect_square_p(num) != 0, __gmpz_perfect_square_p(den) != 0 else { return nil }
        return Rational.make { q in
            __gmpz_sqrt(nl_mpq_numref(q), num)
            __gmpz_sqrt(nl_mpq_denref(q), den)
        }
    }

    public static func representableSquareRoot(_ x: Rational) -> Rational? { x.exactSquareRoot }

    public static func squareRoot(_ x: Rational) -> Rational {
        guard let root = x.exactSquareRoot else { preconditionFailure("Rational.squareRoot: \(x) is not the square of a rational") }
        return root
    }
}
