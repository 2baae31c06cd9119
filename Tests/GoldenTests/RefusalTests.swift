import BallArithmetic
import ExactMath
import Testing
@testable import Golden

/// The invalid cases are refused for the reason they state, and only for it.
@Suite("Golden refusal cases")
struct RefusalTests {
    /// The op in its exact tier: rationals, or balls for an op whose values are not rational.
    static func runExactTier(_ op: any GoldenOp, _ inputs: DraftInputs, _ options: [String: String]) throws {
        if let enclosed = op as? any EnclosedOp {
            _ = try enclosed.evaluate(OpInputs<Ball>(tensors: inputs, options: options))
        } else {
            _ = try op.run(OpInputs<Rational>(tensors: inputs, options: options))
        }
    }

    @Test("each refusal case changes one input of valid inputs, and both tiers refuse it naming that input")
    func refusedForTheirReason() throws {
        let refusals = GoldenSuite.refusals()
        #expect(!refusals.isEmpty)
        for r in refusals {
            let op = r.draft.op, label = "\(op.name): \(r.draft.comment)"
            #expect(!r.draft.valid, "\(label)")
            let options = r.draft.options
            _ = try op.run(OpInputs<Double>(tensors: r.base, options: options))
            try Self.runExactTier(op, r.base, options)
            let changed = Set(r.base.keys).union(r.draft.inputs.keys).filter { key in
                guard let a = r.base[key], let b = r.draft.inputs[key] else { return true }
                return a.shape != b.shape || a.values.count != b.values.count
                    || zip(a.values, b.values).contains { $0.bitPattern != $1.bitPattern }
            }
            // A zero denominator is reported on the gradients G whichever input made it zero.
            #expect(!changed.isEmpty && (changed.contains(r.field) || r.draft.flags == ["ZeroDenominator"] && r.field == "G"),
                    "\(label): the named input \(r.field) is unchanged")
            for tier in ["Double", "Rational"] {
                do {
                    if tier == "Double" {
                        _ = try op.run(OpInputs<Double>(tensors: r.draft.inputs, options: options))
                    } else {
                        try Self.runExactTier(op, r.draft.inputs, options)
                    }
                    Issue.record("\(label): accepted in \(tier)")
                } catch let e as GoldenError {
                    #expect(e.field == r.field, "\(label): \(tier) refused for \(e.field ?? "nil"): \(e.message)")
                }
            }
        }
    }

    @Test("every invalid case of the suite is refused in exact rationals too")
    func everyInvalidDraftRefusedExactly() {
        for draft in GoldenSuite.drafts() where !draft.valid {
            #expect(throws: GoldenError.self, "\(draft.op.name): \(draft.comment)") {
                try draft.op.run(OpInputs<Rational>(tensors: draft.inputs, options: draft.options))
            }
        }
    }

    @Test("every op has an invalid case with a wrong shape and one with a non-finite input")
    func everyOpHasShapeAndNonFiniteCases() {
        let drafts = GoldenSuite.drafts().filter { !$0.valid }
        for op in GoldenSuite.ops {
            let flags = Set(drafts.filter { $0.op.name == op.name }.flatMap(\.flags))
            #expect(flags.contains("NonFinite"), "\(op.name) has no NonFinite case")
            #expect(flags.contains("ShapeMismatch"), "\(op.name) has no ShapeMismatch case")
        }
    }
}
