import ExactMath
import NestedLearning

/// `mlp2.gradients`: backprop through `y = W2 φ(W1 x)`, `φ(z) = z + z²/2`, `L = ½‖y − t‖²`
/// (arXiv eq. 29). Inputs `W1` (d_h×d_in), `W2` (d_out×d_h), `x` (d_in), `t` (d_out); outputs
/// `y`, `delta2 = y − t`, `delta1 = φ'(z1) ⊙ (W2ᵀ delta2)`, `grad_W1 = delta1 xᵀ`,
/// `grad_W2 = delta2 φ(z1)ᵀ`.
public struct MLPGradientsOp: GoldenOp {
    public let name = "mlp2.gradients"
    public let conventions = ["Activation": "z + z^2/2", "Orientation": "y = W x, grad_W L = (grad_y L) x^T"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w1 = try inputs.matrix("W1")
        let w2 = try inputs.matrix("W2", cols: w1.rows)
        let x = try inputs.vector("x", count: w1.cols)
        let t = try inputs.vector("t", count: w2.rows)
        let mlp = TwoLayerMLP(w1: w1, w2: w2)
        let f = mlp.forward(x)
        let b = mlp.backward(f, outputGradient: f.output - t)
        return ["y": OpOutput(shape: [w2.rows], values: f.output.elements),
                "delta2": OpOutput(shape: [w2.rows], values: b.delta2.elements),
                "delta1": OpOutput(shape: [w1.rows], values: b.delta1.elements),
                "grad_W1": OpOutput(b.gradW1), "grad_W2": OpOutput(b.gradW2)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        4 * Double(2 * (try inputs.matrix("W1").cols + inputs.matrix("W2").cols) + 8)
    }
}

extension MLPGradientsOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 4, 2, 2, "d_in, d_h, d_out all different"), (2, 3, 3, 2, "d_h = d_out (an untransposed W2 would type-check)"),
                       (32, 48, 16, 12, "medium")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(600 + i))
            let (din, dh, dout, bits, comment) = s
            cases.valid("\(600 + i)", comment, flags: sizeFlags(bits: bits),
                        ["W1": .matrix(&g, dh, din, bits: bits), "W2": .matrix(&g, dout, dh, bits: bits),
                         "x": .vector(InputTensor.matrix(&g, 1, din, bits: bits).values),
                         "t": .vector(InputTensor.matrix(&g, 1, dout, bits: bits).values)])
        }
        cases.invalid("690", "W2 has 3 columns, W1 has 4 rows", flag: "ShapeMismatch", drawn(seed: 690) { g in
            ["W1": .matrix(&g, 4, 3, bits: 2), "W2": .matrix(&g, 2, 3, bits: 2), "x": .vector([1, 0.5, -1]), "t": .vector([1, 2])]
        })
        do {
            var g = DyadicGenerator(seed: 2630)
            let base: DraftInputs = ["W1": .matrix(&g, 4, 3, bits: 2), "W2": .matrix(&g, 2, 4, bits: 2), "x": .vector([1, 0.5, -1]),
                                     "t": .vector([1, 2])]
            cases.refuse("2630", base, "x", "NonFinite", "NaN in x") { $0["x"]!.values[1] = .nan }
        }
        return cases
    }
}
