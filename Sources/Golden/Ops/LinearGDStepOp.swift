import ExactMath
import NestedLearning

/// `linear.gd_step`: for `y = W x` and `L = ½‖y − t‖²`, the gradient `(W x − t) xᵀ` and the
/// step `W − η (W x − t) xᵀ` (arXiv eq. 7–9). Inputs `W` (d_out×d_in), `x` (d_in), `t` (d_out),
/// `eta` (> 0); outputs `grad_W`, `W_next`.
public struct LinearGDStepOp: GoldenOp {
    public let name = "linear.gd_step"
    public let conventions = ["NestedSystemSign": "descent", "Orientation": "y = W x, grad_W L = (grad_y L) x^T"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (w, x, t, eta) = try inputs.layerStep(target: "t")
        let layer = LinearLayer(weight: w)
        let u = Loss.squaredError(target: t).outputGradient(layer(x))
        let step = layer.gradientStep(input: x, localSurprise: u, learningRate: eta)
        return ["grad_W": OpOutput(LinearLayer<S>.weightGradient(localSurprise: u, input: x)), "W_next": OpOutput(step.weight)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double { 4 * Double(try inputs.matrix("W").cols + 4) }
}

extension LinearGDStepOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 4, 2, "d_out != d_in"), (2, 2, 2, "square layer (a transposed outer product would type-check)"),
                       (24, 32, 30, "medium")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(500 + i))
            let (dout, din, bits, comment) = s
            cases.valid("\(500 + i)", comment, flags: sizeFlags(bits: bits),
                        ["W": .matrix(&g, dout, din, bits: bits), "x": .vector(InputTensor.matrix(&g, 1, din, bits: bits).values),
                         "t": .vector(InputTensor.matrix(&g, 1, dout, bits: bits).values), "eta": .scalar(bits == 2 ? 0.25 : 0.1)])
        }
        do {
            var g = DyadicGenerator(seed: 590)
            cases.invalid("590a", "x has 3 entries, W has 4 columns", flag: "ShapeMismatch",
                          ["W": .matrix(&g, 2, 4, bits: 2), "x": .vector([1, 0.5, -1]), "t": .vector([1, 2]), "eta": .scalar(0.25)])
            cases.invalid("590b", "NaN learning rate", flag: "NonFinite",
                          ["W": .matrix(&g, 2, 3, bits: 2), "x": .vector([1, 0.5, -1]), "t": .vector([1, 2]), "eta": .scalar(.nan)])
        }
        do {
            var g = DyadicGenerator(seed: 2620)
            let base: DraftInputs = ["W": .matrix(&g, 2, 3, bits: 2), "x": .vector([1, 0.5, -1]), "t": .vector([1, 2]),
                                     "eta": .scalar(0.25)]
            cases.refuse("2620a", base, "eta", "OutOfRange", "zero learning rate (eta must be > 0)") { $0["eta"] = .scalar(0) }
            cases.refuse("2620b", base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = .scalar(-0.25) }
        }
        return cases
    }
}
