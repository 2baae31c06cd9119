import ExactMath
import NestedLearning

/// The cases of the read conventions (suite 0.10.0; `Golden/FORMAT.md`, "The options of this
/// version"): a query `scale`, `read_order` = `before_write`, and gates in log space, each on the
/// ops that real kernels write that way, small cases to read by hand and medium ones that combine
/// the conventions as a kernel library does (scale `1/√d_k`, log gates, read before write).

/// Log-space gates `g ≤ 0`: no decay (0), near 1 (−2⁻³⁰), ordinary and strong decays.
let logGatePattern: [Double] = [-0.5, 0, -0x1p-30, -2, -0.125, -6.5]
/// The binary64 `1/√3`, the scale attention code computes for `d_k = 3`.
let inverseSqrt3 = 1 / 3.0.squareRoot()

extension LinearAttentionOp {
    func readConventionCases(_ cases: inout DraftSet) {
        let small = drawn(seed: 3400) { memorySequence(&$0, dk: 3, dv: 2, t: 4, bits: 2) }
        cases.valid("3400", "query scale fl(1/sqrt(3)) for d_k = 3: y_t = M_t (s q_t)", flags: ["Small", "Dyadic", "ScaledQuery"],
                    small.merging(["scale": .scalar(inverseSqrt3)]) { $1 })
        cases.valid("3401", "read_order = before_write: y_t = M_{t-1} q_t (y_1 reads M0)", flags: ["Small", "Dyadic", "ReadBeforeWrite"],
                    options: ["read_order": "before_write"], small)
        cases.valid("3402", "medium: T = 64, d_k = 16, scale 1/4, read before write", flags: ["Medium", "Dyadic", "ScaledQuery",
                                                                                             "ReadBeforeWrite"],
                    options: ["read_order": "before_write"],
                    drawn(seed: 3402) { memorySequence(&$0, dk: 16, dv: 8, t: 64, bits: 8) }.merging(["scale": .scalar(0.25)]) { $1 })
        cases.refuse("3450", small.merging(["scale": .scalar(0.5)]) { $1 }, "scale", "NonFinite", "query scale NaN") {
            $0["scale"] = .scalar(.nan)
        }
    }
}

extension DeltaRuleOp {
    func readConventionCases(_ cases: inout DraftSet) {
        let betas = InputTensor.cycle(4, [1, 0.5, 0.75, 0x1p-6])
        let small = drawn(seed: 3500) { scaledMemorySequence(&$0, dk: 3, dv: 2, t: 4, bits: 2) }.merging(["beta": betas]) { $1 }
        cases.valid("3500", "query scale fl(1/sqrt(3)) for d_k = 3", flags: ["Small", "Dyadic", "ScaledQuery"],
                    small.merging(["scale": .scalar(inverseSqrt3)]) { $1 })
        cases.valid("3501", "read_order = before_write: y_t = M_{t-1} q_t", flags: ["Small", "Dyadic", "ReadBeforeWrite"],
                    options: ["read_order": "before_write"], small)
        cases.valid("3502", "medium: T = 24, d_k = 16, scale 1/4 (= 16^-1/2, a kernel's fixed scale)",
                    flags: ["Medium", "Dyadic", "ScaledQuery"],
                    drawn(seed: 3502) { scaledMemorySequence(&$0, dk: 16, dv: 16, t: 24, bits: 8) }
                        .merging(["beta": .cycle(24, [1, 0x1p-6, 0.5, 0.75]), "scale": .scalar(0.25)]) { $1 })
        cases.refuse("3550", small.merging(["scale": .scalar(0.5)]) { $1 }, "scale", "NonFinite", "query scale +infinity") {
            $0["scale"] = .scalar(.infinity)
        }
    }
}

extension DeltaRuleTwoCallsOp {
    func readConventionCases(_ cases: inout DraftSet) {
        let inputs = drawn(seed: 3600) { scaledMemorySequence(&$0, dk: 3, dv: 2, t: 5, bits: 2) }
            .merging(["beta": .cycle(5, [1, 0.5, 0.75]), "split": .scalar(2), "scale": .scalar(inverseSqrt3)]) { $1 }
        cases.valid("3600", "query scale fl(1/sqrt(3)), split after token 2 (the scale does not touch the carried state)",
                    flags: ["Small", "Dyadic", "StateCarry", "ScaledQuery"], inputs)
    }
}

extension GatedDeltaRuleOp {
    func readConventionCases(_ cases: inout DraftSet) {
        let log = ["gates": "log"]
        let small = drawn(seed: 3700) { scaledMemorySequence(&$0, dk: 3, dv: 2, t: 6, bits: 2) }
            .merging(["beta": .cycle(6, [1, 0x1p-6, 0.5, 0.75])]) { $1 }
        cases.valid("3700", "gates = log: log_alpha in {-1/2, 0, -2^-30, -2, -1/8, -6.5}, alpha_t = RN(exp g_t)",
                    flags: ["Small", "Dyadic", "LogGates", "GateNearOne"], options: log,
                    small.merging(["log_alpha": .cycle(6, logGatePattern)]) { $1 })
        cases.valid("3701", "medium, a kernel's conventions: T = 40, d_k = 16, log gates, scale 1/4, read before write",
                    flags: ["Medium", "Dyadic", "LogGates", "ScaledQuery", "ReadBeforeWrite", "GateNearOne"],
                    options: ["gates": "log", "read_order": "before_write"],
                    drawn(seed: 3701) { scaledMemorySequence(&$0, dk: 16, dv: 12, t: 40, bits: 8) }
                        .merging(["log_alpha": .cycle(40, logGatePattern), "beta": .cycle(40, [1, 0x1p-6, 0.5, 0.75]),
                                  "scale": .scalar(0.25)]) { $1 })
        cases.valid("3702", "read_order = before_write with gates 1/2, 1, 0, 3/4 and scale fl(1/sqrt(3))",
                    flags: ["Small", "Dyadic", "ReadBeforeWrite", "ScaledQuery"], options: ["read_order": "before_write"],
                    small.merging(["alpha": .cycle(6, [0.5, 1, 0, 0.75]), "scale": .scalar(inverseSqrt3)]) { $1 })
        let base = small.merging(["log_alpha": .cycle(6, [-0.5, -1])]) { $1 }
        cases.refuse("3750a", base, "log_alpha", "ShapeMismatch", "5 log gates for 6 tokens", options: log) {
            $0["log_alpha"] = .cycle(5, [-0.5, -1])
        }
        cases.refuse("3750b", base, "log_alpha", "NonFinite", "log gate -infinity (alpha = 0 has no log)", options: log) {
            $0["log_alpha"]!.values[1] = -.infinity
        }
        cases.refuse("3750c", base, "log_alpha", "NonFinite", "NaN log gate", options: log) { $0["log_alpha"]!.values[0] = .nan }
        // Logits: alpha_t = RN(sigmoid(x_t)), among them 0 (1/2), large |x| (a gate near 0 or 1) and a 12-bit value.
        let logits = small.merging(["alpha_logit": .vector([0, 3, -0.75, 30, -30, 0x1.8p-4])]) { $1 }
        cases.valid("3703", "gates = logit: alpha_logit in {0, 3, -3/4, 30, -30, 3/32}, alpha_t = RN(sigmoid(x_t))",
                    flags: ["Small", "Dyadic", "LogitGates"], options: ["gates": "logit"], logits)
        cases.refuse("3751", logits, "alpha_logit", "NonFinite", "infinite logit", options: ["gates": "logit"]) {
            $0["alpha_logit"]!.values[2] = .infinity
        }
    }
}

extension TitansMemoryOp {
    func readConventionCases(_ cases: inout DraftSet) {
        let gates: DraftInputs = ["log_one_minus_alpha": .cycle(5, logGatePattern), "eta": .cycle(5, [0.5, 0.75, 0, 1, 0.25]),
                                  "theta": .cycle(5, [0.5, 0.25, 1, 0.125, 0.75]), "chunk": .scalar(2)]
        let small = drawn(seed: 3800) { scaledMemorySequence(&$0, dk: 3, dv: 2, t: 5, bits: 2) }.merging(gates) { $1 }
        cases.valid("3800", "gates = log: log_one_minus_alpha g_t, 1 - alpha_t = RN(exp g_t); T = 5, C = 2",
                    flags: ["Small", "Dyadic", "LogGates"], options: ["gates": "log"], small)
        let n = TitansMemory.chunkCount(tokens: 40, chunk: 8)
        cases.valid("3801", "medium: T = 40, C = 8, log gates per chunk, scale 1/4 (d_k = 16)",
                    flags: ["Medium", "Dyadic", "LogGates", "ChunkGates", "ScaledQuery"],
                    options: ["gates": "log", "gate_granularity": "chunk"],
                    drawn(seed: 3801) { scaledMemorySequence(&$0, dk: 16, dv: 10, t: 40, bits: 8) }
                        .merging(["log_one_minus_alpha": .cycle(n, logGatePattern), "eta": .cycle(n, [0.5, 0.75, 0, 1, 0.25]),
                                  "theta": .cycle(n, [0.5, 0.25, 1, 0.125, 0.75]), "chunk": .scalar(8), "scale": .scalar(0.25)]) { $1 })
        var linear = small
        linear["log_one_minus_alpha"] = nil
        linear.merge(["alpha": .cycle(5, [0.25, 0.5, 0.125]), "scale": .scalar(inverseSqrt3)]) { $1 }
        cases.valid("3802", "query scale fl(1/sqrt(3)): y_t = M_t (s q_t)", flags: ["Small", "Dyadic", "ScaledQuery"], linear)
        var logits = small
        logits["log_one_minus_alpha"] = nil
        logits["alpha_logit"] = .vector([-2, 0, 1.5, -0.25, 6])
        cases.valid("3803", "gates = logit: the forgetting rate alpha_t = RN(sigmoid(x_t)); T = 5, C = 2",
                    flags: ["Small", "Dyadic", "LogitGates"], options: ["gates": "logit"], logits)
        cases.refuse("3850", small, "log_one_minus_alpha", "NonFinite", "log gate -infinity (1 - alpha = 0 has no log)",
                     options: ["gates": "log"]) { $0["log_one_minus_alpha"]!.values[3] = -.infinity }
    }
}

extension TitansMLPOp {
    func readConventionCases(_ cases: inout DraftSet) {
        var inputs = drawn(seed: 3900) { Self.draftInputs(&$0, dk: 2, dv: 2, h: 2, t: 4, chunk: 2) }
        inputs["alpha"] = nil
        inputs["log_one_minus_alpha"] = .cycle(4, [-0.125, 0, -0x1p-30, -2])
        cases.valid("3900", "gates = log: 1 - alpha_t = RN(exp g_t), C = 2", flags: ["Small", "Dyadic", "LogGates"],
                    options: ["gates": "log"], inputs)
        cases.valid("3901", "query scale fl(1/sqrt(2)): y_t = M(s q_t), C = 2", flags: ["Small", "Dyadic", "ScaledQuery"],
                    drawn(seed: 3901) { Self.draftInputs(&$0, dk: 2, dv: 2, h: 2, t: 4, chunk: 2) }
                        .merging(["scale": .scalar(1 / 2.0.squareRoot())]) { $1 })
        var logits = inputs
        logits["log_one_minus_alpha"] = nil
        logits["alpha_logit"] = .vector([-3, 0, 0.5, -1])
        cases.valid("3902", "gates = logit: alpha_t = RN(sigmoid(x_t)), C = 2", flags: ["Small", "Dyadic", "LogitGates"],
                    options: ["gates": "logit"], logits)
        cases.refuse("3950", inputs, "log_one_minus_alpha", "NonFinite", "NaN log gate", options: ["gates": "log"]) {
            $0["log_one_minus_alpha"]!.values[1] = .nan
        }
    }
}

extension SoftmaxAttentionOp {
    func readConventionCases(_ cases: inout DraftSet) {
        let inputs: DraftInputs = drawn(seed: 4000) { g in
            ["K": .matrix(&g, 5, 3, bits: 2), "V": .matrix(&g, 5, 2, bits: 2), "Q": .matrix(&g, 5, 3, bits: 2)]
        }
        cases.valid("4000", "scale 1 in place of 1/sqrt(d_k) (scores q.k unscaled)", flags: ["Small", "Dyadic", "ScaledQuery"],
                    inputs.merging(["scale": .scalar(1)]) { $1 })
        cases.valid("4001", "scale 1/8", flags: ["Small", "Dyadic", "ScaledQuery"], inputs.merging(["scale": .scalar(0.125)]) { $1 })
        cases.refuse("4050", inputs.merging(["scale": .scalar(1)]) { $1 }, "scale", "NonFinite", "scale NaN") {
            $0["scale"] = .scalar(.nan)
        }
    }
}
