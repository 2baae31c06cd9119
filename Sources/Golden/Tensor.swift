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

    public init(shape: [Int], f64: [String]?, q: [String]?, rad: [String]? = nil) {
        dtype = "f64"
        self.shape = shape
        self.f64 = f64
        self.q = q
        self.rad = rad
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
