import ExactMath

/// A claim checked as two independent computations of the same quantities, from which the harness
/// derives every tier:
///
/// * exact: for each input of ``inputs(_:)`` (`.exact`), every quantity of the optimization view
///   against the architecture view (or a mutant) in rationals, with `==`;
/// * float: for each `.float` input, the architecture view (or a mutant) in `Double` against the
///   same view in rationals, for the quantities that carry an error bound;
/// * symbolic: the exact tier's comparison on ``RationalFunction`` scalars, for each `.symbolic`
///   input (its ``ClaimInput/variables`` made variables), one group per input.
///
/// The optimization view's quantities and the architecture view's compared quantities pair up in
/// order; the optimization view names the comparison.
public protocol ViewClaim: Claim {
    associatedtype Input: ClaimInput

    func inputs(_ domain: Domain) -> [Input]
    /// The symbolic inputs a mutant is judged on (default: ``inputs(_:)`` of `.symbolic`), for
    /// variants whose symbolic runs would not finish at the claim's sizes.
    func symbolicInputs(_ mutant: Mutant?) -> [Input]

    /// The optimization view: the objective written as code, its gradients by dual numbers, its
    /// minimisers by exact normal equations. Never mentions the rule it checks.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>]
    /// The architecture view (the recurrence as the paper or the model code writes it), or the
    /// mutant's wrong variant; nil where the variant is not defined on this input.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]?
}

/// A ``ViewClaim`` whose views take square roots (Adam, M3): exact on rationals whose roots are
/// rational, rounded in `Double`; not run on symbols.
public protocol RootViewClaim: Claim {
    associatedtype Input: ClaimInput

    func inputs(_ domain: Domain) -> [Input]
    func optimization<S: SquareRootScalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>]
    func architecture<S: SquareRootScalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]?
}

/// A list of scalars one view computes.
public struct Quantity<S: Scalar> {
    /// What it is, e.g. `M_1..M_T`. In the exact and symbolic tiers the optimization view's name
    /// labels the comparison; in the float tier, the architecture view's.
    public let name: String
    /// Nil when a mutant's variant is not defined for this quantity.
    public let values: [S]?
    /// The length of the longest chain of dependent roundings (float tier, bound `4·chain·u`); nil:
    /// not measured in `Double`.
    public let chain: Int?
    /// Compared with the optimization view (exact and symbolic tiers).
    public let compared: Bool
    /// When the architecture view computes only a leading part of the quantity, that part (e.g.
    /// `W_1`); it is compared with the same part of the optimization view.
    public let part: String?

    /// A quantity both views compute (and, with `chain`, also measured in `Double`).
    public static func compared(_ name: String, _ values: [S]?, chain: Int? = nil, part: String? = nil) -> Quantity {
        Quantity(name: name, values: values, chain: chain, compared: true, part: part)
    }

    /// A quantity measured only in the float tier.
    public static func measured(_ name: String, _ values: [S]?, chain: Int) -> Quantity {
        Quantity(name: name, values: values, chain: chain, compared: false, part: nil)
    }
}

// MARK: - Tiers derived from the views

/// How the tiers are derived from two views: written once, with the scalars fixed by the tier.
enum Derive {
    /// Pairs each optimization quantity with the next compared architecture quantity.
    static func pair<S: Scalar, E>(_ label: String, optimization: () -> [Quantity<S>], architecture: [Quantity<S>]?,
                                   evidence: (String, [S], [S]) -> E, notApplicable: (String) -> E) -> [E] {
        guard let architecture else { return [notApplicable(label)] }
        let sides = architecture.filter(\.compared), views = optimization()
        precondition(sides.count == views.count, "\(label): \(views.count) optimization quantities, \(sides.count) architecture ones")
        return zip(views, sides).map { o, a in
            guard let actual = a.values, let expected = o.values else { return notApplicable(label) }
            guard let part = a.part else { return evidence(o.name, expected, actual) }
            return evidence("\(o.name) (\(part))", Array(expected.prefix(actual.count)), actual)
        }
    }

    static func exact<I: ClaimInput>(_ inputs: [I], optimization: (I) -> [Quantity<Rational>],
                                     architecture: (I) -> [Quantity<Rational>]?) -> [CaseEvidence] {
        inputs.flatMap { x in
            pair(x.label, optimization: { optimization(x) }, architecture: architecture(x),
                 evidence: { CaseEvidence.exact(x.label, $0, expected: $1, actual: $2) },
                 notApplicable: { CaseEvidence.notApplicable($0, "", tier: .exact) })
        }
    }

    /// `computed` is the run in `Double` (of the claim or a mutant), `reference` the claim's run in
    /// rationals on the same input.
    static func float<I: ClaimInput>(_ inputs: [I], computed: (I) -> [Quantity<Double>]?,
                                     reference: (I) -> [Quantity<Rational>]?) -> [CaseEvidence] {
        inputs.flatMap { x -> [CaseEvidence] in
            guard let run = computed(x)?.filter({ $0.chain != nil }) else { return [.notApplicable(x.label, "", tier: .float)] }
            guard let exact = reference(x)?.filter({ $0.chain != nil }), exact.count == run.count else {
                preconditionFailure("\(x.label): the reference run does not measure the same quantities")
            }
            return zip(run, exact).map { c, e in
                guard let values = c.values, let truth = e.values else { return .notApplicable(x.label, c.name, tier: .float) }
                return .float(x.label, c.name, exact: truth, computed: values, bound: Support.bound(chain: c.chain!))
            }
        }
    }

    static func symbolic<I: ClaimInput>(_ inputs: [I], optimization: @escaping (I) -> [Quantity<RationalFunction>],
                                        architecture: @escaping (I) -> [Quantity<RationalFunction>]?) -> [() -> [SymbolicEvidence]] {
        inputs.map { x in {
            pair(x.label, optimization: { optimization(x) }, architecture: architecture(x),
                 evidence: { SymbolicEvidence.compare(x.label, $0, expected: $1, actual: $2) },
                 notApplicable: { SymbolicEvidence.notApplicable($0, "") })
        } }
    }
}

extension ViewClaim {
    public func symbolicInputs(_ mutant: Mutant?) -> [Input] { inputs(.symbolic) }

    public func exactCases(_ mutant: Mutant?) -> [CaseEvidence] {
        Derive.exact(inputs(.exact), optimization: { optimization($0, .exact()) }, architecture: { architecture($0, .exact(), mutant) })
    }

    public func floatCases(_ mutant: Mutant?) -> [CaseEvidence] {
        Derive.float(inputs(.float), computed: { architecture($0, .float, mutant) }, reference: { architecture($0, .exact(.float), nil) })
    }

    public func symbolicCaseGroups(_ mutant: Mutant?) -> [() -> [SymbolicEvidence]] {
        guard case .sizes = symbolic else { return [] }
        return Derive.symbolic(symbolicInputs(mutant), optimization: { optimization($0, .symbolic($0.variables)) },
                        architecture: { architecture($0, .symbolic($0.variables), mutant) })
    }
}

extension RootViewClaim {
    public func exactCases(_ mutant: Mutant?) -> [CaseEvidence] {
        Derive.exact(inputs(.exact), optimization: { optimization($0, .exact()) }, architecture: { architecture($0, .exact(), mutant) })
    }

    public func floatCases(_ mutant: Mutant?) -> [CaseEvidence] {
        Derive.float(inputs(.float), computed: { architecture($0, .float, mutant) }, reference: { architecture($0, .exact(.float), nil) })
    }
}
