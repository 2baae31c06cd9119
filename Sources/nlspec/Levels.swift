import ArgumentParser
import SpecClaims

/// `nlspec levels [ARCH]`: an architecture as a nested system (Definition 2).
struct Levels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an architecture's levels: memory, objective, optimizer, update frequency, and the updates counted in an exact run.",
        discussion: "Architectures: \(LevelsClaim.order.joined(separator: ", ")). Without an argument, all of them."
    )

    @Argument(help: "Architecture name.")
    var architecture: String?

    @Option(help: "Tokens of the exact run whose updates are counted (1 to 8; exact values grow quickly with T).")
    var tokens = 8

    func validate() throws {
        if let a = architecture, !LevelsClaim.order.contains(a) {
            throw ValidationError("unknown architecture '\(a)'; known: \(LevelsClaim.order.joined(separator: ", "))")
        }
        guard (1...8).contains(tokens) else { throw ValidationError("--tokens must be between 1 and 8, got \(tokens)") }
    }

    func run() throws {
        let archs = architecture.map { [$0] } ?? LevelsClaim.order
        print(archs.map { LevelsClaim.table($0, tokens: tokens) }.joined(separator: "\n\n"))
    }
}
