import Foundation
import Testing
import ExactMath
@testable import Golden

/// Decodes a results file from text, grading it against the committed suite.
func gradeText(_ text: String) throws -> GradingReport {
    let doc = try ResultsDocument.decode(Data(text.utf8), file: "r.json")
    return try Verifier.verify(suite: committedSuite, results: doc, resultsFile: "r.json")
}

/// The message of the ``GoldenError`` that `body` throws (nil if it throws none).
func goldenError(_ body: () throws -> Void) -> GoldenError? {
    do { try body(); return nil } catch let e as GoldenError { return e } catch {
        return GoldenError(file: "?", "unexpected \(type(of: error)): \(error)")
    }
}

@Suite("Readers refuse what FORMAT.md refuses, with a clear error and never a trap")
struct ReaderRobustnessTests {
    static var dgd: GoldenCase { committedSuite.cases.first { $0.op == "dgd.step" && $0.result == "valid" }! }
    static var head: String { "{\"suiteVersion\": \"\(GoldenSuite.suiteVersion)\", \"results\": " }
    static var entry: String { "{\"tcId\": \(dgd.tcId), \"op\": \"dgd.step\", \"error\": \"no\"}" }

    @Test("strict JSON: each damaged results file is malformed, with line and column for syntax errors", arguments: [
        ("{\"suiteVersion\": \"x\", \"suiteVersion\": \"y\", \"results\": []}", "duplicate key"),
        ("#H[{\"tcId\": 1.0, \"op\": \"dgd.step\", \"error\": \"no\"}]}", "integer literal"),
        ("#H[{\"tcId\": #T, \"op\": \"dgd.step\", \"error\": null}]}", "expected a string"),
        ("#H[{\"tcId\": #T, \"error\": \"no\"}]}", "results[0].op"),
        ("#H[{\"tcId\": #T, \"op\": 7, \"error\": \"no\"}]}", "expected a string"),
        ("#H[{\"tcId\": #T, \"op\": \"dgd.step\", \"outputs\": {\"W_next\": {\"decimal\": [\"0x1p3\"]}}}]}", "not a decimal"),
        ("#H[{\"tcId\": #T, \"op\": \"dgd.step\", \"outputs\": {\"W_next\": {\"decimal\": [\"nan\"]}}}]}", "not a decimal"),
        ("#H[#E], \"implementation\": \"\\ud800\"}", "lone high surrogate"),
        ("#H[#E], \"implementation\": \"\\udc00x\"}", "lone low surrogate"),
        ("#H[#E,]}", "line 1, column"),
        ("#H[#E]} // comment", "after the document"),
        ("#H[{\"tcId\": #T, \"op\": \"dgd.step\", \"error\": \"no\", \"ouputs\": {}}]}", "unknown field"),
        ("#H[#E], \"x-extra\": 1, \"extra\": 2}", "unknown field"),
        ("#H[{\"tcId\": 99999999999999999999, \"op\": \"dgd.step\", \"error\": \"no\"}]}", "outside 0"),
        ("#H[{\"tcId\": NaN, \"op\": \"dgd.step\", \"error\": \"no\"}]}", "where a value should start"),
        ("#H[{\"tcId\": #T, \"op\": \"dgd.step\", \"outputs\": {\"W_next\": {\"shape\": [4611686018427387904, 4], \"f64\": []}}}]}",
         "outside 0 ... 2^53 - 1"),
        ("#H[{\"tcId\": #T, \"op\": \"dgd.step\", \"outputs\": {\"W_next\": {\"shape\": [65536, 65536], \"f64\": []}}}]}", "2^31 - 1"),
        ("#H" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}", "nesting deeper"),
        ("#H[#E]", "end of file"),
        ("#H[{\"tcId\": #T, \"op\": \"dgd.step\", \"outputs\": {\"W_next\": {\"q\": [\"" + String(repeating: "9", count: 1_000_000)
         + "\"]}}}]}", "longer than 100000"),
    ])
    func malformedResults(text: String, expected: String) throws {
        let body = text.replacingOccurrences(of: "#H", with: Self.head).replacingOccurrences(of: "#E", with: Self.entry)
            .replacingOccurrences(of: "#T", with: "\(Self.dgd.tcId)")
        let e = try #require(goldenError { _ = try gradeText(body) }, "accepted: \(body.prefix(200))")
        #expect(e.description.contains(expected), "\(e)")
        #expect(e.description.count < 1200, "the error repeats its input: \(e.description.count) characters")
    }

    @Test("byte-order mark, UTF-16 and invalid UTF-8 are refused")
    func encodings() throws {
        let text = Self.head + "[" + Self.entry + "]}"
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        let utf16 = text.data(using: .utf16)!
        var latin = Data(text.utf8); latin[latin.count - 5] = 0xE9
        for data in [bom, utf16, latin] {
            #expect(goldenError { _ = try ResultsDocument.decode(data, file: "r.json") } != nil)
        }
        #expect(try gradeText(text).verdicts.contains { $0.reason == .refusedValid })
    }

    @Test("only regular files are read, within the size limit: a FIFO, a device, a directory, an oversized file")
    func boundedReads() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nlspec-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(goldenError { _ = try BoundedFile.read(fifo, limit: 100) }?.message.contains("FIFO") == true)
        #expect(goldenError { _ = try BoundedFile.read("/dev/zero", limit: 100) }?.message.contains("device") == true)
        #expect(goldenError { _ = try BoundedFile.read(dir.path, limit: 100) }?.message.contains("directory") == true)
        let big = dir.appendingPathComponent("big.json")
        try Data(count: 101).write(to: big)
        #expect(goldenError { _ = try BoundedFile.read(big.path, limit: 100) }?.message.contains("over the limit") == true)
        #expect(try BoundedFile.read(big.path, limit: 101).count == 101)
        let none = dir.appendingPathComponent("none").path
        #expect(goldenError { _ = try BoundedFile.read(none, limit: 100) }?.message.contains("No such file") == true)
    }

    @Test("damaged suites are refused: escaping paths, a missing input, -0 radius, a huge shape, a value beyond binary64")
    func damagedSuites() throws {
        let s = try ScratchSuite()
        var m = try s.manifest()
        m.files[0].path = "cases/../MANIFEST.json"
        try Generator.encoder().encode(m).write(to: s.manifestURL)
        #expect(s.loadError()?.field == "files[0].path")

        let damages: [(String, String, (inout [String: Any]) -> Void, String)] = [
            ("dgd.step", "missing input", { c in
                var i = c["inputs"] as! [String: Any]; i.removeValue(forKey: "eta"); c["inputs"] = i
            }, "inputs.eta"),
            ("dgd.step", "-0 radius", { c in
                var e = c["expected"] as! [String: Any]; var w = e["W_next"] as! [String: Any]
                var r = w["rad"] as! [String]; r[0] = "8000000000000000"; w["rad"] = r; e["W_next"] = w; c["expected"] = e
            }, "expected.W_next.rad[0]"),
            ("dgd.step", "huge shape", { c in
                var i = c["inputs"] as! [String: Any]; var w = i["W"] as! [String: Any]
                w["shape"] = [4_611_686_018_427_387_904, 4]; i["W"] = w; c["inputs"] = i
            }, "inputs.W.shape[0]"),
            ("dgd.step", "beyond binary64", { c in
                var e = c["expected"] as! [String: Any]; var w = e["W_next"] as! [String: Any]
                var q = w["q"] as! [String]; q[0] = "1" + String(repeating: "0", count: 400); w["q"] = q
                var f = w["f64"] as! [String]; f[0] = "7ff0000000000000"; w["f64"] = f; e["W_next"] = w; c["expected"] = e
            }, "expected.W_next.f64[0]"),
            ("dgd.step", "tcId 1.0", { c in c["tcId"] = 1.5 }, "tcId"),
            ("dgd.step", "unknown key", { c in c["extra"] = 1 }, "extra"),
        ]
        for (op, what, change, field) in damages {
            let scratch = try ScratchSuite()
            try scratch.edit(try scratch.casePath(op: op), change)
            let e = scratch.loadError()
            #expect(e?.field == field, "\(what): \(e.map(String.init(describing:)) ?? "accepted")")
        }
    }

    @Test("generate refuses a non-empty folder that holds no suite, and replaces a suite in place")
    func generateIntoFolders() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nlspec-gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("cases"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("keep".utf8).write(to: dir.appendingPathComponent("cases/mine.txt"))
        #expect(goldenError { _ = try Generator.write(to: dir) } != nil)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cases/mine.txt").path))
        let suite = try ScratchSuite()
        _ = try Generator.write(to: suite.directory)
        #expect(suite.loadError() == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: suite.directory.path).sorted() == ["MANIFEST.json", "cases"])
    }
}
