import ExactMath
import Testing

@Suite("Polynomials and rational functions")
struct PolynomialTests {
    typealias P = Polynomial
    typealias R = RationalFunction
    static let x = P.variable("x"), y = P.variable("y"), z = P.variable("z")

    /// Small polynomials built from a seed, with rational coefficients and up to three variables.
    static func sample(_ seed: UInt64) -> P {
        var g = DyadicGenerator(seed: seed)
        var p = P(0)
        for _ in 0..<g.integer(in: 1...4) {
            var term = P(Rational(g.integer(in: -5...5), g.integer(in: 1...3)))
            for v in [x, y, z] { term = term * v.power(g.integer(in: 0...2)) }
            p = p + term
        }
        return p
    }

    @Test("ring laws: associativity, commutativity, distributivity, identities, inverses", arguments: 0..<40)
    func ringLaws(seed: Int) {
        let (a, b, c) = (Self.sample(UInt64(3 * seed)), Self.sample(UInt64(3 * seed + 1)), Self.sample(UInt64(3 * seed + 2)))
        #expect((a + b) + c == a + (b + c))
        #expect((a * b) * c == a * (b * c))
        #expect(a + b == b + a)
        #expect(a * b == b * a)
        #expect(a * (b + c) == a * b + a * c)
        #expect(a + P(0) == a && a * P(1) == a && (a * P(0)).isZero)
        #expect((a - a).isZero && a + (-a) == P(0))
    }

    @Test("canonical form: equal polynomials have equal term lists whatever the construction order")
    func canonicalForm() {
        let x = Self.x, y = Self.y
        let p = (x + y) * (x - y)
        let q = x * x - y * y
        #expect(p == q)
        #expect(p.terms == q.terms)
        #expect(p.terms.count == 2 && p.degree == 2)
        // No zero coefficients survive, and the zero polynomial has no terms.
        #expect((x * y - y * x).terms.isEmpty)
        #expect(P(terms: [.init(monomial: Monomial("x"), coefficient: Rational(2)),
                          .init(monomial: Monomial("x"), coefficient: Rational(-2))]).isZero)
        // Terms ascend in graded lexicographic order; printing starts with the leading term.
        let r = P(3) + x * y * y - x.scaled(by: Rational(1, 2))
        #expect(r.terms.map(\.monomial.degree) == [0, 1, 3])
        #expect(r.description == "x*y^2 - 1/2*x + 3")
        #expect((x.power(3) * y).description == "x^3*y")
        #expect(P(0).description == "0" && P(0).degree == -1)
        #expect(x.constant == nil && P(Rational(3, 4)).constant == Rational(3, 4) && P(Rational(3, 4)).roundedDouble == 0.75)
    }

    @Test("(x + y)^n expands to the binomial coefficients")
    func binomial() {
        let p = (Self.x + Self.y).power(6)
        #expect(p.terms.count == 7)
        #expect(p.terms.map(\.coefficient) == [1, 6, 15, 20, 15, 6, 1].map { Rational($0) })
    }

    @Test("rational functions: cross-multiplication equality without a gcd, field laws, constant folding")
    func rationalFunctions() {
        let (x, y) = (R.variable("x"), R.variable("y"))
        // (x² − y²)/(x − y) equals x + y although the quotient is never reduced.
        let q = (x * x - y * y) / (x - y)
        #expect(q == x + y)
        #expect(!q.isPolynomial)
        #expect(q != x - y)
        // Field laws on a few non-zero elements.
        let a = (x + R(1)) / (y - R(2)), b = x * y / (x + y), c = R(3) / (x * x + R(1))
        #expect((a + b) + c == a + (b + c))
        #expect(a * (b + c) == a * b + a * c)
        #expect(a * (R(1) / a) == R(1))
        #expect(a - a == R(0) && (a - a).isZero)
        // A constant denominator is folded: the result is a polynomial again.
        let half = (x + y) / R(2)
        let halves = Polynomial.variable("x").scaled(by: Rational(1, 2)) + Polynomial.variable("y").scaled(by: Rational(1, 2))
        #expect(half.isPolynomial && half.numerator == halves)
        #expect(R(dyadic: 0.25).roundedDouble == 0.25 && x.roundedDouble.isNaN)
    }

    @Test("generic reference code runs on polynomials: the determinant of a symbolic 2x2 matrix")
    func genericCode() {
        let m = Matrix<P>(rows: 2, cols: 2) { i, j in P.variable("m\(i)\(j)") }
        let product = m * m.transposed
        #expect(product[0, 1] == product[1, 0])
        #expect(product[0, 0] == P.variable("m00").power(2) + P.variable("m01").power(2))
    }
}
