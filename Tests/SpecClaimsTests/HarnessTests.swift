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
