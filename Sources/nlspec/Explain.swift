import ArgumentParser
import SpecClaims

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a claim's statement, equations, conventions, mutants and a worked exact example.")

    @Argument(help: "The claim id, e.g. LA-DELTA (any case).")
    var id: String

    func run() throws {
        let claim = try resolve([id])[0]
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
