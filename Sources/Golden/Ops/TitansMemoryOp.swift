import ExactMath
import NestedLearning

/// `titans_memory.chunked`: the Titans linear memory in chunks of `chunk` tokens (Titans eq.
/// 8–16; claim TITANS-CHUNK): `u_t = (M_{t'} k_t − v_t) k_tᵀ` at the chunk-start state,
/// `S_t = η_t S_{t−1} − θ_t u_t`, `M_t = (1 − α_t) M_{t−1} + S_t`, read `y_t = M_t q_t`.
/// Inputs `M0`, `K`, `V`, `Q`, `alpha`, `eta`, `theta` (T each), `chunk` (integer ≥ 1);
/// outputs `Y` (T×d_v), `M_T`.
public struct TitansMemoryOp: GoldenOp {
    public let name = "titans_memory.chunked"
    public let conventions = ["ReadOrder": "afterWrite", "Orientation": "M is d_v x d_k, write v k^T, read M q",
                              "Loss": "1/2 ||M k - v||^2", "ChunkAnchor": "state before the chunk's first token; partial chunks update"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let (gates, chunk) = try Self.gates(inputs, tokens: k.count)
        let states = TitansMemory.run(initial: m0, keys: k, values: v, gates: gates, chunk: chunk)
        let ys = zip(states, q).map { $0 * $1 }
        return ["Y": OpOutput(rows: ys, width: m0.rows), "M_T": OpOutput(states.last ?? m0)]
    }

    /// The per-token gates `alpha`, `eta`, `theta` (T each) and the chunk size (≥ 1), checked.
    public static func gates<S: Scalar>(_ inputs: OpInputs<S>, tokens t: Int) throws -> (gates: [TitansMemory.Gates], chunk: Int) {
        let alpha = try inputs.vector("alpha", count: t), eta = try inputs.vector("eta", count: t)
        let theta = try inputs.vector("theta", count: t)
        let chunk = try inputs.integer("chunk", minimum: 1)
        let gates = (0..<t).map {
            TitansMemory.Gates(alpha: alpha[$0].roundedDouble, eta: eta[$0].roundedDouble, theta: theta[$0].roundedDouble)
        }
        return (gates, chunk)
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t * (2 * m0.cols + 8) + m0.cols)
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
        return cases
    }

    /// 2-bit inputs for `T = 2` tokens, `d_k = d_v = 2`, every gate 1/2.
    static func smallInputs(_ g: inout DyadicGenerator, chunk: Double) -> DraftInputs {
        let gates = InputTensor.vector([0.5, 0.5])
        return memorySequence(&g, dk: 2, dv: 2, t: 2, bits: 2)
            .merging(["alpha": gates, "eta": gates, "theta": gates, "chunk": .scalar(chunk)]) { $1 }
    }
}
