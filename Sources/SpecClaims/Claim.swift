import ExactMath
import NestedLearning

/// One claim of the paper as an executable check.
///
/// A claim says what the paper asserts (``statement``, ``references``), which readings of the
/// paper's ambiguities it depends on (``conventions``), its wrong variants (``Mutant``, an enum
/// whose cases carry their summary), whether it runs on symbols (``symbolic``), and a worked
/// example. Its tiers come from the harness: a ``ViewClaim`` (or ``RootViewClaim``) declares its
/// inputs and its two views, generic over the scalar, and the exact, float and symbolic tiers are
/// derived from them. Two claims do not have that shape and write their tiers themselves:
/// MEM-CAPACITY (inequalities and recall under constrained keys) and NL-LEVELS (update counts of
/// whole architectures); ATTN-NW derives its exact tier and writes its float tier (softmax weights
/// as `Double` computes them).
public protocol Claim: Sendable {
    /// The claim's wrong variants. Each must be rejected by some tier.
    associatedtype Mutant: ClaimMutant

    /// Stable id, e.g. `LA-DELTA`.
    var id: String { get }
    /// One line: what the paper asserts.
    var statement: String { get }
    var references: PaperReference { get }
    /// The readings of the paper's ambiguities the claim depends on.
    var conventions: [Convention] { get }
    var tiers: [Tier] { get }
    /// Whether the claim runs on symbols, at which sizes, or why not.
    var symbolic: SymbolicStatus { get }

    /// The exact tier: both sides in rationals, compared with `==`; with a mutant, its wrong
    /// variant in place of the architecture view.
    func exactCases(_ mutant: Mutant?) -> [CaseEvidence]
    /// The float tier: the architecture view in `Double` against the same computation in rationals.
    func floatCases(_ mutant: Mutant?) -> [CaseEvidence]
    /// The symbolic tier, in groups computed on demand in order, so that a mutant stops at its
    /// first non-zero difference.
    func symbolicCaseGroups(_ mutant: Mutant?) -> [() -> [SymbolicEvidence]]

    /// A small case printed in exact fractions, small enough to follow by hand.
    func workedExample() -> String
}

/// Whether a claim is run on symbols.
public enum SymbolicStatus: Sendable {
    /// Both views run on ``RationalFunction`` scalars at these sizes (which inputs are variables).
    case sizes(String)
    /// Not a polynomial or rational identity of the inputs, for this reason.
    case notProvable(String)
}

extension Claim {
    public var tiers: [Tier] { [.exact, .float] }
    public func floatCases(_ mutant: Mutant?) -> [CaseEvidence] { [] }
    public func symbolicCaseGroups(_ mutant: Mutant?) -> [() -> [SymbolicEvidence]] { [] }
}

// MARK: - The claim seen from outside (reports, the command line, tests)

extension Claim {
    /// Every mutant, with its id `CLAIM/name`.
    public var mutants: [MutantInfo] { Mutant.allCases.map(info) }

    /// The conventions as the reports name them.
    public var conventionNames: [String] { conventions.map(\.description) }

    /// The symbolic sizes, when the claim runs on symbols.
    public var symbolicSizes: String? {
        if case .sizes(let s) = symbolic { return s }
        return nil
    }

    /// Why the claim is not run on symbols, when it is not.
    public var notProvableReason: String? {
        if case .notProvable(let r) = symbolic { return r }
        return nil
    }

    func info(_ m: Mutant) -> MutantInfo {
        MutantInfo(id: "\(id)/\(m.rawValue)", summary: m.summary, erratum: m.erratum)
    }

    /// The mutant with the full id `CLAIM/name` (case-insensitively), or nil.
    func mutant(_ id: String) -> Mutant? {
        Mutant.allCases.first { info($0).id.lowercased() == id.lowercased() }
    }

    /// `mutantID` as this claim's mutant; nil stands for the claim itself.
    private func typed(_ mutantID: String?) -> Mutant? {
        guard let mutantID else { return nil }
        guard let m = mutant(mutantID) else { preconditionFailure("\(id) has no mutant \(mutantID)") }
        return m
    }

    /// The cases of one tier, for the claim (`mutant == nil`) or one of its mutants by id.
    public func cases(tier: Tier, mutant mutantID: String?) -> [CaseEvidence] {
        switch tier {
        case .exact: return exactCases(typed(mutantID))
        case .float: return floatCases(typed(mutantID))
        }
    }

    /// The symbolic cases, in groups, for the claim or one of its mutants by id.
    public func symbolicCaseGroups(mutant mutantID: String?) -> [() -> [SymbolicEvidence]] {
        symbolicCaseGroups(typed(mutantID))
    }

    /// Every symbolic case of the claim or of one of its mutants.
    public func symbolicCases(mutant mutantID: String?) -> [SymbolicEvidence] {
        symbolicCaseGroups(mutant: mutantID).flatMap { $0() }
    }
}
