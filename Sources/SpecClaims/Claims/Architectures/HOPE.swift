import ExactMath
import NestedLearning

/// HOPE: a Hope block (arXiv §8.3, eq. 94–97) is two nested optimizations wired in sequence: the
/// self-modifying Titans memories, each taking one generalized GD step per token on its own inner
/// objective (SMT-DGD), read `o_t` before they write; a sequential CMS maps `o_t` to `y_t`, and its
/// levels take GD steps on their chunks' task losses at their own periods (CMS-LEVELS). In context
/// the task loss does not reach the Titans memories.
struct HopeClaim: ViewClaim {
    let id = "HOPE"
    let statement = "A Hope block over a sequence (eq. 94-97) equals its two optimizations composed: the self-modifying memories " +
                    "read o_t = M_memory,t-1 W_q x_t and each takes one GD step per token on its own regression to a self-generated " +
                    "value with weight decay, untouched by the task loss; the CMS chain maps o_t to y_t, each level taking one GD " +
                    "step on its chunk's task-loss sum at its period."
    let references = PaperReference(arxiv: ["94", "95", "96", "97"], neurips: [])
    let conventions = [Convention(Conventions.HopeWiring.plain), Convention(Conventions.ReadOrder.beforeWrite, note: "eq. 94"),
                       Convention(Conventions.ChunkAnchor.previousChunkEnd, note: "C = 1"),
                       Convention(Conventions.SelfModifyingGates.scalarLinear), Convention(Conventions.CMSWindow.chunk),
                       Convention(Conventions.CMSTail.unflushed), Convention(Conventions.CMSGradientTiming.perToken)]
    let symbolic = SymbolicStatus.sizes("d = 2, C = 1, a CMS chain of two levels (hidden size 1, phi(z) = z + z^2/2, or linear " +
                                        "blocks where marked), the fixed values of the exact tier. Inner objective l2: CMS periods " +
                                        "1,2 with T = 1 and every entry of the five memories, W_q and x_1 variables; T = 2 with the " +
                                        "CMS rates eta_l and every target entry variables; T = 2, linear blocks, every token entry " +
                                        "variable. CMS periods 2,frozen: T = 3 with eta_l variables; T = 2 with every parameter of " +
                                        "the last level variables; T = 1, linear blocks, the memories, W_q and x_1 variables; T = 2, " +
                                        "linear blocks, the tokens variables. Inner objective dot product: the same with T = 1 " +
                                        "symbolic memories on linear blocks (quadratic blocks there run out of memory) and T = 2 " +
                                        "symbolic tokens on periods 2,frozen only.")

    enum Mutant: String, ClaimMutant {
        case cmsOnInput = "cms-on-block-input"
        case readAfterWrite = "titans-read-after-write"
        case residual = "residual-around-cms"
        case taskLossIntoTitans = "task-loss-into-titans"

        var summary: String {
            switch self {
            case .cmsOnInput: "the CMS chain applied to the block input x_t instead of the Titans read o_t (the two parts side by " +
                              "side, not in sequence)."
            case .readAfterWrite: "o_t read from the memory after the token's own update (ReadOrder.afterWrite, the Titans default) " +
                                  "instead of before it (eq. 94)."
            case .residual: "y_t = o_t + CMS(o_t): a residual connection the equations do not have (one of the HopeWiring choices " +
                            "the paper leaves open)."
            case .taskLossIntoTitans: "in context, M_memory also takes a step of size eta_t on the task loss 1/2||o_t - r_t||^2 of " +
                                      "its read, as if the read were the block's output."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let titans: SelfModifyingInputs.Input
        let cms: ContinuumMemorySystem<Rational>
        let targets: [Vector<Rational>]
        /// The CMS blocks made linear (phi = identity), for symbolic runs.
        var linear = false
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return symbolicRuns() }
        typealias Q = Rational
        let exact = domain == .exact
        let sizes: [(Int, Int)] = exact ? [(2, 3), (2, 4)] : [(3, 5)]
        let titans = SelfModifyingInputs.inputs(exact: exact, sizes: sizes, chunks: [1],
                                                objectives: SelfModifyingTitans.InnerObjective.allCases, seed: 23_000)
        return titans.enumerated().map { index, t in
            var g = Support.exactGenerator(23_500 + UInt64(index))
            let (d, steps) = (t.x[0].count, t.x.count)
            func mat(_ r: Int, _ c: Int) -> Matrix<Q> {
                (exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : g.matrix(r, c, numeratorBound: 127, exponent: 8))
                    .lifted(to: Q.self)
            }
            let periods: [Int?] = index % 2 == 0 ? [1, 2] : [2, nil]
            // As in CMS-LEVELS, the float tier's levels are linear so that its exact reference stays small.
            let levels = periods.map { _ in TwoLayerMLP(w1: mat(1, d), w2: mat(d, 1), activation: exact ? .quadratic : .identity) }
            let cms = ContinuumMemorySystem(levels: levels, periods: periods, learningRates: [Q(1, 4), Q(1, 8)], variant: .sequential)
            let targets = (0..<steps).map { _ in mat(d, 1).column(0) }
            let schedule = periods.map { $0.map(String.init) ?? "frozen" }.joined(separator: ",")
            return Input(label: "\(t.objective.rawValue) d=\(d) T=\(steps) CMS periods=\(schedule)", titans: t, cms: cms, targets: targets)
        }
    }

    /// Which inputs of a symbolic run are variables.
    enum SymbolicInput: String { case memories = "M, W_q", tokens = "x_t", rates = "eta_l", targets = "r_t", lastLevel = "last CMS level" }

    /// Runs on symbols from the exact tier's inputs; the first, cheap, rejects every mutant, so that
    /// mutants stop early.
    func symbolicRuns() -> [Input] {
        let exact = inputs(.exact)
        let runs: [(input: Int, steps: Int, linear: Bool, symbols: [SymbolicInput])] = [
            (1, 1, true, [.memories, .tokens]), (1, 3, false, [.rates]), (1, 2, false, [.lastLevel]), (1, 2, true, [.tokens]),
            (0, 1, false, [.memories, .tokens]), (0, 2, false, [.rates, .targets]), (0, 2, true, [.tokens]),
            (2, 1, true, [.memories, .tokens]), (2, 2, false, [.rates, .targets]),
            (3, 3, false, [.rates]), (3, 2, false, [.lastLevel]), (3, 2, true, [.tokens]),
        ]
        return runs.map { r in
            let input = exact[r.input], t = input.titans
            let k = input.cms.levels.count
            let names: [SymbolicInput: Set<String>] = [.memories: SelfModifyingInputs.allMemories, .tokens: ["x"], .rates: ["eta"],
                                                       .targets: ["r"], .lastLevel: ["A\(k)", "B\(k)"]]
            let periods = input.cms.periods.map { $0.map(String.init) ?? "frozen" }.joined(separator: ",")
            let label = "\(t.objective.rawValue) T=\(r.steps) CMS periods=\(periods)\(r.linear ? " linear" : ""), symbolic "
                + r.symbols.map(\.rawValue).joined(separator: ", ")
            let titans = SelfModifyingInputs.Input(label: t.label, x: Array(t.x.prefix(r.steps)), initial: t.initial, wq: t.wq,
                                                   chunk: t.chunk, objective: t.objective)
            return Input(label: label, titans: titans, cms: input.cms, targets: Array(input.targets.prefix(r.steps)), linear: r.linear,
                         variables: r.symbols.reduce(into: Set<String>()) { $0.formUnion(names[$1]!) })
        }
    }

    /// The inputs in `S`.
    func lifted<S: Scalar>(_ input: Input, _ s: Lift<S>)
        -> (initial: SelfModifyingTitans.State<S>, wq: Matrix<S>, x: [Vector<S>], cms: ContinuumMemorySystem<S>, targets: [Vector<S>]) {
        let (x, initial, wq) = SelfModifyingInputs.lift(input.titans, s)
        return (initial, wq, x, CmsLevelsClaim.lift(input.cms, s, linear: input.linear), s.sequence(input.targets, "r"))
    }

    /// The architecture view, `HopeBlock.run`, or a mutant wiring: Titans states, reads, outputs,
    /// final CMS parameters.
    func architecture<S: Scalar>(_ input: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let v = lifted(input, s)
        let run = Self.run(initial: v.initial, wq: v.wq, x: v.x, objective: input.titans.objective, cms: v.cms, targets: v.targets,
                           mutant: mutant)
        let (d, steps) = (input.titans.x[0].count, input.titans.x.count)
        return [.compared("Titans memories, reads, outputs, final CMS levels", run,
                          chain: steps * (4 * d + 8) + steps * input.cms.levels.count * (4 * d + 8))]
    }

    static func run<S: Scalar>(initial: SelfModifyingTitans.State<S>, wq: Matrix<S>, x: [Vector<S>],
                               objective: SelfModifyingTitans.InnerObjective, cms: ContinuumMemorySystem<S>, targets: [Vector<S>],
                               mutant: Mutant?) -> [S] {
        let block = HopeBlock(titans: initial, wq: wq, objective: objective, cms: cms)
        guard let mutant else {
            let trace = block.run(x, targets: targets)
            return flatten(trace.titansStates, trace.reads, trace.cms)
        }
        var titans = SelfModifyingTitans.sequential(x, initial: initial, wq: wq, objective: objective)
        if mutant == .taskLossIntoTitans {
            // Token by token (C = 1 carries nothing but the state), with the extra task-loss step.
            var state = initial
            titans = ([], [])
            for (xt, r) in zip(x, targets) {
                let generated = SelfModifyingTitans.generate(state, x: xt, wq: wq)
                let step = SelfModifyingTitans.sequential([xt], initial: state, wq: wq, objective: objective)
                state = step.states[0]
                state[.memory] = state[.memory] - generated.eta * Matrix.outer(step.outputs[0] - r, wq * xt)
                titans.states.append(state)
                titans.outputs.append(step.outputs[0])
            }
        }
        var reads = titans.outputs
        if mutant == .readAfterWrite { reads = zip(titans.states, x).map { $0[.memory] * (wq * $1) } }
        let losses: [Loss<S>] = targets.map { .squaredError(target: $0) }
        if mutant == .residual {
            // y = o + CMS(o): the CMS levels learn from the loss of the residual output, ½‖o + c − r‖² = ½‖c − (r − o)‖².
            let shifted: [Loss<S>] = zip(targets, reads).map { .squaredError(target: $0 - $1) }
            let trace = cms.run(inputs: reads, losses: shifted)
            let outputs = zip(trace.outputs, reads).map { $0 + $1 }
            return titans.states.flatMap { $0.memories.flatMap(\.elements) } + reads.flatMap(\.elements) + outputs.flatMap(\.elements)
                + trace.final.flatMap(\.flatParameters)
        }
        return flatten(titans.states, reads, cms.run(inputs: mutant == .cmsOnInput ? x : reads, losses: losses))
    }

    static func flatten<S: Scalar>(_ states: [SelfModifyingTitans.State<S>], _ reads: [Vector<S>],
                                   _ cms: ContinuumMemorySystem<S>.Trace) -> [S] {
        states.flatMap { $0.memories.flatMap(\.elements) } + reads.flatMap(\.elements) + cms.outputs.flatMap(\.elements)
            + cms.final.flatMap(\.flatParameters)
    }

    /// The optimization view: the Titans part as SMT-DGD's optimization view (every memory one
    /// dual-number GD step per token on its regression to its self-generated value, with weight
    /// decay; reads from the anchor), then the CMS part as CMS-LEVELS' optimization view (GD on each
    /// chunk's loss sum over a recorded parameter history) on those reads.
    func optimization<S: Scalar>(_ input: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let v = lifted(input, s)
        return [.compared("Titans memories, reads o_t, outputs y_t, final CMS levels vs the two optimizations composed",
                          Self.composedGD(initial: v.initial, wq: v.wq, x: v.x, objective: input.titans.objective, cms: v.cms,
                                          targets: v.targets))]
    }

    static func composedGD<S: Scalar>(initial: SelfModifyingTitans.State<S>, wq: Matrix<S>, x: [Vector<S>],
                                      objective: SelfModifyingTitans.InnerObjective, cms: ContinuumMemorySystem<S>,
                                      targets: [Vector<S>]) -> [S] {
        let titans = SmtDgdClaim.generalizedGDRun(x, initial: initial, wq: wq, chunk: 1, objective: objective)
        return titans.states.flatMap { $0.memories.flatMap(\.elements) } + titans.outputs.flatMap(\.elements)
            + CmsLevelsClaim.chunkSumGD(cms, xs: titans.outputs, targets: targets)
    }

    func workedExample() -> String {
        typealias Q = Rational
        let one = Matrix<Q>.identity(1)
        // d = 1: every memory is a scalar; gates 1/8 and 1; W_q = 1.
        let initial = SelfModifyingTitans.State(memories: [Matrix([[Q(1, 2)]]), Matrix([[Q(1)]]), Matrix([[Q(3, 4)]]),
                                                           Matrix([[Q(1, 8)]]), one])
        let level = TwoLayerMLP(w1: one, w2: one, activation: .identity)
        let cms = ContinuumMemorySystem(levels: [level], periods: [2], learningRates: [Q(1, 2)], variant: .sequential)
        let titans = SelfModifyingInputs.Input(label: "", x: [Q(1), Q(2)].map { Vector([$0]) }, initial: initial, wq: one, chunk: 1,
                                               objective: .l2)
        let input = Input(label: "", titans: titans, cms: cms, targets: [Q(1), Q(1)].map { Vector([$0]) })
        let trace = HopeBlock(titans: initial, wq: one, objective: .l2, cms: cms).run(titans.x, targets: input.targets)
        let arch = architecture(input, Lift.exact(), nil)![0].values!, opt = optimization(input, Lift.exact())[0].values!
        return [
            "d = 1: M_memory = 1/2, M_k = 1, M_v = 3/4, M_eta = 1/8, M_alpha = 1, W_q = 1; inner objective 1/2 (M k - v^)^2, v^ = M v.",
            "CMS: one linear level y = b a o with a = b = 1, period 2, eta = 1/2; targets 1, 1. Tokens x = 1, 2.",
            "Titans reads (before the write): o = " + trace.reads.map { $0[0].description }.joined(separator: ", "),
            "M_memory after each token: " + trace.titansStates.map { $0[.memory][0, 0].description }.joined(separator: ", "),
            "CMS outputs y = " + trace.cms.outputs.map { $0[0].description }.joined(separator: ", ")
                + "; the level moves at token 2 to (a, b) = (\(trace.cms.final[0].w1[0, 0]), \(trace.cms.final[0].w2[0, 0]))",
            "Optimization view (SMT-DGD's GD steps on each memory's own objective, then CMS-LEVELS' GD on the chunk loss of the reads):",
            "  " + opt.map(\.description).joined(separator: ", "),
            Show.verdict(arch == opt),
        ].joined(separator: "\n")
    }
}
