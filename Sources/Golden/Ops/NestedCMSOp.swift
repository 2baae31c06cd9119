import ExactMath
import NestedLearning

/// `cms.nested`: a nested CMS of two levels (arXiv eq. 72; claim CMS-NESTED). Level s+1 is
/// `W2 φ(W1 x)`, `φ(z) = z + z²/2`, updated every `inner_period` tokens by `inner_eta` times the sum
/// of its chunk's gradients of `½‖y_t − r_t‖²`; it starts every context of `context` tokens from
/// `Φ`, level s's parameters. At the end of each finished context `Φ ← Φ − outer_eta ∇_Φ ℓ`, with
/// `ℓ(Φ)` the context's summed loss as a function of `Φ` through every inner update (second order),
/// and the next context starts from the new `Φ`.
/// Inputs `W1` (h×d), `W2` (d×h) (the initial `Φ`), `X`, `R` (T×d), `inner_period`, `context`
/// (integers ≥ 1), `inner_eta`, `outer_eta`; outputs `Y` (T×d), `inner_update_tokens` (n,
/// 1-based), `W1_phi`, `W2_phi` (`Φ` after each finished context, k×h×d and k×d×h).
public struct NestedCMSOp: GoldenOp {
    public let name = "cms.nested"
    public let conventions = ["NestedCMSMetaGradient": "throughInnerUpdates: d/dPhi of the context loss through every inner update",
                              "NestedCMSReset": "metaLearnedState: the next context starts from Phi after the update",
                              "CMSWindow": "chunk", "CMSTail": "unflushed, for inner chunks and for a last unfinished context",
                              "InnerChunks": "counted from each context's first token",
                              "ReadOrder": "beforeWrite", "Activation": "z + z^2/2"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w1 = try inputs.matrix("W1")
        let w2 = try inputs.matrix("W2", rows: w1.cols, cols: w1.rows)
        let xs = try inputs.rows("X", width: w1.cols)
        let rs = try inputs.rows("R", count: xs.count, width: w1.cols)
        let memory = NestedContinuumMemory(initialState: TwoLayerMLP(w1: w1, w2: w2),
                                           innerPeriod: try inputs.integer("inner_period", minimum: 1),
                                           innerRate: try inputs.scalar("inner_eta", atLeast: 0),
                                           context: try inputs.integer("context", minimum: 1),
                                           outerRate: try inputs.scalar("outer_eta", atLeast: 0))
        let trace = memory.run(inputs: xs, targets: rs)
        return ["Y": OpOutput(rows: trace.outputs, width: w1.cols),
                "inner_update_tokens": OpOutput(shape: [trace.innerUpdates.count], values: trace.innerUpdates.map { S($0) }),
                "W1_phi": OpOutput(stack: trace.initialStates.map(\.w1), rows: w1.rows, cols: w1.cols),
                "W2_phi": OpOutput(stack: trace.initialStates.map(\.w2), rows: w2.rows, cols: w2.cols)]
    }

    /// Per token, a forward and backward pass (`8(h + d)`), carried twice more by the dual
    /// numbers of the meta-gradient (value and derivative through the inner updates).
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let w1 = try inputs.matrix("W1"), t = try inputs.matrix("X").rows
        let perToken: Int = 8 * (w1.rows + w1.cols) + 8
        return 4 * Double(3 * t * perToken)
    }
}

extension NestedCMSOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        cases.valid(seeds: 2500, [(2, 1, 5, 1, 2, "C_f = 1, C_s = 2: two finished contexts and an unfinished one"),
                                  (2, 1, 6, 2, 3, "C_f = 2, C_s = 3: every context ends in an unfinished inner chunk"),
                                  (1, 2, 4, 1, 4, "one context: Phi moves once, at t = 4")],
                    flags: ["LongRationals", "Dyadic"], comment: { $0.5 }) {
            Self.draftInputs(&$0, d: $1.0, h: $1.1, t: $1.2, inner: $1.3, context: $1.4)
        }
        do {
            var g = DyadicGenerator(seed: 2550)
            cases.invalid("2550a", "context 0", flag: "OutOfRange", Self.draftInputs(&g, d: 2, h: 1, t: 3, inner: 1, context: 2)) {
                $0["context"] = .scalar(0)
            }
            cases.invalid("2550b", "negative outer learning rate", flag: "OutOfRange",
                          Self.draftInputs(&g, d: 2, h: 1, t: 3, inner: 1, context: 2)) { $0["outer_eta"] = .scalar(-0.125) }
        }
        do {
            var g = DyadicGenerator(seed: 2790)
            let base = Self.draftInputs(&g, d: 2, h: 1, t: 3, inner: 1, context: 2)
            cases.refuse("2790a", base, "inner_period", "OutOfRange", "inner_period 0") { $0["inner_period"] = .scalar(0) }
            cases.refuse("2790b", base, "inner_period", "OutOfRange", "inner_period 1.5 is not an integer") {
                $0["inner_period"] = .scalar(1.5)
            }
            cases.refuse("2790c", base, "context", "OutOfRange", "context 1.5 is not an integer") { $0["context"] = .scalar(1.5) }
            cases.refuse("2790d", base, "inner_eta", "OutOfRange", "negative inner learning rate") { $0["inner_eta"] = .scalar(-0.25) }
            cases.refuse("2790e", base, "R", "ShapeMismatch", "R has 3 columns, X has 2") { $0["R"] = .small(&g, 3, 3) }
            cases.refuse("2790f", base, "X", "NonFinite", "NaN in X") { $0["X"]!.values[0] = .nan }
        }
        return cases
    }

    static func draftInputs(_ g: inout DyadicGenerator, d: Int, h: Int, t: Int, inner: Int, context: Int) -> DraftInputs {
        ["W1": .small(&g, h, d), "W2": .small(&g, d, h), "X": .small(&g, t, d), "R": .small(&g, t, d),
         "inner_period": .scalar(Double(inner)), "context": .scalar(Double(context)), "inner_eta": .scalar(0.25),
         "outer_eta": .scalar(0.125)]
    }
}
