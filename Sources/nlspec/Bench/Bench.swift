import ArgumentParser
import Foundation
import FastKernels

/// `nlspec bench`: speed of the fast kernels on this machine, as ratios measured in one run.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the fast kernels: FMA peak, reference vs fast time, GFLOP/s, fraction of peak, speed-up, system BLAS.",
        discussion: "A benchmark, not a test: it always exits 0 once it has measured; the 'targets' say which goals were met in this run.")

    @Argument(help: "Kernels to run (default: all): \(BenchKernel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kernels: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    struct Report: Codable {
        var machine: MachineInfo
        /// The peak every ratio in `results` is taken against: the FMA probe on the widest registers this CPU has.
        var fmaPeakGflops: Double
        var fmaPeakSamples: Samples
        /// The registers of that peak: "zmm" (512-bit), "ymm" (256-bit) or "scalar".
        var fmaPeakRegisters: String
        /// The probe at every width this CPU has, narrowest first.
        var fmaPeaks: [PeakRow]
        var results: [BenchResult]
        var accuracy: [AccuracyRow]
        /// Nanoseconds per operation in each scalar (`ScalarCostRow`).
        var scalarCost: [ScalarCostRow]
    }

    /// The FMA probe (12 independent chains) at one vector width.
    struct PeakRow: Codable {
        var registers: String
        var doublesPerVector: Int
        var gflops: Double
        var samples: Samples
    }

    /// Times the FMA probe at each width this CPU has (about 0.2-0.7 s a sample); GFLOP/s from the fastest sample.
    static func measurePeaks() -> [PeakRow] {
        [(1, "scalar", 50_000_000), (4, "ymm", 200_000_000), (8, "zmm", 100_000_000)].compactMap { width, registers, iterations in
            guard FastKernels.fmaPeakProbe(width: width, iterations: 1) != nil else { return nil }
            var flop = 0.0
            let samples = Samples.measure(minSamples: 5, maxSamples: 10, minSeconds: 1) {
                flop = FastKernels.fmaPeakProbe(width: width, iterations: iterations) ?? 0
            }
            return PeakRow(registers: registers, doublesPerVector: width, gflops: flop / samples.min / 1e9, samples: samples)
        }
    }

    struct AccuracyRow: Codable {
        var kernel: String, size: String, error: Double, bound: Double, worstULP: Double, passed: Bool
    }

    func run() throws {
        let selected = try kernels.isEmpty ? BenchKernel.allCases : kernels.map { name in
            guard let k = BenchKernel(rawValue: name) else {
                throw ValidationError("unknown kernel '\(name)'; known: \(BenchKernel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return k
        }
        let machine = MachineInfo.current(path: FastKernels.path, blas: FastKernels.SystemBLAS.library)
        if !json {
            let family = machine.cpuFamily.map { " (family \($0)" + (machine.cpuModel.map { " model \($0))" } ?? ")") } ?? ""
            print("machine: \(machine.cpu)\(family), \(machine.logicalCPUs) CPUs, ISA path: \(machine.kernelPath)"
                  + " (paths this CPU runs: \(machine.availablePaths.joined(separator: ", "))),"
                  + " system BLAS: \(machine.systemBLAS ?? "none")")
        }
        // The FMA peak at each width; every ratio below is to the widest (the registers the kernels use).
        let peaks = Self.measurePeaks()
        let widest = peaks.last!
        let peak = widest.gflops
        if !json {
            let each = peaks.reversed().map { String(format: "%@ %.1f", $0.registers, $0.gflops) }.joined(separator: ", ")
            print("FMA peak (1 thread): \(each) GFLOP/s; ratios below are to the widest (\(widest.registers))")
        }
        var results: [BenchResult] = []
        for kernel in selected {
            for r in kernel.run(peak: peak) {
                results.append(r)
                if !json { printRow(r) }
            }
        }
        let accuracy = Self.accuracy().map {
            AccuracyRow(kernel: $0.kernel, size: $0.size, error: $0.error, bound: $0.bound, worstULP: $0.worstULP, passed: $0.passed)
        }
        let scalarCost = ScalarCostRow.measure()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(machine: machine, fmaPeakGflops: peak, fmaPeakSamples: widest.samples, fmaPeakRegisters: widest.registers,
                                fmaPeaks: peaks, results: results, accuracy: accuracy, scalarCost: scalarCost)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\naccuracy against the exact (rational) reference, small sizes:")
            for a in accuracy {
                let g = { String(format: "%.3g", $0) }
                print("  \(a.kernel) [\(a.size)]: error \(g(a.error)) (bound \(g(a.bound))), worst \(g(a.worstULP)) ulp"
                      + (a.passed ? "" : "  FAILED"))
            }
            print("\nscalar cost (ns per operation; a multiply-add of a 64-term dot product of 12-bit dyadics, exp of a 20-bit one):")
            for row in scalarCost {
                print("  " + row.scalar.padding(toLength: 22, withPad: " ", startingAt: 0)
                      + String(format: "multiply-add %9.1f", row.multiplyAddNanoseconds)
                      + (row.expNanoseconds.map { String(format: "   exp %9.1f", $0) } ?? "   exp         -"))
            }
            let targets = results.flatMap(\.targets)
            print("\ntargets met: \(targets.filter(\.met).count) of \(targets.count)")
        }
    }

    func printRow(_ r: BenchResult) {
        var line = String(format: "%-24@ %-28@ fast %9.3f ms (median %9.3f)  %6.1f GFLOP/s  %5.1f%% peak", r.kernel as NSString,
                          r.size as NSString, r.fast.min * 1e3, r.fast.median * 1e3, r.gflops, 100 * r.peakFraction)
        if let s = r.speedup { line += String(format: "  ×%.0f vs reference", s) }
        if let f = r.fractionOfSystemBLAS { line += String(format: "  %.0f%% of system BLAS", 100 * f) }
        if let paths = r.paths {
            line += "  paths: " + paths.map { String(format: "%@ %.1f GFLOP/s (%.0f%%)", $0.path, $0.gflops, 100 * $0.peakFraction) }
                .joined(separator: ", ")
        }
        if let c = r.comparisons {
            line += "  " + c.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(format: "%.3g", $0.value))" }.joined(separator: " ")
        }
        print(line)
        for t in r.targets where !t.met { print("    target not met: \(t.name) (measured \(String(format: "%.3g", t.value)))") }
    }

    /// The differential measurements at one small size per kernel (the tests assert these bounds
    /// at many sizes; here they are reported).
    static func accuracy() -> [Differential.Measurement] {
        let x = Differential.SequenceInputs(dk: 13, dv: 11, t: 40, seed: 99)
        var rows: [Differential.Measurement] = [Differential.gemm(m: 37, n: 29, k: 61, seed: 98)]
        rows += Differential.deltaRule(x, gated: false, form: .fused) + Differential.deltaRule(x, gated: true, form: .fused)
        rows += Differential.deltaRule(x, gated: false, form: .chunked(8)) + Differential.deltaRule(x, gated: true, form: .chunked(8))
        rows += Differential.linearAttention(x, gated: false, form: .recurrent)
        rows += Differential.linearAttention(x, gated: true, form: .chunked(8))
        rows += Differential.titansMemory(x, chunk: 8)
        rows.append(Differential.newtonSchulz(rows: 8, cols: 12, coefficients: .muonQuintic, steps: 5, seed: 97))
        rows.append(Differential.newtonSchulz(rows: 8, cols: 12, coefficients: .cubic, steps: 5, seed: 96))
        rows += Differential.cmsLevel(dIn: 4, dH: 6, dOut: 3, t: 10, period: 4, flush: true, seed: 95)
        return rows
    }
}
