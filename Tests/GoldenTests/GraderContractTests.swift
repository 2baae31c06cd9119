import Foundation
import Testing
import ExactMath
@testable import Golden

/// The committed suite, loaded once for the grading tests.
let committedSuite: LoadedSuite = try! LoadedSuite.load(from: goldenDirectory)

/// The reference's results as a mutable document.
func referenceDocument() -> ResultsDocument { Verifier.referenceResults(suite: committedSuite) }

/// Replaces element `i` of output `name` of case `tcId` with the double `x`.
func perturb(_ doc: inout ResultsDocument, tcId: Int, _ name: String, _ i: Int, to x: Double) {
    let r = doc.results.firstIndex { $0.tcId == tcId }!
    doc.results[r].outputs![name]!.f64![i] = Tensor.hex(x)
}

func expectedDouble(_ c: GoldenCase, _ name: String, _ i: Int) -> Double {
    Tensor.double(fromHex: c.expected![name]!.f64![i])!
}

/// The verdict on case `tcId` when `doc` is graded (only the ops in `ops`, nil: all).
func verdict(_ doc: ResultsDocument, _ tcId: Int, ops: Set<String>? = nil) throws -> CaseVerdict? {
    try Verifier.verify(suite: committedSuite, results: doc, resultsFile: "r.json", ops: ops).verdicts.first { $0.tcId == tcId }
}

@Suite("Grading contract (Golden/FORMAT.md): verdicts, first failing element, report lines")
struct GraderContractTests {
    @Test("a non-zero result where the exact value is 0 is graded, with no ulp figure taken at the zero")
    func nearZero() throws {
        let (c, name, i) = try #require(committedSuite.cases.lazy.compactMap { c -> (GoldenCase, String, Int)? in
            guard c.result == "valid" else { return nil }
            for (name, t) in c.expected! { if let i = t.q!.firstIndex(of: "0") { return (c, name, i) } }
            return nil
        }.first)
        for x in [0x1p-1074, 1e-300, 1e300] {
            var doc = referenceDocument()
            perturb(&doc, tcId: c.tcId, name, i, to: x)
            let v = try #require(try verdict(doc, c.tcId, ops: [c.op]))
            let rad = Tensor.double(fromHex: c.expected![name]!.rad![i])!
            #expect(v.status == (x <= rad ? .passed : .failed))
            if let u = v.worstUlp {
                #expect(u.isFinite && u < 1e6, "ulp figure \(u) must not be taken at the exact zero")
            }
            if x == 1e300 {
                let ratio = try #require(v.errorOverAllowed)
                #expect(ratio > 1e250)
                #expect(v.line?.contains(": expected 0 ~ 0, given 1.0000000000000001e+300, |error| 1e+300, allowed ") == true,
                        "\(v.line ?? "")")
            }
        }
    }

    @Test("the first failing element is the earliest token, not the first output in alphabetical order")
    func tokenOrder() throws {
        let c = try #require(committedSuite.cases.first {
            $0.op == "delta_rule.sequence" && $0.result == "valid" && $0.expected!["Y"]!.shape[0] >= 3
        })
        let y = c.expected!["Y"]!
        let width = y.shape[1]
        var doc = referenceDocument()
        perturb(&doc, tcId: c.tcId, "M_T", 0, to: expectedDouble(c, "M_T", 0) + 1)
        perturb(&doc, tcId: c.tcId, "Y", 2 * width, to: expectedDouble(c, "Y", 2 * width) + 1)
        perturb(&doc, tcId: c.tcId, "Y", 2 * width + 1, to: expectedDouble(c, "Y", 2 * width + 1) + 1)
        perturb(&doc, tcId: c.tcId, "Y", width + 1, to: expectedDouble(c, "Y", width + 1) + 1)
        let v = try #require(try verdict(doc, c.tcId))
        let head = "FAIL \(c.tcId) delta_rule.sequence Y[1,1]: first of 3 failing elements (of \(y.elementCount)): expected "
        #expect(v.line?.hasPrefix(head) == true, "\(v.line ?? "")")
        #expect(v.failingElements == 3)
    }

    @Test("a CMS parameter update is ordered by the token it follows")
    func updateOrder() throws {
        let c = try #require(committedSuite.cases.first { c in
            c.op == "cms_level.run" && c.result == "valid"
                && (c.expected!["update_tokens"]!.q!.first.flatMap { Int($0) } ?? 99) < c.expected!["Y"]!.shape[0]
        })
        let firstUpdate = Int(c.expected!["update_tokens"]!.q![0])!
        let width = c.expected!["Y"]!.shape[1]
        var doc = referenceDocument()
        perturb(&doc, tcId: c.tcId, "W1_after", 0, to: expectedDouble(c, "W1_after", 0) + 1)
        perturb(&doc, tcId: c.tcId, "Y", firstUpdate * width, to: expectedDouble(c, "Y", firstUpdate * width) + 1)
        let v = try #require(try verdict(doc, c.tcId))
        let shape = c.expected!["W1_after"]!.shape
        #expect(v.line?.contains("W1_after\(ReportFormat.multiIndex(0, shape: shape)): first of 1 failing") == true, "\(v.line ?? "")")
    }

    @Test("structural failures and refusals have their own reasons and lines")
    func reasons() throws {
        let c = try #require(committedSuite.cases.first { $0.op == "dgd.step" && $0.result == "valid" })
        let bad = try #require(committedSuite.cases.first { $0.op == "dgd.step" && $0.result == "invalid" })
        let shape = c.expected!["W_next"]!.shape
        let n = c.expected!["W_next"]!.elementCount
        func grade(_ entry: ResultsDocument.Entry) throws -> CaseVerdict {
            let doc = ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: nil, results: [entry])
            return try verdict(doc, entry.tcId, ops: ["dgd.step"])!
        }
        let missing = try grade(.init(tcId: c.tcId, op: c.op, outputs: [:], error: nil))
        #expect(missing.reason == .outputMissing && missing.line == "FAIL \(c.tcId) dgd.step: output W_next is missing")
        let zeros = ResultsDocument.Values(shape: [n], f64: Array(repeating: "0000000000000000", count: n))
        let wrongShape = try grade(.init(tcId: c.tcId, op: c.op, outputs: ["W_next": zeros], error: nil))
        #expect(wrongShape.reason == .shape
                && wrongShape.line == "FAIL \(c.tcId) dgd.step: output W_next has shape [\(n)], expected \(shape)")
        let count = try grade(.init(tcId: c.tcId, op: c.op, outputs: ["W_next": .init(shape: nil, f64: ["0000000000000000"])], error: nil))
        #expect(count.reason == .count
                && count.line == "FAIL \(c.tcId) dgd.step: output W_next has 1 values, expected \(n) (shape \(shape))")
        let refused = try grade(.init(tcId: c.tcId, op: c.op, outputs: nil, error: "boom\nat line 2"))
        #expect(refused.reason == .refusedValid && refused.line == "FAIL \(c.tcId) dgd.step: a valid input was refused: boom at line 2")
        let nans = ResultsDocument.Values(shape: nil, f64: nil, decimal: Array(repeating: "NaN", count: n))
        let nan = try grade(.init(tcId: c.tcId, op: c.op, outputs: ["W_next": nans], error: nil))
        #expect(nan.reason == .outOfTolerance && nan.failingElements == n)
        #expect(nan.line?.contains("given NaN, |error| n/a, allowed ") == true && nan.line?.hasSuffix("error/allowed n/a") == true,
                "\(nan.line ?? "")")
        let refusal = try grade(.init(tcId: bad.tcId, op: bad.op, outputs: nil, error: "no"))
        #expect(refusal.status == .passed && refusal.reason == .refused)
        let accepted = try grade(.init(tcId: bad.tcId, op: bad.op, outputs: ["W_next": .init(shape: nil, f64: [])], error: nil))
        #expect(accepted.line
                == "FAIL \(bad.tcId) dgd.step: an invalid input was not refused (flags \(bad.flags.joined(separator: ", ")))")
    }

    @Test("the text report: header, FAIL and MISSING lines, the table, the summary; JSON and JUnit")
    func renderings() throws {
        var doc = referenceDocument()
        let ops: Set<String> = ["dgd.step", "linear.gd_step"]
        let dgd = committedSuite.cases.filter { $0.op == "dgd.step" }.map(\.tcId)
        doc.results.removeAll { [dgd[1], dgd[2], dgd[4]].contains($0.tcId) }
        let report = try Verifier.verify(suite: committedSuite, results: doc, resultsFile: "r.json", ops: ops)
        let lines = report.text().split(separator: "\n").map(String.init)
        #expect(lines[0] == "suite \(GoldenSuite.suiteVersion), implementation NestedLearningSpec Double reference, precision f64")
        #expect(lines.contains("MISSING dgd.step: 3 cases (tcId \(dgd[1])-\(dgd[2]), \(dgd[4]))"))
        #expect(lines.contains { $0.hasPrefix("op              valid  refused  failed  skipped  error/allowed  worst ulp (information)") })
        let s = report.summary
        #expect(s.refusedMatchingKind == s.refused, "the reference names the kind of every refusal")
        #expect(lines.last == "\(s.passed) passed (\(s.withinTolerance) within tolerance, \(s.refused) refused, "
                + "\(s.refusedMatchingKind) of them with the matching errorKind), 0 failed, 3 skipped (3 missing)")
        let verbose = report.text(verbose: true)
        #expect(verbose.contains("MISSING \(dgd[1]) dgd.step\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "nl-golden-report/1")
        #expect((json["cases"] as? [Any])?.count == report.verdicts.count)
        #expect((json["summary"] as? [String: Int])?["missing"] == 3)
        let junit = report.junit()
        #expect(junit.contains("<testsuite name=\"dgd.step\" tests=\"\(dgd.count)\" failures=\"0\" skipped=\"3\">"))
        #expect(junit.contains("<testcase classname=\"dgd.step\" name=\"tcId \(dgd[1])\"><skipped message=\"missing\"/></testcase>"))
    }

    @Test("--op is exact and repeatable, --op-prefix selects by prefix, a selection of nothing is an error")
    func selection() throws {
        #expect(try Verifier.selectOps(committedSuite, names: [], prefixes: []) == nil)
        #expect(try Verifier.selectOps(committedSuite, names: ["delta_rule.sequence", "dgd.step"], prefixes: [])
                == ["delta_rule.sequence", "dgd.step"])
        #expect(try Verifier.selectOps(committedSuite, names: [], prefixes: ["delta_rule."])
                == ["delta_rule.sequence", "delta_rule.two_calls"])
        #expect(throws: GradingUsageError.self) { try Verifier.selectOps(committedSuite, names: ["delta"], prefixes: []) }
        #expect(throws: GradingUsageError.self) { try Verifier.selectOps(committedSuite, names: [], prefixes: ["nosuchop"]) }
    }

    @Test("number and string formats are C's printf and the contract's shorten")
    func formats() {
        #expect(ReportFormat.fmt17(0.1) == "0.10000000000000001")
        #expect(ReportFormat.fmt17(1e300) == "1.0000000000000001e+300")
        #expect(ReportFormat.fmt17(-0.0) == "-0")
        #expect(ReportFormat.fmt3(0.000123456) == "0.000123")
        #expect(ReportFormat.fmt3(1234567) == "1.23e+06")
        #expect(ReportFormat.fmt3(.nan) == "nan" && ReportFormat.fmt3(-.infinity) == "-inf")
        let long = String(repeating: "7", count: 100) + "/3"
        #expect(ReportFormat.number(long) == String(repeating: "7", count: 24) + "..." + String(repeating: "7", count: 10)
                + "/3 (102 chars)")
        #expect(ReportFormat.number(String(repeating: "1", count: 39)) == String(repeating: "1", count: 39))
        #expect(ReportFormat.message("a\u{0}b\u{85}c\td") == "a b c d")
        #expect(ReportFormat.ranges([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8")
        #expect(ReportFormat.multiIndex(5, shape: [2, 3]) == "[1,2]" && ReportFormat.multiIndex(0, shape: []) == "[]")
    }
}
