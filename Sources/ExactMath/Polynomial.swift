/// A multivariate polynomial with ``Rational`` coefficients over named variables: sparse, and
/// always canonical (terms sorted by ``Monomial``'s graded lexicographic order, no zero
/// coefficient), so two polynomials are equal exactly when their term lists are.
///
/// It is a ``Scalar``: the reference code runs on it unchanged, and its output is the result as a
/// polynomial in the inputs, for every value of them at once. Division is defined only by a
/// non-zero constant; code that divides by an input runs on ``RationalFunction``.
public struct Polynomial: Scalar, Hashable, Sendable {
    public struct Term: Hashable, Sendable {
        public let monomial: Monomial
        public let coefficient: Rational
        public init(monomial: Monomial, coefficient: Rational) {
            self.monomial = monomial
            self.coefficient = coefficient
        }
    }

    /// Canonical: ascending monomials, non-zero coefficients.
    public let terms: [Term]

    init(canonicalTerms: [Term]) { terms = canonicalTerms }

    /// Sums the coefficients of equal monomials, drops zeros and sorts.
    public init(terms raw: [Term]) {
        var sums: [Monomial: Rational] = [:]
        for t in raw { sums[t.monomial, default: Rational(0)] = sums[t.monomial, default: Rational(0)] + t.coefficient }
        terms = sums.filter { !$0.value.isZero }.map { Term(monomial: $0.key, coefficient: $0.value) }.sorted { $0.monomial < $1.monomial }
    }

    /// The variable `name`.
    public static func variable(_ name: String) -> Polynomial {
        Polynomial(canonicalTerms: [Term(monomial: Monomial(name), coefficient: Rational(1))])
    }

    public init(_ c: Rational) {
        terms = c.isZero ? [] : [Term(monomial: .one, coefficient: c)]
    }
    public init(_ value: Int) { self.init(Rational(value)) }
    public init(dyadic value: Double) { self.init(Rational(dyadic: value)) }

    public var isZero: Bool { terms.isEmpty }
    /// The constant term's value when the polynomial is constant, else NaN.
    public var roundedDouble: Double { constant?.roundedDouble ?? .nan }
    /// The value when the polynomial is a constant.
    public var constant: Rational? {
        if terms.isEmpty { return Rational(0) }
        return terms.count == 1 && terms[0].monomial.factors.isEmpty ? terms[0].coefficient : nil
    }
    /// The highest total degree of a term (−1 for the zero polynomial).
    public var degree: Int { terms.last?.monomial.degree ?? -1 }
    /// The variables that occur, ascending.
    public var variables: [String] { Array(Set(terms.flatMap { $0.monomial.factors.map(\.variable) })).sorted() }

    public static func + (a: Polynomial, b: Polynomial) -> Polynomial {
        Polynomial(canonicalTerms: mergeSorted(a.terms, b.terms, precedes: { $0.monomial < $1.monomial }) { x, y in
            let c = x.coefficient + y.coefficient
            return c.isZero ? nil : Term(monomial: x.monomial, coefficient: c)
        })
    }

    public static prefix func - (a: Polynomial) -> Polynomial {
        Polynomial(canonicalTerms: a.terms.map { Term(monomial: $0.monomial, coefficient: -$0.coefficient) })
    }

    public static func - (a: Polynomial, b: Polynomial) -> Polynomial { a + (-b) }

    public static func * (a: Polynomial, b: Polynomial) -> Polynomial {
        if a.isZero || b.isZero { return Polynomial(0) }
        if let c = a.constant { return b.scaled(by: c) }
        if let c = b.constant { return a.scaled(by: c) }
        var raw: [Term] = []
        raw.reserveCapacity(a.terms.count * b.terms.count)
        for x in a.terms {
            for y in b.terms { raw.append(Term(monomial: x.monomial * y.monomial, coefficient: x.coefficient * y.coefficient)) }
        }
        return Polynomial(terms: raw)
    }

    /// The largest monomial dividing every term (`1` for the zero polynomial).
    public var monomialContent: Monomial {
        guard var common = terms.first?.monomial.factors else { return .one }
        for t in terms.dropFirst() {
            var next: [Monomial.Factor] = []
            var j = 0
            let other = t.monomial.factors
            for f in common {
                while j < other.count && other[j].variable < f.variable { j += 1 }
                if j < other.count && other[j].variable == f.variable {
                    next.append(Monomial.Factor(variable: f.variable, exponent: min(f.exponent, other[j].exponent)))
                }
            }
            common = next
            if common.isEmpty { break }
        }
        return Monomial(sortedFactors: common)
    }

    /// The quotient by a monomial that divides every term.
    public func dividing(by m: Monomial) -> Polynomial {
        if m.factors.isEmpty { return self }
        let divided = terms.map { Term(monomial: $0.monomial.dividing(by: m), coefficient: $0.coefficient) }
        return Polynomial(canonicalTerms: divided.sorted { $0.monomial < $1.monomial })
    }

    /// Every coefficient times `c`.
    public func scaled(by c: Rational) -> Polynomial {
        if c.isZero { return Polynomial(0) }
        return Polynomial(canonicalTerms: terms.map { Term(monomial: $0.monomial, coefficient: $0.coefficient * c) })
    }

    /// Division by a non-zero constant. Any other divisor stops the program: a quotient of
    /// polynomials is a ``RationalFunction``.
    public static func / (a: Polynomial, b: Polynomial) -> Polynomial {
        guard let c = b.constant else { preconditionFailure("Polynomial: division by the non-constant \(b); run on RationalFunction") }
        precondition(!c.isZero, "Polynomial: division by zero")
        return a.scaled(by: Rational(1) / c)
    }

    public var description: String {
        if terms.isEmpty { return "0" }
        var out = ""
        for (i, t) in terms.reversed().enumerated() {
            let negative = t.coefficient < Rational(0)
            let magnitude = t.coefficient.magnitude
            out += i == 0 ? (negative ? "-" : "") : (negative ? " - " : " + ")
            if t.monomial.factors.isEmpty { out += magnitude.description }
            else if magnitude == Rational(1) { out += t.monomial.description }
            else { out += "\(magnitude)*\(t.monomial)" }
        }
        return out
    }
}
