import CKernels
import ExactMath

extension FastKernels {
    /// `steps` Newton–Schulz iterations `X ← aX + b(XXᵀ)X + c(XXᵀ)²X` (arXiv eq. 42–44 for the
    /// cubic; Muon's quintic coefficients), on `x` as given: no normalisation, no transposition.
    public static func newtonSchulz(_ x: Matrix<Double>, a: Double, b: Double, c: Double, steps: Int) -> Matrix<Double> {
        precondition(steps >= 0, "FastKernels.newtonSchulz: negative step count")
        var e = x.elements
        e.withUnsafeMutableBufferPointer { nl_newton_schulz($0.baseAddress, x.rows, x.cols, a, b, c, steps) }
        return Matrix(rows: x.rows, cols: x.cols, elements: e)
    }
}
