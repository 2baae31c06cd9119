import Foundation

/// The verdicts on a results file and their three renderings (`Golden/FORMAT.md`, "The text
/// report", "--json", "--junit"), the same in every grader.
public struct GradingReport: Sendable {
    public let suiteVersion: String
    public let implementation: String?
    public let precision: Precision
    /// Graded with `--strict-errors`: a refusal passes only with the case's flag as its `errorKind`.
    public let strictErrors: Bool
    /// The selected ops in report order: by their first tcId, then the ops without a case, by name.
    public let selectedOps: [String]
    public let verdicts: [CaseVerdict]

    /// Counts and figures for one op, or for the whole report.
    public struct Tally: Sendable {
        public var withinTolerance = 0, refused = 0, failed = 0, skipped = 0, missing = 0
        /// Refusals (passed) whose `errorKind` is the case's flag.
        public var refusedMatchingKind = 0
        public var errorOverAllowed: Double?
        public var worstUlp: Double?
        public var worstUlpTcId: Int?
        public var passed: Int { withinTolerance + refused }

        mutating func add(_ v: CaseVerdict) {
            switch (v.status, v.reason) {
            case (.passed, .refused): refused += 1; if v.matchingKind { refusedMatchingKind += 1 }
            case (.passed, _): withinTolerance += 1
            case (.failed, _): failed += 1
            case (.skipped, let r): skipped += 1; if r == .missing { missing += 1 }
            }
            if let r = v.errorOverAllowed { errorOverAllowed = max(errorOverAllowed ?? r, r) }
            if let u = v.worstUlp, worstUlp == nil || u > worstUlp! { worstUlp = u; worstUlpTcId = v.tcId }
        }
    }

    /// The selected ops in report order, with their tallies (an op without a case has zeros).
    public var ops: [(op: String, tally: Tally)] {
        var tallies: [String: Tally] = [:]
        for v in verdicts { tallies[v.op, default: Tally()].add(v) }
        return selectedOps.map { ($0, tallies[$0] ?? Tally()) }
    }

    public var summary: Tally { verdicts.reduce(into: Tally()) { $0.add($1) } }
    public var failed: Bool { verdicts.contains { $0.status == .failed } }

    public var summaryLine: String {
        let s = summary
        return "\(s.passed) passed (\(s.withinTolerance) within tolerance, \(s.refused) refused, "
            + "\(s.refusedMatchingKind) of them with the matching errorKind), "
            + "\(s.failed) failed, \(s.skipped) skipped (\(s.missing) missing)"
    }

    /// The text report.
    public func text(verbose: Bool = false) -> String {
        let name = implementation.map(ReportFormat.message) ?? "(unnamed)"
        let strict = strictErrors ? ", strict errors" : ""
        var lines = ["suite \(suiteVersion), implementation \(name), precision \(precision.rawValue)\(strict)"]
        let ops = self.ops
        for (op, _) in ops {
            let mine = verdicts.filter { $0.op == op }
            lines += mine.compactMap { $0.status == .failed ? $0.line : nil }
            let missing = mine.filter { $0.reason == .missing }.map(\.tcId)
            if verbose {
                lines += missing.map { "MISSING \($0) \(op)" }
            } else if !missing.isEmpty {
                let cases = "\(missing.count) case\(missing.count == 1 ? "" : "s")"
                lines.append("MISSING \(op): \(cases) (tcId \(ReportFormat.ranges(missing)))")
            }
        }
        let width = max(2, ops.map(\.op.count).max() ?? 0)
        func pad(_ s: String, _ n: Int, left: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        lines.append(pad("op", width, left: true) + "  valid  refused  failed  skipped  error/allowed  worst ulp (information)")
        for (op, t) in ops {
            let ratio = t.errorOverAllowed.map(ReportFormat.fmt3) ?? "-"
            let ulp = t.worstUlp.map { "\(ReportFormat.fmt3($0)) (tcId \(t.worstUlpTcId!))" } ?? "-"
            lines.append(pad(op, width, left: true) + "  " + pad("\(t.withinTolerance)", 5, left: false)
                         + "  " + pad("\(t.refused)", 7, left: false) + "  " + pad("\(t.failed)", 6, left: false)
                         + "  " + pad("\(t.skipped)", 7, left: false) + "  " + pad(ratio, 13, left: true) + "  " + ulp)
        }
        lines.append(summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `--json` report, `nl-golden-report/1` (fields are only ever added within version 1).
    public func json() throws -> String {
        func number(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
        func counts(_ t: Tally) -> [String: Any] {
            ["passed": t.passed, "withinTolerance": t.withinTolerance, "refused": t.refused,
             "refusedMatchingKind": t.refusedMatchingKind, "failed": t.failed, "skipped": t.skipped, "missing": t.missing]
        }
        let ops: [[String: Any]] = self.ops.map { op, t in
            var o = counts(t)
            o["op"] = op
            o["errorOverAllowed"] = number(t.errorOverAllowed)
            o["worstUlp"] = number(t.worstUlp)
            o["worstUlpTcId"] = t.worstUlpTcId ?? NSNull()
            return o
        }
        let cases: [[String: Any]] = verdicts.map { v in
            ["tcId": v.tcId, "op": v.op, "result": v.result, "status": v.status.rawValue, "reason": v.reason.rawValue,
             "line": v.line ?? NSNull(), "failingElements": v.failingElements ?? NSNull(),
             "errorOverAllowed": number(v.errorOverAllowed), "worstUlp": number(v.worstUlp), "errorKind": v.errorKind ?? NSNull()]
        }
        let doc: [String: Any] = ["schema": "nl-golden-report/1", "suiteVersion": suiteVersion,
                                  "implementation": implementation ?? NSNull(), "precision": precision.rawValue,
                                  "strictErrors": strictErrors, "ops": ops, "cases": cases, "summary": counts(summary)]
        let data = try JSONSerialization.data(withJSONObject: doc,
                                              options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The `--junit FILE` report; each op's testsuite carries its refusals, those with the
    /// matching `errorKind` and whether `--strict-errors` was given as properties.
    public func junit() -> String {
        func attr(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let s = summary
        var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<testsuites name=\"nl-golden\" tests=\"\(verdicts.count)\" failures=\"\(s.failed)\" skipped=\"\(s.skipped)\">"]
        for (op, t) in ops {
            let counts = "tests=\"\(t.passed + t.failed + t.skipped)\" failures=\"\(t.failed)\" skipped=\"\(t.skipped)\""
            xml.append("  <testsuite name=\"\(attr(op))\" \(counts)>")
            xml.append("    <properties><property name=\"refused\" value=\"\(t.refused)\"/>"
                       + "<property name=\"refusedMatchingKind\" value=\"\(t.refusedMatchingKind)\"/>"
                       + "<property name=\"strictErrors\" value=\"\(strictErrors)\"/></properties>")
            for v in verdicts where v.op == op {
                let open = "    <testcase classname=\"\(attr(op))\" name=\"tcId \(v.tcId)\""
                switch v.status {
                case .passed: xml.append(open + "/>")
                case .failed: xml.append(open + "><failure message=\"\(attr(v.line ?? ""))\"/></testcase>")
                case .skipped: xml.append(open + "><skipped message=\"\(v.reason.rawValue)\"/></testcase>")
                }
            }
            xml.append("  </testsuite>")
        }
        xml.append("</testsuites>")
        return xml.joined(separator: "\n") + "\n"
    }
}
