/// A quotient `numerator / denominator` of ``Polynomial``s: the field of rational functions, for
/// reference code that divides by its inputs (a step size `η/(1 + η‖x‖²)`, a linear solve).
///
/// No multivariate gcd is taken. Equality is by cross multiplication, `a/b == c/d` iff
/// `a d == c b`, which needs none. The representation is kept small by cheap normalisations only:
/// a monomial dividing both numerator and denominator is cancelled (so a denominator `η^k` from a
/// step size disappears once the numerator carries it), a constant denominator is folded into the
/// numerator, the denominator's leading coefficient is made 1, and equal numerator and
/// denominator give 1.
public struct RationalFunction: Scalar, Sendable {
    public let numerator: Polynomial
    public let denominator: Polynomial

    public init(_ numerator: Polynomial, over denominator: Polynomial = Polynomial(1)) {
        precondition(!denominator.isZero, "RationalFunction: zero denominator")
        var (numerator, denominator) = (numerator, denominator)
        if !numerator.isZero && denominator.constant == nil {
            let common = Monomial.gcd(numerator.monomialContent, denominator.monomialContent)
            if !common.factors.isEmpty { (numerator, denominator) = (numerator.dividing(by: common), denominator.dividing(by: common)) }
        }
        if numerator.isZero {
            (self.numerator, self.denominator) = (Polynomial(0), Polynomial(1))
        } else if let c = denominator.constant {
            (self.numerator, self.denominator) = (numerator.scaled(by: Rational(1) / c), Polynomial(1))
        } else if numerator == denominator {
            (self.numerator, self.denominator) = (Polynomial(1), Polynomial(1))
        } else {
            let lead = Rational(1) / denominator.terms.last!.coefficient
            (self.numerator, self.denominator) = (numerator.scaled(by: lead), denominator.scaled(by: lead))
        }
    }

    public static func variable(_ name: String) -> RationalFunction { RationalFunction(.variable(name)) }
    public init(_ value: Int) { self.init(Polynomial(value)) }
    /// The constant function `c`.
    public init(constant c: Rational) { self.init(Polynomial(c)) }
    public init(dyadic value: Double) { self.init(Polynomial(dyadic: value)) }

    public var isZero: Bool { numerator.isZero }
    public var isPolynomial: Bool { denominator.constant != nil }
    public var roundedDouble: Double {
        guard let n = numerator.constant, let d = denominator.constant else { return .nan }
        return (n / d).roundedDouble
    }

    public static func == (a: RationalFunction, b: RationalFunction) -> Bool {
        if a.denominator == b.denominator { return a.numerator == b.numerator }
        return a.numerator * b.denominator == b.numerator * a.denominator
    }

    public static func + (a: RationalFunction, b: RationalFunction) -> RationalFunction {
        if a.isZero { return b }
        if b.isZero { return a }
        if a.denominator == b.denominator { return RationalFunction(a.numerator + b.numerator, over: a.denominator) }
        return RationalFunction(a.numerator * b.denominator + b.numerator * a.denominator, over: a.denominator * b.denominator)
    }
    public static prefix func - (a: RationalFunction) -> RationalFunction { RationalFunction(-a.numerator, over: a.denominator) }
    public static func - (a: RationalFunction, b: RationalFunction) -> RationalFunction { a + (-b) }

    public static func * (a: RationalFunction, b: RationalFunction) -> RationalFunction {
        if a.isZero || b.isZero { return RationalFunction(0) }
        // Cancel a factor that is literally shared before multiplying out.
        if a.denominator == b.numerator { return RationalFunction(a.numerator, over: b.denominator) }
        if b.denominator == a.numerator { return RationalFunction(b.numerator, over: a.denominator) }
        return RationalFunction(a.numerator * b.numerator, over: a.denominator * b.denominator)
    }

    /// Division; a zero divisor stops the program.
    public static func / (a: RationalFunction, b: RationalFunction) -> RationalFunction {
        precondition(!b.isZero, "RationalFunction: division by zero")
        return a * RationalFunction(b.denominator, over: b.numerator)
    }

    public var description: String {
        isPolynomial ? numerator.description : "(\(numerator)) / (\(denominator))"
    }
}
