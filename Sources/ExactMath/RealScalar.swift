/// A ``Scalar`` that also has the transcendental functions softmax attention and normalisation
/// need. Only `Double` conforms: exact claims avoid transcendentals by using rational kernels
/// (positive rational attention weights) or perfect squares.
public protocol RealScalar: SquareRootScalar {
    static func exp(_ x: Self) -> Self
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Double: RealScalar {
    @inlinable public static func exp(_ x: Double) -> Double { libmExp(x) }
    @inlinable public static func squareRoot(_ x: Double) -> Double { x.squareRoot() }
}

@usableFromInline func libmExp(_ x: Double) -> Double {
    #if canImport(Glibc) || canImport(Darwin)
    return exp(x)
    #else
    fatalError("exp unavailable on this platform")
    #endif
}
