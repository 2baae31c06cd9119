import ExactMath
import NestedLearning

/// `momentum_memory.step`: one step of the momentum as an associative memory of gradients with a
/// value `P` (arXiv eq. 46–49; claims OPT-PRECOND-MOMENTUM, OPT-DELTA-MOMENTUM). `objective` 0:
/// the dot product `⟨m gᵀ, P⟩` gives `m_next = α m − η P g` (eq. 47); 1: the ℓ2 objective
/// `½‖m gᵀ − P‖²` gives `m_next = m(α I − η gᵀ g) + η P g` (eq. 49, decay on the right).
/// Inputs `m`, `g` (d×n), `P` (d×d), `alpha`, `eta`, `objective`; output `m_next` (d×n).
public struct MomentumMemoryStepOp: GoldenOp {
    public let name = "momentum_memory.step"
    public let version = 1
    public let conventions = ["MomentumSign": "arxiv (descent): objective 0 gives alpha m - eta P g; objective 1 gives + eta P g, the sign of 1/2||m g^T - P||^2 (eq. 49 prints - eta P g: P -> -P)",
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
