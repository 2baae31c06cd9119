/// One golden case file (`schema` = `nl-golden-case/1`). See `Golden/FORMAT.md`.
public struct GoldenCase: Codable, Sendable {
    public var schema: String
    public var suiteVersion: String
    public var tcId: Int
    public var op: String
    public var opVersion: Int
    public var comment: String
    /// `valid` (must match under the tolerance), `invalid` (must be rejected with an error),
    /// `acceptable` (implementation-defined).
    public var result: String
    public var flags: [String]
    /// The conventions the case depends on, `Type: case` (see `Spec/CONVENTIONS.md`).
    public var conventions: [String: String]
    /// The options the case selects, option name → value (`Golden/FORMAT.md`, "Options"); nil
    /// (the key absent) when every option has its default.
    public var options: [String: String]?
    public var inputs: [String: Tensor]
    public var expected: [String: Tensor]?
    public var tolerance: Tolerance?

    public static let schemaID = "nl-golden-case/1"
}

/// How a result is compared with the expected values.
public struct Tolerance: Codable, Sendable, Equatable {
    /// `exact`, `bitwise`, `ulp`, `ball` or `allclose`.
    public var policy: String
    /// Why this policy fits the op.
    public var reason: String
    /// For `ball`: the normwise bound `c·n` in units of the format's unit roundoff, so that
    /// `rad_i = boundUnits · u · max_j |q_j|`; a lower-precision consumer rescales `u`.
    public var boundUnits: Double?
    /// For `ulp`: the largest error in units in the last place of `RN(q)`.
    public var maxUlp: Double?

    public init(policy: String, reason: String, boundUnits: Double? = nil, maxUlp: Double? = nil) {
        self.policy = policy
        self.reason = reason
        self.boundUnits = boundUnits
        self.maxUlp = maxUlp
    }
}
