import ExactMath
import NestedLearning

/// `newton_schulz.step`: one step of the odd matrix polynomial `X ← aX + b(XXᵀ)X + c(XXᵀ)²X`
/// (the cubic Newton–Schulz step `(3/2, −1/2, 0)` of arXiv eq. 44 with `ζ = 1/4` from `O₀ = g`, claim
/// MUON-NS-GD; Muon's quintic `(3.4445, −4.7750, 2.0315)`). Inputs `X` (m×n), `a`, `b`, `c`; output
/// `X_next` (m×n). One step only: the error of several steps grows with the iteration's own
/// amplification, which no a-priori normwise radius captures without the iterates; run the op once
/// per step, feeding back your own result.
public struct NewtonSchulzStepOp: GoldenOp {
    public let name = "newton_schulz.step"
    public let conventions = ["Orientation": "Gram matrix X X^T on the left: aX + b(XX^T)X + c(XX^T)(XX^T)X;"
                                  + " no normalisation, no transpose of tall X",
                              "Coefficients": "the exact values of the binary64 inputs a, b, c"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let x = try inputs.matrix("X")
        let (a, b, c) = (try inputs.scalarDouble("a"), try inputs.scalarDouble("b"), try inputs.scalarDouble("c"))
        return ["X_next": OpOutput(NewtonSchulz.step(x, NewtonSchulz.Coefficients(a: a, b: b, c: c)))]
    }

    /// `4·(n + 2m + 4)` times the cancellation ratio `max_ij S_ij / max_ij |X_next|`, with
    /// `S = |a||X| + |b||X||X|ᵀ|X| + |c|(|X||X|ᵀ)²|X|` the sum of the magnitudes of the terms (each
    /// entry's error is at most `γ_{n+2m+4} S_ij`); `max|X_next|` from a binary64 evaluation, halved
    /// for safety; rounded up to an integer.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let x = try inputs.matrix("X")
        let (a, b, c) = (try inputs.scalarDouble("a"), try inputs.scalarDouble("b"), try inputs.scalarDouble("c"))
        let ax = x.map { abs($0) }
        let gram = ax * ax.transposed, cubic = gram * ax
        var s = abs(a) * ax + abs(b) * cubic
        if c != 0 { s = s + abs(c) * (gram * cubic) }
        let q = NewtonSchulz.step(x, NewtonSchulz.Coefficients(a: a, b: b, c: c))
        let top = q.elements.map { abs($0) }.max() ?? 0
        let ratio = top > 0 ? (s.elements.max() ?? 0) / (top / 2) : 1
        return (4 * Double(x.cols + 2 * x.rows + 4) * max(ratio, 1)).rounded(.up)
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
        return cases
    }
}
