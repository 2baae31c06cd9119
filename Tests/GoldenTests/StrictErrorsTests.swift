import Foundation
import Testing
import ExactMath
@testable import Golden

/// The invalid-case flag of a case (every invalid case carries exactly one).
private func kind(_ c: GoldenCase) -> String? {
    c.flags.first { InvalidInputKind(rawValue: $0) != nil }
}

/// A flag other than `kind`, `k` choosing which.
private func otherKind(_ kind: String, _ k: Int) -> String {
    let all = InvalidInputKind.allCases.map(\.rawValue)
    return all[(all.firstIndex(of: kind)! + 1 + k % 3) % all.count]
}

private func grade(_ doc: ResultsDocument, ops: Set<String>? = nil, strict: Bool) throws -> GradingReport {
    try Verifier.verify(suite: committedSuite, results: doc, resultsFile: "r.json", ops: ops, strictErrors: strict)
}

/// The reference's results with every refusal's `errorKind` replaced by `choose(case, k)`.
private func refusals(_ choose: (GoldenCase, Int) -> String?) -> ResultsDocument {
    var doc = referenceDocument()
    let invalid = committedSuite.cases.filter { $0.result == "invalid" }
    for (k, c) in invalid.enumerated() {
        let i = doc.results.firstIndex { $0.tcId == c.tcId }!
        doc.results[i].error = "refused: \(c.comment)"
        doc.results[i].errorKind = choose(c, k)
    }
    return doc
}

@Suite("errorKind and --strict-errors (Golden/FORMAT.md, \"Verdicts\")")
struct StrictErrorsTests {
    @Test("every invalid case carries exactly one invalid-case flag, no valid case one")
    func oneKindPerInvalidCase() {
        #expect(InvalidInputKind.names(in: committedSuite.manifest) == Set(InvalidInputKind.allCases.map(\.rawValue)))
        for c in committedSuite.cases {
            let kinds = c.flags.filter { InvalidInputKind(rawValue: $0) != nil }
            #expect(kinds.count == (c.result == "invalid" ? 1 : 0), "tcId \(c.tcId): flags \(c.flags)")
        }
    }

    @Test("both tiers of the reference refuse every invalid draft with the kind its flag names")
    func referenceKinds() {
        for draft in GoldenSuite.drafts() where !draft.valid {
            let label = "\(draft.op.name): \(draft.comment)"
            for tier in ["Double", "Rational"] {
                do {
                    if tier == "Double" {
                        _ = try draft.op.run(OpInputs<Double>(tensors: draft.inputs, options: draft.options))
                    } else {
                        _ = try draft.op.run(OpInputs<Rational>(tensors: draft.inputs, options: draft.options))
                    }
                    Issue.record("\(label): accepted in \(tier)")
                } catch let e as GoldenError {
                    #expect(e.kind.map { draft.flags.contains($0.rawValue) } == true,
                            "\(label): \(tier) refused as \(e.kind?.rawValue ?? "no kind") (\(e.message)), flags \(draft.flags)")
                } catch {
                    Issue.record("\(label): \(tier) threw \(error)")
                }
            }
        }
    }

    @Test("the Double reference's results name every refusal's kind and pass --strict-errors")
    func referencePassesStrict() throws {
        let doc = referenceDocument()
        for r in doc.results where r.error != nil {
            let c = try #require(committedSuite.cases.first { $0.tcId == r.tcId })
            #expect(r.errorKind != nil && r.errorKind == kind(c), "tcId \(r.tcId): \(r.errorKind ?? "no kind")")
        }
        let report = try grade(doc, strict: true)
        #expect(!report.failed)
        let n = committedSuite.cases.filter { $0.result == "invalid" }.count
        #expect(report.summary.refused == n && report.summary.refusedMatchingKind == n)
        #expect(report.text().hasPrefix("suite \(GoldenSuite.suiteVersion), implementation NestedLearningSpec Double reference, "
                                        + "precision f64, strict errors\n"))
    }

    @Test("without --strict-errors every refusal passes and only matching kinds count; with it the others fail with their own lines")
    func strictVerdicts() throws {
        let doc = refusals { c, k in [kind(c), nil, otherKind(kind(c)!, k)][k % 3] }
        let invalid = committedSuite.cases.filter { $0.result == "invalid" }
        let matching = (0..<invalid.count).filter { $0 % 3 == 0 }.count
        let plain = try grade(doc, strict: false)
        #expect(!plain.failed && plain.summary.refused == invalid.count && plain.summary.refusedMatchingKind == matching)
        let s = plain.summary
        #expect(plain.summaryLine == "\(s.passed) passed (\(s.withinTolerance) within tolerance, \(invalid.count) refused, "
                + "\(matching) of them with the matching errorKind), 0 failed, 0 skipped (0 missing)")
        let strict = try grade(doc, strict: true)
        #expect(strict.failed && strict.summary.failed == invalid.count - matching)
        #expect(strict.summary.refused == matching && strict.summary.refusedMatchingKind == matching)
        for (k, c) in invalid.enumerated() {
            let v = try #require(strict.verdicts.first { $0.tcId == c.tcId })
            let head = "FAIL \(c.tcId) \(c.op): an invalid input was refused"
            let tail = "(flags \(c.flags.joined(separator: ", "))): refused: \(c.comment)"
            switch k % 3 {
            case 0: #expect(v.status == .passed && v.reason == .refused && v.line == nil)
            case 1: #expect(v.reason == .refusedNoKind && v.line == "\(head) without an errorKind \(tail)")
            default: #expect(v.reason == .refusedWrongKind && v.line == "\(head) as \(otherKind(kind(c)!, k)) \(tail)", "\(v.line ?? "")")
            }
        }
    }

    @Test("the JSON and JUnit reports carry strictErrors, refusedMatchingKind and each case's errorKind")
    func reports() throws {
        let invalid = committedSuite.cases.filter { $0.op == "dgd.step" && $0.result == "invalid" }
        let doc = refusals { c, _ in c.tcId == invalid[0].tcId ? nil : kind(c) }
        for strict in [false, true] {
            let report = try grade(doc, ops: ["dgd.step"], strict: strict)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
            #expect(json["strictErrors"] as? Bool == strict)
            let op = try #require((json["ops"] as? [[String: Any]])?.first)
            #expect(op["refusedMatchingKind"] as? Int == invalid.count - 1)
            #expect(op["refused"] as? Int == invalid.count - (strict ? 1 : 0))
            #expect((json["summary"] as? [String: Any])?["refusedMatchingKind"] as? Int == invalid.count - 1)
            let cases = try #require(json["cases"] as? [[String: Any]])
            let first = try #require(cases.first { $0["tcId"] as? Int == invalid[0].tcId })
            #expect(first["errorKind"] is NSNull && first["reason"] as? String == (strict ? "refused-no-kind" : "refused"))
            let second = try #require(cases.first { $0["tcId"] as? Int == invalid[1].tcId })
            #expect(second["errorKind"] as? String == kind(invalid[1]))
            let junit = report.junit()
            #expect(junit.contains("<properties><property name=\"refused\" value=\"\(invalid.count - (strict ? 1 : 0))\"/>"
                                   + "<property name=\"refusedMatchingKind\" value=\"\(invalid.count - 1)\"/>"
                                   + "<property name=\"strictErrors\" value=\"\(strict)\"/></properties>"))
        }
    }

    @Test("a refused valid case keeps its reason, and its errorKind is reported")
    func refusedValid() throws {
        let c = try #require(committedSuite.cases.first { $0.op == "dgd.step" && $0.result == "valid" })
        let entry = ResultsDocument.Entry(tcId: c.tcId, op: c.op, outputs: nil, error: "no", errorKind: "OutOfRange")
        let doc = ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: nil, results: [entry])
        for strict in [false, true] {
            let v = try #require(try grade(doc, ops: ["dgd.step"], strict: strict).verdicts.first { $0.tcId == c.tcId })
            #expect(v.reason == .refusedValid && v.errorKind == "OutOfRange" && !v.matchingKind)
            #expect(v.line == "FAIL \(c.tcId) dgd.step: a valid input was refused: no")
        }
    }

    @Test("an errorKind that is not a string, not an invalid-case flag of the suite, or beside outputs is malformed")
    func malformed() throws {
        let bad = try #require(committedSuite.cases.first { $0.result == "invalid" })
        let good = try #require(committedSuite.cases.first { $0.result == "valid" })
        func document(_ entry: String) -> Data {
            Data("{\"suiteVersion\": \"\(GoldenSuite.suiteVersion)\", \"results\": [\(entry)]}".utf8)
        }
        let refusal = "{\"tcId\": \(bad.tcId), \"op\": \"\(bad.op)\", \"error\": \"no\", \"errorKind\": "
        for value in ["null", "1", "[\"NonFinite\"]"] {
            #expect {
                _ = try ResultsDocument.decode(document(refusal + value + "}"), file: "r.json")
            } throws: { e in
                (e as? GoldenError).map { $0.file == "r.json" && $0.tcId == bad.tcId && $0.field == "results[0].errorKind" } ?? false
            }
        }
        for value in ["\"shape\"", "\"nonfinite\"", "\"Small\"", "\"NonFinite \""] {
            let doc = try ResultsDocument.decode(document(refusal + value + "}"), file: "r.json")
            #expect {
                _ = try grade(doc, strict: false)
            } throws: { e in
                guard let e = e as? GoldenError else { return false }
                return e.tcId == bad.tcId && e.field == "results[0].errorKind" && e.message.contains("not an invalid-case flag")
            }
        }
        let outputs = ResultsDocument.Entry(tcId: good.tcId, op: good.op, outputs: [:], error: nil, errorKind: "NonFinite")
        #expect {
            _ = try grade(ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: nil, results: [outputs]), strict: true)
        } throws: { e in
            (e as? GoldenError).map { $0.field == "results[0].errorKind" && $0.message.contains("goes only with an error") } ?? false
        }
    }
}
