/// How a claim is checked.
public enum Tier: String, Codable, CaseIterable, Sendable, Comparable {
    /// Both sides in GMP rationals at small sizes; equality is `==`.
    case exact
    /// The architecture side in `Double` at larger sizes, its error measured exactly against
    /// the same computation in rationals, against a stated bound.
    case float

    public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
}

/// Where a claim appears in the paper, in both numberings.
public struct PaperReference: Codable, Sendable, Equatable {
    /// arXiv 2512.24695 equation numbers (or sections, e.g. "§6").
    public let arxiv: [String]
    /// NeurIPS 2025 camera-ready equation numbers; empty where the NeurIPS text has no equation.
    public let neurips: [String]

    public init(arxiv: [String], neurips: [String]) {
        self.arxiv = arxiv
        self.neurips = neurips
    }

    public var text: String {
        "arXiv " + (arxiv.isEmpty ? "-" : arxiv.joined(separator: ", "))
            + "; NeurIPS " + (neurips.isEmpty ? "-" : neurips.joined(separator: ", "))
    }
}
