import ExactMath

/// Newton–Schulz orthogonalization, the inner solver of Muon and M3 (arXiv eq. 42–44, §8.9).
///
/// One step is the odd matrix polynomial `X ← aX + b(XXᵀ)X + c(XXᵀ)²X`: the cubic form
/// `(3/2, −1/2, 0)`, which arXiv eq. 42–44 derive from gradient descent on an orthogonality
/// objective (claim MUON-NS-GD), or Muon's quintic `(3.4445, −4.7750, 2.0315)`.
public enum NewtonSchulz {
    /// The coefficients `(a, b, c)` of one step.
    public struct Coefficients: Sendable, Equatable {
        public let a: Double, b: Double, c: Double
        public init(a: Double, b: Double, c: Double) { self.a = a; self.b = b; self.c = c }
        /// Muon's quintic coefficients.
        public static let muonQuintic = Coefficients(a: 3.4445, b: -4.7750, c: 2.0315)
        /// The classic cubic iteration `X ← (3X − XXᵀX)/2`.
        public static let cubic = Coefficients(a: 1.5, b: -0.5, c: 0)
    }

    /// One step, literally: `aX + b(XXᵀ)X + c(XXᵀ)(XXᵀ)X`. The coefficients enter as the exact
    /// values of their `Double`s, so a rational run and a `Double` run use the same polynomial.
    public static func step<S: Scalar>(_ x: Matrix<S>, _ k: Coefficients) -> Matrix<S> {
        let gram = x * x.transposed
        let cubicTerm = gram * x
        var next = S(dyadic: k.a) * x + S(dyadic: k.b) * cubicTerm
        if k.c != 0 { next = next + S(dyadic: k.c) * (gram * cubicTerm) }
        return next
    }

    /// `steps` steps from `x`.
    public static func iterate<S: Scalar>(_ x: Matrix<S>, _ k: Coefficients, steps: Int) -> Matrix<S> {
        (0..<steps).reduce(x) { current, _ in step(current, k) }
    }
}

extension NewtonSchulz {
    /// One step of arXiv eq. 44 as printed: `O ← O − ζ (O − g + 2 O(OᵀO − I))`, starting from
    /// `O₀ = g` (the inner level of Muon in the nested view, arXiv eq. 42–44).
    public static func orthogonalityStep<S: Scalar>(_ o: Matrix<S>, target g: Matrix<S>, zeta: S) -> Matrix<S> {
        let gram = o.transposed * o - Matrix<S>.identity(o.cols)
        return o - zeta * (o - g + S(2) * (o * gram))
    }

    /// Why ``prepared(_:normalization:epsilon:tallInput:)`` cannot scale an input.
    public enum PreparationError: Error, Equatable, Sendable {
        /// `‖X‖_F` has no value in the scalar type: in rationals, `‖X‖²_F` is not the square of a
        /// rational. `sumOfSquares` is `‖X‖²_F`, rounded to binary64 for the message.
        case normNotRepresentable(sumOfSquares: Double)
        /// `‖X‖_F + ε = 0`: `X` is zero and `ε = 0`.
        case zeroDenominator
    }

    /// `‖X‖_F`, when the scalar holds it (`Double` rounds the root; ``Rational`` needs `‖X‖²_F` to
    /// be the square of a rational, e.g. entries from a Pythagorean tuple).
    public static func frobeniusNorm<S: SquareRootScalar>(_ x: Matrix<S>) -> S? {
        S.representableSquareRoot(x.elements.reduce(S.zero) { $0 + $1 * $1 })
    }

    /// The matrix Newton–Schulz iterates on: `X`, divided by `‖X‖_F + ε` for
    /// ``Conventions/NewtonSchulzNormalization/frobenius``, then transposed when it is tall and
    /// `tallInput` is ``Conventions/NewtonSchulzTallInput/transposed``; and whether it was
    /// transposed (the result must be transposed back).
    public static func prepared<S: SquareRootScalar>(_ x: Matrix<S>, normalization: Conventions.NewtonSchulzNormalization,
                                                     epsilon: S, tallInput: Conventions.NewtonSchulzTallInput)
        throws(PreparationError) -> (matrix: Matrix<S>, transposed: Bool) {
        var start = x
        if normalization == .frobenius {
            guard let norm = frobeniusNorm(x) else {
                throw .normNotRepresentable(sumOfSquares: x.elements.reduce(S.zero) { $0 + $1 * $1 }.roundedDouble)
            }
            let denominator = norm + epsilon
            guard !denominator.isZero else { throw .zeroDenominator }
            start = x.map { $0 / denominator }
        }
        let transpose = tallInput == .transposed && x.rows > x.cols
        return (transpose ? start.transposed : start, transpose)
    }

    /// `steps` steps of `k` from `X` prepared as Muon's wrapper chooses
    /// (``prepared(_:normalization:epsilon:tallInput:)``), the result in `X`'s shape. With the
    /// defaults it is ``iterate(_:_:steps:)``.
    public static func orthogonalize<S: SquareRootScalar>(_ x: Matrix<S>, _ k: Coefficients, steps: Int,
                                                          normalization: Conventions.NewtonSchulzNormalization = .none,
                                                          epsilon: S = .zero, tallInput: Conventions.NewtonSchulzTallInput = .asGiven)
        throws(PreparationError) -> Matrix<S> {
        let (start, transposed) = try prepared(x, normalization: normalization, epsilon: epsilon, tallInput: tallInput)
        let result = iterate(start, k, steps: steps)
        return transposed ? result.transposed : result
    }

    /// Muon's use: `X₀ = G/‖G‖_F`, iterate, with `G` transposed first when it is tall (a zero `G`
    /// stays zero).
    public static func orthogonalize(_ g: Matrix<Double>, _ k: Coefficients = .muonQuintic, steps: Int = 5) -> Matrix<Double> {
        if g.elements.allSatisfy({ $0 == 0 }) { return g }
        return (try? orthogonalize(g, k, steps: steps, normalization: .frobenius, tallInput: .transposed)) ?? g
    }
}
