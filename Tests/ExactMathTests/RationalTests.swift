import Testing
import ExactMath

@Suite("Rational: field laws, canonical text, parsing")
struct RationalTests {
    /// Random rationals with small numerators and denominators, including negatives and zero.
    static func randomRationals(_ count: Int, seed: UInt64) -> [Rational] {
        var g = DyadicGenerator(seed: seed)
        return (0..<count).map { _ in
            Rational(g.integer(in: -40...40), g.integer(in: 1...37))
        }
    }

    @Test("field laws hold exactly", arguments: 0..<8)
    func fieldLaws(seed: Int) {
        let v = Self.randomRationals(30, seed: UInt64(seed))
        for i in 0..<(v.count - 2) {
            let (a, b, c) = (v[i], v[i + 1], v[i + 2])
            #expect(a + b == b + a)
            #expect(a * b == b * a)
            #expect((a + b) + c == a + (b + c))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a - a == Rational(0))
            #expect(a + Rational(0) == a)
            #expect(a * Rational(1) == a)
            if !b.isZero {
                #expect((a / b) * b == a)
                #expect(b * b.reciprocal == Rational(1))
            }
            #expect(-(-a) == a)
        }
    }

    @Test("canonical form: lowest terms, positive denominator")
    func canonical() {
        #expect(Rational(2, 4).description == "1/2")
        #expect(Rational(-3, -6).description == "1/2")
        #expect(Rational(3, -6).description == "-1/2")
        #expect(Rational(6, 3).description == "2")
        #expect(Rational(0, 5).description == "0")
        #expect(Rational(dyadic: 0.1).description == "3602879701896397/36028797018963968")
        #expect(Rational(dyadic: -0.0) == Rational(0))
    }

    @Test("parsing accepts canonical text", arguments: ["0", "1", "-1", "1/2", "-7/3", "123456789012345678901234567891/7"])
    func parsesCanonical(text: String) throws {
        #expect(try Rational(parsing: text).description == text)
    }

    @Test("parsing rejects non-canonical or malformed text",
          arguments: ["1/0", "2/4", "+3", " 1", "1 ", "1/ 2", "3/1", "-0", "01", "1/02", "", "-", "1/", "/2", "1/-2", "1.5", "1e3", "0x10",
                      "1/2/3", "½"])
    func rejectsBad(text: String) {
        #expect(throws: RationalParseError.self) { try Rational(parsing: text) }
    }

    @Test("comparison and magnitude")
    func ordering() {
        #expect(Rational(1, 3) < Rational(1, 2))
        #expect(Rational(-1, 2) < Rational(-1, 3))
        #expect(Rational(-5, 7).magnitude == Rational(5, 7))
        #expect(Rational(0).signum == 0 && Rational(-2).signum == -1)
        #expect(Rational(3, 8).isDyadic && !Rational(1, 3).isDyadic)
    }

    @Test("division by zero stops with a clear message, not inside GMP")
    func divisionByZero() async {
        await #expect(processExitsWith: .failure) {
            _ = Rational(1) / Rational(0)
        }
        await #expect(processExitsWith: .failure) {
            _ = Rational(1, 0)
        }
        await #expect(processExitsWith: .failure) {
            _ = Rational(dyadic: .nan)
        }
    }

    @Test("values are independent after copying (value semantics)")
    func valueSemantics() {
        var a = Rational(1, 3)
        let b = a
        a += Rational(1)
        #expect(b == Rational(1, 3))
        #expect(a == Rational(4, 3))
    }

    @Test("exact square roots: perfect squares of rationals only, in lowest terms")
    func exactSquareRoot() async {
        #expect(Rational(49, 4).exactSquareRoot == Rational(7, 2))
        #expect(Rational(0).exactSquareRoot == Rational(0))
        #expect(Rational(1).exactSquareRoot == Rational(1))
        #expect(Rational(18, 8).exactSquareRoot == Rational(3, 2))  // 18/8 = 9/4 after reduction
        #expect(Rational(2).exactSquareRoot == nil)
        #expect(Rational(4, 3).exactSquareRoot == nil)
        #expect(Rational(-4).exactSquareRoot == nil)
        let root = Rational((1 << 60) + 1) / Rational(3)
        #expect((root * root).exactSquareRoot == root)
        #expect((root * root + Rational(1)).exactSquareRoot == nil)
        #expect(Rational.squareRoot(Rational(25, 81)) == Rational(5, 9))
        await #expect(processExitsWith: .failure) {
            _ = Rational.squareRoot(Rational(2))
        }
    }
}
