import FastKernels
import Foundation

/// Wall-clock samples of one operation, repeated until stable.
struct Samples: Codable {
    /// Seconds per call.
    var min: Double
    var median: Double
    var count: Int

    /// Times `body` (one call per sample) at least `minSamples` times and for at least
    /// `minSeconds`, then until the minimum has not improved by more than 1% over the last 5
    /// samples, at most `maxSamples`. A call shorter than 2 ms is repeated inside a sample so the
    /// clock's resolution does not matter.
    static func measure(minSamples: Int = 7, maxSamples: Int = 40, minSeconds: Double = 0.3, _ body: () -> Void) -> Samples {
        body()  // warm-up: caches, page faults, lazy scratch
        let probe = time(1, body)
        let inner = probe >= 2e-3 ? 1 : Int((2e-3 / max(probe, 1e-9)).rounded(.up))
        var times: [Double] = []
        var total = 0.0, bestAt = 0
        while times.count < maxSamples {
            let t = time(inner, body) / Double(inner)
            times.append(t)
            total += t * Double(inner)
            if t < (times.dropLast().min() ?? .infinity) * 0.99 { bestAt = times.count - 1 }
            if times.count >= minSamples && total >= minSeconds && times.count - 1 - bestAt >= 5 { break }
        }
        let sorted = times.sorted()
        return Samples(min: sorted[0], median: sorted[sorted.count / 2], count: sorted.count)
    }

    /// One timing of a slow call (the reference), no repeats.
    static func once(_ body: () -> Void) -> Samples {
        let t = time(1, body)
        return Samples(min: t, median: t, count: 1)
    }

    static func time(_ repeats: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }
}

/// What this machine is, for the record.
struct MachineInfo: Codable {
    var cpu: String
    var logicalCPUs: Int
    /// The ISA path the kernels run on in this bench (the dispatcher's choice): "avx512", "avx2+fma" or "portable".
    var kernelPath: String
    var systemBLAS: String?
    /// The CPU family and model numbers from /proc/cpuinfo (nil where it has none).
    var cpuFamily: Int?
    var cpuModel: Int?
    /// The vector extensions the dispatcher looks at that this CPU reports (of avx2, fma, avx512f, avx512dq, avx512vl, avx512bw).
    var isaFlags: [String]
    /// Every path this CPU can run, widest first (the bench times the widest; some rows also time the others).
    var availablePaths: [String]

    static func current(path: String, blas: String?) -> MachineInfo {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let lines = info.split(separator: "\n")
        func field(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name) && $0.dropFirst(name.count).trimmingCharacters(in: .whitespaces).hasPrefix(":") }
                .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let isa = ["avx2", "fma", "avx512f", "avx512dq", "avx512vl", "avx512bw"].filter(flags.contains)
        let paths = FastKernels.PathLevel.allCases.reversed().filter { $0 <= FastKernels.hostPathLevel }.map(\.description)
        return MachineInfo(cpu: field("model name") ?? "unknown", logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
                           kernelPath: path, systemBLAS: blas, cpuFamily: field("cpu family").flatMap { Int($0) },
                           cpuModel: field("model").flatMap { Int($0) }, isaFlags: isa, availablePaths: paths)
    }
}
