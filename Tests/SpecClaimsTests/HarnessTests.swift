import Testing
import ExactMath
import NestedLearning
import SpecClaims

/// A claim whose two sides disagree, and whose mutant is indistinguishable from it: the harness
/// must report both, or a check that cannot fail would go unnoticed.
private struct DeliberatelyBrokenClaim: Claim {
    let id = "TEST-BROKEN"
    let statement = "1 = 2"
    let references = PaperReference(arxiv: ["0"], neurips: [])
    let conventions: [Convention] = []
    let symbolic = SymbolicStatus.notProvable("a test claim")

    enum Mutant: String, ClaimMutant {
        case same
        var summary: String { "identical to the claim" }
    }

    func exactCases(_ mutant: Mutant?) -> [CaseEvidence] {
        [.exact("case", "x", expected: [Rational(1), Rational(5)], actual: [Rational(1), Rational(2)])]
    }
    func floatCases(_ mutant: Mutant?) -> [CaseEvidence] {
        [.float("case", "x", exact: [Rational(1, 3)], computed: [0.25], bound: 1e-15)]
    }
    func workedExample() -> String { "" }
}

/// A claim that holds and whose mutant is caught only in the exact tier.
private struct HalfCaughtClaim: Claim {
    let id = "TEST-HALF"
    let statement = "1/3 = 1/3"
    let references = PaperReference(arxiv: ["0"], neurips: [])
    let conventions: [Convention] = []
    let symbolic = SymbolicStatus.notProvable("a test claim")

    enum Mutant: String, ClaimMutant {
        case m
        var summary: String { "caught in exact only" }
    }

    func exactCases(_ mutant: Mutant?) -> [CaseEvidence] {
        [.exact("case", "x", expected: [Rational(1, 3)], actual: [mutant == nil ? Rational(1, 3) : Rational(1, 2)])]
    }
    func floatCases(_ mutant: Mutant?) -> [CaseEvidence] {
        [.float("case", "x", exact: [Rational(1, 3)], computed: [1.0 / 3.0], bound: 1e-15)]
    }
    func workedExample() -> String { "" }
}

/// A claim with two mutants: one defined only in the exact tier's cases, one defined nowhere.
private struct TierScopedClaim: Claim {
    let id = "TEST-SCOPED"
    let statement = "1/3 = 1/3"
    let references = PaperReference(arxiv: ["0"], neurips: [])
    let conventions: [Convention] = []
    let symbolic = SymbolicStatus.notProvable("a test claim")

    enum Mutant: String, ClaimMutant {
        case exactOnly = "exact-only"
        case nowhere

        var summary: String {
            switch self {
            case .exactOnly: "defined only where the exact tier has cases"
            case .nowhere: "defined on no case"
            }
        }
    }

    func exactCases(_ mutant: Mutant?) -> [CaseEvidence] {
        if mutant == .nowhere { return [.notApplicable("case", "x", tier: .exact)] }
        return [.exact("case", "x", expected: [Rational(1, 3)], actual: [mutant == nil ? Rational(1, 3) : Rational(1, 2)])]
    }
    func floatCases(_ mutant: Mutant?) -> [CaseEvidence] {
        if mutant != nil { return [.notApplicable("case", "x", tier: .float)] }
        return [.float("case", "x", exact: [Rational(1, 3)], computed: [1.0 / 3.0], bound: 1e-15)]
    }
    func workedExample() -> String { "" }
}

@Suite("The claim harness can fail")
struct HarnessTests {
    @Test("a claim whose sides differ fails, with the first difference as evidence")
    func failingClaim() throws {
        let report = ClaimReport.run(DeliberatelyBrokenClaim())
        #expect(!report.passed)
        let exact = try #require(report.tiers.first { $0.tier == .exact })
        #expect(!exact.passed)
        let failure = try #require(exact.failures.first)
        #expect(failure.mismatches == 1)
        #expect(failure.firstDifference?.index == 1)
        #expect(failure.firstDifference?.expected == "5")
        #expect(failure.firstDifference?.actual == "2")
        #expect(failure.firstDifference?.difference == "-3")
        let float = try #require(report.tiers.first { $0.tier == .float })
        #expect(!float.passed)
        #expect(float.worstNormwise == 0.25)
    }

    @Test("a failing claim is counted as failed in the summary, so the command exits non-zero")
    func failingClaimCounted() {
        let report = ClaimReport.run(DeliberatelyBrokenClaim())
        // Its cases fail, but they fail for the claim too; what matters is that the summary
        // counts a failing claim, so the command exits non-zero.
        let doc = CheckDocument(reports: [report])
        #expect(doc.summary.failed == 1)
        #expect(doc.summary.passed == 0)
    }

    @Test("a mutant caught in one tier but not another is not counted as rejected")
    func mutantMustFailEveryTier() {
        let report = ClaimReport.run(HalfCaughtClaim())
        #expect(report.tiers.allSatisfy { $0.passed })
        #expect(report.mutants.count == 1)
        #expect(report.mutants[0].rejected == false)
        #expect(!report.passed)
        let doc = CheckDocument(reports: [report])
        #expect(doc.summary.mutantsRejected == 0 && doc.summary.mutantsTotal == 1)
        #expect(ClaimReport.run(HalfCaughtClaim(), tiers: [.exact]).mutants[0].rejected)
    }

    @Test("a mutant is judged by the tiers where it applies, and one that applies nowhere is not rejected")
    func mutantJudgedWhereItApplies() {
        let report = ClaimReport.run(TierScopedClaim())
        #expect(report.mutants[0].rejected)
        #expect(report.mutants[0].rejectedBy?.tier == .exact)
        #expect(report.mutants[1].rejected == false)
        #expect(!report.passed)
    }

    @Test("with only some tiers requested, a mutant that applies to none of their cases is not run and not counted")
    func mutantNotRunInRequestedTiers() {
        let report = ClaimReport.run(TierScopedClaim(), tiers: [.float])
        #expect(report.mutants.allSatisfy { !$0.ran })
        #expect(report.passed)
        let doc = CheckDocument(reports: [report])
        #expect(doc.summary.mutantsTotal == 0 && doc.summary.failed == 0)
        // With every tier requested, the mutant that applies nowhere still counts, as not rejected.
        let full = ClaimReport.run(TierScopedClaim())
        #expect(full.mutants.allSatisfy { $0.ran })
        #expect(!full.passed)
    }
}

/// A claim with two views, `x² + x` written two ways, whose tiers the harness derives; its mutant
/// adds 1, and is defined only for positive inputs.
private struct DerivedClaim: ViewClaim {
    let id = "TEST-DERIVED"
    let statement = "x^2 + x = x(x + 1)"
    let references = PaperReference(arxiv: ["0"], neurips: [])
    let conventions: [Convention] = []
    let symbolic = SymbolicStatus.sizes("x a variable")

    enum Mutant: String, ClaimMutant {
        case plusOne = "plus-one"
        var summary: String { "x(x + 1) + 1" }
    }

    struct Input: ClaimInput {
        let label: String
        let x: Double
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        switch domain {
        case .exact: [Input(label: "x=-1/2", x: -0.5), Input(label: "x=3/4", x: 0.75)]
        case .float: [Input(label: "x=1/3", x: 1.0 / 3.0)]
        case .symbolic: [Input(label: "x", x: 0, variables: ["x"])]
        }
    }

    func optimization<S: Scalar>(_ input: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let x = s.scalar(input.x, "x")
        return [.compared("x^2 + x", [x * x + x])]
    }

    func architecture<S: Scalar>(_ input: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let x = s.scalar(input.x, "x")
        if mutant == .plusOne && s.domain != .symbolic && input.x < 0 { return nil }
        return [.compared("x(x + 1)", [x * (x + S(1)) + (mutant == nil ? S(0) : S(1))], chain: 3)]
    }

    func workedExample() -> String { "" }
}

@Suite("Tiers derived from two views")
struct DerivedTierTests {
    @Test("the exact, float and symbolic tiers come from the views, and the mutant is rejected in each where it applies")
    func derived() {
        let report = ClaimReport.run(DerivedClaim())
        #expect(report.passed)
        #expect(report.tiers.map(\.applicableCases) == [2, 1])
        let exact = report.tiers.first { $0.tier == .exact }, float = report.tiers.first { $0.tier == .float }
        #expect(exact?.cases.first?.quantity == "x^2 + x", "the optimization view names the comparison")
        #expect(float?.cases.first?.quantity == "x(x + 1)", "the architecture view names the measurement")
        let mutant = report.mutants[0]
        #expect(mutant.mutant.id == "TEST-DERIVED/plus-one" && mutant.rejected)
        #expect(mutant.tiers.first { $0.tier == .exact }?.applicableCases == 1, "not defined for x < 0")
        let proof = SymbolicProver.prove(DerivedClaim())
        #expect(proof.status == .proven && proof.mutants.allSatisfy(\.rejected))
        #expect(proof.mutants.first?.witness?.firstDifference?.text == "1")
    }
}
