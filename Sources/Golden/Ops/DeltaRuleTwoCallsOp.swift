import ExactMath
import NestedLearning

/// `delta_rule.two_calls`: the delta rule run as two calls, tokens `1…split` from `M0`, then
/// tokens `split+1…T` from the first call's final state — the state an implementation must carry
/// between calls. Inputs as `delta_rule.sequence` plus `split` (integer, 1 ≤ split < T);
/// outputs `Y` (T×d_v), `M_split` (the state handed from the first call to the second), `M_T`.
public struct DeltaRuleTwoCallsOp: GoldenOp {
    public let name = "delta_rule.two_calls"
    /// The same readings as `delta_rule.sequence`.
    public let conventions = DeltaRuleOp().conventions
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, unscaled) = try inputs.memorySequence()
        let q = try inputs.scaledQueries(unscaled)
        let beta = try inputs.vector("beta", count: k.count)
        let split = try Self.split(inputs, tokens: k.count)
        let (mid, y1) = DeltaRuleOp.call(keys: k, values: v, queries: q, betas: beta, tokens: 0..<split, from: m0)
        let (end, y2) = DeltaRuleOp.call(keys: k, values: v, queries: q, betas: beta, tokens: split..<k.count, from: mid)
        return ["Y": OpOutput(rows: y1 + y2, width: m0.rows), "M_split": OpOutput(mid), "M_T": OpOutput(end)]
    }

    /// The input `split`, checked: `1 ≤ split < T`.
    public static func split<S: Scalar>(_ inputs: OpInputs<S>, tokens t: Int) throws -> Int {
        let split = try inputs.integer("split", minimum: 1)
        guard split < t else { throw inputs.fail("split", .outOfRange, "must be below T = \(t), got \(split)") }
        return split
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        try DeltaRuleOp().boundUnits(inputs)  // counts the query scale
    }
}

extension DeltaRuleTwoCallsOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 2, 6, 2, 2, "state carried across two calls"),
                       (16, 12, 24, 11, 8, "medium: split at token 11 of 24")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1000 + i))
            let (dk, dv, t, split, bits, comment) = s
            cases.valid("\(1000 + i)", comment, flags: sizeFlags(bits: bits, "StateCarry"),
                        scaledMemorySequence(&g, dk: dk, dv: dv, t: t, bits: bits)
                            .merging(["beta": .cycle(t, [1, 0.5, 0x1p-6, 0.75]), "split": .scalar(Double(split))]) { $1 })
        }
        cases.invalid("1090", "split = T leaves the second call empty", flag: "OutOfRange",
                      drawn(seed: 1090) { Self.smallInputs(&$0, split: 3) })
        do {
            let base = drawn(seed: 2670) { Self.smallInputs(&$0, split: 1) }
            cases.refuse("2670a", base, "split", "OutOfRange", "split = 0 leaves the first call empty") { $0["split"] = .scalar(0) }
            cases.refuse("2670b", base, "split", "OutOfRange", "split 1.5 is not an integer") { $0["split"] = .scalar(1.5) }
            cases.refuse("2670c", base, "beta", "ShapeMismatch", "2 step sizes for 3 tokens") { $0["beta"] = .vector([0.5, 0.5]) }
            cases.refuse("2670d", base, "V", "NonFinite", "infinity in V") { $0["V"]!.values[3] = .infinity }
        }
        readConventionCases(&cases)
        return cases
    }

    /// 2-bit inputs for `T = 3` tokens, `d_k = 3`, `d_v = 2`, step sizes 1/2.
    static func smallInputs(_ g: inout DyadicGenerator, split: Double) -> DraftInputs {
        memorySequence(&g, dk: 3, dv: 2, t: 3, bits: 2).merging(["beta": .vector([0.5, 0.5, 0.5]), "split": .scalar(split)]) { $1 }
    }
}
