import ArgumentParser
import SpecClaims

@main
struct NLSpec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlspec",
        abstract: "The Nested Learning paper (arXiv 2512.24695) as an executable specification.",
        subcommands: [List.self, Check.self, Explain.self, Prove.self, Errata.self, Levels.self, GoldenCommand.self, Bench.self],
        defaultSubcommand: Check.self
    )
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

func resolve(_ ids: [String]) throws -> [any Claim] {
    if ids.isEmpty { return Registry.claims }
    return try ids.map { id in
        guard let claim = Registry.claim(id) else {
            throw ValidationError("unknown claim id '\(id)'; known ids: \(Registry.ids.joined(separator: ", "))")
        }
        return claim
    }
}
