import Testing
import ExactMath

@Suite("Dense matrices and exact solves")
struct MatrixTests {
    @Test("exact solve recovers x from A x", arguments: 0..<6)
    func solve(seed: Int) throws {
        var g = DyadicGenerator(seed: UInt64(400 + seed))
        let n = 2 + seed % 5
        var a = g.matrix(n, n).lifted(to: Rational.self)
        for i in 0..<n { a[i, i] = a[i, i] + Rational(n * 4) }  // diagonally dominant, so nonsingular
        let x = g.vector(n).lifted(to: Rational.self)
        #expect(try a.solve(a * x) == x)
    }

    @Test("a singular system throws")
    func singular() {
        let a = Matrix<Rational>([[Rational(1), Rational(2)], [Rational(2), Rational(4)]])
        #expect(throws: SingularMatrixError.self) { try a.solve(Vector([Rational(1), Rational(1)])) }
    }

    @Test("products, transposes and outer products")
    func algebra() {
        var g = DyadicGenerator(seed: 7)
        let a = g.matrix(3, 4).lifted(to: Rational.self), b = g.matrix(4, 2).lifted(to: Rational.self)
        let c = g.matrix(2, 5).lifted(to: Rational.self)
        #expect((a * b) * c == a * (b * c))
        #expect((a * b).transposed == b.transposed * a.transposed)
        let u = g.vector(3).lifted(to: Rational.self), v = g.vector(4).lifted(to: Rational.self)
        let outer = Matrix.outer(u, v)
        #expect(outer.rows == 3 && outer.cols == 4 && outer[2, 1] == u[2] * v[1])
        #expect(outer.frobenius(a) == u.dot(a * v))  // ⟨u vᵀ, A⟩ = uᵀ A v
    }

    @Test("the generator is deterministic and dyadic")
    func generator() {
        var a = DyadicGenerator(seed: 42), b = DyadicGenerator(seed: 42)
        let x = (0..<50).map { _ in a.dyadic() }, y = (0..<50).map { _ in b.dyadic() }
        #expect(x == y)
        #expect(x.allSatisfy { Rational(dyadic: $0).isDyadic && ($0 * 4).rounded() == $0 * 4 })
    }
}
