/// Every claim the suite checks, in the paper's order.
public enum Registry {
    public static let claims: [any Claim] = [
        BpLinearClaim(),
        BpDeepClaim(),
        Mom2levelClaim(),
        LaGdClaim(),
        LaParallelClaim(),
        LaDeltaClaim(),
        LaGatedDeltaClaim(),
        LaKernelFormClaim(),
        MemCapacityClaim(),
        MuonNsGdClaim(),
        OptPrecondMomentumClaim(),
        OptDeltaMomentumClaim(),
        OptAdamMemoryClaim(),
        OptM3Claim(),
        OptDmgdClaim(),
        LaDgdClaim(),
        La2levelClaim(),
        TitansChunkClaim(),
        TitansMlpClaim(),
        SmtDgdClaim(),
        SmtChunkClaim(),
        AttnNwClaim(),
        CmsK1Claim(),
        CmsChunkClaim(),
        CmsLevelsClaim(),
        CmsNestedClaim(),
        HopeClaim(),
        TransformerCms1Claim(),
        NlLevelsClaim(),
    ]

    public static var ids: [String] { claims.map(\.id) }

    /// The claim with this id, case-insensitively.
    public static func claim(_ id: String) -> (any Claim)? {
        claims.first { $0.id.lowercased() == id.lowercased() }
    }
}
