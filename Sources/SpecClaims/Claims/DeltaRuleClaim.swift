import ExactMath
import NestedLearning

/// LA-DELTA: the delta rule `M(I − β k kᵀ) + β v kᵀ` is one GD step of size β on
/// `½‖M k − v‖²` (arXiv eq. 65, orientation corrected, A15).
struct DeltaRuleClaim: SymbolicClaim {
    let id = "LA-DELTA"
    let statement = "The delta rule M_t = M_{t-1}(I - beta k k^T) + beta v k^T is one GD step of size beta on 1/2||M k - v||^2 (right multiplication for M: k -> v)."
    let references = PaperReference(arxiv: ["65"], neurips: [])
    let conventions = ["DeltaOrientation.right"]
    static let leftMultiplied = "LA-DELTA/left-multiplied"
    static let noBetaOnErase = "LA-DELTA/erase-without-beta"
    let mutants = [
        Mutant(id: leftMultiplied, summary: "(I - beta k k^T) M + beta v k^T as printed in arXiv eq. 65 and Miras (A15); shape-valid only when d_k = d_v, where it passes type checks."),
        Mutant(id: noBetaOnErase, summary: "M(I - k k^T) + beta v k^T: the erase term without the step size (NeurIPS eq. 28-29 style)."),
    ]

    struct Input {
        let label: String
        let m0: Matrix<Double>
        let keys: [Vector<Double>], values: [Vector<Double>], betas: [Double]
    }

    func inputs(exact: Bool) -> [Input] {
        let shapes = exact ? [(4, 3), (3, 3), (2, 4)] : [(16, 12), (16, 16)]
        var out: [Input] = []
        for seed in 0..<(exact ? 3 : 1) {
            for (dk, dv) in shapes {
                var g = Support.exactGenerator(UInt64(5000 + seed * 100 + dk * 10 + dv))
                let steps = exact ? 5 : 24
                func vec(_ n: Int) -> Vector<Double> { exact ? g.nonZeroVector(n) : Support.floatVector(&g, n) }
                let m0 = exact ? g.matrix(dv, dk) : Support.floatMatrix(&g, dv, dk)
                // Step sizes include the extremes 1 and 2^-6 alongside ordinary values.
                let betas = (0..<steps).map { i -> Double in
                    i == 0 ? 1 : i == 1 ? 0x1p-6 : (exact ? g.positiveDyadic(numeratorBound: 4, exponent: 2) : Double(g.integer(in: 1...4095)) / 4096)
                }
                // Keys are scaled down so ‖k‖²β stays moderate and the state stays bounded.
                out.append(Input(label: "seed=\(seed) d_k=\(dk) d_v=\(dv) T=\(steps)", m0: m0,
                                 keys: (0..<steps).map { _ in exact ? g.nonZeroVector(dk, numeratorBound: 3, exponent: 2) : Support.floatVector(&g, dk) },
                                 values: (0..<steps).map { _ in vec(dv) }, betas: betas))
            }
        }
        return out
    }

    func states<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> [Matrix<S>]? {
        Self.states(m0: input.m0.lifted(to: S.self), keys: input.keys.map { $0.lifted(to: S.self) },
                    values: input.values.map { $0.lifted(to: S.self) }, betas: input.betas.map { S(dyadic: $0) }, mutant: mutant)
    }

    /// The architecture view: `M_1 … M_T` of the recurrence (or a mutant); `nil` where the
    /// mutant is not defined (left multiplication of a non-square state).
    static func states<S: Scalar>(m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>], betas: [S], mutant: String?) -> [Matrix<S>]? {
        if mutant == leftMultiplied && m0.rows != m0.cols { return nil }
        var m = m0
        return (0..<keys.count).map { t in
            let (k, v, beta) = (keys[t], values[t], betas[t])
            switch mutant {
            case leftMultiplied: m = DeltaRule.step(m, key: k, value: v, beta: beta, orientation: .leftAsPrinted)
            case noBetaOnErase: m = m * (Matrix.identity(k.count) - Matrix.outer(k, k)) + beta * Matrix.outer(v, k)
            default: m = DeltaRule.step(m, key: k, value: v, beta: beta)
            }
            return m
        }
    }

    /// The optimization view: per token one GD step of size `β_t` on `½‖M k_t − v_t‖²`, the
    /// gradient by dual numbers on the objective written as code.
    static func gradientSteps<S: Scalar>(m0: Matrix<S>, keys: [Vector<S>], values: [Vector<S>], betas: [S]) -> [Matrix<S>] {
        var m = m0
        return (0..<keys.count).map { t in
            let kd = Support.dual(keys[t]), vd = Support.dual(values[t])
            let objective = Objective<S>(dimension: m.elements.count) { [rows = m.rows, cols = m.cols] theta in
                Dual(1) / Dual(2) * (Matrix(rows: rows, cols: cols, elements: theta) * kd - vd).squaredNorm
            }
            m = Matrix(rows: m.rows, cols: m.cols, elements: objective.gradientStep(from: m.elements, learningRate: betas[t]))
            return m
        }
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).map { input -> CaseEvidence in
            guard let arch = states(input, mutant: mutant, Rational.self) else {
                return .notApplicable(input.label, "M_t", tier: .exact)
            }
            let gd = Self.gradientSteps(m0: input.m0.lifted(to: Rational.self), keys: input.keys.map { $0.lifted() },
                                        values: input.values.map { $0.lifted() }, betas: input.betas.map { Rational(dyadic: $0) })
            return .exact(input.label, "M_1..M_T: GD step beta on 1/2||Mk - v||^2", expected: gd.flatMap(\.elements), actual: arch.flatMap(\.elements))
        }
    }

    let symbolicSizes = "(d_k, d_v) = (2, 3) and (2, 2), T = 3; every entry of M_0, k_t, v_t and every beta_t a variable"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        [(2, 3), (2, 2)].map { dk, dv in
            let label = "d_k=\(dk) d_v=\(dv) T=3"
            let (m0, keys, values) = (Symbols.matrix("M0", dv, dk), Symbols.sequence("k", count: 3, dk), Symbols.sequence("v", count: 3, dv))
            let betas = Symbols.scalars("beta", count: 3)
            guard let arch = Self.states(m0: m0, keys: keys, values: values, betas: betas, mutant: mutant) else {
                return .notApplicable(label, "M_1..M_T")
            }
            let gd = Self.gradientSteps(m0: m0, keys: keys, values: values, betas: betas)
            return .compare(label, "M_1..M_T: GD step beta on 1/2||Mk - v||^2", expected: gd.flatMap(\.elements), actual: arch.flatMap(\.elements))
        }
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            guard let c = states(input, mutant: mutant, Double.self) else { return .notApplicable(input.label, "M_T", tier: .float) }
            let e = states(input, mutant: nil, Rational.self)!
            return .float(input.label, "M_1..M_T", exact: e.flatMap(\.elements), computed: c.flatMap(\.elements),
                          bound: Support.bound(chain: input.keys.count * (2 * input.m0.cols + 4)))
        }
    }

    func workedExample() -> String {
        let m = Matrix<Rational>([[Rational(1), Rational(0)], [Rational(0), Rational(1)], [Rational(1), Rational(-1)]])
        let k = Vector([Rational(1), Rational(1, 2)])
        let v = Vector([Rational(0), Rational(1), Rational(2)])
        let beta = Rational(1, 2)
        let step = DeltaRule.step(m, key: k, value: v, beta: beta)
        let kd = Support.dual(k), vd = Support.dual(v)
        let grad = Support.gradient(at: m) { mm in Dual(1) / Dual(2) * (mm * kd - vd).squaredNorm }
        return [
            "d_k = 2, d_v = 3; note ||k||^2 = 5/4, not 1.",
            Show.m("M_{t-1}", m), Show.v("k", k), Show.v("v", v), Show.s("beta", beta),
            Show.m("I - beta k k^T", Matrix.identity(2) - beta * Matrix.outer(k, k)),
            "Architecture view, M(I - beta k k^T) + beta v k^T:", Show.m("M_t", step),
            "Optimization view: grad of 1/2||M k - v||^2 by dual numbers:", Show.m("grad", grad),
            Show.m("M_{t-1} - beta grad", m - beta * grad),
            Show.verdict(m - beta * grad == step),
            "The left-multiplied form (I - beta k k^T) M is not even defined here (2x2 times 3x2).",
        ].joined(separator: "\n")
    }
}
