import ArgumentParser
import SpecClaims

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run claims and their mutants; exit non-zero if a claim fails or a mutant is not rejected.")

    @Argument(help: "Claim ids to run (default: all).")
    var ids: [String] = []

    @Option(help: "Tiers to run: exact, float or all.")
    var tier: TierChoice = .all

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let all = try resolve(ids)
        // Claims that declare none of the requested tiers (an exact-only claim under --tier float).
        let claims = all.filter { !$0.tiers.filter(tier.tiers.contains).isEmpty }
        let skipped = all.filter { $0.tiers.filter(tier.tiers.contains).isEmpty }.map(\.id)
        var reports: [ClaimReport] = []
        if !json {
            print("claim             tier   cases  result  error (float: worst normwise / bound, max ulp)  time")
        }
        for claim in claims {
            let report = ClaimReport.run(claim, tiers: tier.tiers)
            reports.append(report)
            if !json { printText(report) }
        }
        let doc = CheckDocument(reports: reports)
        if json {
            print(try doc.encoded())
        } else {
            let s = doc.summary
            if !skipped.isEmpty { print("not run (no \(tier.rawValue) tier): \(skipped.joined(separator: ", "))") }
            print("\(s.passed) of \(s.claims) claims passed, \(s.failed) failed; \(s.mutantsRejected) of \(s.mutantsTotal) mutants rejected")
        }
        if doc.summary.failed > 0 || doc.summary.mutantsRejected < doc.summary.mutantsTotal {
            throw ExitCode(1)
        }
    }

    func printText(_ r: ClaimReport) {
        for (i, t) in r.tiers.enumerated() {
            let name = i == 0 ? r.claim.id : ""
            var error = ""
            if t.tier == .float, let e = t.worstNormwise, let f = t.worstBoundFraction {
                error = "\(format(e)) (\(format(f * 100))% of bound), \(format(t.maxUlp ?? 0)) ulp"
            } else if t.tier == .exact {
                error = "== on rationals"
            }
            print("\(name.padding(18))\(t.tier.rawValue.padding(7))\(String(t.applicableCases).padding(7))\((t.passed ? "PASS" : "FAIL").padding(8))\(error.padding(48))\(format(t.seconds))s")
            for f in t.failures.prefix(3) {
                print("    failed: \(f.label) \(f.quantity)" + (f.firstDifference.map { " at [\($0.index)]: expected \($0.expected), got \($0.actual)" } ?? ""))
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
