import ExactMath

/// Heavy-ball momentum as a two-level system (arXiv eq. 10–13; NeurIPS eq. 7–10 with signs
/// fixed, ambiguity A14).
///
/// Inner level, the momentum memory: `m_{t+1} = β m_t + η ∇_W L(W_t; x_{t+1})`.
/// Outer level, the weights: `W_{t+1} = W_t − m_{t+1}`.
public struct HeavyBallMomentum<S: Scalar>: Sendable {
    public var weight: Matrix<S>
    public var momentum: Matrix<S>
    public let learningRate: S
    public let beta: S

    public init(weight: Matrix<S>, learningRate: S, beta: S) {
        self.weight = weight
        self.momentum = .zeros(weight.rows, weight.cols)
        self.learningRate = learningRate
        self.beta = beta
    }

    /// One step with the gradient `g = ∇_W L(W_t; x_{t+1})` (arXiv eq. 10–11, the signs of
    /// ``Conventions/MomentumSign/arxiv``).
    public mutating func step(gradient g: Matrix<S>) {
        momentum = beta * momentum + learningRate * g
        weight = weight - momentum
    }

    /// Polyak's heavy-ball form, which mentions no momentum buffer:
    /// `W_{t+1} = W_t − η g_t + β (W_t − W_{t−1})`.
    public static func polyakStep(current: Matrix<S>, previous: Matrix<S>, gradient g: Matrix<S>,
                                  learningRate eta: S, beta: S) -> Matrix<S> {
        current - eta * g + beta * (current - previous)
    }

    /// The unrolled form: after gradients `g_1 … g_T` from `W_0` with `m_0 = 0`,
    /// `W_T = W_0 − η Σ_s c_s g_s` with `c_s = Σ_{j=0}^{T−s} βʲ` (the total weight gradient s
    /// receives over the remaining steps; `(1 − β^{T−s+1})/(1 − β)` when β ≠ 1).
    public static func unrolled(initial w0: Matrix<S>, gradients: [Matrix<S>], learningRate eta: S, beta: S) -> Matrix<S> {
        var result = w0
        let count = gradients.count
        for (index, g) in gradients.enumerated() {
            var c = S.zero, power = S.one
            for _ in 0...(count - 1 - index) { c = c + power; power = power * beta }
            result = result - (eta * c) * g
        }
        return result
    }

    /// The share of an exponential moving average's mass held by the most recent `n` gradients:
    /// gradient i steps back has weight `(1 − β) βⁱ`, and the sum over `i < n` is `1 − βⁿ`
    /// (arXiv §4.3).
    public static func horizonMass(beta: S, lastGradients n: Int) -> S {
        var sum = S.zero
        for i in 0..<n { sum = sum + (S.one - beta) * beta.power(i) }
        return sum
    }
}
