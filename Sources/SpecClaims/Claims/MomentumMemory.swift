import ExactMath
import NestedLearning

/// What the claims that read momentum as an associative memory (OPT-PRECOND-MOMENTUM,
/// OPT-DELTA-MOMENTUM) share: a sequence of gradients `g_i` (`d × n`) with values `P_i` (`d × d`),
/// a retention `α` and a step `η`, and the optimization view, GD on an association objective
/// plus the retention `(1 − α)/(2η)‖m‖²`.
enum MomentumMemory {
    struct Input {
        let label: String
        let m0: Matrix<Double>
        let gradients: [Matrix<Double>], values: [Matrix<Double>]
        let alpha: Double, eta: Double
    }

    /// Exact inputs: entries `k/4`, `|k| ≤ 3`, `T = 3`; float inputs: entries `k/2¹²` times
    /// `floatScale`, `T = 12`. Values `P` are generic, so not symmetric.
    static func inputs(exact: Bool, shapes: [(Int, Int)], settings: [(alpha: Double, eta: Double)], seed: UInt64,
                       floatScale: Double = 1) -> [Input] {
        var out: [Input] = []
        for (i, (alpha, eta)) in settings.enumerated() {
            for (d, n) in shapes {
                var g = Support.exactGenerator(seed + UInt64(i * 100 + d * 10 + n))
                let steps = exact ? 3 : 12
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> {
                    exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c).map { $0 * floatScale }
                }
                out.append(Input(label: "d=\(d) n=\(n) alpha=\(alpha) eta=\(eta) T=\(steps)", m0: mat(d, n),
                                 gradients: (0..<steps).map { _ in mat(d, n) }, values: (0..<steps).map { _ in mat(d, d) },
                                 alpha: alpha, eta: eta))
            }
        }
        return out
    }

    /// One GD step of size `η` per gradient on `association(m, g, P) + (1 − α)/(2η)‖m‖²`, the
    /// association written as code over vec(m) and differentiated with dual numbers.
    static func gradientSteps(_ input: Input,
                              association: @escaping @Sendable (Matrix<Support.D>, Matrix<Support.D>, Matrix<Support.D>) -> Support.D) -> [Matrix<Rational>] {
        let (rows, cols) = (input.m0.rows, input.m0.cols)
        let eta = Rational(dyadic: input.eta), retention = (Rational(1) - Rational(dyadic: input.alpha)) / (Rational(2) * eta)
        var theta = input.m0.lifted(to: Rational.self).elements
        return zip(input.gradients, input.values).map { gd, pd in
            let g = Support.dual(gd.lifted(to: Rational.self)), p = Support.dual(pd.lifted(to: Rational.self))
            let r = Dual(constant: retention)
            let objective = Objective<Rational>(dimension: rows * cols) { th in
                association(Matrix(rows: rows, cols: cols, elements: th), g, p) + r * th.reduce(Dual(0)) { $0 + $1 * $1 }
            }
            theta = objective.gradientStep(from: theta, learningRate: eta)
            return Matrix(rows: rows, cols: cols, elements: theta)
        }
    }

    /// The architecture view, `step` gradient after gradient.
    static func run<S: Scalar>(_ input: Input, _: S.Type,
                               step: (Matrix<S>, _ g: Matrix<S>, _ p: Matrix<S>, _ alpha: S, _ eta: S) -> Matrix<S>) -> [Matrix<S>] {
        let alpha = S(dyadic: input.alpha), eta = S(dyadic: input.eta)
        var m = input.m0.lifted(to: S.self)
        return zip(input.gradients, input.values).map { gd, pd in
            m = step(m, gd.lifted(to: S.self), pd.lifted(to: S.self), alpha, eta)
            return m
        }
    }
}
