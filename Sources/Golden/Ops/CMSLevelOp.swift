import ExactMath
import NestedLearning

/// `cms_level.run`: one CMS level `y = W2 φ(W1 x)`, `φ(z) = z + z²/2`, with period C over T
/// tokens, loss ½‖y_t − r_t‖² per token (arXiv eq. 70–71). Inputs `W1` (d_h×d_in),
/// `W2` (d_out×d_h), `X` (T×d_in), `R` (T×d_out), `period` (integer ≥ 1), `eta` (≥ 0),
/// `flush` (0 or 1). Outputs `Y` (T×d_out, each read with the parameters current at that
/// token), `update_tokens` (1-based), `W1_after`, `W2_after` (parameters after each update).
public struct CMSLevelOp: GoldenOp {
    public let name = "cms_level.run"
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
        guard try inputs.scalarDouble("eta") >= 0 else { throw inputs.fail("eta", .outOfRange, "learning rate must be non-negative") }
        let flush = try inputs.integer("flush", minimum: 0)
        guard flush <= 1 else { throw inputs.fail("flush", .outOfRange, "expected 0 or 1, got \(flush)") }
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

extension CMSLevelOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(7, 3, 0.0, "T not a multiple of C, tail unflushed"), (7, 3, 1.0, "T not a multiple of C, tail flushed"),
                       (2, 5, 0.0, "T < C: no update"), (4, 1, 0.0, "C = 1: per-token SGD"), (8, 4, 0.0, "two full chunks")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(400 + i))
            let (t, c, flush, comment) = s
            // Inputs k/4 with |k| ≤ 3 and a small step keep the quadratic activation from blowing up.
            cases.valid("\(400 + i)", comment, flags: ["Small", "Dyadic"],
                        ["W1": .small(&g, 2, 3), "W2": .small(&g, 2, 2), "X": .small(&g, t, 3), "R": .matrix(&g, t, 2, bits: 2),
                         "period": .scalar(Double(c)), "eta": .scalar(0.0625), "flush": .scalar(flush)])
        }
        cases.valid("450", "medium: T = 20, C = 8, tail flushed", flags: ["Medium", "Dyadic"], drawn(seed: 450) { g in
            ["W1": .matrix(&g, 16, 12, bits: 8), "W2": .matrix(&g, 8, 16, bits: 8), "X": .matrix(&g, 20, 12, bits: 8),
             "R": .matrix(&g, 20, 8, bits: 8), "period": .scalar(8), "eta": .scalar(0.0625), "flush": .scalar(1)]
        })
        for (key, period, eta, reason, flag) in [("490a", 0.0, 0.25, "period 0", "OutOfRange"),
                                                 ("490b", -2.0, 0.25, "negative period", "OutOfRange"),
                                                 ("490c", 3.0, Double.nan, "NaN learning rate", "NonFinite")] {
            cases.invalid(key, reason, flag: flag, drawn(seed: 490) { Self.smallInputs(&$0, period: period, eta: eta) })
        }
        do {
            var g = DyadicGenerator(seed: 2610)
            let base = Self.smallInputs(&g, period: 3, eta: 0.25)
            cases.refuse("2610a", base, "flush", "OutOfRange", "flush = 2 (must be 0 or 1)") { $0["flush"] = .scalar(2) }
            cases.refuse("2610b", base, "flush", "OutOfRange", "flush = 0.5 is not an integer") { $0["flush"] = .scalar(0.5) }
            cases.refuse("2610c", base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = .scalar(-0.25) }
            cases.refuse("2610d", base, "period", "OutOfRange",
                         "period 1.5 is not an integer (casting it to 1 would make the case valid)") { $0["period"] = .scalar(1.5) }
            cases.refuse("2610e", base, "R", "ShapeMismatch", "R has 4 rows, X has 5") { $0["R"] = .matrix(&g, 4, 2, bits: 2) }
        }
        return cases
    }

    /// 2-bit inputs for `T = 5` tokens, unflushed.
    static func smallInputs(_ g: inout DyadicGenerator, period: Double, eta: Double) -> DraftInputs {
        ["W1": .matrix(&g, 2, 3, bits: 2), "W2": .matrix(&g, 2, 2, bits: 2), "X": .matrix(&g, 5, 3, bits: 2),
         "R": .matrix(&g, 5, 2, bits: 2), "period": .scalar(period), "eta": .scalar(eta), "flush": .scalar(0)]
    }
}
