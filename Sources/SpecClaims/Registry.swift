/// Every claim the suite checks, in the paper's order.
public enum Registry {
    public static let claims: [any Claim] = [
        BackpropLinearClaim(),
        BackpropDeepClaim(),
        Momentum2LevelClaim(),
        LinearAttentionGDClaim(),
        LinearAttentionParallelClaim(),
        DeltaRuleClaim(),
        GatedDeltaRuleClaim(),
        MemoryCapacityClaim(),
        NewtonSchulzGDClaim(),
        PreconditionedMomentumClaim(),
        DeltaMomentumClaim(),
        AdamMemoryClaim(),
        M3Claim(),
        DeepMomentumClaim(),
        DGDClaim(),
        LinearAttention2LevelClaim(),
        TitansChunkClaim(),
        TitansMLPClaim(),
        SelfModifyingDGDClaim(),
        SelfModifyingChunkClaim(),
        AttentionNadarayaWatsonClaim(),
        CMSK1Claim(),
        CMSChunkClaim(),
        CMSLevelsClaim(),
        CMSNestedClaim(),
        HopeClaim(),
        TransformerCMS1Claim(),
        LevelsClaim(),
    ]

    public static var ids: [String] { claims.map(\.id) }

    /// The claim with this id, case-insensitively.
    public static func claim(_ id: String) -> (any Claim)? {
        claims.first { $0.id.lowercased() == id.lowercased() }
    }
}
