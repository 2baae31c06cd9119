import ExactMath
import NestedLearning

/// What the self-modifying Titans claims (SMT-DGD, SMT-CHUNK) share: inputs, and the labels of
/// the quantities they compare.
enum SelfModifyingInputs {
    struct Input: ClaimInput {
        let label: String
        let x: [Vector<Rational>]
        let initial: SelfModifyingTitans.State<Rational>
        let wq: Matrix<Rational>
        let chunk: Int
        let objective: SelfModifyingTitans.InnerObjective
        var variables: Set<String> = []
    }

    /// The names of the five memories on symbols (`Mmemory_ij`, `Mk_ij`, `Mv_ij` of `d × d`,
    /// `Meta_1j`, `Malpha_1j` of `1 × d`), in ``SelfModifyingTitans/Role`` order, and of `W_q`.
    static let memoryNames = ["Mmemory", "Mk", "Mv", "Meta", "Malpha"]
    static let allMemories = Set(memoryNames + ["Wq"])

    /// The tokens, the initial memories and `W_q` in `S`.
    static func lift<S: Scalar>(_ input: Input, _ s: Lift<S>) -> (x: [Vector<S>], initial: SelfModifyingTitans.State<S>, wq: Matrix<S>) {
        (s.sequence(input.x, "x"), SelfModifyingTitans.State(memories: zip(input.initial.memories, memoryNames).map { s.matrix($0, $1) }),
         s.matrix(input.wq, "Wq"))
    }

    /// Inputs `x_t = (1, …)` with a constant first feature and the gate memories
    /// `M_η = (1/8, ε…)`, `M_α = (1, ε…)` with `|ε| ≤ 3/64`, so the first gates lie within
    /// `(d − 1)·9/256` of `1/8` and `1`. The gate memories then learn like the others and their
    /// gates are not constrained: later `η_t` may leave `(0, 1)`; the identities checked hold for
    /// any gates. The other memories start as `I/2` plus entries `k/8`, `|k| ≤ 3`; the other input
    /// features are `k/4`. Float inputs use `k/2¹⁵`, `|k| ≤ 2¹²`, in place of `k/8`.
    static func inputs(exact: Bool, sizes: [(d: Int, steps: Int)], chunks: [Int],
                       objectives: [SelfModifyingTitans.InnerObjective], seed: UInt64) -> [Input] {
        typealias Q = Rational
        var out: [Input] = []
        for objective in objectives {
            for (d, steps) in sizes {
                for c in chunks {
                    var g = Support.exactGenerator(seed + UInt64(d * 100 + steps * 10 + c) + (objective == .l2 ? 0 : 5000))
                    func small() -> Q {
                        exact ? Q(g.integer(in: -3...3), 8) : Q(dyadic: g.dyadic(numeratorBound: 1 << 12, exponent: 15))
                    }
                    func square() -> Matrix<Q> { Matrix(rows: d, cols: d) { i, j in (i == j ? Q(1, 2) : Q(0)) + small() } }
                    func gate(_ bias: Q) -> Matrix<Q> { Matrix(rows: 1, cols: d) { _, j in j == 0 ? bias : small() / Q(8) } }
                    let initial = SelfModifyingTitans.State(memories: [square(), square(), square(), gate(Q(1, 8)), gate(Q(1))])
                    let x = (0..<steps).map { _ in Vector((0..<d).map { $0 == 0 ? Q(1) : small() * Q(2) }) }
                    out.append(Input(label: "\(objective.rawValue) d=\(d) T=\(steps) C=\(c)", x: x, initial: initial,
                                     wq: square(), chunk: c, objective: objective))
                }
            }
        }
        return out
    }

    /// States and reads flattened in a fixed order: per token, the five memories then `y_t`.
    static func flatten<S: Scalar>(_ run: (states: [SelfModifyingTitans.State<S>], outputs: [Vector<S>])) -> [S] {
        zip(run.states, run.outputs).flatMap { state, y in state.memories.flatMap(\.elements) + y.elements }
    }

    /// Per token, a read, the generation of five memories' values and five `d × d` updates.
    static func chain(_ input: Input) -> Int { input.x.count * (4 * input.x[0].count + 8) }

    /// `d = 2`, both objectives. One token with every entry of the five memories, `W_q` and `x_1`
    /// a variable (the state before a token is arbitrary, so this is the per-token identity), and
    /// two tokens with symbolic `x_1, x_2` for each chunk size, the memories and `W_q` fixed at
    /// the exact tier's rational start. With symbolic memories, two tokens do not finish in 100 s.
    static func symbolic(seed: UInt64, chunks: [Int]) -> [Input] {
        var out: [Input] = []
        for objective in SelfModifyingTitans.InnerObjective.allCases {
            let fixed = inputs(exact: true, sizes: [(2, 2)], chunks: chunks, objectives: [objective], seed: seed)
            out.append(Input(label: "\(objective.rawValue) d=2 T=1 (all symbolic)", x: Array(fixed[0].x.prefix(1)),
                             initial: fixed[0].initial,
                             wq: fixed[0].wq, chunk: fixed[0].chunk, objective: objective, variables: allMemories.union(["x"])))
            for input in fixed {
                out.append(Input(label: "\(objective.rawValue) d=2 T=2 C=\(input.chunk) (symbolic tokens)", x: input.x,
                                 initial: input.initial,
                                 wq: input.wq, chunk: input.chunk, objective: objective, variables: ["x"]))
            }
        }
        return out
    }
}
