import ArgumentParser
import SpecClaims

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every claim with its statement and paper references.")

    func run() throws {
        for claim in Registry.claims {
            print("\(claim.id.padding(18))\(claim.references.text)")
            print("  \(claim.statement)")
            print("  tiers: \(claim.tiers.map(\.rawValue).joined(separator: ", "))   conventions: \(claim.conventionNames.joined(separator: ", "))")
            for m in claim.mutants { print("  mutant \(m.id)") }
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
