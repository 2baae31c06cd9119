import ExactMath
import NestedLearning

/// Invalid cases for every refusal rule of `Golden/FORMAT.md` ("Invalid inputs") that had none
/// (suite 0.8.0), appended after the earlier cases so their tcIds do not move. Each case starts
/// from valid inputs (`base`) and changes one input, so the only reason to refuse it is the rule
/// it names; `field` is the input the reference's error names.
extension GoldenSuite {
    struct Refusal: Sendable {
        let draft: Draft
        /// The input the refusal is about (the `field` of the reference's ``GoldenError``).
        let field: String
        /// The valid inputs the case was made from by changing one input.
        let base: Inputs
    }

    static func refusalDrafts() -> [Draft] { refusals().map(\.draft) }

    /// Every refusal case, in tcId order.
    static func refusals() -> [Refusal] {
        var out: [Refusal] = []
        /// One invalid case: `base` with `change` applied, refused for `field`.
        func refuse(_ op: any GoldenOp, _ base: Inputs, _ field: String, _ flag: String, _ comment: String, _ change: (inout Inputs) -> Void) {
            var inputs = base
            change(&inputs)
            out.append(Refusal(draft: Draft(op: op, comment: "invalid: " + comment, flags: [flag], valid: false, inputs: inputs),
                               field: field, base: base))
        }
        func empty(_ shape: [Int]) -> (shape: [Int], values: [Double]) { (shape, []) }

        // dgd.step
        do {
            var g = DyadicGenerator(seed: 2600)
            let base: Inputs = ["W": matrix(&g, 2, 3, bits: 2), "x": vector([1, 0.5, -1]), "u": vector([1, 2]), "eta": scalar(0.75)]
            let op = DGDStepOp()
            refuse(op, base, "eta", "OutOfRange", "zero learning rate (eta must be > 0)") { $0["eta"] = scalar(0) }
            refuse(op, base, "u", "ShapeMismatch", "u has 3 entries, W has 2 rows") { $0["u"] = vector([1, 2, 0.5]) }
        }
        // cms_level.run
        do {
            var g = DyadicGenerator(seed: 2610)
            let base: Inputs = ["W1": matrix(&g, 2, 3, bits: 2), "W2": matrix(&g, 2, 2, bits: 2), "X": matrix(&g, 5, 3, bits: 2),
                                "R": matrix(&g, 5, 2, bits: 2), "period": scalar(3), "eta": scalar(0.25), "flush": scalar(0)]
            let op = CMSLevelOp()
            refuse(op, base, "flush", "OutOfRange", "flush = 2 (must be 0 or 1)") { $0["flush"] = scalar(2) }
            refuse(op, base, "flush", "OutOfRange", "flush = 0.5 is not an integer") { $0["flush"] = scalar(0.5) }
            refuse(op, base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = scalar(-0.25) }
            refuse(op, base, "period", "OutOfRange", "period 1.5 is not an integer (casting it to 1 would make the case valid)") { $0["period"] = scalar(1.5) }
            refuse(op, base, "R", "ShapeMismatch", "R has 4 rows, X has 5") { $0["R"] = matrix(&g, 4, 2, bits: 2) }
        }
        // linear.gd_step
        do {
            var g = DyadicGenerator(seed: 2620)
            let base: Inputs = ["W": matrix(&g, 2, 3, bits: 2), "x": vector([1, 0.5, -1]), "t": vector([1, 2]), "eta": scalar(0.25)]
            let op = LinearGDStepOp()
            refuse(op, base, "eta", "OutOfRange", "zero learning rate (eta must be > 0)") { $0["eta"] = scalar(0) }
            refuse(op, base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = scalar(-0.25) }
        }
        // mlp2.gradients
        do {
            var g = DyadicGenerator(seed: 2630)
            let base: Inputs = ["W1": matrix(&g, 4, 3, bits: 2), "W2": matrix(&g, 2, 4, bits: 2), "x": vector([1, 0.5, -1]), "t": vector([1, 2])]
            refuse(MLPGradientsOp(), base, "x", "NonFinite", "NaN in x") { $0["x"]!.values[1] = .nan }
        }
        // momentum.trajectory
        do {
            var g = DyadicGenerator(seed: 2640)
            let base: Inputs = ["W0": matrix(&g, 2, 3, bits: 2), "X": matrix(&g, 4, 3, bits: 2), "R": matrix(&g, 4, 2, bits: 2),
                                "eta": scalar(0.25), "beta": scalar(0.5)]
            let op = MomentumTrajectoryOp()
            refuse(op, base, "eta", "OutOfRange", "zero learning rate (eta must be > 0)") { $0["eta"] = scalar(0) }
            refuse(op, base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = scalar(-0.25) }
            refuse(op, base, "beta", "OutOfRange", "negative beta (must be in [0, 1])") { $0["beta"] = scalar(-0.25) }
            refuse(op, base, "X", "ShapeMismatch", "X has 2 columns, W0 has 3") { $0["X"] = matrix(&g, 4, 2, bits: 2) }
        }
        // softmax_attention.causal
        do {
            var g = DyadicGenerator(seed: 2650)
            let base: Inputs = ["K": matrix(&g, 5, 3, bits: 2), "V": matrix(&g, 5, 2, bits: 2), "Q": matrix(&g, 5, 3, bits: 2)]
            refuse(SoftmaxAttentionOp(), base, "Q", "NonFinite", "-infinity in Q") { $0["Q"]!.values[13] = -.infinity }
        }
        // transformer_block.cms1
        do {
            var g = DyadicGenerator(seed: 2660)
            let base: Inputs = ["X": small(&g, 4, 3), "Wq": small(&g, 2, 3), "Wk": small(&g, 2, 3), "Wv": small(&g, 3, 3),
                                "W1": small(&g, 4, 3), "W2": small(&g, 3, 4)]
            refuse(TransformerBlockOp(), base, "W1", "NonFinite", "NaN in W1") { $0["W1"]!.values[7] = .nan }
        }
        // delta_rule.two_calls
        do {
            var g = DyadicGenerator(seed: 2670)
            let base: Inputs = ["M0": matrix(&g, 2, 3, bits: 2), "K": matrix(&g, 3, 3, bits: 2), "V": matrix(&g, 3, 2, bits: 2),
                                "Q": matrix(&g, 3, 3, bits: 2), "beta": vector([0.5, 0.5, 0.5]), "split": scalar(1)]
            let op = DeltaRuleTwoCallsOp()
            refuse(op, base, "split", "OutOfRange", "split = 0 leaves the first call empty") { $0["split"] = scalar(0) }
            refuse(op, base, "split", "OutOfRange", "split 1.5 is not an integer") { $0["split"] = scalar(1.5) }
            refuse(op, base, "beta", "ShapeMismatch", "2 step sizes for 3 tokens") { $0["beta"] = vector([0.5, 0.5]) }
            refuse(op, base, "V", "NonFinite", "infinity in V") { $0["V"]!.values[3] = .infinity }
        }
        // gated_delta_rule.sequence
        do {
            var g = DyadicGenerator(seed: 2680)
            let base: Inputs = ["M0": matrix(&g, 2, 3, bits: 2), "K": matrix(&g, 3, 3, bits: 2), "V": matrix(&g, 3, 2, bits: 2),
                                "Q": matrix(&g, 3, 3, bits: 2), "alpha": vector([0.5, 0.5, 0.5]), "beta": vector([0.5, 0.5, 0.5])]
            refuse(GatedDeltaRuleOp(), base, "alpha", "NonFinite", "NaN gate") { $0["alpha"]!.values[1] = .nan }
        }
        // titans_memory.chunked
        do {
            var g = DyadicGenerator(seed: 2690)
            let gates = vector([0.5, 0.5])
            let base: Inputs = ["M0": matrix(&g, 2, 2, bits: 2), "K": matrix(&g, 2, 2, bits: 2), "V": matrix(&g, 2, 2, bits: 2),
                                "Q": matrix(&g, 2, 2, bits: 2), "alpha": gates, "eta": gates, "theta": gates, "chunk": scalar(1)]
            let op = TitansMemoryOp()
            refuse(op, base, "chunk", "OutOfRange", "chunk 1.5 is not an integer") { $0["chunk"] = scalar(1.5) }
            refuse(op, base, "theta", "ShapeMismatch", "1 theta for 2 tokens") { $0["theta"] = vector([0.5]) }
            refuse(op, base, "eta", "NonFinite", "infinite eta gate") { $0["eta"]!.values[1] = .infinity }
        }
        // self_modifying_titans.chunked
        do {
            var g = DyadicGenerator(seed: 2700)
            let base = smtInputs(&g, d: 2, t: 2, chunk: 1, dot: false)
            let op = SelfModifyingTitansOp()
            refuse(op, base, "chunk", "OutOfRange", "chunk size 0") { $0["chunk"] = scalar(0) }
            refuse(op, base, "chunk", "OutOfRange", "chunk 1.5 is not an integer") { $0["chunk"] = scalar(1.5) }
            refuse(op, base, "dot_product", "OutOfRange", "dot_product = 0.5 is not an integer") { $0["dot_product"] = scalar(0.5) }
            refuse(op, base, "X", "OutOfRange", "X has no rows (T = 0)") { $0["X"] = empty([0, 2]) }
            refuse(op, base, "M_k", "NonFinite", "NaN in M_k") { $0["M_k"]!.values[2] = .nan }
        }
        // adam_memory.trajectory
        do {
            var g = DyadicGenerator(seed: 2710)
            let base: Inputs = ["W0": matrix(&g, 2, 2, bits: 2), "G": perfectSquareGradients(&g, steps: 3, rows: 2, cols: 2, exponent: 2),
                                "beta1": scalar(1), "beta2": scalar(1), "eta": scalar(0.25), "epsilon": scalar(0)]
            let op = AdamMemoryOp()
            refuse(op, base, "beta2", "OutOfRange", "negative beta2") { $0["beta2"] = scalar(-0.25) }
            refuse(op, base, "G", "NonFinite", "NaN gradient entry") { $0["G"]!.values[6] = .nan }
        }
        // m3.trajectory
        do {
            var g = DyadicGenerator(seed: 2720)
            let base: Inputs = ["W0": matrix(&g, 2, 2, bits: 2), "G": perfectSquareGradients(&g, steps: 3, rows: 2, cols: 2, exponent: 6),
                                "eta": scalar(0.125), "beta1": scalar(1), "beta2": scalar(1), "beta3": scalar(0.5), "alpha": scalar(0.5),
                                "epsilon": scalar(0), "period": scalar(2), "ns_steps": scalar(1)]
            let op = M3Op()
            refuse(op, base, "epsilon", "OutOfRange", "negative epsilon") { $0["epsilon"] = scalar(-0.125) }
            refuse(op, base, "beta2", "OutOfRange", "negative beta2") { $0["beta2"] = scalar(-0.25) }
            refuse(op, base, "G", "ZeroDenominator", "one entry's gradient is 0 at every step and epsilon = 0 (V has a zero entry)") {
                for t in 0..<3 { $0["G"]!.values[4 * t + 1] = 0 }
            }
            refuse(op, base, "G", "ZeroDenominator", "beta2 = 0 and epsilon = 0: V is 0 everywhere") { $0["beta2"] = scalar(0) }
            refuse(op, base, "ns_steps", "OutOfRange", "ns_steps = 9 (at most 8)") { $0["ns_steps"] = scalar(9) }
            refuse(op, base, "ns_steps", "OutOfRange", "negative ns_steps") { $0["ns_steps"] = scalar(-1) }
            refuse(op, base, "period", "OutOfRange", "period 1.5 is not an integer") { $0["period"] = scalar(1.5) }
            refuse(op, base, "G", "ShapeMismatch", "G is 3x1x4, W0 is 2x2") { $0["G"]!.shape = [3, 1, 4] }
        }
        // dmgd.trajectory
        do {
            var g = DyadicGenerator(seed: 2730)
            let base: Inputs = ["W0": matrix(&g, 2, 2, bits: 2), "X": matrix(&g, 2, 2, bits: 2), "Y": matrix(&g, 2, 2, bits: 2),
                                "M1": small(&g, 2, 4), "M2": small(&g, 4, 2), "alpha": scalar(1), "eta": scalar(0.125), "objective": scalar(0)]
            let op = DeepMomentumOp()
            refuse(op, base, "objective", "OutOfRange", "objective 1.5 is not an integer") { $0["objective"] = scalar(1.5) }
            refuse(op, base, "X", "NonFinite", "NaN in X") { $0["X"]!.values[2] = .nan }
        }
        // titans_mlp.chunked
        do {
            var g = DyadicGenerator(seed: 2740)
            let base: Inputs = ["W1": small(&g, 2, 2), "W2": small(&g, 2, 2), "K": small(&g, 2, 2), "V": small(&g, 2, 2), "Q": small(&g, 2, 2),
                                "alpha": vector([0.125, 0]), "eta": vector([0.5, 0.75]), "theta": vector([0.25, 0.125]), "chunk": scalar(1)]
            let op = TitansMLPOp()
            refuse(op, base, "chunk", "OutOfRange", "chunk 1.5 is not an integer") { $0["chunk"] = scalar(1.5) }
            refuse(op, base, "K", "NonFinite", "infinity in K") { $0["K"]!.values[0] = -.infinity }
        }
        // cms.sequential, cms.independent
        func cms(_ g: inout DyadicGenerator, levels l: Int, weights: Bool) -> Inputs {
            var inputs: Inputs = ["X": matrix(&g, 3, 2, bits: 2), "R": matrix(&g, 3, 2, bits: 2),
                                  "W1": ([l, 2, 2], small(&g, l * 2, 2).values), "W2": ([l, 2, 2], small(&g, l * 2, 2).values),
                                  "periods": vector((0..<l).map { Double($0 + 1) }), "eta": vector((0..<l).map { [0.25, 0.125][$0 % 2] })]
            if weights { inputs["weights"] = vector((0..<l).map { [1, 0.5][$0 % 2] }) }
            return inputs
        }
        do {
            var g = DyadicGenerator(seed: 2750)
            let base = cms(&g, levels: 2, weights: false)
            let op = CMSOp(.sequential)
            refuse(op, base, "periods", "OutOfRange", "negative period") { $0["periods"] = vector([1, -2]) }
            refuse(op, base, "W1", "OutOfRange", "no levels (L = 0)") {
                $0["W1"] = empty([0, 2, 2]); $0["W2"] = empty([0, 2, 2]); $0["periods"] = empty([0]); $0["eta"] = empty([0])
            }
            refuse(op, base, "periods", "ShapeMismatch", "1 period for 2 levels") { $0["periods"] = vector([1]) }
            refuse(op, base, "R", "NonFinite", "NaN in R") { $0["R"]!.values[5] = .nan }
        }
        do {
            var g = DyadicGenerator(seed: 2760)
            let base = cms(&g, levels: 2, weights: true)
            let op = CMSOp(.independent)
            refuse(op, base, "periods", "OutOfRange", "negative period") { $0["periods"] = vector([-1, 2]) }
            refuse(op, base, "periods", "OutOfRange", "period 2.5 is not an integer") { $0["periods"] = vector([1, 2.5]) }
            refuse(op, base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = vector([0.25, -0.5]) }
            refuse(op, base, "W1", "OutOfRange", "no levels (L = 0)") {
                $0["W1"] = empty([0, 2, 2]); $0["W2"] = empty([0, 2, 2]); $0["periods"] = empty([0]); $0["eta"] = empty([0])
                $0["weights"] = empty([0])
            }
            refuse(op, base, "weights", "NonFinite", "NaN weight") { $0["weights"]!.values[1] = .nan }
        }
        // hope.forward
        do {
            var g = DyadicGenerator(seed: 2770)
            var base = smtInputs(&g, d: 2, t: 3, chunk: 1, dot: false)
            base["chunk"] = nil
            for (key, value) in cms(&g, levels: 1, weights: false) where key != "X" { base[key] = value }
            let op = HopeOp()
            refuse(op, base, "dot_product", "OutOfRange", "dot_product must be 0 or 1") { $0["dot_product"] = scalar(2) }
            refuse(op, base, "dot_product", "OutOfRange", "dot_product = 0.5 is not an integer") { $0["dot_product"] = scalar(0.5) }
            refuse(op, base, "periods", "OutOfRange", "negative period") { $0["periods"] = vector([-1]) }
            refuse(op, base, "periods", "OutOfRange", "period 1.5 is not an integer") { $0["periods"] = vector([1.5]) }
            refuse(op, base, "eta", "OutOfRange", "negative CMS learning rate") { $0["eta"] = vector([-0.25]) }
            refuse(op, base, "W1", "OutOfRange", "no CMS levels (L = 0)") {
                $0["W1"] = empty([0, 2, 2]); $0["W2"] = empty([0, 2, 2]); $0["periods"] = empty([0]); $0["eta"] = empty([0])
            }
            refuse(op, base, "X", "OutOfRange", "X and R have no rows (T = 0)") { $0["X"] = empty([0, 2]); $0["R"] = empty([0, 2]) }
            refuse(op, base, "M_v", "NonFinite", "NaN in M_v") { $0["M_v"]!.values[3] = .nan }
        }
        // momentum_memory.step
        do {
            var g = DyadicGenerator(seed: 2780)
            let base: Inputs = ["m": matrix(&g, 2, 3, bits: 2), "g": small(&g, 2, 3), "P": matrix(&g, 2, 2, bits: 2),
                                "alpha": scalar(1), "eta": scalar(0.5), "objective": scalar(1)]
            let op = MomentumMemoryStepOp()
            refuse(op, base, "objective", "OutOfRange", "objective must be 0 or 1") { $0["objective"] = scalar(2) }
            refuse(op, base, "objective", "OutOfRange", "objective 1.5 is not an integer") { $0["objective"] = scalar(1.5) }
            refuse(op, base, "g", "NonFinite", "infinity in g") { $0["g"]!.values[4] = .infinity }
        }
        // cms.nested
        do {
            var g = DyadicGenerator(seed: 2790)
            let base: Inputs = ["W1": small(&g, 1, 2), "W2": small(&g, 2, 1), "X": small(&g, 3, 2), "R": small(&g, 3, 2),
                                "inner_period": scalar(1), "context": scalar(2), "inner_eta": scalar(0.25), "outer_eta": scalar(0.125)]
            let op = NestedCMSOp()
            refuse(op, base, "inner_period", "OutOfRange", "inner_period 0") { $0["inner_period"] = scalar(0) }
            refuse(op, base, "inner_period", "OutOfRange", "inner_period 1.5 is not an integer") { $0["inner_period"] = scalar(1.5) }
            refuse(op, base, "context", "OutOfRange", "context 1.5 is not an integer") { $0["context"] = scalar(1.5) }
            refuse(op, base, "inner_eta", "OutOfRange", "negative inner learning rate") { $0["inner_eta"] = scalar(-0.25) }
            refuse(op, base, "R", "ShapeMismatch", "R has 3 columns, X has 2") { $0["R"] = small(&g, 3, 3) }
            refuse(op, base, "X", "NonFinite", "NaN in X") { $0["X"]!.values[0] = .nan }
        }
        // Tokens of width 0: every shape agrees with d = 0, which the self-modifying memories refuse.
        do {
            var g = DyadicGenerator(seed: 2800)
            let base = smtInputs(&g, d: 2, t: 2, chunk: 1, dot: false)
            refuse(SelfModifyingTitansOp(), base, "X", "OutOfRange", "tokens of width 0 (d = 0)") {
                $0["X"] = empty([2, 0])
                for name in ["M_memory", "M_k", "M_v", "W_q"] { $0[name] = empty([0, 0]) }
                for name in ["M_eta", "M_alpha"] { $0[name] = empty([1, 0]) }
            }
        }
        do {
            var g = DyadicGenerator(seed: 2810)
            var base = smtInputs(&g, d: 2, t: 3, chunk: 1, dot: false)
            base["chunk"] = nil
            for (key, value) in cms(&g, levels: 1, weights: false) where key != "X" { base[key] = value }
            refuse(HopeOp(), base, "X", "OutOfRange", "tokens of width 0 (d = 0)") {
                $0["X"] = empty([3, 0]); $0["R"] = empty([3, 0])
                for name in ["M_memory", "M_k", "M_v", "W_q"] { $0[name] = empty([0, 0]) }
                for name in ["M_eta", "M_alpha"] { $0[name] = empty([1, 0]) }
                $0["W1"] = empty([1, 2, 0]); $0["W2"] = empty([1, 0, 2])
            }
        }
        return out
    }
}
