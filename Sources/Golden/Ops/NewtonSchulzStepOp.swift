import ExactMath
import NestedLearning

/// `newton_schulz.step`: one step of the odd matrix polynomial `X ← aX + b(XXᵀ)X + c(XXᵀ)²X`
/// (the cubic Newton–Schulz step `(3/2, −1/2, 0)` of arXiv eq. 44 with `ζ = 1/4` from `O₀ = g`, claim
/// MUON-NS-GD; Muon's quintic `(3.4445, −4.7750, 2.0315)`). Inputs `X` (m×n), `a`, `b`, `c`, and
/// the optional `eps` (default 0); options `normalize` (`none` | `frobenius`: `X / (‖X‖_F + eps)`
/// first) and `transpose_tall` (`false` | `true`: a tall `X` is transposed before the step and the
/// result back), see ``NewtonSchulzWrapper``; output `X_next` (m×n). One step only: the error of
/// several steps grows with the iteration's own amplification; `newton_schulz.iterate` bounds it
/// from the iterates.
public struct NewtonSchulzStepOp: GoldenOp {
    public let name = "newton_schulz.step"
    public let conventions = ["Orientation": "Gram matrix X X^T on the left: aX + b(XX^T)X + c(XX^T)(XX^T)X;"
                                  + " no normalisation, no transpose of tall X",
                              "Coefficients": "the exact values of the binary64 inputs a, b, c"]
    public init() {}

    /// A case with options records both wrapper readings, and an orientation without the default's
    /// "no normalisation, no transpose"; a case without them records ``conventions`` as before.
    public func conventions(options: [String: String], optionalInputs: Set<String>) -> [String: String] {
        guard !options.isEmpty || !optionalInputs.isEmpty else { return conventions }
        let all = ["normalize": "none", "transpose_tall": "false"].merging(options) { $1 }
        var readings = CaseConventions.readings(conventions, options: all, optionalInputs: optionalInputs)
        readings["Orientation"] = "Gram matrix X X^T on the left: aX + b(XX^T)X + c(XX^T)(XX^T)X"
        return readings
    }

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let x = try inputs.matrix("X")
        let wrapper = try NewtonSchulzWrapper(inputs, signature: signature)
        let (start, transposed) = try wrapper.prepared(x, inputs)
        let next = NewtonSchulz.step(start, wrapper.coefficients)
        return ["X_next": OpOutput(transposed ? next.transposed : next)]
    }

    /// `4·(n + 2m + 4 + 5κ)` times the cancellation ratio `max_ij S_ij / max_ij |X_next|`, with
    /// `S = |a||X| + |b||X||X|ᵀ|X| + |c|(|X||X|ᵀ)²|X|` the sum of the magnitudes of the terms (each
    /// entry's error is at most `γ_{n+2m+4} S_ij`); `max|X_next|` from a binary64 evaluation, halved
    /// for safety; rounded up to an integer. `X` is the matrix the step runs on (m×n after the
    /// optional transpose, normalised); `κ` is the normalisation's relative error
    /// (``NewtonSchulzWrapper/normalizationUnits(rows:cols:)``), which a polynomial of degree at
    /// most 5 turns into at most `5κ·S`.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        let wrapper = try NewtonSchulzWrapper(inputs, signature: signature)
        let start = try wrapper.prepared(x, inputs).matrix
        let chain = start.cols + 2 * start.rows + 4 + 5 * wrapper.normalizationUnits(rows: x.rows, cols: x.cols)
        let ratio = NewtonSchulzBound.cancellation(start, wrapper.coefficients)
        return (4 * Double(chain) * max(ratio, 1)).rounded(.up)
    }
}

extension NewtonSchulzStepOp {
    /// The cubic step and Muon's quintic, wide and tall, scaled so that the spectral norm is at
    /// most 1 (entries divided by sqrt(m n), rounded up to a power of two).
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(3, 4, 2, false, "cubic (3/2, -1/2, 0), wide 3x4"),
                       (3, 4, 2, true, "Muon quintic (3.4445, -4.7750, 2.0315), wide 3x4"),
                       (5, 3, 2, true, "Muon quintic, tall 5x3 (no transpose: the Gram matrix is 5x5)"),
                       (16, 32, 12, true, "medium: Muon quintic, 16x32")].enumerated() {
            let (m, n, bits, quintic, comment) = s
            var x = drawn(seed: UInt64(1700 + i)) { InputTensor.matrix(&$0, m, n, bits: bits) }
            var scale = 1.0
            while scale * scale < Double(m * n) { scale *= 2 }
            x.values = x.values.map { $0 / scale }
            let k = quintic ? NewtonSchulz.Coefficients.muonQuintic : NewtonSchulz.Coefficients.cubic
            cases.valid("\(1700 + i)", comment, flags: sizeFlags(bits: bits),
                        ["X": x, "a": .scalar(k.a), "b": .scalar(k.b), "c": .scalar(k.c)])
        }
        cases.invalid("1750a", "X is a vector", flag: "ShapeMismatch",
                      ["X": .vector([0.5, 0.25]), "a": .scalar(1.5), "b": .scalar(-0.5), "c": .scalar(0)])
        cases.invalid("1750b", "a is NaN", flag: "NonFinite",
                      ["X": drawn(seed: 1750) { .matrix(&$0, 2, 2, bits: 2) }, "a": .scalar(.nan), "b": .scalar(-0.5), "c": .scalar(0)])
        wrapperCases(&cases)
        return cases
    }

    /// Muon's wrapper around the step: `X / (‖X‖_F + eps)` on inputs with a rational Frobenius
    /// norm, and the transpose of a tall `X`.
    func wrapperCases(_ cases: inout DraftSet) {
        let normalized = ["normalize": "frobenius"], both = ["normalize": "frobenius", "transpose_tall": "true"]
        let quintic = NewtonSchulz.Coefficients.muonQuintic, cubic = NewtonSchulz.Coefficients.cubic
        let base = drawn(seed: 2900) { InputTensor.rationalNorm(&$0, 3, 4, bound: 7, exponent: 2) }
        cases.valid("2900", "normalize = frobenius, eps absent (0): X / ||X||_F, then Muon's quintic; wide 3x4",
                    flags: ["Small", "Dyadic", "Normalized"], options: normalized, NewtonSchulz.inputs(base, quintic))
        cases.valid("2901", "normalize = frobenius with Muon's eps = 1e-7 (the binary64 value): X / (||X||_F + eps), cubic; wide 2x3",
                    flags: ["Small", "Dyadic", "Normalized"], options: normalized,
                    NewtonSchulz.inputs(drawn(seed: 2901) { InputTensor.rationalNorm(&$0, 2, 3, bound: 7, exponent: 3) }, cubic,
                                        eps: 1e-7))
        var tall = drawn(seed: 1702) { InputTensor.matrix(&$0, 5, 3, bits: 2) }
        tall.values = tall.values.map { $0 / 4 }
        cases.valid("2902", "transpose_tall = true: the tall 5x3 X of tcId 70, stepped as X^T (3x3 Gram matrix)"
                        + " and transposed back; the same exact values (an odd polynomial commutes with the transpose), a smaller bound",
                    flags: ["Small", "Dyadic", "TransposeTall"], options: ["transpose_tall": "true"], NewtonSchulz.inputs(tall, quintic))
        cases.valid("2903", "medium: both options, eps = 1e-7, Muon's quintic on a tall 12x5 X with 8-bit entries",
                    flags: ["Medium", "Dyadic", "Normalized", "TransposeTall"], options: both,
                    NewtonSchulz.inputs(drawn(seed: 2903) { InputTensor.rationalNorm(&$0, 12, 5, bound: 256, exponent: 8) }, quintic,
                                        eps: 1e-7))
        let refused = NewtonSchulz.inputs(base, quintic)
        cases.refuse("2950a", refused, "eps", "OutOfRange", "eps = -1/8 (eps must be >= 0)", options: normalized) {
            $0["eps"] = .scalar(-0.125)
        }
        cases.refuse("2950b", refused, "X", "ZeroDenominator", "normalize = frobenius, X = 0 and eps = 0: ||X||_F + eps = 0",
                     options: normalized) { $0["X"]!.values = $0["X"]!.values.map { _ in 0 } }
        cases.refuse("2950c", refused, "eps", "NonFinite", "eps is NaN", options: normalized) { $0["eps"] = .scalar(.nan) }
    }
}

extension NewtonSchulz {
    /// The inputs of a Newton–Schulz op: `X`, the coefficients `k`, and `eps` when given.
    static func inputs(_ x: InputTensor, _ k: Coefficients, eps: Double? = nil) -> DraftInputs {
        var inputs: DraftInputs = ["X": x, "a": .scalar(k.a), "b": .scalar(k.b), "c": .scalar(k.c)]
        if let eps { inputs["eps"] = .scalar(eps) }
        return inputs
    }
}

extension InputTensor {
    /// `r × c` entries `k/2^exponent`, `|k| ≤ bound`, the whole matrix drawn again until
    /// `Σ k²` is a perfect square, so that `‖X‖_F` is rational (the exact reference of
    /// `normalize = frobenius` needs it).
    static func rationalNorm(_ g: inout DyadicGenerator, _ r: Int, _ c: Int, bound: Int, exponent: Int) -> InputTensor {
        for _ in 0..<100_000 {
            let k = (0..<(r * c)).map { _ in g.integer(in: -bound...bound) }
            let sum = k.reduce(0) { $0 + $1 * $1 }
            var root = Int(Double(sum).squareRoot())
            while root * root > sum { root -= 1 }
            while (root + 1) * (root + 1) <= sum { root += 1 }
            if sum > 0 && root * root == sum {
                return InputTensor(shape: [r, c], values: k.map { Double($0) / Double(1 << exponent) })
            }
        }
        preconditionFailure("rationalNorm: no \(r)x\(c) draw with a perfect-square sum of squares")
    }
}
