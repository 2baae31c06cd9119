import ExactMath
import NestedLearning
import Testing

@Suite("Nested CMS and the derivative from values")
struct NestedCMSTests {
    typealias Q = Rational

    @Test("interpolation weights give the exact derivative of every polynomial up to degree 2n, and not beyond")
    func polynomialDerivative() {
        // p(h) = sum c_k h^k with p'(0) = c_1.
        let coefficients = (0...9).map { Q($0 % 2 == 0 ? $0 + 1 : -$0, 3) }
        func p(_ degree: Int) -> (Int) -> Q {
            { h in (0...degree).reduce(Q(0)) { total, k in total + coefficients[k] * Q(h).power(k) } }
        }
        for degree in 1...9 {
            #expect(PolynomialDerivative.atZero(degree: degree, p(degree)) == coefficients[1], "degree \(degree)")
        }
        // Nodes for degree 4 (n = 2) cannot see h^5 or higher: an odd power breaks the derivative.
        #expect(PolynomialDerivative.atZero(degree: 4, p(5)) != coefficients[1])
        // The weights are antisymmetric and the central one is 0 (n = 1: -1/2, 0, 1/2).
        let w: [Q] = PolynomialDerivative.weights(halfWidth: 1)
        #expect(w == [Q(-1, 2), Q(0), Q(1, 2)])
        let w3: [Q] = PolynomialDerivative.weights(halfWidth: 3)
        #expect(w3 == [Q(-1, 60), Q(3, 20), Q(-3, 4), Q(0), Q(3, 4), Q(-3, 20), Q(1, 60)])
    }

    static func memory(etaOuter: Q, context: Int) -> NestedContinuumMemory<Q> {
        let phi = TwoLayerMLP(w1: Matrix([[Q(1, 2), Q(-1, 4)]]), w2: Matrix([[Q(3, 4)], [Q(1, 4)]]), activation: .quadratic)
        return NestedContinuumMemory(initialState: phi, innerPeriod: 2, innerRate: Q(1, 4), context: context, outerRate: etaOuter)
    }
    static let xs = (0..<6).map { Vector([Q($0 + 1, 4), Q(1 - $0, 4)]) }

    /// The first-order shortcut (not a reading of the component; CMS-NESTED's mutant): the
    /// per-token gradients at the inner states of one context, summed.
    static func firstOrder(_ m: NestedContinuumMemory<Q>, inputs: [Vector<Q>], targets: [Vector<Q>]) -> [Q] {
        let losses = targets.map { Loss<Q>.squaredError(target: $0) }
        let trace = NestedContinuumMemory<Q>.innerRun(from: m.initialState, period: m.innerPeriod, rate: m.innerRate, inputs: inputs,
                                                      losses: losses)
        var state = m.initialState, sum = Array(repeating: Q(0), count: state.flatParameters.count)
        for t in 1...inputs.count {
            sum = zip(sum, CMSLevel.tokenGradient(state, input: inputs[t - 1], loss: losses[t - 1])).map { $0 + $1 }
            if let u = trace.updates.first(where: { $0.token == t }) { state = u.after }
        }
        return sum
    }
    static let rs = (0..<6).map { Vector([Q($0 % 3, 4), Q(-1, 2)]) }

    @Test("with eta_s = 0 every context replays a CMS level from the same initial state")
    func frozenOuterLevelRestarts() {
        let trace = Self.memory(etaOuter: Q(0), context: 3).run(inputs: Self.xs, targets: Self.rs)
        let m = Self.memory(etaOuter: Q(0), context: 3)
        for offset in [0, 3] {
            let level = CMSLevel(mlp: m.initialState, period: 2, learningRate: Q(1, 4))
                .run(inputs: Array(Self.xs[offset..<(offset + 3)]),
                     losses: Self.rs[offset..<(offset + 3)].map { .squaredError(target: $0) })
            #expect(Array(trace.outputs[offset..<(offset + 3)]) == level.outputs)
        }
        #expect(trace.innerUpdates == [2, 5])
        #expect(trace.initialStates.allSatisfy { $0 == m.initialState })
    }

    @Test("a context as long as the sequence is one CMS level, and Phi moves once")
    func oneContext() {
        let m = Self.memory(etaOuter: Q(1, 8), context: 6)
        let trace = m.run(inputs: Self.xs, targets: Self.rs)
        let level = CMSLevel(mlp: m.initialState, period: 2, learningRate: Q(1, 4))
            .run(inputs: Self.xs, losses: Self.rs.map { .squaredError(target: $0) })
        #expect(trace.outputs == level.outputs && trace.final == level.final)
        #expect(trace.initialStates.count == 1 && trace.initialStates[0] != m.initialState)
        // The meta-gradient is not the first-order sum once the context has an inner update before its last read.
        #expect(m.contextGradient(at: m.initialState, inputs: Self.xs, targets: Self.rs)
                != Self.firstOrder(m, inputs: Self.xs, targets: Self.rs))
    }

    @Test("with C_s <= C_f there is no inner update in a context, and the meta-gradient is the first-order sum")
    func noInnerUpdate() {
        let m = Self.memory(etaOuter: Q(1, 8), context: 2)
        let x = Array(Self.xs.prefix(1)), r = Array(Self.rs.prefix(1))
        #expect(m.contextGradient(at: m.initialState, inputs: x, targets: r) == Self.firstOrder(m, inputs: x, targets: r))
    }
}
