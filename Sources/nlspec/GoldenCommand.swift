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
        static let configuration = CommandConfiguration(
            abstract: "Write every case and MANIFEST.json (byte-identical on every run), "
                + "replacing an existing suite in one swap.")
        @Option(help: "Output folder: empty, new, or an existing suite.") var out = "Golden"
        func run() throws {
            let start = ContinuousClock.now
            do {
                let count = try Generator.write(to: URL(fileURLWithPath: out))
                try StandardOutput.write("wrote \(count) cases and MANIFEST.json to \(out) in \(ContinuousClock.now - start)\n")
            } catch let e as GoldenError {
                StandardError.write("error: \(e)\n")
                throw ExitCode(2)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grade a results file (Golden/FORMAT.md, \"Grading contract\"): "
                + "exit 0 when no case failed, 1 when one did, 2 when no verdict could be given.")
        @Argument(help: "Results JSON written by the implementation under test (see Golden/FORMAT.md).")
        var results: String
        @OptionGroup var grading: GradingOptions

        func run() throws {
            try grading.run { suite, options in
                let doc = try ResultsDocument.load(results)
                return try options.verify(suite, doc, file: results)
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run an implementation of this package against every case.")
        @Option(help: ArgumentHelp("Which implementation: reference (the Double reference), exact (the reference in rationals, "
                + "graded with == against the stored values) or fast (the optimized kernels; ops without one are missing)."))
        var impl: Implementation = .reference
        @Option(help: "Also write the results file here.") var write: String?
        @OptionGroup var grading: GradingOptions

        enum Implementation: String, ExpressibleByArgument, CaseIterable { case reference, exact, fast }

        func run() throws {
            var pinned = true
            try grading.run { suite, options in
                let doc: ResultsDocument
                switch impl {
                case .reference: doc = Verifier.referenceResults(suite: suite)
                case .exact:
                    // The stored suite is pinned: every file must regenerate byte for byte.
                    let differing = try Generator.unreproduced(in: suite.directory)
                    let total = suite.manifest.files.count + 1
                    if differing.isEmpty {
                        try StandardOutput.write("regenerated: all \(total) files byte-identical to the stored suite\n")
                    } else {
                        let listed = differing.prefix(8).joined(separator: ", ") + (differing.count > 8 ? ", ..." : "")
                        try StandardOutput.write("FAIL regenerated: \(differing.count) of \(total) files differ from the stored suite "
                                                 + "(the reference, the input generator or the tolerances changed): \(listed)\n")
                        pinned = false
                    }
                    doc = Verifier.exactResults(suite: suite)
                case .fast:
                    doc = Verifier.results(suite: suite, implementation: "NestedLearningSpec fast kernels (\(FastKernels.path))",
                                           run: FastGolden.run)
                }
                if let write {
                    let e = JSONEncoder()
                    e.outputFormatting = [.prettyPrinted, .sortedKeys]
                    do { try e.encode(doc).write(to: URL(fileURLWithPath: write)) } catch {
                        throw GradingUsageError(description: "cannot write \(write): \(error.localizedDescription)")
                    }
                }
                return try options.verify(suite, doc, file: "<\(impl.rawValue)>")
            }
            if !pinned { throw ExitCode(1) }
        }
    }
}

/// The options every grading command shares, and the run that turns a report into output and an
/// exit code (0 no failed case, 1 a failed case, 2 no verdict).
struct GradingOptions: ParsableArguments {
    @Option(help: "Golden folder (default: $NLSPEC_GOLDEN, else the suite nlspec was built from).") var golden: String?
    @Option(name: .customLong("op"), help: "Grade only this op (exact name; repeatable).") var ops: [String] = []
    @Option(name: .customLong("op-prefix"), help: "Grade only ops whose names start with this text (repeatable).")
    var opPrefixes: [String] = []
    @Option(help: "The format the implementation computed in: f64, f32 or bf16 (scales the tolerances).")
    var precision: PrecisionChoice = .f64
    @Flag(name: .customLong("strict-errors"),
          help: "A refusal of an invalid case passes only when its errorKind is the case's flag (ShapeMismatch, NonFinite, ...).")
    var strictErrors = false
    @Flag(help: "Print the report as JSON (nl-golden-report/1).") var json = false
    @Option(help: "Also write a JUnit XML report to this file.") var junit: String?
    @Flag(help: "One MISSING line per case instead of one per op.") var verbose = false

    func selection(_ suite: LoadedSuite) throws -> Set<String>? { try Verifier.selectOps(suite, names: ops, prefixes: opPrefixes) }

    /// Grades a results document under these options.
    func verify(_ suite: LoadedSuite, _ doc: ResultsDocument, file: String) throws -> GradingReport {
        try Verifier.verify(suite: suite, results: doc, resultsFile: file, precision: precision.value, ops: try selection(suite),
                            strictErrors: strictErrors)
    }

    func run(_ grade: (LoadedSuite, GradingOptions) throws -> GradingReport) throws {
        let report: GradingReport
        do {
            let suite = try LoadedSuite.load(from: try SuiteLocation.resolve(golden))
            report = try grade(suite, self)
            if let junit {
                do { try Data(report.junit().utf8).write(to: URL(fileURLWithPath: junit)) } catch {
                    throw GradingUsageError(description: "cannot write the JUnit report \(junit): \(error.localizedDescription)")
                }
            }
            try StandardOutput.write(json ? try report.json() : report.text(verbose: verbose))
        } catch let e as GoldenError {
            StandardError.write("error: \(e)\n")
            throw ExitCode(2)
        } catch let e as GradingUsageError {
            StandardError.write("error: \(e)\n")
            throw ExitCode(2)
        }
        if report.failed { throw ExitCode(1) }
    }
}

/// Where the golden suite is: `--golden`, else `NLSPEC_GOLDEN`, else the `Golden/` folder of the
/// source tree this binary was compiled from.
enum SuiteLocation {
    static var builtFrom: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden")
    }

    static func resolve(_ explicit: String?) throws -> URL {
        let environment = ProcessInfo.processInfo.environment["NLSPEC_GOLDEN"].flatMap { $0.isEmpty ? nil : $0 }
        let chosen = explicit ?? environment ?? builtFrom.path
        let url = URL(fileURLWithPath: chosen)
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("MANIFEST.json").path) { return url }
        func state(_ value: String?, _ unset: String) -> String { value.map { "\($0)\($0 == chosen ? " (used)" : "")" } ?? unset }
        throw GradingUsageError(description: """
            no golden suite (MANIFEST.json) at \(chosen). Looked at, in order: --golden: \(state(explicit, "not given")); \
            NLSPEC_GOLDEN: \(state(environment, "not set")); the suite nlspec was built from: \(builtFrom.path)\
            \(explicit == nil && environment == nil ? " (used)" : ""). Pass --golden DIR or set NLSPEC_GOLDEN.
            """)
    }
}

enum PrecisionChoice: String, ExpressibleByArgument, CaseIterable {
    case f64, f32, bf16
    var value: Precision { Precision(rawValue: rawValue)! }
}

extension GoldenError: LocalizedError {
    public var errorDescription: String? { description }
}
