import ExactMath

/// The result of running one claim: every tier it declares, and every mutant.
public struct ClaimReport: Sendable {
    public let claim: any Claim
    public let tiers: [TierReport]
    public let mutants: [MutantReport]

    /// Passes when every tier run passes and every mutant that ran is rejected.
    public var passed: Bool { tiers.allSatisfy(\.passed) && mutants.filter(\.ran).allSatisfy(\.rejected) }

    public struct TierReport: Sendable {
        public let tier: Tier
        public let cases: [CaseEvidence]
        public let seconds: Double
        public var passed: Bool { !cases.isEmpty && cases.allSatisfy(\.passed) }
        public var applicableCases: Int { cases.filter(\.applicable).count }
        public var maxUlp: Double? { cases.compactMap(\.maxUlp).max() }
        public var worstNormwise: Double? { cases.compactMap(\.normwiseError).max() }
        /// Worst `normwiseError / bound` over the cases (float tier).
        public var worstBoundFraction: Double? {
            cases.compactMap { c in c.normwiseError.flatMap { e in c.bound.map { e / $0 } } }.max()
        }
        public var failures: [CaseEvidence] { cases.filter { !$0.passed } }
    }

    public struct MutantReport: Sendable {
        public let mutant: MutantInfo
        /// Per tier: the cases the mutant ran on.
        public let tiers: [TierReport]
        /// Rejected when every tier in which the variant applies to some case has at least one
        /// failing case, and there is at least one such tier. (A variant defined only for, say,
        /// a ridge term that the float tier's cases do not have is judged by the exact tier.)
        public var rejected: Bool {
            let applicable = tiers.filter { $0.applicableCases > 0 }
            return !applicable.isEmpty && applicable.allSatisfy { !$0.failures.isEmpty }
        }
        /// The first case that rejected it.
        public var rejectedBy: CaseEvidence? { tiers.lazy.compactMap { $0.failures.first }.first }
        /// `false` when only some of the claim's tiers were requested and the variant applies to no
        /// case of those (e.g. an exact-only mutant under `--tier float`): it is then neither
        /// rejected nor counted. With every tier requested a variant always counts, so one that
        /// applies nowhere is reported as not rejected.
        public let ran: Bool
    }

    /// Runs `claim` in the requested tiers (those it declares), and its mutants in the same tiers.
    public static func run(_ claim: any Claim, tiers requested: [Tier] = Tier.allCases) -> ClaimReport {
        let tiers = claim.tiers.filter(requested.contains)
        func timed(_ tier: Tier, _ mutant: String?) -> TierReport {
            let start = ContinuousClock.now
            let cases = claim.cases(tier: tier, mutant: mutant)
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            return TierReport(tier: tier, cases: cases, seconds: seconds)
        }
        let tierReports = tiers.map { timed($0, nil) }
        let partial = tiers.count < claim.tiers.count
        let mutantReports = claim.mutants.map { m in
            let reports = tiers.map { timed($0, m.id) }
            return MutantReport(mutant: m, tiers: reports, ran: !partial || reports.contains { $0.applicableCases > 0 })
        }
        return ClaimReport(claim: claim, tiers: tierReports, mutants: mutantReports)
    }
}
