import ExactMath
import NestedLearning

/// Differential measurement of the fast kernels against the exact reference: the same inputs run
/// through a fast kernel (in `Double`) and through the generic reference in `Rational`, and the
/// error of the former is measured exactly against the latter. Used by the tests (which assert
/// the bound) and by `nlspec bench` (which reports the errors).
public enum Differential {
    /// One comparison's outcome.
    public struct Measurement: Sendable, CustomStringConvertible {
        public let kernel: String
        public let size: String
        /// `max_i |computed_i − exact_i| / max_i |exact_i|` (normwise kinds) or
        /// `max_i |computed_i − exact_i| / bound_i` scaled to `u` units (componentwise kinds).
        public let error: Double
        /// The a-priori bound `error` must not exceed.
        public let bound: Double
        /// The largest element-wise error in ULPs of the exact value (large only where an entry
        /// nearly cancels; reported, not asserted).
        public let worstULP: Double
        /// Every output element was written (the NaN the buffers start with is gone).
        public let allWritten: Bool

        public var passed: Bool { allWritten && error <= bound }
        public var description: String {
            "\(kernel) [\(size)]: error \(error) (bound \(bound)), worst \(worstULP) ulp" + (allWritten ? "" : ", NaN left")
        }
    }

    static let u = FloatError.unitRoundoff

    /// Normwise: error relative to `max|exact|`, bound `4·chain·u` (the suite's a-priori bound
    /// for a recurrence or reduction whose longest dependency chain has `chain` roundings).
    public static func normwise(_ kernel: String, _ size: String, computed: [Double], exact: [Rational], chain: Int) -> Measurement {
        Measurement(kernel: kernel, size: size, error: FloatError.normwiseRelativeError(computed, exact: exact),
                    bound: 4 * Double(chain) * u, worstULP: worstULP(computed, exact), allWritten: computed.allSatisfy { $0.isFinite })
    }

    /// Componentwise: `|computed_i − exact_i| ≤ γ_n · magnitude_i` with `γ_n = n u / (1 − n u)`,
    /// the classical bound for sums of `n` products (Higham, Accuracy and Stability, §3.5). The
    /// reported error is `max_i |computed_i − exact_i| / (γ_n · magnitude_i)`, so the bound is 1.
    public static func componentwise(_ kernel: String, _ size: String, computed: [Double], exact: [Rational],
                                     magnitude: [Double], n: Int) -> Measurement {
        let gamma = Double(n) * u / (1 - Double(n) * u)
        var worst = 0.0
        for (i, c) in computed.enumerated() {
            guard let cq = Rational(exactly: c) else { worst = .infinity; break }
            let diff = (cq - exact[i]).magnitude.roundedDouble
            if diff == 0 { continue }
            // magnitude is computed in Double; (1 + 4nu) covers its own rounding.
            worst = max(worst, diff / (gamma * magnitude[i] * (1 + 4 * Double(n) * u)))
        }
        return Measurement(kernel: kernel, size: size, error: worst, bound: 1, worstULP: worstULP(computed, exact),
                           allWritten: computed.allSatisfy { $0.isFinite })
    }

    static func worstULP(_ computed: [Double], _ exact: [Rational]) -> Double {
        zip(computed, exact).reduce(0) { max($0, FloatError.ulpError($1.0, exact: $1.1)) }
    }

    // MARK: - Inputs

    /// Inputs of a sequence memory: keys and queries `T × d_k`, values `T × d_v`, initial state
    /// `d_v × d_k`, gates. Dyadic, so they are exact in both fields.
    public struct SequenceInputs: Sendable {
        public let m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>, queries: Matrix<Double>
        public let alphas: [Double], betas: [Double]
        public var size: String { "d_k=\(m0.cols) d_v=\(m0.rows) T=\(keys.rows)" }

        /// Keys scaled by `1/⌈√d_k⌉` (so `β‖k‖² ≤ 1`), every third key zero (it leaves the
        /// state unchanged), step sizes β cycling through `1, 2⁻⁶, 1 − 2⁻³⁰, 0, ½, ¾` and decay
        /// gates α through `1 − 2⁻³⁰, ½, 1, 2⁻⁶, 0, ⅞, 1`; `wideRange` scales the values by
        /// `2⁻⁴⁰, 1, 2⁴⁰` in turn (wide dynamic range).
        public init(dk: Int, dv: Int, t: Int, seed: UInt64, wideRange: Bool = false) {
            var g = DyadicGenerator(seed: seed)
            func mat(_ r: Int, _ c: Int) -> Matrix<Double> { g.matrix(r, c, numeratorBound: 1 << 10, exponent: 10) }
            let scale = Double(dk).squareRoot().rounded(.up)
            var k = mat(t, dk).map { $0 / scale }
            for row in stride(from: 2, to: t, by: 3) { for j in 0..<dk { k[row, j] = 0 } }
            var v = mat(t, dv)
            if wideRange { v = Matrix(rows: t, cols: dv) { i, j in v[i, j] * [0x1p-40, 1, 0x1p40][(i + j) % 3] } }
            m0 = mat(dv, dk)
            keys = k
            values = v
            queries = mat(t, dk)
            betas = (0..<t).map { [1, 0x1p-6, 1 - 0x1p-30, 0, 0.5, 0.75][$0 % 6] }
            alphas = (0..<t).map { [1 - 0x1p-30, 0.5, 1, 0x1p-6, 0, 0.875, 1][$0 % 7] }
        }
    }

    /// Exact (gated) delta rule: `GatedDeltaRule.recurrent` in `Rational`, read after write.
    public static func exactDeltaRule(_ x: SequenceInputs, gated: Bool) -> (outputs: [Rational], state: [Rational]) {
        let t = x.keys.rows
        let trace = GatedDeltaRule.recurrent(keys: (0..<t).map { x.keys.row($0).lifted() },
                                             values: (0..<t).map { x.values.row($0).lifted() },
                                             queries: (0..<t).map { x.queries.row($0).lifted() },
                                             alphas: gated ? x.alphas.map { Rational(dyadic: $0) } : nil,
                                             betas: x.betas.map { Rational(dyadic: $0) }, initial: x.m0.lifted())
        return (trace.outputs.flatMap(\.elements), trace.finalState.elements)
    }

    /// Exact linear attention: `LinearAttention.recurrent` in `Rational` (gated: `α M + v kᵀ`).
    public static func exactLinearAttention(_ x: SequenceInputs, gated: Bool) -> (outputs: [Rational], state: [Rational]) {
        var m = x.m0.lifted(to: Rational.self)
        var ys: [Rational] = []
        for t in 0..<x.keys.rows {
            if gated { m = Rational(dyadic: x.alphas[t]) * m }
            m = LinearAttention.write(m, key: x.keys.row(t).lifted(), value: x.values.row(t).lifted())
            ys += (m * x.queries.row(t).lifted()).elements
        }
        return (ys, m.elements)
    }
}
