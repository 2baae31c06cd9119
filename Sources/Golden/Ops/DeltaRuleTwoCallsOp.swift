import ExactMath
import NestedLearning

/// `delta_rule.two_calls`: the delta rule run as two calls, tokens `1…split` from `M0`, then
/// tokens `split+1…T` from the first call's final state — the state an implementation must carry
/// between calls. Inputs as `delta_rule.sequence` plus `split` (integer, 1 ≤ split < T);
/// outputs `Y` (T×d_v), `M_split` (the state handed from the first call to the second), `M_T`.
public struct DeltaRuleTwoCallsOp: GoldenOp {
    public let name = "delta_rule.two_calls"
    public let version = 1
    /// The same readings as `delta_rule.sequence`.
    public let conventions = DeltaRuleOp().conventions
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let beta = try inputs.vector("beta", count: k.count)
        let split = try Self.split(inputs, tokens: k.count)
        let (mid, y1) = DeltaRuleOp.call(keys: k, values: v, queries: q, betas: beta, tokens: 0..<split, from: m0)
        let (end, y2) = DeltaRuleOp.call(keys: k, values: v, queries: q, betas: beta, tokens: split..<k.count, from: mid)
        return ["Y": OpOutput(rows: y1 + y2, width: m0.rows), "M_split": OpOutput(mid), "M_T": OpOutput(end)]
    }

    /// The input `split`, checked: `1 ≤ split < T`.
    public static func split<S: Scalar>(_ inputs: OpInputs<S>, tokens t: Int) throws -> Int {
        let split = try inputs.integer("split", minimum: 1)
        guard split < t else { throw inputs.fail("split", "must be below T = \(t), got \(split)") }
        return split
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        try DeltaRuleOp().boundUnits(inputs)
    }
}
