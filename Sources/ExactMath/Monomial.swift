/// A monomial `x₁^{e₁} ⋯ x_k^{e_k}` over named variables: the variables in ascending name order,
/// each exponent at least one. The empty monomial is `1`.
public struct Monomial: Hashable, Comparable, Sendable, CustomStringConvertible {
    public struct Factor: Hashable, Sendable {
        public let variable: String
        public let exponent: Int
    }

    public let factors: [Factor]
    /// The total degree `Σ e_i`.
    public let degree: Int

    public static let one = Monomial(sortedFactors: [])

    /// The monomial `variable^exponent` (`1` when `exponent` is 0).
    public init(_ variable: String, exponent: Int = 1) {
        precondition(exponent >= 0, "Monomial: negative exponent \(exponent) of \(variable)")
        self.init(sortedFactors: exponent == 0 ? [] : [Factor(variable: variable, exponent: exponent)])
    }

    init(sortedFactors: [Factor]) {
        factors = sortedFactors
        degree = sortedFactors.reduce(0) { $0 + $1.exponent }
    }

    /// The product: exponents of shared variables add (a merge of two sorted lists).
    public static func * (a: Monomial, b: Monomial) -> Monomial {
        Monomial(sortedFactors: mergeSorted(a.factors, b.factors, precedes: { $0.variable < $1.variable }) { x, y in
            Factor(variable: x.variable, exponent: x.exponent + y.exponent)
        })
    }

    /// The quotient by `m`, which must divide `self`.
    public func dividing(by m: Monomial) -> Monomial {
        var out: [Factor] = []
        var j = 0
        for f in factors {
            if j < m.factors.count && m.factors[j].variable == f.variable {
                precondition(m.factors[j].exponent <= f.exponent, "Monomial: \(m) does not divide \(self)")
                if f.exponent > m.factors[j].exponent {
                    out.append(Factor(variable: f.variable, exponent: f.exponent - m.factors[j].exponent))
                }
                j += 1
            } else {
                out.append(f)
            }
        }
        precondition(j == m.factors.count, "Monomial: \(m) does not divide \(self)")
        return Monomial(sortedFactors: out)
    }

    /// The greatest common divisor: each shared variable to the smaller exponent.
    public static func gcd(_ a: Monomial, _ b: Monomial) -> Monomial {
        var out: [Factor] = []
        var j = 0
        for f in a.factors {
            while j < b.factors.count && b.factors[j].variable < f.variable { j += 1 }
            if j < b.factors.count && b.factors[j].variable == f.variable {
                out.append(Factor(variable: f.variable, exponent: min(f.exponent, b.factors[j].exponent)))
            }
        }
        return Monomial(sortedFactors: out)
    }

    /// Graded lexicographic order: lower total degree first, then by the factor lists (variable
    /// names, then exponents). A total order, so sorting terms by it gives one canonical form.
    public static func < (a: Monomial, b: Monomial) -> Bool {
        if a.degree != b.degree { return a.degree < b.degree }
        for (x, y) in zip(a.factors, b.factors) {
            if x.variable != y.variable { return x.variable < y.variable }
            if x.exponent != y.exponent { return x.exponent > y.exponent }
        }
        return a.factors.count < b.factors.count
    }

    public var description: String {
        factors.isEmpty ? "1" : factors.map { $0.exponent == 1 ? $0.variable : "\($0.variable)^\($0.exponent)" }.joined(separator: "*")
    }
}

/// Two lists, each sorted by `precedes`, merged into one sorted list; an element of `a` and one of
/// `b` of equal rank are replaced by `combine` of the two (dropped when it returns nil).
func mergeSorted<T>(_ a: [T], _ b: [T], precedes: (T, T) -> Bool, combine: (T, T) -> T?) -> [T] {
    var out: [T] = []
    out.reserveCapacity(a.count + b.count)
    var i = 0, j = 0
    while i < a.count || j < b.count {
        if j == b.count || (i < a.count && precedes(a[i], b[j])) {
            out.append(a[i]); i += 1
        } else if i == a.count || precedes(b[j], a[i]) {
            out.append(b[j]); j += 1
        } else {
            if let c = combine(a[i], b[j]) { out.append(c) }
            i += 1; j += 1
        }
    }
    return out
}
