import ExactMath
import NestedLearning

/// `linear.gd_step`: for `y = W x` and `L = ½‖y − t‖²`, the gradient `(W x − t) xᵀ` and the
/// step `W − η (W x − t) xᵀ` (arXiv eq. 7–9). Inputs `W` (d_out×d_in), `x` (d_in), `t` (d_out),
/// `eta` (> 0); outputs `grad_W`, `W_next`.
public struct LinearGDStepOp: GoldenOp {
    public let name = "linear.gd_step"
    public let version = 1
    public let conventions = ["NestedSystemSign": "descent", "Orientation": "y = W x, grad_W L = (grad_y L) x^T"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w = try inputs.matrix("W")
        let x = try inputs.vector("x", count: w.cols)
        let t = try inputs.vector("t", count: w.rows)
        guard try inputs.scalarDouble("eta") > 0 else { throw inputs.fail("eta", "learning rate must be positive") }
        let layer = LinearLayer(weight: w)
        let u = Loss.squaredError(target: t).outputGradient(layer(x))
        let step = layer.gradientStep(input: x, localSurprise: u, learningRate: try inputs.scalar("eta"))
        return ["grad_W": OpOutput(LinearLayer<S>.weightGradient(localSurprise: u, input: x)), "W_next": OpOutput(step.weight)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double { 4 * Double(try inputs.matrix("W").cols + 4) }
}
