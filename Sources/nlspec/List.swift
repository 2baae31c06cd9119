import ArgumentParser
import Foundation
import SpecClaims

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every claim with its statement and paper references.")

    func run() throws {
        for claim in Registry.claims {
            print("\(claim.id.padding(18))\(claim.references.text)")
            print("  \(claim.statement)")
            let tiers = claim.tiers.map(\.rawValue).joined(separator: ", ")
            print("  tiers: \(tiers)   conventions: \(claim.conventionNames.joined(separator: ", "))")
            for m in claim.mutants { print("  mutant \(m.id)") }
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

/// `nlspec errata`: the formulas the paper prints that the suite shows wrong (`Spec/ERRATA.md`).
struct Errata: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the paper's errata: every printed formula a claim shows wrong, the form used instead, and the smallest case " +
                  "that rejects it.")

    @Flag(help: "Write the page to <spec>/ERRATA.md instead of printing it.")
    var writePage = false

    @Option(help: "Spec folder, for --write-page.")
    var spec = "Spec"

    func run() throws {
        let page = SpecClaims.Errata.markdown()
        guard writePage else { return print(page, terminator: "") }
        try page.write(toFile: spec + "/ERRATA.md", atomically: true, encoding: .utf8)
    }
}
