import ExactMath
import NestedLearning

/// BP-DEEP: in a 2-layer MLP the backprop recursion's local signals are the derivatives of the
/// loss with respect to each layer's output, and each layer's update is the argmin of its own
/// associative-memory objective, key = the layer's input, value = its local surprise
/// (arXiv eq. 29–31).
struct BpDeepClaim: ViewClaim {
    let id = "BP-DEEP"
    let statement = "In a 2-layer MLP with a polynomial activation, backprop's local signals delta_l equal dL/dz_l, grad_{W_l} L = " +
                    "delta_l xhat_{l-1}^T, and each layer's GD step is argmin_W <W xhat_{l-1}, delta_l> + ||W - W_l||^2/(2 eta)."
    let references = PaperReference(arxiv: ["29", "30", "31"], neurips: [])
    let conventions = [Convention(Conventions.NestedSystemSign.descent)]
    let symbolic = SymbolicStatus.sizes("(d_in, d_h, d_out) = (2, 1, 1) and (1, 2, 2), phi(z) = z + z^2/2, both losses; every entry " +
                                        "of W1, W2, x, the target or weights, and eta variables")

    enum Mutant: String, ClaimMutant {
        case noJacobian = "no-activation-jacobian"
        case forwardWeight = "untransposed-backward-weight"

        var summary: String {
            switch self {
            case .noJacobian: "delta_1 = W_2^T delta_2 without the activation Jacobian J_phi(z_1)^T (treats the layer as linear)."
            case .forwardWeight: "delta_1 = J_phi^T (W_2 delta_2): the forward weight instead of its transpose (shape-valid only " +
                                 "when d_h = d_out)."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let mlp: TwoLayerMLP<Double>
        let x: Vector<Double>, eta: Double
        let target: Vector<Double>, cubic: Bool
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic {
            return [(2, 1, 1), (1, 2, 2)].flatMap { din, dh, dout in
                [false, true].map { cubic in
                    Input(label: "d_in=\(din) d_h=\(dh) d_out=\(dout) loss=\(cubic ? "cubic" : "quadratic")",
                          mlp: TwoLayerMLP(w1: .zeros(dh, din), w2: .zeros(dout, dh)), x: .zeros(din), eta: 0, target: .zeros(dout),
                          cubic: cubic, variables: ["W1", "W2", "x", "eta", cubic ? "c" : "t"])
                }
            }
        }
        let exact = domain == .exact
        let shapes = exact ? [(3, 4, 2), (2, 3, 3), (4, 2, 3)] : [(32, 48, 16), (24, 24, 24)]
        var out: [Input] = []
        for seed in 0..<(exact ? 3 : 1) {
            for (din, dh, dout) in shapes {
                for cubic in [false, true] {
                    var g = Support.exactGenerator(UInt64(1000 + seed * 100 + din * 10 + dh))
                    let w1 = exact ? g.matrix(dh, din) : Support.floatMatrix(&g, dh, din)
                    let w2 = exact ? g.matrix(dout, dh) : Support.floatMatrix(&g, dout, dh)
                    let x = exact ? g.nonZeroVector(din) : Support.floatVector(&g, din)
                    let t = exact ? g.vector(dout) : Support.floatVector(&g, dout)
                    let eta = exact ? g.positiveDyadic(numeratorBound: 3, exponent: 2) : 0x1.999999999999ap-4
                    out.append(Input(label: "seed=\(seed) d_in=\(din) d_h=\(dh) d_out=\(dout) loss=\(cubic ? "cubic" : "quadratic")",
                                     mlp: TwoLayerMLP(w1: w1, w2: w2), x: x, eta: eta, target: t, cubic: cubic))
                }
            }
        }
        return out
    }

    /// The inputs in `S`: the network, the token, the step size and the loss.
    func lifted<S: Scalar>(_ x: Input, _ s: Lift<S>) -> (mlp: TwoLayerMLP<S>, x: Vector<S>, eta: S, loss: Loss<S>) {
        let target = s.vector(x.target, x.cubic ? "c" : "t")
        return (s.mlp(x.mlp, "W1", "W2"), s.vector(x.x, "x"), s.scalar(x.eta, "eta"),
                x.cubic ? .cubic(weights: target) : .squaredError(target: target))
    }

    /// Hand-written backprop (arXiv eq. 29) and the per-layer steps (arXiv eq. 30).
    func architecture<S: Scalar>(_ input: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (mlp, x, eta, loss) = lifted(input, s)
        let f = mlp.forward(x)
        var b = mlp.backward(f, outputGradient: loss.outputGradient(f.output))
        if let mutant {
            if mutant == .forwardWeight && mlp.w2.rows != mlp.w2.cols { return nil }
            let back = mutant == .noJacobian ? mlp.w2.transposed * b.delta2 : mlp.w2 * b.delta2
            let d1 = mutant == .noJacobian ? back : f.preActivation.map { mlp.activation.derivative($0) }.hadamard(back)
            b = TwoLayerMLP<S>.Backward(delta2: b.delta2, delta1: d1, gradW2: b.gradW2,
                                        gradW1: Matrix.outer(d1, f.input), inputGradient: mlp.w1.transposed * d1)
        }
        let next = mlp.gradientStep(b, learningRate: eta)
        let n = 2 * (mlp.w1.cols + mlp.w2.cols) + 8
        return [.compared("delta_2", b.delta2.elements), .compared("delta_1", b.delta1.elements, chain: n),
                .compared("grad (W1, W2)", b.gradW1.elements + b.gradW2.elements, chain: n + 2),
                .compared("W1_{t+1}", next.w1.elements, chain: n + 4), .compared("W2_{t+1}", next.w2.elements)]
    }

    /// The optimization view of one step: local signals, the gradient and both layers' argmins,
    /// every derivative by dual numbers on the network written as code.
    func optimization<S: Scalar>(_ input: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let (mlp, x, eta, loss) = lifted(input, s)
        typealias D = Dual<S>
        let lift: @Sendable (S) -> D = { D(constant: $0) }
        // dL/dθ over vec(W1) ‖ vec(W2), by dual numbers through the whole network.
        let whole = Objective<S>(dimension: mlp.flatParameters.count) { theta in
            let m = mlp.map(lift).withFlatParameters(theta)
            return loss.value(m(Support.dual(x)), lift: lift)
        }
        let gradient = whole.gradient(at: mlp.flatParameters)
        // Local signals: δ2 = dL/dy and δ1 = dL/dz1, each by dual numbers on the network's tail.
        let z1 = mlp.w1 * x
        let h = z1.map { mlp.activation.value($0) }
        let y = mlp.w2 * h
        let delta2 = Objective<S>(dimension: y.count) { yy in loss.value(Vector(yy), lift: lift) }.gradient(at: y.elements)
        let delta1 = Objective<S>(dimension: z1.count) { zz in
            let hh = Vector(zz).map { mlp.activation.value($0) }
            return loss.value(Support.dual(mlp.w2) * hh, lift: lift)
        }.gradient(at: z1.elements)
        // Each layer's update as the argmin of its own associative-memory objective.
        let etad = Support.dual(eta)
        let d1 = Support.dual(Vector(delta1)), d2 = Support.dual(Vector(delta2))
        let xd = Support.dual(x), hd = Support.dual(h)
        let w1Next = Support.argmin(around: mlp.w1) { w in (w * xd).dot(d1) + Support.squaredDistance(w, mlp.w1) / (D(2) * etad) }
        let w2Next = Support.argmin(around: mlp.w2) { w in (w * hd).dot(d2) + Support.squaredDistance(w, mlp.w2) / (D(2) * etad) }
        return [.compared("delta_2 = dL/dy", delta2), .compared("delta_1 = dL/dz_1", delta1), .compared("grad (W1, W2)", gradient),
                .compared("W1_{t+1}", w1Next.elements), .compared("W2_{t+1}", w2Next.elements)]
    }

    func workedExample() -> String {
        let mlp = TwoLayerMLP<Rational>(w1: Matrix([[Rational(1), Rational(-1, 2)], [Rational(1, 2), Rational(1)]]),
                                        w2: Matrix([[Rational(1), Rational(2)]]))
        let x = Vector([Rational(1), Rational(1, 2)])
        let t = Vector([Rational(1)])
        let f = mlp.forward(x)
        let b = mlp.backward(f, outputGradient: f.output - t)
        let lift: @Sendable (Rational) -> Dual<Rational> = { Dual(constant: $0) }
        let loss = Loss<Rational>.squaredError(target: t)
        let delta1 = Objective<Rational>(dimension: 2) { zz in
            loss.value(Support.dual(mlp.w2) * Vector(zz).map { mlp.activation.value($0) }, lift: lift)
        }.gradient(at: f.preActivation.elements)
        return [
            "Activation \(mlp.activation), so phi'(z) = 1 + z. Loss L = 1/2 (y - t)^2.",
            Show.m("W1", mlp.w1), Show.m("W2", mlp.w2), Show.v("x", x), Show.v("t", t),
            Show.v("z1 = W1 x", f.preActivation), Show.v("xhat1 = phi(z1)", f.hidden), Show.v("y = W2 xhat1", f.output),
            "Backprop (arXiv eq. 29):",
            Show.v("delta2 = y - t", b.delta2),
            Show.v("delta1 = phi'(z1) * (W2^T delta2)", b.delta1),
            Show.m("grad W1 = delta1 x^T", b.gradW1), Show.m("grad W2 = delta2 xhat1^T", b.gradW2),
            "Optimization view: dL/dz1 by dual numbers through phi and W2:",
            Show.v("dL/dz1", Vector(delta1)),
            Show.verdict(delta1 == b.delta1.elements),
        ].joined(separator: "\n")
    }
}
