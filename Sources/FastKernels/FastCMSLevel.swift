import CKernels
import ExactMath

extension FastKernels {
    /// Outputs, update schedule and parameters of one CMS level run over a sequence.
    public struct CMSLevelResult: Sendable {
        /// `y_t` as rows (T × d_out), each read with the parameters current at token t.
        public let outputs: Matrix<Double>
        /// Tokens (1-based) at whose end an update happened.
        public let updateTokens: [Int]
        /// `W₁` and `W₂` after each update.
        public let w1After: [Matrix<Double>]
        public let w2After: [Matrix<Double>]
    }

    /// One CMS level `y = W₂ φ(W₁ x)` with `φ(z) = z + z²/2`, period `C` (nil: frequency zero),
    /// loss `½‖y_t − r_t‖²` (arXiv eq. 70–71), conventions window = chunk, reduction = sum,
    /// anchor = chunk start; `flush` updates on a final partial chunk.
    public static func cmsLevel(w1: Matrix<Double>, w2: Matrix<Double>, inputs x: Matrix<Double>, targets r: Matrix<Double>,
                                period: Int?, learningRate eta: Double, flush: Bool) -> CMSLevelResult {
        let c = Workspace.CMSLevelBuffers(w1: w1, w2: w2, inputs: x, targets: r, period: period, learningRate: eta, flush: flush)
        c.workspace.run()
        func read(_ p: Workspace.Buffer, _ rows: Int, _ cols: Int, at i: Int = 0) -> Matrix<Double> {
            c.workspace.matrix(p + i * rows * cols, rows, cols)
        }
        let (t, din, dh, dout, n) = (x.rows, w1.cols, w1.rows, w2.rows, c.updates)
        return CMSLevelResult(outputs: read(c.outputs, t, dout), updateTokens: (0..<n).map { i in min((i + 1) * (period ?? 1), t) },
                              w1After: (0..<n).map { read(c.w1After, dh, din, at: $0) },
                              w2After: (0..<n).map { read(c.w2After, dout, dh, at: $0) })
    }
}

extension FastKernels.Workspace {
    /// One CMS level, as ``FastKernels/cmsLevel(w1:w2:inputs:targets:period:learningRate:flush:)``.
    public static func cmsLevel(w1: Matrix<Double>, w2: Matrix<Double>, inputs x: Matrix<Double>, targets r: Matrix<Double>,
                                period: Int?, learningRate eta: Double, flush: Bool) -> FastKernels.Workspace {
        CMSLevelBuffers(w1: w1, w2: w2, inputs: x, targets: r, period: period, learningRate: eta, flush: flush).workspace
    }

    /// The buffers of one CMS level, and after a run the number of updates.
    struct CMSLevelBuffers {
        final class Count { var value = 0 }
        let workspace = FastKernels.Workspace()
        let outputs: Buffer, w1After: Buffer, w2After: Buffer
        private let count = Count()
        /// The updates in the last run.
        var updates: Int { count.value }

        init(w1: Matrix<Double>, w2: Matrix<Double>, inputs x: Matrix<Double>, targets r: Matrix<Double>, period: Int?,
             learningRate eta: Double, flush: Bool) {
            let t = x.rows, din = w1.cols, dh = w1.rows, dout = w2.rows
            precondition(w2.cols == dh && x.cols == din && r.rows == t && r.cols == dout, "FastKernels.cmsLevel: inconsistent shapes")
            precondition(period.map { $0 >= 1 } ?? true, "FastKernels.cmsLevel: period must be at least 1")
            let most = period.map { (t + $0 - 1) / $0 } ?? 0, w = workspace
            let first = w.buffer(w1.elements), second = w.buffer(w2.elements), a = w.buffer(count: dh * din), b = w.buffer(count: dout * dh)
            let px = w.buffer(x.elements), pr = w.buffer(r.elements), phi = w.buffer([0, 1, 0.5])
            let (y, a1, a2) = (w.buffer(count: t * dout), w.buffer(count: most * dh * din), w.buffer(count: most * dout * dh))
            (outputs, w1After, w2After) = (y, a1, a2)
            let count = count
            _ = w.calls {
                a.update(from: first, count: dh * din)
                b.update(from: second, count: dout * dh)
                count.value = nl_cms_level(a, b, px, pr, y, t, din, dh, dout, period ?? 0, eta, flush ? 1 : 0, phi, a1, a2)
            }
        }
    }
}
