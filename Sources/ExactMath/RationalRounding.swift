import CGMP

/// An `mpz_t` owned for the duration of a computation.
final class MPZ {
    let z: UnsafeMutablePointer<__mpz_struct>
    init() { z = .allocate(capacity: 1); __gmpz_init(z) }
    convenience init(copying other: UnsafePointer<__mpz_struct>) { self.init(); __gmpz_set(z, other) }
    deinit { __gmpz_clear(z); z.deallocate() }
}

extension Rational {
    /// The value rounded to the nearest binary64, ties to even.
    ///
    /// Handles subnormals (the last place never goes below 2⁻¹⁰⁷⁴) and overflows to ±∞ when the
    /// rounded magnitude reaches 2¹⁰²⁴. GMP's `mpq_get_d` truncates toward zero, so it is not
    /// used. Method: with `n/d = |self|`, find `E = ⌊log₂(n/d)⌋` exactly, set the weight of the
    /// last kept bit `lsb = max(E − 52, −1074)`, take `q = ⌊n / (d·2^lsb)⌋` with remainder `r`,
    /// and round `q` up when `2r > d·2^lsb`, or when equal and `q` is odd.
    public var roundedDouble: Double {
        let sign = signum
        if sign == 0 { return 0 }
        let n = MPZ(copying: nl_mpq_numref(box.q))
        __gmpz_abs(n.z, n.z)
        let d = MPZ(copying: nl_mpq_denref(box.q))

        // E = floor(log2(n/d)), exactly.
        let e0 = Int(__gmpz_sizeinbase(n.z, 2)) - Int(__gmpz_sizeinbase(d.z, 2))
        let lhs = MPZ(copying: n.z), rhs = MPZ(copying: d.z)
        if e0 >= 0 { __gmpz_mul_2exp(rhs.z, rhs.z, mp_bitcnt_t(e0)) } else { __gmpz_mul_2exp(lhs.z, lhs.z, mp_bitcnt_t(-e0)) }
        let exponent = __gmpz_cmp(lhs.z, rhs.z) >= 0 ? e0 : e0 - 1
        if exponent > 1023 { return sign > 0 ? .infinity : -.infinity }

        let lsb = max(exponent - 52, -1074)
        let num = MPZ(copying: n.z), den = MPZ(copying: d.z)
        if lsb >= 0 { __gmpz_mul_2exp(den.z, den.z, mp_bitcnt_t(lsb)) } else { __gmpz_mul_2exp(num.z, num.z, mp_bitcnt_t(-lsb)) }
        let q = MPZ(), r = MPZ()
        __gmpz_tdiv_qr(q.z, r.z, num.z, den.z)
        __gmpz_mul_2exp(r.z, r.z, 1)
        let c = __gmpz_cmp(r.z, den.z)
        var significand = UInt64(__gmpz_get_ui(q.z))
        if c > 0 || (c == 0 && significand & 1 == 1) { significand += 1 }
        // significand <= 2^53, so the conversion is exact; the scaling is exact or overflows.
        let magnitude = Double(sign: .plus, exponent: lsb, significand: Double(significand))
        return sign > 0 ? magnitude : -magnitude
    }
}
