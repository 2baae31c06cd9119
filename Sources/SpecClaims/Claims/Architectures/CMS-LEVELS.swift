import ExactMath
import NestedLearning

/// CMS-LEVELS: a continuum memory system of several levels (arXiv eq. 70–71, 73–74): level ℓ
/// updates exactly at tokens C_ℓ, 2C_ℓ, … ≤ T, each time by one GD step on the sum of its chunk's
/// per-token task losses, every token's loss evaluated with the parameters in force at that token.
struct CmsLevelsClaim: ViewClaim {
    let id = "CMS-LEVELS"
    let statement = "In a CMS of k levels with periods C_l over T tokens (sequential chain, eq. 73, or independent sum, eq. 74), " +
                    "level l updates exactly at tokens C_l, 2 C_l, ... <= T (floor(T/C_l) times, frozen levels never), and each " +
                    "update is one GD step of size eta_l on the sum of its chunk's per-token losses, each evaluated with the " +
                    "parameters in force at its token."
    let references = PaperReference(arxiv: ["70", "71", "73", "74"], neurips: ["30", "31"])
    let conventions = [Convention(Conventions.CMSWindow.chunk), Convention(Conventions.CMSTail.unflushed),
                       Convention(Conventions.CMSGradientTiming.perToken),
                       Convention(Conventions.CMSReduction.sum), Convention(Conventions.CMSSharedBoundary.simultaneous)]
    let symbolic = SymbolicStatus.sizes("d = 2, hidden size 1, the schedules, weights and fixed values of the exact tier. Sequential " +
                                        "periods 1,2: T = 3 with eta_1, eta_2 variables; T = 2 with eta_l and every target entry " +
                                        "variables; T = 2 with linear blocks (phi = identity) and every token entry, or every " +
                                        "parameter of the slow level, variables. Sequential periods 2,3,frozen: T = 3 with eta_l " +
                                        "variables. Independent periods 2,4: T = 4 with every parameter of the slow level variables; " +
                                        "T = 3 with linear blocks and every token entry variables. Independent periods 1,3,2: T = 3 " +
                                        "with eta_l variables; T = 2 with every parameter of level 3 variables. Blocks are phi(z) = " +
                                        "z + z^2/2 unless linear; symbolic tokens or parameters in quadratic chains over three " +
                                        "tokens do not finish in 10 s.")

    enum Mutant: String, ClaimMutant {
        case cPlusOne = "c-plus-one-terms"
        case atBoundary = "gradients-recomputed-at-boundary"
        case flush = "partial-chunk-flushed"

        var summary: String {
            switch self {
            case .cPlusOne: "the printed window t = i - C ... i (A3): each update also takes the previous chunk's last gradient."
            case .atBoundary: "a slow level's chunk gradients recomputed at its boundary with the parameters current then, after " +
                              "faster levels have moved (CMSGradientTiming.atBoundary)."
            case .flush: "the last T mod C tokens flushed into an extra update at T: ceil(T/C) updates instead of floor(T/C)."
            }
        }

        var erratum: Erratum? {
            guard self == .cPlusOne else { return nil }
            return Erratum(.arxiv, "71 (NeurIPS 31)", printed: "theta^(l)_{i+1} = theta^(l)_i - sum_{t=i-C^(l)}^{i} eta_t f(theta_t; " +
                                                               "x_t) (C + 1 terms), in a chain of levels",
                           corrected: "sum_{t=i-C^(l)+1}^{i}: the C^(l) tokens of the level's chunk", ambiguity: "A3")
        }
    }

    struct Input: ClaimInput {
        let label: String
        let system: ContinuumMemorySystem<Rational>
        let xs: [Vector<Rational>], targets: [Vector<Rational>]
        /// The blocks made linear (phi = identity), for symbolic runs.
        var linear = false
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return symbolicRuns() }
        let exact = domain == .exact
        typealias Q = Rational
        let schedules: [([Int?], ContinuumMemorySystem<Q>.Variant)] = exact
            ? [([1, 2], .sequential), ([2, 3, nil], .sequential), ([2, 4], .independent), ([1, 3, 2], .independent)]
            : [([1, 3], .sequential), ([2, 5], .independent)]
        let (d, h, steps) = exact ? (2, 1, 5) : (3, 2, 7)
        return schedules.enumerated().map { index, s in
            var g = Support.exactGenerator(17_000 + UInt64(index))
            func mat(_ r: Int, _ c: Int) -> Matrix<Q> {
                (exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : g.matrix(r, c, numeratorBound: 127, exponent: 8))
                    .lifted(to: Q.self)
            }
            func vec(_ n: Int) -> Vector<Q> {
                (exact ? g.vector(n, numeratorBound: 3, exponent: 2) : g.vector(n, numeratorBound: 127, exponent: 7)).lifted(to: Q.self)
            }
            // The float tier's exact reference would grow too large with the quadratic activation
            // over several chained levels; its blocks are linear (phi = identity).
            let levels = s.0.map { _ in TwoLayerMLP(w1: mat(h, d), w2: mat(d, h), activation: exact ? .quadratic : .identity) }
            let rates = s.0.indices.map { Q(1, 4 << $0) }
            let weights = s.1 == .independent ? s.0.indices.map { Q($0 + 1, 2) } : nil
            let periods = s.0.map { $0.map(String.init) ?? "frozen" }.joined(separator: ",")
            return Input(label: "\(s.1.rawValue) periods=\(periods) T=\(steps) d=\(d) hidden=\(h)",
                         system: ContinuumMemorySystem(levels: levels, periods: s.0, learningRates: rates, variant: s.1, weights: weights),
                         xs: (0..<steps).map { _ in vec(d) }, targets: (0..<steps).map { _ in vec(d) })
        }
    }

    /// Which inputs of a symbolic run are variables.
    enum SymbolicInput { case rates, targets, tokens, lastLevel }

    /// Runs on symbols from the exact tier's inputs; the first, cheap, rejects every mutant, so that
    /// mutants stop early.
    func symbolicRuns() -> [Input] {
        let exact = inputs(.exact)
        let runs: [(input: Int, steps: Int, linear: Bool, symbols: Set<SymbolicInput>)] = [
            (3, 3, false, [.rates]), (3, 2, false, [.lastLevel]),
            (0, 3, false, [.rates]), (0, 2, false, [.rates, .targets]), (0, 2, true, [.tokens]), (0, 2, true, [.lastLevel]),
            (1, 3, false, [.rates]),
            (2, 4, false, [.lastLevel]), (2, 3, true, [.tokens]),
        ]
        return runs.map { r in
            let input = exact[r.input], k = input.system.levels.count
            let names: [SymbolicInput: String] = [.rates: "eta", .targets: "r_t", .tokens: "x_t", .lastLevel: "level \(k) params"]
            let variables: [SymbolicInput: Set<String>] = [.rates: ["eta"], .targets: ["r"], .tokens: ["x"], .lastLevel: ["A\(k)", "B\(k)"]]
            let label = "\(input.system.variant.rawValue) " +
                        "periods=\(input.system.periods.map { $0.map(String.init) ?? "frozen" }.joined(separator: ",")) "
                + "T=\(r.steps)\(r.linear ? " linear" : ""), symbolic \(r.symbols.map { names[$0]! }.sorted().joined(separator: ", "))"
            return Input(label: label, system: input.system, xs: Array(input.xs.prefix(r.steps)),
                         targets: Array(input.targets.prefix(r.steps)),
                         linear: r.linear, variables: r.symbols.reduce(into: Set<String>()) { $0.formUnion(variables[$1]!) })
        }
    }

    /// A CMS in `S`: its blocks made linear if `linear`; on symbols the rates `eta1 …` and the last
    /// level's weights (`A<k>_ij` in W1, `B<k>_ij` in W2) when named. Used by HOPE too.
    static func lift<S: Scalar>(_ system: ContinuumMemorySystem<Rational>, _ s: Lift<S>, linear: Bool = false) -> ContinuumMemorySystem<S> {
        let k = system.levels.count
        let levels = system.levels.enumerated().map { l, block in
            let names = l == k - 1 ? ("A\(k)", "B\(k)") : ("", "")
            return TwoLayerMLP(w1: s.matrix(block.w1, names.0), w2: s.matrix(block.w2, names.1),
                               activation: linear ? .polynomial(.identity) : block.activation)
        }
        return ContinuumMemorySystem(levels: levels, periods: system.periods, learningRates: s.scalars(system.learningRates, "eta"),
                                     variant: system.variant, weights: system.weights.map { s($0) })
    }

    /// The architecture view (or a mutant): update events as `(token, level)` pairs, then outputs
    /// and final parameters.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let run = Self.run(Self.lift(x.system, s, linear: x.linear), xs: s.sequence(x.xs, "x"), targets: s.sequence(x.targets, "r"),
                           mutant: mutant)
        let d = x.xs[0].count
        return [.compared("update events (token, level)", run.events),
                .compared("outputs and final parameters", run.values, chain: x.xs.count * x.system.levels.count * (4 * d + 8))]
    }

    static func run<S: Scalar>(_ system: ContinuumMemorySystem<S>, xs: [Vector<S>], targets: [Vector<S>],
                               mutant: Mutant?) -> (values: [S], events: [S]) {
        var system = system
        if mutant == .flush { system.tail = .flush }
        let losses: [Loss<S>] = targets.map { Loss<S>.squaredError(target: $0) }
        let trace: (outputs: [Vector<S>], events: [(token: Int, level: Int)], final: [TwoLayerMLP<S>])
        if mutant == .cPlusOne || mutant == .atBoundary {
            trace = variant(mutant!, system, inputs: xs, losses: losses)
        } else {
            let run = system.run(inputs: xs, losses: losses)
            trace = (run.outputs, run.events.map { ($0.token, $0.level) }, run.final)
        }
        let values: [S] = trace.outputs.flatMap { $0.elements } + trace.final.flatMap { $0.flatParameters }
        let events: [S] = trace.events.flatMap { [S($0.token), S($0.level)] }
        return (values, events)
    }

    /// A mutant's boundary update, token by token: the printed C + 1 window, or a chunk's gradients
    /// recomputed at its boundary with the parameters current then.
    static func variant<S: Scalar>(_ mutant: Mutant, _ system: ContinuumMemorySystem<S>, inputs: [Vector<S>], losses: [Loss<S>])
        -> (outputs: [Vector<S>], events: [(token: Int, level: Int)], final: [TwoLayerMLP<S>]) {
        var blocks = system.levels
        var outputs: [Vector<S>] = [], events: [(token: Int, level: Int)] = []
        var perToken = Array(repeating: [[S]](), count: blocks.count)
        for i in 1...inputs.count {
            outputs.append(system.output(blocks, inputs[i - 1]))
            let g = system.gradients(blocks, inputs[i - 1], loss: losses[i - 1])
            for l in blocks.indices { perToken[l].append(g[l]) }
            var moved: [(Int, [S])] = []
            for (l, period) in system.periods.enumerated() {
                guard let c = period, i % c == 0 else { continue }
                var sum = Array(repeating: S.zero, count: blocks[l].flatParameters.count)
                for t in (mutant == .cPlusOne ? max(1, i - c) : i - c + 1)...i {
                    let gt = mutant == .atBoundary ? system.gradients(blocks, inputs[t - 1], loss: losses[t - 1])[l] : perToken[l][t - 1]
                    sum = zip(sum, gt).map { $0 + $1 }
                }
                moved.append((l, zip(blocks[l].flatParameters, sum).map { $0 - system.learningRates[l] * $1 }))
            }
            for (l, theta) in moved {
                blocks[l] = blocks[l].withFlatParameters(theta)
                events.append((i, l))
            }
        }
        return (outputs, events, blocks)
    }

    /// The independent side: the schedule by formula, and GD on each chunk's loss sum over a
    /// recorded parameter history (``chunkSumGD(_:xs:targets:)``).
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let system = Self.lift(x.system, s, linear: x.linear)
        let schedule: [S] = Self.schedule(periods: system.periods, tokens: x.xs.count)
        return [.compared("update events (token, level) vs the schedule j C_l <= T", schedule),
                .compared("outputs y_1..y_T and final parameters vs GD on each chunk's loss sum",
                          Self.chunkSumGD(system, xs: s.sequence(x.xs, "x"), targets: s.sequence(x.targets, "r")))]
    }

    /// The schedule by formula: `(j C_ℓ, ℓ)` for `j C_ℓ ≤ T`, in token order, levels ascending.
    static func schedule<S: Scalar>(periods: [Int?], tokens: Int) -> [S] {
        (1...tokens).flatMap { t in
            periods.enumerated().compactMap { l, c in c.flatMap { t % $0 == 0 ? [S(t), S(l)] : nil } }.flatMap { $0 }
        }
    }

    /// The chain `MLP_k(… MLP_1(x))` (eq. 70, 73) or the weighted sum `Σ w_ℓ MLP_ℓ(x)` (eq. 74),
    /// written out here rather than taken from `ContinuumMemorySystem`.
    static func forward<T: Scalar>(_ blocks: [TwoLayerMLP<T>], _ x: Vector<T>, variant: CMSVariant, weights: [T]) -> Vector<T> {
        switch variant {
        case .sequential:
            var h = x
            for block in blocks { h = block(h) }
            return h
        case .independent:
            var y = Vector<T>.zeros(blocks[0].w2.rows)
            for (block, w) in zip(blocks, weights) { y = y + w * block(x) }
            return y
        }
    }

    /// The optimization view: its own pass over the tokens, recording every level's parameters at
    /// every token; at a boundary of level ℓ, the gradient of `Σ_{t in chunk} L_t` with respect to
    /// level ℓ's parameters (the other levels fixed at their recorded values at each `t`), by dual
    /// numbers on the forward pass written as code.
    static func chunkSumGD<Q: Scalar>(_ sys: ContinuumMemorySystem<Q>, xs: [Vector<Q>], targets: [Vector<Q>]) -> [Q] {
        typealias D = Dual<Q>
        var blocks = sys.levels
        var history: [[TwoLayerMLP<Q>]] = []
        var outputs: [Q] = []
        @Sendable func lift(_ m: TwoLayerMLP<Q>) -> TwoLayerMLP<D> { m.map { D(constant: $0) } }
        let (variant, weights, dualWeights) = (sys.variant, sys.weights, sys.weights.map { D(constant: $0) })
        for t in 1...xs.count {
            history.append(blocks)
            outputs += forward(blocks, xs[t - 1], variant: variant, weights: weights).elements
            var next = blocks
            for (l, period) in sys.periods.enumerated() {
                guard let c = period, t % c == 0 else { continue }
                let chunk = (t - c + 1)...t
                let (shape, recorded) = (blocks[l], history)
                let objective = Objective<Q>(dimension: shape.flatParameters.count) { th in
                    var total = D(0)
                    for s in chunk {
                        var at = recorded[s - 1].map(lift)
                        at[l] = lift(shape).withFlatParameters(th)
                        let y = forward(at, Support.dual(xs[s - 1]), variant: variant, weights: dualWeights)
                        total = total + Loss<Q>.squaredError(target: targets[s - 1]).value(y, lift: { D(constant: $0) })
                    }
                    return total
                }
                next[l] = shape.withFlatParameters(objective.gradientStep(from: shape.flatParameters, learningRate: sys.learningRates[l]))
            }
            blocks = next
        }
        return outputs + blocks.flatMap(\.flatParameters)
    }

    func workedExample() -> String {
        typealias Q = Rational
        let id = TwoLayerMLP(w1: Matrix<Q>.identity(1), w2: Matrix<Q>.identity(1), activation: .identity)
        let system = ContinuumMemorySystem(levels: [id, id], periods: [1, 2], learningRates: [Q(1, 4), Q(1, 4)], variant: .sequential)
        let input = Input(label: "", system: system, xs: [Q(1), Q(2), Q(1)].map { Vector([$0]) },
                          targets: [Q(2), Q(2), Q(0)].map { Vector([$0]) })
        let arch = Self.run(system, xs: input.xs, targets: input.targets, mutant: nil)
        let opt = Self.chunkSumGD(system, xs: input.xs, targets: input.targets)
        let trace = system.run(inputs: input.xs, losses: input.targets.map { .squaredError(target: $0) })
        return [
            "Two scalar linear levels y = b2 a2 (b1 a1 x) (phi = identity), all weights 1; periods 1 and 2; eta = 1/4 each;",
            "tokens x = 1, 2, 1 with targets 2, 2, 0; loss 1/2 (y - target)^2.",
            "Update events (token, level): " + trace.events.map { "(\($0.token), \($0.level + 1))" }.joined(separator: ", ")
                + "  (level 1 at every token, level 2 at token 2 only; token 3 is an unfinished chunk of level 2)",
            "Outputs: " + trace.outputs.map { $0[0].description }.joined(separator: ", "),
            "Final level 1 (W1, W2) = (\(trace.final[0].w1[0, 0]), \(trace.final[0].w2[0, 0])), level 2 = " +
            "(\(trace.final[1].w1[0, 0]), \(trace.final[1].w2[0, 0]))",
            "Optimization view (GD on each chunk's loss sum, dual numbers, parameters in force at each token):",
            "  outputs and final parameters " + opt.map(\.description).joined(separator: ", "),
            Show.verdict(arch.values == opt && arch.events == Self.schedule(periods: system.periods, tokens: input.xs.count)),
        ].joined(separator: "\n")
    }
}
