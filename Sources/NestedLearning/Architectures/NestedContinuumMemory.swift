import ExactMath

/// Nested CMS (arXiv §7.1, eq. 72): level `s` meta-learns level `s + 1`'s initial state,
///
///     θ^{(f_{s+1})}_0 = argmin_Φ E_{T ∼ C^{(s)}} [ ℓ(Θ, T; Φ) ],
///
/// and level `s + 1` is re-initialised to it whenever its context of `C^{(s)}` tokens ends. Here
/// level `s + 1` is a ``CMSLevel`` (an MLP updated every `C^{(s+1)}` tokens by the sum of its
/// chunk's gradients) and level `s` is one GD step of size `η^{(s)}` per context on
///
///     ℓ(Φ) = Σ_{t in context} ½‖y_t(Φ) − r_t‖²,
///
/// `y_t` being level `s + 1`'s read at token `t` after starting the context from `Φ`: a function of
/// `Φ` through every inner update (``Conventions/NestedCMSMetaGradient``). Inner chunks are
/// counted from the context's first token; a context's unfinished inner chunk does not update,
/// and a final unfinished context does not move `Φ` (both as ``Conventions/CMSTail/unflushed``).
///
/// The meta-gradient is computed by forward-mode dual numbers through the inner level's run (one
/// pass per parameter of `Φ`), whose inner gradients are the level's hand-written backprop.
public struct NestedContinuumMemory<S: Scalar>: Sendable {
    /// `Φ`, level `s`'s parameters: level `s + 1`'s initial state.
    public var initialState: TwoLayerMLP<S>
    /// `C^{(s+1)}` and `η^{(s+1)}`.
    public let innerPeriod: Int, innerRate: S
    /// `C^{(s)}`, the context length, and `η^{(s)}`.
    public let context: Int, outerRate: S

    public init(initialState: TwoLayerMLP<S>, innerPeriod: Int, innerRate: S, context: Int, outerRate: S) {
        precondition(innerPeriod >= 1 && context >= 1, "NestedContinuumMemory: periods must be at least 1")
        self.initialState = initialState
        self.innerPeriod = innerPeriod
        self.innerRate = innerRate
        self.context = context
        self.outerRate = outerRate
    }

    public struct Trace: Sendable {
        /// `y_t` for every token.
        public let outputs: [Vector<S>]
        /// Tokens (1-based, global) at whose end level `s + 1` moved.
        public let innerUpdates: [Int]
        /// `Φ` after each finished context.
        public let initialStates: [TwoLayerMLP<S>]
        /// Level `s + 1`'s state at the end.
        public let final: TwoLayerMLP<S>
    }

    /// Level `s + 1`'s run over one context from `start`, in any scalar.
    public static func innerRun<T: Scalar>(from start: TwoLayerMLP<T>, period: Int, rate: T, inputs: [Vector<T>],
                                           losses: [Loss<T>]) -> CMSLevel<T>.Trace {
        CMSLevel(mlp: start, period: period, learningRate: rate).run(inputs: inputs, losses: losses)
    }

    /// `ℓ(Φ)` for one context: the sum of the losses of level `s + 1`'s reads.
    public static func contextLoss<T: Scalar>(from start: TwoLayerMLP<T>, period: Int, rate: T, inputs: [Vector<T>],
                                              losses: [Loss<T>]) -> T {
        let trace = innerRun(from: start, period: period, rate: rate, inputs: inputs, losses: losses)
        return zip(trace.outputs, losses).reduce(T.zero) { $0 + $1.1.value($1.0) }
    }

    /// `∇_Φ ℓ` at `start` for one context, through every inner update
    /// (``Conventions/NestedCMSMetaGradient/throughInnerUpdates``).
    public func contextGradient(at start: TwoLayerMLP<S>, inputs: [Vector<S>], targets: [Vector<S>]) -> [S] {
        typealias D = Dual<S>
        let theta = start.flatParameters
        let xs = inputs.map { $0.map { D(constant: $0) } }
        let losses = targets.map { Loss<D>.squaredError(target: $0.map { D(constant: $0) }) }
        return theta.indices.map { i in
            let seeded = theta.enumerated().map { j, v in j == i ? D(variable: v) : D(constant: v) }
            return Self.contextLoss(from: start.map { D(constant: $0) }.withFlatParameters(seeded), period: innerPeriod,
                                    rate: D(constant: innerRate), inputs: xs, losses: losses).derivative
        }
    }

    /// Runs both levels over `inputs` with targets `targets` (loss `½‖y_t − r_t‖²`).
    public func run(inputs: [Vector<S>], targets: [Vector<S>]) -> Trace {
        precondition(inputs.count == targets.count, "NestedContinuumMemory: \(inputs.count) inputs, \(targets.count) targets")
        var phi = initialState
        var outputs: [Vector<S>] = [], updates: [Int] = [], states: [TwoLayerMLP<S>] = []
        var final = initialState
        for offset in stride(from: 0, to: inputs.count, by: context) {
            let range = offset..<min(offset + context, inputs.count)
            let (xs, rs) = (Array(inputs[range]), Array(targets[range]))
            let trace = Self.innerRun(from: phi, period: innerPeriod, rate: innerRate, inputs: xs,
                                      losses: rs.map { .squaredError(target: $0) })
            outputs += trace.outputs
            updates += trace.updates.map { offset + $0.token }
            final = trace.final
            guard range.count == context else { break }
            let g = contextGradient(at: phi, inputs: xs, targets: rs)
            // The next context restarts from the new Φ (``Conventions/NestedCMSReset/metaLearnedState``).
            phi = phi.withFlatParameters(zip(phi.flatParameters, g).map { $0 - outerRate * $1 })
            states.append(phi)
        }
        return Trace(outputs: outputs, innerUpdates: updates, initialStates: states, final: final)
    }
}
