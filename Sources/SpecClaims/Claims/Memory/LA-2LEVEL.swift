import ExactMath
import NestedLearning

/// LA-2LEVEL: the outer level of linear attention. The hand-written gradient of a loss on the
/// outputs with respect to `W_k, W_v, W_q`, through the whole inner recurrence, equals the
/// dual-number gradient (arXiv eq. 14–18, the two-level reading of §3).
struct La2levelClaim: ViewClaim {
    let id = "LA-2LEVEL"
    let statement = "Outer level of linear attention: the hand-written gradient of sum_t 1/2||y_t - r_t||^2 w.r.t. W_k, W_v, W_q, " +
                    "back through the inner memory M_t = M_{t-1} + v_t k_t^T, equals the dual-number gradient."
    let references = PaperReference(arxiv: ["14", "15", "16", "17", "18"], neurips: ["12", "13", "14", "15", "16"])
    let conventions = [Convention(Conventions.ReadOrder.afterWrite)]
    let symbolic = SymbolicStatus.sizes("d_in = 2, d_k = 1, d_v = 1, T = 3; every entry of W_k, W_v, W_q, x_t and r_t a variable")

    enum Mutant: String, ClaimMutant {
        case truncated = "no-future-reads"

        var summary: String {
            "Backward pass that forgets a write is read by every later query (G_t = e_t q_t^T instead of sum_{s>=t} e_s q_s^T): " +
            "truncated BPTT through the memory."
        }
    }

    struct Input: ClaimInput {
        let label: String
        let layer: LinearAttentionLayer<Double>
        let xs: [Vector<Double>], targets: [Vector<Double>]
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            let layer = LinearAttentionLayer<Double>(wk: .zeros(1, 2), wv: .zeros(1, 2), wq: .zeros(1, 2))
            return [Input(label: "d_in=2 d_k=1 d_v=1 T=3", layer: layer,
                          xs: Support.zeros(3, 2), targets: Support.zeros(3, 1), variables: ["Wk", "Wv", "Wq", "x", "r"])]
        }
        let exact = domain == .exact
        let shapes = exact ? [(4, 3, 2, 5), (3, 2, 3, 4)] : [(16, 12, 8, 32)]
        var out: [Input] = []
        for seed in 0..<(exact ? 2 : 1) {
            for (din, dk, dv, t) in shapes {
                var g = Support.exactGenerator(UInt64(7000 + seed * 100 + din * 10 + dk))
                func mat(_ r: Int, _ c: Int) -> Matrix<Double> {
                    exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : Support.floatMatrix(&g, r, c)
                }
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n) : Support.floatVector(&g, n) }
                let layer = LinearAttentionLayer(wk: mat(dk, din), wv: mat(dv, din), wq: mat(dk, din))
                out.append(Input(label: "seed=\(seed) d_in=\(din) d_k=\(dk) d_v=\(dv) T=\(t)", layer: layer,
                                 xs: (0..<t).map { _ in vec(din) }, targets: (0..<t).map { _ in vec(dv) }))
            }
        }
        return out
    }

    /// The inputs in `S`.
    func lifted<S: Scalar>(_ x: Input, _ s: Lift<S>) -> (layer: LinearAttentionLayer<S>, xs: [Vector<S>], targets: [Vector<S>]) {
        (LinearAttentionLayer(wk: s.matrix(x.layer.wk, "Wk"), wv: s.matrix(x.layer.wv, "Wv"), wq: s.matrix(x.layer.wq, "Wq")),
         s.sequence(x.xs, "x"), s.sequence(x.targets, "r"))
    }

    /// The architecture view: the hand-written backward pass through the memory (or the truncated
    /// one).
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (layer, xs, targets) = lifted(x, s)
        let e = zip(layer.forward(xs).outputs, targets).map { $0 - $1 }
        let g = layer.backward(xs, outputGradients: e, futureReads: mutant != .truncated)
        return [.compared("grad (W_k, W_v, W_q)", g.wk.elements + g.wv.elements + g.wq.elements,
                          chain: 2 * x.xs.count * (x.layer.wk.cols + x.layer.wk.rows))]
    }

    /// The optimization view: `∇ Σ_t ½‖y_t − r_t‖²` over `(W_k, W_v, W_q)` by dual numbers through
    /// the forward pass.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let (layer, xs, targets) = lifted(x, s)
        let dx = xs.map { Support.dual($0) }, rs = targets.map { Support.dual($0) }
        let objective = Objective<S>(dimension: layer.flatParameters.count) { theta in
            let trace = layer.withFlatParameters(theta).forward(dx)
            var loss = Dual<S>(0)
            for (y, r) in zip(trace.outputs, rs) { loss = loss + Dual(1) / Dual(2) * (y - r).squaredNorm }
            return loss
        }
        return [.compared("grad (W_k, W_v, W_q)", objective.gradient(at: layer.flatParameters))]
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
