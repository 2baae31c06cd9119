import ExactMath
import NestedLearning

/// `m3.trajectory`: M3, multi-scale momentum Muon (arXiv §7.2, Algorithm 1; claim OPT-M3), with
/// the gradients given: per step the fast momentum `M⁽¹⁾ += β₁ g`, the second moment `V += β₂ g²`;
/// at `t = kf + 1` the slow momentum `M⁽²⁾ += β₃ Σ` of the previous chunk's `f` gradients;
/// `W_t = W_{t−1} − η (NS(M⁽¹⁾) + α NS(M⁽²⁾)) ⊘ (√V + ε)`, `NS` being `ns_steps` cubic
/// Newton–Schulz steps `X ← 1.5 X − 0.5 X Xᵀ X` (0: the identity).
/// Inputs `W0` (r×c), `G` (T×r×c), `eta`, `beta1`, `beta2`, `beta3`, `alpha`, `epsilon` (≥ 0),
/// `period` (`f`, integer ≥ 1), `ns_steps` (integer ≥ 0); outputs `W` (T×r×c), `M1_T`, `M2_T`, `V_T`.
public struct M3Op: GoldenOp {
    public let name = "m3.trajectory"
    public let version = 1
    public let conventions = ["M3SlowUpdate": "chunk: the f gradients of the finished chunk, applied at t = kf + 1 (not Algorithm 1's printed f + 1 terms)",
                              "AdamMoments": "accumulated, no EMA, no bias correction (Algorithm 1 as printed)",
                              "NewtonSchulz": "ns_steps cubic steps (1.5, -0.5, 0), no normalisation; 0 = identity",
                              "Epsilon": "added to sqrt(V)"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w0 = try inputs.matrix("W0")
        let gs = try inputs.stack("G", rows: w0.rows, cols: w0.cols)
        let beta2 = try inputs.scalar("beta2", atLeast: 0), epsilon = try inputs.scalar("epsilon", atLeast: 0)
        let steps = try inputs.integer("ns_steps", minimum: 0)
        guard steps <= 8 else { throw inputs.fail("ns_steps", "at most 8 steps, got \(steps)") }
        var m3 = M3(rows: w0.rows, cols: w0.cols, eta: try inputs.scalar("eta"), beta1: try inputs.scalar("beta1"), beta2: beta2,
                    beta3: try inputs.scalar("beta3"), alpha: try inputs.scalar("alpha"), epsilon: epsilon,
                    period: try inputs.integer("period", minimum: 1),
                    orthogonalize: { NewtonSchulz.iterate($0, .cubic, steps: steps) })
        var w = w0, trajectory: [Matrix<S>] = []
        var second = Matrix<S>.zeros(w0.rows, w0.cols)
        for (t, g) in gs.enumerated() {
            second = second + beta2 * g.hadamard(g)
            try inputs.checkRootDenominators(second, epsilon: epsilon, step: t + 1)
            w = m3.update(w, gradient: g)
            trajectory.append(w)
        }
        return ["W": OpOutput(stack: trajectory, rows: w0.rows, cols: w0.cols),
                "M1_T": OpOutput(m3.fast), "M2_T": OpOutput(m3.slow), "V_T": OpOutput(m3.secondMoment)]
    }

    /// Per step: the moment sums (`t`), `ns_steps` Newton–Schulz steps on each momentum (each
    /// about `2(r + c) + 4` roundings deep), a root, a division and a subtraction; times the
    /// trajectory's cancellation.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let w0 = try inputs.matrix("W0"), t = try inputs.stack("G").count
        let steps = try inputs.integer("ns_steps", minimum: 0)
        let out = try run(inputs)
        let newtonSchulz: Int = 2 * steps * (2 * (w0.rows + w0.cols) + 4)
        let perStep: Int = t + 6 + newtonSchulz
        return 4 * Double(t * perStep) * TrajectoryCancellation.ratio(out["W"]!, initial: w0)
    }
}
