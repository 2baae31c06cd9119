import ExactMath

/// A Hope block (arXiv §8.3, eq. 94–97): self-modifying Titans followed by a sequential continuum
/// memory system. Per token, the self-modifying memories read `o_t = M_{memory,t−1}(q_t)` and update
/// themselves on their own inner objectives (eq. 94–95, 97); the CMS chain maps `o_t` to the block
/// output `y_t = MLP^{(f_K)}(… MLP^{(f_1)}(o_t))` (eq. 96) and its levels learn from the task loss at
/// their own periods.
///
/// In context nothing flows back from the CMS to the Titans part (the Titans memories are trained by
/// their inner objectives, not by the task loss, whose gradient reaches them only in the outer
/// loop), so a run is the Titans pass followed by the CMS pass over its reads. The paper removes
/// normalisations, the local convolution and residual connections "for clarity" and does not say
/// where they go (ambiguity A11, ``Conventions/HopeWiring``); this block has none of them.
public struct HopeBlock<S: Scalar>: Sendable {
    public var titans: SelfModifyingTitans.State<S>
    public let wq: Matrix<S>
    public let objective: SelfModifyingTitans.InnerObjective
    public var cms: ContinuumMemorySystem<S>
    public let wiring: Conventions.HopeWiring = .plain

    public init(titans: SelfModifyingTitans.State<S>, wq: Matrix<S>, objective: SelfModifyingTitans.InnerObjective,
                cms: ContinuumMemorySystem<S>) {
        precondition(cms.variant == .sequential, "HopeBlock: Hope uses the sequential CMS (arXiv eq. 73, 96)")
        self.titans = titans
        self.wq = wq
        self.objective = objective
        self.cms = cms
    }

    public struct Trace: Sendable {
        /// `o_t`, the Titans reads.
        public let reads: [Vector<S>]
        /// The self-modifying memories after every token.
        public let titansStates: [SelfModifyingTitans.State<S>]
        /// The CMS pass over the reads: outputs `y_t`, update events, final levels.
        public let cms: ContinuumMemorySystem<S>.Trace
    }

    /// One pass over `x` with task targets `targets` (loss `½‖y_t − target_t‖²` for the CMS levels).
    public func run(_ x: [Vector<S>], targets: [Vector<S>]) -> Trace {
        let titansRun = SelfModifyingTitans.sequential(x, initial: titans, wq: wq, objective: objective)
        let cmsRun = cms.run(inputs: titansRun.outputs, losses: targets.map { .squaredError(target: $0) })
        return Trace(reads: titansRun.outputs, titansStates: titansRun.states, cms: cmsRun)
    }
}
