import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `check` and `prove` contain a claim that traps, loops or exhausts memory: each claim runs
/// in a child process of this binary with a time and a memory budget, and a claim that breaks
/// either, or dies, is reported as that claim's failure while the others run on.
struct ClaimBudget: ParsableArguments {
    @Option(help: "Seconds each claim may take, in its own process (0: no limit).")
    var claimTimeout: Double = 900

    @Option(help: "Megabytes of address space each claim's process may use (0: no limit).")
    var claimMemory: Int = 8192

    @Option(help: "Claims run at once, each in its own process (default: the number of processors).")
    var jobs: Int?

    @Flag(help: "Run every claim inside this process, without budgets (one trap ends the run).")
    var inProcess = false

    /// Set by the parent for its children: print one claim's outcome as an ``Envelope``.
    @Flag(help: .hidden)
    var child = false

    /// In a child: caps this process's address space, so a runaway claim fails an allocation
    /// (and dies) instead of taking the machine's memory.
    ///
    /// `NLSPEC_INJECT_TRAP=ID` makes the child for claim `ID` trap on purpose, so the main job
    /// can show that one dead claim leaves the others running.
    func prepareChild(_ ids: [String]) {
        guard child else { return }
        if let victim = ProcessInfo.processInfo.environment["NLSPEC_INJECT_TRAP"],
           ids.contains(where: { $0.lowercased() == victim.lowercased() }) {
            fatalError("trap injected by NLSPEC_INJECT_TRAP=\(victim)")
        }
        guard claimMemory > 0 else { return }
        var limit = rlimit(rlim_cur: rlim_t(claimMemory) << 20, rlim_max: rlim_t(claimMemory) << 20)
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }
}

/// What a child prints: the claim's lines for the text report, its JSON entry, and its verdict.
struct Envelope<Entry: Codable>: Codable {
    let text: String
    let entry: Entry
    let passed: Bool
}

extension JSONDecoder {
    /// Reads a child's envelope: infinite errors arrive as the strings `JSONEncoder.pretty` writes.
    static var envelope: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return d
    }
}

/// Runs one child per claim id, at most `jobs` at a time, and hands back each outcome in order.
enum ClaimIsolation {
    enum Outcome {
        case finished(Data)
        /// The child died, overran its time budget, or printed no envelope.
        case broken(reason: String)
    }

    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// `arguments(id)` are the child's arguments after the executable. `ready(index, outcome)` is
    /// called in claim order as soon as a claim and all before it have finished.
    static func run(ids: [String], budget: ClaimBudget, arguments: (String) -> [String],
                    ready: (Int, Outcome) throws -> Void) throws {
        let jobs = max(1, budget.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("nlspec-claims-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        struct Running { let index: Int; let process: Process; let out: URL; let err: URL; let start: ContinuousClock.Instant }
        var running: [Running] = []
        var done: [Int: Outcome] = [:]
        var next = 0, delivered = 0
        while delivered < ids.count {
            while running.count < jobs && next < ids.count {
                let out = scratch.appendingPathComponent("\(next).out"), err = scratch.appendingPathComponent("\(next).err")
                FileManager.default.createFile(atPath: out.path, contents: nil)
                FileManager.default.createFile(atPath: err.path, contents: nil)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: executable)
                p.arguments = arguments(ids[next]) + ["--child", "--claim-memory", "\(budget.claimMemory)"]
                // No crash backtrace: the parent reports the death; its stderr keeps the reason.
                p.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }
                p.standardOutput = try FileHandle(forWritingTo: out)
                p.standardError = try FileHandle(forWritingTo: err)
                do { try p.run() } catch {
                    done[next] = .broken(reason: "could not start a process for the claim: \(error.localizedDescription)")
                    next += 1
                    continue
                }
                running.append(Running(index: next, process: p, out: out, err: err, start: .now))
                next += 1
            }
            var stillRunning: [Running] = []
            for r in running {
                let elapsed = ContinuousClock.now - r.start
                if r.process.isRunning {
                    if budget.claimTimeout > 0 && elapsed > .milliseconds(Int64(budget.claimTimeout * 1000)) {
                        kill(r.process.processIdentifier, SIGKILL)
                        r.process.waitUntilExit()
                        let limit = budget.claimTimeout
                        let seconds = limit.rounded() == limit ? "\(Int(limit))" : "\(limit)"
                        done[r.index] = .broken(reason: "exceeded its time budget of \(seconds) s (stopped)")
                    } else {
                        stillRunning.append(r)
                    }
                    continue
                }
                let data = (try? Data(contentsOf: r.out)) ?? Data()
                if r.process.terminationReason == .uncaughtSignal {
                    let tail = firstLine(of: r.err)
                    done[r.index] = .broken(reason: "died on signal \(r.process.terminationStatus) (a trap, or the memory budget of "
                                            + "\(budget.claimMemory) MB)" + (tail.isEmpty ? "" : ": \(tail)"))
                } else if data.isEmpty {
                    let tail = firstLine(of: r.err)
                    done[r.index] = .broken(reason: "exited with status \(r.process.terminationStatus) and no report"
                                            + (tail.isEmpty ? "" : ": \(tail)"))
                } else {
                    done[r.index] = .finished(data)
                }
            }
            running = stillRunning
            while let outcome = done[delivered] {
                try ready(delivered, outcome)
                done[delivered] = nil
                delivered += 1
            }
            if delivered < ids.count { usleep(20_000) }
        }
    }

    /// The first line the child wrote to standard error (a trap's "Fatal error: ..." message).
    static func firstLine(of url: URL) -> String {
        let text = String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
        let line = text.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
        return line.count > 300 ? String(line.prefix(300)) + "..." : line
    }
}
