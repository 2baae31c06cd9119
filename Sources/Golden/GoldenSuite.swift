/// The golden suite: which ops it covers, and the order of their cases, which fixes the tcIds.
/// Each op makes its own cases (``GoldenOp/drafts()``, in its file under `Ops/`).
public enum GoldenSuite {
    public static let schema = "nl-golden/1"
    public static let suiteVersion = "0.11.0"
    public static let generatorVersion = "0.1.0"

    public static let ops: [any GoldenOp] = [LinearAttentionOp(), DeltaRuleOp(), DGDStepOp(), CMSLevelOp(),
                                            LinearGDStepOp(), MLPGradientsOp(), MomentumTrajectoryOp(),
                                            SoftmaxAttentionOp(), TransformerBlockOp(), DeltaRuleTwoCallsOp(),
                                            GatedDeltaRuleOp(), TitansMemoryOp(), SelfModifyingTitansOp(), NewtonSchulzStepOp(),
                                            AdamMemoryOp(), M3Op(), DeepMomentumOp(), TitansMLPOp(), CMSOp(.sequential),
                                            CMSOp(.independent), HopeOp(), MomentumMemoryStepOp(), NestedCMSOp(),
                                            NewtonSchulzIterateOp()]
        + ElementwiseOp.Function.allCases.map { ElementwiseOp($0) } + NormOp.Kind.allCases.map { NormOp($0) }

    public static func op(named name: String) -> (any GoldenOp)? { ops.first { $0.name == name } }

    /// A case before its expected values are computed.
    public struct Draft: Sendable {
        public let op: any GoldenOp
        public let comment: String
        public let flags: [String]
        public let valid: Bool
        public let inputs: DraftInputs
        /// For an invalid case made from valid inputs by changing one input: that input and the
        /// valid inputs.
        public let refusal: Refusal?
        /// The options the case selects (`Golden/FORMAT.md`, "Options"); empty: every default.
        public var options: [String: String] = [:]
    }

    /// How a refusal case was made: valid inputs `base`, one of them changed.
    public struct Refusal: Sendable {
        /// The input the refusal is about (the `field` of the reference's ``GoldenError``).
        public let field: String
        /// The valid inputs the case was made from by changing one input.
        public let base: DraftInputs
    }

    /// Every case as `(op, keys)`, in tcId order: tcIds count up through the keys of each entry,
    /// entry after entry. Append only: a new case goes in a new entry at the end, so that no
    /// earlier case's tcId moves.
    public static let order: [(op: String, keys: String)] = [
        ("linear_attention.recurrent", "100 101 102 103 104 190a 190b"),
        ("delta_rule.sequence", "200 201 202 203 290a 290b"),
        ("dgd.step", "300 301 302 390a 390b 390c"),
        ("cms_level.run", "400 401 402 403 404 450 490a 490b 490c"),
        // suite 0.2.0
        ("linear.gd_step", "500 501 502 590a 590b"),
        ("mlp2.gradients", "600 601 602 690"),
        ("momentum.trajectory", "700 701 702 790a 790b"),
        // suite 0.3.0
        ("softmax_attention.causal", "800 801 890"),
        ("transformer_block.cms1", "900 901 990"),
        ("delta_rule.two_calls", "1000 1001 1090"),
        ("linear_attention.recurrent", "1100"),
        // suite 0.4.0 and later
        ("linear_attention.recurrent", "1200"),
        ("delta_rule.sequence", "1200"),
        ("linear_attention.recurrent", "1300"),
        ("gated_delta_rule.sequence", "1400 1401 1450"),
        ("titans_memory.chunked", "1500 1501 1502 1550"),
        ("self_modifying_titans.chunked", "1600 1601 1602 1650a 1650b"),
        ("newton_schulz.step", "1700 1701 1702 1703 1750a 1750b"),
        // suite 0.7.0
        ("adam_memory.trajectory", "1800 1801 1802 1803 1850a 1850b 1850c 1850d"),
        ("m3.trajectory", "1900 1901 1902 1903 1950a 1950b 1950c"),
        ("dmgd.trajectory", "2000 2001 2002 2050a 2050b"),
        ("titans_mlp.chunked", "2100 2101 2102 2103 2150a 2150b"),
        ("cms.sequential", "2200 2201 2202"),
        ("cms.independent", "2203 2204"),
        ("cms.sequential", "2250a 2250b"),
        ("cms.independent", "2250c"),
        ("hope.forward", "2300 2301 2350"),
        ("delta_rule.sequence", "capacity"),
        ("linear_attention.recurrent", "capacity"),
        ("momentum_memory.step", "2400 2401 2402 2403 2450"),
        ("cms.nested", "2500 2501 2502 2550a 2550b"),
        // suite 0.8.0: an invalid case for every refusal rule of FORMAT.md, per op
        ("dgd.step", "2600a 2600b"),
        ("cms_level.run", "2610a 2610b 2610c 2610d 2610e"),
        ("linear.gd_step", "2620a 2620b"),
        ("mlp2.gradients", "2630"),
        ("momentum.trajectory", "2640a 2640b 2640c 2640d"),
        ("softmax_attention.causal", "2650"),
        ("transformer_block.cms1", "2660"),
        ("delta_rule.two_calls", "2670a 2670b 2670c 2670d"),
        ("gated_delta_rule.sequence", "2680"),
        ("titans_memory.chunked", "2690a 2690b 2690c"),
        ("self_modifying_titans.chunked", "2700a 2700b 2700c 2700d 2700e"),
        ("adam_memory.trajectory", "2710a 2710b"),
        ("m3.trajectory", "2720a 2720b 2720c 2720d 2720e 2720f 2720g 2720h"),
        ("dmgd.trajectory", "2730a 2730b"),
        ("titans_mlp.chunked", "2740a 2740b"),
        ("cms.sequential", "2750a 2750b 2750c 2750d"),
        ("cms.independent", "2760a 2760b 2760c 2760d 2760e"),
        ("hope.forward", "2770a 2770b 2770c 2770d 2770e 2770f 2770g 2770h"),
        ("momentum_memory.step", "2780a 2780b 2780c"),
        ("cms.nested", "2790a 2790b 2790c 2790d 2790e 2790f"),
        ("self_modifying_titans.chunked", "2800"),
        ("hope.forward", "2810"),
        // suite 0.9.0: conventions as options (Golden/FORMAT.md, "The options of this version")
        ("newton_schulz.step", "2900 2901 2902 2903 2950a 2950b 2950c"),
        ("newton_schulz.iterate", "3000 3001 3002 3003 3004 3005 3050a 3050b 3050c 3050d 3050e 3050f 3050g"),
        ("m3.trajectory", "3100 3101 3102"),
        ("titans_memory.chunked", "3200 3201 3202 3250a 3250b 3250c"),
        ("titans_mlp.chunked", "3300 3301 3350a 3350b"),
        // suite 0.10.0: read conventions (query scale, read order, log-space gates)
        ("linear_attention.recurrent", "3400 3401 3402 3450"),
        ("delta_rule.sequence", "3500 3501 3502 3550"),
        ("delta_rule.two_calls", "3600"),
        ("gated_delta_rule.sequence", "3700 3701 3702 3750a 3750b 3750c"),
        ("titans_memory.chunked", "3800 3801 3802 3850"),
        ("titans_mlp.chunked", "3900 3901 3950"),
        ("softmax_attention.causal", "4000 4001 4050"),
        // suite 0.11.0: values that are not rational (enclosures from Arb balls)
        ("elementwise.exp", "5000 5001 5005a 5005b"),
        ("elementwise.sigmoid", "5010 5011 5015a 5015b"),
        ("elementwise.softplus", "5020 5021 5025a 5025b"),
        ("elementwise.silu", "5030 5031 5035a 5035b"),
        ("elementwise.gelu", "5040 5041 5045a 5045b"),
        ("elementwise.gelu_tanh", "5050 5051 5055a 5055b"),
        ("elementwise.tanh", "5060 5061 5065a 5065b"),
        ("norm.rms", "5100 5101 5102 5103 5105a 5105b 5105c 5105d"),
        ("norm.layer", "5110 5111 5112 5113 5115a 5115b 5115c 5115d"),
        ("norm.l2", "5120 5121 5122 5123 5125a 5125b 5125c 5125d"),
        ("titans_mlp.chunked", "5200 5201 5202 5203 5250"),
        ("cms.sequential", "5300 5301"),
        ("cms.independent", "5302 5303"),
        ("gated_delta_rule.sequence", "3703 3751"),
        ("titans_memory.chunked", "3803"),
        ("titans_mlp.chunked", "3902"),
    ]

    /// ``order`` as `(op, key)` pairs, in tcId order.
    public static var orderedKeys: [(op: String, key: String)] {
        order.flatMap { entry in entry.keys.split(separator: " ").map { (entry.op, String($0)) } }
    }

    /// Where ``order`` and the ops' own cases disagree: a key listed twice, a listed key no op
    /// makes, a case no entry lists. Empty when they agree.
    public static func orderMismatches() -> [String] {
        var made = Set(ops.flatMap { op in op.drafts().drafts.keys.map { "\(op.name) \($0)" } })
        var problems: [String] = []
        var seen = Set<String>()
        for (op, key) in orderedKeys {
            let id = "\(op) \(key)"
            if !seen.insert(id).inserted { problems.append("\(id): listed twice in GoldenSuite.order") }
            else if made.remove(id) == nil { problems.append("\(id): listed in GoldenSuite.order, but the op makes no such case") }
        }
        return problems + made.sorted().map { "\($0): made by the op, but not listed in GoldenSuite.order" }
    }

    /// Every draft, in tcId order (``order``).
    public static func drafts() -> [Draft] {
        let byOp = Dictionary(uniqueKeysWithValues: ops.map { ($0.name, $0.drafts().drafts) })
        let drafts = orderedKeys.map { op, key -> Draft in
            guard let draft = byOp[op]?[key] else { preconditionFailure("GoldenSuite.order lists \(op) \(key); the op makes no such case") }
            return draft
        }
        precondition(drafts.count == byOp.values.map(\.count).reduce(0, +), "GoldenSuite.order: \(orderMismatches())")
        return drafts
    }

    /// Every refusal case (an invalid case made from valid inputs by changing one), in tcId order.
    static func refusals() -> [(draft: Draft, field: String, base: DraftInputs)] {
        drafts().compactMap { d in d.refusal.map { (d, $0.field, $0.base) } }
    }
}
