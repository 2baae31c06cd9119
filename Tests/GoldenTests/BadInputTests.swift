import Foundation
import Testing
import ExactMath
@testable import Golden

/// A fresh copy of the suite in a temporary folder, with helpers to corrupt it.
struct ScratchSuite {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nlspec-golden-\(UUID().uuidString)")
        // A copy of the committed suite (regenerating it in a debug build takes seconds).
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for item in ["MANIFEST.json", "cases"] {
            try FileManager.default.copyItem(at: goldenDirectory.appendingPathComponent(item), to: directory.appendingPathComponent(item))
        }
    }

    var manifestURL: URL { directory.appendingPathComponent("MANIFEST.json") }

    func manifest() throws -> Manifest { try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL)) }

    /// The path of the first case of `op` with verdict `result`.
    func casePath(op: String, result: String = "valid") throws -> String {
        for entry in try manifest().files {
            let c = try JSONDecoder().decode(GoldenCase.self, from: Data(contentsOf: directory.appendingPathComponent(entry.path)))
            if c.op == op && c.result == result { return entry.path }
        }
        throw GoldenError(file: "scratch", "no case")
    }

    /// Replaces a file's bytes; `rehash` keeps the manifest consistent so deeper checks run.
    func replace(_ path: String, with bytes: Data, rehash: Bool = true) throws {
        try bytes.write(to: directory.appendingPathComponent(path))
        guard rehash else { return }
        var m = try manifest()
        m.files = m.files.map { $0.path == path ? .init(path: path, sha256: SHA256.hex([UInt8](bytes)), bytes: bytes.count) : $0 }
        try Generator.encoder().encode(m).write(to: manifestURL)
    }

    /// Edits a case through its JSON object.
    func edit(_ path: String, _ change: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(path))) as! [String: Any]
        change(&object)
        try replace(path, with: JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// Edits one tensor of a case, `section` being `inputs` or `expected`.
    func editTensor(_ path: String, _ section: String, _ name: String, _ change: @escaping (inout [String: Any]) -> Void) throws {
        try edit(path) { c in
            var tensors = c[section] as! [String: Any]
            var t = tensors[name] as! [String: Any]
            change(&t)
            tensors[name] = t
            c[section] = tensors
        }
    }

    func loadError() -> GoldenError? {
        do { _ = try LoadedSuite.load(from: directory); return nil } catch let e as GoldenError { return e } catch {
            return GoldenError(file: "?", "\(error)")
        }
    }
}

@Suite("Golden files: bad input gets a clear error naming file, case and field")
struct BadInputTests {
    @Test("malformed JSON")
    func malformed() throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "dgd.step")
        try s.replace(path, with: Data("{\"schema\": ".utf8))
        let e = try #require(s.loadError())
        #expect(e.file.hasSuffix(path))
        #expect(e.message.contains("JSON syntax error at line"))
    }

    @Test("truncated file")
    func truncated() throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "delta_rule.sequence")
        let bytes = try Data(contentsOf: s.directory.appendingPathComponent(path))
        try s.replace(path, with: bytes.prefix(bytes.count / 2))
        let e = try #require(s.loadError())
        #expect(e.file.hasSuffix(path) && e.message.contains("JSON"))
    }

    @Test("sha256 mismatch")
    func hashMismatch() throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "dgd.step")
        var bytes = try Data(contentsOf: s.directory.appendingPathComponent(path))
        bytes[bytes.count - 3] = UInt8(ascii: " ")
        try s.replace(path, with: bytes, rehash: false)
        let e = try #require(s.loadError())
        #expect(e.field == "sha256")
    }

    @Test("wrong shape: shape and value count disagree")
    func wrongShape() throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "linear_attention.recurrent")
        try s.editTensor(path, "inputs", "K") { $0["shape"] = [99, 3] }
        let e = try #require(s.loadError())
        #expect(e.field == "inputs.K" && e.tcId != nil && e.message.contains("needs"))
    }

    @Test("non-canonical or zero-denominator rational", arguments: ["2/4", "1/0", "+1", " 3"])
    func badRational(text: String) throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "dgd.step")
        try s.editTensor(path, "expected", "W_next") { w in
            var q = w["q"] as! [String]
            q[1] = text
            w["q"] = q
        }
        let e = try #require(s.loadError())
        #expect(e.field == "expected.W_next.q[1]")
    }

    @Test("NaN where the schema forbids it (a valid case's input)")
    func nanInValidCase() throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "dgd.step")
        try s.editTensor(path, "inputs", "x") { x in
            var f = x["f64"] as! [String]
            f[0] = Tensor.hex(.nan)
            x["f64"] = f
            x.removeValue(forKey: "q")
        }
        let e = try #require(s.loadError())
        #expect(e.field == "inputs.x.f64[0]" && e.message.contains("non-finite"))
    }

    @Test("unknown op")
    func unknownOp() throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "dgd.step")
        try s.edit(path) { $0["op"] = "dgd.stepp" }
        let e = try #require(s.loadError())
        #expect(e.field == "op" && e.message.contains("unknown op"))
    }

    @Test("duplicate tcId")
    func duplicateTcId() throws {
        let s = try ScratchSuite()
        let path = try s.casePath(op: "dgd.step")
        let bytes = try Data(contentsOf: s.directory.appendingPathComponent(path))
        let copy = "cases/dgd_step/dgd_step-9999.json"
        try bytes.write(to: s.directory.appendingPathComponent(copy))
        var m = try s.manifest()
        m.files.append(.init(path: copy, sha256: SHA256.hex([UInt8](bytes)), bytes: bytes.count))
        try Generator.encoder().encode(m).write(to: s.manifestURL)
        let e = try #require(s.loadError())
        #expect(e.field == "tcId" && e.message.contains("duplicate"))
    }

    @Test("results for another suite version, malformed results, unknown tcId, bad value")
    func badResults() throws {
        let suite = try LoadedSuite.load(from: goldenDirectory)
        let other = ResultsDocument(suiteVersion: "9.9.9", implementation: nil, results: [])
        #expect(throws: GoldenError.self) { try Verifier.verify(suite: suite, results: other, resultsFile: "r.json") }
        #expect(throws: GoldenError.self) {
            try ResultsDocument.decode(Data("{\"suiteVersion\": \"0.1.0\", \"results\": [".utf8), file: "r.json")
        }
        let unknown = ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: nil,
                                      results: [.init(tcId: 99_999, op: "x", outputs: nil, error: "e")])
        #expect(throws: GoldenError.self) { try Verifier.verify(suite: suite, results: unknown, resultsFile: "r.json") }
        let c = try #require(suite.cases.first { $0.op == "dgd.step" && $0.result == "valid" })
        let badHex = ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: nil,
                                     results: [.init(tcId: c.tcId, op: c.op, outputs: ["W_next": .init(shape: nil, f64: ["xyz"])],
                                                     error: nil)])
        do {
            _ = try Verifier.verify(suite: suite, results: badHex, resultsFile: "r.json")
            Issue.record("a malformed hex value was accepted")
        } catch let e as GoldenError {
            #expect(e.file == "r.json" && e.tcId == c.tcId && e.field == "results[0].outputs.W_next.f64[0]")
        }
    }
}
