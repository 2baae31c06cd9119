import ExactMath
import NestedLearning

/// `dgd.step`: `W (I − η' x xᵀ) + η' u xᵀ`, `η' = η/(1 + η‖x‖²)` (arXiv eq. 56–57).
/// Inputs `W` (d_out×d_in), `x` (d_in), `u` (d_out), `eta` (scalar, > 0); output `W_next`.
public struct DGDStepOp: GoldenOp {
    public let name = "dgd.step"
    public let version = 1
    public let conventions = ["DGDStepSize": "keyNormAware"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w = try inputs.matrix("W")
        let x = try inputs.vector("x", count: w.cols)
        let u = try inputs.vector("u", count: w.rows)
        guard try inputs.scalarDouble("eta") > 0 else { throw inputs.fail("eta", "learning rate must be positive") }
        let eta = try inputs.scalar("eta")
        return ["W_next": OpOutput(DeltaGradientDescent.step(w, input: x, target: u, learningRate: eta))]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        4 * Double(2 * (try inputs.matrix("W").cols) + 8)
    }
}
