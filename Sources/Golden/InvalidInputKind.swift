/// Why an op refuses its input: the invalid-case flags of `Golden/FORMAT.md` ("Invalid inputs").
/// Every `invalid` case carries exactly one of them, and a results entry that refuses a case may
/// name one as its `errorKind`; `--strict-errors` passes a refusal only when the two agree.
public enum InvalidInputKind: String, CaseIterable, Sendable {
    /// A tensor of another rank than the op reads, or a dimension that disagrees with another input's.
    case shapeMismatch = "ShapeMismatch"
    /// A NaN or an infinity in an input.
    case nonFinite = "NonFinite"
    /// A value outside its domain: a non-integer integer input, a period below 1, a negative rate.
    case outOfRange = "OutOfRange"
    /// A denominator of the op is zero for these inputs.
    case zeroDenominator = "ZeroDenominator"

    /// The kinds a results file may name for a suite: the invalid-case flags its manifest defines.
    public static func names(in manifest: Manifest) -> Set<String> {
        Set(allCases.map(\.rawValue).filter { manifest.flags[$0] != nil })
    }
}
