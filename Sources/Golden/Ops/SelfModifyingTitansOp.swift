import ExactMath
import NestedLearning

/// `self_modifying_titans.chunked`: self-modifying Titans with linear memories in chunks of
/// `chunk` tokens (arXiv eq. 83–93; claims SMT-DGD, SMT-CHUNK). Per chunk, the anchor states (the
/// last states of the previous chunk) generate `k_t = M_k x_t`, `v_t = M_v x_t`, `η_t = M_η x_t`,
/// `α_t = M_α x_t`, `q_t = W_q x_t`, `v̂_{□,t} = M_□ v_t` and the read `y_t = M_memory q_t`; then every
/// memory runs `M ← M(α_t I − η_t k_t k_tᵀ) − η_t ∇L(M_ξ; k_t, v̂_{□,t})` through the chunk.
/// Inputs `X` (T×d), `M_memory`, `M_k`, `M_v`, `W_q` (d×d), `M_eta`, `M_alpha` (1×d), `chunk`
/// (integer ≥ 1), `dot_product` (0: `L = ½‖M k − v̂‖²`, eq. 93; 1: `L = −⟨M k, v̂⟩`, eq. 92 with the
/// descent sign); outputs `Y` (T×d) and the five final memories.
public struct SelfModifyingTitansOp: GoldenOp {
    public let name = "self_modifying_titans.chunked"
    public let version = 1
    public let conventions = ["ChunkAnchor": "previousChunkEnd: xi = C floor((t-1)/C); partial chunks update",
                              "ReadOrder": "beforeWrite: y_t = M_memory,xi q_t",
                              "SelfModifyingGates": "scalarLinear: eta_t = M_eta x_t, alpha_t = M_alpha x_t, no squashing",
                              "Orientation": "memories are d_out x d_in, read M x",
                              "Loss": "dot_product 0: 1/2 ||M k - v^||^2; 1: -<M k, v^>, write +eta v^ k^T"]
    public static let memoryNames = ["M_memory", "M_k", "M_v", "M_eta", "M_alpha"]
    public init() {}

    /// The tokens, the five initial memories, `W_q` and the inner objective, checked.
    public static func titans<S: Scalar>(_ inputs: OpInputs<S>)
        throws -> (x: [Vector<S>], state: SelfModifyingTitans.State<S>, wq: Matrix<S>, objective: SelfModifyingTitans.InnerObjective) {
        let x = try inputs.rows("X")
        guard let d = x.first?.count, d > 0 else { throw inputs.fail("X", "expected at least one token of width >= 1") }
        var memories: [Matrix<S>] = []
        for (i, name) in memoryNames.enumerated() {
            memories.append(try inputs.matrix(name, rows: i < 3 ? d : 1, cols: d))
        }
        let wq = try inputs.matrix("W_q", rows: d, cols: d)
        let dot = try inputs.flag("dot_product")
        return (x, SelfModifyingTitans.State(memories: memories), wq, dot ? .dotProduct : .l2)
    }

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (x, initial, wq, objective) = try Self.titans(inputs)
        let d = wq.rows
        let chunk = try inputs.integer("chunk", minimum: 1)
        let run = SelfModifyingTitans.chunked(x, initial: initial, wq: wq, chunk: chunk, objective: objective)
        var out = ["Y": OpOutput(rows: run.outputs, width: d)]
        let last = run.states.last!
        for (i, name) in Self.memoryNames.enumerated() { out[name + "_T"] = OpOutput(last.memories[i]) }
        return out
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        return 4 * Double(x.rows * (4 * x.cols + 8))
    }
}
