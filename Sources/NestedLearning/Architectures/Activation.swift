import ExactMath

/// The activation `φ` of an MLP memory: a polynomial (the paper's toy activations, exact in
/// rationals), or one of the activations real Titans, CMS and Hope implementations use. ReLU is
/// piecewise linear, so still exact; SiLU and the two GELU forms need a ``TranscendentalScalar``
/// (`Double`, or `Ball` for enclosures), and stop the program in any other scalar (callers check
/// ``isRational`` first and decline with an error).
public enum Activation: Equatable, Sendable, CustomStringConvertible {
    case polynomial(PolynomialActivation)
    /// `max(z, 0)`, with `φ'(0) = 0` (as PyTorch).
    case relu
    /// `z σ(z)`.
    case silu
    /// `z Φ(z) = z · ½(1 + erf(z/√2))`.
    case gelu
    /// `½z(1 + tanh(√(2/π)(z + 0.044715 z³)))`.
    case geluTanh

    /// Whether `φ` and `φ'` map rationals to rationals.
    public var isRational: Bool {
        switch self {
        case .polynomial, .relu: true
        case .silu, .gelu, .geluTanh: false
        }
    }

    public func value<S: Scalar>(_ z: S) -> S {
        switch self {
        case .polynomial(let p): return p.value(z)
        case .relu: return z.roundedDouble > 0 ? z : .zero
        case .silu, .gelu, .geluTanh: return transcendental(z, derivative: false)
        }
    }

    public func derivative<S: Scalar>(_ z: S) -> S {
        switch self {
        case .polynomial(let p): return p.derivative(z)
        case .relu: return z.roundedDouble > 0 ? .one : .zero
        case .silu, .gelu, .geluTanh: return transcendental(z, derivative: true)
        }
    }

    /// `φ` or `φ'` of a transcendental activation, with `S` opened as a ``TranscendentalScalar``.
    private func transcendental<S: Scalar>(_ z: S, derivative: Bool) -> S {
        guard let t = z as? any TranscendentalScalar else {
            preconditionFailure("Activation.\(self) needs a TranscendentalScalar, not \(S.self)")
        }
        return apply(t, derivative: derivative) as! S
    }

    private func apply<T: TranscendentalScalar>(_ z: T, derivative: Bool) -> T {
        let half = T(1) / T(2)
        switch self {
        case .silu:
            let s = T.sigmoid(z)
            return derivative ? s * (T(1) + z * (T(1) - s)) : z * s
        case .gelu:
            let cdf = half * (T(1) + T.erf(z / T.squareRoot(T(2))))
            let pdf = T.exp(-(z * z) / T(2)) / T.squareRoot(T(2) * T.pi)
            return derivative ? cdf + z * pdf : z * cdf
        default:  // .geluTanh
            let c = T(44715) / T(1_000_000), k = T.squareRoot(T(2) / T.pi)
            let th = T.tanh(k * (z + c * z * z * z))
            guard derivative else { return half * z * (T(1) + th) }
            return half * (T(1) + th) + half * z * (T(1) - th * th) * k * (T(1) + T(3) * c * z * z)
        }
    }

    public var description: String {
        switch self {
        case .polynomial(let p): p.description
        case .relu: "relu(z)"
        case .silu: "silu(z)"
        case .gelu: "gelu(z)"
        case .geluTanh: "gelu_tanh(z)"
        }
    }

    /// The polynomial's coefficients (for symbolic claims); the program stops for another activation.
    public var polynomial: PolynomialActivation {
        guard case .polynomial(let p) = self else { preconditionFailure("Activation.\(self) is not a polynomial") }
        return p
    }
}
