import ExactMath

/// The outcome of comparing one quantity in one case: both sides, and where they differ.
public struct CaseEvidence: Sendable {
    /// The case: seed and sizes, e.g. `seed=3 d_k=4 d_v=3`.
    public let label: String
    /// The quantity compared, e.g. `M_t (t=2)`.
    public let quantity: String
    public let tier: Tier
    /// Number of scalar entries compared.
    public let count: Int
    /// Entries where the two sides differ (exact tier).
    public let mismatches: Int
    /// The first differing entry: index, the independent (optimization-view or exact) value,
    /// the architecture-view value, and their difference, as text.
    public let firstDifference: Difference?
    /// Largest error in units in the last place of the correctly rounded exact value (float tier).
    public let maxUlp: Double?
    /// `max|computed − exact| / max|exact|`, measured exactly (float tier).
    public let normwiseError: Double?
    /// The bound `normwiseError` must stay under (float tier).
    public let bound: Double?
    /// `false` when the case does not apply to the variant (e.g. a square-only mutant on a
    /// rectangular case); such cases neither pass nor fail.
    public let applicable: Bool

    public struct Difference: Sendable {
        public let index: Int
        public let expected: String
        public let actual: String
        public let difference: String
    }

    public var passed: Bool {
        guard applicable else { return true }
        switch tier {
        case .exact: return mismatches == 0
        case .float: return (normwiseError ?? .infinity) <= (bound ?? 0)
        }
    }

    /// Compares two exactly computed sides with `==`.
    public static func exact(_ label: String, _ quantity: String, expected: [Rational], actual: [Rational]) -> CaseEvidence {
        var mismatches = 0
        var first: Difference?
        if expected.count != actual.count {
            return CaseEvidence(label: label, quantity: quantity, tier: .exact, count: expected.count,
                                mismatches: max(expected.count, actual.count),
                                firstDifference: Difference(index: -1, expected: "\(expected.count) entries",
                                                            actual: "\(actual.count) entries", difference: "shape"),
                                maxUlp: nil, normwiseError: nil, bound: nil, applicable: true)
        }
        for i in 0..<expected.count where expected[i] != actual[i] {
            mismatches += 1
            if first == nil {
                first = Difference(index: i, expected: expected[i].description, actual: actual[i].description,
                                   difference: (actual[i] - expected[i]).description)
            }
        }
        return CaseEvidence(label: label, quantity: quantity, tier: .exact, count: expected.count, mismatches: mismatches,
                            firstDifference: first, maxUlp: nil, normwiseError: nil, bound: nil, applicable: true)
    }

    /// Measures a `Double` computation against its exact value.
    public static func float(_ label: String, _ quantity: String, exact: [Rational], computed: [Double], bound: Double) -> CaseEvidence {
        precondition(exact.count == computed.count, "CaseEvidence.float: \(exact.count) exact vs \(computed.count) computed")
        var worstUlp = 0.0
        var first: Difference?
        for i in 0..<exact.count {
            let e = FloatError.ulpError(computed[i], exact: exact[i])
            if e > worstUlp {
                worstUlp = e
                first = Difference(index: i, expected: exact[i].roundedDouble.description,
                                   actual: computed[i].description, difference: "\(e) ulp")
            }
        }
        let normwise = FloatError.normwiseRelativeError(computed, exact: exact)
        return CaseEvidence(label: label, quantity: quantity, tier: .float, count: exact.count, mismatches: 0,
                            firstDifference: first, maxUlp: worstUlp, normwiseError: normwise, bound: bound, applicable: true)
    }

    /// A case that does not apply to the variant being run.
    public static func notApplicable(_ label: String, _ quantity: String, tier: Tier) -> CaseEvidence {
        CaseEvidence(label: label, quantity: quantity, tier: tier, count: 0, mismatches: 0, firstDifference: nil,
                     maxUlp: nil, normwiseError: nil, bound: nil, applicable: false)
    }
}
