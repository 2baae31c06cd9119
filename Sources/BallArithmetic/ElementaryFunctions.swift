import CArb

/// The elementary functions of the activations, gates and norms real implementations use, on
/// balls (each result encloses the exact function of every point of the argument's ball).
extension Ball {
    /// `log x` (natural); a ball reaching zero or below gives a non-finite ball.
    public static func log(_ x: Ball) -> Ball { make { arb_log($0, x.box.x, precision) } }
    /// `log(1 + x)`.
    public static func log1p(_ x: Ball) -> Ball { make { arb_log1p($0, x.box.x, precision) } }
    /// `tanh x`.
    public static func tanh(_ x: Ball) -> Ball { make { arb_tanh($0, x.box.x, precision) } }
    /// `erf x`.
    public static func erf(_ x: Ball) -> Ball { make { arb_hypgeom_erf($0, x.box.x, precision) } }

    /// The logistic sigmoid `σ(x) = 1 / (1 + e^{−x})`.
    public static func sigmoid(_ x: Ball) -> Ball { Ball(1) / (Ball(1) + exp(-x)) }
    /// `softplus(x) = log(1 + eˣ)`.
    public static func softplus(_ x: Ball) -> Ball { log1p(exp(x)) }
    /// `silu(x) = x σ(x)` (swish).
    public static func silu(_ x: Ball) -> Ball { x * sigmoid(x) }
    /// GELU, erf form: `x · ½(1 + erf(x/√2))`.
    public static func geluErf(_ x: Ball) -> Ball {
        x * (Ball(1) + erf(x / squareRoot(Ball(2)))) / Ball(2)
    }
    /// GELU, tanh form: `½x(1 + tanh(√(2/π)(x + 0.044715 x³)))`, with `0.044715 = 44715/10⁶` and
    /// `√(2/π)` exact, as the formula writes them (code that rounds them to binary64 first differs
    /// by less than an ulp of each, well inside any op's tolerance).
    public static func geluTanh(_ x: Ball) -> Ball {
        let pi = make { arb_const_pi($0, precision) }
        let c = Ball(44715) / Ball(1_000_000)
        let inner = squareRoot(Ball(2) / pi) * (x + c * x * x * x)
        return x * (Ball(1) + tanh(inner)) / Ball(2)
    }
}
