import Foundation
import Testing
import ExactMath
@testable import Golden

/// The committed `Golden/` folder of this checkout.
let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Golden")

@Suite("Golden files: generation, reading, grading")
struct GoldenTests {
    @Test("regeneration reproduces the committed files byte for byte")
    func deterministic() throws {
        let committed = try LoadedSuite.load(from: goldenDirectory)
        for (path, bytes) in try Generator.files() {
            let url = goldenDirectory.appendingPathComponent(path)
            let onDisk = try #require(FileManager.default.contents(atPath: url.path), "missing \(path)")
            #expect(onDisk == bytes, "\(path) differs from a fresh generation")
        }
        #expect(committed.cases.count == GoldenSuite.drafts().count)
    }

    @Test("GoldenSuite.order lists every case the ops make exactly once, and no other")
    func orderMatchesTheOpsCases() {
        #expect(GoldenSuite.orderMismatches() == [])
        #expect(GoldenSuite.orderedKeys.count == GoldenSuite.ops.map { $0.drafts().drafts.count }.reduce(0, +))
    }

    @Test("the Double reference passes every case under the policy it states")
    func referencePasses() throws {
        let suite = try LoadedSuite.load(from: goldenDirectory)
        let verdicts = try Verifier.verify(suite: suite, results: Verifier.referenceResults(suite: suite),
                                           resultsFile: "<reference>").verdicts
        #expect(!verdicts.isEmpty)
        for v in verdicts { #expect(v.status == .passed, "case \(v.tcId) \(v.op): \(v.line ?? "")") }
        #expect(suite.cases.contains { $0.result == "invalid" })
    }

    @Test("exact results given as rationals pass with ==, and a changed rational fails")
    func exactResults() throws {
        let suite = try LoadedSuite.load(from: goldenDirectory)
        let c = try #require(suite.cases.first { $0.op == "dgd.step" && $0.result == "valid" })
        let outputs = c.expected!.mapValues { ResultsDocument.Values(shape: $0.shape, f64: nil, q: $0.q) }
        let good = ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: "exact",
                                   results: [.init(tcId: c.tcId, op: c.op, outputs: outputs, error: nil)])
        let v = try Verifier.verify(suite: suite, results: good, resultsFile: "r.json", ops: ["dgd.step"]).verdicts
        #expect(v.first { $0.tcId == c.tcId }?.status == .passed)
        #expect(v.allSatisfy { $0.op == "dgd.step" })
        #expect(v.filter { $0.reason == .missing }.count == v.count - 1, "cases without a result are reported missing")
        var bad = outputs
        bad["W_next"]!.q![2] = (try Rational(parsing: bad["W_next"]!.q![2]) + Rational(1, 1 << 40)).description
        let badDocument = ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: nil,
                                          results: [.init(tcId: c.tcId, op: c.op, outputs: bad, error: nil)])
        let r = try Verifier.verify(suite: suite, results: badDocument, resultsFile: "r.json").verdicts
        let failed = try #require(r.first { $0.tcId == c.tcId })
        #expect(failed.status == .failed)
        let at = "W_next" + ReportFormat.multiIndex(2, shape: c.expected!["W_next"]!.shape)
        #expect(failed.line?.hasPrefix("FAIL \(c.tcId) dgd.step \(at): first of 1 failing elements") == true, "\(failed.line ?? "")")
        #expect(failed.line?.contains("allowed 0 (==)") == true)
    }

    @Test("a perturbed f64 result fails at f64 and passes when graded as bf16")
    func precisionScaling() throws {
        let suite = try LoadedSuite.load(from: goldenDirectory)
        var doc = Verifier.referenceResults(suite: suite)
        let index = try #require(doc.results.firstIndex { r in suite.cases.first { $0.tcId == r.tcId }!.comment.contains("long sequence") })
        var y = doc.results[index].outputs!["Y"]!
        let x = Tensor.double(fromHex: y.f64![7])!
        y.f64![7] = Tensor.hex(x * (1 + 0x1p-20))
        doc.results[index].outputs!["Y"] = y
        let tcId = doc.results[index].tcId
        let f64 = try Verifier.verify(suite: suite, results: doc, resultsFile: "r.json").verdicts
        #expect(f64.first { $0.tcId == tcId }?.status == .failed)
        let shape = suite.cases.first { $0.tcId == tcId }!.expected!["Y"]!.shape
        #expect(f64.first { $0.tcId == tcId }?.line?.contains(" Y\(ReportFormat.multiIndex(7, shape: shape)): first of 1 failing") == true)
        let bf16 = try Verifier.verify(suite: suite, results: doc, resultsFile: "r.json", precision: .bf16).verdicts
        #expect(bf16.first { $0.tcId == tcId }?.status == .passed)
    }

    @Test("an implementation that accepts invalid input fails that case")
    func invalidAccepted() throws {
        let suite = try LoadedSuite.load(from: goldenDirectory)
        let c = try #require(suite.cases.first { $0.result == "invalid" })
        let doc = ResultsDocument(suiteVersion: GoldenSuite.suiteVersion, implementation: nil,
                                  results: [.init(tcId: c.tcId, op: c.op, outputs: ["Y": .init(shape: nil, f64: [])], error: nil)])
        let v = try Verifier.verify(suite: suite, results: doc, resultsFile: "r.json").verdicts
        #expect(v.first { $0.tcId == c.tcId }?.reason == .acceptedInvalid)
    }

    @Test("SHA-256 matches the FIPS 180-4 examples")
    func sha256() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

@Suite("Golden ops agree with each other")
struct GoldenOpConsistencyTests {
    @Test("two calls with the state carried equal one call over the whole sequence")
    func twoCallsEqualOneCall() throws {
        var g = DyadicGenerator(seed: 5)
        let t = 7
        var tensors: [String: (shape: [Int], values: [Double])] = [
            "M0": ([2, 3], (0..<6).map { _ in g.dyadic() }), "K": ([t, 3], (0..<(3 * t)).map { _ in g.dyadic(numeratorBound: 3) }),
            "V": ([t, 2], (0..<(2 * t)).map { _ in g.dyadic() }), "Q": ([t, 3], (0..<(3 * t)).map { _ in g.dyadic() }),
            "beta": ([t], (0..<t).map { _ in g.positiveDyadic(numeratorBound: 4) }),
        ]
        let one = try DeltaRuleOp().run(OpInputs<Rational>(tensors: tensors))
        for split in 1..<t {
            tensors["split"] = ([], [Double(split)])
            let two = try DeltaRuleTwoCallsOp().run(OpInputs<Rational>(tensors: tensors))
            #expect(two["M_T"]!.values == one["M_T"]!.values)
            #expect(two["Y"]!.values == one["Y"]!.values)
        }
    }

    @Test("the block op equals the Transformer block of the reference, and softmax outputs are convex combinations of V")
    func blockAndSoftmax() throws {
        let suite = try LoadedSuite.load(from: goldenDirectory)
        #expect(suite.cases.contains { $0.op == "transformer_block.cms1" && $0.result == "valid" })
        let c = try #require(suite.cases.first { $0.op == "softmax_attention.causal" && $0.result == "valid" })
        var tensors: [String: (shape: [Int], values: [Double])] = [:]
        for (name, t) in c.inputs { tensors[name] = (t.shape, t.f64!.compactMap(Tensor.double(fromHex:))) }
        // y_t is a convex combination of v_1 … v_t: every entry lies between their least and largest.
        let y = try SoftmaxAttentionOp().run(OpInputs<Double>(tensors: tensors))["Y"]!.values
        let v = tensors["V"]!, dv = v.shape[1]
        for t in 0..<v.shape[0] {
            for j in 0..<dv {
                let column = (0...t).map { v.values[$0 * dv + j] }
                #expect(y[t * dv + j] >= column.min()! - 1e-15 && y[t * dv + j] <= column.max()! + 1e-15)
            }
        }
    }
}
