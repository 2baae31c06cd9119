/// The field every reference algorithm is written against.
///
/// Conforming types: `Double` (fast, rounded), ``Rational`` (exact, GMP-backed) and
/// ``Dual`` over either (exact forward-mode derivatives). Generic code uses only the field
/// operations `+ − × ÷`, negation, `==`, and construction from integers and from
/// finite `Double` values, so the same source runs exactly on rationals and approximately on
/// doubles, and the two runs can be compared.
public protocol Scalar: Equatable, Sendable, CustomStringConvertible {
    /// The integer `value`, exactly.
    init(_ value: Int)
    /// The finite double `value`, exactly. Every finite binary64 value is a dyadic rational, so
    /// this conversion never rounds. Stops the program if `value` is NaN or infinite.
    init(dyadic value: Double)

    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    /// Field division. Division by zero stops the program with a message naming the operation
    /// (for ``Rational``; `Double` follows IEEE 754).
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self

    /// `true` when the value is exactly zero.
    var isZero: Bool { get }
    /// The value rounded to the nearest binary64, ties to even (exact when representable).
    var roundedDouble: Double { get }
}

extension Scalar {
    @inlinable public static var zero: Self { Self(0) }
    @inlinable public static var one: Self { Self(1) }

    @inlinable public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
    @inlinable public static func *= (lhs: inout Self, rhs: Self) { lhs = lhs * rhs }

    /// The rational `numerator / denominator`, computed in this field.
    @inlinable public static func ratio(_ numerator: Int, _ denominator: Int) -> Self {
        Self(numerator) / Self(denominator)
    }

    /// `self` raised to a non-negative integer power by repeated multiplication.
    @inlinable public func power(_ exponent: Int) -> Self {
        precondition(exponent >= 0, "power: negative exponent \(exponent)")
        var result = Self.one
        for _ in 0..<exponent { result = result * self }
        return result
    }
}

extension Double: Scalar {
    @inlinable public init(dyadic value: Double) {
        precondition(value.isFinite, "Scalar(dyadic:): \(value) is not finite")
        self = value
    }
    @inlinable public var roundedDouble: Double { self }
}
