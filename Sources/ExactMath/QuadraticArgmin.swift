/// Why ``Objective/argminQuadratic(around:)`` could not certify a minimiser.
public enum QuadraticArgminError: Error, CustomStringConvertible {
    case singularHessian(SingularMatrixError)
    case notStationary(coordinate: Int)
    case notQuadratic(coordinate: Int)

    public var description: String {
        switch self {
        case .singularHessian(let e): return "Hessian is \(e)"
        case .notStationary(let i): return "gradient at the solved point is non-zero in coordinate \(i)"
        case .notQuadratic(let i): return "objective is not quadratic: Hessian column \(i) changes between points"
        }
    }
}

extension Objective {
    /// The Hessian of a quadratic objective: column `j` is `∇f(θ + e_j) − ∇f(θ)`, exact for a
    /// quadratic in exact arithmetic.
    public func quadraticHessian(at theta: [S]) -> Matrix<S> {
        let g0 = gradient(at: theta)
        var columns: [[S]] = []
        for j in 0..<dimension {
            var shifted = theta
            shifted[j] = shifted[j] + .one
            let g = gradient(at: shifted)
            columns.append(zip(g, g0).map { $0 - $1 })
        }
        return Matrix(rows: dimension, cols: dimension) { i, j in columns[j][i] }
    }

    /// The exact minimiser of a strongly convex quadratic objective.
    ///
    /// Solves the normal equations `H θ* = H θ₀ − ∇f(θ₀)` by Gaussian elimination, then
    /// certifies the result: the Hessian measured at θ* must equal the one at θ₀ (the objective
    /// really is quadratic) and `∇f(θ*)` must be exactly zero. In ``Rational`` arithmetic
    /// the result is exact; nothing about the update rule being checked is used.
    public func argminQuadratic(around theta0: [S]) throws -> [S] {
        let h = quadraticHessian(at: theta0)
        let g0 = gradient(at: theta0)
        let rhs = Vector(zip((h * Vector(theta0)).elements, g0).map { $0 - $1 })
        let solution: Vector<S>
        do { solution = try h.solve(rhs) } catch let e as SingularMatrixError {
            throw QuadraticArgminError.singularHessian(e)
        }
        let star = solution.elements
        let h2 = quadraticHessian(at: star)
        if let bad = (0..<h.elements.count).first(where: { h.elements[$0] != h2.elements[$0] }) {
            throw QuadraticArgminError.notQuadratic(coordinate: bad % dimension)
        }
        if let bad = gradient(at: star).firstIndex(where: { !$0.isZero }) {
            throw QuadraticArgminError.notStationary(coordinate: bad)
        }
        return star
    }
}
