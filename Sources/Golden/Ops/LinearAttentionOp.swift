import ExactMath
import NestedLearning

/// `linear_attention.recurrent`: `M_t = M_{t−1} + v_t k_tᵀ`, `y_t = M_t q_t` (arXiv eq. 14–16).
/// Inputs `M0` (d_v×d_k), `K` (T×d_k), `V` (T×d_v), `Q` (T×d_k), optional `scale`; outputs
/// `Y` (T×d_v), `M_T`. Options: `read_order`; `scale` reads `y_t = M_t (s q_t)`.
public struct LinearAttentionOp: GoldenOp {
    public let name = "linear_attention.recurrent"
    public let conventions = ["ReadOrder": "afterWrite", "Orientation": "M is d_v x d_k, write v k^T, read M q"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let (m0, k, v, q) = try inputs.memorySequence()
        let trace = LinearAttention.recurrent(keys: k, values: v, queries: try inputs.scaledQueries(q), initial: m0,
                                              readOrder: try inputs.readOrder(of: signature))
        return ["Y": OpOutput(rows: trace.outputs, width: m0.rows), "M_T": OpOutput(trace.finalState)]
    }

    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m0 = try inputs.matrix("M0"), t = try inputs.matrix("K").rows
        return 4 * Double(t + m0.cols + 2) + inputs.conventionBoundUnits()
    }
}

extension LinearAttentionOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 2, 4, 2, "d_k != d_v, M0 = 0"), (2, 3, 3, 2, "non-zero M0, d_v > d_k"), (2, 2, 1, 2, "T = 1"),
                       (16, 16, 256, 30, "long sequence, 30-bit inputs"), (48, 32, 32, 30, "wide state, 30-bit inputs")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(100 + i))
            let (dk, dv, t, bits, comment) = s
            var inputs = memorySequence(&g, dk: dk, dv: dv, t: t, bits: bits)
            if i == 0 { inputs["M0"]!.values = inputs["M0"]!.values.map { _ in 0 } }
            cases.valid("\(100 + i)", comment, flags: sizeFlags(bits: bits), inputs)
        }
        do {
            var g = DyadicGenerator(seed: 190)
            cases.invalid("190a", "V has 3 rows, K has 4", flag: "ShapeMismatch",
                          ["M0": .matrix(&g, 2, 3, bits: 2), "K": .matrix(&g, 4, 3, bits: 2), "V": .matrix(&g, 3, 2, bits: 2),
                           "Q": .matrix(&g, 4, 3, bits: 2)])
            var k = InputTensor.matrix(&g, 4, 3, bits: 2)
            k.values[5] = .nan
            cases.invalid("190b", "NaN in K", flag: "NonFinite",
                          ["M0": .matrix(&g, 2, 3, bits: 2), "K": k, "V": .matrix(&g, 4, 2, bits: 2), "Q": .matrix(&g, 4, 3, bits: 2)])
        }
        cases.valid("1100", "long sequence: T = 1024, d = 8", flags: ["Medium", "Dyadic"],
                    drawn(seed: 1100) { memorySequence(&$0, dk: 8, dv: 8, t: 1024, bits: 12) })
        cases.valid("1200", "wide dynamic range: entries from 2^-22 to 2^23", flags: ["Small", "Dyadic", "WideRange"],
                    drawn(seed: 1200, Self.wideRangeInputs))
        cases.valid("1300", "long sequence: T = 256, d_k = d_v = 32", flags: ["Medium", "Dyadic"],
                    drawn(seed: 1300) { memorySequence(&$0, dk: 32, dv: 32, t: 256, bits: 8) })
        cases.valid("capacity", "repeated unit key: Hebbian writes add (y_2 = v_1 + v_2)", flags: ["Small", "Dyadic"],
                    Self.capacityInputs)
        readConventionCases(&cases)
        return cases
    }

    /// Wide dynamic range, 2^-20 … 2^20 within one tensor (the first case from seed 1200; the
    /// delta rule's case with that seed draws after it).
    static func wideRangeInputs(_ g: inout DyadicGenerator) -> DraftInputs {
        ["M0": .wide(&g, 3, 4), "K": .wide(&g, 8, 4), "V": .wide(&g, 8, 3), "Q": .wide(&g, 8, 4)]
    }

    /// Capacity (claim MEM-CAPACITY): one unit key written twice with different values.
    static let capacityInputs: DraftInputs = ["M0": InputTensor(shape: [2, 2], values: [0, 0, 0, 0]),
                                              "K": InputTensor(shape: [2, 2], values: [1, 0, 1, 0]),
                                              "V": InputTensor(shape: [2, 2], values: [0.5, -0.25, 0.75, 1]),
                                              "Q": InputTensor(shape: [2, 2], values: [1, 0, 1, 0])]
}
