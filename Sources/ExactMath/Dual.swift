/// A dual number `value + derivative·ε` with `ε² = 0`: exact forward-mode differentiation.
///
/// Running a function written against ``Scalar`` on `Dual<S>` with the input's derivative set
/// to one gives the function's derivative along that input, exactly when `S` is ``Rational``.
/// It knows nothing about the function it differentiates, which is why the claims use it as the
/// independent side of "this update is a gradient step".
public struct Dual<S: Scalar>: Scalar {
    public var value: S
    public var derivative: S

    @inlinable public init(_ value: S, derivative: S) {
        self.value = value
        self.derivative = derivative
    }
    /// A constant: derivative zero.
    @inlinable public init(constant value: S) { self.init(value, derivative: .zero) }
    /// A variable: derivative one.
    @inlinable public init(variable value: S) { self.init(value, derivative: .one) }

    @inlinable public init(_ value: Int) { self.init(constant: S(value)) }
    @inlinable public init(dyadic value: Double) { self.init(constant: S(dyadic: value)) }

    @inlinable public static func + (a: Dual, b: Dual) -> Dual {
        Dual(a.value + b.value, derivative: a.derivative + b.derivative)
    }
    @inlinable public static func - (a: Dual, b: Dual) -> Dual {
        Dual(a.value - b.value, derivative: a.derivative - b.derivative)
    }
    /// Product rule: `(ab)' = a'b + ab'`.
    @inlinable public static func * (a: Dual, b: Dual) -> Dual {
        Dual(a.value * b.value, derivative: a.derivative * b.value + a.value * b.derivative)
    }
    /// Quotient rule: `(a/b)' = (a'b − ab') / b²`. Stops on division by zero like `S` does.
    @inlinable public static func / (a: Dual, b: Dual) -> Dual {
        Dual(a.value / b.value, derivative: (a.derivative * b.value - a.value * b.derivative) / (b.value * b.value))
    }
    @inlinable public static prefix func - (a: Dual) -> Dual { Dual(-a.value, derivative: -a.derivative) }

    /// Equality of both components.
    @inlinable public static func == (a: Dual, b: Dual) -> Bool {
        a.value == b.value && a.derivative == b.derivative
    }

    @inlinable public var isZero: Bool { value.isZero && derivative.isZero }
    @inlinable public var roundedDouble: Double { value.roundedDouble }
    public var description: String { "\(value) + \(derivative)ε" }
}
