/// Thrown when a linear system has no unique solution.
public struct SingularMatrixError: Error, CustomStringConvertible {
    public let column: Int
    public var description: String { "singular matrix: no pivot in column \(column)" }
}

extension Matrix {
    /// Solves `A x = b` by Gaussian elimination with the first non-zero pivot.
    ///
    /// Exact when `S` is ``Rational`` (no pivot size matters then); used in `Double` only for
    /// small, well-conditioned systems. Throws ``SingularMatrixError`` if `A` is singular.
    public func solve(_ b: Vector<S>) throws -> Vector<S> {
        precondition(rows == cols, "solve: matrix is \(rows)x\(cols), not square")
        precondition(b.count == rows, "solve: right-hand side has \(b.count) entries, expected \(rows)")
        let n = rows
        var a = self
        var rhs = b
        for col in 0..<n {
            guard let pivot = (col..<n).first(where: { !a[$0, col].isZero }) else {
                throw SingularMatrixError(column: col)
            }
            if pivot != col {
                for j in 0..<n { let t = a[col, j]; a[col, j] = a[pivot, j]; a[pivot, j] = t }
                let t = rhs[col]; rhs[col] = rhs[pivot]; rhs[pivot] = t
            }
            let p = a[col, col]
            for r in (col + 1)..<n where !a[r, col].isZero {
                let factor = a[r, col] / p
                for j in col..<n { a[r, j] = a[r, j] - factor * a[col, j] }
                rhs[r] = rhs[r] - factor * rhs[col]
            }
        }
        var x = Vector<S>.zeros(n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = rhs[i]
            for j in (i + 1)..<n { s = s - a[i, j] * x[j] }
            x[i] = s / a[i, i]
        }
        return x
    }
}
