import ExactMath
import NestedLearning

/// `momentum.trajectory`: heavy-ball momentum on `L_t = ½‖W x_t − r_t‖²` (arXiv eq. 10–11):
/// `g_t = (W_{t−1} x_t − r_t) x_tᵀ`, `m_t = β m_{t−1} + η g_t` (`m_0 = 0`), `W_t = W_{t−1} − m_t`.
/// Inputs `W0` (d_out×d_in), `X` (T×d_in), `R` (T×d_out), `eta` (> 0), `beta` (in [0, 1]);
/// output `W` (T×d_out×d_in), the weights after each step.
public struct MomentumTrajectoryOp: GoldenOp {
    public let name = "momentum.trajectory"
    public let version = 1
    public let conventions = ["MomentumSign": "arxiv"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w0 = try inputs.matrix("W0")
        let xs = try inputs.rows("X", width: w0.cols)
        let rs = try inputs.rows("R", count: xs.count, width: w0.rows)
        guard try inputs.scalarDouble("eta") > 0 else { throw inputs.fail("eta", "learning rate must be positive") }
        let beta = try inputs.scalarDouble("beta")
        guard beta >= 0 && beta <= 1 else { throw inputs.fail("beta", "momentum factor must be in [0, 1], got \(beta)") }
        var opt = HeavyBallMomentum(weight: w0, learningRate: try inputs.scalar("eta"), beta: try inputs.scalar("beta"))
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
