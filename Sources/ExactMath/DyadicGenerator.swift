/// A seeded generator of small dyadic rationals `k / 2^m`.
///
/// Every value it produces is exactly representable in binary64, so the same inputs feed the
/// exact tier (lifted into ``Rational``) and the float tier (used as `Double`) with no rounding.
/// The stream is SplitMix64, so a seed reproduces the same inputs on every platform.
public struct DyadicGenerator: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits (SplitMix64).
    public mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(nextBits() % width)
    }

    /// `k / 2^exponent` with `k` uniform in `-numeratorBound ... numeratorBound`.
    public mutating func dyadic(numeratorBound: Int = 7, exponent: Int = 2) -> Double {
        Double(integer(in: -numeratorBound...numeratorBound)) / Double(1 << exponent)
    }

    /// `k / 2^exponent` with `k` uniform in `1 ... numeratorBound` (strictly positive).
    public mutating func positiveDyadic(numeratorBound: Int = 7, exponent: Int = 2) -> Double {
        Double(integer(in: 1...numeratorBound)) / Double(1 << exponent)
    }

    public mutating func vector(_ count: Int, numeratorBound: Int = 7, exponent: Int = 2) -> Vector<Double> {
        Vector((0..<count).map { _ in dyadic(numeratorBound: numeratorBound, exponent: exponent) })
    }

    public mutating func matrix(_ rows: Int, _ cols: Int, numeratorBound: Int = 7, exponent: Int = 2) -> Matrix<Double> {
        Matrix(rows: rows, cols: cols) { _, _ in self.dyadic(numeratorBound: numeratorBound, exponent: exponent) }
    }

    /// A vector with at least one non-zero entry.
    public mutating func nonZeroVector(_ count: Int, numeratorBound: Int = 7, exponent: Int = 2) -> Vector<Double> {
        while true {
            let v = vector(count, numeratorBound: numeratorBound, exponent: exponent)
            if v.elements.contains(where: { $0 != 0 }) { return v }
        }
    }
}
