import ExactMath
import NestedLearning

/// `adam_memory.trajectory`: Adam as the optimal memory of an element-wise regression (arXiv
/// eq. 102, 105; claim OPT-ADAM-MEMORY), with accumulated moments and no bias correction
/// (ambiguity A7): `M̃ ← M̃ + β₁ g_t`, `H ← H + β₂ g_t ⊙ g_t`,
/// `W_t = W_{t−1} − (η/√β₂) M̃ ⊘ (√H + ε)`.
/// Inputs `W0` (r×c), `G` (T×r×c, the gradient at each step, given rather than computed, so the
/// op is the optimizer alone), `beta1`, `beta2` (> 0), `eta`, `epsilon` (≥ 0); outputs `W`
/// (T×r×c, the weights after every step), `M_T`, `H_T`. The exact generator needs every `√H` and
/// `√β₂` to be rational, so the cases use gradients whose running sums of squares are perfect squares.
public struct AdamMemoryOp: GoldenOp {
    public let name = "adam_memory.trajectory"
    public let conventions = ["AdamMoments": "accumulated: M = beta1 sum g, H = beta2 sum g^2; no EMA, no bias correction",
                              "Epsilon": "added to sqrt(H), not to H",
                              "StepScale": "eta / sqrt(beta2)"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let w0 = try inputs.matrix("W0")
        let gs = try inputs.stack("G", rows: w0.rows, cols: w0.cols)
        let beta2 = try inputs.scalar("beta2", atLeast: 0)
        guard beta2 != .zero else { throw inputs.fail("beta2", .zeroDenominator, "must be positive: the step divides by sqrt(beta2)") }
        guard S.representableSquareRoot(beta2) != nil else { throw inputs.limit("beta2", "sqrt(beta2) is not a rational number") }
        var moments = AdamMemory.Moments(rows: w0.rows, cols: w0.cols, beta1: try inputs.scalar("beta1"), beta2: beta2)
        let (eta, epsilon) = (try inputs.scalar("eta"), try inputs.scalar("epsilon", atLeast: 0))
        var w = w0, trajectory: [Matrix<S>] = []
        for (t, g) in gs.enumerated() {
            moments.accumulate(g)
            try inputs.checkRootDenominators(moments.second, epsilon: epsilon, step: t + 1)
            w = AdamMemory.adamStep(w, moments, eta: eta, epsilon: epsilon)
            trajectory.append(w)
        }
        return ["W": OpOutput(stack: trajectory, rows: w0.rows, cols: w0.cols),
                "M_T": OpOutput(moments.first), "H_T": OpOutput(moments.second)]
    }

    /// Each step: a sum of `t` gradients, a root, a division, a subtraction (about `t + 4`
    /// roundings on top of the previous weight), times the cancellation of `W_T = W0 − Σ steps`.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let t = try inputs.stack("G").count
        let out = try run(inputs)
        return 4 * Double(t * (t + 6)) * TrajectoryCancellation.ratio(out["W"]!, initial: try inputs.matrix("W0"))
    }
}

/// How much a trajectory `W_t = W_{t−1} + Δ_t` cancels: `(‖W0‖_max + Σ_t ‖Δ_t‖_max) / ‖W_t‖_max`
/// at the worst step, at least 1. A normwise bound on `W_t` relative to its largest entry must be
/// widened by it when the steps are larger than the result.
enum TrajectoryCancellation {
    static func ratio(_ w: OpOutput<Double>, initial w0: Matrix<Double>) -> Double {
        let n = w0.elements.count
        var previous = w0.elements, total = w0.elements.map(abs).max() ?? 0, worst = 1.0
        for t in 0..<(w.values.count / max(n, 1)) {
            let current = Array(w.values[(t * n)..<((t + 1) * n)])
            total += zip(current, previous).map { abs($0 - $1) }.max() ?? 0
            let size = current.map(abs).max() ?? 0
            if size > 0 { worst = max(worst, total / size) }
            previous = current
        }
        return worst.rounded(.up)
    }
}

extension AdamMemoryOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        for (i, s) in [(2, 3, 4, 1.0, 1.0, 0.125, 0.0, "beta1 = beta2 = 1, epsilon = 0: AdaGrad with accumulated momentum"),
                       (3, 2, 5, 0.5, 0.25, 0.25, 0.125, "weighted moments (beta2 = 1/4), epsilon > 0 added to sqrt(H)"),
                       (1, 4, 1, 0.75, 0.5625, 0.5, 0.0, "T = 1: each entry moves by -eta beta1/beta2 sign(g)"),
                       (8, 8, 12, 0.5, 0.25, 0.0625, 0x1p-20, "medium: 8x8, T = 12")].enumerated() {
            var g = DyadicGenerator(seed: UInt64(1800 + i))
            let (r, c, t, b1, b2, eta, eps, comment) = s
            let grads = InputTensor.perfectSquareGradients(&g, steps: t, rows: r, cols: c, exponent: 2,
                                                           ratios: t > 6 ? [Rational(2), Rational(1, 2)] : DyadicGenerator.dyadicRatios)
            cases.valid("\(1800 + i)", comment, flags: t > 6 ? ["Medium", "Dyadic"] : ["Small", "Dyadic"],
                        ["W0": .matrix(&g, r, c, bits: 2), "G": grads, "beta1": .scalar(b1), "beta2": .scalar(b2),
                         "eta": .scalar(eta), "epsilon": .scalar(eps)])
        }
        do {
            var g = DyadicGenerator(seed: 1850)
            cases.invalid("1850a", "beta2 = 0 (the step divides by sqrt(beta2))", flag: "ZeroDenominator", Self.smallInputs(&g)) {
                $0["beta2"] = .scalar(0)
            }
            cases.invalid("1850b", "one entry's gradient is 0 at every step and epsilon = 0 (0/0)", flag: "ZeroDenominator",
                          Self.smallInputs(&g)) { for i in [1, 5, 9] { $0["G"]!.values[i] = 0 } }
            cases.invalid("1850c", "G is 3x1x4, W0 is 2x2", flag: "ShapeMismatch", Self.smallInputs(&g)) { $0["G"]!.shape = [3, 1, 4] }
            cases.invalid("1850d", "negative epsilon", flag: "OutOfRange", Self.smallInputs(&g)) { $0["epsilon"] = .scalar(-0.125) }
        }
        do {
            let base = drawn(seed: 2710) { Self.smallInputs(&$0) }
            cases.refuse("2710a", base, "beta2", "OutOfRange", "negative beta2") { $0["beta2"] = .scalar(-0.25) }
            cases.refuse("2710b", base, "G", "NonFinite", "NaN gradient entry") { $0["G"]!.values[6] = .nan }
        }
        return cases
    }

    /// A 2×2 weight and 3 steps of gradients k/4, `beta1 = beta2 = 1`, `eta = 1/4`, `epsilon = 0`.
    static func smallInputs(_ g: inout DyadicGenerator) -> DraftInputs {
        ["W0": .matrix(&g, 2, 2, bits: 2), "G": .perfectSquareGradients(&g, steps: 3, rows: 2, cols: 2, exponent: 2),
         "beta1": .scalar(1), "beta2": .scalar(1), "eta": .scalar(0.25), "epsilon": .scalar(0)]
    }
}
