import ExactMath
import Foundation
import NestedLearning

/// What the Newton–Schulz ops (`newton_schulz.step`, `newton_schulz.iterate`) do around the
/// polynomial, as Muon's wrapper does: the options `normalize` (`none` | `frobenius`: divide `X`
/// by `‖X‖_F + eps` first, `eps` an optional input, default 0) and `transpose_tall` (`false` |
/// `true`: iterate on `Xᵀ` when `X` has more rows than columns, and transpose the result back).
struct NewtonSchulzWrapper<S: SquareRootScalar> {
    let coefficients: NewtonSchulz.Coefficients
    let normalization: Conventions.NewtonSchulzNormalization
    let tallInput: Conventions.NewtonSchulzTallInput
    let epsilon: S

    /// The coefficients `a`, `b`, `c`, the options and `eps` (finite, ≥ 0, read whatever
    /// `normalize` says) of a case of the op with `signature`.
    init(_ inputs: OpInputs<S>, signature: OpSignature) throws {
        coefficients = NewtonSchulz.Coefficients(a: try inputs.scalarDouble("a"), b: try inputs.scalarDouble("b"),
                                                 c: try inputs.scalarDouble("c"))
        normalization = try inputs.option("normalize", of: signature) == "frobenius" ? .frobenius : .none
        tallInput = try inputs.option("transpose_tall", of: signature) == "true" ? .transposed : .asGiven
        epsilon = inputs.tensors["eps"] == nil ? .zero : try inputs.scalar("eps", atLeast: 0)
    }

    /// The matrix the polynomial runs on, and whether it is `X` transposed. The exact reference
    /// needs `‖X‖_F` rational; an `X` without one is an error naming `X`, never a trap.
    func prepared(_ x: Matrix<S>, _ inputs: OpInputs<S>) throws -> (matrix: Matrix<S>, transposed: Bool) {
        do {
            return try NewtonSchulz.prepared(x, normalization: normalization, epsilon: epsilon, tallInput: tallInput)
        } catch .normNotRepresentable(let sumOfSquares) {
            throw inputs.limit("X", "normalize = frobenius: ||X||_F^2 (about \(sumOfSquares)) is not the square of a rational, so"
                                  + " the exact reference cannot divide by ||X||_F (a binary64 implementation rounds the root;"
                                  + " the suite's cases have rational norms)")
        } catch .zeroDenominator {
            throw inputs.fail("X", .zeroDenominator,
                              "normalize = frobenius: X is zero and eps is 0, so ||X||_F + eps = 0: division by zero")
        }
    }

    /// `κ`, the relative error of the normalisation in binary64 in units of `u`: `⌈mn/2⌉ + 3`
    /// for an m×n `X` (the sum of squares `γ_{mn}` halved by the root, the root's rounding, the
    /// addition of `eps` and the division), 0 without normalisation.
    func normalizationUnits(rows m: Int, cols n: Int) -> Int {
        normalization == .frobenius ? (m * n + 1) / 2 + 3 : 0
    }
}

/// The binary64 error bounds of the Newton–Schulz ops (`Golden/FORMAT.md`, "Where `rad` comes
/// from"), computed from a binary64 run.
enum NewtonSchulzBound {
    /// `S(Y) = |a| Y + |b| (YYᵀ)Y + |c| (YYᵀ)²Y` for `Y = |X|`: the magnitudes of the step's terms,
    /// entry by entry (an upper bound on `|p(X)|`).
    static func magnitudes(_ x: Matrix<Double>, _ k: NewtonSchulz.Coefficients) -> Matrix<Double> {
        let ax = x.map { abs($0) }
        let gram = ax * ax.transposed, cubic = gram * ax
        var s = abs(k.a) * ax + abs(k.b) * cubic
        if k.c != 0 { s = s + abs(k.c) * (gram * cubic) }
        return s
    }

    /// `max_ij S_ij / (½ max_ij |p(X)_ij|)` (1 when `p(X)` is zero): how much larger the terms
    /// are than the step's result, with `p(X)` from a binary64 evaluation, halved for safety.
    static func cancellation(_ x: Matrix<Double>, _ k: NewtonSchulz.Coefficients) -> Double {
        let s = magnitudes(x, k)
        let q = NewtonSchulz.step(x, k)
        let top = q.elements.map { abs($0) }.max() ?? 0
        return top > 0 ? (s.elements.max() ?? 0) / (top / 2) : 1
    }

    /// An upper bound on the spectral norm `‖X‖₂`: `λ_max(XXᵀ) ≤ ‖(XXᵀ)¹⁶‖_F^{1/16}`, the
    /// power formed by four squarings, each rescaled to Frobenius norm 1 (the scales kept as
    /// logarithms); over the true norm by at most a factor `rank^{1/64}`.
    static func spectralNormBound(_ x: Matrix<Double>) -> Double {
        var h = x * x.transposed
        var norm = h.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return 0 }
        var logScale = log(norm)
        for _ in 0..<4 {
            h = (1 / norm) * h
            h = h * h
            norm = h.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { return 0 }
            logScale = 2 * logScale + log(norm)
        }
        return exp(logScale / 32)
    }

    /// `max_{0 ≤ σ ≤ σ̄} |a + 3bσ² + 5cσ⁴|`: the largest slope of the scalar step
    /// `φ(σ) = aσ + bσ³ + cσ⁵` on singular values up to `σ̄`, which bounds the Fréchet derivative
    /// of the matrix step at any `X` with `‖X‖₂ ≤ σ̄` in the Frobenius norm (its eigenvalues are
    /// divided differences of the odd `φ` between `±σ_i`, `±σ_j`).
    static func slope(_ k: NewtonSchulz.Coefficients, upTo sigma: Double) -> Double {
        let top = sigma * sigma
        var squares = [0, top]
        if k.c != 0 {
            let vertex = -3 * k.b / (10 * k.c)
            if vertex > 0 && vertex < top { squares.append(vertex) }
        }
        return squares.map { s in abs(k.a + 3 * k.b * s + 5 * k.c * s * s) }.max()!
    }

    /// `newton_schulz.iterate`'s bound in units of `u`, from the prepared binary64 start `x₀`
    /// (m×n, after the optional transpose): `E₀ = κ ‖X̂₀‖_F`, then per step
    /// `E_{k+1} = L_k E_k + λ ‖S(X̂_k)‖_F` with `λ = n + 2m + 4` and `L_k` the ``slope(_:upTo:)``
    /// at ``spectralNormBound(_:)`` of `X̂_k` plus `u E_k`; `⌈4 max(1, E_K / (½ max|X̂_K|))⌉`.
    static func iterateUnits(start x0: Matrix<Double>, _ k: NewtonSchulz.Coefficients, steps: Int,
                             normalizationUnits kappa: Int) -> Double {
        let lambda = Double(x0.cols + 2 * x0.rows + 4)
        var x = x0
        var e = Double(kappa) * frobenius(x)
        for _ in 0..<steps {
            let slope = slope(k, upTo: spectralNormBound(x) + e * FloatError.unitRoundoff)
            e = slope * e + lambda * frobenius(magnitudes(x, k))
            x = NewtonSchulz.step(x, k)
        }
        let top = x.elements.map { abs($0) }.max() ?? 0
        let ratio = top > 0 ? e / (top / 2) : 1
        return (4 * max(1, ratio)).rounded(.up)
    }

    static func frobenius(_ x: Matrix<Double>) -> Double { x.elements.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
