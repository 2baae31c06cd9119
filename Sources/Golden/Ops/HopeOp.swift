import ExactMath
import NestedLearning

/// `hope.forward`: one Hope block over a sequence (arXiv eq. 94–97): the self-modifying Titans
/// memories of `self_modifying_titans.chunked` with `C = 1` read `o_t = M_{memory,t−1} W_q x_t` and
/// update themselves; a sequential CMS (as `cms.sequential`) maps `o_t` to `y_t` and its levels learn
/// from `½‖y_t − r_t‖²` at their periods. No normalisation, convolution or residual (ambiguity A11).
/// Inputs: those of `self_modifying_titans.chunked` without `chunk` (`X` T×d, `M_memory`, `M_k`,
/// `M_v`, `W_q` d×d, `M_eta`, `M_alpha` 1×d, `dot_product`), those of `cms.sequential` without `X`
/// (`R` T×d, `W1` L×h×d, `W2` L×d×h, `periods`, `eta`). Outputs `O` (T×d, the Titans reads), `Y`
/// (T×d), `updates` (n×2), `W1_T`, `W2_T`.
public struct HopeOp: GoldenOp {
    public let name = "hope.forward"
    public let version = 1
    public let conventions = ["HopeWiring": "plain: y_t = CMS(o_t), no norm, convolution or residual",
                              "ChunkAnchor": "sequential self-modifying Titans (C = 1)",
                              "ReadOrder": "beforeWrite for both parts",
                              "SelfModifyingGates": "scalarLinear: eta_t = M_eta x_t, alpha_t = M_alpha x_t, no squashing",
                              "CMSWindow": "chunk", "CMSTail": "unflushed", "CMSGradientTiming": "perToken", "CMSReduction": "sum",
                              "SimultaneousBoundaries": "all levels' gradients are taken before any level moves",
                              "Activation": "z + z^2/2", "Orientation": "memories are d_out x d_in, read M x"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (x, initial, wq, objective) = try SelfModifyingTitansOp.titans(inputs)
        let d = wq.rows
        let (cms, _) = try CMSOp.system(inputs, variant: .sequential, width: d)
        let targets = try inputs.rows("R", count: x.count, width: d)
        let trace = HopeBlock(titans: initial, wq: wq, objective: objective, cms: cms).run(x, targets: targets)
        let h = cms.levels[0].w1.rows
        return ["O": OpOutput(rows: trace.reads, width: d),
                "Y": OpOutput(rows: trace.cms.outputs, width: d),
                "updates": OpOutput(shape: [trace.cms.events.count, 2], values: trace.cms.events.flatMap { [S($0.token), S($0.level + 1)] }),
                "W1_T": OpOutput(stack: trace.cms.final.map(\.w1), rows: h, cols: d),
                "W2_T": OpOutput(stack: trace.cms.final.map(\.w2), rows: d, cols: h)]
    }

    /// The Titans chain (as `self_modifying_titans.chunked`) feeding the CMS chain (as `cms.sequential`).
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        return try SelfModifyingTitansOp().boundUnits(inputs) + CMSOp(.sequential).boundUnits(inputs) + 4 * Double(x.rows)
    }
}
