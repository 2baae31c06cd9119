import CKernels
import ExactMath

extension FastKernels {
    /// `steps` Newton–Schulz iterations `X ← aX + b(XXᵀ)X + c(XXᵀ)²X` (arXiv eq. 42–44 for the
    /// cubic; Muon's quintic coefficients), on `x` as given: no normalisation, no transposition.
    public static func newtonSchulz(_ x: Matrix<Double>, a: Double, b: Double, c: Double, steps: Int) -> Matrix<Double> {
        let (w, e) = Workspace.newtonSchulzBuffers(x, a: a, b: b, c: c, steps: steps)
        w.run()
        return w.matrix(e, x.rows, x.cols)
    }
}

extension FastKernels.Workspace {
    /// Newton–Schulz iterations from `x`, as ``FastKernels/newtonSchulz(_:a:b:c:steps:)``.
    public static func newtonSchulz(_ x: Matrix<Double>, a: Double, b: Double, c: Double, steps: Int) -> FastKernels.Workspace {
        newtonSchulzBuffers(x, a: a, b: b, c: c, steps: steps).0
    }

    static func newtonSchulzBuffers(_ x: Matrix<Double>, a: Double, b: Double, c: Double, steps: Int) -> (FastKernels.Workspace, Buffer) {
        precondition(steps >= 0, "FastKernels.newtonSchulz: negative step count")
        let w = FastKernels.Workspace(), n = x.elements.count
        let initial = w.buffer(x.elements), e = w.buffer(count: n)
        return (w.calls {
            e.update(from: initial, count: n)
            nl_newton_schulz(e, x.rows, x.cols, a, b, c, steps)
        }, e)
    }
}
