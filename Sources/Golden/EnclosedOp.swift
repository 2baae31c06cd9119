import BallArithmetic
import ExactMath

/// An op whose exact values are not rational (an activation, a norm): written once over
/// ``TranscendentalScalar``, it runs in `Double` (the binary64 reference) and in ``Ball`` (the
/// expected values: enclosures whose bounds round to one binary64, `Golden/FORMAT.md`, "Values
/// that are not rational"). In rationals it declines with an error of no kind.
public protocol EnclosedOp: GoldenOp {
    /// The outputs, in either scalar. Throws a ``GoldenError`` for invalid input, as ``GoldenOp/run(_:)``.
    func evaluate<S: TranscendentalScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>]
    /// The magnitude `m_i` of each element of `output` that its radius `boundUnits · u · m_i` scales
    /// (`Golden/FORMAT.md`, the λ table), from the inputs and the expected values `y`.
    func magnitudes(_ inputs: OpInputs<Double>, output: String, y: [Double]) throws -> [Double]
    /// Whether a case with these options has values that are not rational (by default, every case;
    /// an op with an `activation` option only for a transcendental activation).
    func needsEnclosure(options: [String: String]) -> Bool
}

extension EnclosedOp {
    public func needsEnclosure(options: [String: String]) -> Bool { true }

    public func run<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] { try runEnclosed(inputs) }

    /// ``evaluate(_:)`` in `Double` or `Ball`; in another scalar the input checks, then an error of no kind.
    public func runEnclosed<S: SquareRootScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        if let x = inputs as? OpInputs<Double> { return try evaluate(x) as! [String: OpOutput<S>] }
        if let x = inputs as? OpInputs<Ball> { return try evaluate(x) as! [String: OpOutput<S>] }
        // Invalid inputs are refused in any scalar: run the checks in Double first.
        _ = try evaluate(inputs.lifted(to: Double.self))
        throw inputs.limit("op", "\(name) has values that are not rational: it runs in Double or Ball, not \(S.self)")
    }

    /// The expected outputs: each element's correctly rounded binary64 and the enclosure that proves
    /// it, at the first precision of 128, 256, … 4096 bits where every element's ball rounds to one
    /// binary64. Throws for invalid input, and when 4096 bits do not settle an element.
    public func enclosures(_ inputs: [String: InputTensor], options: [String: String], tcId: Int?) throws
        -> [String: (shape: [Int], f64: [Double], enclosure: Tensor.Enclosure)] {
        var shapes: [String: [Int]] = [:], names: [String] = []
        let found = try Ball.correctlyRounded { () throws -> [Ball] in
            let out = try evaluate(OpInputs<Ball>(tensors: inputs, options: options, tcId: tcId))
            names = out.keys.sorted()
            shapes = out.mapValues(\.shape)
            return names.flatMap { out[$0]!.values }
        }
        guard let found else {
            throw GoldenError(file: "<generator>", tcId: tcId, field: "expected", "\(name): a ball still straddles at 4096 bits")
        }
        let balls = try Ball.$precision.withValue(found.precision) {
            try evaluate(OpInputs<Ball>(tensors: inputs, options: options, tcId: tcId))
        }
        var result: [String: (shape: [Int], f64: [Double], enclosure: Tensor.Enclosure)] = [:]
        var offset = 0
        for name in names {
            let values = balls[name]!.values, n = values.count
            let bounds = values.map(\.bounds)
            result[name] = (shapes[name]!, Array(found.values[offset..<(offset + n)]),
                            Tensor.Enclosure(precision: found.precision, lo: bounds.map(\.lo.description),
                                             hi: bounds.map(\.hi.description)))
            offset += n
        }
        return result
    }
}
