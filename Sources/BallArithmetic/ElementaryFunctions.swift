import CArb

/// The elementary functions on balls (each result encloses the exact function of every point of
/// the argument's ball); the activations built on them are ``TranscendentalScalar``'s.
extension Ball {
    /// `log x` (natural); a ball reaching zero or below gives a non-finite ball.
    public static func log(_ x: Ball) -> Ball { make { arb_log($0, x.box.x, precision) } }
    /// `log(1 + x)`.
    public static func log1p(_ x: Ball) -> Ball { make { arb_log1p($0, x.box.x, precision) } }
    /// `tanh x`.
    public static func tanh(_ x: Ball) -> Ball { make { arb_tanh($0, x.box.x, precision) } }
    /// `erf x`.
    public static func erf(_ x: Ball) -> Ball { make { arb_hypgeom_erf($0, x.box.x, precision) } }
}
