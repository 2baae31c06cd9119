import ArgumentParser
import Foundation
import SpecClaims

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove claims for every value of their symbolic inputs at fixed sizes by running both views on symbols; show each " +
                  "mutant's non-zero difference.")

    @Argument(help: "Claim ids, in any case (default: all).")
    var ids: [String] = []

    @Flag(help: "Print the reports as JSON.")
    var json = false

    @Flag(help: "Rewrite the generated section of each proven claim's Proofs/<ID>.md.")
    var writePages = false

    @Option(help: "Proofs folder, for --write-pages.")
    var proofs = "Proofs"

    @OptionGroup var budget: ClaimBudget

    func run() throws {
        budget.prepareChild(ids)
        let claims = try resolve(ids)
        if budget.child {
            guard let claim = claims.first, claims.count == 1 else { throw ValidationError("--child proves exactly one claim") }
            let r = prove(claim)
            let envelope = Envelope(text: Self.text(r) + "\n", entry: ProofJSON(r), passed: r.passed)
            print(String(decoding: try JSONEncoder.pretty.encode(envelope), as: UTF8.self))
            return
        }
        var entries: [ProofJSON] = []
        func add(_ entry: ProofJSON, _ text: String) {
            entries.append(entry)
            if !json { print(text, terminator: "") }
        }
        if budget.inProcess {
            for claim in claims {
                let r = prove(claim)
                add(ProofJSON(r), Self.text(r) + "\n")
            }
        } else {
            let pages = writePages ? ["--write-pages", "--proofs", proofs] : []
            try ClaimIsolation.run(ids: claims.map(\.id), budget: budget, arguments: { ["prove", $0] + pages }) { i, outcome in
                let id = claims[i].id
                switch outcome {
                case .finished(let data):
                    if let envelope = try? JSONDecoder.envelope.decode(Envelope<ProofJSON>.self, from: data) {
                        add(envelope.entry, envelope.text)
                    } else {
                        add(ProofJSON(broken: claims[i], reason: "printed no readable report"),
                            "\(id.padding(22))REFUTED: printed no readable report\n")
                    }
                case .broken(let reason):
                    add(ProofJSON(broken: claims[i], reason: reason), "\(id.padding(22))REFUTED: \(reason)\n")
                }
            }
        }
        let proven = entries.filter { $0.status == SymbolicProver.Status.proven.rawValue }
        let mutants = proven.flatMap(\.mutants)
        if json {
            print(String(decoding: try JSONEncoder.pretty.encode(entries), as: UTF8.self))
        } else {
            func count(_ s: SymbolicProver.Status) -> Int { entries.filter { $0.status == s.rawValue }.count }
            print("\(proven.count) proven, \(count(.refuted)) refuted, \(count(.notProvable)) not provable; "
                  + "\(mutants.filter(\.rejected).count) of \(mutants.count) mutants rejected")
        }
        if !entries.allSatisfy(\.passed) { throw ExitCode(1) }
    }

    /// Proves one claim, writing its page when asked.
    func prove(_ claim: any Claim) -> SymbolicProver.Report {
        let r = SymbolicProver.prove(claim)
        if writePages, r.status == .proven {
            do { try ProofPage.write(SymbolicProver.markdown(r, statement: claim.statement), id: claim.id, folder: proofs) } catch {
                StandardError.write("error: cannot write the page of \(claim.id): \(error)\n")
            }
        }
        return r
    }

    static func text(_ r: SymbolicProver.Report) -> String {
        let id = r.id.padding(toLength: 22, withPad: " ", startingAt: 0)
        switch r.status {
        case .notProvable: return "\(id)not provable: \(r.reason ?? "")"
        case .proven, .refuted:
            let entries = r.cases.reduce(0) { $0 + $1.count }
            var lines = ["\(id)\(r.status.rawValue.uppercased())  \(entries) entries, \(r.cases.count) cases  " +
                         "\(String(format: "%.2f", r.seconds))s  [\(r.sizes ?? "")]"]
            for c in r.cases where !c.proven {
                if let d = c.firstDifference { lines.append("  \(c.label) \(c.quantity): entry \(d.index) differs by \(d.text)") }
            }
            for m in r.mutants {
                if let w = m.witness, let d = w.firstDifference {
                    let seconds = String(format: "%.2f", m.seconds)
                    lines.append("  mutant \(m.mutant.id): rejected (\(seconds)s): \(w.label), entry \(d.index): \(d.text)")
                } else {
                    lines.append("  mutant \(m.mutant.id): NOT rejected on symbols")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// One claim's proof report as JSON.
struct ProofJSON: Codable {
    struct MutantEntry: Codable { let id: String; let rejected: Bool; let difference: String?; let seconds: Double }
    let id: String, status: String, sizes: String?, reason: String?, entries: Int, seconds: Double
    let mutants: [MutantEntry]
    /// Why the proof could not run to the end (a trap, or a broken budget); absent when it ran.
    let error: String?

    init(_ r: SymbolicProver.Report) {
        id = r.id
        status = r.status.rawValue
        sizes = r.sizes
        reason = r.reason
        entries = r.cases.reduce(0) { $0 + $1.count }
        seconds = r.seconds
        mutants = r.mutants.map {
            MutantEntry(id: $0.mutant.id, rejected: $0.rejected, difference: $0.witness?.firstDifference?.text, seconds: $0.seconds)
        }
        error = nil
    }

    /// A claim whose proof died or overran its budget: refuted, its mutants not rejected.
    init(broken claim: any Claim, reason: String) {
        id = claim.id
        status = SymbolicProver.Status.refuted.rawValue
        sizes = nil
        self.reason = nil
        entries = 0
        seconds = 0
        mutants = claim.mutants.map { MutantEntry(id: $0.id, rejected: false, difference: nil, seconds: 0) }
        error = reason
    }

    /// Proven with every mutant rejected, or honestly declared not provable.
    var passed: Bool {
        guard error == nil else { return false }
        if status == SymbolicProver.Status.proven.rawValue { return mutants.allSatisfy(\.rejected) }
        return status != SymbolicProver.Status.refuted.rawValue
    }
}

extension JSONEncoder {
    static var pretty: JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
