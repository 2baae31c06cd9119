import ExactMath

/// How the levels of a ``ContinuumMemorySystem`` are wired (arXiv eq. 73, 74).
public enum CMSVariant: String, Sendable, CaseIterable {
    /// `y = MLP_k(… MLP_1(x))` (eq. 70, 73).
    case sequential
    /// `y = Σ_ℓ w_ℓ MLP_ℓ(x)` (eq. 74).
    case independent
}

/// A continuum memory system of several levels (arXiv eq. 70–71, 73–74; NeurIPS eq. 30–31): MLP
/// blocks, level ℓ updated once every `C_ℓ` tokens with the sum of its per-token gradients of the
/// task loss, each taken with the parameters in force at that token (level ℓ's own parameters
/// are constant through its chunk, so they are its chunk-start parameters).
///
/// - `sequential` (eq. 70, 73; used by Hope): `y = MLP_k(… MLP_1(x))`, all blocks `d → d`.
/// - `independent` (eq. 74; the basis of M3): `y = Σ_ℓ w_ℓ MLP_ℓ(x)` with fixed weights `w_ℓ`.
///
/// The nested variant (eq. 72), in which level `s` meta-learns level `s + 1`'s initial state, is
/// ``NestedContinuumMemory``. When several levels
/// reach a boundary at the same token, all their gradients are taken before any of them moves
/// (``Conventions/CMSSharedBoundary``). A boundary update sums the C gradients of the chunk that
/// just ended (``Conventions/CMSWindow``), each taken when its token was read
/// (``Conventions/CMSGradientTiming``).
public struct ContinuumMemorySystem<S: Scalar>: Sendable {
    public typealias Variant = CMSVariant

    public var levels: [TwoLayerMLP<S>]
    /// `C_ℓ ≥ 1`, or `nil` for frequency zero (a frozen block).
    public let periods: [Int?]
    public let learningRates: [S]
    public let variant: Variant
    /// The aggregation weights `w_ℓ` of the independent variant.
    public let weights: [S]
    /// Whether a final partial chunk updates (``Conventions/CMSTail``).
    public var tail: Conventions.CMSTail = .unflushed

    public init(levels: [TwoLayerMLP<S>], periods: [Int?], learningRates: [S], variant: Variant, weights: [S]? = nil) {
        precondition(levels.count == periods.count && levels.count == learningRates.count,
                     "ContinuumMemorySystem: per-level arrays differ in length")
        precondition(periods.allSatisfy { $0.map { $0 >= 1 } ?? true }, "ContinuumMemorySystem: periods must be at least 1")
        self.levels = levels
        self.periods = periods
        self.learningRates = learningRates
        self.variant = variant
        self.weights = weights ?? Array(repeating: .one, count: levels.count)
    }

    /// One boundary update: the token (1-based) at whose end level `level` (0-based) moved.
    public struct Event: Sendable, Equatable {
        public let token: Int, level: Int
    }

    public struct Trace: Sendable {
        public let outputs: [Vector<S>]
        public let events: [Event]
        public let final: [TwoLayerMLP<S>]
    }

    /// The output for `x` with the given blocks.
    public func output(_ blocks: [TwoLayerMLP<S>], _ x: Vector<S>) -> Vector<S> {
        switch variant {
        case .sequential: return blocks.reduce(x) { h, block in block(h) }
        case .independent: return zip(blocks, weights).dropFirst().reduce(weights[0] * blocks[0](x)) { $0 + $1.1 * $1.0(x) }
        }
    }

    /// Every level's gradient of `loss` at input `x`, by hand-written backprop through the blocks,
    /// each flattened as `vec(W₁) ‖ vec(W₂)`.
    public func gradients(_ blocks: [TwoLayerMLP<S>], _ x: Vector<S>, loss: Loss<S>) -> [[S]] {
        switch variant {
        case .sequential:
            var forwards: [TwoLayerMLP<S>.Forward] = []
            var h = x
            for block in blocks { let f = block.forward(h); forwards.append(f); h = f.output }
            var e = loss.outputGradient(h)
            var out = Array(repeating: [S](), count: blocks.count)
            for l in stride(from: blocks.count - 1, through: 0, by: -1) {
                let b = blocks[l].backward(forwards[l], outputGradient: e)
                out[l] = b.gradW1.elements + b.gradW2.elements
                e = b.inputGradient
            }
            return out
        case .independent:
            let e = loss.outputGradient(output(blocks, x))
            return blocks.indices.map { l in
                let b = blocks[l].backward(blocks[l].forward(x), outputGradient: weights[l] * e)
                return b.gradW1.elements + b.gradW2.elements
            }
        }
    }

    /// Runs the system over `inputs`, token `t` contributing `losses[t]`; outputs are read before
    /// the token's updates.
    public func run(inputs: [Vector<S>], losses: [Loss<S>]) -> Trace {
        precondition(inputs.count == losses.count, "ContinuumMemorySystem: \(inputs.count) inputs, \(losses.count) losses")
        var blocks = levels
        var outputs: [Vector<S>] = [], events: [Event] = []
        // Per level and token, the gradient taken at that token (kept for the window).
        var perToken = Array(repeating: [[S]](), count: blocks.count)
        for i in 1...max(inputs.count, 1) where !inputs.isEmpty {
            outputs.append(output(blocks, inputs[i - 1]))
            let g = gradients(blocks, inputs[i - 1], loss: losses[i - 1])
            for l in blocks.indices { perToken[l].append(g[l]) }
            var moved: [(Int, [S])] = []
            for l in blocks.indices {
                guard let c = periods[l] else { continue }
                let boundary = i % c == 0, flush = tail == .flush && i == inputs.count && !boundary
                guard boundary || flush else { continue }
                var sum = Array(repeating: S.zero, count: blocks[l].flatParameters.count)
                for t in (flush ? i - i % c + 1 : i - c + 1)...i { sum = zip(sum, perToken[l][t - 1]).map { $0 + $1 } }
                moved.append((l, zip(blocks[l].flatParameters, sum).map { $0 - learningRates[l] * $1 }))
            }
            for (l, theta) in moved {
                blocks[l] = blocks[l].withFlatParameters(theta)
                events.append(Event(token: i, level: l))
            }
        }
        return Trace(outputs: outputs, events: events, final: blocks)
    }
}
