import ExactMath
import NestedLearning

/// `momentum.trajectory`: heavy-ball momentum on `L_t = ½‖W x_t − r_t‖²` (arXiv eq. 10–11):
/// `g_t = (W_{t−1} x_t − r_t) x_tᵀ`, `m_t = β m_{t−1} + η g_t` (`m_0 = 0`), `W_t = W_{t−1} − m_t`.
/// Inputs `W0` (d_out×d_in), `X` (T×d_in), `R` (T×d_out), `eta` (> 0), `beta` (in [0, 1]);
/// output `W` (T×d_out×d_in), the weights after each step.
public struct MomentumTrajectoryOp: GoldenOp {
    public let name = "momentum.trajectory"
    public let conventions = ["MomentumSign": "arxiv"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w0 = try inputs.matrix("W0")
        let xs = try inputs.rows("X", width: w0.cols)
        let rs = try inputs.rows("R", count: xs.count, width: w0.rows)
        let eta = try inputs.learningRate()
        let beta = try inputs.scalarDouble("beta")
        guard beta >= 0 && beta <= 1 else { throw inputs.fail("beta", .outOfRange, "momentum factor must be in [0, 1], got \(beta)") }
        var opt = HeavyBallMomentum(weight: w0, learningRate: eta, beta: try inputs.scalar("beta"))
        var trajectory: [S] = []
        for (x, r) in zip(xs, rs) {
            opt.step(gradient: Matrix.outer(opt.weight * x - r, x))
            trajectory += opt.weight.elements
        }
        return ["W": OpOutput(shape: [xs.count, w0.rows, w0.cols], values: trajectory)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        4 * Double(try inputs.matrix("X").rows * (inputs.matrix("W0").cols + 6))
    }
}

extension MomentumTrajectoryOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(2, 3, 12, 0.75, 2, "T = 12, beta = 3/4"), (2, 2, 6, 1.0, 2, "beta = 1 (no decay)"),
                       (8, 12, 12, 0.875, 8, "medium: T = 12")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(700 + i))
            let (dout, din, t, beta, bits, comment) = s
            cases.valid("\(700 + i)", comment, flags: sizeFlags(bits: bits),
                        ["W0": .matrix(&g, dout, din, bits: bits), "X": bits == 2 ? .small(&g, t, din) : .matrix(&g, t, din, bits: bits),
                         "R": .matrix(&g, t, dout, bits: bits), "eta": .scalar(bits == 2 ? 0.25 : 0.05), "beta": .scalar(beta)])
        }
        for (key, beta, reason, flag) in [("790a", 1.5, "beta above 1", "OutOfRange"),
                                          ("790b", Double.infinity, "infinite beta", "NonFinite")] {
            cases.invalid(key, reason, flag: flag, drawn(seed: 790) { Self.smallInputs(&$0).merging(["beta": .scalar(beta)]) { $1 } })
        }
        do {
            var g = DyadicGenerator(seed: 2640)
            let base = Self.smallInputs(&g).merging(["beta": .scalar(0.5)]) { $1 }
            cases.refuse("2640a", base, "eta", "OutOfRange", "zero learning rate (eta must be > 0)") { $0["eta"] = .scalar(0) }
            cases.refuse("2640b", base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = .scalar(-0.25) }
            cases.refuse("2640c", base, "beta", "OutOfRange", "negative beta (must be in [0, 1])") { $0["beta"] = .scalar(-0.25) }
            cases.refuse("2640d", base, "X", "ShapeMismatch", "X has 2 columns, W0 has 3") { $0["X"] = .matrix(&g, 4, 2, bits: 2) }
        }
        return cases
    }

    /// 2-bit inputs for `T = 4` tokens, `eta = 1/4`, without `beta`.
    static func smallInputs(_ g: inout DyadicGenerator) -> DraftInputs {
        ["W0": .matrix(&g, 2, 3, bits: 2), "X": .matrix(&g, 4, 3, bits: 2), "R": .matrix(&g, 4, 2, bits: 2), "eta": .scalar(0.25)]
    }
}
