import ArgumentParser
import NestedLearning
import SpecClaims

/// `nlspec levels [ARCH]`: an architecture as a nested system (Definition 2).
struct Levels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an architecture's levels: memory, objective, optimizer, update frequency, and the updates counted in an " +
                  "exact run.",
        discussion: "Architectures (any case): \(NlLevelsClaim.order.joined(separator: ", ")). Without an argument, all of them."
    )

    @Argument(help: "Architecture name, e.g. hope.")
    var architecture: String?

    @Option(help: "Tokens of the exact run whose updates are counted (1 to 8; exact values grow quickly with T).")
    var tokens = 8

    /// The architecture's name as `NestedSystem.all` keys it, matched without regard to case.
    static func name(_ text: String) throws -> String {
        if let known = NlLevelsClaim.order.first(where: { $0.lowercased() == text.lowercased() }) { return known }
        throw ValidationError("unknown architecture '\(text)'" + didYouMean(text, among: NlLevelsClaim.order)
                              + "; known: \(NlLevelsClaim.order.joined(separator: ", "))")
    }

    func validate() throws {
        if let architecture { _ = try Self.name(architecture) }
        guard (1...8).contains(tokens) else { throw ValidationError("--tokens must be between 1 and 8, got \(tokens)") }
    }

    func run() throws {
        let archs = try architecture.map { [try Self.name($0)] } ?? NlLevelsClaim.order
        print(archs.map { Self.table($0, tokens: tokens) }.joined(separator: "\n\n"))
    }

    /// One architecture's levels with the updates declared and measured over `tokens`, in aligned columns.
    static func table(_ arch: String, tokens: Int) -> String {
        let system = NestedSystem.all[arch]!
        let measured = NlLevelsClaim.measure(arch, tokens: tokens)
        let header = ["level", "memory", "objective", "optimizer", "update frequency", "updates over T = \(tokens) (declared / measured)",
                      "checked by"]
        let rows = zip(system.levels, measured).map { level, count in
            [level.name, level.memory, level.objective, level.optimizer, level.frequency.description,
             "\(level.frequency.updates(over: tokens)) / \(count)", level.claims]
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            var text = zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
        return (["\(system.architecture): \(system.summary)", line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
