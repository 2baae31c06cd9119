import ExactMath
import NestedLearning

/// `titans_mlp.chunked`: the Titans long-term memory with a 2-layer MLP memory
/// `M(k) = W2 φ(W1 k)`, `φ(z) = z + z²/2` (Titans eq. 8–16 with `L_M = 2`; claim TITANS-MLP).
/// With `θ = vec(W1) ‖ vec(W2)` (row-major): `u_t = ∇_θ ½‖M_{θ'}(k_t) − v_t‖²` at the chunk-start
/// parameters `θ'`, `S_t = η_t S_{t−1} − θ_t u_t`, `θ_t = (1 − α_t) θ_{t−1} + S_t`, read
/// `y_t = M_{θ_t}(q_t)`. Inputs `W1` (h×d_k), `W2` (d_v×h), `K` (T×d_k), `V` (T×d_v), `Q` (T×d_k),
/// `alpha`, `eta`, `theta` (T each, or one per chunk with the option `gate_granularity` = `chunk`),
/// `chunk` (integer ≥ 1), optional `scale` (`y_t = M_{θ_t}(s q_t)`); outputs `Y` (T×d_v), `W1_T`,
/// `W2_T`. With `gates` = `log`, `log_one_minus_alpha` replaces `alpha`.
///
/// The option `activation` (`poly` default, `relu`, `silu`, `gelu`, `gelu_tanh`) replaces `φ`;
/// with a transcendental one the expected values are enclosures (``EnclosedOp``).
public struct TitansMLPOp: EnclosedOp {
    public let name = "titans_mlp.chunked"
    public let conventions = ["ReadOrder": "afterWrite", "Loss": "1/2 ||M(k) - v||^2", "Activation": "z + z^2/2",
                              "ChunkAnchor": "parameters before the chunk's first token; partial chunks update",
                              "Momentum": "one surprise S over all parameters, flattened W1 then W2, row-major"]
    public init() {}

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
        let w1 = try inputs.matrix("W1")
        let w2 = try inputs.matrix("W2", cols: w1.rows)
        let k = try inputs.rows("K", width: w1.cols)
        let v = try inputs.rows("V", count: k.count, width: w2.rows)
        let q = try inputs.rows("Q", count: k.count, width: w1.cols)
        let (gates, chunk) = try TitansMemoryOp.gates(inputs, tokens: k.count, signature: signature)
        let m0 = TwoLayerMLP(w1: w1, w2: w2, activation: try inputs.activation(of: signature))
        let states = TitansMLPMemory.run(initial: m0, keys: k, values: v, gates: gates, chunk: chunk)
        let last = states.last ?? m0
        return ["Y": OpOutput(rows: zip(states, try inputs.scaledQueries(q)).map { $0($1) }, width: w2.rows),
                "W1_T": OpOutput(last.w1), "W2_T": OpOutput(last.w2)]
    }

    /// Per token: a backward pass at the anchor (about `8(h + d)` roundings deep), the momentum and
    /// the decay (4), and the read.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let w1 = try inputs.matrix("W1"), t = try inputs.matrix("K").rows
        let width: Int = w1.rows + w1.cols
        let chain: Int = t * (8 * width + 8) + 4 * width
        return 4 * Double(chain) + inputs.conventionBoundUnits(logGates: "log_one_minus_alpha")
    }
}

extension TitansMLPOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        cases.valid(seeds: 2100, [(2, 2, 2, 4, 2, "C = 2: two chunks, gradients at each chunk's start"),
                                  (2, 2, 2, 3, 1, "C = 1: per-token gradients"),
                                  (3, 2, 3, 4, 3, "partial final chunk (T = 4, C = 3), d_k != d_v"),
                                  (2, 2, 2, 3, 8, "T < C: one partial chunk, still updates")],
                    flags: ["Small", "Dyadic"], comment: { $0.5 }) {
            Self.draftInputs(&$0, dk: $1.0, dv: $1.1, h: $1.2, t: $1.3, chunk: $1.4)
        }
        do {
            var g = DyadicGenerator(seed: 2150)
            cases.invalid("2150a", "chunk size 0", flag: "OutOfRange", Self.draftInputs(&g, dk: 2, dv: 2, h: 2, t: 2, chunk: 0))
            cases.invalid("2150b", "W2 has 3 columns, W1 has 2 rows", flag: "ShapeMismatch",
                          Self.draftInputs(&g, dk: 2, dv: 2, h: 2, t: 2, chunk: 1)) { $0["W2"] = .small(&g, 2, 3) }
        }
        do {
            var g = DyadicGenerator(seed: 2740)
            let base: DraftInputs = ["W1": .small(&g, 2, 2), "W2": .small(&g, 2, 2), "K": .small(&g, 2, 2), "V": .small(&g, 2, 2),
                                     "Q": .small(&g, 2, 2), "alpha": .vector([0.125, 0]), "eta": .vector([0.5, 0.75]),
                                     "theta": .vector([0.25, 0.125]), "chunk": .scalar(1)]
            cases.refuse("2740a", base, "chunk", "OutOfRange", "chunk 1.5 is not an integer") { $0["chunk"] = .scalar(1.5) }
            cases.refuse("2740b", base, "K", "NonFinite", "infinity in K") { $0["K"]!.values[0] = -.infinity }
        }
        let perChunk = ["gate_granularity": "chunk"]
        for (i, s) in [(2, 2, 2, 4, 2, "gate_granularity = chunk: C = 2, two chunks, one gate triple each"),
                       (3, 2, 3, 4, 3, "gate_granularity = chunk: a partial final chunk (T = 4, C = 3) has its own gates")].enumerated() {
            let (dk, dv, h, t, c, comment) = s
            var inputs = drawn(seed: UInt64(3300 + i)) { Self.draftInputs(&$0, dk: dk, dv: dv, h: h, t: t, chunk: c) }
            let n = TitansMemory.chunkCount(tokens: t, chunk: c)
            inputs.merge(["alpha": .cycle(n, [0.125, 0.25]), "eta": .cycle(n, [0.5, 0.75]), "theta": .cycle(n, [0.25, 0.5])]) { $1 }
            cases.valid("\(3300 + i)", comment, flags: ["Small", "Dyadic", "ChunkGates"], options: perChunk, inputs)
        }
        let base = drawn(seed: 3350) { Self.draftInputs(&$0, dk: 2, dv: 2, h: 2, t: 4, chunk: 2) }
            .merging(["alpha": .vector([0.125, 0]), "eta": .vector([0.5, 0.75]), "theta": .vector([0.25, 0.125])]) { $1 }
        cases.refuse("3350a", base, "alpha", "ShapeMismatch", "gate_granularity = chunk with one alpha per token (4 for 2 chunks)",
                     options: perChunk) { $0["alpha"] = .cycle(4, [0.125, 0]) }
        cases.refuse("3350b", base, "eta", "ShapeMismatch", "gate_granularity = chunk with 3 eta for 2 chunks", options: perChunk) {
            $0["eta"] = .vector([0.5, 0.75, 0.5])
        }
        readConventionCases(&cases)
        activationCases(&cases)
        return cases
    }

    static func draftInputs(_ g: inout DyadicGenerator, dk: Int, dv: Int, h: Int, t: Int, chunk: Int) -> DraftInputs {
        ["W1": .small(&g, h, dk), "W2": .small(&g, dv, h), "K": .small(&g, t, dk), "V": .small(&g, t, dv), "Q": .small(&g, t, dk),
         "alpha": .cycle(t, [0.125, 0, 0.25, 0.5]), "eta": .cycle(t, [0.5, 0.75, 0, 1]), "theta": .cycle(t, [0.25, 0.125, 0.5, 0.25]),
         "chunk": .scalar(Double(chunk))]
    }
}
