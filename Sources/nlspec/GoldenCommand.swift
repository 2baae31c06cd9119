import ArgumentParser
import Foundation
import FastKernels
import Golden

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Generate the golden conformance vectors, and grade another implementation's results against them.",
        subcommands: [Generate.self, Verify.self, Run.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every case and MANIFEST.json (deterministic: byte-identical on every run).")
        @Option(help: "Output folder.") var out = "Golden"
        func run() throws {
            let start = ContinuousClock.now
            let count = try Generator.write(to: URL(fileURLWithPath: out))
            print("wrote \(count) cases and MANIFEST.json to \(out) in \(ContinuousClock.now - start)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grade a results file; exit non-zero on any failure.")
        @Argument(help: "Results JSON written by the implementation under test (see Golden/FORMAT.md).") var results: String
        @Option(help: "Golden folder.") var golden = "Golden"
        @Option(help: "Only ops whose name contains this text.") var op: String?
        @Option(help: "The format the implementation computed in: f64, f32 or bf16 (scales the tolerances).") var precision: PrecisionChoice = .f64
        @Flag(help: "Print the verdicts as JSON.") var json = false

        func run() throws {
            let verdicts: [CaseVerdict]
            do {
                let suite = try LoadedSuite.load(from: URL(fileURLWithPath: golden))
                guard let data = FileManager.default.contents(atPath: results) else {
                    throw GoldenError(file: results, "cannot read the results file")
                }
                let doc = try ResultsDocument.decode(data, file: results)
                verdicts = try Verifier.verify(suite: suite, results: doc, resultsFile: results, precision: precision.value, opFilter: op)
            } catch let e as GoldenError {
                // A malformed file is not a failed case: exit code 2, as the Python verifier does.
                FileHandleStderr.write("error: \(e)\n")
                throw ExitCode(2)
            }
            try report(verdicts, json: json)
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run an implementation of this package against every case.")
        @Option(help: "Which implementation: reference (the Double reference) or fast (the optimized kernels; ops without one are skipped).") var impl = "reference"
        @Option(help: "Golden folder.") var golden = "Golden"
        @Option(help: "Also write the results file here.") var write: String?
        @Flag(help: "Print the verdicts as JSON.") var json = false

        func run() throws {
            let suite = try LoadedSuite.load(from: URL(fileURLWithPath: golden))
            let doc: ResultsDocument
            switch impl {
            case "reference": doc = Verifier.referenceResults(suite: suite)
            case "fast": doc = Verifier.results(suite: suite, implementation: "NestedLearningSpec fast kernels (\(FastKernels.path))", run: FastGolden.run)
            default: throw ValidationError("unknown implementation '\(impl)'; available: reference, fast")
            }
            if let write {
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys]
                try e.encode(doc).write(to: URL(fileURLWithPath: write))
            }
            try report(try Verifier.verify(suite: suite, results: doc, resultsFile: "<reference>"), json: json)
        }
    }
}

enum PrecisionChoice: String, ExpressibleByArgument, CaseIterable {
    case f64, f32, bf16
    var value: Precision { Precision(rawValue: rawValue)! }
}


/// Prints per-op counts, failures, and the final `N passed, N failed, N skipped` line.
func report(_ verdicts: [CaseVerdict], json: Bool) throws {
    let passed = verdicts.filter { $0.status == .passed }.count
    let failed = verdicts.filter { $0.status == .failed }.count
    let skipped = verdicts.filter { $0.status == .missing || $0.status == .skipped }.count
    if json {
        let rows: [[String: Any]] = verdicts.map { v in
            var r: [String: Any] = ["tcId": v.tcId, "op": v.op, "status": v.status.rawValue]
            if let m = v.message { r["message"] = m }
            if let u = v.worstUlp { r["worstUlp"] = u }
            return r
        }
        let doc: [String: Any] = ["verdicts": rows, "summary": ["passed": passed, "failed": failed, "skipped": skipped]]
        print(String(decoding: try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
    } else {
        var ops: [String] = []
        for v in verdicts where !ops.contains(v.op) { ops.append(v.op) }
        for op in ops {
            let mine = verdicts.filter { $0.op == op }
            let worst = mine.compactMap(\.worstUlp).max()
            print("\(op): \(mine.filter { $0.status == .passed }.count) passed, \(mine.filter { $0.status == .failed }.count) failed, \(mine.filter { $0.status == .missing || $0.status == .skipped }.count) skipped" + (worst.map { "; worst error \($0) ulp of the exact value" } ?? ""))
            for v in mine where v.status != .passed {
                print("  case \(v.tcId) \(v.status.rawValue): \(v.message ?? "")")
            }
        }
        print("\(passed) passed, \(failed) failed, \(skipped) skipped")
    }
    if failed > 0 { throw ExitCode(1) }
}

enum FileHandleStderr {
    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

extension GoldenError: LocalizedError {
    public var errorDescription: String? { description }
}
