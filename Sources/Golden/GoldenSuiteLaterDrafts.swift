import ExactMath
import NestedLearning

/// Cases for the deep optimizers, the multi-level continuum memory, the MLP Titans memory and Hope
/// (suite 0.7.0), appended after the earlier cases so their tcIds do not move.
extension GoldenSuite {
    typealias Inputs = [String: (shape: [Int], values: [Double])]

    /// `T × rows × cols` gradients whose running sums of squares are perfect squares, elementwise,
    /// first entries `k/2^exponent` with `1 ≤ |k| ≤ 7`, so that Adam and M3 run exactly in rationals.
    static func perfectSquareGradients(_ g: inout DyadicGenerator, steps: Int, rows: Int, cols: Int, exponent: Int,
                                       ratios: [Rational] = DyadicGenerator.dyadicRatios) -> (shape: [Int], values: [Double]) {
        var columns: [[Rational]] = []
        for _ in 0..<(rows * cols) {
            var k = 0
            while k == 0 { k = g.integer(in: -7...7) }
            columns.append(g.perfectSquarePrefixes(first: Rational(k, 1 << exponent), steps: steps, ratios: ratios))
        }
        let values = (0..<steps).flatMap { t in columns.map { column -> Double in
            let d = column[t].roundedDouble
            precondition(Rational(dyadic: d) == column[t], "perfectSquareGradients: \(column[t]) is not a double")
            return d
        } }
        return ([steps, rows, cols], values)
    }

    static func optimizerDrafts() -> [Draft] {
        var out: [Draft] = []
        // adam_memory.trajectory
        let adam = AdamMemoryOp()
        for (i, s) in [(2, 3, 4, 1.0, 1.0, 0.125, 0.0, "beta1 = beta2 = 1, epsilon = 0: AdaGrad with accumulated momentum"),
                       (3, 2, 5, 0.5, 0.25, 0.25, 0.125, "weighted moments (beta2 = 1/4), epsilon > 0 added to sqrt(H)"),
                       (1, 4, 1, 0.75, 0.5625, 0.5, 0.0, "T = 1: each entry moves by -eta beta1/beta2 sign(g)"),
                       (8, 8, 12, 0.5, 0.25, 0.0625, 0x1p-20, "medium: 8x8, T = 12")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1800 + i))
            let (r, c, t, b1, b2, eta, eps, comment) = s
            let grads = perfectSquareGradients(&g, steps: t, rows: r, cols: c, exponent: 2,
                                               ratios: t > 6 ? [Rational(2), Rational(1, 2)] : DyadicGenerator.dyadicRatios)
            out.append(Draft(op: adam, comment: comment, flags: t > 6 ? ["Medium", "Dyadic"] : ["Small", "Dyadic"], valid: true,
                             inputs: ["W0": matrix(&g, r, c, bits: 2), "G": grads, "beta1": scalar(b1), "beta2": scalar(b2),
                                      "eta": scalar(eta), "epsilon": scalar(eps)]))
        }
        do {
            var g = DyadicGenerator(seed: 1850)
            func base(_ g: inout DyadicGenerator) -> Inputs {
                ["W0": matrix(&g, 2, 2, bits: 2), "G": perfectSquareGradients(&g, steps: 3, rows: 2, cols: 2, exponent: 2),
                 "beta1": scalar(1), "beta2": scalar(1), "eta": scalar(0.25), "epsilon": scalar(0)]
            }
            var a = base(&g)
            a["beta2"] = scalar(0)
            out.append(Draft(op: adam, comment: "invalid: beta2 = 0 (the step divides by sqrt(beta2))", flags: ["ZeroDenominator"], valid: false, inputs: a))
            var b = base(&g)
            b["G"]!.values[1] = 0
            b["G"]!.values[5] = 0
            b["G"]!.values[9] = 0
            out.append(Draft(op: adam, comment: "invalid: one entry's gradient is 0 at every step and epsilon = 0 (0/0)",
                             flags: ["ZeroDenominator"], valid: false, inputs: b))
            var c = base(&g)
            c["G"]!.shape = [3, 1, 4]
            out.append(Draft(op: adam, comment: "invalid: G is 3x1x4, W0 is 2x2", flags: ["ShapeMismatch"], valid: false, inputs: c))
            var d = base(&g)
            d["epsilon"] = scalar(-0.125)
            out.append(Draft(op: adam, comment: "invalid: negative epsilon", flags: ["OutOfRange"], valid: false, inputs: d))
        }
        // m3.trajectory: gradients small (first entries k/64) so that both momenta keep spectral
        // norm below 1, where the cubic Newton-Schulz map does not amplify relative errors.
        let m3 = M3Op()
        for (i, s) in [(2, 3, 5, 2, 0, "f = 2, NS = identity: slow updates at t = 3 and 5, each with the previous chunk's 2 gradients"),
                       (2, 2, 4, 1, 1, "f = 1: the slow momentum trails the fast one by a step; one cubic NS step"),
                       (3, 2, 6, 3, 2, "f = 3, two cubic NS steps, epsilon > 0"),
                       (2, 2, 3, 8, 1, "f > T: the slow momentum never moves (alpha NS(0) = 0)")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1900 + i))
            let (r, c, t, f, ns, comment) = s
            out.append(Draft(op: m3, comment: comment, flags: ["Small", "Dyadic"], valid: true,
                             inputs: ["W0": matrix(&g, r, c, bits: 2), "G": perfectSquareGradients(&g, steps: t, rows: r, cols: c, exponent: 6,
                                                                                                  ratios: [Rational(2), Rational(1, 2)]),
                                      "eta": scalar(0.125), "beta1": scalar(1), "beta2": scalar(i == 2 ? 0.25 : 1), "beta3": scalar(0.5),
                                      "alpha": scalar(0.5), "epsilon": scalar(i == 2 ? 0.0625 : 0), "period": scalar(Double(f)),
                                      "ns_steps": scalar(Double(ns))]))
        }
        do {
            var g = DyadicGenerator(seed: 1950)
            func base(_ g: inout DyadicGenerator) -> Inputs {
                ["W0": matrix(&g, 2, 2, bits: 2), "G": perfectSquareGradients(&g, steps: 3, rows: 2, cols: 2, exponent: 6),
                 "eta": scalar(0.125), "beta1": scalar(1), "beta2": scalar(1), "beta3": scalar(0.5), "alpha": scalar(0.5),
                 "epsilon": scalar(0), "period": scalar(2), "ns_steps": scalar(1)]
            }
            var a = base(&g)
            a["period"] = scalar(0)
            out.append(Draft(op: m3, comment: "invalid: period 0", flags: ["OutOfRange"], valid: false, inputs: a))
            var b = base(&g)
            b["ns_steps"] = scalar(1.5)
            out.append(Draft(op: m3, comment: "invalid: ns_steps is not an integer", flags: ["OutOfRange"], valid: false, inputs: b))
            var c = base(&g)
            c["G"]!.values[2] = .infinity
            out.append(Draft(op: m3, comment: "invalid: infinite gradient entry", flags: ["NonFinite"], valid: false, inputs: c))
        }
        // dmgd.trajectory
        let dmgd = DeepMomentumOp()
        for (i, s) in [(2, 2, 2, 3, 1.0, 0.125, 0, "2x2 weight, memory 4 -> 2 -> 4, regress -u"),
                       (2, 2, 2, 3, 0.5, 0.125, 1, "the paper's <m(u), 1>, parameter decay alpha = 1/2"),
                       (1, 3, 3, 3, 0.75, 0.0625, 0, "1x3 weight, memory 3 -> 3 -> 3")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(2000 + i))
            let (r, c, h, t, alpha, eta, objective, comment) = s
            out.append(Draft(op: dmgd, comment: comment, flags: ["LongRationals", "Dyadic"], valid: true,
                             inputs: ["W0": small(&g, r, c), "X": small(&g, t, c), "Y": small(&g, t, r),
                                      "M1": small(&g, h, r * c), "M2": small(&g, r * c, h), "alpha": scalar(alpha), "eta": scalar(eta),
                                      "objective": scalar(Double(objective))]))
        }
        do {
            var g = DyadicGenerator(seed: 2050)
            func base(_ g: inout DyadicGenerator) -> Inputs {
                ["W0": matrix(&g, 2, 2, bits: 2), "X": matrix(&g, 2, 2, bits: 2), "Y": matrix(&g, 2, 2, bits: 2),
                 "M1": small(&g, 2, 4), "M2": small(&g, 4, 2), "alpha": scalar(1), "eta": scalar(0.125), "objective": scalar(0)]
            }
            var a = base(&g)
            a["M1"] = small(&g, 2, 3)
            out.append(Draft(op: dmgd, comment: "invalid: M1 reads 3 entries, vec(W) has 4", flags: ["ShapeMismatch"], valid: false, inputs: a))
            var b = base(&g)
            b["objective"] = scalar(2)
            out.append(Draft(op: dmgd, comment: "invalid: objective must be 0 or 1", flags: ["OutOfRange"], valid: false, inputs: b))
        }
        return out
    }

    static func continuumDrafts() -> [Draft] {
        var out: [Draft] = []
        // titans_mlp.chunked
        let titans = TitansMLPOp()
        func titansInputs(_ g: inout DyadicGenerator, dk: Int, dv: Int, h: Int, t: Int, chunk: Int) -> Inputs {
            ["W1": small(&g, h, dk), "W2": small(&g, dv, h), "K": small(&g, t, dk), "V": small(&g, t, dv), "Q": small(&g, t, dk),
             "alpha": vector((0..<t).map { [0.125, 0, 0.25, 0.5][$0 % 4] }),
             "eta": vector((0..<t).map { [0.5, 0.75, 0, 1][$0 % 4] }),
             "theta": vector((0..<t).map { [0.25, 0.125, 0.5, 0.25][$0 % 4] }),
             "chunk": scalar(Double(chunk))]
        }
        for (i, s) in [(2, 2, 2, 4, 2, "C = 2: two chunks, gradients at each chunk's start"),
                       (2, 2, 2, 3, 1, "C = 1: per-token gradients"),
                       (3, 2, 3, 4, 3, "partial final chunk (T = 4, C = 3), d_k != d_v"),
                       (2, 2, 2, 3, 8, "T < C: one partial chunk, still updates")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(2100 + i))
            out.append(Draft(op: titans, comment: s.5, flags: ["Small", "Dyadic"], valid: true,
                             inputs: titansInputs(&g, dk: s.0, dv: s.1, h: s.2, t: s.3, chunk: s.4)))
        }
        do {
            var g = DyadicGenerator(seed: 2150)
            var a = titansInputs(&g, dk: 2, dv: 2, h: 2, t: 2, chunk: 0)
            out.append(Draft(op: titans, comment: "invalid: chunk size 0", flags: ["OutOfRange"], valid: false, inputs: a))
            a = titansInputs(&g, dk: 2, dv: 2, h: 2, t: 2, chunk: 1)
            a["W2"] = small(&g, 2, 3)
            out.append(Draft(op: titans, comment: "invalid: W2 has 3 columns, W1 has 2 rows", flags: ["ShapeMismatch"], valid: false, inputs: a))
        }
        // cms.sequential, cms.independent
        func cmsInputs(_ g: inout DyadicGenerator, d: Int, h: Int, t: Int, periods: [Int], weights: [Double]?) -> Inputs {
            let l = periods.count
            var inputs: Inputs = ["X": matrix(&g, t, d, bits: 2), "R": matrix(&g, t, d, bits: 2),
                                  "W1": ([l, h, d], small(&g, l * h, d).values), "W2": ([l, d, h], small(&g, l * d, h).values),
                                  "periods": vector(periods.map(Double.init)),
                                  "eta": vector((0..<l).map { [0.25, 0.125, 0.5][$0 % 3] })]
            if let weights { inputs["weights"] = vector(weights) }
            return inputs
        }
        for (i, s) in [(CMSVariant.sequential, [1, 2], nil as [Double]?, 3, "two levels, periods 1 and 2; T = 3 leaves a partial chunk"),
                       (.sequential, [1, 2, 0], nil, 3, "three levels, the last frozen (period 0); T = 3 leaves a partial chunk"),
                       (.sequential, [2, 3], nil, 6, "periods 2 and 3: both levels reach a boundary at t = 6"),
                       (.independent, [1, 3], [1, 0.5], 5, "independent, weights 1 and 1/2"),
                       (.independent, [2, 0, 4], [0.5, 1, 0.25], 4, "independent, a frozen middle level")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(2200 + i))
            out.append(Draft(op: CMSOp(s.0), comment: s.4, flags: ["LongRationals", "Dyadic"], valid: true,
                             inputs: cmsInputs(&g, d: 2, h: 2, t: s.3, periods: s.1, weights: s.2)))
        }
        do {
            var g = DyadicGenerator(seed: 2250)
            var a = cmsInputs(&g, d: 2, h: 2, t: 3, periods: [1, 2], weights: nil)
            a["periods"] = vector([1, 1.5])
            out.append(Draft(op: CMSOp(.sequential), comment: "invalid: period 1.5", flags: ["OutOfRange"], valid: false, inputs: a))
            var b = cmsInputs(&g, d: 2, h: 2, t: 3, periods: [1, 2], weights: nil)
            b["eta"] = vector([0.25, -0.125])
            out.append(Draft(op: CMSOp(.sequential), comment: "invalid: negative learning rate", flags: ["OutOfRange"], valid: false, inputs: b))
            let c = cmsInputs(&g, d: 2, h: 2, t: 3, periods: [1, 2], weights: [1])
            out.append(Draft(op: CMSOp(.independent), comment: "invalid: 1 weight for 2 levels", flags: ["ShapeMismatch"], valid: false, inputs: c))
        }
        // hope.forward
        for (i, s) in [(2, 3, [1, 2], false, "two CMS levels (periods 1, 2), l2 inner objective"),
                       (2, 3, [2], true, "one CMS level (period 2), dot-product inner objective")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(2300 + i))
            var inputs = smtInputs(&g, d: s.0, t: s.1, chunk: 1, dot: s.3)
            inputs["chunk"] = nil
            for (key, value) in cmsInputs(&g, d: s.0, h: 2, t: s.1, periods: s.2, weights: nil) where key != "X" { inputs[key] = value }
            out.append(Draft(op: HopeOp(), comment: s.4, flags: ["LongRationals", "Dyadic"], valid: true, inputs: inputs))
        }
        do {
            var g = DyadicGenerator(seed: 2350)
            var inputs = smtInputs(&g, d: 2, t: 3, chunk: 1, dot: false)
            inputs["chunk"] = nil
            for (key, value) in cmsInputs(&g, d: 2, h: 2, t: 2, periods: [1], weights: nil) where key != "X" { inputs[key] = value }
            out.append(Draft(op: HopeOp(), comment: "invalid: R has 2 rows, X has 3", flags: ["ShapeMismatch"], valid: false, inputs: inputs))
        }
        return out
    }

    /// The momentum as a memory (one step, both objectives) and the nested CMS.
    static func momentumAndNestedDrafts() -> [Draft] {
        var out: [Draft] = []
        let step = MomentumMemoryStepOp()
        for (i, s) in [(2, 3, 1.0, 0.5, 0, "dot-product objective, alpha = 1: m - eta P g (eq. 47)"),
                       (3, 2, 0.75, 0.25, 0, "dot-product objective with retention alpha = 3/4"),
                       (2, 3, 1.0, 0.25, 1, "l2 objective: m (I - eta g^T g) + eta P g, the decay on the right (eq. 49)"),
                       (3, 3, 0.5, 0.125, 1, "l2 objective, square: left multiplication (NeurIPS eq. 22) would type-check")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(2400 + i))
            let (d, n, alpha, eta, objective, comment) = s
            out.append(Draft(op: step, comment: comment, flags: ["Small", "Dyadic"], valid: true,
                             inputs: ["m": matrix(&g, d, n, bits: 2), "g": small(&g, d, n), "P": matrix(&g, d, d, bits: 2),
                                      "alpha": scalar(alpha), "eta": scalar(eta), "objective": scalar(Double(objective))]))
        }
        do {
            var g = DyadicGenerator(seed: 2450)
            out.append(Draft(op: step, comment: "invalid: P is 2x3, expected 2x2", flags: ["ShapeMismatch"], valid: false,
                             inputs: ["m": matrix(&g, 2, 3, bits: 2), "g": small(&g, 2, 3), "P": matrix(&g, 2, 3, bits: 2),
                                      "alpha": scalar(1), "eta": scalar(0.5), "objective": scalar(1)]))
        }
        let nested = NestedCMSOp()
        func nestedInputs(_ g: inout DyadicGenerator, d: Int, h: Int, t: Int, inner: Int, context: Int) -> Inputs {
            ["W1": small(&g, h, d), "W2": small(&g, d, h), "X": small(&g, t, d), "R": small(&g, t, d),
             "inner_period": scalar(Double(inner)), "context": scalar(Double(context)), "inner_eta": scalar(0.25), "outer_eta": scalar(0.125)]
        }
        for (i, s) in [(2, 1, 5, 1, 2, "C_f = 1, C_s = 2: two finished contexts and an unfinished one"),
                       (2, 1, 6, 2, 3, "C_f = 2, C_s = 3: every context ends in an unfinished inner chunk"),
                       (1, 2, 4, 1, 4, "one context: Phi moves once, at t = 4")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(2500 + i))
            out.append(Draft(op: nested, comment: s.5, flags: ["LongRationals", "Dyadic"], valid: true,
                             inputs: nestedInputs(&g, d: s.0, h: s.1, t: s.2, inner: s.3, context: s.4)))
        }
        do {
            var g = DyadicGenerator(seed: 2550)
            var a = nestedInputs(&g, d: 2, h: 1, t: 3, inner: 1, context: 2)
            a["context"] = scalar(0)
            out.append(Draft(op: nested, comment: "invalid: context 0", flags: ["OutOfRange"], valid: false, inputs: a))
            var b = nestedInputs(&g, d: 2, h: 1, t: 3, inner: 1, context: 2)
            b["outer_eta"] = scalar(-0.125)
            out.append(Draft(op: nested, comment: "invalid: negative outer learning rate", flags: ["OutOfRange"], valid: false, inputs: b))
        }
        return out
    }

    /// Capacity (claim MEM-CAPACITY): one key written twice with different values.
    static func capacityDrafts() -> [Draft] {
        let k: (shape: [Int], values: [Double]) = ([2, 2], [1, 0, 1, 0])
        let v: (shape: [Int], values: [Double]) = ([2, 2], [0.5, -0.25, 0.75, 1])
        let q: (shape: [Int], values: [Double]) = ([2, 2], [1, 0, 1, 0])
        let m0: (shape: [Int], values: [Double]) = ([2, 2], [0, 0, 0, 0])
        return [Draft(op: DeltaRuleOp(), comment: "repeated unit key, beta = 1: the second write replaces the first (y_2 = v_2)",
                      flags: ["Small", "Dyadic"], valid: true, inputs: ["M0": m0, "K": k, "V": v, "Q": q, "beta": vector([1, 1])]),
                Draft(op: LinearAttentionOp(), comment: "repeated unit key: Hebbian writes add (y_2 = v_1 + v_2)",
                      flags: ["Small", "Dyadic"], valid: true, inputs: ["M0": m0, "K": k, "V": v, "Q": q])]
    }
}
