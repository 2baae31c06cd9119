import ExactMath

/// One claim of the paper as an executable check.
///
/// `exactCases` computes both sides independently in rationals and compares them with `==`:
/// the optimization view (objective as code; gradient through ``Dual``, argmin by exact normal
/// equations) against the architecture view (the recurrence as the paper writes it).
/// `floatCases` runs the architecture view in `Double` at larger sizes and measures its error
/// against the same computation in rationals. Passing a mutant id runs that wrong variant of
/// the architecture view instead; the check must then fail.
public protocol Claim: Sendable {
    var id: String { get }
    /// One line: what the paper asserts.
    var statement: String { get }
    var references: PaperReference { get }
    /// The conventions (``NestedLearning/Conventions``) the claim depends on, as `Type.case`.
    var conventions: [String] { get }
    var tiers: [Tier] { get }
    var mutants: [Mutant] { get }

    func exactCases(mutant: String?) -> [CaseEvidence]
    func floatCases(mutant: String?) -> [CaseEvidence]

    /// A small case printed in exact fractions, small enough to follow by hand.
    func workedExample() -> String
}

extension Claim {
    public var tiers: [Tier] { [.exact, .float] }

    public func cases(tier: Tier, mutant: String?) -> [CaseEvidence] {
        switch tier {
        case .exact: return exactCases(mutant: mutant)
        case .float: return floatCases(mutant: mutant)
        }
    }
}
