import Foundation
import Testing
import SpecClaims

/// One name per claim across its source file, its type, its pages; counts in the pages that match
/// the code; source lines that fit.
@Suite("Names, counts and layout")
struct LayoutTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every `.swift` file below `folder`, as a path relative to the package root.
    static func swiftFiles(_ folder: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
        return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }.map { folder + "/" + $0 }.sorted()
    }

    /// The claim's type name derived from its id: `LA-DELTA` is `LaDeltaClaim`.
    static func typeName(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined() + "Claim"
    }

    @Test("each claim is the file <ID>.swift under Claims/ (in the folder of its components) declaring <Id>Claim")
    func claimFiles() throws {
        let files = Self.swiftFiles("Sources/SpecClaims/Claims")
        for claim in Registry.claims {
            let matches = files.filter { $0.hasSuffix("/\(claim.id).swift") }
            #expect(matches.count == 1, "\(claim.id): \(matches.count) files named \(claim.id).swift")
            #expect(String(describing: type(of: claim)) == Self.typeName(claim.id), "\(claim.id) is declared as \(type(of: claim))")
            if let path = matches.first {
                let type = Self.typeName(claim.id)
                #expect(try Self.text(path).contains("struct \(type)"), "\(path) does not declare \(type)")
            }
        }
        let named = Set(Registry.ids.map { "\($0).swift" })
        let strays = files.filter { path in
            let name = String(path.split(separator: "/").last!)
            return name.first!.isUppercase && name.contains("-") && !named.contains(name)
        }
        #expect(strays.isEmpty, "claim files not in the registry: \(strays)")
    }

    @Test("the counts of claims, mutants and tests in README.md and the pages are the code's")
    func counts() throws {
        let claims = Registry.claims.count, mutants = Registry.claims.map(\.mutants.count).reduce(0, +)
        let symbolic = Registry.claims.filter { $0.symbolicSizes != nil }
        let symbolicMutants = symbolic.map(\.mutants.count).reduce(0, +)
        let tests = Self.swiftFiles("Tests").map { path in
            (try? Self.text(path))?.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("@Test") }.count ?? 0
        }.reduce(0, +)
        let expected: [(file: String, pattern: String, values: [Int])] = [
            ("README.md", #"runs all (\d+) claims"#, [claims]),
            ("README.md", #"and all (\d+) mutants"#, [mutants]),
            ("README.md", #"\(debug, (\d+) tests"#, [tests]),
            ("README.md", #"symbolic proofs of (\d+) claims and their (\d+) mutants"#, [symbolic.count, symbolicMutants]),
            ("README.md", #"(\d+) of (\d+) claims passed, 0 failed; (\d+) of (\d+) mutants rejected"#, [claims, claims, mutants, mutants]),
            ("README.md", #"all (\d+) polynomial or rational claims are proven"#, [symbolic.count]),
            ("README.md", #"All (\d+) claims whose two sides"#, [symbolic.count]),
            ("README.md", #"the other\s+(\d+) are listed"#, [claims - symbolic.count]),
            ("Proofs/README.md", #"all (\d+) polynomial or rational claims proven"#, [symbolic.count]),
            ("Proofs/README.md", #"and (\d+) not provable"#, [claims - symbolic.count]),
        ]
        for e in expected {
            let text = try Self.text(e.file)
            let regex = try NSRegularExpression(pattern: e.pattern)
            guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
                Issue.record("\(e.file): no line matches \(e.pattern)")
                continue
            }
            let found = (1..<match.numberOfRanges).map { Int(text[Range(match.range(at: $0), in: text)!])! }
            #expect(found == e.values, "\(e.file): /\(e.pattern)/ says \(found), the code has \(e.values)")
        }
        for page in ["Spec/README.md", "Proofs/README.md"] {
            let text = try Self.text(page)
            for id in Registry.ids { #expect(text.contains("| \(id) |"), "\(page) has no row for \(id)") }
        }
    }

    @Test("every Swift source line in Sources and Tests is at most 140 characters")
    func lineLengths() throws {
        let files = ["Sources", "Tests"].flatMap(Self.swiftFiles)
        for path in files {
            for (n, line) in try Self.text(path).split(separator: "\n",
                                                       omittingEmptySubsequences: false).enumerated() where line.count > 140 {
                Issue.record("\(path):\(n + 1) has \(line.count) characters")
            }
        }
    }
}
