import ExactMath

/// Which inputs a case is drawn for.
public enum Domain: Sendable {
    /// Small sizes, compared exactly.
    case exact
    /// Larger sizes, for the `Double` run and its exact reference.
    case float
    /// Inputs that are (partly) variables.
    case symbolic
}

/// One case's inputs, as data: exact dyadic numbers (`Double` or ``Rational``). On symbols, the
/// inputs named in ``variables`` become variables and the rest stay fixed.
public protocol ClaimInput: Sendable {
    /// The case, e.g. `seed=3 d_k=4 d_v=3`.
    var label: String { get }
    /// The names (as the views pass them to ``Lift``) of the inputs that are variables in the
    /// symbolic tier. Ignored elsewhere.
    var variables: Set<String> { get }
}

extension ClaimInput {
    public var variables: Set<String> { [] }
}

/// Turns a case's stored numbers into the scalar a view runs in: rationals (exact), `Double`
/// (float), or rational functions (symbolic), where an input the case names as a variable becomes
/// one variable per entry, named after the paper's symbol and its 1-based indices (``Symbols``).
public struct Lift<S: Scalar>: Sendable {
    /// What the case is for; a view may skip work the tier does not compare.
    public let domain: Domain
    private let rational: @Sendable (Rational) -> S
    private let symbol: (@Sendable (String) -> S)?
    private let variables: Set<String>

    init(domain: Domain, rational: @escaping @Sendable (Rational) -> S, symbol: (@Sendable (String) -> S)? = nil,
         variables: Set<String> = []) {
        self.domain = domain
        self.rational = rational
        self.symbol = symbol
        self.variables = variables
    }

    /// A stored number (`Double`, ``Rational``, or already `S`) in `S`.
    public func callAsFunction<N: Scalar>(_ x: N) -> S {
        if let same = x as? S { return same }
        if let d = x as? Double { return S(dyadic: d) }
        if let q = x as? Rational { return rational(q) }
        preconditionFailure("Lift: cannot lift \(N.self) to \(S.self)")
    }

    /// The variable `name` when the case makes `group` symbolic, else nil.
    private func variable(_ group: String, _ name: @autoclosure () -> String) -> S? {
        guard let symbol, variables.contains(group) else { return nil }
        return symbol(name())
    }

    public func scalar<N: Scalar>(_ x: N, _ name: String) -> S { variable(name, name) ?? self(x) }

    /// `name1 … nameT`.
    public func scalars<N: Scalar>(_ xs: [N], _ name: String) -> [S] {
        xs.enumerated().map { t, x in variable(name, "\(name)\(t + 1)") ?? self(x) }
    }

    /// `name_1 … name_n`.
    public func vector<N: Scalar>(_ v: Vector<N>, _ name: String = "") -> Vector<S> {
        Vector(v.elements.enumerated().map { i, x in variable(name, "\(name)_\(i + 1)") ?? self(x) })
    }

    /// `name_ij`.
    public func matrix<N: Scalar>(_ m: Matrix<N>, _ name: String = "") -> Matrix<S> {
        Matrix(rows: m.rows, cols: m.cols) { i, j in variable(name, "\(name)_\(i + 1)\(j + 1)") ?? self(m[i, j]) }
    }

    /// `name1_i … nameT_i`.
    public func sequence<N: Scalar>(_ vs: [Vector<N>], _ name: String = "") -> [Vector<S>] {
        vs.enumerated().map { t, v in
            Vector(v.elements.enumerated().map { i, x in variable(name, "\(name)\(t + 1)_\(i + 1)") ?? self(x) })
        }
    }

    /// `name1_ij … nameT_ij`.
    public func matrices<N: Scalar>(_ ms: [Matrix<N>], _ name: String = "") -> [Matrix<S>] {
        ms.enumerated().map { t, m in
            Matrix(rows: m.rows, cols: m.cols) { i, j in variable(name, "\(name)\(t + 1)_\(i + 1)\(j + 1)") ?? self(m[i, j]) }
        }
    }
}

extension Lift where S == Rational {
    static func exact(_ domain: Domain = .exact) -> Lift { Lift(domain: domain, rational: { $0 }) }
}

extension Lift where S == Double {
    static var float: Lift { Lift(domain: .float, rational: { $0.roundedDouble }) }
}

extension Lift where S == RationalFunction {
    static func symbolic(_ variables: Set<String>) -> Lift {
        Lift(domain: .symbolic, rational: { RationalFunction(constant: $0) }, symbol: { .variable($0) }, variables: variables)
    }
}
