import Foundation

/// A scalar with the transcendental functions of activations, gates and norms: `Double` (the C
/// library's, for a binary64 reference) and `Ball` (BallArithmetic: rigorous enclosures, for expected values).
/// Components written over it run in both unchanged.
public protocol TranscendentalScalar: RealScalar {
    static func log1p(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    /// π.
    static var pi: Self { get }
}

extension TranscendentalScalar {
    /// The logistic sigmoid `σ(x) = 1 / (1 + e^{−x})`.
    public static func sigmoid(_ x: Self) -> Self { Self(1) / (Self(1) + exp(-x)) }
    /// `softplus(x) = log(1 + eˣ)`, as `x + log(1 + e^{−x})` for `x > 0` so that `Double` does not
    /// overflow (the same number).
    public static func softplus(_ x: Self) -> Self {
        x.roundedDouble > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }
    /// `silu(x) = x σ(x)`.
    public static func silu(_ x: Self) -> Self { x * sigmoid(x) }
    /// GELU, erf form: `x · ½(1 + erf(x/√2))`.
    public static func geluErf(_ x: Self) -> Self { x * (Self(1) + erf(x / squareRoot(Self(2)))) / Self(2) }
    /// GELU, tanh form: `½x(1 + tanh(√(2/π)(x + 0.044715 x³)))`, with `0.044715 = 44715/10⁶` and
    /// `√(2/π)` exact in balls (code that rounds them to binary64 first differs by less than an ulp of
    /// each, inside any op's tolerance).
    public static func geluTanh(_ x: Self) -> Self {
        let inner = squareRoot(Self(2) / pi) * (x + Self(44715) / Self(1_000_000) * x * x * x)
        return x * (Self(1) + tanh(inner)) / Self(2)
    }
}

extension Double: TranscendentalScalar {
    public static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    public static func erf(_ x: Double) -> Double { Foundation.erf(x) }
}
