import ExactMath
import NestedLearning

/// NL-LEVELS: each architecture's description as a nested system (Definition 2) matches what its
/// reference implementation does: over `T` tokens, every level changes exactly as often as its
/// declared frequency says, so the declared ordering of levels is the measured one.
/// It counts the updates of whole architectures rather than comparing two computations, so it
/// writes its exact tier itself.
public struct NlLevelsClaim: Claim {
    public let id = "NL-LEVELS"
    public let statement = "Each architecture's levels (Definition 2: memory, objective, optimizer, update frequency; `nlspec " +
                           "levels`) match its reference run: over T tokens each level's state changes exactly as many times as its " +
                           "declared frequency gives (T, floor(T/C) or 0), for linear attention, a Transformer block, Titans, Hope " +
                           "and SGD with momentum."
    public let references = PaperReference(arxiv: ["Definition 2", "19", "20", "94", "95", "96", "97"], neurips: ["Definition 2"])
    public let tiers: [Tier] = [.exact]
    public let conventions = [Convention(Conventions.HopeWiring.plain), Convention(Conventions.CMSTail.unflushed),
                              Convention(Conventions.HopeCMSPeriods.twoAndFour, note: "A10")]
    public let symbolic = SymbolicStatus.notProvable("it counts updates of given architectures; there is no identity between " +
                                                     "functions of the inputs")

    public enum Mutant: String, ClaimMutant {
        case hopePeriods = "hope-cms-periods-ignored"
        case mlpInContext = "transformer-mlp-updated-in-context"

        public var summary: String {
            switch self {
            case .hopePeriods: "Hope's CMS levels updated at every token, as if every level had period 1."
            case .mlpInContext: "the Transformer's MLP updated in context at every token (a CMS level of period 1 instead of " +
                                "frequency zero)."
            }
        }
    }

    public init() {}

    /// The architectures in the order `nlspec levels` prints them.
    public static let order = ["linear-attention", "transformer", "titans", "hope", "momentum-sgd"]

    /// The number of tokens at which each declared level's state changed in an exact run of the
    /// reference over `tokens` tokens (`tokens ≥ 1`).
    public static func measure(_ arch: String, tokens t: Int, mutant: Mutant? = nil) -> [Int] {
        typealias Q = Rational
        var g = Support.exactGenerator(18_000 + UInt64(t))
        func vec(_ n: Int) -> Vector<Q> { g.nonZeroVector(n, numeratorBound: 3, exponent: 2).lifted(to: Q.self) }
        func mat(_ r: Int, _ c: Int) -> Matrix<Q> { g.matrix(r, c, numeratorBound: 3, exponent: 2).lifted(to: Q.self) }
        func changes<T: Equatable>(_ states: [T], from start: T) -> Int {
            zip([start] + states.dropLast(), states).filter { $0 != $1 }.count
        }
        let d = 2
        switch arch {
        case "linear-attention":
            let m0 = Matrix<Q>.zeros(d, d)
            var m = m0, states: [Matrix<Q>] = []
            for _ in 0..<t { m = LinearAttention.write(m, key: vec(d), value: vec(d)); states.append(m) }
            return [changes(states, from: m0), 0]
        case "transformer":
            var cache: [(Vector<Q>, Vector<Q>)] = [], sizes: [Int] = []
            for _ in 0..<t { cache.append((vec(d), vec(d))); sizes.append(cache.count) }
            var mlp = CMSLevel(mlp: TwoLayerMLP(w1: mat(2, d), w2: mat(d, 2)), period: mutant == .mlpInContext ? 1 : nil,
                               learningRate: Q(1, 4))
            mlp.tail = .unflushed
            let xs = (0..<t).map { _ in vec(d) }
            let trace = mlp.run(inputs: xs, losses: xs.map { .squaredError(target: $0) })
            return [changes(sizes, from: 0), trace.updates.count, 0]
        case "titans":
            let m0 = mat(d, d)
            let gates = (0..<t).map { _ in TitansMemory.Gates(alpha: 0.125, eta: 0.5, theta: 0.25) }
            let (keys, values) = ((0..<t).map { _ in vec(d) }, (0..<t).map { _ in vec(d) })
            let states = TitansMemory.run(initial: m0, keys: keys, values: values, gates: gates, chunk: 1)
            return [changes(states, from: m0), 0]
        case "hope":
            let id = Matrix<Q>.identity(d)
            let titans = SelfModifyingTitans.State(memories: [id, id + mat(d, d), id, Matrix([[Q(1, 8), Q(0)]]), Matrix([[Q(1), Q(0)]])])
            let periods: [Int?] = mutant == .hopePeriods ? [1, 1] : [2, 4]
            let cms = ContinuumMemorySystem(levels: [TwoLayerMLP(w1: mat(2, d), w2: mat(d, 2), activation: .identity),
                                                     TwoLayerMLP(w1: mat(2, d), w2: mat(d, 2), activation: .identity)],
                                            periods: periods, learningRates: [Q(1, 4), Q(1, 8)], variant: .sequential)
            let block = HopeBlock(titans: titans, wq: id, objective: .l2, cms: cms)
            let x = (0..<t).map { _ in Vector([Q(1)] + vec(d - 1).elements) }
            let trace = block.run(x, targets: (0..<t).map { _ in vec(d) })
            // A token counts for the self-modifying level when all five memories moved.
            let moved = zip([titans] + trace.titansStates.dropLast(), trace.titansStates).filter { before, after in
                SelfModifyingTitans.Role.allCases.allSatisfy { before[$0] != after[$0] }
            }.count
            return [moved, trace.cms.events.filter { $0.level == 0 }.count, trace.cms.events.filter { $0.level == 1 }.count, 0]
        case "momentum-sgd":
            let w0 = mat(d, d)
            var opt = HeavyBallMomentum(weight: w0, learningRate: Q(1, 4), beta: Q(1, 2))
            var ms: [Matrix<Q>] = [], ws: [Matrix<Q>] = []
            for _ in 0..<t { opt.step(gradient: mat(d, d) + Matrix.identity(d)); ms.append(opt.momentum); ws.append(opt.weight) }
            return [changes(ms, from: Matrix<Q>.zeros(d, d)), changes(ws, from: w0)]
        default:
            preconditionFailure("NL-LEVELS: unknown architecture \(arch)")
        }
    }

    public func exactCases(_ mutant: Mutant?) -> [CaseEvidence] {
        Self.order.flatMap { arch in
            [3, 5].map { t -> CaseEvidence in
                let system = NestedSystem.all[arch]!
                return .exact("\(arch) T=\(t)", "in-context updates per level (declared vs measured)",
                              expected: system.levels.map { Rational($0.frequency.updates(over: t)) },
                              actual: Self.measure(arch, tokens: t, mutant: mutant).map { Rational($0) })
            }
        }
    }

    public func workedExample() -> String {
        let counts = Self.order.map { arch in
            "\(arch): declared " + NestedSystem.all[arch]!.levels.map { "\($0.frequency.updates(over: 5))" }.joined(separator: ", ")
                + "; measured " + Self.measure(arch, tokens: 5).map(String.init).joined(separator: ", ")
        }
        let same = Self.order.allSatisfy { arch in
            NestedSystem.all[arch]!.levels.map { $0.frequency.updates(over: 5) } == Self.measure(arch, tokens: 5)
        }
        return (["Updates per level over T = 5 tokens, levels from highest to lowest frequency:"] + counts + [
            "Hope's CMS levels (periods 2 and 4) move at tokens 2, 4 and 4; a period-4 level has not finished its second chunk.",
            Show.verdict(same),
            "The full table for one architecture: nlspec levels hope",
        ]).joined(separator: "\n")
    }
}
