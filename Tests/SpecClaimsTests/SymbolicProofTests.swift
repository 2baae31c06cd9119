import ExactMath
import Foundation
import SpecClaims
import Testing

@Suite("Symbolic proofs")
struct SymbolicProofTests {
    static let symbolicIDs = Registry.claims.filter { $0.symbolicSizes != nil }.map(\.id)

    @Test("every claim is either run on symbols at stated sizes or declared not provable with a reason")
    func everyClaimHasAStatus() {
        for claim in Registry.claims {
            switch claim.symbolic {
            case .sizes(let sizes): #expect(!sizes.isEmpty, "\(claim.id) runs on symbols without stating the sizes")
            case .notProvable(let reason): #expect(!reason.isEmpty, "\(claim.id) is declared not provable without a reason")
            }
        }
    }

    @Test("the claim is proven on symbols, every mutant leaves a non-zero difference, and Proofs/<ID>.md shows exactly that",
          arguments: symbolicIDs)
    func provenAndDocumented(id: String) throws {
        let claim = try #require(Registry.claim(id))
        let report = SymbolicProver.prove(claim)
        #expect(report.status == .proven, "\(id): \(report.cases.filter { !$0.proven }.map { "\($0.label) \($0.quantity)" })")
        for m in report.mutants { #expect(m.rejected, "\(m.mutant.id) leaves no non-zero difference on symbols") }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("Proofs/\(id).md"), encoding: .utf8)
        let section = try #require(ProofPage.generatedSection(of: page), "Proofs/\(id).md has no machine-checked section")
        #expect(section == SymbolicProver.markdown(report, statement: claim.statement),
                "Proofs/\(id).md is out of date: run swift run -c release nlspec prove \(id) --write-pages")
    }

    @Test("a difference is printed by its leading terms, and a table cell escapes pipes")
    func differenceText() {
        let x = RationalFunction.variable("x"), y = RationalFunction.variable("y")
        let e = SymbolicEvidence.compare("case", "q", expected: [x * x, y], actual: [x * x + x * y - RationalFunction(2), y])
        #expect(e.nonZero == 1 && !e.proven)
        #expect(e.firstDifference?.index == 0 && e.firstDifference?.terms == 2)
        #expect(e.firstDifference?.text == "x*y - 2")
        let same = SymbolicEvidence.compare("case", "q", expected: [x / (x + y)], actual: [(x * x) / (x * x + x * y)])
        #expect(same.proven, "equal rational functions in different forms compare equal by cross multiplication")
        let longer = SymbolicEvidence.compare("case", "events", expected: [x], actual: [x, y, y])
        #expect(!longer.proven && longer.firstDifference?.index == 1, "a different number of entries is a difference, not a trap")
        #expect(longer.firstDifference?.text == "3 entries where the other view has 1")
    }

    @Test("replacing a page's generated section keeps the hand-written part")
    func pageReplacement() {
        let page = "# Proof\n\nBy hand.\n\n## Machine-checked statement\n\nold\n"
        let updated = ProofPage.replacing("## Machine-checked statement\n\nnew", in: page)
        #expect(updated == "# Proof\n\nBy hand.\n\n## Machine-checked statement\n\nnew\n")
        #expect(ProofPage.generatedSection(of: updated) == "## Machine-checked statement\n\nnew")
        #expect(ProofPage.generatedSection(of: "# Proof\n") == nil)
    }
}
