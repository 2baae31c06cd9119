import ExactMath
import NestedLearning

/// `m3.trajectory`: M3, multi-scale momentum Muon (arXiv §7.2, Algorithm 1; claim OPT-M3), with
/// the gradients given: per step the fast momentum `M⁽¹⁾ += β₁ g`, the second moment `V += β₂ g²`;
/// at `t = kf + 1` the slow momentum `M⁽²⁾ += β₃ Σ` of the previous chunk's `f` gradients (with the
/// option `slow_update` = `chunk_end`, at the end of step `kf` instead: the same `W`, and an `M2_T`
/// that holds the last chunk when `T` is a multiple of `f`; ``Conventions/M3SlowUpdate``);
/// `W_t = W_{t−1} − η (NS(M⁽¹⁾) + α NS(M⁽²⁾)) ⊘ (√V + ε)`, `NS` being `ns_steps` cubic
/// Newton–Schulz steps `X ← 1.5 X − 0.5 X Xᵀ X` (0: the identity).
/// Inputs `W0` (r×c), `G` (T×r×c), `eta`, `beta1`, `beta2`, `beta3`, `alpha`, `epsilon` (≥ 0),
/// `period` (`f`, integer ≥ 1), `ns_steps` (integer ≥ 0); outputs `W` (T×r×c), `M1_T`, `M2_T`, `V_T`.
public struct M3Op: GoldenOp {
    public let name = "m3.trajectory"
    public let conventions = ["M3SlowUpdate": "chunk: the f gradients of the finished chunk, applied at t = kf + 1"
                                  + " (not Algorithm 1's printed f + 1 terms)",
                              "AdamMoments": "accumulated, no EMA, no bias correction (Algorithm 1 as printed)",
                              "NewtonSchulz": "ns_steps cubic steps (1.5, -0.5, 0), no normalisation; 0 = identity",
                              "Epsilon": "added to sqrt(V)"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w0 = try inputs.matrix("W0")
        let gs = try inputs.stack("G", rows: w0.rows, cols: w0.cols)
        let beta2 = try inputs.scalar("beta2", atLeast: 0), epsilon = try inputs.scalar("epsilon", atLeast: 0)
        let steps = try inputs.integer("ns_steps", minimum: 0)
        guard steps <= 8 else { throw inputs.fail("ns_steps", .outOfRange, "at most 8 steps, got \(steps)") }
        var m3 = M3(rows: w0.rows, cols: w0.cols, eta: try inputs.scalar("eta"), beta1: try inputs.scalar("beta1"), beta2: beta2,
                    beta3: try inputs.scalar("beta3"), alpha: try inputs.scalar("alpha"), epsilon: epsilon,
                    period: try inputs.integer("period", minimum: 1),
                    slowUpdate: try inputs.option("slow_update", of: signature) == "chunk_end" ? .chunkEnd : .chunk,
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

extension M3Op {
    /// Gradients small (first entries k/64) so that both momenta keep spectral norm below 1, where
    /// the cubic Newton-Schulz map does not amplify relative errors.
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(2, 3, 5, 2, 0, "f = 2, NS = identity: slow updates at t = 3 and 5, each with the previous chunk's 2 gradients"),
                       (2, 2, 4, 1, 1, "f = 1: the slow momentum trails the fast one by a step; one cubic NS step"),
                       (3, 2, 6, 3, 2, "f = 3, two cubic NS steps, epsilon > 0"),
                       (2, 2, 3, 8, 1, "f > T: the slow momentum never moves (alpha NS(0) = 0)")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1900 + i))
            let (r, c, t, f, ns, comment) = s
            let w0 = InputTensor.matrix(&g, r, c, bits: 2)
            let grads = InputTensor.perfectSquareGradients(&g, steps: t, rows: r, cols: c, exponent: 6,
                                                           ratios: [Rational(2), Rational(1, 2)])
            cases.valid("\(1900 + i)", comment, flags: ["Small", "Dyadic"],
                        ["W0": w0, "G": grads, "eta": .scalar(0.125), "beta1": .scalar(1), "beta2": .scalar(i == 2 ? 0.25 : 1),
                         "beta3": .scalar(0.5), "alpha": .scalar(0.5), "epsilon": .scalar(i == 2 ? 0.0625 : 0),
                         "period": .scalar(Double(f)), "ns_steps": .scalar(Double(ns))])
        }
        do {
            var g = DyadicGenerator(seed: 1950)
            cases.invalid("1950a", "period 0", flag: "OutOfRange", Self.smallInputs(&g)) { $0["period"] = .scalar(0) }
            cases.invalid("1950b", "ns_steps is not an integer", flag: "OutOfRange", Self.smallInputs(&g)) { $0["ns_steps"] = .scalar(1.5) }
            cases.invalid("1950c", "infinite gradient entry", flag: "NonFinite", Self.smallInputs(&g)) { $0["G"]!.values[2] = .infinity }
        }
        do {
            let base = drawn(seed: 2720) { Self.smallInputs(&$0) }
            cases.refuse("2720a", base, "epsilon", "OutOfRange", "negative epsilon") { $0["epsilon"] = .scalar(-0.125) }
            cases.refuse("2720b", base, "beta2", "OutOfRange", "negative beta2") { $0["beta2"] = .scalar(-0.25) }
            cases.refuse("2720c", base, "G", "ZeroDenominator",
                         "one entry's gradient is 0 at every step and epsilon = 0 (V has a zero entry)") {
                for t in 0..<3 { $0["G"]!.values[4 * t + 1] = 0 }
            }
            cases.refuse("2720d", base, "G", "ZeroDenominator", "beta2 = 0 and epsilon = 0: V is 0 everywhere") { $0["beta2"] = .scalar(0) }
            cases.refuse("2720e", base, "ns_steps", "OutOfRange", "ns_steps = 9 (at most 8)") { $0["ns_steps"] = .scalar(9) }
            cases.refuse("2720f", base, "ns_steps", "OutOfRange", "negative ns_steps") { $0["ns_steps"] = .scalar(-1) }
            cases.refuse("2720g", base, "period", "OutOfRange", "period 1.5 is not an integer") { $0["period"] = .scalar(1.5) }
            cases.refuse("2720h", base, "G", "ShapeMismatch", "G is 3x1x4, W0 is 2x2") { $0["G"]!.shape = [3, 1, 4] }
        }
        for (i, s) in [(2, 2, 6, 2, 1, "slow_update = chunk_end, T = 6, f = 2: the same W as the default reading; M2_T holds all"
                            + " three chunks (the default reading's holds two)"),
                       (3, 2, 6, 3, 2, "slow_update = chunk_end, T = 6, f = 3, two cubic NS steps, epsilon > 0: M2_T holds both chunks"),
                       (2, 2, 4, 1, 1, "slow_update = chunk_end, f = 1: each step's gradient enters the slow memory at the end of"
                            + " the step, so M2_T = (beta3/beta1) M1_T")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(3100 + i))
            let (r, c, t, f, ns, comment) = s
            let w0 = InputTensor.matrix(&g, r, c, bits: 2)
            let grads = InputTensor.perfectSquareGradients(&g, steps: t, rows: r, cols: c, exponent: 6,
                                                           ratios: [Rational(2), Rational(1, 2)])
            cases.valid("\(3100 + i)", comment, flags: ["Small", "Dyadic", "SlowUpdateAtChunkEnd"], options: ["slow_update": "chunk_end"],
                        ["W0": w0, "G": grads, "eta": .scalar(0.125), "beta1": .scalar(1), "beta2": .scalar(i == 1 ? 0.25 : 1),
                         "beta3": .scalar(0.5), "alpha": .scalar(0.5), "epsilon": .scalar(i == 1 ? 0.0625 : 0),
                         "period": .scalar(Double(f)), "ns_steps": .scalar(Double(ns))])
        }
        return cases
    }

    /// A 2×2 weight and 3 steps of gradients k/64, period 2, one Newton-Schulz step.
    static func smallInputs(_ g: inout DyadicGenerator) -> DraftInputs {
        ["W0": .matrix(&g, 2, 2, bits: 2), "G": .perfectSquareGradients(&g, steps: 3, rows: 2, cols: 2, exponent: 6),
         "eta": .scalar(0.125), "beta1": .scalar(1), "beta2": .scalar(1), "beta3": .scalar(0.5), "alpha": .scalar(0.5),
         "epsilon": .scalar(0), "period": .scalar(2), "ns_steps": .scalar(1)]
    }
}
