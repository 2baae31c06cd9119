import ExactMath

/// The Titans neural long-term memory with a linear memory `M: k ↦ v` (Titans eq. 8–16; the
/// nested view's §5 generalisation of Gated DeltaNet with momentum).
///
/// Per token, with the loss `ℓ(M; k, v) = ½‖M k − v‖²` and `u_t = ∇ℓ(M_{t'}; k_t, v_t)` taken at
/// the chunk-start state `M_{t'}`, `t' = C⌊(t − 1)/C⌋` (Titans §3.2, chunked training):
/// `S_t = η_t S_{t−1} − θ_t u_t` (surprise with momentum), `M_t = (1 − α_t) M_{t−1} + S_t`
/// (forgetting). With `C = 1` every gradient is at the current state (the sequential rule).
public enum TitansMemory {
    /// One token's gates, forgetting `α`, momentum `η`, surprise step `θ`, in any scalar (variables
    /// for `nlspec prove`).
    public struct ScalarGates<S: Scalar>: Sendable {
        public let alpha: S, eta: S, theta: S
        /// `1 − α`, the factor that multiplies the memory. The recurrences use it, not `α`: with
        /// log-space gates (``Conventions/GateSpace/log``) it is the given `RN(exp g)`, and `α`
        /// is `1 − keep`, rounded when `S` is `Double`.
        public let keep: S
        /// Whether `keep` was given (and `α` derived from it) rather than `α`.
        let keepIsGiven: Bool

        public init(alpha: S, eta: S, theta: S) {
            (self.alpha, keep, self.eta, self.theta, keepIsGiven) = (alpha, S(1) - alpha, eta, theta, false)
        }

        /// Gates whose forgetting is given as the retained fraction `keep = 1 − α`.
        public init(keep: S, eta: S, theta: S) {
            (alpha, self.keep, self.eta, self.theta, keepIsGiven) = (S(1) - keep, keep, eta, theta, true)
        }

        /// The gates in `T`: themselves when `T` is their scalar; else `Double` gates taken exactly
        /// (every finite `Double` is a dyadic rational), the derived one of `α` and `keep`
        /// recomputed in `T`.
        public func lifted<T: Scalar>(to: T.Type = T.self) -> ScalarGates<T> {
            if let same = self as? ScalarGates<T> { return same }
            precondition(S.self == Double.self, "TitansMemory.ScalarGates: \(S.self) gates cannot be lifted to \(T.self)")
            let (eta, theta) = (T(dyadic: eta.roundedDouble), T(dyadic: theta.roundedDouble))
            return keepIsGiven ? ScalarGates<T>(keep: T(dyadic: keep.roundedDouble), eta: eta, theta: theta)
                : ScalarGates<T>(alpha: T(dyadic: alpha.roundedDouble), eta: eta, theta: theta)
        }
    }

    /// Gates as data: dyadic `Double`s, lifted exactly into the scalar of the states.
    public typealias Gates = ScalarGates<Double>

    /// One gate triple per token from gates given at `granularity`: per token, `gates` as they
    /// are; per chunk (``Conventions/TitansGateGranularity/chunk``), `⌈T/C⌉` triples, triple `j`
    /// repeated for the tokens `jC + 1 … min((j + 1)C, T)` of chunk `j`.
    public static func tokenGates<G: Scalar>(_ gates: [ScalarGates<G>], granularity: Conventions.TitansGateGranularity,
                                             tokens t: Int, chunk c: Int) -> [ScalarGates<G>] {
        precondition(c >= 1 && t >= 0, "TitansMemory.tokenGates: chunk \(c), \(t) tokens")
        switch granularity {
        case .token:
            precondition(gates.count == t, "TitansMemory.tokenGates: \(gates.count) gates for \(t) tokens")
            return gates
        case .chunk:
            precondition(gates.count == chunkCount(tokens: t, chunk: c),
                         "TitansMemory.tokenGates: \(gates.count) gates for \(chunkCount(tokens: t, chunk: c)) chunks")
            return (0..<t).map { gates[$0 / c] }
        }
    }

    /// `⌈T/C⌉`, the number of chunks of `C` tokens a sequence of `T` tokens has (a partial last
    /// chunk counts).
    public static func chunkCount(tokens t: Int, chunk c: Int) -> Int { (t + c - 1) / c }

    /// `∇_M ½‖M k − v‖² = (M k − v) kᵀ`, written by hand.
    public static func surpriseGradient<S: Scalar>(_ m: Matrix<S>, key k: Vector<S>, value v: Vector<S>) -> Matrix<S> {
        Matrix.outer(m * k - v, k)
    }

    /// The states `M_1 … M_T` over a sequence in chunks of `C` tokens; a final partial chunk
    /// (and a whole sequence shorter than `C`) updates like any other. The gates are in the
    /// states' scalar, or ``Gates`` (dyadic data).
    public static func run<S: Scalar, G: Scalar>(initial m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>], gates: [ScalarGates<G>],
                                                 chunk c: Int) -> [Matrix<S>] {
        precondition(c >= 1 && keys.count == values.count && keys.count == gates.count, "TitansMemory.run: bad shapes or chunk")
        let gates = gates.map { $0.lifted(to: S.self) }
        var m = m0, s = Matrix<S>(rows: m0.rows, cols: m0.cols) { _, _ in .zero }
        var states: [Matrix<S>] = []
        for start in stride(from: 0, to: keys.count, by: c) {
            let anchor = m
            for t in start..<min(start + c, keys.count) {
                let u = surpriseGradient(anchor, key: keys[t], value: values[t])
                let gt = gates[t]
                s = gt.eta * s - gt.theta * u
                m = gt.keep * m + s
                states.append(m)
            }
        }
        return states
    }
}
