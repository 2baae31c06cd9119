import ArgumentParser
import Foundation
import SpecClaims

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove claims for every value of their symbolic inputs at fixed sizes by running both views on symbols; show each mutant's non-zero difference.")

    @Argument(help: "Claim ids (default: all).")
    var ids: [String] = []

    @Flag(help: "Print the reports as JSON.")
    var json = false

    @Flag(help: "Rewrite the generated section of each proven claim's Proofs/<ID>.md.")
    var writePages = false

    @Option(help: "Proofs folder, for --write-pages.")
    var proofs = "Proofs"

    func run() throws {
        let claims = try resolve(ids)
        var reports: [SymbolicProver.Report] = []
        for claim in claims {
            let r = SymbolicProver.prove(claim)
            reports.append(r)
            if !json { print(Self.text(r)) }
            if writePages, r.status == .proven {
                try ProofPage.write(SymbolicProver.markdown(r, statement: claim.statement), id: claim.id, folder: proofs)
            }
        }
        let proven = reports.filter { $0.status == .proven }
        let mutants = proven.flatMap(\.mutants)
        if json {
            let data = try JSONEncoder.pretty.encode(reports.map(ProofJSON.init))
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(proven.count) proven, \(reports.filter { $0.status == .refuted }.count) refuted, "
                  + "\(reports.filter { $0.status == .notProvable }.count) not provable, \(reports.filter { $0.status == .notSymbolic }.count) not yet symbolic; "
                  + "\(mutants.filter(\.rejected).count) of \(mutants.count) mutants rejected")
        }
        if !reports.allSatisfy(\.passed) { throw ExitCode(1) }
    }

    static func text(_ r: SymbolicProver.Report) -> String {
        let id = r.id.padding(toLength: 22, withPad: " ", startingAt: 0)
        switch r.status {
        case .notProvable: return "\(id)not provable: \(r.reason ?? "")"
        case .notSymbolic: return "\(id)not yet run on symbols"
        case .proven, .refuted:
            let entries = r.cases.reduce(0) { $0 + $1.count }
            var lines = ["\(id)\(r.status.rawValue.uppercased())  \(entries) entries, \(r.cases.count) cases  \(String(format: "%.2f", r.seconds))s  [\(r.sizes ?? "")]"]
            for c in r.cases where !c.proven {
                if let d = c.firstDifference { lines.append("  \(c.label) \(c.quantity): entry \(d.index) differs by \(d.text)") }
            }
            for m in r.mutants {
                if let w = m.witness, let d = w.firstDifference {
                    lines.append("  mutant \(m.mutant.id): rejected (\(String(format: "%.2f", m.seconds))s): \(w.label), entry \(d.index): \(d.text)")
                } else {
                    lines.append("  mutant \(m.mutant.id): NOT rejected on symbols")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// One claim's proof report as JSON.
struct ProofJSON: Encodable {
    struct MutantEntry: Encodable { let id: String; let rejected: Bool; let difference: String?; let seconds: Double }
    let id: String, status: String, sizes: String?, reason: String?, entries: Int, seconds: Double
    let mutants: [MutantEntry]

    init(_ r: SymbolicProver.Report) {
        id = r.id
        status = r.status.rawValue
        sizes = r.sizes
        reason = r.reason
        entries = r.cases.reduce(0) { $0 + $1.count }
        seconds = r.seconds
        mutants = r.mutants.map { MutantEntry(id: $0.mutant.id, rejected: $0.rejected, difference: $0.witness?.firstDifference?.text, seconds: $0.seconds) }
    }
}

extension JSONEncoder {
    static var pretty: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
