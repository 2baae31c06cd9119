import Foundation
import Testing
import SpecClaims

/// The conformance run: every claim passes in every tier it declares, every mutant is rejected.
@Suite("Claims of the paper")
struct ClaimConformanceTests {
    static let ids = Registry.ids
    static let mutantIDs = Registry.claims.flatMap { c in c.mutants.map(\.id) }

    @Test("claim holds exactly (GMP rationals, ==)", arguments: ids)
    func exactTier(id: String) throws {
        let claim = try #require(Registry.claim(id))
        guard claim.tiers.contains(.exact) else { return }
        let cases = claim.cases(tier: .exact, mutant: nil)
        #expect(!cases.isEmpty)
        for c in cases where !c.passed {
            let first = String(describing: c.firstDifference)
            Issue.record("\(id) \(c.label) \(c.quantity): \(c.mismatches) of \(c.count) entries differ; first \(first)")
        }
    }

    @Test("claim holds in Double within its stated error bound", arguments: ids)
    func floatTier(id: String) throws {
        let claim = try #require(Registry.claim(id))
        guard claim.tiers.contains(.float) else { return }
        let cases = claim.cases(tier: .float, mutant: nil)
        #expect(!cases.isEmpty)
        for c in cases {
            #expect(c.passed, "\(id) \(c.label) \(c.quantity): error \(c.normwiseError ?? .nan) > bound \(c.bound ?? .nan)")
            #expect((c.normwiseError ?? .infinity).isFinite)
        }
    }

    @Test("mutant is rejected in every tier where it applies, and applies somewhere", arguments: mutantIDs)
    func mutantRejected(id: String) throws {
        let claimID = String(id.split(separator: "/")[0])
        let claim = try #require(Registry.claim(claimID))
        var applied = false
        for tier in claim.tiers {
            let cases = claim.cases(tier: tier, mutant: id)
            guard cases.contains(where: \.applicable) else { continue }
            applied = true
            #expect(cases.contains { !$0.passed }, "\(id) was not rejected in the \(tier.rawValue) tier")
        }
        #expect(applied, "\(id) applies to no case in any tier")
    }

    @Test("registry: unique ids, mutant ids prefixed by their claim, references present")
    func registry() {
        #expect(Set(Self.ids).count == Self.ids.count)
        #expect(Set(Self.mutantIDs).count == Self.mutantIDs.count)
        for claim in Registry.claims {
            #expect(!claim.mutants.isEmpty, "\(claim.id) has no mutant")
            #expect(claim.mutants.allSatisfy { $0.id.hasPrefix(claim.id + "/") })
            #expect(!claim.references.arxiv.isEmpty)
            #expect(!claim.statement.isEmpty)
        }
        #expect(Registry.claim("la-delta")?.id == "LA-DELTA")
        #expect(Registry.claim("NO-SUCH-CLAIM") == nil)
    }

    @Test("every claim has a Spec page and a Proofs page", arguments: ids)
    func documentation(id: String) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for folder in ["Spec", "Proofs"] {
            let path = root.appendingPathComponent(folder).appendingPathComponent("\(id).md").path
            #expect(FileManager.default.fileExists(atPath: path), "missing \(folder)/\(id).md")
        }
    }

    @Test("the Spec page's worked example is exactly what the code prints", arguments: ids)
    func specExampleMatchesCode(id: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("Spec/\(id).md"), encoding: .utf8)
        let section = try #require(page.range(of: "## Worked example"))
        let open = try #require(page.range(of: "```text\n", range: section.upperBound..<page.endIndex))
        let close = try #require(page.range(of: "\n```", range: open.upperBound..<page.endIndex))
        let block = String(page[open.upperBound..<close.lowerBound])
        #expect(block == (try #require(Registry.claim(id))).workedExample(),
                "Spec/\(id).md worked example drifted from nlspec explain \(id)")
    }

    @Test("worked examples are exact and end in agreement", arguments: ids)
    func workedExample(id: String) throws {
        let text = try #require(Registry.claim(id)).workedExample()
        #expect(!text.contains("NO"), "\(id) worked example reports a disagreement")
        #expect(!text.contains("e-"), "\(id) worked example should print exact fractions")
    }

    @Test("check --json document carries the documented fields")
    func jsonDocument() throws {
        let report = ClaimReport.run(try #require(Registry.claim("LA-DELTA")), tiers: [.exact])
        let text = try CheckDocument(reports: [report]).encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["claims"] as? Int == 1)
        #expect(summary["mutantsTotal"] as? Int == 2)
        #expect(summary["mutantsRejected"] as? Int == 2)
        let claims = try #require(object["claims"] as? [[String: Any]])
        let tiers = try #require(claims.first?["tiers"] as? [String: Any])
        let exact = try #require(tiers["exact"] as? [String: Any])
        #expect(exact["status"] as? String == "pass")
        #expect((claims.first?["refs"] as? [String: Any])?["arxiv"] as? [String] == ["65"])
    }
}

@Suite("Errata")
struct ErrataTests {
    @Test("Spec/ERRATA.md is generated from the mutants that are formulas as printed, and each is rejected exactly")
    func errataPage() throws {
        let entries = Errata.entries()
        #expect(!entries.isEmpty)
        for e in entries { #expect(e.smallestRejection != nil, "\(e.mutant.id) is not rejected in the exact tier") }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("Spec/ERRATA.md"), encoding: .utf8)
        #expect(page == Errata.markdown(entries), "Spec/ERRATA.md is out of date: run swift run -c release nlspec errata --write-page")
    }
}
