import ExactMath

/// Deep momentum gradient descent, DMGD (arXiv eq. 50; NeurIPS eq. 23): the momentum is an MLP
/// memory `m(·)` of the gradients, trained in context by its own inner objective `L⁽²⁾`, and the
/// weight update is the memory's forward pass on the current gradient:
///
///     u_i = ∇_W L(W_i; x_i),   m_{i+1} = α m_i − η ∇_m L⁽²⁾(m_i; u_i),   W_{i+1} = W_i + m_{i+1}(u_i)
///
/// `α m` decays the memory's parameters. The memory is a ``TwoLayerMLP`` on `vec(u)`; its output is
/// reshaped to the weight's shape. The paper leaves `L⁽²⁾` open (its example is `⟨m(u), 1⟩`); the
/// choice is ``Conventions/DMGDObjective``.
public enum DeepMomentum {
    /// `∇_y L⁽²⁾` at the memory's output `y = m(u)`.
    public static func outputGradient<S: Scalar>(_ objective: Conventions.DMGDObjective, output y: Vector<S>,
                                                 gradient u: Vector<S>) -> Vector<S> {
        switch objective {
        case .regressNegativeGradient: return y + u
        case .dotProductWithOnes: return Vector(repeating: .one, count: y.count)
        }
    }

    /// One inner step: `α m − η ∇_m L⁽²⁾(m; u)`, the gradient by the memory's hand-written backprop.
    public static func memoryStep<S: Scalar>(_ m: TwoLayerMLP<S>, gradient u: Vector<S>, alpha: S, eta: S,
                                             objective: Conventions.DMGDObjective) -> TwoLayerMLP<S> {
        let f = m.forward(u)
        let b = m.backward(f, outputGradient: outputGradient(objective, output: f.output, gradient: u))
        return TwoLayerMLP(w1: alpha * m.w1 - eta * b.gradW1, w2: alpha * m.w2 - eta * b.gradW2, activation: m.activation)
    }

    /// The gradient of the outer loss `½‖W x − y‖²`: `(W x − y) xᵀ`.
    public static func regressionGradient<S: Scalar>(_ w: Matrix<S>, x: Vector<S>, y: Vector<S>) -> Matrix<S> {
        Matrix.outer(w * x - y, x)
    }

    /// A DMGD run on the regression loss `½‖W x_i − y_i‖²` over the samples: the weights
    /// `W_1 … W_T` and the memories `m_1 … m_T`.
    public static func run<S: Scalar>(w0: Matrix<S>, memory m0: TwoLayerMLP<S>, samples: [(x: Vector<S>, y: Vector<S>)],
                                      alpha: S, eta: S, objective: Conventions.DMGDObjective)
        -> (weights: [Matrix<S>], memories: [TwoLayerMLP<S>]) {
        precondition(m0.w1.cols == w0.elements.count && m0.w2.rows == w0.elements.count,
                     "DeepMomentum.run: the memory must map vec(W) (\(w0.elements.count) entries) to itself")
        var w = w0, m = m0
        var weights: [Matrix<S>] = [], memories: [TwoLayerMLP<S>] = []
        for sample in samples {
            let u = Vector(regressionGradient(w, x: sample.x, y: sample.y).elements)
            m = memoryStep(m, gradient: u, alpha: alpha, eta: eta, objective: objective)
            w = w + Matrix(rows: w.rows, cols: w.cols, elements: m(u).elements)
            weights.append(w)
            memories.append(m)
        }
        return (weights, memories)
    }
}
