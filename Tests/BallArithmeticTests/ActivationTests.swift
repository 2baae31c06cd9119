import BallArithmetic
import ExactMath
import NestedLearning
import Testing

/// The activations of real MLP memories: their hand-written derivatives against a symmetric
/// difference quotient in 256-bit balls, ReLU's exactness, and the refusal to run a transcendental
/// activation in rationals (callers check `isRational`).
@Suite("MLP activations")
struct ActivationTests {
    @Test("phi' of silu, gelu and gelu_tanh equals (phi(z + h) - phi(z - h)) / 2h to O(h^2), in 256-bit balls")
    func derivativesAgainstDifferenceQuotients() {
        Ball.$precision.withValue(256) {
            let h = Ball(dyadic: 0x1p-40)
            for activation in [Activation.silu, .gelu, .geluTanh] {
                for z in [-6.0, -1.5, -0.25, 0, 0x1p-20, 0.75, 2, 5] {
                    let x = Ball(dyadic: z)
                    let quotient = (activation.value(x + h) - activation.value(x - h)) / (Ball(2) * h)
                    let difference = quotient - activation.derivative(x)
                    #expect(difference.isFinite && abs(difference.midpoint) + difference.radius < 0x1p-70, "\(activation) at \(z)")
                }
            }
        }
    }

    @Test("the values agree with the element-wise definitions; relu is exact with phi'(0) = 0")
    func valuesAndRelu() {
        for z in [-3.0, -0.5, 0, 0.5, 3] {
            let x = Ball(dyadic: z)
            #expect((Activation.silu.value(x) - Ball.silu(x)).containsZero)
            #expect((Activation.gelu.value(x) - Ball.geluErf(x)).containsZero)
            #expect((Activation.geluTanh.value(x) - Ball.geluTanh(x)).containsZero)
            let q = Rational(dyadic: z)
            #expect(Activation.relu.value(q) == (z > 0 ? q : Rational(0)))
            #expect(Activation.relu.derivative(q) == Rational(z > 0 ? 1 : 0))
        }
        #expect(Activation.relu.isRational && Activation.polynomial(.quadratic).isRational)
        #expect(!Activation.silu.isRational && !Activation.gelu.isRational && !Activation.geluTanh.isRational)
    }
}
