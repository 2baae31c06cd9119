import ExactMath

/// A tensor as stored in a golden case: row-major values with their shape, as binary64 bit
/// patterns (`f64`, 16 lowercase hex digits) and, where exact, canonical rationals (`q`).
public struct Tensor: Codable, Equatable, Sendable {
    public var dtype: String
    public var shape: [Int]
    public var f64: [String]?
    public var q: [String]?
    /// Per-element error radius (`ball` policy), as binary64 bit patterns.
    public var rad: [String]?
    /// For a value that is not rational (expected outputs only), in place of `q`: bounds that
    /// provably enclose it (`Golden/FORMAT.md`, "Values that are not rational").
    public var enclosure: Enclosure?

    public init(shape: [Int], f64: [String]?, q: [String]?, rad: [String]? = nil, enclosure: Enclosure? = nil) {
        dtype = "f64"
        self.shape = shape
        self.f64 = f64
        self.q = q
        self.rad = rad
        self.enclosure = enclosure
    }

    /// Rational bounds `lo ≤ exact ≤ hi` of each element, from balls at `precision` bits.
    public struct Enclosure: Codable, Equatable, Sendable {
        public var precision: Int
        public var lo: [String]
        public var hi: [String]
        public init(precision: Int, lo: [String], hi: [String]) { self.precision = precision; self.lo = lo; self.hi = hi }
    }

    /// The expected value of element `i`: exact (`q`) or enclosed (`enclosure`).
    func expectedValue(_ i: Int) -> ExpectedValue? {
        if let q, q.indices.contains(i) { return .exact(q[i]) }
        if let e = enclosure, e.lo.indices.contains(i), e.hi.indices.contains(i) { return .enclosed(lo: e.lo[i], hi: e.hi[i]) }
        return nil
    }

    /// Inputs: the doubles, and their exact rational values.
    public static func exact(_ values: [Double], shape: [Int]) -> Tensor {
        Tensor(shape: shape, f64: values.map(hex), q: values.map { Rational(dyadic: $0).description })
    }

    /// Expected outputs: the exact values and their correctly rounded doubles.
    public static func expected(_ values: [Rational], shape: [Int], radius: [Double]? = nil) -> Tensor {
        Tensor(shape: shape, f64: values.map { hex($0.roundedDouble) }, q: values.map(\.description), rad: radius?.map(hex))
    }

    public static func hex(_ d: Double) -> String {
        let s = String(d.bitPattern, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// Number of elements the shape implies.
    public var elementCount: Int { shape.reduce(1, *) }

    /// Parses one `f64` bit pattern.
    public static func double(fromHex s: String) -> Double? {
        guard s.utf8.count == 16, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }),
              let bits = UInt64(s, radix: 16) else { return nil }
        return Double(bitPattern: bits)
    }

    /// The `f64` values, validated: present, the right count, well-formed, finite unless allowed.
    public func doubles(file: String, tcId: Int?, field: String, allowNonFinite: Bool = false) throws -> [Double] {
        guard dtype == "f64" else { throw GoldenError(file: file, tcId: tcId, field: field, "dtype '\(dtype)' is not f64") }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw GoldenError(file: file, tcId: tcId, field: field, "negative extent in shape \(shape)")
        }
        guard let f64 else { throw GoldenError(file: file, tcId: tcId, field: field, "missing 'f64' values") }
        guard f64.count == elementCount else {
            throw GoldenError(file: file, tcId: tcId, field: field, "shape \(shape) needs \(elementCount) values, found \(f64.count)")
        }
        return try f64.enumerated().map { i, s in
            guard let d = Self.double(fromHex: s) else {
                throw GoldenError(file: file, tcId: tcId, field: "\(field).f64[\(i)]", "'\(s)' is not 16 lowercase hex digits")
            }
            if !allowNonFinite && !d.isFinite {
                throw GoldenError(file: file, tcId: tcId, field: "\(field).f64[\(i)]",
                                  "non-finite value \(d) where the schema requires a finite one")
            }
            return d
        }
    }

    /// The `q` values, validated as canonical rationals and matching the shape.
    /// The bounds of an ``Enclosure``, parsed and checked: canonical rationals, one pair per
    /// element, `lo ≤ hi`, a precision of at least 53 bits, and `f64` the binary64 both bounds round
    /// to (so it is the correctly rounded exact value).
    public func enclosureBounds(file: String, tcId: Int?, field: String) throws -> [(lo: Rational, hi: Rational)] {
        func fail(_ sub: String, _ message: String) -> GoldenError { GoldenError(file: file, tcId: tcId, field: field + sub, message) }
        guard let e = enclosure else { throw fail("", "missing 'q' or 'enclosure' values") }
        guard q == nil else { throw fail(".enclosure", "a tensor gives q or enclosure, not both") }
        guard e.precision >= 53 && e.precision < 1 << 53 else {
            throw fail(".enclosure.precision", "\(e.precision) is not in 53...2^53 - 1")
        }
        for (key, list) in [("lo", e.lo), ("hi", e.hi)] where list.count != elementCount {
            throw fail(".enclosure.\(key)", "shape \(shape) needs \(elementCount) values, found \(list.count)")
        }
        let d = try doubles(file: file, tcId: tcId, field: field)
        return try (0..<elementCount).map { i in
            let bound = { (key: String, s: String) throws -> Rational in
                do { return try Rational(parsing: s) } catch let error as RationalParseError {
                    throw fail(".enclosure.\(key)[\(i)]", error.description)
                }
            }
            let (lo, hi) = (try bound("lo", e.lo[i]), try bound("hi", e.hi[i]))
            guard !(hi < lo) else { throw fail(".enclosure.lo[\(i)]", "lo \(e.lo[i].prefix(60)) is above hi \(e.hi[i].prefix(60))") }
            guard lo.roundedDouble.bitPattern == d[i].bitPattern || (lo.isZero && d[i] == 0),
                  hi.roundedDouble.bitPattern == d[i].bitPattern || (hi.isZero && d[i] == 0) else {
                throw fail(".f64[\(i)]", "f64 \(f64![i]) is not the binary64 both bounds of the enclosure round to")
            }
            return (lo, hi)
        }
    }

    public func rationals(file: String, tcId: Int?, field: String) throws -> [Rational] {
        guard let q else { throw GoldenError(file: file, tcId: tcId, field: field, "missing 'q' values") }
        guard q.count == elementCount else {
            throw GoldenError(file: file, tcId: tcId, field: field, "shape \(shape) needs \(elementCount) values, found \(q.count)")
        }
        return try q.enumerated().map { i, s in
            do { return try Rational(parsing: s) } catch let e as RationalParseError {
                throw GoldenError(file: file, tcId: tcId, field: "\(field).q[\(i)]", e.description)
            }
        }
    }
}
