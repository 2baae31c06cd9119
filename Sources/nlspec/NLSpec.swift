import ArgumentParser
import Golden
import SpecClaims

@main
struct NLSpec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlspec",
        abstract: "The Nested Learning paper (arXiv 2512.24695) as an executable specification.",
        version: version,
        subcommands: [List.self, Check.self, Explain.self, Prove.self, Errata.self, Levels.self, GoldenCommand.self, Bench.self],
        defaultSubcommand: Check.self
    )

    /// The golden suite's version, and what this build checks.
    static var version: String {
        "\(GoldenSuite.suiteVersion) (\(Registry.claims.count) claims, \(Registry.claims.map(\.mutants.count).reduce(0, +)) mutants)"
    }
}

extension Tier: ExpressibleByArgument {}

/// Which tiers `--tier` selects.
enum TierChoice: String, ExpressibleByArgument, CaseIterable {
    case exact, float, all
    var tiers: [Tier] {
        switch self {
        case .exact: return [.exact]
        case .float: return [.float]
        case .all: return Tier.allCases
        }
    }
}

/// The claims with these ids, matched without regard to case; all of them when `ids` is empty.
func resolve(_ ids: [String]) throws -> [any Claim] {
    if ids.isEmpty { return Registry.claims }
    return try ids.map { id in
        guard let claim = Registry.claim(id) else {
            throw ValidationError("unknown claim id '\(id)'" + didYouMean(id, among: Registry.ids)
                                  + "; known ids: \(Registry.ids.joined(separator: ", "))")
        }
        return claim
    }
}

/// `"; did you mean X?"` when some of `names` is within a few edits of `text` (case ignored), else "".
func didYouMean(_ text: String, among names: [String]) -> String {
    let scored = names.map { ($0, editDistance(text.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, best.0.count / 3) else { return "" }
    return "; did you mean \(best.0)?"
}

/// The Levenshtein distance between two strings, by characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let (a, b) = (Array(a), Array(b))
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var previous = row[0]
        row[0] = i
        for j in 1...max(b.count, 1) where !b.isEmpty {
            let substitution = previous + (a[i - 1] == b[j - 1] ? 0 : 1)
            previous = row[j]
            row[j] = min(substitution, row[j] + 1, row[j - 1] + 1)
        }
    }
    return row[b.count]
}
