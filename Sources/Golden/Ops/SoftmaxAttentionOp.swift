import BallArithmetic
import ExactMath
import NestedLearning

/// `softmax_attention.causal`: `y_t = Σ_{i≤t} w_{t,i} v_i / Σ_{j≤t} w_{t,j}` with
/// `w_{t,i} = exp(s_{t,i} − max_j s_{t,j})`, `s_{t,i} = c · q_tᵀ k_i`, `c = fl(1/fl(√d_k))` or the
/// case's `scale` (arXiv eq. 62). Inputs `K` (T×d_k), `V` (T×d_v), `Q` (T×d_k); output `Y` (T×d_v).
///
/// `exp` is not rational, so the expected value is the true value, enclosed by balls
/// (``EnclosedOp``): no C library's `exp` enters it, and the normwise radius covers any faithful
/// `exp` and any order of the sums.
public struct SoftmaxAttentionOp: EnclosedOp {
    public let name = "softmax_attention.causal"
    public let conventions = ["QueryScale": "inverseSqrtKeyWidth", "Mask": "causal, i <= t"]
    public init() {}

    public func evaluate<S: TranscendentalScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let k = try inputs.rows("K")
        let q = try inputs.rows("Q", count: k.count, width: k.first?.count ?? 0)
        let v = try inputs.rows("V", count: k.count)
        let dk = k.first?.count ?? 1
        let c = try inputs.queryScale(or: S(dyadic: 1 / Double(dk).squareRoot()))
        let ys = (0..<q.count).map { t -> Vector<S> in
            let scores = (0...t).map { c * q[t].dot(k[$0]) }
            // Any shift gives the same weights; the largest score (by its midpoint) keeps Double finite.
            let top = scores.indices.max { scores[$0].roundedDouble < scores[$1].roundedDouble }!
            return Attention.weightedAverage(weights: scores.map { S.exp($0 - scores[top]) }, values: Array(v[0...t]))
        }
        return ["Y": OpOutput(rows: ys, width: v.first?.count ?? 0)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        4 * Double(2 * (try inputs.matrix("K").rows) + (try inputs.matrix("K").cols) + 8)
    }

    /// Normwise: every element's radius scales with the largest `|y|` of the output.
    public func magnitudes(_ inputs: OpInputs<Double>, output: String, y: [Double]) throws -> [Double] {
        Array(repeating: y.map(\.magnitude).max() ?? 0, count: y.count)
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
