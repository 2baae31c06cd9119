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
public struct CMSOp: GoldenOp {
    public let variant: CMSVariant
    public var name: String { "cms.\(variant.rawValue)" }
    public let version = 1
    public let conventions = ["CMSWindow": "chunk: the C tokens ending at the boundary (eq. 71 prints C + 1)",
                              "CMSReduction": "sum", "CMSTail": "unflushed: a final partial chunk does not update",
                              "CMSGradientTiming": "perToken: each token's gradient with the parameters in force at that token",
                              "SimultaneousBoundaries": "all levels' gradients are taken before any level moves",
                              "ReadOrder": "beforeWrite", "Activation": "z + z^2/2"]
    public init(_ variant: CMSVariant) { self.variant = variant }

    /// The system described by the inputs, and its token inputs and targets.
    public static func system<S: Scalar>(_ inputs: OpInputs<S>, variant: CMSVariant, width d: Int? = nil)
        throws -> (cms: ContinuumMemorySystem<S>, width: Int) {
        let w1 = try inputs.stack("W1", cols: d)
        guard let first = w1.first else { throw inputs.fail("W1", "expected at least one level") }
        let w2 = try inputs.stack("W2", count: w1.count, rows: first.cols, cols: first.rows)
        let raw = try inputs.vector("periods", count: w1.count, atLeast: 0)
        var periods: [Int?] = []
        for (l, p) in raw.elements.enumerated() {
            let v = p.roundedDouble
            guard v == v.rounded(), v <= 1e9 else { throw inputs.fail("periods", "element \(l) is \(v), expected an integer >= 0") }
            periods.append(v == 0 ? nil : Int(v))
        }
        let eta = try inputs.vector("eta", count: w1.count, atLeast: 0)
        let weights = variant == .independent ? try inputs.vector("weights", count: w1.count).elements : nil
        let levels = zip(w1, w2).map { TwoLayerMLP(w1: $0, w2: $1) }
        return (ContinuumMemorySystem(levels: levels, periods: periods, learningRates: eta.elements, variant: variant, weights: weights),
                first.cols)
    }

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (cms, d) = try Self.system(inputs, variant: variant)
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
