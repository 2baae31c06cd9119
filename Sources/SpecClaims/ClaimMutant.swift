/// A claim's wrong variants, as an enum: the raw value is the name in the mutant's id
/// (`LA-DELTA/left-multiplied`), and each case says what is wrong and, when it is a formula as the
/// paper prints it, which one (``Erratum``).
public protocol ClaimMutant: RawRepresentable<String>, CaseIterable, Sendable, Hashable where AllCases == [Self] {
    /// What is wrong, and where real code or the printed paper does it.
    var summary: String { get }
    /// The printed formula this variant is, or nil when it is not one.
    var erratum: Erratum? { get }
}

extension ClaimMutant {
    public var erratum: Erratum? { nil }
}

/// A formula the paper prints that the suite shows wrong: where it is printed, how it is printed,
/// and the form the suite uses instead. `Spec/ERRATA.md` is generated from these.
public struct Erratum: Sendable, Equatable {
    /// Which text prints it.
    public enum Source: String, Sendable, CaseIterable {
        case arxiv = "arXiv 2512.24695"
        case neurips = "NeurIPS 2025"
    }

    public let source: Source
    /// The equation (or algorithm line), e.g. `65` or `Algorithm 1, line 3`.
    public let equation: String
    /// The formula as printed, in the suite's plain notation.
    public let printed: String
    /// The formula the suite uses and shows right.
    public let corrected: String
    /// The ambiguity of the math digest that records it (`A15`), if any.
    public let ambiguity: String?

    public init(_ source: Source, _ equation: String, printed: String, corrected: String, ambiguity: String? = nil) {
        self.source = source
        self.equation = equation
        self.printed = printed
        self.corrected = corrected
        self.ambiguity = ambiguity
    }
}

/// A mutant as reports see it: its full id, its summary, and the erratum it records.
public struct MutantInfo: Sendable, Equatable {
    /// Stable id, `CLAIM/name`.
    public let id: String
    public let summary: String
    public let erratum: Erratum?

    public init(id: String, summary: String, erratum: Erratum? = nil) {
        self.id = id
        self.summary = summary
        self.erratum = erratum
    }
}
