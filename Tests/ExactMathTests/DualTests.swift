import Testing
import ExactMath

@Suite("Dual numbers: exact forward-mode derivative rules")
struct DualTests {
    typealias D = Dual<Rational>

    @Test("sum, product, quotient and chain rules", arguments: 0..<6)
    func rules(seed: Int) {
        var g = DyadicGenerator(seed: UInt64(300 + seed))
        for _ in 0..<20 {
            let a = Rational(dyadic: g.dyadic()), b = Rational(dyadic: g.positiveDyadic())
            let x = D(variable: a)
            // d/dx (x^3 + 2x) = 3x^2 + 2
            let p = x * x * x + D(2) * x
            #expect(p.value == a * a * a + Rational(2) * a)
            #expect(p.derivative == Rational(3) * a * a + Rational(2))
            // d/dx x / (x^2 + b) = (b - x^2) / (x^2 + b)^2
            let q = x / (x * x + D(constant: b))
            let den = a * a + b
            #expect(q.derivative == (b - a * a) / (den * den))
            // chain rule: d/dx (x^2 + 1)^2 = 4x (x^2 + 1)
            let inner = x * x + D(1)
            #expect((inner * inner).derivative == Rational(4) * a * (a * a + Rational(1)))
            // constants have zero derivative
            #expect((D(constant: b) * D(constant: a)).derivative == Rational(0))
        }
    }

    @Test("objective gradient equals the hand-derived gradient of a quadratic form")
    func gradientOfQuadraticForm() {
        // f(θ) = θᵀ A θ / 2 + bᵀθ with A symmetric: ∇f = Aθ + b.
        let a = Matrix<Rational>([[Rational(2), Rational(1, 2)], [Rational(1, 2), Rational(3)]])
        let b = Vector([Rational(-1), Rational(1, 4)])
        let f = Objective<Rational>(dimension: 2) { t in
            let v = Vector(t)
            return D(1) / D(2) * v.dot(a.map { D(constant: $0) } * v) + b.map { D(constant: $0) }.dot(v)
        }
        let theta = [Rational(1, 3), Rational(-2)]
        #expect(f.gradient(at: theta) == (a * Vector(theta) + b).elements)
        let star = try! f.argminQuadratic(around: theta)
        #expect((a * Vector(star) + b).elements.allSatisfy { $0.isZero })
        #expect(f.quadraticHessian(at: theta) == a)
    }

    @Test("argmin rejects a non-quadratic objective")
    func rejectsNonQuadratic() {
        let f = Objective<Rational>(dimension: 1) { t in t[0] * t[0] * t[0] * t[0] + t[0] * t[0] }
        #expect(throws: QuadraticArgminError.self) { try f.argminQuadratic(around: [Rational(1)]) }
    }
}
