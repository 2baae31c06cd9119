import BallArithmetic
import ExactMath
import Foundation

/// The cost of one operation in each scalar the package computes in (`nlspec bench`, section
/// "scalar cost"): `Double`, GMP `Rational` and Arb `Ball` at 128 and 512 bits, for a fused
/// multiply-add `a·b + c` chained over a dot product of 64 short dyadics, and for `exp`.
struct ScalarCostRow: Codable {
    var scalar: String
    /// Nanoseconds per multiply-add of a 64-term dot product (operands 12-bit dyadics).
    var multiplyAddNanoseconds: Double
    /// Nanoseconds per `exp` of a 20-bit dyadic in [-8, 8] (nil for `Rational`: not rational).
    var expNanoseconds: Double?

    static func measure() -> [ScalarCostRow] {
        var g = DyadicGenerator(seed: 3)
        let xs = (0..<64).map { _ in g.dyadic(numeratorBound: 4096, exponent: 12) }
        let ys = (0..<64).map { _ in g.dyadic(numeratorBound: 4096, exponent: 12) }
        let args = (0..<64).map { _ in g.dyadic(numeratorBound: 1 << 23, exponent: 20) }
        func dot<S: Scalar>(_: S.Type) -> Double {
            let (a, b) = (xs.map { S(dyadic: $0) }, ys.map { S(dyadic: $0) })
            var sink = S.zero
            let samples = Samples.measure(minSamples: 5, maxSamples: 15, minSeconds: 0.2) {
                var total = S.zero
                for i in 0..<a.count { total = total + a[i] * b[i] }
                sink = total
            }
            _ = sink
            return samples.min / Double(xs.count) * 1e9
        }
        func exps<S: TranscendentalScalar>(_: S.Type) -> Double {
            let a = args.map { S(dyadic: $0) }
            var sink = S.zero
            let samples = Samples.measure(minSamples: 5, maxSamples: 15, minSeconds: 0.2) {
                for x in a { sink = S.exp(x) }
            }
            _ = sink
            return samples.min / Double(args.count) * 1e9
        }
        var rows = [ScalarCostRow(scalar: "Double", multiplyAddNanoseconds: dot(Double.self), expNanoseconds: exps(Double.self)),
                    ScalarCostRow(scalar: "Rational (GMP)", multiplyAddNanoseconds: dot(Rational.self), expNanoseconds: nil)]
        for bits in [128, 512] {
            Ball.$precision.withValue(bits) {
                rows.append(ScalarCostRow(scalar: "Ball (Arb, \(bits) bits)", multiplyAddNanoseconds: dot(Ball.self),
                                          expNanoseconds: exps(Ball.self)))
            }
        }
        return rows
    }
}
