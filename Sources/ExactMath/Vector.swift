/// A column vector over a ``Scalar``.
public struct Vector<S: Scalar>: Equatable, Sendable, CustomStringConvertible {
    public var elements: [S]

    @inlinable public init(_ elements: [S]) { self.elements = elements }
    @inlinable public init(repeating value: S, count: Int) { elements = Array(repeating: value, count: count) }
    @inlinable public static func zeros(_ count: Int) -> Vector { Vector(repeating: .zero, count: count) }

    @inlinable public var count: Int { elements.count }
    @inlinable public subscript(i: Int) -> S {
        get { elements[i] }
        set { elements[i] = newValue }
    }

    @inlinable public static func + (a: Vector, b: Vector) -> Vector {
        precondition(a.count == b.count, "Vector +: \(a.count) vs \(b.count)")
        return Vector(zip(a.elements, b.elements).map { $0 + $1 })
    }
    @inlinable public static func - (a: Vector, b: Vector) -> Vector {
        precondition(a.count == b.count, "Vector -: \(a.count) vs \(b.count)")
        return Vector(zip(a.elements, b.elements).map { $0 - $1 })
    }
    @inlinable public static func * (s: S, a: Vector) -> Vector { Vector(a.elements.map { s * $0 }) }
    @inlinable public static prefix func - (a: Vector) -> Vector { Vector(a.elements.map { -$0 }) }

    /// `aᵀb`, summed left to right.
    @inlinable public func dot(_ other: Vector) -> S {
        precondition(count == other.count, "Vector dot: \(count) vs \(other.count)")
        var sum = S.zero
        for i in 0..<count { sum = sum + elements[i] * other.elements[i] }
        return sum
    }
    /// `‖a‖² = aᵀa`.
    @inlinable public var squaredNorm: S { dot(self) }
    /// Element-wise product.
    @inlinable public func hadamard(_ other: Vector) -> Vector {
        precondition(count == other.count, "Vector hadamard: \(count) vs \(other.count)")
        return Vector(zip(elements, other.elements).map { $0 * $1 })
    }
    @inlinable public func map<T: Scalar>(_ f: (S) -> T) -> Vector<T> { Vector<T>(elements.map(f)) }

    public var description: String { "[" + elements.map(\.description).joined(separator: ", ") + "]" }
}

extension Vector where S == Double {
    /// The same values in another field, exactly.
    @inlinable public func lifted<T: Scalar>(to: T.Type = T.self) -> Vector<T> { map { T(dyadic: $0) } }
}
