import ExactMath

/// Symbolic inputs: every entry a distinct variable, named after the paper's symbol and its
/// 1-based indices (`M0_12` is row 1, column 2 of `M_0`; `k3_2` is entry 2 of `k_3`).
public enum Symbols {
    public typealias F = RationalFunction

    public static func scalar(_ name: String) -> F { .variable(name) }
    public static func vector(_ name: String, _ n: Int) -> Vector<F> {
        Vector((1...n).map { .variable("\(name)_\($0)") })
    }
    public static func matrix(_ name: String, _ rows: Int, _ cols: Int) -> Matrix<F> {
        Matrix(rows: rows, cols: cols) { i, j in .variable("\(name)_\(i + 1)\(j + 1)") }
    }
    /// `count` vectors `name1 … name{count}`, e.g. the keys `k1 … kT`.
    public static func sequence(_ name: String, count: Int, _ n: Int) -> [Vector<F>] {
        (1...count).map { vector("\(name)\($0)", n) }
    }
    /// Fixed rational inputs as constant functions.
    public static func constant(_ m: Matrix<Rational>) -> Matrix<F> { m.map { F(constant: $0) } }
    public static func constant(_ v: Vector<Rational>) -> Vector<F> { v.map { F(constant: $0) } }
    /// `count` scalars `name1 … name{count}`, e.g. the step sizes `beta1 … betaT`.
    public static func scalars(_ name: String, count: Int) -> [F] { (1...count).map { scalar("\(name)\($0)") } }
}

/// The outcome of comparing two sides computed on symbols.
public struct SymbolicEvidence: Sendable {
    public let label: String
    public let quantity: String
    /// Entries compared (each a rational function of the inputs).
    public let count: Int
    /// Entries whose difference is not the zero function.
    public let nonZero: Int
    /// The first non-zero difference `actual − expected`, printed (a few of its terms), and the
    /// number of terms of its numerator.
    public let firstDifference: (index: Int, text: String, terms: Int)?
    public let applicable: Bool

    public var proven: Bool { !applicable || nonZero == 0 }

    public static func compare(_ label: String, _ quantity: String, expected: [RationalFunction],
                               actual: [RationalFunction]) -> SymbolicEvidence {
        guard expected.count == actual.count else {
            // A different number of entries (a mutant that adds an update, say) is a difference too.
            let text = "\(actual.count) entries where the other view has \(expected.count)"
            return SymbolicEvidence(label: label, quantity: quantity, count: max(expected.count, actual.count),
                                    nonZero: abs(expected.count - actual.count),
                                    firstDifference: (min(expected.count, actual.count), text, 0),
                                    applicable: true)
        }
        var nonZero = 0
        var first: (Int, String, Int)?
        for i in expected.indices where expected[i] != actual[i] {
            nonZero += 1
            if first == nil {
                let d = actual[i] - expected[i]
                first = (i, describe(d), d.numerator.terms.count)
            }
        }
        return SymbolicEvidence(label: label, quantity: quantity, count: expected.count, nonZero: nonZero, firstDifference: first,
                                applicable: true)
    }

    public static func notApplicable(_ label: String, _ quantity: String) -> SymbolicEvidence {
        SymbolicEvidence(label: label, quantity: quantity, count: 0, nonZero: 0, firstDifference: nil, applicable: false)
    }

    /// A difference, shortened: its leading terms and the term count.
    static func describe(_ d: RationalFunction, terms shown: Int = 4) -> String {
        func short(_ p: Polynomial) -> String {
            let top = Polynomial(terms: Array(p.terms.suffix(shown)))
            return p.terms.count > shown ? "\(top) + … (\(p.terms.count) terms)" : top.description
        }
        return d.isPolynomial ? short(d.numerator) : "(\(short(d.numerator))) / (\(short(d.denominator)))"
    }
}
