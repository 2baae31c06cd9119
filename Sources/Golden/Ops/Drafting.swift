import ExactMath

/// Named input tensors, as a draft holds them.
public typealias DraftInputs = [String: InputTensor]

/// The golden cases of one op, each under a key unique within the op (see ``GoldenOp/drafts()``).
public struct DraftSet: Sendable {
    public let op: any GoldenOp
    public private(set) var drafts: [String: GoldenSuite.Draft] = [:]

    public init(_ op: any GoldenOp) { self.op = op }

    mutating func add(_ key: String, _ draft: GoldenSuite.Draft) {
        precondition(drafts[key] == nil, "\(op.name): two cases under the key '\(key)'")
        drafts[key] = draft
    }
    /// A valid case, with the options it selects.
    /// A valid case whose decay gate is 0 somewhere also carries the flag `GateZero`.
    mutating func valid(_ key: String, _ comment: String, flags: [String], options: [String: String] = [:], _ inputs: DraftInputs) {
        let flags = flags + (Self.hasZeroDecay(op: op.name, inputs) ? ["GateZero"] : [])
        add(key, GoldenSuite.Draft(op: op, comment: comment, flags: flags, valid: true, inputs: inputs, refusal: nil, options: options))
    }
    /// Whether a decay factor is 0: a gate `alpha` of 0 (gated delta rule), or a forgetting rate
    /// `alpha` of 1 (the Titans memories, whose decay is `1 − α`). Such a gate has no log-space form
    /// (``Conventions/GateSpace``), so an implementation that takes log gates skips these cases.
    static func hasZeroDecay(op: String, _ inputs: DraftInputs) -> Bool {
        guard let alpha = inputs["alpha"]?.values else { return false }
        switch op {
        case "gated_delta_rule.sequence": return alpha.contains(0)
        case "titans_memory.chunked", "titans_mlp.chunked": return alpha.contains(1)
        default: return false
        }
    }
    /// Valid cases from a table: the row at index `i` is keyed and seeded `first + i`, and `draw`
    /// draws its inputs from a fresh generator with that seed.
    mutating func valid<Row>(seeds first: Int, _ rows: [Row], flags: [String], comment: (Row) -> String,
                             _ draw: (inout DyadicGenerator, Row) -> DraftInputs) {
        for (i, row) in rows.enumerated() {
            valid("\(first + i)", comment(row), flags: flags, drawn(seed: UInt64(first + i)) { draw(&$0, row) })
        }
    }
    /// An invalid case: `inputs` after `change`; `reason` follows `invalid: ` in the comment.
    mutating func invalid(_ key: String, _ reason: String, flag: String, options: [String: String] = [:], _ inputs: DraftInputs,
                          _ change: (inout DraftInputs) -> Void = { _ in }) {
        var inputs = inputs
        change(&inputs)
        add(key, GoldenSuite.Draft(op: op, comment: "invalid: " + reason, flags: [flag], valid: false, inputs: inputs, refusal: nil,
                                   options: options))
    }
    /// An invalid case made from the valid inputs `base` (with `options`) by `change`, so that the
    /// only reason to refuse it is the one it names; `field` is the input the reference's error names.
    mutating func refuse(_ key: String, _ base: DraftInputs, _ field: String, _ flag: String, _ reason: String,
                         options: [String: String] = [:], _ change: (inout DraftInputs) -> Void) {
        var inputs = base
        change(&inputs)
        add(key, GoldenSuite.Draft(op: op, comment: "invalid: " + reason, flags: [flag], valid: false, inputs: inputs,
                                   refusal: .init(field: field, base: base), options: options))
    }
}

/// The flags of a valid case by the width of its dyadic inputs: 2 bits is `Small`, more `Medium`.
func sizeFlags(bits: Int, _ more: String...) -> [String] { [bits == 2 ? "Small" : "Medium", "Dyadic"] + more }

extension InputTensor {
    /// `r × c` dyadic entries `k/2^bits` (for `bits == 2`, `|k| ≤ 7`; otherwise `|k| ≤ 2^bits`).
    static func matrix(_ g: inout DyadicGenerator, _ r: Int, _ c: Int, bits: Int) -> InputTensor {
        InputTensor(shape: [r, c], values: (0..<(r * c)).map { _ in g.dyadic(numeratorBound: bits == 2 ? 7 : (1 << bits), exponent: bits) })
    }
    /// `r × c` entries `k/4` with `|k| ≤ 3`.
    static func small(_ g: inout DyadicGenerator, _ r: Int, _ c: Int) -> InputTensor {
        InputTensor(shape: [r, c], values: (0..<(r * c)).map { _ in g.dyadic(numeratorBound: 3, exponent: 2) })
    }
    /// `r × c` entries `k/8` with `|k| ≤ 3`.
    static func eighths(_ g: inout DyadicGenerator, _ r: Int, _ c: Int) -> InputTensor {
        InputTensor(shape: [r, c], values: (0..<(r * c)).map { _ in g.dyadic(numeratorBound: 3, exponent: 3) })
    }
    /// `r × c` entries `k/4 · 2^e`, `|k| ≤ 7`, `-20 ≤ e ≤ 20`: many binades in one tensor.
    static func wide(_ g: inout DyadicGenerator, _ r: Int, _ c: Int) -> InputTensor {
        InputTensor(shape: [r, c], values: (0..<(r * c)).map { _ in
            g.dyadic(numeratorBound: 7, exponent: 2) * Double(sign: .plus, exponent: g.integer(in: -20...20), significand: 1)
        })
    }
    /// Keys drawn as `matrix`, divided by `⌈√d_k⌉` so that `β‖k‖²` stays below 2 and a delta-rule
    /// state stays bounded.
    static func keys(_ g: inout DyadicGenerator, _ t: Int, _ dk: Int, bits: Int) -> InputTensor {
        var k = matrix(&g, t, dk, bits: bits)
        k.values = k.values.map { $0 / Double(dk).squareRoot().rounded(.up) }
        return k
    }
    /// `T` values cycling through `pattern`.
    static func cycle(_ t: Int, _ pattern: [Double]) -> InputTensor { vector((0..<t).map { pattern[$0 % pattern.count] }) }

    /// `T × rows × cols` gradients whose running sums of squares are perfect squares, elementwise,
    /// first entries `k/2^exponent` with `1 ≤ |k| ≤ 7`, so that Adam and M3 run exactly in rationals.
    static func perfectSquareGradients(_ g: inout DyadicGenerator, steps: Int, rows: Int, cols: Int, exponent: Int,
                                       ratios: [Rational] = DyadicGenerator.dyadicRatios) -> InputTensor {
        var columns: [[Rational]] = []
        for _ in 0..<(rows * cols) {
            var k = 0
            while k == 0 { k = g.integer(in: -7...7) }
            columns.append(g.perfectSquarePrefixes(first: Rational(k, 1 << exponent), steps: steps, ratios: ratios))
        }
        let values = (0..<steps).flatMap { t in columns.map { column -> Double in
            let d = column[t].roundedDouble
            precondition(Rational(dyadic: d) == column[t], "perfectSquareGradients: \(column[t]) is not a double")
            return d
        } }
        return InputTensor(shape: [steps, rows, cols], values: values)
    }
}

/// The inputs of a memory run over a sequence, drawn in this order: `M0` (d_v×d_k), then one token
/// a row `K` (T×d_k), `V` (T×d_v), `Q` (T×d_k).
func memorySequence(_ g: inout DyadicGenerator, dk: Int, dv: Int, t: Int, bits: Int) -> DraftInputs {
    ["M0": .matrix(&g, dv, dk, bits: bits), "K": .matrix(&g, t, dk, bits: bits), "V": .matrix(&g, t, dv, bits: bits),
     "Q": .matrix(&g, t, dk, bits: bits)]
}

/// The same inputs for a delta-rule memory: the keys drawn first and scaled (``InputTensor/keys(_:_:_:bits:)``),
/// then `M0`, `V`, `Q`.
func scaledMemorySequence(_ g: inout DyadicGenerator, dk: Int, dv: Int, t: Int, bits: Int) -> DraftInputs {
    let k = InputTensor.keys(&g, t, dk, bits: bits)
    return ["M0": .matrix(&g, dv, dk, bits: bits), "K": k, "V": .matrix(&g, t, dv, bits: bits), "Q": .matrix(&g, t, dk, bits: bits)]
}

/// What `draw` draws from a fresh generator with `seed`.
func drawn<T>(seed: UInt64, _ draw: (inout DyadicGenerator) -> T) -> T {
    var g = DyadicGenerator(seed: seed)
    return draw(&g)
}
