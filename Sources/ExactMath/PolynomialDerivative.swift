/// The derivative at 0 of a polynomial known only through its values, exactly.
///
/// A polynomial `p` of degree at most `2n` equals its Lagrange interpolant on the nodes
/// `−n, …, n`, so `p′(0) = Σ_j L_j′(0) p(j)` with no truncation error. The weights are computed
/// here from the nodes (not from a table): `L_j′(0) = Σ_{m≠j} 1/(j − m) · Π_{l≠j,m} (0 − l)/(j − l)`.
/// The claims use it as a derivative that needs no derivative code: only function values.
public enum PolynomialDerivative {
    /// `L_j′(0)` for the nodes `−n … n`, in node order.
    public static func weights<S: Scalar>(halfWidth n: Int) -> [S] {
        let nodes = Array(-n...n)
        return nodes.map { j in
            var total = S.zero
            for m in nodes where m != j {
                var term = S.one / S(j - m)
                for l in nodes where l != j && l != m { term = term * S(-l) / S(j - l) }
                total = total + term
            }
            return total
        }
    }

    /// `p′(0)` for a polynomial `p` of degree at most `degree`, from its values at the
    /// `degree + 1` (rounded up to odd) integer nodes around 0.
    public static func atZero<S: Scalar>(degree: Int, _ p: (Int) -> S) -> S {
        let n = (max(degree, 1) + 1) / 2
        let w: [S] = weights(halfWidth: n)
        var total = S.zero
        for (k, j) in (-n...n).enumerated() where w[k] != .zero { total = total + w[k] * p(j) }
        return total
    }
}
