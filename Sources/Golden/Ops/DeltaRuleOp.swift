import ExactMath
import NestedLearning

/// `delta_rule.sequence`: `M_t = M_{t−1}(I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ`, `y_t = M_t q_t`
/// (arXiv eq. 65, right multiplication). Inputs `M0`, `K`, `V`, `Q`, `beta` (T), optional `scale`;
/// outputs `Y` (T×d_v), `M_T`. Options: `read_order`.
public struct DeltaRuleOp: GoldenOp {
    public let name = "delta_rule.sequence"
    public let conventions = ["DeltaOrientation": "right", "ReadOrder": "afterWrite",
                              "Orientation": "M is d_v x d_k, write v k^T, read M q"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let beta = try inputs.vector("beta", count: k.count)
        let (m, ys) = Self.call(keys: k, values: v, queries: try inputs.scaledQueries(q), betas: beta, tokens: 0..<k.count, from: m0,
                                readOrder: try inputs.readOrder(of: signature))
        return ["Y": OpOutput(rows: ys, width: m0.rows), "M_T": OpOutput(m)]
    }

    /// One call over `tokens` from state `start`: the final state and the reads after each write.
    /// With `alphas`, each step is the gated one (`GatedDeltaRule.step`).
    static func call<S: Scalar>(keys k: [Vector<S>], values v: [Vector<S>], queries q: [Vector<S>], alphas: Vector<S>? = nil,
                                betas beta: Vector<S>, tokens: Range<Int>, from start: Matrix<S>,
                                readOrder: Conventions.ReadOrder = .afterWrite) -> (Matrix<S>, [Vector<S>]) {
        let trace = GatedDeltaRule.recurrent(keys: Array(k[tokens]), values: Array(v[tokens]), queries: Array(q[tokens]),
                                             alphas: alphas.map { Array($0.elements[tokens]) }, betas: Array(beta.elements[tokens]),
                                             initial: start, readOrder: readOrder)
        return (trace.finalState, trace.outputs)
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t * (2 * m0.cols + 4) + m0.cols) + inputs.conventionBoundUnits()
    }
}

extension DeltaRuleOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 2, 4, 2, "d_k != d_v, non-unit keys, beta in {1, 2^-6, ...}"),
                       (2, 2, 3, 2, "square asymmetric state (left-multiplication would type-check)"),
                       (16, 16, 24, 8, "medium: T = 24, gates near 1 (1 - 2^-30)"), (24, 16, 16, 8, "medium: d_k != d_v")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(200 + i))
            let (dk, dv, t, bits, comment) = s
            let betas = InputTensor.cycle(t, [1, 0x1p-6, bits == 2 ? 0.75 : 1 - 0x1p-30, 0.5])
            cases.valid("\(200 + i)", comment, flags: bits == 2 ? sizeFlags(bits: bits) : sizeFlags(bits: bits, "GateNearOne"),
                        scaledMemorySequence(&g, dk: dk, dv: dv, t: t, bits: bits).merging(["beta": betas]) { $1 })
        }
        do {
            var g = DyadicGenerator(seed: 290)
            let base = memorySequence(&g, dk: 3, dv: 2, t: 3, bits: 2)
            cases.invalid("290a", "2 step sizes for 3 tokens", flag: "ShapeMismatch", base) { $0["beta"] = .vector([0.5, 0.5]) }
            cases.invalid("290b", "infinite step size", flag: "NonFinite", base) { $0["beta"] = .vector([0.5, .infinity, 0.5]) }
        }
        do {
            var g = DyadicGenerator(seed: 1200)
            _ = LinearAttentionOp.wideRangeInputs(&g)
            var k = InputTensor.wide(&g, 8, 4)
            k.values = k.values.map { $0 / 0x1p20 }
            cases.valid("1200", "wide dynamic range in values and state; keys scaled so beta||k||^2 stays small",
                        flags: ["Small", "Dyadic", "WideRange"],
                        ["M0": .wide(&g, 3, 4), "K": k, "V": .wide(&g, 8, 3), "Q": .wide(&g, 8, 4),
                         "beta": .vector([1, 0.5, 0x1p-6, 0.75, 1, 0.5, 0.25, 1])])
        }
        cases.valid("capacity", "repeated unit key, beta = 1: the second write replaces the first (y_2 = v_2)", flags: ["Small", "Dyadic"],
                    LinearAttentionOp.capacityInputs.merging(["beta": .vector([1, 1])]) { $1 })
        readConventionCases(&cases)
        return cases
    }
}
