import ExactMath
import NestedLearning

/// `dgd.step`: `W (I − η' x xᵀ) + η' u xᵀ`, `η' = η/(1 + η‖x‖²)` (arXiv eq. 56–57).
/// Inputs `W` (d_out×d_in), `x` (d_in), `u` (d_out), `eta` (scalar, > 0); output `W_next`.
public struct DGDStepOp: GoldenOp {
    public let name = "dgd.step"
    public let conventions = ["DGDStepSize": "keyNormAware"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (w, x, u, eta) = try inputs.layerStep(target: "u")
        return ["W_next": OpOutput(DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta))]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        4 * Double(2 * (try inputs.matrix("W").cols) + 8)
    }
}

extension DGDStepOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 4, 2, "non-unit key"), (2, 4, 2, "unit-norm key (the printed eta/(1+eta) is also right here)"),
                       (48, 64, 12, "medium")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(300 + i))
            let (dout, din, bits, comment) = s
            var x = InputTensor.matrix(&g, 1, din, bits: bits)
            if i == 1 { x.values = [0.5, -0.5, 0.5, 0.5] }
            cases.valid("\(300 + i)", comment, flags: sizeFlags(bits: bits),
                        ["W": .matrix(&g, dout, din, bits: bits), "x": .vector(x.values),
                         "u": .vector(InputTensor.matrix(&g, 1, dout, bits: bits).values), "eta": .scalar(bits == 2 ? 0.75 : 0.1)])
        }
        for (key, eta, reason, flag) in [("390a", Double.nan, "NaN learning rate", "NonFinite"),
                                         ("390b", .infinity, "infinite learning rate", "NonFinite"),
                                         ("390c", -0.5, "negative learning rate", "OutOfRange")] {
            cases.invalid(key, reason, flag: flag, ["W": drawn(seed: 390) { .matrix(&$0, 2, 3, bits: 2) }, "x": .vector([1, 0.5, -1]),
                                                    "u": .vector([1, 2]), "eta": .scalar(eta)])
        }
        do {
            var g = DyadicGenerator(seed: 2600)
            let base: DraftInputs = ["W": .matrix(&g, 2, 3, bits: 2), "x": .vector([1, 0.5, -1]), "u": .vector([1, 2]),
                                     "eta": .scalar(0.75)]
            cases.refuse("2600a", base, "eta", "OutOfRange", "zero learning rate (eta must be > 0)") { $0["eta"] = .scalar(0) }
            cases.refuse("2600b", base, "u", "ShapeMismatch", "u has 3 entries, W has 2 rows") { $0["u"] = .vector([1, 2, 0.5]) }
        }
        return cases
    }
}
