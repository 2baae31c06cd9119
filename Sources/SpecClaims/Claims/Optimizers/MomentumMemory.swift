import ExactMath
import NestedLearning

/// What the claims that read momentum as an associative memory (OPT-PRECOND-MOMENTUM,
/// OPT-DELTA-MOMENTUM) share: a sequence of gradients `g_i` (`d × n`) with values `P_i` (`d × d`),
/// a retention `α` and a step `η`, and the optimization view, GD on an association objective
/// plus the retention `(1 − α)/(2η)‖m‖²`.
enum MomentumMemory {
    struct Input: ClaimInput {
        let label: String
        let m0: Matrix<Double>
        let gradients: [Matrix<Double>], values: [Matrix<Double>]
        let alpha: Double, eta: Double
        var variables: Set<String> = []
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

    /// One run's data in a scalar `S`: exact rationals, doubles, or symbols.
    struct Sequence<S: Scalar> {
        let m0: Matrix<S>
        let gradients: [Matrix<S>], values: [Matrix<S>]
        let alpha: S, eta: S
    }

    /// The inputs in `S`: on symbols `m0_ij`, `g<t>_ij`, `P<t>_ij`, `alpha`, `eta`.
    static func lift<S: Scalar>(_ input: Input, _ s: Lift<S>) -> Sequence<S> {
        Sequence(m0: s.matrix(input.m0, "m0"), gradients: s.matrices(input.gradients, "g"), values: s.matrices(input.values, "P"),
                 alpha: s.scalar(input.alpha, "alpha"), eta: s.scalar(input.eta, "eta"))
    }

    /// A symbolic case: `m_0`, `g_t` (`d × n`), `P_t` (`d × d`), `α`, `η` variables, `steps` gradients.
    static func symbolic(d: Int, n: Int, steps: Int) -> Input {
        Input(label: "d=\(d) n=\(n) T=\(steps)", m0: .zeros(d, n), gradients: Array(repeating: .zeros(d, n), count: steps),
              values: Array(repeating: .zeros(d, d), count: steps), alpha: 0, eta: 0, variables: ["m0", "g", "P", "alpha", "eta"])
    }

    /// One GD step of size `η` per gradient on `association(m, g, P) + (1 − α)/(2η)‖m‖²`, the
    /// association written as code over vec(m) and differentiated with dual numbers.
    static func gradientSteps<S: Scalar>(_ run: Sequence<S>,
                                         association: @escaping @Sendable (Matrix<Dual<S>>, Matrix<Dual<S>>, Matrix<Dual<S>>) -> Dual<S>)
                                             -> [Matrix<S>] {
        let (rows, cols) = (run.m0.rows, run.m0.cols)
        let retention = (S(1) - run.alpha) / (S(2) * run.eta)
        var theta = run.m0.elements
        return zip(run.gradients, run.values).map { gd, pd in
            let g = Support.dual(gd), p = Support.dual(pd)
            let r = Dual(constant: retention)
            let objective = Objective<S>(dimension: rows * cols) { th in
                association(Matrix(rows: rows, cols: cols, elements: th), g, p) + r * th.reduce(Dual(0)) { $0 + $1 * $1 }
            }
            theta = objective.gradientStep(from: theta, learningRate: run.eta)
            return Matrix(rows: rows, cols: cols, elements: theta)
        }
    }

    /// The architecture view, `step` gradient after gradient.
    static func run<S: Scalar>(_ run: Sequence<S>,
                               step: (Matrix<S>, _ g: Matrix<S>, _ p: Matrix<S>, _ alpha: S, _ eta: S) -> Matrix<S>) -> [Matrix<S>] {
        var m = run.m0
        return zip(run.gradients, run.values).map { g, p in
            m = step(m, g, p, run.alpha, run.eta)
            return m
        }
    }
}
