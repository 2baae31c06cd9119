import ExactMath
import NestedLearning

/// `cms_level.run`: one CMS level `y = W2 φ(W1 x)`, `φ(z) = z + z²/2`, with period C over T
/// tokens, loss ½‖y_t − r_t‖² per token (arXiv eq. 70–71). Inputs `W1` (d_h×d_in),
/// `W2` (d_out×d_h), `X` (T×d_in), `R` (T×d_out), `period` (integer ≥ 1), `eta` (≥ 0),
/// `flush` (0 or 1). Outputs `Y` (T×d_out, each read with the parameters current at that
/// token), `update_tokens` (1-based), `W1_after`, `W2_after` (parameters after each update).
public struct CMSLevelOp: GoldenOp {
    public let name = "cms_level.run"
    public let version = 1
    public let conventions = ["CMSWindow": "chunk", "CMSReduction": "sum", "CMSGradientAnchor": "chunkStart",
                              "CMSTail": "from input 'flush' (0 = unflushed, 1 = flush)", "Activation": "z + z^2/2"]
    public init() {}

    /// The inputs, read and checked once for every implementation of the op.
    public struct Inputs<S: Scalar> {
        public let w1: Matrix<S>, w2: Matrix<S>
        public let xs: [Vector<S>], rs: [Vector<S>]
        public let period: Int
        public let eta: S
        public let flush: Bool
    }

    public static func inputs<S: Scalar>(_ inputs: OpInputs<S>) throws -> Inputs<S> {
        let w1 = try inputs.matrix("W1")
        let w2 = try inputs.matrix("W2", cols: w1.rows)
        let xs = try inputs.rows("X", width: w1.cols)
        let rs = try inputs.rows("R", count: xs.count, width: w2.rows)
        let period = try inputs.integer("period", minimum: 1)
        guard try inputs.scalarDouble("eta") >= 0 else { throw inputs.fail("eta", "learning rate must be non-negative") }
        let flush = try inputs.integer("flush", minimum: 0)
        guard flush <= 1 else { throw inputs.fail("flush", "expected 0 or 1, got \(flush)") }
        return Inputs(w1: w1, w2: w2, xs: xs, rs: rs, period: period, eta: try inputs.scalar("eta"), flush: flush == 1)
    }

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let x = try Self.inputs(inputs)
        let (w1, w2) = (x.w1, x.w2)
        var level = CMSLevel(mlp: TwoLayerMLP(w1: w1, w2: w2), period: x.period, learningRate: x.eta)
        level.tail = x.flush ? .flush : .unflushed
        let trace = level.run(inputs: x.xs, losses: x.rs.map { .squaredError(target: $0) })
        let n = trace.updates.count
        return [
            "Y": OpOutput(rows: trace.outputs, width: w2.rows),
            "update_tokens": OpOutput(shape: [n], values: trace.updates.map { S($0.token) }),
            "W1_after": OpOutput(shape: [n, w1.rows, w1.cols], values: trace.updates.flatMap(\.after.w1.elements)),
            "W2_after": OpOutput(shape: [n, w2.rows, w2.cols], values: trace.updates.flatMap(\.after.w2.elements)),
        ]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let w1 = try inputs.matrix("W1"), t = try inputs.matrix("X").rows
        return 4 * Double(t * 8 * (w1.rows + w1.cols))
    }
}
