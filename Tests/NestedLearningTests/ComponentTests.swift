import Testing
import ExactMath
import NestedLearning

@Suite("Reference components")
struct ComponentTests {
    @Test("a CMS level updates exactly floor(T/C) times, at C, 2C, ...",
          arguments: [1, 2, 3, 5, 8], [0, 1, 4, 7, 12, 13])
    func cmsSchedule(period: Int, tokens: Int) {
        let mlp = TwoLayerMLP<Rational>(w1: Matrix([[Rational(1)]]), w2: Matrix([[Rational(1)]]), activation: .identity)
        let xs = (0..<tokens).map { _ in Vector([Rational(1, 2)]) }
        let losses = xs.map { _ in Loss<Rational>.squaredError(target: Vector([Rational(0)])) }
        let trace = CMSLevel(mlp: mlp, period: period, learningRate: Rational(1, 8)).run(inputs: xs, losses: losses)
        #expect(trace.updates.map(\.token) == Array(stride(from: period, through: tokens, by: period)))
        #expect(trace.outputs.count == tokens)
        var flushing = CMSLevel(mlp: mlp, period: period, learningRate: Rational(1, 8))
        flushing.tail = .flush
        let flushed = flushing.run(inputs: xs, losses: losses)
        #expect(flushed.updates.count == (tokens + period - 1) / period)
        #expect(flushed.updates.last?.token == (tokens == 0 ? nil : tokens))
    }

    @Test("the momentum memory and Polyak's form agree over a trajectory")
    func momentumForms() {
        var g = DyadicGenerator(seed: 9)
        let w0 = g.matrix(2, 2).lifted(to: Rational.self)
        var opt = HeavyBallMomentum(weight: w0, learningRate: Rational(1, 4), beta: Rational(3, 4))
        var previous = w0, current = w0
        for _ in 0..<10 {
            let grad = g.matrix(2, 2).lifted(to: Rational.self)
            opt.step(gradient: grad)
            let next = HeavyBallMomentum.polyakStep(current: current, previous: previous, gradient: grad,
                                                    learningRate: Rational(1, 4), beta: Rational(3, 4))
            previous = current
            current = next
            #expect(opt.weight == current)
        }
    }

    @Test("the printed DGD step size is right exactly when the key has unit norm")
    func dgdUnitNorm() {
        let w = Matrix<Rational>([[Rational(1), Rational(2)], [Rational(0), Rational(-1)]])
        let u = Vector([Rational(1), Rational(1, 2)])
        let unit = Vector([Rational(0), Rational(-1)])
        let long = Vector([Rational(1), Rational(1)])
        let eta = Rational(3, 4)
        #expect(DeltaGradientDescent.step(w, input: unit, target: u, learningRate: eta)
                == DeltaGradientDescent.step(w, input: unit, target: u, learningRate: eta, convention: .unitNormAsPrinted))
        #expect(DeltaGradientDescent.step(w, input: long, target: u, learningRate: eta)
                != DeltaGradientDescent.step(w, input: long, target: u, learningRate: eta, convention: .unitNormAsPrinted))
    }

    @Test("writing the same unit key twice: Hebbian adds, the delta rule (beta = 1) overwrites")
    func capacity() {
        let k = Vector([Rational(1), Rational(0)])
        let a = Vector([Rational(2), Rational(-1)]), b = Vector([Rational(1, 2), Rational(3)])
        var hebbian = Matrix<Rational>.zeros(2, 2), delta = Matrix<Rational>.zeros(2, 2)
        for v in [a, b] {
            hebbian = LinearAttention.write(hebbian, key: k, value: v)
            delta = DeltaRule.step(delta, key: k, value: v, beta: Rational(1))
        }
        #expect(hebbian * k == a + b)
        #expect(delta * k == b)
    }

    @Test("polynomial activation and its derivative")
    func activation() {
        let phi = PolynomialActivation.quadratic
        #expect(phi.value(Rational(2)) == Rational(4))      // 2 + 4/2
        #expect(phi.derivative(Rational(2)) == Rational(3)) // 1 + 2
        #expect(PolynomialActivation.identity.derivative(Rational(5)) == Rational(1))
    }
}
