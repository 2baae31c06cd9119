import Testing
import ExactMath

/// `x_i = det(A with column i replaced by b) / det(A)` (Cramer's rule), determinants by Laplace
/// expansion: a second solver that shares no code with Gaussian elimination.
func cramer(_ a: Matrix<Rational>, _ b: Vector<Rational>) -> Vector<Rational> {
    let rows = (0..<a.rows).map { i in (0..<a.cols).map { a[i, $0] } }
    let d = det(rows)
    return Vector((0..<a.cols).map { i in
        det(rows.enumerated().map { r, row in row.enumerated().map { $0.offset == i ? b[r] : $0.element } }) / d
    })
}

/// The determinant by Laplace expansion along the first row.
func det(_ m: [[Rational]]) -> Rational {
    if m.count == 1 { return m[0][0] }
    var total = Rational(0)
    for j in m.indices where !m[0][j].isZero {
        let minor = m.dropFirst().map { row in Array(row[..<j] + row[(j + 1)...]) }
        let term = m[0][j] * det(minor)
        total = j % 2 == 0 ? total + term : total - term
    }
    return total
}

@Suite("Exact solves take every pivoting branch")
struct SolvePivotingTests {
    static func r(_ rows: [[Int]]) -> Matrix<Rational> { Matrix(rows.map { $0.map { Rational($0) } }) }

    @Test("systems that need a row swap at the first, a middle and the last column, and none", arguments: [
        [[0, 1, 2], [3, 4, 5], [6, 7, 9]],          // swap at column 0
        [[1, 2, 3], [2, 4, 7], [5, 1, 2]],          // after elimination a zero pivot at column 1: swap below
        [[0, 0, 1], [0, 1, 0], [1, 0, 0]],          // an anti-diagonal permutation: swaps everywhere
        [[2, 1, 0, 0], [4, 2, 1, 0], [0, 3, 1, 1], [1, 0, 0, 5]],  // a zero pivot in the middle of a 4x4
        [[4, 0, 0], [0, 3, 0], [0, 0, 2]],          // no swap, nothing to eliminate
        [[1, 2], [3, 4]],                           // no swap
    ])
    func pivoting(rows: [[Int]]) throws {
        let a = Self.r(rows)
        let b = Vector((0..<a.rows).map { Rational($0 * $0 - 2 * $0 + 3, $0 + 1) })
        let x = try a.solve(b)
        #expect(a * x == b, "A x != b: the right-hand side must follow every row swap")
        #expect(x == cramer(a, b))
    }

    @Test("random nonsingular systems with zeros placed to force swaps agree with Cramer's rule", arguments: 0..<8)
    func randomPivoting(seed: Int) throws {
        var g = DyadicGenerator(seed: UInt64(900 + seed))
        let n = 2 + seed % 4
        var a = g.matrix(n, n).lifted(to: Rational.self)
        for i in 0..<n { a[i, i] = Rational(0) }  // every leading entry zero: pivoting is required
        let b = g.vector(n).lifted(to: Rational.self)
        if det((0..<n).map { i in (0..<n).map { a[i, $0] } }).isZero {
            #expect(throws: SingularMatrixError.self) { try a.solve(b) }
            return
        }
        let x = try a.solve(b)
        #expect(a * x == b)
        #expect(x == cramer(a, b))
    }

    @Test("a zero column throws at that column, after swaps")
    func singularAfterSwaps() {
        let a = Self.r([[0, 1, 2], [0, 3, 4], [0, 5, 7]])
        #expect(throws: SingularMatrixError.self) { try a.solve(Vector([Rational(1), Rational(2), Rational(3)])) }
    }
}
