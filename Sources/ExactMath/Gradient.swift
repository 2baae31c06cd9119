/// An objective written as ordinary generic code over a flat parameter vector θ = vec(W, …).
///
/// It is evaluated on ``Dual`` numbers, so its exact gradient and (for quadratics) its exact
/// minimiser can be found without knowing anything about the update rule it is meant to explain.
public struct Objective<S: Scalar>: Sendable {
    /// Number of parameters.
    public let dimension: Int
    /// The objective, evaluated on dual numbers.
    public let evaluate: @Sendable ([Dual<S>]) -> Dual<S>

    public init(dimension: Int, _ evaluate: @escaping @Sendable ([Dual<S>]) -> Dual<S>) {
        self.dimension = dimension
        self.evaluate = evaluate
    }

    /// `f(θ)`.
    public func value(at theta: [S]) -> S {
        precondition(theta.count == dimension, "Objective: point has \(theta.count) entries, expected \(dimension)")
        return evaluate(theta.map { Dual(constant: $0) }).value
    }

    /// `∂f/∂θ_i (θ)`: one forward-mode pass with the i-th input's derivative set to one.
    public func partial(_ i: Int, at theta: [S]) -> S {
        precondition(theta.count == dimension, "Objective: point has \(theta.count) entries, expected \(dimension)")
        var point = theta.map { Dual(constant: $0) }
        point[i] = Dual(variable: theta[i])
        return evaluate(point).derivative
    }

    /// `∇f(θ)`, exactly when `S` is ``Rational``: `dimension` forward-mode passes.
    public func gradient(at theta: [S]) -> [S] {
        (0..<dimension).map { partial($0, at: theta) }
    }

    /// `θ − η ∇f(θ)`: one gradient-descent step of size `eta`.
    public func gradientStep(from theta: [S], learningRate eta: S) -> [S] {
        zip(theta, gradient(at: theta)).map { $0 - eta * $1 }
    }
}
