import ExactMath
import NestedLearning

/// The golden suite: which ops it covers, and the cases it generates for each, deterministically.
public enum GoldenSuite {
    public static let schema = "nl-golden/1"
    public static let suiteVersion = "0.8.0"
    public static let generatorVersion = "0.1.0"

    public static let ops: [any GoldenOp] = [LinearAttentionOp(), DeltaRuleOp(), DGDStepOp(), CMSLevelOp(),
                                            LinearGDStepOp(), MLPGradientsOp(), MomentumTrajectoryOp(),
                                            SoftmaxAttentionOp(), TransformerBlockOp(), DeltaRuleTwoCallsOp(),
                                            GatedDeltaRuleOp(), TitansMemoryOp(), SelfModifyingTitansOp(), NewtonSchulzStepOp(),
                                            AdamMemoryOp(), M3Op(), DeepMomentumOp(), TitansMLPOp(), CMSOp(.sequential),
                                            CMSOp(.independent), HopeOp(), MomentumMemoryStepOp(), NestedCMSOp()]

    public static func op(named name: String) -> (any GoldenOp)? { ops.first { $0.name == name } }

    /// A case before its expected values are computed.
    public struct Draft: Sendable {
        public let op: any GoldenOp
        public let comment: String
        public let flags: [String]
        public let valid: Bool
        public let inputs: [String: (shape: [Int], values: [Double])]
    }

    // MARK: Input helpers

    static func matrix(_ g: inout DyadicGenerator, _ r: Int, _ c: Int, bits: Int) -> (shape: [Int], values: [Double]) {
        ([r, c], (0..<(r * c)).map { _ in g.dyadic(numeratorBound: bits == 2 ? 7 : (1 << bits), exponent: bits) })
    }
    static func small(_ g: inout DyadicGenerator, _ r: Int, _ c: Int) -> (shape: [Int], values: [Double]) {
        ([r, c], (0..<(r * c)).map { _ in g.dyadic(numeratorBound: 3, exponent: 2) })
    }
    static func vector(_ values: [Double]) -> (shape: [Int], values: [Double]) { ([values.count], values) }
    static func scalar(_ v: Double) -> (shape: [Int], values: [Double]) { ([], [v]) }

    /// Every draft, in a fixed order; tcIds are assigned from this order.
    public static func drafts() -> [Draft] {
        var out: [Draft] = []
        // linear_attention.recurrent
        let la = LinearAttentionOp()
        for (i, s) in [(3, 2, 4, 2, "d_k != d_v, M0 = 0"), (2, 3, 3, 2, "non-zero M0, d_v > d_k"), (2, 2, 1, 2, "T = 1"),
                       (16, 16, 256, 30, "long sequence, 30-bit inputs"), (48, 32, 32, 30, "wide state, 30-bit inputs")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(100 + i))
            let (dk, dv, t, bits, comment) = s
            var m0 = matrix(&g, dv, dk, bits: bits)
            if i == 0 { m0.values = m0.values.map { _ in 0 } }
            out.append(Draft(op: la, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["M0": m0, "K": matrix(&g, t, dk, bits: bits), "V": matrix(&g, t, dv, bits: bits), "Q": matrix(&g, t, dk, bits: bits)]))
        }
        do {
            var g = DyadicGenerator(seed: 190)
            out.append(Draft(op: la, comment: "invalid: V has 3 rows, K has 4", flags: ["ShapeMismatch"], valid: false,
                             inputs: ["M0": matrix(&g, 2, 3, bits: 2), "K": matrix(&g, 4, 3, bits: 2), "V": matrix(&g, 3, 2, bits: 2), "Q": matrix(&g, 4, 3, bits: 2)]))
            var k = matrix(&g, 4, 3, bits: 2)
            k.values[5] = .nan
            out.append(Draft(op: la, comment: "invalid: NaN in K", flags: ["NonFinite"], valid: false,
                             inputs: ["M0": matrix(&g, 2, 3, bits: 2), "K": k, "V": matrix(&g, 4, 2, bits: 2), "Q": matrix(&g, 4, 3, bits: 2)]))
        }
        // delta_rule.sequence
        let dr = DeltaRuleOp()
        for (i, s) in [(3, 2, 4, 2, "d_k != d_v, non-unit keys, beta in {1, 2^-6, ...}"), (2, 2, 3, 2, "square asymmetric state (left-multiplication would type-check)"),
                       (16, 16, 24, 8, "medium: T = 24, gates near 1 (1 - 2^-30)"), (24, 16, 16, 8, "medium: d_k != d_v")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(200 + i))
            let (dk, dv, t, bits, comment) = s
            let betas = (0..<t).map { j -> Double in
                switch j % 4 { case 0: return 1; case 1: return 0x1p-6; case 2: return bits == 2 ? 0.75 : 1 - 0x1p-30; default: return 0.5 }
            }
            // Keys scaled so that beta‖k‖² stays below 2 and the state stays bounded.
            var k = matrix(&g, t, dk, bits: bits)
            k.values = k.values.map { $0 / Double(dk).squareRoot().rounded(.up) }
            out.append(Draft(op: dr, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic", "GateNearOne"], valid: true,
                             inputs: ["M0": matrix(&g, dv, dk, bits: bits), "K": k, "V": matrix(&g, t, dv, bits: bits),
                                      "Q": matrix(&g, t, dk, bits: bits), "beta": vector(betas)]))
        }
        do {
            var g = DyadicGenerator(seed: 290)
            let base = ["M0": matrix(&g, 2, 3, bits: 2), "K": matrix(&g, 3, 3, bits: 2), "V": matrix(&g, 3, 2, bits: 2), "Q": matrix(&g, 3, 3, bits: 2)]
            var a = base; a["beta"] = vector([0.5, 0.5])
            out.append(Draft(op: dr, comment: "invalid: 2 step sizes for 3 tokens", flags: ["ShapeMismatch"], valid: false, inputs: a))
            var b = base; b["beta"] = vector([0.5, .infinity, 0.5])
            out.append(Draft(op: dr, comment: "invalid: infinite step size", flags: ["NonFinite"], valid: false, inputs: b))
        }
        // dgd.step
        let dgd = DGDStepOp()
        for (i, s) in [(3, 4, 2, "non-unit key"), (2, 4, 2, "unit-norm key (the printed eta/(1+eta) is also right here)"),
                       (48, 64, 12, "medium")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(300 + i))
            let (dout, din, bits, comment) = s
            var x = matrix(&g, 1, din, bits: bits)
            if i == 1 { x.values = [0.5, -0.5, 0.5, 0.5] }
            out.append(Draft(op: dgd, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["W": matrix(&g, dout, din, bits: bits), "x": vector(x.values), "u": vector(matrix(&g, 1, dout, bits: bits).values),
                                      "eta": scalar(bits == 2 ? 0.75 : 0.1)]))
        }
        for (eta, comment, flag) in [(Double.nan, "invalid: NaN learning rate", "NonFinite"), (.infinity, "invalid: infinite learning rate", "NonFinite"),
                                     (-0.5, "invalid: negative learning rate", "OutOfRange")] {
            var g = DyadicGenerator(seed: 390)
            out.append(Draft(op: dgd, comment: comment, flags: [flag], valid: false,
                             inputs: ["W": matrix(&g, 2, 3, bits: 2), "x": vector([1, 0.5, -1]), "u": vector([1, 2]), "eta": scalar(eta)]))
        }
        // cms_level.run
        let cms = CMSLevelOp()
        for (i, s) in [(7, 3, 0.0, "T not a multiple of C, tail unflushed"), (7, 3, 1.0, "T not a multiple of C, tail flushed"),
                       (2, 5, 0.0, "T < C: no update"), (4, 1, 0.0, "C = 1: per-token SGD"), (8, 4, 0.0, "two full chunks")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(400 + i))
            let (t, c, flush, comment) = s
            // Inputs k/4 with |k| ≤ 3 and a small step keep the quadratic activation from blowing up.
            out.append(Draft(op: cms, comment: comment, flags: ["Small", "Dyadic"], valid: true,
                             inputs: ["W1": small(&g, 2, 3), "W2": small(&g, 2, 2), "X": small(&g, t, 3),
                                      "R": matrix(&g, t, 2, bits: 2), "period": scalar(Double(c)), "eta": scalar(0.0625), "flush": scalar(flush)]))
        }
        do {
            var g = DyadicGenerator(seed: 450)
            out.append(Draft(op: cms, comment: "medium: T = 20, C = 8, tail flushed", flags: ["Medium", "Dyadic"], valid: true,
                             inputs: ["W1": matrix(&g, 16, 12, bits: 8), "W2": matrix(&g, 8, 16, bits: 8), "X": matrix(&g, 20, 12, bits: 8),
                                      "R": matrix(&g, 20, 8, bits: 8), "period": scalar(8), "eta": scalar(0.0625), "flush": scalar(1)]))
        }
        for (period, eta, comment, flag) in [(0.0, 0.25, "invalid: period 0", "OutOfRange"), (-2.0, 0.25, "invalid: negative period", "OutOfRange"),
                                             (3.0, Double.nan, "invalid: NaN learning rate", "NonFinite")] {
            var g = DyadicGenerator(seed: 490)
            out.append(Draft(op: cms, comment: comment, flags: [flag], valid: false,
                             inputs: ["W1": matrix(&g, 2, 3, bits: 2), "W2": matrix(&g, 2, 2, bits: 2), "X": matrix(&g, 5, 3, bits: 2),
                                      "R": matrix(&g, 5, 2, bits: 2), "period": scalar(period), "eta": scalar(eta), "flush": scalar(0)]))
        }
        // Ops added in suite 0.2.0; appended so earlier tcIds keep their meaning.
        let gd = LinearGDStepOp()
        for (i, s) in [(3, 4, 2, "d_out != d_in"), (2, 2, 2, "square layer (a transposed outer product would type-check)"), (24, 32, 30, "medium")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(500 + i))
            let (dout, din, bits, comment) = s
            out.append(Draft(op: gd, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["W": matrix(&g, dout, din, bits: bits), "x": vector(matrix(&g, 1, din, bits: bits).values),
                                      "t": vector(matrix(&g, 1, dout, bits: bits).values), "eta": scalar(bits == 2 ? 0.25 : 0.1)]))
        }
        do {
            var g = DyadicGenerator(seed: 590)
            out.append(Draft(op: gd, comment: "invalid: x has 3 entries, W has 4 columns", flags: ["ShapeMismatch"], valid: false,
                             inputs: ["W": matrix(&g, 2, 4, bits: 2), "x": vector([1, 0.5, -1]), "t": vector([1, 2]), "eta": scalar(0.25)]))
            out.append(Draft(op: gd, comment: "invalid: NaN learning rate", flags: ["NonFinite"], valid: false,
                             inputs: ["W": matrix(&g, 2, 3, bits: 2), "x": vector([1, 0.5, -1]), "t": vector([1, 2]), "eta": scalar(.nan)]))
        }
        let mlp = MLPGradientsOp()
        for (i, s) in [(3, 4, 2, 2, "d_in, d_h, d_out all different"), (2, 3, 3, 2, "d_h = d_out (an untransposed W2 would type-check)"), (32, 48, 16, 12, "medium")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(600 + i))
            let (din, dh, dout, bits, comment) = s
            out.append(Draft(op: mlp, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["W1": matrix(&g, dh, din, bits: bits), "W2": matrix(&g, dout, dh, bits: bits),
                                      "x": vector(matrix(&g, 1, din, bits: bits).values), "t": vector(matrix(&g, 1, dout, bits: bits).values)]))
        }
        do {
            var g = DyadicGenerator(seed: 690)
            out.append(Draft(op: mlp, comment: "invalid: W2 has 3 columns, W1 has 4 rows", flags: ["ShapeMismatch"], valid: false,
                             inputs: ["W1": matrix(&g, 4, 3, bits: 2), "W2": matrix(&g, 2, 3, bits: 2), "x": vector([1, 0.5, -1]), "t": vector([1, 2])]))
        }
        let mom = MomentumTrajectoryOp()
        for (i, s) in [(2, 3, 12, 0.75, 2, "T = 12, beta = 3/4"), (2, 2, 6, 1.0, 2, "beta = 1 (no decay)"), (8, 12, 12, 0.875, 8, "medium: T = 12")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(700 + i))
            let (dout, din, t, beta, bits, comment) = s
            out.append(Draft(op: mom, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["W0": matrix(&g, dout, din, bits: bits), "X": bits == 2 ? small(&g, t, din) : matrix(&g, t, din, bits: bits),
                                      "R": matrix(&g, t, dout, bits: bits), "eta": scalar(bits == 2 ? 0.25 : 0.05), "beta": scalar(beta)]))
        }
        for (beta, comment, flag) in [(1.5, "invalid: beta above 1", "OutOfRange"), (Double.infinity, "invalid: infinite beta", "NonFinite")] {
            var g = DyadicGenerator(seed: 790)
            out.append(Draft(op: mom, comment: comment, flags: [flag], valid: false,
                             inputs: ["W0": matrix(&g, 2, 3, bits: 2), "X": matrix(&g, 4, 3, bits: 2), "R": matrix(&g, 4, 2, bits: 2),
                                      "eta": scalar(0.25), "beta": scalar(beta)]))
        }
        // Ops and cases added in suite 0.3.0.
        let sm = SoftmaxAttentionOp()
        for (i, s) in [(3, 2, 5, 2, "small"), (16, 16, 64, 30, "medium: T = 64")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(800 + i))
            let (dk, dv, t, bits, comment) = s
            out.append(Draft(op: sm, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["K": matrix(&g, t, dk, bits: bits), "V": matrix(&g, t, dv, bits: bits), "Q": matrix(&g, t, dk, bits: bits)]))
        }
        do {
            var g = DyadicGenerator(seed: 890)
            out.append(Draft(op: sm, comment: "invalid: V has 4 rows, K has 5", flags: ["ShapeMismatch"], valid: false,
                             inputs: ["K": matrix(&g, 5, 3, bits: 2), "V": matrix(&g, 4, 2, bits: 2), "Q": matrix(&g, 5, 3, bits: 2)]))
        }
        let tb = TransformerBlockOp()
        for (i, s) in [(3, 2, 4, 5, 2, "small: d_k != d"), (16, 8, 24, 32, 8, "medium: T = 32")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(900 + i))
            let (d, dk, dh, t, bits, comment) = s
            func w(_ r: Int, _ c: Int) -> (shape: [Int], values: [Double]) { bits == 2 ? small(&g, r, c) : matrix(&g, r, c, bits: bits) }
            out.append(Draft(op: tb, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["X": w(t, d), "Wq": w(dk, d), "Wk": w(dk, d), "Wv": w(d, d), "W1": w(dh, d), "W2": w(d, dh)]))
        }
        do {
            var g = DyadicGenerator(seed: 990)
            out.append(Draft(op: tb, comment: "invalid: Wv is 3x4, the residual needs it square", flags: ["ShapeMismatch"], valid: false,
                             inputs: ["X": small(&g, 4, 3), "Wq": small(&g, 2, 3), "Wk": small(&g, 2, 3), "Wv": small(&g, 3, 4),
                                      "W1": small(&g, 4, 3), "W2": small(&g, 3, 4)]))
        }
        let two = DeltaRuleTwoCallsOp()
        for (i, s) in [(3, 2, 6, 2, 2, "state carried across two calls"), (16, 12, 24, 11, 8, "medium: split at token 11 of 24")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1000 + i))
            let (dk, dv, t, split, bits, comment) = s
            var k = matrix(&g, t, dk, bits: bits)
            k.values = k.values.map { $0 / Double(dk).squareRoot().rounded(.up) }
            out.append(Draft(op: two, comment: comment, flags: bits == 2 ? ["Small", "Dyadic", "StateCarry"] : ["Medium", "Dyadic", "StateCarry"], valid: true,
                             inputs: ["M0": matrix(&g, dv, dk, bits: bits), "K": k, "V": matrix(&g, t, dv, bits: bits), "Q": matrix(&g, t, dk, bits: bits),
                                      "beta": vector((0..<t).map { [1, 0.5, 0x1p-6, 0.75][$0 % 4] }), "split": scalar(Double(split))]))
        }
        do {
            var g = DyadicGenerator(seed: 1090)
            out.append(Draft(op: two, comment: "invalid: split = T leaves the second call empty", flags: ["OutOfRange"], valid: false,
                             inputs: ["M0": matrix(&g, 2, 3, bits: 2), "K": matrix(&g, 3, 3, bits: 2), "V": matrix(&g, 3, 2, bits: 2),
                                      "Q": matrix(&g, 3, 3, bits: 2), "beta": vector([0.5, 0.5, 0.5]), "split": scalar(3)]))
        }
        do {
            var g = DyadicGenerator(seed: 1100)
            out.append(Draft(op: LinearAttentionOp(), comment: "long sequence: T = 1024, d = 8", flags: ["Medium", "Dyadic"], valid: true,
                             inputs: ["M0": matrix(&g, 8, 8, bits: 12), "K": matrix(&g, 1024, 8, bits: 12),
                                      "V": matrix(&g, 1024, 8, bits: 12), "Q": matrix(&g, 1024, 8, bits: 12)]))
        }
        // Added in suite 0.4.0: wide dynamic range, 2^-20 … 2^20 within one tensor.
        do {
            var g = DyadicGenerator(seed: 1200)
            func wide(_ r: Int, _ c: Int) -> (shape: [Int], values: [Double]) {
                ([r, c], (0..<(r * c)).map { _ in g.dyadic(numeratorBound: 7, exponent: 2) * Double(sign: .plus, exponent: g.integer(in: -20...20), significand: 1) })
            }
            out.append(Draft(op: LinearAttentionOp(), comment: "wide dynamic range: entries from 2^-22 to 2^23", flags: ["Small", "Dyadic", "WideRange"], valid: true,
                             inputs: ["M0": wide(3, 4), "K": wide(8, 4), "V": wide(8, 3), "Q": wide(8, 4)]))
            var k = wide(8, 4)
            k.values = k.values.map { $0 / 0x1p20 }
            out.append(Draft(op: DeltaRuleOp(), comment: "wide dynamic range in values and state; keys scaled so beta||k||^2 stays small",
                             flags: ["Small", "Dyadic", "WideRange"], valid: true,
                             inputs: ["M0": wide(3, 4), "K": k, "V": wide(8, 3), "Q": wide(8, 4), "beta": vector([1, 0.5, 0x1p-6, 0.75, 1, 0.5, 0.25, 1])]))
        }
        do {
            var g = DyadicGenerator(seed: 1300)
            out.append(Draft(op: LinearAttentionOp(), comment: "long sequence: T = 256, d_k = d_v = 32", flags: ["Medium", "Dyadic"], valid: true,
                             inputs: ["M0": matrix(&g, 32, 32, bits: 8), "K": matrix(&g, 256, 32, bits: 8),
                                      "V": matrix(&g, 256, 32, bits: 8), "Q": matrix(&g, 256, 32, bits: 8)]))
        }
        // gated_delta_rule.sequence: gates at 0, 1 and 1 - 2^-30 among ordinary values.
        let gated = GatedDeltaRuleOp()
        for (i, s) in [(3, 2, 6, 2, "d_k != d_v; gates 1/2, 1, 0, 1 - 2^-30, 3/4"), (16, 12, 40, 8, "medium: T = 40, d_k != d_v")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1400 + i))
            let (dk, dv, t, bits, comment) = s
            let alphas = (0..<t).map { [0.5, 1, 0, 1 - 0x1p-30, 0.75][$0 % 5] }
            let betas = (0..<t).map { [1, 0x1p-6, 0.5, 0.75][$0 % 4] }
            var k = matrix(&g, t, dk, bits: bits)
            k.values = k.values.map { $0 / Double(dk).squareRoot().rounded(.up) }
            out.append(Draft(op: gated, comment: comment, flags: bits == 2 ? ["Small", "Dyadic", "GateNearOne"] : ["Medium", "Dyadic", "GateNearOne"], valid: true,
                             inputs: ["M0": matrix(&g, dv, dk, bits: bits), "K": k, "V": matrix(&g, t, dv, bits: bits),
                                      "Q": matrix(&g, t, dk, bits: bits), "alpha": vector(alphas), "beta": vector(betas)]))
        }
        do {
            var g = DyadicGenerator(seed: 1450)
            let base = ["M0": matrix(&g, 2, 3, bits: 2), "K": matrix(&g, 3, 3, bits: 2), "V": matrix(&g, 3, 2, bits: 2),
                        "Q": matrix(&g, 3, 3, bits: 2), "beta": vector([0.5, 0.5, 0.5])]
            var a = base; a["alpha"] = vector([0.5, 0.5])
            out.append(Draft(op: gated, comment: "invalid: 2 gates for 3 tokens", flags: ["ShapeMismatch"], valid: false, inputs: a))
        }
        // titans_memory.chunked: a partial final chunk, T < C, and full forgetting (alpha = 1).
        let titans = TitansMemoryOp()
        for (i, s) in [(3, 2, 5, 2, 2, "partial final chunk (T = 5, C = 2), alpha = 1 at token 4"),
                       (2, 3, 3, 8, 2, "T < C: a single partial chunk still updates"),
                       (12, 10, 40, 8, 8, "medium: T = 40, C = 8")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1500 + i))
            let (dk, dv, t, c, bits, comment) = s
            var k = matrix(&g, t, dk, bits: bits)
            k.values = k.values.map { $0 / Double(dk).squareRoot().rounded(.up) }
            out.append(Draft(op: titans, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["M0": matrix(&g, dv, dk, bits: bits), "K": k, "V": matrix(&g, t, dv, bits: bits), "Q": matrix(&g, t, dk, bits: bits),
                                      "alpha": vector((0..<t).map { [0.25, 0, 0.5, 1, 0.125][$0 % 5] }),
                                      "eta": vector((0..<t).map { [0.5, 0.75, 0, 1, 0.25][$0 % 5] }),
                                      "theta": vector((0..<t).map { [0.5, 0.25, 1, 0.125, 0.75][$0 % 5] }),
                                      "chunk": scalar(Double(c))]))
        }
        do {
            var g = DyadicGenerator(seed: 1550)
            let gates = vector([0.5, 0.5])
            out.append(Draft(op: titans, comment: "invalid: chunk size 0", flags: ["OutOfRange"], valid: false,
                             inputs: ["M0": matrix(&g, 2, 2, bits: 2), "K": matrix(&g, 2, 2, bits: 2), "V": matrix(&g, 2, 2, bits: 2),
                                      "Q": matrix(&g, 2, 2, bits: 2), "alpha": gates, "eta": gates, "theta": gates, "chunk": scalar(0)]))
        }
        // self_modifying_titans.chunked: C = 1 (the sequential recurrence), a partial chunk, T < C,
        // both inner objectives. Exact values grow about fourfold in size per token, so T <= 4.
        let smt = SelfModifyingTitansOp()
        for (i, s) in [(2, 4, 1, false, "C = 1: the sequential recurrence (eq. 83-88), l2 objective"),
                       (3, 4, 3, true, "partial final chunk (T = 4, C = 3), dot-product objective"),
                       (2, 3, 8, false, "T < C: one partial chunk, every token generated by the initial states")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1600 + i))
            out.append(Draft(op: smt, comment: s.4, flags: ["Small", "Dyadic"], valid: true,
                             inputs: smtInputs(&g, d: s.0, t: s.1, chunk: s.2, dot: s.3)))
        }
        do {
            var g = DyadicGenerator(seed: 1650)
            var a = smtInputs(&g, d: 2, t: 2, chunk: 1, dot: false)
            a["M_eta"] = matrix(&g, 2, 2, bits: 2)
            out.append(Draft(op: smt, comment: "invalid: M_eta is 2x2, expected 1x2", flags: ["ShapeMismatch"], valid: false, inputs: a))
            var b = smtInputs(&g, d: 2, t: 2, chunk: 1, dot: false)
            b["dot_product"] = scalar(2)
            out.append(Draft(op: smt, comment: "invalid: dot_product must be 0 or 1", flags: ["OutOfRange"], valid: false, inputs: b))
        }
        // newton_schulz.step: the cubic step and Muon's quintic, wide and tall, scaled so that the
        // spectral norm is at most 1 (entries divided by sqrt(m n), rounded up to a power of two).
        let ns = NewtonSchulzStepOp()
        for (i, s) in [(3, 4, 2, false, "cubic (3/2, -1/2, 0), wide 3x4"),
                       (3, 4, 2, true, "Muon quintic (3.4445, -4.7750, 2.0315), wide 3x4"),
                       (5, 3, 2, true, "Muon quintic, tall 5x3 (no transpose: the Gram matrix is 5x5)"),
                       (16, 32, 12, true, "medium: Muon quintic, 16x32")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1700 + i))
            let (m, n, bits, quintic, comment) = s
            var x = matrix(&g, m, n, bits: bits)
            var scale = 1.0
            while scale * scale < Double(m * n) { scale *= 2 }
            x.values = x.values.map { $0 / scale }
            let k = quintic ? NewtonSchulz.Coefficients.muonQuintic : NewtonSchulz.Coefficients.cubic
            out.append(Draft(op: ns, comment: comment, flags: bits == 2 ? ["Small", "Dyadic"] : ["Medium", "Dyadic"], valid: true,
                             inputs: ["X": x, "a": scalar(k.a), "b": scalar(k.b), "c": scalar(k.c)]))
        }
        do {
            var g = DyadicGenerator(seed: 1750)
            out.append(Draft(op: ns, comment: "invalid: X is a vector", flags: ["ShapeMismatch"], valid: false,
                             inputs: ["X": vector([0.5, 0.25]), "a": scalar(1.5), "b": scalar(-0.5), "c": scalar(0)]))
            out.append(Draft(op: ns, comment: "invalid: a is NaN", flags: ["NonFinite"], valid: false,
                             inputs: ["X": matrix(&g, 2, 2, bits: 2), "a": scalar(.nan), "b": scalar(-0.5), "c": scalar(0)]))
        }
        out += optimizerDrafts() + continuumDrafts() + capacityDrafts() + momentumAndNestedDrafts()
        // Suite 0.8.0: an invalid case for every refusal rule of FORMAT.md, per op.
        out += refusalDrafts()
        return out
    }

    /// The inputs of a self-modifying Titans case: memories near `diag/2`, gates near 1/8 and 1.
    public static func smtInputs(_ g: inout DyadicGenerator, d: Int, t: Int, chunk: Int, dot: Bool) -> [String: (shape: [Int], values: [Double])] {
        func eighths(_ r: Int, _ c: Int) -> (shape: [Int], values: [Double]) {
            ([r, c], (0..<(r * c)).map { _ in g.dyadic(numeratorBound: 3, exponent: 3) })
        }
        func near(_ diagonal: Double) -> (shape: [Int], values: [Double]) {
            var m = eighths(d, d)
            for i in 0..<d { m.values[i * d + i] += diagonal }
            return m
        }
        func gate(_ bias: Double) -> (shape: [Int], values: [Double]) {
            var m = eighths(1, d)
            m.values[0] = bias
            return m
        }
        var x = matrix(&g, t, d, bits: 1)
        for r in 0..<t { x.values[r * d] = 1 }
        return ["X": x, "M_memory": near(0.5), "M_k": near(0.5), "M_v": near(0.5), "M_eta": gate(0.125), "M_alpha": gate(1),
                "W_q": near(0.5), "chunk": scalar(Double(chunk)), "dot_product": scalar(dot ? 1 : 0)]
    }
}
