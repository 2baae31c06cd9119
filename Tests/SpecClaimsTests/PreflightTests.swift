import Testing
import ExactMath
import NestedLearning
@testable import SpecClaims

@Suite("Preflight: printed constants and shared arithmetic")
struct PreflightTests {
    @Test("every preflight check passes on this build")
    func allPass() {
        for f in Preflight.failures() { Issue.record("\(f.name): \(f.detail)") }
        #expect(Preflight.checks.count >= 5)
    }

    @Test("the constants are the printed decimals")
    func printed() {
        #expect(NewtonSchulz.Coefficients.muonQuintic == .init(a: 3.4445, b: -4.7750, c: 2.0315))
        #expect(NewtonSchulz.Coefficients.cubic == .init(a: 1.5, b: -0.5, c: 0))
        #expect(PolynomialActivation.quadratic == PolynomialActivation(numerators: [0, 2, 1], denominator: 2))
    }
}
