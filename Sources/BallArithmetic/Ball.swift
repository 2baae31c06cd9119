import CArb
import ExactMath

/// A real number known to lie in a ball `[mid ± rad]`, computed with Arb's rigorous ball
/// arithmetic (FLINT): every operation returns a ball that provably contains the exact result of
/// the operation on any points of its operands' balls. `mid` is a binary floating-point number of
/// the working precision, `rad` a short upper bound.
///
/// `Ball` conforms to the scalar protocols, so the generic components run on it unchanged; it is
/// the scalar of values that are not rational (`exp`, `tanh`, `erf`, square roots): the golden
/// suite's transcendental ops take their expected `f64` from a ball whose bounds round to the
/// same binary64, which is then provably the correctly rounded value (``correctlyRounded``).
///
/// The working precision is task-local (``precision``, in bits): each operation rounds its
/// result's midpoint to that many bits and adds the rounding to the radius.
public struct Ball: Sendable {
    let box: ArbBox

    /// The working precision of the operations this task performs, in bits (default 128).
    @TaskLocal public static var precision: Int = 128

    init(box: ArbBox) { self.box = box }

    /// A new ball written by `body` into a fresh `arb_t`.
    static func make(_ body: (UnsafeMutablePointer<arb_struct>) -> Void) -> Ball {
        let box = ArbBox()
        body(box.x)
        return Ball(box: box)
    }

    /// The exact rational `q` when the working precision holds it (a dyadic with few bits), else a
    /// ball around it.
    public init(_ q: Rational) {
        let box = ArbBox()
        let ok = nl_arb_set_rational_str(box.x, q.description, Ball.precision)
        precondition(ok != 0, "Ball(\(q)): Rational.description is not flint's p/q")
        self.init(box: box)
    }

    /// Whether `q` lies in the ball.
    public func contains(_ q: Rational) -> Bool { nl_arb_contains_rational_str(box.x, q.description) == 1 }
    /// Whether the ball contains zero.
    public var containsZero: Bool { arb_contains_zero(box.x) != 0 }
    /// Whether the ball is finite (a finite midpoint and radius).
    public var isFinite: Bool { arb_is_finite(box.x) != 0 }

    /// The midpoint rounded to the nearest binary64.
    public var midpoint: Double { nl_arb_mid_nearest(box.x) }
    /// An upper bound on the radius, as a binary64.
    public var radius: Double { nl_arb_rad_up(box.x) }

    /// The binary64 nearest to every point of the ball, when there is one: the lower and upper
    /// bounds each rounded to nearest give the same double. Then it is the correctly rounded value
    /// of the exact number the ball encloses. Nil when the ball straddles a rounding boundary (a
    /// midpoint between two doubles, or a ball too wide): recompute at a higher precision
    /// (``correctlyRounded(startingAt:limit:_:)``).
    public var correctlyRounded: Double? {
        guard isFinite else { return nil }
        var low = 0.0, high = 0.0
        nl_arb_bounds_nearest(box.x, &low, &high)
        return low == high || (low == 0 && high == 0) ? low : nil
    }

    /// Evaluates `compute` at precisions `start`, `2·start`, … up to `limit` bits and returns the
    /// correctly rounded binary64 of every ball it gives, at the first precision where all of them
    /// are determined, with that precision. Nil when `limit` is reached first: an exact tie (a
    /// midpoint between two doubles) never resolves, and exact rationals settle it instead.
    public static func correctlyRounded(startingAt start: Int = 128, limit: Int = 4096,
                                        _ compute: () throws -> [Ball]) rethrows -> (values: [Double], precision: Int)? {
        var bits = start
        while bits <= limit {
            let balls = try $precision.withValue(bits) { try compute() }
            let rounded = balls.map(\.correctlyRounded)
            if rounded.allSatisfy({ $0 != nil }) { return (rounded.map { $0! }, bits) }
            bits *= 2
        }
        return nil
    }
}

/// An `arb_t` owned for the lifetime of a ``Ball`` (never copied by value: Arb's structs hold
/// pointers).
final class ArbBox: @unchecked Sendable {
    let x: UnsafeMutablePointer<arb_struct>
    init() {
        x = .allocate(capacity: 1)
        arb_init(x)
    }
    deinit {
        arb_clear(x)
        x.deallocate()
    }
}

extension Ball: RealScalar {
    public init(_ value: Int) { self = Ball.make { arb_set_si($0, value) } }

    /// The finite double `value`, exactly (a binary64 is a 53-bit dyadic: the radius is 0).
    public init(dyadic value: Double) {
        precondition(value.isFinite, "Ball(dyadic:): \(value) is not finite")
        self = Ball.make { arb_set_d($0, value) }
    }

    public static func + (lhs: Ball, rhs: Ball) -> Ball { make { arb_add($0, lhs.box.x, rhs.box.x, precision) } }
    public static func - (lhs: Ball, rhs: Ball) -> Ball { make { arb_sub($0, lhs.box.x, rhs.box.x, precision) } }
    public static func * (lhs: Ball, rhs: Ball) -> Ball { make { arb_mul($0, lhs.box.x, rhs.box.x, precision) } }
    /// Division; a divisor ball that contains zero gives an infinite (non-finite) ball.
    public static func / (lhs: Ball, rhs: Ball) -> Ball { make { arb_div($0, lhs.box.x, rhs.box.x, precision) } }
    public static prefix func - (operand: Ball) -> Ball { make { arb_neg($0, operand.box.x) } }

    /// The same ball: midpoint and radius equal (not "the same number": use ``contains(_:)`` and
    /// ``containsZero`` for statements about the enclosed value).
    public static func == (lhs: Ball, rhs: Ball) -> Bool { arb_equal(lhs.box.x, rhs.box.x) != 0 }

    /// Exactly zero: midpoint 0 and radius 0.
    public var isZero: Bool { arb_is_zero(box.x) != 0 }
    /// The midpoint rounded to nearest (``correctlyRounded`` is the statement about the value).
    public var roundedDouble: Double { midpoint }

    public var description: String {
        guard let text = arb_get_str(box.x, 20, 0) else { return "[?]" }
        defer { flint_free(text) }
        return String(cString: text)
    }

    /// `√x`; a ball reaching below zero gives an indeterminate (non-finite) ball.
    public static func squareRoot(_ x: Ball) -> Ball { make { arb_sqrt($0, x.box.x, precision) } }
    /// Every non-negative ball has a square-root ball; nil for a ball entirely below zero.
    public static func representableSquareRoot(_ x: Ball) -> Ball? {
        let root = squareRoot(x)
        return root.isFinite ? root : nil
    }
    public static func exp(_ x: Ball) -> Ball { make { arb_exp($0, x.box.x, precision) } }
}

extension Ball {
    /// The ball's lower and upper bounds as exact rationals (dyadic: Arb's bounds are binary
    /// fractions). For a non-finite ball, the precondition fails.
    public var bounds: (lo: Rational, hi: Rational) {
        precondition(isFinite, "Ball.bounds: \(self) is not finite")
        func rational(_ text: UnsafeMutablePointer<CChar>?) -> Rational {
            guard let text else { preconditionFailure("Ball.bounds: no bound") }
            defer { flint_free(text) }
            return try! Rational(parsing: String(cString: text))
        }
        return (rational(nl_arb_bound_rational_str(box.x, 0)), rational(nl_arb_bound_rational_str(box.x, 1)))
    }
}
