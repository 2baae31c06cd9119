import ExactMath
import Golden
import NestedLearning
import Testing

/// The options of suite 0.9.0 (`Golden/FORMAT.md`, "The options of this version") against the
/// default readings, in exact rationals: what each option changes and what it leaves alone.
@Suite("Golden convention options")
struct ConventionOptionTests {
    /// The valid drafts of `op`.
    static func valid(_ op: String) -> [GoldenSuite.Draft] { GoldenSuite.drafts().filter { $0.op.name == op && $0.valid } }

    static func run(_ draft: GoldenSuite.Draft, options: [String: String]? = nil, inputs: DraftInputs? = nil) throws
        -> [String: OpOutput<Rational>] {
        try draft.op.run(OpInputs<Rational>(tensors: inputs ?? draft.inputs, options: options ?? draft.options))
    }

    @Test("m3.trajectory: slow_update = chunk_end gives the same W as the default on every case; M2_T differs exactly when f divides T")
    func m3SlowUpdateTiming() throws {
        let drafts = Self.valid("m3.trajectory")
        #expect(drafts.contains { $0.options["slow_update"] == "chunk_end" })
        for draft in drafts {
            let start = try Self.run(draft, options: [:]), end = try Self.run(draft, options: ["slow_update": "chunk_end"])
            #expect(start["W"]!.values == end["W"]!.values, "\(draft.comment)")
            #expect(start["M1_T"]!.values == end["M1_T"]!.values && start["V_T"]!.values == end["V_T"]!.values)
            let steps = draft.inputs["G"]!.shape[0], period = Int(draft.inputs["period"]!.values[0])
            // When f divides T, chunk_end has folded in the last chunk (its gradients sum to non-zero here).
            #expect((start["M2_T"]!.values == end["M2_T"]!.values) == (steps % period != 0),
                    "\(draft.comment): T = \(steps), f = \(period)")
        }
    }

    @Test("newton_schulz ops: transpose_tall changes no exact value; a tall X is what it transposes")
    func transposeTallIsExact() throws {
        var tall = 0
        for draft in Self.valid("newton_schulz.step") + Self.valid("newton_schulz.iterate") {
            var flipped = draft.options
            flipped["transpose_tall"] = draft.options["transpose_tall"] == "true" ? "false" : "true"
            #expect(try Self.run(draft).mapValues(\.values) == Self.run(draft, options: flipped).mapValues(\.values), "\(draft.comment)")
            if draft.inputs["X"]!.shape[0] > draft.inputs["X"]!.shape[1] { tall += 1 }
        }
        #expect(tall >= 3)
    }

    @Test("newton_schulz.iterate with steps = 1 is newton_schulz.step, with every option")
    func iterateOnceIsAStep() throws {
        for draft in Self.valid("newton_schulz.step") {
            let once = try NewtonSchulzIterateOp().run(OpInputs<Rational>(tensors: draft.inputs.merging(["steps": .scalar(1)]) { $1 },
                                                                          options: draft.options))
            #expect(once["X_out"]!.values == (try Self.run(draft))["X_next"]!.values, "\(draft.comment)")
        }
    }

    @Test("normalize = frobenius: the exact run divides by ||X||_F + eps; an irrational norm is an error naming X, not a trap")
    func frobeniusNorm() throws {
        let draft = try #require(Self.valid("newton_schulz.iterate").first { $0.inputs["steps"]!.values == [0] })
        let x = draft.inputs["X"]!.values.map { Rational(dyadic: $0) }
        let norm = try #require(x.reduce(Rational(0)) { $0 + $1 * $1 }.exactSquareRoot)
        #expect(try Self.run(draft)["X_out"]!.values == x.map { $0 / norm })
        let irrational: DraftInputs = ["X": InputTensor(shape: [1, 2], values: [1, 1]), "a": .scalar(1.5), "b": .scalar(-0.5),
                                       "c": .scalar(0), "steps": .scalar(1)]
        let error = #expect(throws: GoldenError.self) {
            try NewtonSchulzIterateOp().run(OpInputs<Rational>(tensors: irrational, options: ["normalize": "frobenius"]))
        }
        #expect(error?.field == "X" && error?.message.contains("not the square of a rational") == true)
        _ = try NewtonSchulzIterateOp().run(OpInputs<Double>(tensors: irrational, options: ["normalize": "frobenius"]))
        #expect(try NewtonSchulzIterateOp().boundUnits(OpInputs<Double>(tensors: irrational, options: ["normalize": "frobenius"])) >= 4)
    }

    @Test("gate_granularity = chunk is the default reading with each chunk's gates repeated over its tokens")
    func chunkGates() throws {
        let drafts = Self.valid("titans_memory.chunked") + Self.valid("titans_mlp.chunked")
        #expect(drafts.filter { $0.options["gate_granularity"] == "chunk" }.count >= 5)
        for draft in drafts where draft.options["gate_granularity"] == "chunk" {
            let t = draft.inputs["K"]!.shape[0], c = Int(draft.inputs["chunk"]!.values[0])
            var perToken = draft.inputs
            for gate in [draft.options["gates"] == "log" ? "log_one_minus_alpha" : "alpha", "eta", "theta"] {
                let given = draft.inputs[gate]!.values
                #expect(given.count == TitansMemory.chunkCount(tokens: t, chunk: c))
                perToken[gate] = .vector((0..<t).map { given[$0 / c] })
            }
            var perTokenOptions = draft.options
            perTokenOptions["gate_granularity"] = nil
            let expanded = try Self.run(draft, options: perTokenOptions, inputs: perToken).mapValues(\.values)
            #expect(try Self.run(draft).mapValues(\.values) == expanded,
                    "\(draft.comment)")
        }
    }
}
