import ExactMath
import NestedLearning

/// `softmax_attention.causal`: `y_t = Σ_{i≤t} w_{t,i} v_i / Σ_{j≤t} w_{t,j}` with
/// `w_{t,i} = exp(s_{t,i} − max_j s_{t,j})`, `s_{t,i} = q_tᵀ k_i / √d_k` (arXiv eq. 62).
/// Inputs `K` (T×d_k), `V` (T×d_v), `Q` (T×d_k), optional `scale` (> 0; absent, `fl(1/fl(√d_k))`)
/// in place of `1/√d_k`; output `Y` (T×d_v).
///
/// `exp` is not rational, so the expected value is the exact Nadaraya–Watson estimate with the
/// weights this package's `Double` code computes (`exp` from the C library); another
/// implementation's `exp` may differ in the last place, which the bound covers.
public struct SoftmaxAttentionOp: GoldenOp {
    public let name = "softmax_attention.causal"
    public let conventions = ["QueryScale": "inverseSqrtKeyWidth", "Mask": "causal, i <= t"]
    public init() {}

    /// The weights every tier uses, computed once in `Double`.
    func weights(_ inputs: OpInputs<Double>) throws -> [[Double]] {
        let k = try inputs.rows("K")
        let q = try inputs.rows("Q", count: k.count, width: k.first?.count ?? 0)
        let scale = try inputs.queryScale(or: 1 / Double(k.first?.count ?? 1).squareRoot())
        return (0..<q.count).map { t in Attention.softmaxWeights(scores: (0...t).map { q[t].dot(k[$0]) }, scale: scale) }
    }

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w = try weights(inputs.lifted(to: Double.self))
        let v = try inputs.rows("V", count: w.count)
        let ys = (0..<w.count).map { t in Attention.weightedAverage(weights: w[t].map { S(dyadic: $0) }, values: Array(v[0...t])) }
        return ["Y": OpOutput(rows: ys, width: v.first?.count ?? 0)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        4 * Double(2 * (try inputs.matrix("K").rows) + (try inputs.matrix("K").cols) + 8)
    }
}

extension SoftmaxAttentionOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 2, 5, 2, "small"), (16, 16, 64, 30, "medium: T = 64")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(800 + i))
            let (dk, dv, t, bits, comment) = s
            cases.valid("\(800 + i)", comment, flags: sizeFlags(bits: bits),
                        ["K": .matrix(&g, t, dk, bits: bits), "V": .matrix(&g, t, dv, bits: bits), "Q": .matrix(&g, t, dk, bits: bits)])
        }
        cases.invalid("890", "V has 4 rows, K has 5", flag: "ShapeMismatch", drawn(seed: 890) { g in
            ["K": .matrix(&g, 5, 3, bits: 2), "V": .matrix(&g, 4, 2, bits: 2), "Q": .matrix(&g, 5, 3, bits: 2)]
        })
        let base: DraftInputs = drawn(seed: 2650) { g in
            ["K": .matrix(&g, 5, 3, bits: 2), "V": .matrix(&g, 5, 2, bits: 2), "Q": .matrix(&g, 5, 3, bits: 2)]
        }
        cases.refuse("2650", base, "Q", "NonFinite", "-infinity in Q") { $0["Q"]!.values[13] = -.infinity }
        readConventionCases(&cases)
        return cases
    }
}
