import ExactMath
import NestedLearning

/// `cms.sequential` and `cms.independent`: a continuum memory system of `L` levels (arXiv eq. 70–71,
/// 73–74; claim CMS-LEVELS). Every level is `W2 φ(W1 x)`, `φ(z) = z + z²/2`, mapping `d → d`;
/// level ℓ moves once every `periods[ℓ]` tokens by `eta[ℓ]` times the sum of its per-token
/// gradients of `½‖y_t − r_t‖²` over the chunk, each taken with the parameters in force at that token.
/// Sequential: `y = MLP_L(… MLP_1(x))`; independent: `y = Σ_ℓ weights[ℓ] MLP_ℓ(x)`.
/// Inputs `X`, `R` (T×d), `W1` (L×h×d), `W2` (L×d×h), `periods` (L integers, 0 = frozen),
/// `eta` (L, ≥ 0), and for the independent variant `weights` (L). Outputs `Y` (T×d, read before
/// the token's updates), `updates` (n×2 rows `(token, level)`, both 1-based, in order of
/// application; levels reaching a boundary at the same token are all differentiated before any
/// moves), `W1_T`, `W2_T`.
///
/// The option `activation` (`poly` default, `relu`, `silu`, `gelu`, `gelu_tanh`) replaces `φ`;
/// with a transcendental one the expected values are enclosures (``EnclosedOp``).
public struct CMSOp: EnclosedOp {
    public let variant: CMSVariant
    public var name: String { "cms.\(variant.rawValue)" }
    public let conventions = ["CMSWindow": "chunk: the C tokens ending at the boundary (eq. 71 prints C + 1)",
                              "CMSReduction": "sum", "CMSTail": "unflushed: a final partial chunk does not update",
                              "CMSGradientTiming": "perToken: each token's gradient with the parameters in force at that token",
                              "SimultaneousBoundaries": "all levels' gradients are taken before any level moves",
                              "ReadOrder": "beforeWrite", "Activation": "z + z^2/2"]
    public init(_ variant: CMSVariant) { self.variant = variant }

    /// The system described by the inputs, and its token inputs and targets.
    public static func system<S: Scalar>(_ inputs: OpInputs<S>, variant: CMSVariant, width d: Int? = nil,
                                         activation: Activation = .polynomial(.quadratic))
        throws -> (cms: ContinuumMemorySystem<S>, width: Int) {
        let w1 = try inputs.stack("W1", cols: d)
        guard let first = w1.first else { throw inputs.fail("W1", .outOfRange, "expected at least one level") }
        let w2 = try inputs.stack("W2", count: w1.count, rows: first.cols, cols: first.rows)
        let raw = try inputs.vector("periods", count: w1.count, atLeast: 0)
        var periods: [Int?] = []
        for (l, p) in raw.elements.enumerated() {
            let v = p.roundedDouble
            guard v == v.rounded(), v <= 1e9 else {
                throw inputs.fail("periods", .outOfRange, "element \(l) is \(v), expected an integer >= 0")
            }
            periods.append(v == 0 ? nil : Int(v))
        }
        let eta = try inputs.vector("eta", count: w1.count, atLeast: 0)
        let weights = variant == .independent ? try inputs.vector("weights", count: w1.count).elements : nil
        let levels = zip(w1, w2).map { TwoLayerMLP(w1: $0, w2: $1, activation: activation) }
        return (ContinuumMemorySystem(levels: levels, periods: periods, learningRates: eta.elements, variant: variant, weights: weights),
                first.cols)
    }

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        try inputs.activation(of: signature).isRational ? try compute(inputs) : try runEnclosed(inputs)
    }

    public func evaluate<S: TranscendentalScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] { try compute(inputs) }

    public func needsEnclosure(options: [String: String]) -> Bool { MLPActivationOption.isTranscendental(options) }

    /// Normwise, as the rational cases: each output's radius scales with its largest `|y|`.
    public func magnitudes(_ inputs: OpInputs<Double>, output: String, y: [Double]) throws -> [Double] {
        Array(repeating: y.map(\.magnitude).max() ?? 0, count: y.count)
    }

    func compute<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (cms, d) = try Self.system(inputs, variant: variant, activation: try inputs.activation(of: signature))
        let xs = try inputs.rows("X", width: d)
        let rs = try inputs.rows("R", count: xs.count, width: d)
        let trace = cms.run(inputs: xs, losses: rs.map { .squaredError(target: $0) })
        let h = cms.levels[0].w1.rows
        return ["Y": OpOutput(rows: trace.outputs, width: d),
                "updates": OpOutput(shape: [trace.events.count, 2], values: trace.events.flatMap { [S($0.token), S($0.level + 1)] }),
                "W1_T": OpOutput(stack: trace.final.map(\.w1), rows: h, cols: d),
                "W2_T": OpOutput(stack: trace.final.map(\.w2), rows: d, cols: h)]
    }

    /// Per token: a forward and backward pass through every level (about `8(h + d)` roundings deep
    /// per level), and a chunk sum of at most the longest period.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let (cms, d) = try Self.system(inputs, variant: variant)
        let t = try inputs.matrix("X").rows, h = cms.levels[0].w1.rows
        let longest = cms.periods.compactMap { $0 }.max() ?? 1
        return 4 * Double(t * (8 * (h + d) * cms.levels.count + min(longest, t)))
    }
}

extension CMSOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(CMSVariant.sequential, [1, 2], nil as [Double]?, 3, "two levels, periods 1 and 2; T = 3 leaves a partial chunk"),
                       (.sequential, [1, 2, 0], nil, 3, "three levels, the last frozen (period 0); T = 3 leaves a partial chunk"),
                       (.sequential, [2, 3], nil, 6, "periods 2 and 3: both levels reach a boundary at t = 6"),
                       (.independent, [1, 3], [1, 0.5], 5, "independent, weights 1 and 1/2"),
                       (.independent, [2, 0, 4], [0.5, 1, 0.25], 4, "independent, a frozen middle level")].enumerated()
        where s.0 == variant {
            cases.valid("\(2200 + i)", s.4, flags: ["LongRationals", "Dyadic"],
                        drawn(seed: UInt64(2200 + i)) { Self.draftInputs(&$0, d: 2, h: 2, t: s.3, periods: s.1, weights: s.2) })
        }
        do {
            // One generator for the three cases, in this order, whichever variant they are for.
            var g = DyadicGenerator(seed: 2250)
            let a = Self.draftInputs(&g, d: 2, h: 2, t: 3, periods: [1, 2], weights: nil)
            let b = Self.draftInputs(&g, d: 2, h: 2, t: 3, periods: [1, 2], weights: nil)
            let c = Self.draftInputs(&g, d: 2, h: 2, t: 3, periods: [1, 2], weights: [1])
            switch variant {
            case .sequential:
                cases.invalid("2250a", "period 1.5", flag: "OutOfRange", a) { $0["periods"] = .vector([1, 1.5]) }
                cases.invalid("2250b", "negative learning rate", flag: "OutOfRange", b) { $0["eta"] = .vector([0.25, -0.125]) }
            case .independent:
                cases.invalid("2250c", "1 weight for 2 levels", flag: "ShapeMismatch", c)
            }
        }
        let noLevels: (inout DraftInputs) -> Void = {
            $0["W1"] = .empty([0, 2, 2]); $0["W2"] = .empty([0, 2, 2]); $0["periods"] = .empty([0]); $0["eta"] = .empty([0])
        }
        switch variant {
        case .sequential:
            let base = drawn(seed: 2750) { Self.draftInputs(&$0, d: 2, h: 2, t: 3, periods: [1, 2], weights: nil) }
            cases.refuse("2750a", base, "periods", "OutOfRange", "negative period") { $0["periods"] = .vector([1, -2]) }
            cases.refuse("2750b", base, "W1", "OutOfRange", "no levels (L = 0)", noLevels)
            cases.refuse("2750c", base, "periods", "ShapeMismatch", "1 period for 2 levels") { $0["periods"] = .vector([1]) }
            cases.refuse("2750d", base, "R", "NonFinite", "NaN in R") { $0["R"]!.values[5] = .nan }
        case .independent:
            let base = drawn(seed: 2760) { Self.draftInputs(&$0, d: 2, h: 2, t: 3, periods: [1, 2], weights: [1, 0.5]) }
            cases.refuse("2760a", base, "periods", "OutOfRange", "negative period") { $0["periods"] = .vector([-1, 2]) }
            cases.refuse("2760b", base, "periods", "OutOfRange", "period 2.5 is not an integer") { $0["periods"] = .vector([1, 2.5]) }
            cases.refuse("2760c", base, "eta", "OutOfRange", "negative learning rate") { $0["eta"] = .vector([0.25, -0.5]) }
            cases.refuse("2760d", base, "W1", "OutOfRange", "no levels (L = 0)") {
                noLevels(&$0)
                $0["weights"] = .empty([0])
            }
            cases.refuse("2760e", base, "weights", "NonFinite", "NaN weight") { $0["weights"]!.values[1] = .nan }
        }
        activationCases(&cases)
        return cases
    }

    /// `T` tokens of width `d` and their targets (2-bit), `L = periods.count` levels with hidden
    /// width `h` (entries k/4), learning rates 1/4, 1/8, 1/2, … and, for `cms.independent`, weights.
    static func draftInputs(_ g: inout DyadicGenerator, d: Int, h: Int, t: Int, periods: [Int], weights: [Double]?) -> DraftInputs {
        let l = periods.count
        var inputs: DraftInputs = ["X": .matrix(&g, t, d, bits: 2), "R": .matrix(&g, t, d, bits: 2),
                                   "W1": InputTensor(shape: [l, h, d], values: InputTensor.small(&g, l * h, d).values),
                                   "W2": InputTensor(shape: [l, d, h], values: InputTensor.small(&g, l * d, h).values),
                                   "periods": .vector(periods.map(Double.init)), "eta": .cycle(l, [0.25, 0.125, 0.5])]
        if let weights { inputs["weights"] = .vector(weights) }
        return inputs
    }
}
