import BallArithmetic
import ExactMath
import Foundation
import NestedLearning
import Testing

/// `Ball` as a scalar: exact where its inputs are short dyadics, enclosing the exact rational
/// result otherwise, recomputed at a higher precision when a ball straddles a rounding boundary,
/// and its functions within an ulp of the C library's.
@Suite("Ball arithmetic (Arb)")
struct BallTests {
    @Test("field operations on dyadics are exact (radius 0) and equal the rationals'; 1/3 is a ball around 1/3")
    func fieldOperations() {
        var g = DyadicGenerator(seed: 11)
        for _ in 0..<200 {
            let (a, b) = (g.dyadic(numeratorBound: 1 << 20, exponent: 12), g.dyadic(numeratorBound: 1 << 20, exponent: 12))
            let (x, y) = (Ball(dyadic: a), Ball(dyadic: b))
            let (p, q) = (Rational(dyadic: a), Rational(dyadic: b))
            for (ball, exact) in [(x + y, p + q), (x - y, p - q), (x * y, p * q), (-x, -p)] {
                #expect(ball.radius == 0 && ball.contains(exact) && ball == Ball(exact), "\(a), \(b)")
            }
            if !q.isZero { #expect((x / y).contains(p / q)) }
        }
        let third = Ball(1) / Ball(3)
        #expect(third.contains(Rational(1, 3)) && third.radius > 0 && third.radius < 0x1p-120)
        #expect(!third.contains(Rational(1, 3) + Rational(1, 1 << 62)))
        #expect(Ball(0).isZero && !third.isZero && (third - third).containsZero)
    }

    @Test("the generic delta rule run on balls encloses every element of the exact rational run")
    func genericComponentsEncloseTheRationals() {
        var g = DyadicGenerator(seed: 12)
        let (dk, dv, t) = (4, 3, 12)
        let draw = { (n: Int) in (0..<n).map { _ in g.dyadic(numeratorBound: 255, exponent: 8) } }
        let m0 = draw(dv * dk), k = (0..<t).map { _ in draw(dk) }, v = (0..<t).map { _ in draw(dv) }
        let q = (0..<t).map { _ in draw(dk) }
        let beta = (0..<t).map { i in [1.0 / 3.0, 0.5, 0.1][i % 3] }  // not short dyadics: the balls widen
        func run<S: Scalar>(_: S.Type) -> LinearAttention.Trace<S> {
            DeltaRule.recurrent(keys: k.map { Vector($0.map { S(dyadic: $0) }) }, values: v.map { Vector($0.map { S(dyadic: $0) }) },
                                queries: q.map { Vector($0.map { S(dyadic: $0) }) }, betas: beta.map { S(dyadic: $0) },
                                initial: Matrix(rows: dv, cols: dk, elements: m0.map { S(dyadic: $0) }))
        }
        let (balls, exact) = (run(Ball.self), run(Rational.self))
        for (b, r) in zip(balls.finalState.elements + balls.outputs.flatMap(\.elements),
                          exact.finalState.elements + exact.outputs.flatMap(\.elements)) {
            #expect(b.contains(r) && b.radius < 0x1p-100, "\(b) does not enclose \(r)")
        }
    }

    @Test("a ball that straddles a rounding boundary at 64 bits is recomputed and rounds correctly at a higher precision")
    func straddlingIsRecomputed() throws {
        // 1 + 2^-53 + e^-100: just above the midpoint between 1 and its successor, so it rounds up.
        let value = { [Ball(1) + Ball(dyadic: 0x1p-53) + Ball.exp(Ball(-100))] }
        #expect(Ball.$precision.withValue(64) { value()[0].correctlyRounded } == nil)
        let result = try #require(Ball.correctlyRounded(startingAt: 64, value))
        #expect(result.values == [1 + 0x1p-52] && result.precision > 64)
        // Without the tiny term the exact midpoint rounds to even, at any precision.
        #expect(Ball.correctlyRounded(startingAt: 64) { [Ball(1) + Ball(dyadic: 0x1p-53)] }?.values == [1])
    }

    @Test("exp, log, tanh, erf, sqrt round to within 1 ulp of the C library's (equal on most arguments); identities hold")
    func functionsAgainstTheCLibrary() throws {
        var g = DyadicGenerator(seed: 13)
        var equal = 0, total = 0
        for _ in 0..<150 {
            let x = g.dyadic(numeratorBound: 1 << 24, exponent: 20)
            let cases: [(Ball, Double)] = [(Ball.exp(Ball(dyadic: x)), Foundation.exp(x)), (Ball.tanh(Ball(dyadic: x)), Foundation.tanh(x)),
                                           (Ball.erf(Ball(dyadic: x)), Foundation.erf(x)),
                                           (Ball.log(Ball(dyadic: abs(x) + 1)), Foundation.log(abs(x) + 1)),
                                           (Ball.squareRoot(Ball(dyadic: abs(x))), abs(x).squareRoot())]
            for (ball, libm) in cases {
                let r = try #require(ball.correctlyRounded, "\(ball)")
                #expect(abs(r - libm) <= libm.ulp, "x = \(x): \(r) vs \(libm)")
                total += 1
                if r == libm { equal += 1 }
            }
            let b = Ball(dyadic: x)
            #expect((Ball.sigmoid(b) + Ball.sigmoid(-b) - Ball(1)).containsZero)
            #expect((Ball.softplus(b) - Ball.softplus(-b) - b).containsZero)
            #expect((Ball.silu(b) - b * Ball.sigmoid(b)).containsZero)
        }
        #expect(equal >= total * 95 / 100, "\(equal) of \(total) equal")
        // sqrt of an exact square is exact.
        #expect(Ball.squareRoot(Ball(dyadic: 2.25)) == Ball(dyadic: 1.5))
        #expect(Ball.representableSquareRoot(Ball(-1)) == nil)
    }
}
