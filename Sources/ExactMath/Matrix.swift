/// A dense row-major matrix over a ``Scalar``.
///
/// Orientation used throughout the project: column vectors, `y = W x`, memory
/// `M ∈ S^{d_v × d_k}` written by `M ← M + v kᵀ` and read by `y = M q`.
public struct Matrix<S: Scalar>: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let cols: Int
    /// Row-major: element `(i, j)` is `elements[i * cols + j]`; also `vec(W)` in this project.
    public var elements: [S]

    @inlinable public init(rows: Int, cols: Int, elements: [S]) {
        precondition(rows >= 0 && cols >= 0 && elements.count == rows * cols,
                     "Matrix: \(elements.count) elements for shape \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }
    @inlinable public init(rows: Int, cols: Int, _ entry: (Int, Int) -> S) {
        var e: [S] = []
        e.reserveCapacity(rows * cols)
        for i in 0..<rows { for j in 0..<cols { e.append(entry(i, j)) } }
        self.init(rows: rows, cols: cols, elements: e)
    }
    /// From nested rows; all rows must have the same length.
    @inlinable public init(_ nested: [[S]]) {
        let c = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == c }, "Matrix: ragged rows")
        self.init(rows: nested.count, cols: c, elements: nested.flatMap { $0 })
    }
    @inlinable public static func zeros(_ rows: Int, _ cols: Int) -> Matrix {
        Matrix(rows: rows, cols: cols, elements: Array(repeating: .zero, count: rows * cols))
    }
    @inlinable public static func identity(_ n: Int) -> Matrix {
        Matrix(rows: n, cols: n) { i, j in i == j ? .one : .zero }
    }

    @inlinable public subscript(i: Int, j: Int) -> S {
        get { elements[i * cols + j] }
        set { elements[i * cols + j] = newValue }
    }
    @inlinable public var shape: (rows: Int, cols: Int) { (rows, cols) }
    @inlinable public var transposed: Matrix { Matrix(rows: cols, cols: rows) { i, j in self[j, i] } }
    @inlinable public func row(_ i: Int) -> Vector<S> { Vector((0..<cols).map { self[i, $0] }) }
    /// Rows `range` as a matrix of the same width.
    @inlinable public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, elements: Array(elements[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }
    @inlinable public func column(_ j: Int) -> Vector<S> { Vector((0..<rows).map { self[$0, j] }) }

    @inlinable public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix +: \(a.rows)x\(a.cols) vs \(b.rows)x\(b.cols)")
        return Matrix(rows: a.rows, cols: a.cols, elements: zip(a.elements, b.elements).map { $0 + $1 })
    }
    @inlinable public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix -: \(a.rows)x\(a.cols) vs \(b.rows)x\(b.cols)")
        return Matrix(rows: a.rows, cols: a.cols, elements: zip(a.elements, b.elements).map { $0 - $1 })
    }
    @inlinable public static prefix func - (a: Matrix) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, elements: a.elements.map { -$0 })
    }
    @inlinable public static func * (s: S, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, elements: a.elements.map { s * $0 })
    }
    /// Matrix product, each entry summed left to right over the inner index.
    @inlinable public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.cols == b.rows, "Matrix *: \(a.rows)x\(a.cols) times \(b.rows)x\(b.cols)")
        return Matrix(rows: a.rows, cols: b.cols) { i, j in
            var sum = S.zero
            for k in 0..<a.cols { sum = sum + a[i, k] * b[k, j] }
            return sum
        }
    }
    /// Matrix–vector product `W x`.
    @inlinable public static func * (a: Matrix, x: Vector<S>) -> Vector<S> {
        precondition(a.cols == x.count, "Matrix * Vector: \(a.rows)x\(a.cols) times \(x.count)")
        return Vector((0..<a.rows).map { i in
            var sum = S.zero
            for k in 0..<a.cols { sum = sum + a[i, k] * x[k] }
            return sum
        })
    }
    /// The outer product `u vᵀ` (a `u.count × v.count` matrix).
    @inlinable public static func outer(_ u: Vector<S>, _ v: Vector<S>) -> Matrix {
        Matrix(rows: u.count, cols: v.count) { i, j in u[i] * v[j] }
    }
    /// The Frobenius inner product `⟨A, B⟩ = tr(AᵀB)`.
    @inlinable public func frobenius(_ other: Matrix) -> S {
        precondition(rows == other.rows && cols == other.cols, "Matrix frobenius: shape mismatch")
        var sum = S.zero
        for i in 0..<elements.count { sum = sum + elements[i] * other.elements[i] }
        return sum
    }
    /// `‖A‖_F²`.
    @inlinable public var squaredFrobeniusNorm: S { frobenius(self) }
    /// The element-wise (Hadamard) product `A ⊙ B`.
    @inlinable public func hadamard(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows && cols == other.cols, "Matrix hadamard: shape mismatch")
        return Matrix(rows: rows, cols: cols, elements: zip(elements, other.elements).map { $0 * $1 })
    }

    @inlinable public func map<T: Scalar>(_ f: (S) -> T) -> Matrix<T> {
        Matrix<T>(rows: rows, cols: cols, elements: elements.map(f))
    }

    public var description: String {
        "[" + (0..<rows).map { i in (0..<cols).map { self[i, $0].description }.joined(separator: ", ") }
            .joined(separator: "; ") + "]"
    }
}

extension Matrix where S == Double {
    /// The same values in another field, exactly.
    @inlinable public func lifted<T: Scalar>(to: T.Type = T.self) -> Matrix<T> { map { T(dyadic: $0) } }
}
