import ExactMath
import NestedLearning

/// Checks that run before any claim in `nlspec check`: the constants the paper (or Muon's
/// reference code) prints, held to their printed values, and the shared exact arithmetic held
/// to answers it does not compute itself. Both views of every claim rest on these, so a bug here
/// could move both views together and pass every claim; each check here fails on its own.
public enum Preflight {
    public struct Check: Sendable {
        public let name: String
        /// nil when the check passes, else what is wrong.
        public let run: @Sendable () -> String?
    }

    /// A decimal literal as printed, parsed by the standard library (not by the code under test).
    static func printed(_ text: String) -> Double { Double(text)! }

    public static let checks: [Check] = [
        Check(name: "Muon's quintic Newton-Schulz coefficients are (3.4445, -4.7750, 2.0315) as printed (Muon's reference code; " +
                    "arXiv §8.9)") {
            let k = NewtonSchulz.Coefficients.muonQuintic
            let want = (printed("3.4445"), printed("-4.7750"), printed("2.0315"))
            return (k.a, k.b, k.c) == want ? nil : "found (\(k.a), \(k.b), \(k.c))"
        },
        Check(name: "the cubic Newton-Schulz step X <- (3X - X X^T X)/2 has coefficients (3/2, -1/2, 0) (arXiv eq. 42-44)") {
            let k = NewtonSchulz.Coefficients.cubic
            return (k.a, k.b, k.c) == (1.5, -0.5, 0) ? nil : "found (\(k.a), \(k.b), \(k.c))"
        },
        Check(name: "the MLP activation is phi(z) = z + z^2/2: phi(-1) = -1/2, phi(2) = 4, phi'(z) = 1 + z") {
            let phi = PolynomialActivation.quadratic
            let values = [Rational(-1), Rational(2), Rational(1, 3)].map { phi.value($0) }
            let want = [Rational(-1, 2), Rational(4), Rational(7, 18)]
            let slope = phi.value(Dual(variable: Rational(1, 3))).derivative
            return values == want && slope == Rational(4, 3) ? nil : "phi(-1), phi(2), phi(1/3) = \(values), phi'(1/3) = \(slope)"
        },
        Check(name: "Matrix.solve follows every row swap: A x = b exactly on systems that need pivoting") {
            let systems: [[[Int]]] = [[[0, 1, 2], [3, 4, 5], [6, 7, 9]], [[1, 2, 3], [2, 4, 7], [5, 1, 2]],
                                      [[0, 0, 1], [0, 1, 0], [1, 0, 0]], [[2, 1, 0, 0], [4, 2, 1, 0], [0, 3, 1, 1], [1, 0, 0, 5]]]
            for rows in systems {
                let a = Matrix(rows.map { $0.map { Rational($0) } })
                let b = Vector((0..<a.rows).map { Rational($0 * $0 - 2 * $0 + 3, $0 + 1) })
                guard let x = try? a.solve(b) else { return "\(rows): reported singular" }
                if a * x != b { return "\(rows): A x != b" }
            }
            return nil
        },
        Check(name: "Rational to Double rounds to nearest, ties to even (1/3, 1/10, 2^53 + 1, 2^-1075, 3 * 2^-1075, 2^1024)") {
            let two53 = Rational(1 << 53)
            let cases: [(Rational, UInt64)] = [
                (Rational(1, 3), 0x3FD5_5555_5555_5555), (Rational(1, 10), 0x3FB9_9999_9999_999A),
                (two53 + Rational(1), 0x4340_0000_0000_0000), (two53 + Rational(3), 0x4340_0000_0000_0002),
                (Rational(dyadic: 0x1p-1074) / Rational(2), 0), (Rational(dyadic: 0x1p-1074) * Rational(3, 2), 2),
            ]
            for (q, bits) in cases where q.roundedDouble.bitPattern != bits {
                return "\(q) rounds to \(String(q.roundedDouble.bitPattern, radix: 16)), expected \(String(bits, radix: 16))"
            }
            let huge = Rational(dyadic: 0x1p1023) * Rational(2)
            return huge.roundedDouble == .infinity ? nil : "2^1024 rounds to \(huge.roundedDouble)"
        },
    ]

    /// The failures, as (name, detail).
    public static func failures() -> [(name: String, detail: String)] {
        checks.compactMap { c in c.run().map { (c.name, $0) } }
    }
}
