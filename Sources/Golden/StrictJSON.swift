/// A JSON value read by ``StrictJSON``: numbers keep their literal text, so `1` and `1.0` stay
/// distinguishable, and objects keep their keys in file order.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number exactly as written (it matched RFC 8259's number grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// What a value is, for error messages.
    public var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let n): return "the number \(n.count > 24 ? String(n.prefix(24)) + "..." : n)"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

/// A JSON syntax error with its position (1-based line and column, columns counted in bytes).
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "JSON syntax error at line \(line), column \(column): \(message)" }
}

/// An RFC 8259 parser that refuses what a permissive parser would silently accept: duplicate
/// keys, `NaN`/`Infinity`, comments, trailing commas, a byte-order mark, invalid UTF-8, escaped
/// lone surrogates, raw control characters in strings, and nesting deeper than `maxDepth`
/// (`Golden/FORMAT.md`, "Reading limits"). It never traps on any input.
public struct StrictJSON {
    public static let maxDepth = 32

    private let bytes: [UInt8]
    private var i = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document (surrounding whitespace allowed).
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var p = StrictJSON(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw p.error("the file starts with a byte-order mark (UTF-8 without BOM is required)")
        }
        if let bad = firstInvalidUTF8(bytes) { p.i = bad; throw p.error("invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16)))") }
        p.skipSpace()
        let value = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == bytes.count else { throw p.error("unexpected \(p.describeHere()) after the document") }
        return value
    }

    /// The offset of the first byte that is not part of well-formed UTF-8, or nil.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let n: Int, low: UInt8, high: UInt8
            switch c {
            case 0xC2...0xDF: n = 1; low = 0x80; high = 0xBF
            case 0xE0: n = 2; low = 0xA0; high = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF: n = 2; low = 0x80; high = 0xBF
            case 0xED: n = 2; low = 0x80; high = 0x9F  // no UTF-16 surrogates
            case 0xF0: n = 3; low = 0x90; high = 0xBF
            case 0xF1...0xF3: n = 3; low = 0x80; high = 0xBF
            case 0xF4: n = 3; low = 0x80; high = 0x8F
            default: return i
            }
            guard i + n < b.count else { return i }
            if b[i + 1] < low || b[i + 1] > high { return i }
            for k in 2..<(n + 1) where b[i + k] < 0x80 || b[i + k] > 0xBF { return i }
            i += n + 1
        }
        return nil
    }

    private func error(_ message: String) -> JSONSyntaxError {
        var line = 1, column = 1
        for b in bytes[..<min(i, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, message: message)
    }

    private func describeHere() -> String {
        guard i < bytes.count else { return "end of file" }
        let b = bytes[i]
        return b >= 0x21 && b < 0x7F ? "character '\(Character(UnicodeScalar(b)))'" : "byte 0x\(String(b, radix: 16))"
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard i < bytes.count else { throw error("unexpected end of file (truncated?)") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected \(describeHere()) where a value should start")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else {
            throw error("unexpected \(describeHere()) where a value should start")
        }
        i += w.count
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        i += 1
        var pairs: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                throw error("expected a key (a string) but found \(describeHere())")
            }
            let keyStart = i
            let key = try string()
            guard seen.insert(key).inserted else {
                i = keyStart
                throw error("duplicate key \"\(key.count > 40 ? String(key.prefix(40)) + "..." : key)\" in one object")
            }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                throw error("expected ':' after a key but found \(describeHere())")
            }
            i += 1
            skipSpace()
            pairs.append((key, try value(depth: depth)))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of file inside an object (truncated?)") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
            throw error("expected ',' or '}' but found \(describeHere())")
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of file inside a list (truncated?)") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw error("expected ',' or ']' but found \(describeHere())")
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("unexpected end of file in a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
            default: throw error("\\u must be followed by four hex digits")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        i += 1  // opening quote
        var out = String()
        var runStart = i
        func flush(_ p: inout StrictJSON, _ out: inout String, _ start: Int) {
            if p.i > start { out += String(decoding: p.bytes[start..<p.i], as: UTF8.self) }
        }
        while true {
            guard i < bytes.count else { throw error("unexpected end of file inside a string (truncated?)") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { flush(&self, &out, runStart); i += 1; return out }
            if b < 0x20 { throw error("raw control character 0x\(String(b, radix: 16)) inside a string (escape it)") }
            if b != UInt8(ascii: "\\") { i += 1; continue }
            flush(&self, &out, runStart)
            i += 1
            guard i < bytes.count else { throw error("unexpected end of file in an escape") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out += "\""
            case UInt8(ascii: "\\"): out += "\\"
            case UInt8(ascii: "/"): out += "/"
            case UInt8(ascii: "b"): out += "\u{08}"
            case UInt8(ascii: "f"): out += "\u{0C}"
            case UInt8(ascii: "n"): out += "\n"
            case UInt8(ascii: "r"): out += "\r"
            case UInt8(ascii: "t"): out += "\t"
            case UInt8(ascii: "u"):
                let escapeStart = i - 2
                var scalar = try hex4()
                if (0xDC00...0xDFFF).contains(scalar) {
                    i = escapeStart
                    throw error("escaped lone low surrogate \\u\(String(scalar, radix: 16))")
                }
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        i = escapeStart
                        throw error("escaped lone high surrogate \\u\(String(scalar, radix: 16))")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        i = escapeStart
                        throw error("escaped lone high surrogate \\u\(String(scalar, radix: 16))")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.unicodeScalars.append(Unicode.Scalar(scalar)!)
            default:
                i -= 2
                throw error("invalid escape '\\\(e < 0x80 && e >= 0x21 ? String(Character(UnicodeScalar(e))) : "?")'")
            }
            runStart = i
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = i
        func digits(_ p: inout StrictJSON) -> Int {
            let s = p.i
            while p.i < p.bytes.count, p.bytes[p.i] >= 48, p.bytes[p.i] <= 57 { p.i += 1 }
            return p.i - s
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 else { throw error("a number needs a digit after '-'") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { throw error("a number may not have a leading zero") }
        } else {
            _ = digits(&self)
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&self) > 0 else { throw error("a number needs a digit after '.'") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits(&self) > 0 else { throw error("a number needs a digit in its exponent") }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }
}
