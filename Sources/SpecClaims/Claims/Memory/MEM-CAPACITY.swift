import ExactMath
import NestedLearning

/// MEM-CAPACITY: what a linear associative memory can hold. Writing one key twice, the Hebbian
/// memory (linear attention) returns the sum of the values, the delta rule the last one; up to
/// `d_k` independent keys are recalled exactly by the best linear memory (and by the Hebbian one
/// only when the keys are orthonormal); beyond `d_k` generic pairs leave a strictly positive
/// residual.
/// Its three statements each use their own inputs and comparisons (one of them a sign), so it
/// writes its exact tier itself rather than declaring two views.
struct MemCapacityClaim: Claim {
    let id = "MEM-CAPACITY"
    let statement = "A linear memory M: R^{d_k} -> R^{d_v}: (a) writing a unit key twice with values a, b, the Hebbian memory reads " +
                    "a + b, the delta rule with beta = 1 reads b; (b) for n <= d_k independent keys the least-squares memory recalls " +
                    "every value exactly, the Hebbian memory only when the keys are orthonormal; (c) for n > d_k generic pairs the " +
                    "least-squares memory (normal equations) has a strictly positive residual."
    let references = PaperReference(arxiv: ["5", "6", "64", "65"], neurips: ["1"])
    let tiers: [Tier] = [.exact]
    let conventions = [Convention(Conventions.DeltaOrientation.right)]
    let symbolic = SymbolicStatus.notProvable("its statements are inequalities (a strictly positive residual) and recall for " +
                                              "orthonormal keys, which are constrained, not free, inputs")

    enum Mutant: String, ClaimMutant {
        case noErase = "delta-rule-without-erase"
        case hebbian = "hebbian-memory-for-non-orthogonal-keys"
        case beyond = "interpolate-beyond-capacity"

        var summary: String {
            switch self {
            case .noErase: "the delta rule without its erase term M(I - beta k k^T): a Hebbian write, which adds the second value to " +
                           "the first."
            case .hebbian: "the Hebbian memory V K^T taken as the best memory for independent but not orthonormal keys."
            case .beyond: "with n > d_k pairs, the memory that interpolates the first d_k of them exactly, as if d_k + 1 pairs still fit."
            }
        }
    }

    /// A rational orthogonal matrix by the Cayley transform `(I − A)(I + A)⁻¹`, `A` skew-symmetric:
    /// its columns are orthonormal keys with rational entries.
    static func cayley(_ g: inout DyadicGenerator, _ d: Int) -> Matrix<Rational> {
        var a = Matrix<Rational>.zeros(d, d)
        for i in 0..<d { for j in (i + 1)..<d {
            let x = Rational(g.integer(in: -3...3), 2)
            a[i, j] = x
            a[j, i] = -x
        } }
        let plus = Matrix<Rational>.identity(d) + a, minus = Matrix<Rational>.identity(d) - a
        // Q (I + A) = (I − A)  ⇔  (I + A)ᵀ Qᵀ = (I − A)ᵀ, column by column.
        let cols = (0..<d).map { j in try! plus.transposed.solve(minus.transposed.column(j)).elements }
        return Matrix(rows: d, cols: d) { i, j in cols[i][j] }
    }

    func exactCases(_ mutant: Mutant?) -> [CaseEvidence] {
        typealias Q = Rational
        var out: [CaseEvidence] = []
        for (dk, dv) in [(3, 2), (4, 3)] {
            var g = Support.exactGenerator(16_000 + UInt64(dk * 10 + dv))
            func vec(_ n: Int) -> Vector<Q> { g.vector(n, numeratorBound: 7, exponent: 2).lifted(to: Q.self) }
            let label = "d_k=\(dk) d_v=\(dv)"
            // (a) The same unit key twice.
            let k = Self.cayley(&g, dk).column(0), a = vec(dv), b = vec(dv)
            var hebb = Matrix<Q>.zeros(dv, dk), delta = Matrix<Q>.zeros(dv, dk)
            for v in [a, b] {
                hebb = LinearAttention.write(hebb, key: k, value: v)
                delta = mutant == .noErase ? delta + Matrix.outer(v, k) : DeltaRule.step(delta, key: k, value: v, beta: Q(1))
            }
            out.append(.exact(label, "(a) reads after (k, a), (k, b): Hebbian, delta", expected: (a + b).elements + b.elements,
                              actual: (hebb * k).elements + (delta * k).elements))
            // (b) n ≤ d_k independent keys: the least-squares memory recalls exactly.
            for n in [dk - 1, dk] {
                var keys: [Vector<Q>]
                repeat { keys = (0..<n).map { _ in vec(dk) } } while (try? OptimalLinearMemory.fit(keys: keys, values: keys)) == nil
                let values = (0..<n).map { _ in vec(dv) }
                let m = mutant == .hebbian ? zip(keys, values).reduce(Matrix<Q>.zeros(dv, dk)) { $0 + Matrix.outer($1.1, $1.0) }
                                               : try! OptimalLinearMemory.fit(keys: keys, values: values)
                out.append(.exact("\(label) n=\(n)", "(b) M* k_i for independent keys", expected: values.flatMap(\.elements),
                                  actual: keys.flatMap { (m * $0).elements }))
                if n == dk {
                    // Unique minimiser: the formula against exact normal equations on Σ‖M k_i − v_i‖².
                    out.append(.exact("\(label) n=\(n)", "(b) M* = argmin sum ||M k_i - v_i||^2",
                                      expected: Self.argmin(keys, values, dv).elements,
                                      actual: m.elements))
                }
            }
            // (b') orthonormal keys: the Hebbian memory recalls exactly.
            let basis = Self.cayley(&g, dk)
            let keys = (0..<(dk - 1)).map { basis.column($0) }, values = keys.map { _ in vec(dv) }
            let hebbian = zip(keys, values).reduce(Matrix<Q>.zeros(dv, dk)) { LinearAttention.write($0, key: $1.0, value: $1.1) }
            out.append(.exact("\(label) n=\(dk - 1) orthonormal", "(b) Hebbian reads for orthonormal keys",
                              expected: values.flatMap(\.elements),
                              actual: keys.flatMap { (hebbian * $0).elements }))
            // (c) n > d_k: the minimiser is unique and leaves a positive residual.
            let many = (0..<(dk + 2)).map { _ in vec(dk) }, manyValues = many.map { _ in vec(dv) }
            let best = Self.argmin(many, manyValues, dv)
            let fitted = mutant == .beyond
                ? try! OptimalLinearMemory.fit(keys: Array(many.prefix(dk)), values: Array(manyValues.prefix(dk)))
                                               : try! OptimalLinearMemory.fit(keys: many, values: manyValues)
            out.append(.exact("\(label) n=\(dk + 2)", "(c) M* = argmin, and sign of its residual", expected: best.elements + [Q(1)],
                              actual: fitted.elements + [Q(OptimalLinearMemory.residual(fitted, keys: many, values: manyValues).signum)]))
        }
        return out
    }

    /// `argmin_M Σ_i ‖M k_i − v_i‖²` by exact normal equations on the objective written as code.
    static func argmin(_ keys: [Vector<Rational>], _ values: [Vector<Rational>], _ dv: Int) -> Matrix<Rational> {
        let k = keys.map(Support.dual), v = values.map(Support.dual)
        return Support.argmin(around: .zeros(dv, keys[0].count)) { m in
            zip(k, v).reduce(Dual(0)) { $0 + (m * $1.0 - $1.1).squaredNorm }
        }
    }

    func workedExample() -> String {
        typealias Q = Rational
        let k = Vector([Q(3, 5), Q(4, 5)]), a = Vector([Q(1)]), b = Vector([Q(-2)])
        var hebb = Matrix<Q>.zeros(1, 2), delta = Matrix<Q>.zeros(1, 2)
        for v in [a, b] {
            hebb = LinearAttention.write(hebb, key: k, value: v)
            delta = DeltaRule.step(delta, key: k, value: v, beta: Q(1))
        }
        let keys = [Vector([Q(1), Q(0)]), Vector([Q(1), Q(1)])], values = [Vector([Q(2)]), Vector([Q(3)])]
        let m = try! OptimalLinearMemory.fit(keys: keys, values: values)
        let hebbian = zip(keys, values).reduce(Matrix<Q>.zeros(1, 2)) { LinearAttention.write($0, key: $1.0, value: $1.1) }
        let three = keys + [Vector([Q(0), Q(1)])], threeValues = values + [Vector([Q(2)])]
        let best = try! OptimalLinearMemory.fit(keys: three, values: threeValues)
        let opt = Self.argmin(three, threeValues, 1)
        return [
            "(a) Unit key k = (3/5, 4/5) written with value 1, then with value -2:",
            Show.v("Hebbian read M k", hebb * k), Show.v("delta rule (beta = 1) read M k", delta * k),
            "(b) Keys (1, 0), (1, 1) with values 2, 3 (independent, not orthogonal):",
            Show.m("least-squares M*", m), Show.v("reads M* k_i", Vector(keys.flatMap { (m * $0).elements })),
            Show.m("Hebbian V K^T", hebbian), Show.v("Hebbian reads", Vector(keys.flatMap { (hebbian * $0).elements })),
            "(c) Add a third pair, key (0, 1) with value 2 (n = 3 > d_k = 2):",
            Show.m("M* by the formula V K^T (K K^T)^-1", best), Show.m("argmin by normal equations", opt),
            Show.s("residual sum ||M* k_i - v_i||^2", OptimalLinearMemory.residual(best, keys: three, values: threeValues)),
            Show.verdict(best == opt),
        ].joined(separator: "\n")
    }
}
