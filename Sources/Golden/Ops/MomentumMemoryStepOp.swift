import ExactMath
import NestedLearning

/// `momentum_memory.step`: one step of the momentum as an associative memory of gradients with a
/// value `P` (arXiv eq. 46–49; claims OPT-PRECOND-MOMENTUM, OPT-DELTA-MOMENTUM). `objective` 0:
/// the dot product `⟨m gᵀ, P⟩` gives `m_next = α m − η P g` (eq. 47); 1: the ℓ2 objective
/// `½‖m gᵀ − P‖²` gives `m_next = m(α I − η gᵀ g) + η P g` (eq. 49, decay on the right).
/// Inputs `m`, `g` (d×n), `P` (d×d), `alpha`, `eta`, `objective`; output `m_next` (d×n).
public struct MomentumMemoryStepOp: GoldenOp {
    public let name = "momentum_memory.step"
    public let conventions = ["MomentumSign": "arxiv (descent): objective 0 gives alpha m - eta P g; objective 1 gives + eta P g,"
                                  + " the sign of 1/2||m g^T - P||^2 (eq. 49 prints - eta P g: P -> -P)",
                              "DeltaOrientation": "right: m (alpha I - eta g^T g), as arXiv eq. 49 (NeurIPS eq. 22 multiplies on the left)",
                              "Retention": "(1 - alpha)/(2 eta) ||m||^2, so alpha scales m"]
    public init() {}

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let m = try inputs.matrix("m")
        let g = try inputs.matrix("g", rows: m.rows, cols: m.cols)
        let p = try inputs.matrix("P", rows: m.rows, cols: m.rows)
        let (alpha, eta) = (try inputs.scalar("alpha"), try inputs.scalar("eta"))
        let next = try inputs.flag("objective")
            ? DeltaMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
            : PreconditionedMomentum.step(m, gradient: g, value: p, alpha: alpha, eta: eta)
        return ["m_next": OpOutput(next)]
    }

    /// `gᵀ g` and `P g` (`d` or `n` terms), the product with `m`, and two additions.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double {
        let m = try inputs.matrix("m")
        return 4 * Double(2 * (m.rows + m.cols) + 6)
    }
}

extension MomentumMemoryStepOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        cases.valid(seeds: 2400, [(2, 3, 1.0, 0.5, 0, "dot-product objective, alpha = 1: m - eta P g (eq. 47)"),
                                  (3, 2, 0.75, 0.25, 0, "dot-product objective with retention alpha = 3/4"),
                                  (2, 3, 1.0, 0.25, 1, "l2 objective: m (I - eta g^T g) + eta P g, the decay on the right (eq. 49)"),
                                  (3, 3, 0.5, 0.125, 1, "l2 objective, square: left multiplication (NeurIPS eq. 22) would type-check")],
                    flags: ["Small", "Dyadic"], comment: { $0.5 }) {
            Self.draftInputs(&$0, d: $1.0, n: $1.1, p: $1.0, alpha: $1.2, eta: $1.3, objective: $1.4)
        }
        cases.invalid("2450", "P is 2x3, expected 2x2", flag: "ShapeMismatch",
                      drawn(seed: 2450) { Self.draftInputs(&$0, d: 2, n: 3, p: 3, alpha: 1, eta: 0.5, objective: 1) })
        let base = drawn(seed: 2780) { Self.draftInputs(&$0, d: 2, n: 3, p: 2, alpha: 1, eta: 0.5, objective: 1) }
        cases.refuse("2780a", base, "objective", "OutOfRange", "objective must be 0 or 1") { $0["objective"] = .scalar(2) }
        cases.refuse("2780b", base, "objective", "OutOfRange", "objective 1.5 is not an integer") { $0["objective"] = .scalar(1.5) }
        cases.refuse("2780c", base, "g", "NonFinite", "infinity in g") { $0["g"]!.values[4] = .infinity }
        return cases
    }

    /// A `d × n` momentum and gradient, and a `d × p` projection (`p = d` when valid).
    static func draftInputs(_ g: inout DyadicGenerator, d: Int, n: Int, p: Int, alpha: Double, eta: Double, objective: Int) -> DraftInputs {
        ["m": .matrix(&g, d, n, bits: 2), "g": .small(&g, d, n), "P": .matrix(&g, d, p, bits: 2),
         "alpha": .scalar(alpha), "eta": .scalar(eta), "objective": .scalar(Double(objective))]
    }
}
