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

extension DeepMomentumOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(2, 2, 2, 3, 1.0, 0.125, 0, "2x2 weight, memory 4 -> 2 -> 4, regress -u"),
                       (2, 2, 2, 3, 0.5, 0.125, 1, "the paper's <m(u), 1>, parameter decay alpha = 1/2"),
                       (1, 3, 3, 3, 0.75, 0.0625, 0, "1x3 weight, memory 3 -> 3 -> 3")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(2000 + i))
            let (r, c, h, t, alpha, eta, objective, comment) = s
            cases.valid("\(2000 + i)", comment, flags: ["LongRationals", "Dyadic"],
                        ["W0": .small(&g, r, c), "X": .small(&g, t, c), "Y": .small(&g, t, r), "M1": .small(&g, h, r * c),
                         "M2": .small(&g, r * c, h), "alpha": .scalar(alpha), "eta": .scalar(eta), "objective": .scalar(Double(objective))])
        }
        do {
            var g = DyadicGenerator(seed: 2050)
            cases.invalid("2050a", "M1 reads 3 entries, vec(W) has 4", flag: "ShapeMismatch", Self.smallInputs(&g)) {
                $0["M1"] = .small(&g, 2, 3)
            }
            cases.invalid("2050b", "objective must be 0 or 1", flag: "OutOfRange", Self.smallInputs(&g)) { $0["objective"] = .scalar(2) }
        }
        do {
            let base = drawn(seed: 2730) { Self.smallInputs(&$0) }
            cases.refuse("2730a", base, "objective", "OutOfRange", "objective 1.5 is not an integer") { $0["objective"] = .scalar(1.5) }
            cases.refuse("2730b", base, "X", "NonFinite", "NaN in X") { $0["X"]!.values[2] = .nan }
        }
        return cases
    }

    /// A 2×2 weight, 2 samples, a memory 4 -> 2 -> 4, objective 0.
    static func smallInputs(_ g: inout DyadicGenerator) -> DraftInputs {
        ["W0": .matrix(&g, 2, 2, bits: 2), "X": .matrix(&g, 2, 2, bits: 2), "Y": .matrix(&g, 2, 2, bits: 2),
         "M1": .small(&g, 2, 4), "M2": .small(&g, 4, 2), "alpha": .scalar(1), "eta": .scalar(0.125), "objective": .scalar(0)]
    }
}
