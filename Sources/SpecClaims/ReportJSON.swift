import Foundation

/// The machine-readable form of `nlspec check --json`.
public struct CheckDocument: Codable, Sendable {
    public struct TierEntry: Codable, Sendable {
        public let status: String
        public let cases: Int
        public let maxUlp: Double?
        public let worstNormwiseError: Double?
        public let worstBoundFraction: Double?
        public let seconds: Double
        public let failures: [FailureEntry]
    }
    public struct FailureEntry: Codable, Sendable {
        public let label: String
        public let quantity: String
        public let index: Int?
        public let expected: String?
        public let actual: String?
        public let difference: String?
        public let normwiseError: Double?
        public let bound: Double?
    }
    public struct MutantEntry: Codable, Sendable {
        public let id: String
        public let summary: String
        public let rejected: Bool
        public let rejectedBy: FailureEntry?
        /// `false` when the variant applies to no case of the tiers requested (not counted).
        public let ran: Bool
    }
    public struct ClaimEntry: Codable, Sendable {
        public let id: String
        public let statement: String
        public let refs: PaperReference
        public let conventions: [String]
        public let status: String
        public let tiers: [String: TierEntry]
        public let mutants: [MutantEntry]
    }
    public struct Summary: Codable, Sendable {
        public let claims: Int
        public let passed: Int
        public let failed: Int
        public let mutantsRejected: Int
        public let mutantsTotal: Int
    }
    public let claims: [ClaimEntry]
    public let summary: Summary

    public init(reports: [ClaimReport]) {
        func failure(_ c: CaseEvidence) -> FailureEntry {
            FailureEntry(label: c.label, quantity: c.quantity, index: c.firstDifference?.index,
                         expected: c.firstDifference?.expected, actual: c.firstDifference?.actual,
                         difference: c.firstDifference?.difference, normwiseError: c.normwiseError, bound: c.bound)
        }
        claims = reports.map { r in
            var tiers: [String: TierEntry] = [:]
            for t in r.tiers {
                tiers[t.tier.rawValue] = TierEntry(status: t.passed ? "pass" : "fail", cases: t.applicableCases,
                                                   maxUlp: t.maxUlp, worstNormwiseError: t.worstNormwise,
                                                   worstBoundFraction: t.worstBoundFraction, seconds: t.seconds,
                                                   failures: t.failures.prefix(5).map(failure))
            }
            return ClaimEntry(id: r.claim.id, statement: r.claim.statement, refs: r.claim.references,
                              conventions: r.claim.conventions, status: r.passed ? "pass" : "fail", tiers: tiers,
                              mutants: r.mutants.map { m in
                                  MutantEntry(id: m.mutant.id, summary: m.mutant.summary, rejected: m.rejected,
                                              rejectedBy: m.rejectedBy.map(failure), ran: m.ran)
                              })
        }
        let allMutants = reports.flatMap(\.mutants).filter(\.ran)
        summary = Summary(claims: reports.count, passed: reports.filter(\.passed).count,
                          failed: reports.filter { !$0.passed }.count,
                          mutantsRejected: allMutants.filter(\.rejected).count, mutantsTotal: allMutants.count)
    }

    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
