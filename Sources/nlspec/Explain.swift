import ArgumentParser
import SpecClaims

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a claim's statement, equations, conventions, mutants and a worked exact example.")

    @Argument(help: "The claim id, e.g. LA-DELTA.")
    var id: String

    func run() throws {
        guard let claim = Registry.claim(id) else {
            throw ValidationError("unknown claim id '\(id)'; known ids: \(Registry.ids.joined(separator: ", "))")
        }
        print("\(claim.id): \(claim.statement)")
        print("equations: \(claim.references.text)")
        print("conventions: \(claim.conventionNames.isEmpty ? "none" : claim.conventionNames.joined(separator: ", "))")
        print("tiers: \(claim.tiers.map(\.rawValue).joined(separator: ", "))")
        for m in claim.mutants { print("mutant \(m.id): \(m.summary)") }
        print("")
        print("Worked example (exact rationals):")
        print(claim.workedExample())
    }
}
