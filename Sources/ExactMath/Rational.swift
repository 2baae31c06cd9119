import CGMP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owner of one heap-allocated `mpq_t`.
///
/// The struct is allocated on the heap and reached through a `let` pointer, so GMP may alias
/// output and input operands without Swift's exclusivity checking seeing it, and it is never
/// copied bitwise into a second owner (which would double-free its limbs). A box is written only
/// while it is being constructed; afterwards it is immutable, which is what makes the
/// `@unchecked Sendable` below sound.
@usableFromInline
final class MPQBox: @unchecked Sendable {
    @usableFromInline let q: UnsafeMutablePointer<__mpq_struct>

    @usableFromInline init() {
        q = .allocate(capacity: 1)
        __gmpq_init(q)
    }

    deinit {
        __gmpq_clear(q)
        q.deallocate()
    }
}

/// An exact rational number backed by GMP's `mpq_t`, with value semantics.
///
/// Always in canonical form: lowest terms, positive denominator. Prints as `"p"` or `"p/q"`.
/// Division by zero stops the program with a clear message before GMP is called.
public struct Rational: Scalar, Hashable, Comparable, @unchecked Sendable {
    @usableFromInline let box: MPQBox

    @usableFromInline init(box: MPQBox) { self.box = box }

    /// Builds a new value by letting `body` write into a fresh `mpq_t`.
    @inlinable static func make(_ body: (UnsafeMutablePointer<__mpq_struct>) -> Void) -> Rational {
        let box = MPQBox()
        body(box.q)
        return Rational(box: box)
    }

    public init(_ value: Int) {
        self = Rational.make { __gmpq_set_si($0, value, 1) }
    }

    /// `numerator / denominator` in lowest terms. Stops the program if `denominator` is zero.
    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator != 0, "Rational(\(numerator), 0): zero denominator")
        self = Rational(numerator) / Rational(denominator)
    }

    /// The finite double `value`, exactly (GMP's `mpq_set_d` does not round).
    public init(dyadic value: Double) {
        precondition(value.isFinite, "Rational(dyadic:): \(value) is not finite")
        self = Rational.make { __gmpq_set_d($0, value) }
    }

    /// The finite double `value`, exactly; `nil` for NaN and infinities.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        self.init(dyadic: value)
    }

    // MARK: Field operations

    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        make { __gmpq_add($0, lhs.box.q, rhs.box.q) }
    }
    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        make { __gmpq_sub($0, lhs.box.q, rhs.box.q) }
    }
    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        make { __gmpq_mul($0, lhs.box.q, rhs.box.q) }
    }
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        precondition(!rhs.isZero, "Rational division by zero: \(lhs) / 0")
        return make { __gmpq_div($0, lhs.box.q, rhs.box.q) }
    }
    public static prefix func - (operand: Rational) -> Rational {
        make { __gmpq_neg($0, operand.box.q) }
    }

    public static func == (lhs: Rational, rhs: Rational) -> Bool {
        __gmpq_equal(lhs.box.q, rhs.box.q) != 0
    }
    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        __gmpq_cmp(lhs.box.q, rhs.box.q) < 0
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    /// −1, 0 or 1.
    public var signum: Int { Int(nl_mpq_sgn(box.q)) }
    public var isZero: Bool { signum == 0 }
    /// The absolute value.
    public var magnitude: Rational { Rational.make { __gmpq_abs($0, self.box.q) } }
    /// The reciprocal. Stops the program if `self` is zero.
    public var reciprocal: Rational { Rational(1) / self }

    /// `true` when the denominator is a power of two (the value is a dyadic rational).
    public var isDyadic: Bool {
        let den = nl_mpq_denref(box.q)!
        let bits = __gmpz_sizeinbase(den, 2)
        return __gmpz_scan1(den, 0) == bits - 1
    }

    /// Canonical text: `"p"` when the denominator is 1, otherwise `"p/q"`.
    public var description: String {
        guard let text = __gmpq_get_str(nil, 10, box.q) else { return "?" }
        defer { free(text) }
        return String(cString: text)
    }

    /// The GMP library version this build links.
    public static var gmpVersion: String { String(cString: nl_gmp_version()) }
}
