import CGMP

/// Why a string is not a canonical rational.
public struct RationalParseError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "not a canonical rational \"\(text)\": \(reason)" }
}

extension Rational {
    /// Parses the canonical spelling `-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?` in lowest terms.
    ///
    /// Throws on anything else: a zero denominator (`"1/0"`), a value not in lowest terms
    /// (`"2/4"`), a denominator of one written out (`"3/1"`), `"-0"`, a leading `+`, spaces,
    /// leading zeros, empty text. The text is validated before GMP sees it, because
    /// `mpq_set_str` accepts `"1/0"` and spaces.
    public init(parsing text: String) throws {
        func fail(_ reason: String) -> RationalParseError { RationalParseError(text: text, reason: reason) }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw fail("empty") }
        guard bytes.count <= 100_000 else { throw fail("longer than 100000 characters") }
        var i = 0
        if bytes[0] == UInt8(ascii: "-") { i = 1 }
        func digits(_ start: Int) -> Int {
            var j = start
            while j < bytes.count, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") { j += 1 }
            return j
        }
        let numEnd = digits(i)
        guard numEnd > i else { throw fail("expected a digit at offset \(i)") }
        if bytes[i] == UInt8(ascii: "0") && numEnd - i > 1 { throw fail("leading zero") }
        var end = numEnd
        if numEnd < bytes.count {
            guard bytes[numEnd] == UInt8(ascii: "/") else { throw fail("unexpected character at offset \(numEnd)") }
            let denEnd = digits(numEnd + 1)
            guard denEnd > numEnd + 1 else { throw fail("expected a denominator after '/'") }
            if bytes[numEnd + 1] == UInt8(ascii: "0") {
                throw fail(denEnd - numEnd - 1 == 1 ? "zero denominator" : "leading zero in denominator")
            }
            end = denEnd
        }
        guard end == bytes.count else { throw fail("unexpected character at offset \(end)") }
        let value = Rational.make { q in
            _ = text.withCString { __gmpq_set_str(q, $0, 10) }
            __gmpq_canonicalize(q)
        }
        // Reject non-canonical spellings by re-printing: "2/4", "3/1", "-0".
        guard value.description == text else {
            throw fail("not in canonical form (canonical spelling is \"\(value.description)\")")
        }
        self = value
    }
}
