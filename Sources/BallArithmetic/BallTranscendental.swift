import CArb
import ExactMath

/// Ball is a transcendental scalar: π from Arb, the functions of `ElementaryFunctions.swift`.
extension Ball: TranscendentalScalar {
    public static var pi: Ball { make { arb_const_pi($0, precision) } }
}
