import ExactMath
import NestedLearning

/// `hope.forward`: one Hope block over a sequence (arXiv eq. 94–97): the self-modifying Titans
/// memories of `self_modifying_titans.chunked` with `C = 1` read `o_t = M_{memory,t−1} W_q x_t` and
/// update themselves; a sequential CMS (as `cms.sequential`) maps `o_t` to `y_t` and its levels learn
/// from `½‖y_t − r_t‖²` at their periods. No normalisation, convolution or residual (ambiguity A11).
/// Inputs: those of `self_modifying_titans.chunked` without `chunk` (`X` T×d, `M_memory`, `M_k`,
/// `M_v`, `W_q` d×d, `M_eta`, `M_alpha` 1×d, `dot_product`), those of `cms.sequential` without `X`
/// (`R` T×d, `W1` L×h×d, `W2` L×d×h, `periods`, `eta`). Outputs `O` (T×d, the Titans reads), `Y`
/// (T×d), `updates` (n×2), `W1_T`, `W2_T`.
public struct HopeOp: GoldenOp {
    public let name = "hope.forward"
    public let conventions = ["HopeWiring": "plain: y_t = CMS(o_t), no norm, convolution or residual",
                              "ChunkAnchor": "sequential self-modifying Titans (C = 1)",
                              "ReadOrder": "beforeWrite for both parts",
                              "SelfModifyingGates": "scalarLinear: eta_t = M_eta x_t, alpha_t = M_alpha x_t, no squashing",
                              "CMSWindow": "chunk", "CMSTail": "unflushed", "CMSGradientTiming": "perToken", "CMSReduction": "sum",
                              "SimultaneousBoundaries": "all levels' gradients are taken before any level moves",
                              "Activation": "z + z^2/2", "Orientation": "memories are d_out x d_in, read M x"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (x, initial, wq, objective) = try SelfModifyingTitansOp.titans(inputs)
        let d = wq.rows
        let (cms, _) = try CMSOp.system(inputs, variant: .sequential, width: d)
        let targets = try inputs.rows("R", count: x.count, width: d)
        let trace = HopeBlock(titans: initial, wq: wq, objective: objective, cms: cms).run(x, targets: targets)
        let h = cms.levels[0].w1.rows
        return ["O": OpOutput(rows: trace.reads, width: d),
                "Y": OpOutput(rows: trace.cms.outputs, width: d),
                "updates": OpOutput(shape: [trace.cms.events.count, 2],
                                    values: trace.cms.events.flatMap { [S($0.token), S($0.level + 1)] }),
                "W1_T": OpOutput(stack: trace.cms.final.map(\.w1), rows: h, cols: d),
                "W2_T": OpOutput(stack: trace.cms.final.map(\.w2), rows: d, cols: h)]
    }

    /// The Titans chain (as `self_modifying_titans.chunked`) feeding the CMS chain (as `cms.sequential`).
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        return try SelfModifyingTitansOp().boundUnits(inputs) + CMSOp(.sequential).boundUnits(inputs) + 4 * Double(x.rows)
    }
}

extension HopeOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        cases.valid(seeds: 2300, [(2, 3, [1, 2], false, "two CMS levels (periods 1, 2), l2 inner objective"),
                                  (2, 3, [2], true, "one CMS level (period 2), dot-product inner objective")],
                    flags: ["LongRationals", "Dyadic"], comment: { $0.4 }) {
            Self.draftInputs(&$0, d: $1.0, t: $1.1, periods: $1.2, dot: $1.3)
        }
        cases.invalid("2350", "R has 2 rows, X has 3", flag: "ShapeMismatch",
                      drawn(seed: 2350) { Self.draftInputs(&$0, d: 2, t: 3, periods: [1], dot: false, cmsTokens: 2) })
        do {
            let base = drawn(seed: 2770) { Self.draftInputs(&$0, d: 2, t: 3, periods: [1], dot: false) }
            cases.refuse("2770a", base, "dot_product", "OutOfRange", "dot_product must be 0 or 1") { $0["dot_product"] = .scalar(2) }
            cases.refuse("2770b", base, "dot_product", "OutOfRange", "dot_product = 0.5 is not an integer") {
                $0["dot_product"] = .scalar(0.5)
            }
            cases.refuse("2770c", base, "periods", "OutOfRange", "negative period") { $0["periods"] = .vector([-1]) }
            cases.refuse("2770d", base, "periods", "OutOfRange", "period 1.5 is not an integer") { $0["periods"] = .vector([1.5]) }
            cases.refuse("2770e", base, "eta", "OutOfRange", "negative CMS learning rate") { $0["eta"] = .vector([-0.25]) }
            cases.refuse("2770f", base, "W1", "OutOfRange", "no CMS levels (L = 0)") {
                $0["W1"] = .empty([0, 2, 2]); $0["W2"] = .empty([0, 2, 2]); $0["periods"] = .empty([0]); $0["eta"] = .empty([0])
            }
            cases.refuse("2770g", base, "X", "OutOfRange", "X and R have no rows (T = 0)") {
                $0["X"] = .empty([0, 2]); $0["R"] = .empty([0, 2])
            }
            cases.refuse("2770h", base, "M_v", "NonFinite", "NaN in M_v") { $0["M_v"]!.values[3] = .nan }
        }
        let base = drawn(seed: 2810) { Self.draftInputs(&$0, d: 2, t: 3, periods: [1], dot: false) }
        cases.refuse("2810", base, "X", "OutOfRange", "tokens of width 0 (d = 0)") {
            $0["X"] = .empty([3, 0]); $0["R"] = .empty([3, 0])
            SelfModifyingTitansOp.emptyMemories(&$0)
            $0["W1"] = .empty([1, 2, 0]); $0["W2"] = .empty([1, 0, 2])
        }
        return cases
    }

    /// The self-modifying Titans inputs (C = 1, so no `chunk`) and a CMS of hidden width 2 on
    /// `cmsTokens` tokens (default `t`), its `X` drawn and left out.
    static func draftInputs(_ g: inout DyadicGenerator, d: Int, t: Int, periods: [Int], dot: Bool, cmsTokens: Int? = nil) -> DraftInputs {
        var inputs = SelfModifyingTitansOp.draftInputs(&g, d: d, t: t, chunk: 1, dot: dot)
        inputs["chunk"] = nil
        for (key, value) in CMSOp.draftInputs(&g, d: d, h: 2, t: cmsTokens ?? t, periods: periods, weights: nil) where key != "X" {
            inputs[key] = value
        }
        return inputs
    }
}
