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
    public let version = 1
    public let conventions = ["Orientation": "Gram matrix X X^T on the left: aX + b(XX^T)X + c(XX^T)(XX^T)X; no normalisation, no transpose of tall X",
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
