import ExactMath
import NestedLearning

/// `dmgd.trajectory`: deep momentum gradient descent (arXiv eq. 50; claim OPT-DMGD) on the
/// regression `½‖W x_t − y_t‖²`: `u_t = (W x_t − y_t) x_tᵀ` flattened row-major,
/// `m ← α m − η ∇_m L⁽²⁾(m; u_t)` for the MLP memory `m(u) = M2 φ(M1 u)`, `φ(z) = z + z²/2`, then
/// `W ← W + m(u_t)` reshaped. Inputs `W0` (r×c), `X` (T×c), `Y` (T×r), `M1` (h×rc), `M2` (rc×h),
/// `alpha`, `eta`, `objective` (0: `L⁽²⁾ = ½‖m(u) + u‖²`; 1: `⟨m(u), 1⟩`, the paper's example);
/// outputs `W` (T×r×c, the weights after every step), `M1_T`, `M2_T`.
public struct DeepMomentumOp: GoldenOp {
    public let name = "dmgd.trajectory"
    public let version = 1
    public let conventions = ["DMGDObjective": "from input 'objective': 0 = 1/2 ||m(u) + u||^2, 1 = <m(u), 1>",
                              "MemoryTiming": "the memory steps on u_t first; the weight then moves by the new memory's m(u_t)",
                              "Flattening": "u = vec(grad W), row-major", "Activation": "z + z^2/2"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w0 = try inputs.matrix("W0")
        let n = w0.elements.count
        let xs = try inputs.rows("X", width: w0.cols)
        let ys = try inputs.rows("Y", count: xs.count, width: w0.rows)
        let m1 = try inputs.matrix("M1", cols: n)
        let m2 = try inputs.matrix("M2", rows: n, cols: m1.rows)
        let objective: Conventions.DMGDObjective = try inputs.flag("objective") ? .dotProductWithOnes : .regressNegativeGradient
        let run = DeepMomentum.run(w0: w0, memory: TwoLayerMLP(w1: m1, w2: m2), samples: Array(zip(xs, ys)),
                                   alpha: try inputs.scalar("alpha"), eta: try inputs.scalar("eta"), objective: objective)
        let last = run.memories.last ?? TwoLayerMLP(w1: m1, w2: m2)
        return ["W": OpOutput(stack: run.weights, rows: w0.rows, cols: w0.cols), "M1_T": OpOutput(last.w1), "M2_T": OpOutput(last.w2)]
    }

    /// Per step: the outer gradient (`c + 3`), the memory's backward pass (about `8(h + rc)`), its
    /// forward pass on `u` (`4(h + rc)`) and the addition; times the trajectory's cancellation.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let w0 = try inputs.matrix("W0"), t = try inputs.matrix("X").rows, h = try inputs.matrix("M1").rows
        let out = try run(inputs)
        let perStep: Int = w0.cols + 5 + 12 * (h + w0.elements.count)
        return 4 * Double(t * perStep) * TrajectoryCancellation.ratio(out["W"]!, initial: w0)
    }
}
