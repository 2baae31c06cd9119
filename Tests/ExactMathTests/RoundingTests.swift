import Testing
import ExactMath

@Suite("Rational -> Double: correct rounding, round half to even")
struct RoundingTests {
    @Test("every finite double round-trips exactly", arguments: 0..<4)
    func roundTrip(seed: Int) {
        var g = DyadicGenerator(seed: UInt64(100 + seed))
        for _ in 0..<2000 {
            let d = Double(bitPattern: g.nextBits())
            guard d.isFinite else { continue }
            let q = Rational(dyadic: d)
            #expect(q.roundedDouble.bitPattern == (d == 0 ? 0 : d.bitPattern), "\(d)")
        }
        for d in [Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, Double.leastNormalMagnitude,
                  Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, 1, -1, 0x1p-1074 * 3] {
            #expect(Rational(dyadic: d).roundedDouble == d)
        }
    }

    @Test("p/q rounds like IEEE division of exact doubles", arguments: 0..<4)
    func matchesIEEEDivision(seed: Int) {
        // IEEE 754 division of two exactly representable integers is correctly rounded, so it is
        // an independent oracle for p/q.
        var g = DyadicGenerator(seed: UInt64(200 + seed))
        for _ in 0..<3000 {
            let p = g.integer(in: -(1 << 40)...(1 << 40))
            let q = g.integer(in: 1...(1 << 30))
            #expect(Rational(p, q).roundedDouble == Double(p) / Double(q), "\(p)/\(q)")
        }
    }

    @Test("ties go to even")
    func ties() {
        let one = Rational(1)
        let half = Rational(dyadic: 0x1p-53)  // half an ulp of 1
        #expect((one + half).roundedDouble == 1)                         // tie, 1 is even
        #expect((one + Rational(3) * half).roundedDouble == 1 + 0x1p-51) // tie between 1+2^-52 (odd) and 1+2^-51
        #expect((one + half + Rational(dyadic: 0x1p-100)).roundedDouble == 1 + 0x1p-52) // just above the tie
        #expect((-(one + half)).roundedDouble == -1)
        #expect(Rational(1, 3).roundedDouble == 1.0 / 3.0)
        #expect(Rational(2, 3).roundedDouble == 2.0 / 3.0)
    }

    @Test("subnormals and underflow")
    func subnormals() {
        let tiny = Rational(dyadic: Double.leastNonzeroMagnitude)  // 2^-1074
        #expect((tiny / Rational(2)).roundedDouble == 0)            // 2^-1075: tie, rounds to even 0
        #expect((tiny * Rational(3) / Rational(4)).roundedDouble == Double.leastNonzeroMagnitude) // 0.75 ulp rounds up
        #expect((tiny * Rational(3) / Rational(2)).roundedDouble == 2 * Double.leastNonzeroMagnitude) // 1.5: tie to even 2
        #expect((tiny * Rational(5) / Rational(2)).roundedDouble == 2 * Double.leastNonzeroMagnitude) // 2.5: tie to even 2
        #expect((tiny / Rational(3)).roundedDouble == 0)
        #expect((-(tiny * Rational(3) / Rational(4))).roundedDouble == -Double.leastNonzeroMagnitude)
        let belowNormal = Rational(dyadic: Double.leastNormalMagnitude) - tiny
        #expect(belowNormal.roundedDouble == Double.leastNormalMagnitude.nextDown)
    }

    @Test("overflow to infinity")
    func overflow() {
        let maxFinite = Rational(dyadic: .greatestFiniteMagnitude)
        let ulpAtMax = Rational(dyadic: Double.greatestFiniteMagnitude.ulp)
        #expect((maxFinite + ulpAtMax / Rational(4)).roundedDouble == .greatestFiniteMagnitude)
        #expect((maxFinite + ulpAtMax / Rational(2)).roundedDouble == .infinity)  // tie: rounds to even = 2^1024
        #expect((-(maxFinite + ulpAtMax)).roundedDouble == -.infinity)
        #expect((maxFinite * maxFinite).roundedDouble == .infinity)
    }

    @Test("ulp error is measured exactly")
    func ulpError() {
        #expect(FloatError.ulpError(1.0, exact: Rational(1)) == 0)
        #expect(FloatError.ulpError(1.0.nextUp, exact: Rational(1)) == 1)
        #expect(FloatError.ulpError(.nan, exact: Rational(1)) == .infinity)
        #expect(FloatError.normwiseRelativeError([1, 2], exact: [Rational(1), Rational(4)]) == 0.5)
    }
}
