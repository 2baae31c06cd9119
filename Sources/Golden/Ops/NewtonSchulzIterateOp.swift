import ExactMath
import NestedLearning

/// `newton_schulz.iterate`: `steps` steps of `X ← aX + b(XXᵀ)X + c(XXᵀ)²X` (arXiv eq. 42–44,
/// §8.9; Muon's orthogonalisation with its quintic `(3.4445, −4.7750, 2.0315)` and 5 steps, or the
/// cubic `(3/2, −1/2, 0)`), with the same options as `newton_schulz.step` (``NewtonSchulzWrapper``).
/// Inputs `X` (m×n), `a`, `b`, `c`, `steps` (integer ≥ 0; 0 returns the prepared `X`), optional
/// `eps` (default 0); output `X_out` (m×n).
public struct NewtonSchulzIterateOp: GoldenOp {
    public let name = "newton_schulz.iterate"
    public let conventions = ["Orientation": "Gram matrix X X^T on the left: aX + b(XX^T)X + c(XX^T)(XX^T)X, steps times",
                              "Coefficients": "the exact values of the binary64 inputs a, b, c, the same at every step",
                              "NewtonSchulzNormalization": "none", "NewtonSchulzTallInput": "asGiven"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let x = try inputs.matrix("X")
        let wrapper = try NewtonSchulzWrapper(inputs, signature: signature)
        let steps = try inputs.integer("steps", minimum: 0)
        let (start, transposed) = try wrapper.prepared(x, inputs)
        let result = NewtonSchulz.iterate(start, wrapper.coefficients, steps: steps)
        return ["X_out": OpOutput(transposed ? result.transposed : result)]
    }

    /// The step's rounding, `λ = n + 2m + 4` units of `S`, propagated through the later steps by
    /// the largest slope of the scalar polynomial on the iterates' singular values, in the
    /// Frobenius norm, from the binary64 iterates (``NewtonSchulzBound/iterateUnits(start:_:steps:normalizationUnits:)``).
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        let wrapper = try NewtonSchulzWrapper(inputs, signature: signature)
        let start = try wrapper.prepared(x, inputs).matrix
        return NewtonSchulzBound.iterateUnits(start: start, wrapper.coefficients, steps: try inputs.integer("steps", minimum: 0),
                                              normalizationUnits: wrapper.normalizationUnits(rows: x.rows, cols: x.cols))
    }
}

extension NewtonSchulzIterateOp {
    /// Muon's orthogonalisation as its reference code runs it (normalised, tall inputs transposed,
    /// 5 quintic steps), the cubic iteration, and the bare polynomial. Exact values grow by a
    /// factor 5 (quintic) or 3 (cubic) in degree per step, so the matrices are small: the largest
    /// case file stays below 1 MB and every rational below the 100,000-character limit.
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        let quintic = NewtonSchulz.Coefficients.muonQuintic, cubic = NewtonSchulz.Coefficients.cubic
        let normalized = ["normalize": "frobenius"], both = ["normalize": "frobenius", "transpose_tall": "true"]
        func inputs(_ x: InputTensor, _ k: NewtonSchulz.Coefficients, steps: Int, eps: Double? = nil) -> DraftInputs {
            NewtonSchulz.inputs(x, k, eps: eps).merging(["steps": .scalar(Double(steps))]) { $1 }
        }
        func pythagorean(_ seed: UInt64, _ r: Int, _ c: Int, bits: Int = 2) -> InputTensor {
            drawn(seed: seed) { InputTensor.rationalNorm(&$0, r, c, bound: bits == 2 ? 7 : 1 << bits, exponent: bits) }
        }
        cases.valid("3000", "Muon: normalize = frobenius (eps 0), transpose_tall = true, 5 quintic steps on a tall 4x3 X",
                    flags: ["Small", "Dyadic", "Normalized", "TransposeTall", "LongRationals"], options: both,
                    inputs(pythagorean(3000, 4, 3), quintic, steps: 5))
        cases.valid("3001", "Muon with its eps = 1e-7 (the binary64 value): X / (||X||_F + eps), 4 quintic steps on a wide 2x3 X"
                        + " (a fifth step would pass the 100,000-character limit on a rational)",
                    flags: ["Small", "Dyadic", "Normalized", "LongRationals"], options: normalized,
                    inputs(pythagorean(3001, 2, 3), quintic, steps: 4, eps: 1e-7))
        cases.valid("3002", "the cubic iteration (3/2, -1/2, 0), 5 steps from X / ||X||_F, wide 3x4",
                    flags: ["Small", "Dyadic", "Normalized"], options: normalized, inputs(pythagorean(3002, 3, 4), cubic, steps: 5))
        var small = drawn(seed: 3003) { InputTensor.matrix(&$0, 2, 2, bits: 2) }
        small.values = small.values.map { $0 / 4 }
        cases.valid("3003", "no options: 3 cubic steps on a 2x2 X with spectral norm below 1, as M3's NS (ns_steps = 3)",
                    flags: ["Small", "Dyadic"], inputs(small, cubic, steps: 3))
        cases.valid("3004", "steps = 0 with normalize = frobenius: the result is X / ||X||_F",
                    flags: ["Small", "Dyadic", "Normalized"], options: normalized, inputs(pythagorean(3004, 2, 3), quintic, steps: 0))
        cases.valid("3005", "medium: 2 quintic steps from X / ||X||_F, 8x16 with 8-bit entries",
                    flags: ["Medium", "Dyadic", "Normalized"], options: normalized,
                    inputs(pythagorean(3005, 8, 16, bits: 8), quintic, steps: 2))
        let base = inputs(pythagorean(3050, 2, 3), cubic, steps: 2)
        cases.refuse("3050a", base, "steps", "OutOfRange", "steps = -1", options: normalized) { $0["steps"] = .scalar(-1) }
        cases.refuse("3050b", base, "steps", "OutOfRange", "steps = 2.5 is not an integer", options: normalized) {
            $0["steps"] = .scalar(2.5)
        }
        cases.refuse("3050c", base, "eps", "OutOfRange", "eps = -2^-20 (eps must be >= 0)", options: normalized) {
            $0["eps"] = .scalar(-0x1p-20)
        }
        cases.refuse("3050d", base, "X", "ZeroDenominator", "normalize = frobenius, X = 0 and eps = 0: ||X||_F + eps = 0",
                     options: normalized) { $0["X"]!.values = $0["X"]!.values.map { _ in 0 } }
        cases.refuse("3050e", base, "X", "NonFinite", "an infinite entry of X", options: normalized) { $0["X"]!.values[1] = .infinity }
        cases.refuse("3050f", base, "X", "ShapeMismatch", "X is a vector", options: normalized) { $0["X"] = .vector([0.75, 0.5]) }
        cases.refuse("3050g", base, "steps", "ShapeMismatch", "steps is a vector", options: normalized) {
            $0["steps"] = .vector([2])
        }
        return cases
    }
}
