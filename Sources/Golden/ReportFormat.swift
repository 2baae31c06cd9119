#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text forms of the grading contract (`Golden/FORMAT.md`, "Numbers in reports"): numbers
/// as C's `printf` writes them (correctly rounded, so Python's `%` operator gives the same
/// characters), and long strings shortened the same way in every grader.
public enum ReportFormat {
    /// `%.17g`: a binary64 value that reads back exactly.
    public static func fmt17(_ x: Double) -> String { printf("%.17g", x) }

    /// `%.3g`: an error, a bound or a ratio.
    public static func fmt3(_ x: Double) -> String { printf("%.3g", x) }

    static func printf(_ format: String, _ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([x]) { args in vsnprintf(&buffer, buffer.count, format, args) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `s` when it has at most `head + tail + 3` Unicode scalars, else its first `head` and
    /// last `tail` scalars around `...`, followed by ` (N chars)`.
    public static func shorten(_ s: String, head: Int, tail: Int) -> String {
        let scalars = Array(s.unicodeScalars)
        guard scalars.count > head + tail + 3 else { return s }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[..<head])
        out.append(contentsOf: "...".unicodeScalars)
        out.append(contentsOf: scalars[(scalars.count - tail)...])
        return String(out) + " (\(scalars.count) chars)"
    }

    /// A rational, a decimal string: `shorten(s, 24, 12)`.
    public static func number(_ s: String) -> String { shorten(s, head: 24, tail: 12) }

    /// A message or a name: control characters (U+0000–U+001F, U+007F–U+009F) become spaces,
    /// then `shorten(s, 120, 20)`.
    public static func message(_ s: String) -> String {
        var clean = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            clean.append(u.value < 0x20 || (0x7F...0x9F).contains(u.value) ? " " : u)
        }
        return shorten(String(clean), head: 120, tail: 20)
    }

    /// A multi-index, `[i,j]`; `[]` for a scalar.
    public static func multiIndex(_ flat: Int, shape: [Int]) -> String {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return "[" + index.map(String.init).joined(separator: ",") + "]"
    }

    /// Sorted integers with consecutive runs written `a-b`: `7, 9-10`.
    public static func ranges(_ ids: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < ids.count {
            var j = i
            while j + 1 < ids.count && ids[j + 1] == ids[j] + 1 { j += 1 }
            parts.append(j == i ? "\(ids[i])" : "\(ids[i])-\(ids[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
