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

    /// One CMS level `y = W₂ φ(W₁ x)` with `φ(z) = φ₀ + φ₁z + φ₂z²`, period `C` (nil: frequency
    /// zero), loss `½‖y_t − r_t‖²` (arXiv eq. 70–71), conventions window = chunk, reduction =
    /// sum, anchor = chunk start; `flush` updates on a final partial chunk.
    public static func cmsLevel(w1: Matrix<Double>, w2: Matrix<Double>, inputs x: Matrix<Double>, targets r: Matrix<Double>,
                                period: Int?, learningRate eta: Double, flush: Bool,
                                activation phi: (Double, Double, Double) = (0, 1, 0.5)) -> CMSLevelResult {
        let t = x.rows, din = w1.cols, dh = w1.rows, dout = w2.rows
        precondition(w2.cols == dh && x.cols == din && r.rows == t && r.cols == dout, "FastKernels.cmsLevel: inconsistent shapes")
        precondition(period.map { $0 >= 1 } ?? true, "FastKernels.cmsLevel: period must be at least 1")
        let maxUpdates = period.map { (t + $0 - 1) / $0 } ?? 0
        var a = w1.elements, b = w2.elements, y = poisoned(t * dout)
        var a1 = poisoned(maxUpdates * dh * din), a2 = poisoned(maxUpdates * dout * dh)
        let coefficients = [phi.0, phi.1, phi.2]
        let n = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                y.withUnsafeMutableBufferPointer { yp in
                    a1.withUnsafeMutableBufferPointer { p1 in
                        a2.withUnsafeMutableBufferPointer { p2 in
                            nl_cms_level(ap.baseAddress, bp.baseAddress, x.elements, r.elements, yp.baseAddress, t, din, dh, dout,
                                         period ?? 0, eta, flush ? 1 : 0, coefficients, p1.baseAddress, p2.baseAddress)
                        }
                    }
                }
            }
        }
        let c = period ?? 1
        let tokens = (0..<n).map { i in min((i + 1) * c, t) }
        return CMSLevelResult(
            outputs: Matrix(rows: t, cols: dout, elements: y), updateTokens: tokens,
            w1After: (0..<n).map { Matrix(rows: dh, cols: din, elements: Array(a1[($0 * dh * din)..<(($0 + 1) * dh * din)])) },
            w2After: (0..<n).map { Matrix(rows: dout, cols: dh, elements: Array(a2[($0 * dout * dh)..<(($0 + 1) * dout * dh)])) })
    }
}
