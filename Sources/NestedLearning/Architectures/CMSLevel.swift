import ExactMath

/// One level of a continuum memory system: an MLP block updated once every `period` tokens
/// (arXiv eq. 70–71; NeurIPS eq. 30–31).
///
/// At token `i ≡ 0 (mod C)` the parameters move by `−η Σ_{t=i−C+1}^{i} ∇_θ L_t(θ_t)`, where
/// `θ_t` are the parameters at the chunk start (constant through the chunk): the C-term window,
/// the sum, the chunk-start anchor (``Conventions/CMSWindow``, ``Conventions/CMSReduction``,
/// ``Conventions/CMSGradientAnchor``). A level with no period has update frequency zero: it is a
/// frozen MLP.
public struct CMSLevel<S: Scalar>: Sendable {
    public var mlp: TwoLayerMLP<S>
    /// Update period `C ≥ 1` in tokens, or `nil` for frequency zero.
    public let period: Int?
    public let learningRate: S
    /// Whether a final partial chunk updates (``Conventions/CMSTail``).
    public var tail: Conventions.CMSTail = .unflushed

    public init(mlp: TwoLayerMLP<S>, period: Int?, learningRate: S) {
        precondition(period.map { $0 >= 1 } ?? true, "CMSLevel: period must be at least 1")
        self.mlp = mlp
        self.period = period
        self.learningRate = learningRate
    }

    /// One boundary update.
    public struct Update: Sendable {
        /// The token (1-based) at whose end the update happens.
        public let token: Int
        /// The tokens (1-based) whose gradients were summed.
        public let window: [Int]
        /// The summed gradient `Σ ∇L_t`, flattened as `vec(W₁) ‖ vec(W₂)`.
        public let gradient: [S]
        /// The parameters after the update.
        public let after: TwoLayerMLP<S>
    }

    /// Outputs, update schedule and final parameters of one pass over a sequence.
    public struct Trace: Sendable {
        public let outputs: [Vector<S>]
        public let updates: [Update]
        public let final: TwoLayerMLP<S>
    }

    /// `∇_θ L(θ; x)` for one token by hand-written backprop, flattened.
    public static func tokenGradient(_ mlp: TwoLayerMLP<S>, input x: Vector<S>, loss: Loss<S>) -> [S] {
        let f = mlp.forward(x)
        let b = mlp.backward(f, outputGradient: loss.outputGradient(f.output))
        return b.gradW1.elements + b.gradW2.elements
    }

    /// Runs the level over `inputs`, token `t` contributing the loss `losses[t]`.
    /// Each output is read with the parameters current at that token (arXiv eq. 70).
    public func run(inputs: [Vector<S>], losses: [Loss<S>]) -> Trace {
        precondition(inputs.count == losses.count, "CMSLevel: \(inputs.count) inputs, \(losses.count) losses")
        var current = mlp
        var outputs: [Vector<S>] = []
        var updates: [Update] = []
        let count = inputs.count
        for i in 1...max(count, 1) where count > 0 {
            outputs.append(current(inputs[i - 1]))
            guard let c = period else { continue }
            let boundary = i % c == 0
            let flushTail = tail == .flush && i == count && !boundary
            guard boundary || flushTail else { continue }
            let tokens = Array((flushTail ? i - i % c + 1 : i - c + 1)...i)
            var sum = Array(repeating: S.zero, count: current.flatParameters.count)
            for t in tokens {
                sum = zip(sum, Self.tokenGradient(current, input: inputs[t - 1], loss: losses[t - 1])).map { $0 + $1 }
            }
            let next = zip(current.flatParameters, sum).map { $0 - learningRate * $1 }
            current = current.withFlatParameters(next)
            updates.append(Update(token: i, window: tokens, gradient: sum, after: current))
        }
        return Trace(outputs: outputs, updates: updates, final: current)
    }
}
