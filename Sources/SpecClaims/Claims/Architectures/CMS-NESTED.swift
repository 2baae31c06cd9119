import ExactMath
import NestedLearning

/// CMS-NESTED: nested CMS (arXiv §7.1, eq. 72). Level s's parameters are level s+1's initial
/// state Φ; at the end of each context of C^(s) tokens, Φ takes one GD step on the context's loss
/// as a function of Φ (through every update level s+1 made in the context), and level s+1 restarts
/// the next context from the new Φ.
struct CmsNestedClaim: ViewClaim {
    let id = "CMS-NESTED"
    let statement = "In a nested CMS, level s+1 (period C_f) restarts every context of C_s tokens from the state Phi that level s " +
                    "meta-learns, and level s moves Phi once per finished context by GD on that context's loss as a function of Phi, " +
                    "differentiated through level s+1's in-context updates."
    let references = PaperReference(arxiv: ["72"], neurips: [])
    let conventions = [Convention(Conventions.NestedCMSMetaGradient.throughInnerUpdates),
                       Convention(Conventions.NestedCMSReset.metaLearnedState),
                       Convention(Conventions.CMSWindow.chunk),
                       Convention(Conventions.CMSTail.unflushed, note: "inner chunks and the last context"),
                       Convention(Conventions.NestedCMSInnerChunks.fromContextStart)]
    let symbolic = SymbolicStatus.sizes("Level s+1 y = W2 phi(W1 x) with hidden size 1. Linear (phi = identity), d = 1, C_f = 1, C_s " +
                                        "= 2, T = 3 (a finished context, then one token from the new Phi): every entry of Phi, every " +
                                        "token and target, eta_f and eta_s variables. Linear, d = 1, C_f = 2, C_s = 4, T = 5: Phi, " +
                                        "eta_f, eta_s variables. Linear, d = 2, C_f = 1, C_s = 2, T = 2 (one context; with a second " +
                                        "context's read, 36 s): every entry of Phi variable. phi(z) = z + z^2/2, d = 1, C_f = 1, C_s " +
                                        "= 2: T = 3 with eta_f, eta_s variables, and T = 2 (one context) with Phi variable. Fixed " +
                                        "values: eta_f = 1/4, eta_s = 1/8, tokens x_t = (1, -1/2, 3/4, 1/2, -1)[t] (d = 2: (1, " +
                                        "t/4)), targets (1/2, 1, -1/4, 0, 1)[t] (d = 2: (t/2, -1)), Phi entries 1/2, -1, 3/4, 1/4. " +
                                        "The derivative is interpolated on symbols exactly as on rationals: the context loss is a " +
                                        "polynomial of degree <= D in Phi whatever the other inputs are.")

    enum Mutant: String, ClaimMutant {
        case firstOrder = "first-order-meta-gradient"
        case staleReset = "reset-before-outer-update"
        case carryOver = "no-reset"

        var summary: String {
            switch self {
            case .firstOrder: "the first-order shortcut: Phi moves by the sum of the per-token gradients at the inner states, as if " +
                              "they did not depend on Phi (NestedCMSMetaGradient.firstOrder)."
            case .staleReset: "level s+1 restarts from Phi before level s's update: the meta-learned state lands one context late " +
                              "(NestedCMSReset.stateBeforeOuterUpdate)."
            case .carryOver: "no reset: level s+1 carries its own final state into the next context, so Phi sets only the first " +
                             "(NestedCMSReset.carryOver)."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let memory: NestedContinuumMemory<Rational>
        let xs: [Vector<Rational>], targets: [Vector<Rational>]
        var variables: Set<String> = []
    }

    func inputs(_ domain: Domain) -> [Input] {
        if domain == .symbolic { return symbolicRuns() }
        let exact = domain == .exact
        typealias Q = Rational
        // (activation, d, h, C_f, C_s, T)
        let shapes: [(PolynomialActivation, Int, Int, Int, Int, Int)] = exact
            ? [(.identity, 2, 1, 2, 4, 10), (.quadratic, 2, 1, 1, 2, 5), (.identity, 1, 2, 1, 3, 7), (.identity, 2, 1, 2, 3, 6)]
            : [(.identity, 3, 2, 2, 4, 8), (.identity, 4, 1, 1, 2, 5)]
        return shapes.enumerated().map { index, s in
            let (activation, d, h, cf, cs, steps) = s
            var g = Support.exactGenerator(21_000 + UInt64(index))
            func mat(_ r: Int, _ c: Int) -> Matrix<Q> {
                (exact ? g.matrix(r, c, numeratorBound: 3, exponent: 2) : g.matrix(r, c, numeratorBound: 127, exponent: 8))
                    .lifted(to: Q.self)
            }
            func vec(_ n: Int) -> Vector<Q> {
                (exact ? g.vector(n, numeratorBound: 3, exponent: 2) : g.vector(n, numeratorBound: 127, exponent: 8)).lifted(to: Q.self)
            }
            let phi = TwoLayerMLP(w1: mat(h, d), w2: mat(d, h), activation: activation)
            let memory = NestedContinuumMemory(initialState: phi, innerPeriod: cf, innerRate: Q(1, 4), context: cs, outerRate: Q(1, 8))
            let name = activation == .identity ? "identity" : "z+z^2/2"
            return Input(label: "phi=\(name) d=\(d) hidden=\(h) C_f=\(cf) C_s=\(cs) T=\(steps)", memory: memory,
                         xs: (0..<steps).map { _ in vec(d) }, targets: (0..<steps).map { _ in vec(d) })
        }
    }

    /// Which inputs of a symbolic run are variables.
    enum SymbolicInput: String { case phi = "Phi", tokens = "x_t, r_t", rates = "eta_f, eta_s" }

    /// The runs on symbols; the first rejects every mutant.
    func symbolicRuns() -> [Input] {
        typealias Q = Rational
        // (activation, d, C_f, C_s, T, symbols)
        let runs: [(PolynomialActivation, Int, Int, Int, Int, [SymbolicInput])] = [
            (.identity, 1, 1, 2, 3, [.phi, .tokens, .rates]), (.identity, 1, 2, 4, 5, [.phi, .rates]), (.identity, 2, 1, 2, 2, [.phi]),
            (.quadratic, 1, 1, 2, 3, [.rates]), (.quadratic, 1, 1, 2, 2, [.phi]),
        ]
        let names: [SymbolicInput: Set<String>] = [.phi: ["A", "B"], .tokens: ["x", "r"], .rates: ["etaf", "etas"]]
        return runs.map { activation, d, cf, cs, steps, symbols in
            let fixed = [Q(1, 2), Q(-1), Q(3, 4), Q(1, 4)]
            let phi = TwoLayerMLP(w1: Matrix(rows: 1, cols: d) { _, j in fixed[j] }, w2: Matrix(rows: d, cols: 1) { i, _ in fixed[2 + i] },
                                  activation: activation)
            let memory = NestedContinuumMemory(initialState: phi, innerPeriod: cf, innerRate: Q(1, 4), context: cs, outerRate: Q(1, 8))
            let tokens = [Q(1), Q(-1, 2), Q(3, 4), Q(1, 2), Q(-1)], goals = [Q(1, 2), Q(1), Q(-1, 4), Q(0), Q(1)]
            let xs = (1...steps).map { t in Vector(d == 1 ? [tokens[t - 1]] : [Q(1), Q(t, 4)]) }
            let targets = (1...steps).map { t in Vector(d == 1 ? [goals[t - 1]] : [Q(t, 2), Q(-1)]) }
            let label = "phi=\(activation == .identity ? "identity" : "z+z^2/2") d=\(d) C_f=\(cf) C_s=\(cs) T=\(steps), symbolic "
                + symbols.map(\.rawValue).joined(separator: ", ")
            return Input(label: label, memory: memory, xs: xs, targets: targets,
                         variables: symbols.reduce(into: Set<String>()) { $0.formUnion(names[$1]!) })
        }
    }

    /// The inputs in `S`: on symbols Φ's weights `A_ij`, `B_ij`, the rates `etaf`, `etas`, the tokens
    /// `x<t>_i` and targets `r<t>_i`.
    func lifted<S: Scalar>(_ x: Input, _ s: Lift<S>) -> (memory: NestedContinuumMemory<S>, xs: [Vector<S>], targets: [Vector<S>]) {
        let m = x.memory
        return (NestedContinuumMemory(initialState: s.mlp(m.initialState, "A", "B"), innerPeriod: m.innerPeriod,
                                      innerRate: s.scalar(m.innerRate, "etaf"), context: m.context,
                                      outerRate: s.scalar(m.outerRate, "etas")),
                s.sequence(x.xs, "x"), s.sequence(x.targets, "r"))
    }

    /// The architecture view (or a mutant): the inner update tokens; the outputs, then Φ after every
    /// finished context.
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let v = lifted(x, s)
        let run = Self.run(v.memory, xs: v.xs, targets: v.targets, mutant: mutant)
        let (d, h) = (x.xs[0].count, x.memory.initialState.w1.rows)
        return [.compared("inner update tokens", run.events),
                .compared("outputs and Phi after each context", run.values, chain: 3 * x.xs.count * (8 * (d + h) + 8))]
    }

    static func run<S: Scalar>(_ memory: NestedContinuumMemory<S>, xs: [Vector<S>], targets: [Vector<S>],
                               mutant: Mutant?) -> (values: [S], events: [S]) {
        guard let mutant else {
            let trace = memory.run(inputs: xs, targets: targets)
            return (trace.outputs.flatMap(\.elements) + trace.initialStates.flatMap(\.flatParameters), trace.innerUpdates.map { S($0) })
        }
        // The mutants' two levels: the first-order meta-gradient, or another restart of level s+1.
        let m = memory
        var phi = m.initialState, start = phi
        var outputs: [S] = [], states: [S] = [], events: [S] = []
        for offset in stride(from: 0, to: xs.count, by: m.context) {
            let range = offset..<min(offset + m.context, xs.count)
            let (cx, cr) = (Array(xs[range]), Array(targets[range]))
            let trace = NestedContinuumMemory<S>.innerRun(from: start, period: m.innerPeriod, rate: m.innerRate, inputs: cx,
                                                          losses: cr.map { .squaredError(target: $0) })
            outputs += trace.outputs.flatMap(\.elements)
            events += trace.updates.map { S(offset + $0.token) }
            guard range.count == m.context else { break }
            let g = mutant == .firstOrder ? firstOrderGradient(m, at: start, inputs: cx, targets: cr)
                                          : m.contextGradient(at: start, inputs: cx, targets: cr)
            let before = phi
            phi = phi.withFlatParameters(zip(phi.flatParameters, g).map { $0 - m.outerRate * $1 })
            states += phi.flatParameters
            switch mutant {
            case .firstOrder: start = phi
            case .staleReset: start = before
            case .carryOver: start = trace.final
            }
        }
        return (outputs + states, events)
    }

    /// The first-order shortcut: the per-token gradients at the inner states, summed, as if they
    /// did not depend on Φ.
    static func firstOrderGradient<S: Scalar>(_ m: NestedContinuumMemory<S>, at start: TwoLayerMLP<S>, inputs: [Vector<S>],
                                              targets: [Vector<S>]) -> [S] {
        let losses = targets.map { Loss<S>.squaredError(target: $0) }
        let trace = NestedContinuumMemory<S>.innerRun(from: start, period: m.innerPeriod, rate: m.innerRate, inputs: inputs, losses: losses)
        var state = start, next = trace.updates.makeIterator(), pending = next.next()
        var sum = Array(repeating: S.zero, count: start.flatParameters.count)
        for t in 1...inputs.count {
            sum = zip(sum, CMSLevel.tokenGradient(state, input: inputs[t - 1], loss: losses[t - 1])).map { $0 + $1 }
            if let u = pending, u.token == t { state = u.after; pending = next.next() }
        }
        return sum
    }

    /// The optimization view: the inner schedule by formula; its own pass over the contexts, Φ's
    /// gradient from values of the context loss alone, `∂ℓ/∂Φ_i = p′(0)` for the polynomial
    /// `p(h) = ℓ(Φ + h e_i)`, exactly by interpolation on `lossDegree + 1` integer nodes (no
    /// derivative code of any kind).
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let v = lifted(x, s)
        return [.compared("inner update tokens vs o + k C_f in each context",
                          Self.schedule(innerPeriod: x.memory.innerPeriod, context: x.memory.context, tokens: x.xs.count)),
                .compared("outputs and Phi after each context vs GD with the interpolated derivative of the context loss",
                          Self.interpolatedGD(v.memory, xs: v.xs, targets: v.targets))]
    }

    /// The inner updates by formula: in each context starting after token `o`, tokens `o + k C_f`
    /// for `k C_f ≤` the context's length.
    static func schedule<S: Scalar>(innerPeriod cf: Int, context cs: Int, tokens t: Int) -> [S] {
        stride(from: 0, to: t, by: cs).flatMap { o in
            stride(from: cf, through: min(cs, t - o), by: cf).map { S(o + $0) }
        }
    }

    /// The degree in Φ of a context's loss: the read after `k` inner updates is a polynomial of
    /// degree `(1 + a)(2a + 1)^k` in Φ (a = the activation's degree; each update adds a gradient of
    /// degree `2a + 1` in the current parameters), its squared error twice that, and the last read
    /// of a context of `C_s` tokens comes after `⌊(C_s − 1)/C_f⌋` updates.
    static func lossDegree<S: Scalar>(_ m: NestedContinuumMemory<S>) -> Int {
        let a = m.initialState.activation.polynomial.numerators.count - 1
        var degree = 2 * (1 + a)
        for _ in 0..<((m.context - 1) / m.innerPeriod) { degree *= 2 * a + 1 }
        return degree
    }

    static func interpolatedGD<Q: Scalar>(_ m: NestedContinuumMemory<Q>, xs: [Vector<Q>], targets: [Vector<Q>]) -> [Q] {
        func loss(_ start: TwoLayerMLP<Q>, _ range: Range<Int>) -> Q {
            let reads = innerReads(from: start, period: m.innerPeriod, rate: m.innerRate, xs: xs[range], targets: targets[range])
            return zip(reads, targets[range]).reduce(Q(0)) { total, pair in
                let r = pair.0 - pair.1
                return total + Q(1) / Q(2) * r.dot(r)
            }
        }
        let degree = lossDegree(m)
        var phi = m.initialState, outputs: [Q] = [], states: [Q] = []
        for offset in stride(from: 0, to: xs.count, by: m.context) {
            let range = offset..<min(offset + m.context, xs.count)
            let reads = innerReads(from: phi, period: m.innerPeriod, rate: m.innerRate, xs: xs[range], targets: targets[range])
            outputs += reads.flatMap(\.elements)
            guard range.count == m.context else { break }
            let theta = phi.flatParameters
            let gradient = theta.indices.map { i in
                PolynomialDerivative.atZero(degree: degree) { (h: Int) -> Q in
                    var moved = theta
                    moved[i] = moved[i] + Q(h)
                    return loss(phi.withFlatParameters(moved), range)
                }
            }
            phi = phi.withFlatParameters(zip(theta, gradient).map { $0 - m.outerRate * $1 })
            states += phi.flatParameters
        }
        return outputs + states
    }

    /// Level s+1 over one context, written out here rather than taken from `CMSLevel` or
    /// `NestedContinuumMemory`: each token read `W2 φ(W1 x)` with the parameters in force, and
    /// after every `C_f` tokens (counted from the context's first) one GD step of size `η_f` on the
    /// chunk's summed loss `Σ ½‖W2 φ(W1 x_t) − r_t‖²` at the chunk-start parameters, its gradient
    /// by dual numbers. A last, shorter chunk does not update.
    static func innerReads<Q: Scalar>(from start: TwoLayerMLP<Q>, period: Int, rate: Q, xs: ArraySlice<Vector<Q>>,
                                      targets: ArraySlice<Vector<Q>>) -> [Vector<Q>] {
        let (xs, targets, phi, hidden) = (Array(xs), Array(targets), start.activation.polynomial, start.w1.rows)
        var theta = start.w1.elements + start.w2.elements, reads: [Vector<Q>] = []
        for first in stride(from: 0, to: xs.count, by: period) {
            let chunk = first..<min(first + period, xs.count)
            reads += chunk.map { read(theta, hidden: hidden, phi, xs[$0]) }
            guard chunk.count == period else { break }
            let (cx, cr) = (chunk.map { Support.dual(xs[$0]) }, chunk.map { Support.dual(targets[$0]) })
            let objective = Objective<Q>(dimension: theta.count) { th in
                zip(cx, cr).reduce(Dual<Q>(0)) { total, pair in
                    total + Dual(1) / Dual(2) * (read(th, hidden: hidden, phi, pair.0) - pair.1).squaredNorm
                }
            }
            theta = objective.gradientStep(from: theta, learningRate: rate)
        }
        return reads
    }

    /// `W2 φ(W1 x)` for the parameters `vec(W1) ‖ vec(W2)` (`W1` has `hidden` rows and `x`'s width).
    static func read<T: Scalar>(_ theta: [T], hidden h: Int, _ phi: PolynomialActivation, _ x: Vector<T>) -> Vector<T> {
        let n = h * x.count
        let w1 = Matrix(rows: h, cols: x.count, elements: Array(theta[..<n]))
        let w2 = Matrix(rows: (theta.count - n) / h, cols: h, elements: Array(theta[n...]))
        return w2 * (w1 * x).map { phi.value($0) }
    }

    func workedExample() -> String {
        typealias Q = Rational
        let phi = TwoLayerMLP(w1: Matrix<Q>.identity(1), w2: Matrix<Q>.identity(1), activation: .identity)
        let memory = NestedContinuumMemory(initialState: phi, innerPeriod: 1, innerRate: Q(1, 4), context: 2, outerRate: Q(1, 4))
        let input = Input(label: "", memory: memory, xs: [Q(1), Q(1), Q(1)].map { Vector([$0]) },
                          targets: [Q(2), Q(2), Q(2)].map { Vector([$0]) })
        let trace = memory.run(inputs: input.xs, targets: input.targets)
        let metaGradient = memory.contextGradient(at: phi, inputs: Array(input.xs.prefix(2)), targets: Array(input.targets.prefix(2)))
        let (firstXs, firstTargets) = (Array(input.xs.prefix(2)), Array(input.targets.prefix(2)))
        let firstOrder = Self.firstOrderGradient(memory, at: phi, inputs: firstXs, targets: firstTargets)
        let arch = Self.run(memory, xs: input.xs, targets: input.targets, mutant: nil)
        let opt = Self.interpolatedGD(memory, xs: input.xs, targets: input.targets)
        return [
            "Level s+1: y = b a x (phi = identity), Phi = (a, b) = (1, 1), period C_f = 1, eta_f = 1/4.",
            "Level s: context C_s = 2, eta_s = 1/4. Tokens x = 1, 1, 1 with targets 2, 2, 2; loss 1/2 (y - 2)^2.",
            "Context 1 (tokens 1-2): reads " + trace.outputs.prefix(2).map { $0[0].description }.joined(separator: ", ")
                + "; level s+1 moves at tokens " + trace.innerUpdates.filter { $0 <= 2 }.map(String.init).joined(separator: ", "),
            "  context loss l(a, b) = 1/2 (ab - 2)^2 + 1/2 (a'b' - 2)^2, (a', b') = (a, b) after one inner step from (a, b)",
            "  dl/dPhi through the inner update (dual numbers): (\(metaGradient.map(\.description).joined(separator: ", ")))",
            "  first-order shortcut (sum of per-token gradients):  (\(firstOrder.map(\.description).joined(separator: ", ")))",
            "  Phi after the context: (\(trace.initialStates[0].flatParameters.map(\.description).joined(separator: ", ")))",
            "Context 2 (token 3, unfinished): level s+1 restarts from that Phi and reads " + trace.outputs[2][0].description,
            "Optimization view (derivative of l by exact interpolation on \(Self.lossDegree(memory) + 1) integer nodes, degree " +
            "\(Self.lossDegree(memory))):",
            "  outputs and Phi " + opt.map(\.description).joined(separator: ", "),
            Show.verdict(arch.values == opt && arch.events == Self.schedule(innerPeriod: 1, context: 2, tokens: 3)),
        ].joined(separator: "\n")
    }
}
