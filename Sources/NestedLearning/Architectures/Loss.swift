import ExactMath

/// A task loss on a layer's output, with its hand-written output gradient `∇_y L` (the local
/// surprise signal, arXiv eq. 8–9).
public enum Loss<S: Scalar>: Sendable {
    /// `L(y) = ½‖y − target‖²`; `∇_y L = y − target`.
    case squaredError(target: Vector<S>)
    /// `L(y) = Σ_i c_i y_i³ / 3`; `∇_y L = c ⊙ y²`. Not quadratic, so its Hessian varies.
    case cubic(weights: Vector<S>)

    /// `L(y)` in any field that contains `S` (through `lift`), so it can run on dual numbers.
    public func value<T: Scalar>(_ y: Vector<T>, lift: (S) -> T) -> T {
        switch self {
        case .squaredError(let target):
            let r = y - target.map(lift)
            return T.ratio(1, 2) * r.squaredNorm
        case .cubic(let c):
            var sum = T.zero
            for i in 0..<y.count { sum = sum + lift(c[i]) * y[i] * y[i] * y[i] }
            return sum / T(3)
        }
    }

    /// `L(y)`.
    public func value(_ y: Vector<S>) -> S { value(y, lift: { $0 }) }

    /// `∇_y L(y)`, written by hand.
    public func outputGradient(_ y: Vector<S>) -> Vector<S> {
        switch self {
        case .squaredError(let target): return y - target
        case .cubic(let c): return c.hadamard(y.hadamard(y))
        }
    }
}
