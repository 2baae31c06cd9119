import ExactMath
import Golden
import NestedLearning
import Testing

/// The 0.7.0 ops against each other and against bad input, in exact rationals.
@Suite("Optimizer, CMS and Hope golden ops")
struct LaterOpsTests {
    typealias Tensors = [String: (shape: [Int], values: [Double])]

    static func perfectSquareGradients(seed: UInt64, steps: Int, rows: Int, cols: Int) -> (shape: [Int], values: [Double]) {
        var g = DyadicGenerator(seed: seed)
        let columns = (0..<(rows * cols)).map { i in
            g.perfectSquarePrefixes(first: Rational(i % 2 == 0 ? 3 : -5, 8), steps: steps, ratios: DyadicGenerator.dyadicRatios)
        }
        return ([steps, rows, cols], (0..<steps).flatMap { t in columns.map { $0[t].roundedDouble } })
    }

    @Test("M3 with alpha = 0, NS = identity and beta2 = 1 is the Adam memory's trajectory (Algorithm 1's degenerate case)")
    func m3DegeneratesToAdamMemory() throws {
        let g = Self.perfectSquareGradients(seed: 3, steps: 5, rows: 2, cols: 3)
        let w0: (shape: [Int], values: [Double]) = ([2, 3], [0.5, -0.25, 1, 0, 0.75, -1])
        let adam = try AdamMemoryOp().run(OpInputs<Rational>(tensors: ["W0": w0, "G": g, "beta1": ([], [0.5]), "beta2": ([], [1]),
                                                                        "eta": ([], [0.125]), "epsilon": ([], [0.25])]))
        let m3 = try M3Op().run(OpInputs<Rational>(tensors: ["W0": w0, "G": g, "eta": ([], [0.125]), "beta1": ([], [0.5]),
                                                               "beta2": ([], [1]), "beta3": ([], [0.75]), "alpha": ([], [0]),
                                                               "epsilon": ([], [0.25]), "period": ([], [2]), "ns_steps": ([], [0])]))
        #expect(m3["W"]!.values == adam["W"]!.values)
        #expect(m3["V_T"]!.values == adam["H_T"]!.values)
        // With alpha != 0 the slow momentum moves the weights from t = 3 on.
        let slow = try M3Op().run(OpInputs<Rational>(tensors: ["W0": w0, "G": g, "eta": ([], [0.125]), "beta1": ([], [0.5]),
                                                                 "beta2": ([], [1]), "beta3": ([], [0.75]), "alpha": ([], [1]),
                                                                 "epsilon": ([], [0.25]), "period": ([], [2]), "ns_steps": ([], [0])]))
        #expect(Array(slow["W"]!.values.prefix(12)) == Array(adam["W"]!.values.prefix(12)))
        #expect(Array(slow["W"]!.values[12..<18]) != Array(adam["W"]!.values[12..<18]))
    }

    @Test("a second moment without a rational square root is an error naming G, not a trap")
    func nonSquareSecondMoment() throws {
        let inputs: Tensors = ["W0": ([1, 2], [0, 0]), "G": ([2, 1, 2], [0.5, 1, 0.25, 1]), "beta1": ([], [1]), "beta2": ([], [1]),
                               "eta": ([], [0.5]), "epsilon": ([], [0])]
        let error = #expect(throws: GoldenError.self) { try AdamMemoryOp().run(OpInputs<Rational>(tensors: inputs)) }
        #expect(error?.field == "G")
        #expect(error?.description.contains("step 2") == true)
        // binary64 takes the rounded root: the same inputs are valid there.
        _ = try AdamMemoryOp().run(OpInputs<Double>(tensors: inputs))
    }

    @Test("hope.forward is self_modifying_titans.chunked with C = 1 followed by cms.sequential on its reads")
    func hopeComposes() throws {
        var g = DyadicGenerator(seed: 9)
        var titans: Tensors = SelfModifyingTitansOp.draftInputs(&g, d: 2, t: 3, chunk: 1, dot: false).mapValues { ($0.shape, $0.values) }
        let cms: Tensors = ["R": ([3, 2], [0.5, -0.25, 0, 1, -0.75, 0.25]),
                            "W1": ([2, 2, 2], [0.25, -0.5, 0.5, 0.25, -0.25, 0.75, 0.5, 0]),
                            "W2": ([2, 2, 2], [0.5, 0.25, -0.25, 0.5, 0.75, 0, 0.25, -0.5]),
                            "periods": ([2], [1, 2]), "eta": ([2], [0.25, 0.5])]
        titans["chunk"] = ([], [1])
        let reads = try SelfModifyingTitansOp().run(OpInputs<Rational>(tensors: titans))["Y"]!
        titans["chunk"] = nil
        let hope = try HopeOp().run(OpInputs<Rational>(tensors: titans.merging(cms) { a, _ in a }))
        // The reads are long rationals (not doubles): run the CMS of the op's inputs on them directly.
        let (system, _) = try CMSOp.system(OpInputs<Rational>(tensors: cms), variant: .sequential)
        let rows = stride(from: 0, to: reads.values.count, by: 2).map { Vector(Array(reads.values[$0..<($0 + 2)])) }
        let targets = stride(from: 0, to: 6, by: 2).map {
            Vector([Rational(dyadic: cms["R"]!.values[$0]), Rational(dyadic: cms["R"]!.values[$0 + 1])])
        }
        let alone = system.run(inputs: rows, losses: targets.map { .squaredError(target: $0) })
        let sameReads = hope["O"]!.values == reads.values
        let sameOutputs = hope["Y"]!.values == alone.outputs.flatMap(\.elements)
        let sameLevels = hope["W1_T"]!.values == alone.final.flatMap(\.w1.elements)
            && hope["W2_T"]!.values == alone.final.flatMap(\.w2.elements)
        #expect(sameReads && sameOutputs && sameLevels)
        #expect(hope["updates"]!.values == [1, 1, 2, 1, 2, 2, 3, 1].map { Rational($0) })
    }

    @Test("one independent level with weight 1 is one sequential level")
    func singleLevelVariantsAgree() throws {
        let inputs: Tensors = ["X": ([3, 2], [0.5, 1, -0.25, 0.75, 1, 0]), "R": ([3, 2], [0, 0.5, 0.25, -0.5, 1, 0.25]),
                               "W1": ([1, 2, 2], [0.25, -0.5, 0.5, 0.25]), "W2": ([1, 2, 2], [0.5, 0.25, -0.25, 0.5]),
                               "periods": ([1], [2]), "eta": ([1], [0.5])]
        let seq = try CMSOp(.sequential).run(OpInputs<Rational>(tensors: inputs))
        let ind = try CMSOp(.independent).run(OpInputs<Rational>(tensors: inputs.merging(["weights": ([1], [1])]) { a, _ in a }))
        for name in ["Y", "updates", "W1_T", "W2_T"] { #expect(seq[name]!.values == ind[name]!.values, "\(name)") }
        #expect(seq["updates"]!.values == [Rational(2), Rational(1)])
    }
}
