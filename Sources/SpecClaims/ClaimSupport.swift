import ExactMath
import NestedLearning

/// Small helpers shared by the claims: lifting into dual numbers, input generators, bounds.
enum Support {
    typealias Q = Rational
    typealias D = Dual<Rational>

    /// Inputs for the exact tier: `k/4` with `|k| ≤ 7`, readable by hand.
    static func exactGenerator(_ seed: UInt64) -> DyadicGenerator { DyadicGenerator(seed: 0x5EED_0000 &+ seed) }

    /// Inputs for the float tier: `k/2¹²` with `|k| ≤ 2¹²`, so products and sums round in
    /// `Double` after a few operations while the rationals stay small.
    /// `bits` sets the precision: 12 keeps recurrences that multiply states cheap in rationals;
    /// 30 makes single products round in `Double` where the computation only adds products.
    static func floatMatrix(_ g: inout DyadicGenerator, _ rows: Int, _ cols: Int, bits: Int = 12) -> Matrix<Double> {
        g.matrix(rows, cols, numeratorBound: 1 << bits, exponent: bits)
    }
    static func floatVector(_ g: inout DyadicGenerator, _ count: Int, bits: Int = 12) -> Vector<Double> {
        g.vector(count, numeratorBound: 1 << bits, exponent: bits)
    }

    /// The float-tier bound used by every claim: `4·n·u`, where `n` is the length of the longest
    /// chain of dependent roundings in the computation and `u = 2⁻⁵³`. It is the classic
    /// `γ_n`-style bound for sums and products with a factor of 4 for the few extra operations
    /// per step; it is compared with the normwise relative error `max|Δ| / max|exact|`.
    static func bound(chain n: Int) -> Double { 4 * Double(n) * FloatError.unitRoundoff }

    static func dual<S: Scalar>(_ v: Vector<S>) -> Vector<Dual<S>> { v.map { Dual(constant: $0) } }
    static func dual<S: Scalar>(_ m: Matrix<S>) -> Matrix<Dual<S>> { m.map { Dual(constant: $0) } }
    static func dual<S: Scalar>(_ s: S) -> Dual<S> { Dual(constant: s) }

    /// Reads a matrix of the given shape from the front of a flat parameter vector.
    static func matrix<S: Scalar>(_ theta: ArraySlice<S>, _ rows: Int, _ cols: Int) -> Matrix<S> {
        Matrix(rows: rows, cols: cols, elements: Array(theta.prefix(rows * cols)))
    }

    /// `‖Θ − W‖_F²` on dual numbers, for proximal terms.
    static func squaredDistance<S: Scalar>(_ theta: Matrix<Dual<S>>, _ w: Matrix<S>) -> Dual<S> {
        (theta - dual(w)).squaredFrobeniusNorm
    }

    /// The proximal step `argmin_Θ ⟨Θ, G⟩-type term + ‖Θ − W‖²/(2η)` solved exactly, for an
    /// objective given on a matrix of W's shape.
    static func argmin<S: Scalar>(around w: Matrix<S>, _ f: @escaping @Sendable (Matrix<Dual<S>>) -> Dual<S>) -> Matrix<S> {
        let objective = Objective<S>(dimension: w.elements.count) { theta in
            f(Matrix(rows: w.rows, cols: w.cols, elements: theta))
        }
        do {
            return Matrix(rows: w.rows, cols: w.cols, elements: try objective.argminQuadratic(around: w.elements))
        } catch {
            fatalError("argmin: \(error)")
        }
    }

    /// `argmin_M Σ_i s_i ‖v_i − M‖²` over a vector `M`, solved by exact normal equations: the
    /// optimization view of a non-parametric (attention) memory, arXiv eq. 62.
    static func weightedRegressionArgmin<S: Scalar>(weights: [S], values: [Vector<S>]) -> Vector<S> {
        let s = weights.map { dual($0) }, v = values.map { dual($0) }
        let objective = Objective<S>(dimension: values[0].count) { m in
            var total = Dual<S>(0)
            for i in 0..<s.count { total = total + s[i] * (v[i] - Vector(m)).squaredNorm }
            return total
        }
        do {
            return Vector(try objective.argminQuadratic(around: Array(repeating: S(0), count: values[0].count)))
        } catch {
            fatalError("weighted regression: \(error)")
        }
    }

    /// `∇_Θ f` at `w`, through dual numbers.
    static func gradient<S: Scalar>(at w: Matrix<S>, _ f: @escaping @Sendable (Matrix<Dual<S>>) -> Dual<S>) -> Matrix<S> {
        let objective = Objective<S>(dimension: w.elements.count) { theta in
            f(Matrix(rows: w.rows, cols: w.cols, elements: theta))
        }
        return Matrix(rows: w.rows, cols: w.cols, elements: objective.gradient(at: w.elements))
    }
}

/// Formats exact values for worked examples.
enum Show {
    static func m<S: Scalar>(_ name: String, _ a: Matrix<S>) -> String {
        let cells = (0..<a.rows).map { i in (0..<a.cols).map { a[i, $0].description } }
        let width = cells.flatMap { $0 }.map(\.count).max() ?? 1
        let lines = cells.map { row in
            "[ " + row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: "  ") + " ]"
        }
        let pad = String(repeating: " ", count: name.count + 3)
        return lines.enumerated().map { i, l in (i == (lines.count - 1) / 2 ? name + " = " : pad) + l }.joined(separator: "\n")
    }
    static func v<S: Scalar>(_ name: String, _ x: Vector<S>) -> String {
        "\(name) = (" + x.elements.map(\.description).joined(separator: ", ") + ")ᵀ"
    }
    static func s<S: Scalar>(_ name: String, _ x: S) -> String { "\(name) = \(x)" }
    static func verdict(_ same: Bool) -> String { same ? "equal: yes (exact, ==)" : "equal: NO" }
}

extension Support {
    /// `count` zero vectors of length `n`: the shape of a sequence whose entries a symbolic case
    /// makes variables.
    static func zeros(_ count: Int, _ n: Int) -> [Vector<Double>] { Array(repeating: .zeros(n), count: count) }
}

extension Lift {
    /// A stored MLP in `S`, its weights named `w1` and `w2` on symbols.
    func mlp<N: Scalar>(_ m: TwoLayerMLP<N>, _ w1: String = "", _ w2: String = "") -> TwoLayerMLP<S> {
        TwoLayerMLP(w1: matrix(m.w1, w1), w2: matrix(m.w2, w2), activation: m.activation)
    }
}

extension Array {
    /// Consecutive slices of `size` elements (the last one shorter if the count is not a multiple).
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
