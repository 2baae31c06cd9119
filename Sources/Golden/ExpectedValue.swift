import ExactMath

/// An expected element as a grader compares a result with it: an exact rational (`q`), or bounds
/// that enclose a value that is not rational (`Golden/FORMAT.md`, "Values that are not rational").
enum ExpectedValue: Sendable, Equatable {
    case exact(String)
    case enclosed(lo: String, hi: String)

    /// How the report line shows it: `<q>`, or `in [<lo>, <hi>]`.
    var shown: String {
        switch self {
        case .exact(let q): ReportFormat.number(q)
        case .enclosed(let lo, let hi): "in [\(ReportFormat.number(lo)), \(ReportFormat.number(hi))]"
        }
    }

    /// Whether the information figure "worst ulp" counts this element (`Golden/FORMAT.md`): where
    /// `q ≠ 0`, or for an enclosure where its double `e ≠ 0`.
    func hasUlpFigure(_ e: Double) -> Bool {
        switch self {
        case .exact(let q): q != "0"
        case .enclosed: e != 0
        }
    }

    /// A bound on `|x − exact|`: `|x − q|`, or `max(|x − lo|, |x − hi|)` (the exact value lies in
    /// `[lo, hi]`). The strings are canonical rationals (checked when the suite is read).
    func error(of x: Rational) throws -> Rational {
        switch self {
        case .exact(let q): return (x - (try Rational(parsing: q))).magnitude
        case .enclosed(let lo, let hi):
            let (a, b) = ((x - (try Rational(parsing: lo))).magnitude, (x - (try Rational(parsing: hi))).magnitude)
            return a < b ? b : a
        }
    }

    /// Whether a result given as the rational `s` is the expected value exactly.
    func isExactly(_ s: String) -> Bool {
        switch self {
        case .exact(let q): s == q
        case .enclosed(let lo, let hi): lo == hi && s == lo
        }
    }
}
