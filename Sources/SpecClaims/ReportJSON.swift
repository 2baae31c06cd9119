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
        /// Why the claim could not be run to the end (it trapped, or broke its time or memory
        /// budget); absent when it ran.
        public let error: String?
    }
    public struct Summary: Codable, Sendable {
        public let claims: Int
        public let passed: Int
        public let failed: Int
        public let mutantsRejected: Int
        public let mutantsTotal: Int
    }
    public struct PreflightEntry: Codable, Sendable {
        public let name: String
        public let passed: Bool
        public let detail: String?
        public init(name: String, passed: Bool, detail: String?) { self.name = name; self.passed = passed; self.detail = detail }
    }
    public let claims: [ClaimEntry]
    public let summary: Summary
    /// The ``Preflight`` checks run before the claims (absent when none ran).
    public var preflight: [PreflightEntry]?

    public init(reports: [ClaimReport]) {
        func failure(_ c: CaseEvidence) -> FailureEntry {
            FailureEntry(label: c.label, quantity: c.quantity, index: c.firstDifference?.index,
                         expected: c.firstDifference?.expected, actual: c.firstDifference?.actual,
                         difference: c.firstDifference?.difference, normwiseError: c.normwiseError, bound: c.bound)
        }
        let entries = reports.map { r -> ClaimEntry in
            var tiers: [String: TierEntry] = [:]
            for t in r.tiers {
                tiers[t.tier.rawValue] = TierEntry(status: t.passed ? "pass" : "fail", cases: t.applicableCases,
                                                   maxUlp: t.maxUlp, worstNormwiseError: t.worstNormwise,
                                                   worstBoundFraction: t.worstBoundFraction, seconds: t.seconds,
                                                   failures: t.failures.prefix(5).map(failure))
            }
            return ClaimEntry(id: r.claim.id, statement: r.claim.statement, refs: r.claim.references,
                              conventions: r.claim.conventionNames, status: r.passed ? "pass" : "fail", tiers: tiers,
                              mutants: r.mutants.map { m in
                                  MutantEntry(id: m.mutant.id, summary: m.mutant.summary, rejected: m.rejected,
                                              rejectedBy: m.rejectedBy.map(failure), ran: m.ran)
                              }, error: nil)
        }
        self.init(entries: entries)
    }

    /// The document of claims run elsewhere (each in its own process).
    public init(entries: [ClaimEntry]) {
        claims = entries
        let allMutants = entries.flatMap(\.mutants).filter(\.ran)
        summary = Summary(claims: entries.count, passed: entries.filter { $0.status == "pass" }.count,
                          failed: entries.filter { $0.status != "pass" }.count,
                          mutantsRejected: allMutants.filter(\.rejected).count, mutantsTotal: allMutants.count)
    }

    /// The entry of a claim that could not run to the end: failed, every mutant counted and not
    /// rejected, so a broken claim never shrinks the totals.
    public static func broken(_ claim: any Claim, reason: String) -> ClaimEntry {
        ClaimEntry(id: claim.id, statement: claim.statement, refs: claim.references, conventions: claim.conventionNames,
                   status: "fail", tiers: [:],
                   mutants: claim.mutants.map { MutantEntry(id: $0.id, summary: $0.summary, rejected: false, rejectedBy: nil, ran: true) },
                   error: reason)
    }

    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        // A mutant's error can be infinite (a non-finite result): written as a string, not a failure.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity",
                                                                      nan: "NaN")
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
