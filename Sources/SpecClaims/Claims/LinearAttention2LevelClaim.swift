import ExactMath
import NestedLearning

/// LA-2LEVEL: the outer level of linear attention. The hand-written gradient of a loss on the
/// outputs with respect to `W_k, W_v, W_q`, through the whole inner recurrence, equals the
/// dual-number gradient (arXiv eq. 14–18, the two-level reading of §3).
struct LinearAttention2LevelClaim: SymbolicClaim {
    let id = "LA-2LEVEL"
    let statement = "Outer level of linear attention: the hand-written gradient of sum_t 1/2||y_t - r_t||^2 w.r.t. W_k, W_v, W_q, back through the inner memory M_t = M_{t-1} + v_t k_t^T, equals the dual-number gradient."
    let references = PaperReference(arxiv: ["14", "15", "16", "17", "18"], neurips: ["12", "13", "14", "15", "16"])
    let conventions = ["ReadOrder.afterWrite"]
    static let truncated = "LA-2LEVEL/no-future-reads"
    let mutants = [
        Mutant(id: truncated, summary: "Backward pass that forgets a write is read by every later query (G_t = e_t q_t^T instead of sum_{s>=t} e_s q_s^T): truncated BPTT through the memory."),
    ]

    struct Input {
        let label: String
        let layer: LinearAttentionLayer<Double>
        let xs: [Vector<Double>], targets: [Vector<Double>]
    }

    func inputs(exact: Bool) -> [Input] {
        let shapes = exact ? [(4, 3, 2, 5), (3, 2, 3, 4)] : [(16, 12, 8, 32)]
        var out: [Input] = []
        for seed in 0..<(exact ? 2 : 1) {
            for (din, dk, dv, t) in shapes {
                var g = Support.exactGenerator(UInt64(7000 + seed * 100 + din * 10 + dk))
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> { exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c) }
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n) : Support.floatVector(&g, n) }
                let layer = LinearAttentionLayer(wk: mat(dk, din), wv: mat(dv, din), wq: mat(dk, din))
                out.append(Input(label: "seed=\(seed) d_in=\(din) d_k=\(dk) d_v=\(dv) T=\(t)", layer: layer,
                                 xs: (0..<t).map { _ in vec(din) }, targets: (0..<t).map { _ in vec(dv) }))
            }
        }
        return out
    }

    func handWritten<S: Scalar>(_ input: Input, mutant: String?, _: S.Type) -> [S] {
        Self.handWritten(LinearAttentionLayer(wk: input.layer.wk.lifted(to: S.self), wv: input.layer.wv.lifted(), wq: input.layer.wq.lifted()),
                         xs: input.xs.map { $0.lifted(to: S.self) }, targets: input.targets.map { $0.lifted(to: S.self) }, mutant: mutant)
    }

    static func handWritten<S: Scalar>(_ layer: LinearAttentionLayer<S>, xs: [Vector<S>], targets: [Vector<S>], mutant: String?) -> [S] {
        let y = layer.forward(xs).outputs
        let e = zip(y, targets).map { $0 - $1 }
        let g = layer.backward(xs, outputGradients: e, futureReads: mutant != truncated)
        return g.wk.elements + g.wv.elements + g.wq.elements
    }

    /// `∇ Σ_t ½‖y_t − r_t‖²` over `(W_k, W_v, W_q)` by dual numbers through the forward pass.
    static func dualGradient<S: Scalar>(_ layer: LinearAttentionLayer<S>, xs: [Vector<S>], targets: [Vector<S>]) -> [S] {
        let dx = xs.map { Support.dual($0) }, rs = targets.map { Support.dual($0) }
        let objective = Objective<S>(dimension: layer.flatParameters.count) { theta in
            let trace = layer.withFlatParameters(theta).forward(dx)
            var loss = Dual<S>(0)
            for (y, r) in zip(trace.outputs, rs) { loss = loss + Dual(1) / Dual(2) * (y - r).squaredNorm }
            return loss
        }
        return objective.gradient(at: layer.flatParameters)
    }

    func exactCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: true).map { input in
            let layer = LinearAttentionLayer(wk: input.layer.wk.lifted(to: Rational.self), wv: input.layer.wv.lifted(), wq: input.layer.wq.lifted())
            return .exact(input.label, "grad (W_k, W_v, W_q)",
                          expected: Self.dualGradient(layer, xs: input.xs.map { $0.lifted() }, targets: input.targets.map { $0.lifted() }),
                          actual: handWritten(input, mutant: mutant, Rational.self))
        }
    }

    let symbolicSizes = "d_in = 2, d_k = 1, d_v = 1, T = 3; every entry of W_k, W_v, W_q, x_t and r_t a variable"

    func symbolicCases(mutant: String?) -> [SymbolicEvidence] {
        let layer = LinearAttentionLayer(wk: Symbols.matrix("Wk", 1, 2), wv: Symbols.matrix("Wv", 1, 2), wq: Symbols.matrix("Wq", 1, 2))
        let (xs, rs) = (Symbols.sequence("x", count: 3, 2), Symbols.sequence("r", count: 3, 1))
        return [.compare("d_in=2 d_k=1 d_v=1 T=3", "grad (W_k, W_v, W_q)", expected: Self.dualGradient(layer, xs: xs, targets: rs),
                         actual: Self.handWritten(layer, xs: xs, targets: rs, mutant: mutant))]
    }

    func floatCases(mutant: String?) -> [CaseEvidence] {
        inputs(exact: false).map { input in
            .float(input.label, "grad (W_k, W_v, W_q)", exact: handWritten(input, mutant: nil, Rational.self),
                   computed: handWritten(input, mutant: mutant, Double.self),
                   bound: Support.bound(chain: 2 * input.xs.count * (input.layer.wk.cols + input.layer.wk.rows)))
        }
    }

    func workedExample() -> String {
        let layer = LinearAttentionLayer(wk: Matrix([[Rational(1), Rational(0)]]), wv: Matrix([[Rational(0), Rational(1)]]),
                                         wq: Matrix([[Rational(1), Rational(1)]]))
        let xs = [Vector([Rational(1), Rational(2)]), Vector([Rational(-1), Rational(1, 2)])]
        let rs = [Vector([Rational(1)]), Vector([Rational(0)])]
        let trace = layer.forward(xs)
        let e = zip(trace.outputs, rs).map { $0 - $1 }
        let g = layer.backward(xs, outputGradients: e)
        let truncated = layer.backward(xs, outputGradients: e, futureReads: false)
        typealias D = Dual<Rational>
        let xd = xs.map { Support.dual($0) }, rd = rs.map { Support.dual($0) }
        let dual = Objective<Rational>(dimension: 6) { theta in
            let tr = layer.withFlatParameters(theta).forward(xd)
            return zip(tr.outputs, rd).reduce(D(0)) { $0 + D(1) / D(2) * ($1.0 - $1.1).squaredNorm }
        }.gradient(at: layer.flatParameters)
        return [
            "d_in = 2, d_k = d_v = 1, T = 2, M_0 = 0. Loss sum_t 1/2 (y_t - r_t)^2.",
            Show.m("W_k", layer.wk), Show.m("W_v", layer.wv), Show.m("W_q", layer.wq),
            Show.v("x_1", xs[0]), Show.v("x_2", xs[1]), Show.v("r", Vector(rs.map { $0[0] })),
            "y = (" + trace.outputs.map { $0[0].description }.joined(separator: ", ") + ")",
            "Hand-written BPTT, G_t = sum_{s>=t} e_s q_s^T:",
            Show.m("dW_k", g.wk), Show.m("dW_v", g.wv), Show.m("dW_q", g.wq),
            "Dual numbers, (dW_k, dW_v, dW_q) flattened: (" + dual.map(\.description).joined(separator: ", ") + ")",
            Show.verdict(dual == g.wk.elements + g.wv.elements + g.wq.elements),
            "Truncated (no future reads) would give dW_v = \(truncated.wv): wrong.",
        ].joined(separator: "\n")
    }
}
