/// Typed access to a parsed ``JSONValue`` that names the file, the case and the field of every
/// problem (a ``GoldenError``), so the readers never trap and never guess.
struct JSONFields {
    let file: String
    var tcId: Int?

    /// The largest integer a field may hold: every reader can represent it exactly.
    static let maxInteger = (1 << 53) - 1

    func fail(_ field: String?, _ message: String) -> GoldenError {
        GoldenError(file: file, tcId: tcId, field: field, message)
    }

    /// An object whose keys are all in `allowed` (or start with `extensionPrefix`) and include
    /// every key of `required`.
    func object(_ value: JSONValue, _ field: String?, allowed: [String]? = nil, required: [String] = [],
                extensionPrefix: String? = nil) throws -> [String: JSONValue] {
        guard case .object(let pairs) = value else { throw fail(field, "expected an object, found \(value.kind)") }
        var out: [String: JSONValue] = [:]
        for (key, v) in pairs { out[key] = v }
        if let allowed {
            for (key, _) in pairs where !allowed.contains(key) && !(extensionPrefix.map { key.hasPrefix($0) } ?? false) {
                throw fail(Self.join(field, key), "unknown field (allowed: \(allowed.joined(separator: ", ")))")
            }
        }
        for key in required where out[key] == nil { throw fail(Self.join(field, key), "missing required field") }
        return out
    }

    func string(_ value: JSONValue?, _ field: String) throws -> String {
        guard let value else { throw fail(field, "missing required field") }
        guard case .string(let s) = value else { throw fail(field, "expected a string, found \(value.kind)") }
        return s
    }

    /// A JSON integer literal (no fraction, no exponent) in `minimum … 2⁵³ − 1`.
    func int(_ value: JSONValue?, _ field: String, minimum: Int = 0) throws -> Int {
        guard let value else { throw fail(field, "missing required field") }
        guard case .number(let text) = value else { throw fail(field, "expected an integer, found \(value.kind)") }
        guard !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else {
            throw fail(field, "expected an integer literal, found \(Self.shortNumber(text)) (write it without a fraction or exponent)")
        }
        guard text.utf8.count <= 17, let n = Int(text), n <= Self.maxInteger else {
            throw fail(field, "integer \(Self.shortNumber(text)) is outside 0 ... 2^53 - 1")
        }
        guard n >= minimum else { throw fail(field, "integer \(n) is below \(minimum)") }
        return n
    }

    func list(_ value: JSONValue?, _ field: String) throws -> [JSONValue] {
        guard let value else { throw fail(field, "missing required field") }
        guard case .array(let items) = value else { throw fail(field, "expected a list, found \(value.kind)") }
        return items
    }

    func strings(_ value: JSONValue?, _ field: String) throws -> [String] {
        try list(value, field).enumerated().map { i, v in try string(v, "\(field)[\(i)]") }
    }

    func ints(_ value: JSONValue?, _ field: String) throws -> [Int] {
        try list(value, field).enumerated().map { i, v in try int(v, "\(field)[\(i)]") }
    }

    /// A shape: non-negative integer extents whose product is at most 2³¹ − 1.
    func shape(_ value: JSONValue?, _ field: String) throws -> [Int] {
        let extents = try ints(value, field)
        var product = 1
        for e in extents {
            let (p, overflow) = product.multipliedReportingOverflow(by: e)
            guard !overflow, p <= Int(Int32.max) else { throw fail(field, "shape \(extents) has more than 2^31 - 1 elements") }
            product = p
        }
        return extents
    }

    static func join(_ field: String?, _ key: String) -> String { field.map { "\($0).\(key)" } ?? key }

    static func shortNumber(_ text: String) -> String { text.count > 30 ? String(text.prefix(20)) + "...(\(text.count) chars)" : text }
}
