import Foundation
import Testing
import ExactMath
@testable import Golden

/// A seeded mutation fuzzer for the results and suite readers: byte flips, truncations,
/// duplicated spans, and JSON tokens swapped for hostile ones (`1.0`, `-0`, huge integers,
/// lone surrogates, non-finite bit patterns, deep nesting). Every input must either be accepted
/// or refused with a ``GoldenError``; a trap ends the test process and fails the run.
struct Mutator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    static let hostile = [
        "1.0", "1e0", "-0", "-1", "0", "9007199254740993", "4611686018427387904", "1e999", "null", "true", "{}", "[]",
        "\"\"", "\"-0\"", "\"1/0\"", "\"2/4\"", "\"0x1p3\"", "\"NaN\"", "\"\\ud800\"", "\"8000000000000000\"",
        "\"7ff8000000000000\"", "\"7ff0000000000000\"", "\"ffffffffffffffff\"", "[4611686018427387904, 4]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "\"" + String(repeating: "9", count: 2000) + "\"",
    ]

    /// One mutation of `bytes`.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        guard !b.isEmpty else { return Array(Self.hostile[below(Self.hostile.count)].utf8) }
        switch below(6) {
        case 0:  // flip a byte
            b[below(b.count)] ^= UInt8(truncatingIfNeeded: 1 << below(8))
        case 1:  // truncate
            b.removeSubrange(below(b.count)...)
        case 2:  // duplicate a span (duplicate keys, repeated entries)
            let start = below(b.count), length = min(1 + below(200), b.count - start)
            b.insert(contentsOf: b[start..<(start + length)], at: below(b.count))
        case 3:  // delete a span
            let start = below(b.count)
            b.removeSubrange(start..<min(b.count, start + 1 + below(40)))
        default:  // replace a JSON scalar token (a string or a number) with a hostile one
            let starts = b.indices.filter { b[$0] == UInt8(ascii: "\"") || b[$0] == UInt8(ascii: ":") }
            guard !starts.isEmpty else { break }
            var i = starts[below(starts.count)]
            if b[i] == UInt8(ascii: ":") { i += 1; while i < b.count, b[i] == 0x20 { i += 1 } }
            guard i < b.count else { break }
            var j = i + 1
            if b[i] == UInt8(ascii: "\"") {
                while j < b.count, b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                j = min(j + 1, b.count)
            } else {
                while j < b.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(b[j]) { j += 1 }
            }
            b.replaceSubrange(i..<j, with: Array(Self.hostile[below(Self.hostile.count)].utf8))
        }
        return b
    }
}

@Suite("Reader fuzzing: mutated results and suite files never trap")
struct ReaderFuzzTests {
    /// A small results file: the reference's results for the suite's small cases.
    static func seedResults() throws -> [UInt8] {
        let small = Set(committedSuite.cases.filter { $0.flags.contains("Small") || $0.result == "invalid" }.map(\.tcId))
        var doc = referenceDocument()
        doc.results = doc.results.filter { small.contains($0.tcId) }
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return [UInt8](try e.encode(doc))
    }

    @Test("mutated results files are graded or refused with a GoldenError")
    func results() throws {
        let seed = try Self.seedResults()
        var m = Mutator(state: 2026)
        var tried = 0, refused = 0, graded = 0
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline && tried < 2000 {
            var bytes = seed
            for _ in 0...m.below(3) { bytes = m.mutate(bytes) }
            tried += 1
            do {
                let doc = try ResultsDocument.decode(Data(bytes), file: "fuzz.json")
                let report = try Verifier.verify(suite: committedSuite, results: doc, resultsFile: "fuzz.json")
                _ = report.text(); _ = try report.json(); _ = report.junit()
                graded += 1
            } catch is GoldenError { refused += 1 }
        }
        print("results fuzzing: \(tried) mutated files, \(graded) graded, \(refused) refused as malformed, no trap")
        #expect(tried >= 100 && graded > 0 && refused > 0)
    }

    @Test("mutated case files and manifests are accepted or refused with a GoldenError")
    func suiteFiles() throws {
        let manifestPath = goldenDirectory.appendingPathComponent("MANIFEST.json").path
        let manifestBytes = try BoundedFile.read(manifestPath, limit: BoundedFile.manifestLimit)
        let small = committedSuite.cases.filter { $0.flags.contains("Small") }.prefix(12)
        let seeds = try small.map {
            try BoundedFile.read(goldenDirectory.appendingPathComponent(Generator.path(for: $0)).path, limit: BoundedFile.caseLimit)
        }
        var m = Mutator(state: 1205)
        var tried = 0, refused = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline && tried < 4000 {
            tried += 1
            do {
                if tried % 10 == 0 {
                    _ = try Manifest(json: BoundedFile.parse(m.mutate(manifestBytes), file: "MANIFEST.json"), file: "MANIFEST.json")
                } else {
                    var bytes = seeds[m.below(seeds.count)]
                    for _ in 0...m.below(3) { bytes = m.mutate(bytes) }
                    let c = try GoldenCase(json: BoundedFile.parse(bytes, file: "case.json"), file: "case.json")
                    try LoadedSuite.validate(c, file: "case.json", manifest: committedSuite.manifest)
                }
            } catch is GoldenError { refused += 1 }
        }
        print("suite fuzzing: \(tried) mutated case files and manifests, \(refused) refused as malformed, no trap")
        #expect(tried >= 100 && refused > 0)
    }
}
