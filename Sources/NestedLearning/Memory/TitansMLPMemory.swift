import ExactMath

/// The Titans long-term memory with a deep (2-layer MLP) memory `M(k) = W₂ φ(W₁ k)` (Titans §3.1,
/// eq. 8–16 with `L_M = 2`): the same surprise-with-momentum and forgetting as ``TitansMemory``,
/// applied to all the memory's parameters `θ = vec(W₁) ‖ vec(W₂)`:
///
///     u_t = ∇_θ ½‖M_{θ_{t'}}(k_t) − v_t‖²,   S_t = η_t S_{t−1} − θ_t u_t,   θ_t = (1 − α_t) θ_{t−1} + S_t,
///
/// the gradient by the memory's backprop at the chunk-start parameters `θ_{t'}`,
/// `t' = C⌊(t − 1)/C⌋`. A final chunk shorter than `C` updates like any other.
public enum TitansMLPMemory {
    /// `∇_θ ½‖M(k) − v‖²` by hand-written backprop, flattened.
    public static func surpriseGradient<S: Scalar>(_ m: TwoLayerMLP<S>, key k: Vector<S>, value v: Vector<S>) -> [S] {
        let f = m.forward(k)
        let b = m.backward(f, outputGradient: f.output - v)
        return b.gradW1.elements + b.gradW2.elements
    }

    /// The memories after every token.
    public static func run<S: Scalar>(initial m0: TwoLayerMLP<S>, keys: [Vector<S>], values: [Vector<S>],
                                      gates: [TitansMemory.Gates], chunk c: Int) -> [TwoLayerMLP<S>] {
        precondition(c >= 1 && keys.count == values.count && keys.count == gates.count, "TitansMLPMemory.run: bad shapes or chunk")
        var theta = m0.flatParameters
        var s = Array(repeating: S.zero, count: theta.count)
        var states: [TwoLayerMLP<S>] = []
        for start in stride(from: 0, to: keys.count, by: c) {
            let anchor = m0.withFlatParameters(theta)
            for t in start..<min(start + c, keys.count) {
                let u = surpriseGradient(anchor, key: keys[t], value: values[t])
                let g = gates[t].lifted(to: S.self)
                let (keep, eta, step) = (g.keep, g.eta, g.theta)
                s = zip(s, u).map { eta * $0 - step * $1 }
                theta = zip(theta, s).map { keep * $0 + $1 }
                states.append(m0.withFlatParameters(theta))
            }
        }
        return states
    }
}
