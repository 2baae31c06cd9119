import ExactMath
import NestedLearning

/// `transformer_block.cms1`: `h_t = x_t + Attn_t`, `y_t = h_t + W2 φ(W1 h_t)` with causal kernel
/// attention `κ(s) = 1 + s²` (positive and rational, so the block is exact) and `φ(z) = z + z²/2`
/// (arXiv §6: attention, then a k = 1 CMS level of frequency zero). Inputs `X` (T×d), `Wq`, `Wk`
/// (d_k×d), `Wv` (d×d), `W1` (d_h×d), `W2` (d×d_h); output `Y` (T×d).
public struct TransformerBlockOp: GoldenOp {
    public let name = "transformer_block.cms1"
    public let conventions = ["Kernel": "1 + (q.k)^2", "Activation": "z + z^2/2", "Residuals": "around attention and around the MLP"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let xs = try inputs.rows("X")
        let d = xs.first?.count ?? 0
        let wq = try inputs.matrix("Wq", cols: d)
        let wk = try inputs.matrix("Wk", rows: wq.rows, cols: d), wv = try inputs.matrix("Wv", rows: d, cols: d)
        let w1 = try inputs.matrix("W1", cols: d)
        let block = TransformerBlock(wq: wq, wk: wk, wv: wv, mlp: TwoLayerMLP(w1: w1, w2: try inputs.matrix("W2", rows: d, cols: w1.rows)))
        return ["Y": OpOutput(rows: block(xs, kernel: { Attention.positivePolynomialKernel($0) }), width: d)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        return 4 * Double(4 * x.cols + 2 * x.rows + 16)
    }
}

extension TransformerBlockOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 2, 4, 5, 2, "small: d_k != d"), (16, 8, 24, 32, 8, "medium: T = 32")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(900 + i))
            let (d, dk, dh, t, bits, comment) = s
            func w(_ r: Int, _ c: Int) -> InputTensor { bits == 2 ? .small(&g, r, c) : .matrix(&g, r, c, bits: bits) }
            cases.valid("\(900 + i)", comment, flags: sizeFlags(bits: bits),
                        ["X": w(t, d), "Wq": w(dk, d), "Wk": w(dk, d), "Wv": w(d, d), "W1": w(dh, d), "W2": w(d, dh)])
        }
        cases.invalid("990", "Wv is 3x4, the residual needs it square", flag: "ShapeMismatch",
                      drawn(seed: 990) { Self.smallInputs(&$0, wv: (3, 4)) })
        let base = drawn(seed: 2660) { Self.smallInputs(&$0, wv: (3, 3)) }
        cases.refuse("2660", base, "W1", "NonFinite", "NaN in W1") { $0["W1"]!.values[7] = .nan }
        return cases
    }

    /// Entries k/4 for `T = 4`, `d = 3`, `d_k = 2`, `d_h = 4`, and `Wv` of the given shape.
    static func smallInputs(_ g: inout DyadicGenerator, wv: (Int, Int)) -> DraftInputs {
        ["X": .small(&g, 4, 3), "Wq": .small(&g, 2, 3), "Wk": .small(&g, 2, 3), "Wv": .small(&g, wv.0, wv.1),
         "W1": .small(&g, 4, 3), "W2": .small(&g, 3, 4)]
    }
}
