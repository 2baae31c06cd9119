import ExactMath
import NestedLearning

/// `titans_memory.chunked`: the Titans linear memory in chunks of `chunk` tokens (Titans eq.
/// 8–16; claim TITANS-CHUNK): `u_t = (M_{t'} k_t − v_t) k_tᵀ` at the chunk-start state,
/// `S_t = η_t S_{t−1} − θ_t u_t`, `M_t = (1 − α_t) M_{t−1} + S_t`, read `y_t = M_t q_t`.
/// Inputs `M0`, `K`, `V`, `Q`, `alpha`, `eta`, `theta` (T each, or one per chunk with the option
/// `gate_granularity` = `chunk`), `chunk` (integer ≥ 1), optional `scale` (`y_t = M_t (s q_t)`);
/// outputs `Y` (T×d_v), `M_T`. With `gates` = `log`, `log_one_minus_alpha` replaces `alpha`.
public struct TitansMemoryOp: GoldenOp {
    public let name = "titans_memory.chunked"
    public let conventions = ["ReadOrder": "afterWrite", "Orientation": "M is d_v x d_k, write v k^T, read M q",
                              "Loss": "1/2 ||M k - v||^2", "ChunkAnchor": "state before the chunk's first token; partial chunks update"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let (gates, chunk) = try Self.gates(inputs, tokens: k.count, signature: signature)
        let states = TitansMemory.run(initial: m0, keys: k, values: v, gates: gates, chunk: chunk)
        let ys = zip(states, try inputs.scaledQueries(q)).map { $0 * $1 }
        return ["Y": OpOutput(rows: ys, width: m0.rows), "M_T": OpOutput(states.last ?? m0)]
    }

    /// The chunk size (≥ 1) and the gates `alpha`, `eta`, `theta`, checked and returned one triple
    /// per token: with the option `gate_granularity` = `token` (default) the inputs have `T`
    /// entries each; with `chunk`, `⌈T/C⌉` each, one per chunk, applied to every token of the chunk
    /// (``Conventions/TitansGateGranularity``). With the option `gates` = `log` the input
    /// `log_one_minus_alpha` gives `g`, and the retained fraction is `1 − α = RN(exp g)`
    /// (``Conventions/GateSpace``). `signature` is the op's.
    public static func gates<S: Scalar>(_ inputs: OpInputs<S>, tokens t: Int, signature: OpSignature) throws
        -> (gates: [TitansMemory.Gates], chunk: Int) {
        let chunk = try inputs.integer("chunk", minimum: 1)
        let perChunk = try inputs.option("gate_granularity", of: signature) == "chunk"
        let count = perChunk ? TitansMemory.chunkCount(tokens: t, chunk: chunk) : t
        let eta = try inputs.vector("eta", count: count), theta = try inputs.vector("theta", count: count)
        let given: [TitansMemory.Gates]
        switch try inputs.gateSpace(of: signature) {
        case .log:
            let keep = try inputs.decaysFromLogGates("log_one_minus_alpha", count: count)
            given = (0..<count).map { TitansMemory.Gates(keep: keep[$0], eta: eta[$0].roundedDouble, theta: theta[$0].roundedDouble) }
        case .linear, .logit:
            let alpha = try inputs.gateSpace(of: signature) == .logit ? try inputs.gatesFromLogits("alpha_logit", count: count)
                : try inputs.vector("alpha", count: count).elements.map(\.roundedDouble)
            given = (0..<count).map { TitansMemory.Gates(alpha: alpha[$0], eta: eta[$0].roundedDouble, theta: theta[$0].roundedDouble) }
        }
        return (TitansMemory.tokenGates(given, granularity: perChunk ? .chunk : .token, tokens: t, chunk: chunk), chunk)
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t * (2 * m0.cols + 8) + m0.cols) + inputs.conventionBoundUnits(logGates: "log_one_minus_alpha")
    }
}

extension TitansMemoryOp {
    /// A partial final chunk, T < C, and full forgetting (alpha = 1).
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 2, 5, 2, 2, "partial final chunk (T = 5, C = 2), alpha = 1 at token 4"),
                       (2, 3, 3, 8, 2, "T < C: a single partial chunk still updates"),
                       (12, 10, 40, 8, 8, "medium: T = 40, C = 8")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1500 + i))
            let (dk, dv, t, c, bits, comment) = s
            let gates: DraftInputs = ["alpha": .cycle(t, [0.25, 0, 0.5, 1, 0.125]), "eta": .cycle(t, [0.5, 0.75, 0, 1, 0.25]),
                                      "theta": .cycle(t, [0.5, 0.25, 1, 0.125, 0.75]), "chunk": .scalar(Double(c))]
            cases.valid("\(1500 + i)", comment, flags: sizeFlags(bits: bits),
                        scaledMemorySequence(&g, dk: dk, dv: dv, t: t, bits: bits).merging(gates) { $1 })
        }
        cases.invalid("1550", "chunk size 0", flag: "OutOfRange", drawn(seed: 1550) { Self.smallInputs(&$0, chunk: 0) })
        do {
            let base = drawn(seed: 2690) { Self.smallInputs(&$0, chunk: 1) }
            cases.refuse("2690a", base, "chunk", "OutOfRange", "chunk 1.5 is not an integer") { $0["chunk"] = .scalar(1.5) }
            cases.refuse("2690b", base, "theta", "ShapeMismatch", "1 theta for 2 tokens") { $0["theta"] = .vector([0.5]) }
            cases.refuse("2690c", base, "eta", "NonFinite", "infinite eta gate") { $0["eta"]!.values[1] = .infinity }
        }
        chunkGateCases(&cases)
        readConventionCases(&cases)
        return cases
    }

    /// `gate_granularity = chunk`: one gate triple per chunk, `⌈T/C⌉` entries per gate input.
    func chunkGateCases(_ cases: inout DraftSet) {
        let perChunk = ["gate_granularity": "chunk"]
        for (i, s) in [(3, 2, 5, 2, 2, "gate_granularity = chunk: T = 5, C = 2, three gates per input (the last for the partial chunk),"
                            + " alpha = 1 in the second chunk"),
                       (2, 3, 3, 8, 2, "gate_granularity = chunk, T < C: one gate per input for the single partial chunk"),
                       (12, 10, 40, 8, 8, "medium: gate_granularity = chunk, T = 40, C = 8, five gates per input")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(3200 + i))
            let (dk, dv, t, c, bits, comment) = s
            let n = TitansMemory.chunkCount(tokens: t, chunk: c)
            let gates: DraftInputs = ["alpha": .cycle(n, [0.25, 1, 0.5, 0, 0.125]), "eta": .cycle(n, [0.5, 0.75, 0, 1, 0.25]),
                                      "theta": .cycle(n, [0.5, 0.25, 1, 0.125, 0.75]), "chunk": .scalar(Double(c))]
            cases.valid("\(3200 + i)", comment, flags: sizeFlags(bits: bits, "ChunkGates"), options: perChunk,
                        scaledMemorySequence(&g, dk: dk, dv: dv, t: t, bits: bits).merging(gates) { $1 })
        }
        // T = 3, C = 2: two chunks, so two gates per input with chunk granularity, three with token granularity.
        var base = drawn(seed: 3250) { memorySequence(&$0, dk: 2, dv: 2, t: 3, bits: 2) }
        base.merge(["alpha": .vector([0.5, 0.25]), "eta": .vector([0.5, 0.75]), "theta": .vector([0.25, 0.5]), "chunk": .scalar(2)]) { $1 }
        cases.refuse("3250a", base, "alpha", "ShapeMismatch", "gate_granularity = chunk with one alpha per token (3 for 2 chunks)",
                     options: perChunk) { $0["alpha"] = .vector([0.5, 0.25, 0.125]) }
        cases.refuse("3250b", base, "theta", "ShapeMismatch", "gate_granularity = chunk with 1 theta for 2 chunks", options: perChunk) {
            $0["theta"] = .vector([0.25])
        }
        let perToken = base.merging(["alpha": .vector([0.5, 0.5, 0.25]), "eta": .vector([0.5, 0.5, 0.75]),
                                     "theta": .vector([0.25, 0.25, 0.5])]) { $1 }
        cases.refuse("3250c", perToken, "eta", "ShapeMismatch", "one eta per chunk (2) without gate_granularity = chunk (3 tokens)") {
            $0["eta"] = .vector([0.5, 0.75])
        }
    }

    /// 2-bit inputs for `T = 2` tokens, `d_k = d_v = 2`, every gate 1/2.
    static func smallInputs(_ g: inout DyadicGenerator, chunk: Double) -> DraftInputs {
        let gates = InputTensor.vector([0.5, 0.5])
        return memorySequence(&g, dk: 2, dv: 2, t: 2, bits: 2)
            .merging(["alpha": gates, "eta": gates, "theta": gates, "chunk": .scalar(chunk)]) { $1 }
    }
}
