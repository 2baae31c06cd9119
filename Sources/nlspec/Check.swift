import ArgumentParser
import Foundation
import SpecClaims

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run claims and their mutants; exit non-zero if a claim fails or a mutant is not rejected.")

    @Argument(help: "Claim ids to run, in any case (default: all).")
    var ids: [String] = []

    @Option(help: "Tiers to run: exact, float or all.")
    var tier: TierChoice = .all

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var budget: ClaimBudget

    static let header = "claim             tier   cases  result  error (float: worst normwise / bound, max ulp)  time"

    func run() throws {
        budget.prepareChild(ids)
        let all = try resolve(ids)
        // Claims that declare none of the requested tiers (an exact-only claim under --tier float).
        let claims = all.filter { !$0.tiers.filter(tier.tiers.contains).isEmpty }
        let skipped = all.filter { $0.tiers.filter(tier.tiers.contains).isEmpty }.map(\.id)
        if budget.child {
            // One claim, in a process of its own: its lines and entry for the parent.
            guard let claim = claims.first, claims.count == 1 else { throw ValidationError("--child runs exactly one claim") }
            let report = ClaimReport.run(claim, tiers: tier.tiers)
            let envelope = Envelope(text: Self.text(report), entry: CheckDocument(reports: [report]).claims[0], passed: report.passed)
            print(String(decoding: try JSONEncoder.pretty.encode(envelope), as: UTF8.self))
            return
        }
        // Constants and shared arithmetic first: both views of every claim rest on them.
        let preflightFailures = Preflight.failures()
        let preflight = Preflight.checks.map { c in
            CheckDocument.PreflightEntry(name: c.name, passed: !preflightFailures.contains { $0.name == c.name },
                                         detail: preflightFailures.first { $0.name == c.name }?.detail)
        }
        if !json {
            for f in preflightFailures { print("PREFLIGHT FAIL: \(f.name): \(f.detail)") }
            print("preflight: \(preflight.count - preflightFailures.count) of \(preflight.count) checks of printed constants and " +
                  "shared arithmetic passed")
            print(Self.header)
        }
        var entries: [CheckDocument.ClaimEntry] = []
        if budget.inProcess {
            for claim in claims {
                let report = ClaimReport.run(claim, tiers: tier.tiers)
                entries.append(CheckDocument(reports: [report]).claims[0])
                if !json { print(Self.text(report), terminator: "") }
            }
        } else {
            let arguments: (String) -> [String] = { ["check", $0, "--tier", tier.rawValue] }
            try ClaimIsolation.run(ids: claims.map(\.id), budget: budget, arguments: arguments) { i, outcome in
                let text: String
                switch outcome {
                case .finished(let data):
                    do {
                        let envelope = try JSONDecoder.envelope.decode(Envelope<CheckDocument.ClaimEntry>.self, from: data)
                        entries.append(envelope.entry)
                        text = envelope.text
                    } catch {
                        entries.append(CheckDocument.broken(claims[i], reason: "printed no readable report: \(error)"))
                        text = "\(claims[i].id.padding(18))FAIL: printed no readable report\n"
                    }
                case .broken(let reason):
                    entries.append(CheckDocument.broken(claims[i], reason: reason))
                    text = "\(claims[i].id.padding(18))FAIL: \(reason); its \(claims[i].mutants.count) mutants count as not rejected\n"
                }
                if !json { print(text, terminator: "") }
            }
        }
        var doc = CheckDocument(entries: entries)
        doc.preflight = preflight
        if json {
            print(try doc.encoded())
        } else {
            let s = doc.summary
            if !skipped.isEmpty { print("not run (no \(tier.rawValue) tier): \(skipped.joined(separator: ", "))") }
            print("\(s.passed) of \(s.claims) claims passed, \(s.failed) failed; \(s.mutantsRejected) of \(s.mutantsTotal) mutants " +
                  "rejected")
        }
        if doc.summary.failed > 0 || doc.summary.mutantsRejected < doc.summary.mutantsTotal || !preflightFailures.isEmpty {
            throw ExitCode(1)
        }
    }

    /// A claim's lines of the text report.
    static func text(_ r: ClaimReport) -> String {
        var out: [String] = []
        func print(_ line: String) { out.append(line) }
        for (i, t) in r.tiers.enumerated() {
            let name = i == 0 ? r.claim.id : ""
            var error = ""
            if t.tier == .float, let e = t.worstNormwise, let f = t.worstBoundFraction {
                error = "\(format(e)) (\(format(f * 100))% of bound), \(format(t.maxUlp ?? 0)) ulp"
            } else if t.tier == .exact {
                error = "== on rationals"
            }
            let verdict = t.passed ? "PASS" : "FAIL"
            print(name.padding(18) + t.tier.rawValue.padding(7) + String(t.applicableCases).padding(7) + verdict.padding(8)
                  + error.padding(48) + "\(format(t.seconds))s")
            for f in t.failures.prefix(3) {
                let at = f.firstDifference.map { " at [\($0.index)]: expected \($0.expected), got \($0.actual)" } ?? ""
                print("    failed: \(f.label) \(f.quantity)" + at)
            }
        }
        print("  \(r.claim.references.text)")
        for m in r.mutants {
            let by = m.rejectedBy.map { " by \($0.label) \($0.quantity)" } ?? ""
            let seconds = m.tiers.reduce(0) { $0 + $1.seconds }
            guard m.ran else {
                print("  mutant \(m.mutant.id): not run (applies to no case of the tiers requested)")
                continue
            }
            print("  mutant \(m.mutant.id): \(m.rejected ? "rejected" : "NOT REJECTED")\(by) (\(format(seconds))s)")
        }
        return out.map { $0 + "\n" }.joined()
    }
}

func format(_ x: Double) -> String {
    if x == 0 { return "0" }
    if x > 0 && x < 0.01 && x > 1e-3 { return "<0.01" }
    if x.magnitude >= 0.01 && x.magnitude < 1e5 {
        let r = (x * 100).rounded() / 100
        return "\(r)"
    }
    var s = "\(x)"
    if let idx = s.firstIndex(of: "e") {
        let mant = Double(s[..<idx]) ?? x
        s = "\((mant * 100).rounded() / 100)" + s[idx...]
    }
    return s
}
