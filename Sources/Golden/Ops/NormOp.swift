import BallArithmetic
import ExactMath

/// `norm.rms`, `norm.layer`, `norm.l2`: the normalisations of real Titans and Hope blocks, row by
/// row over `X` (T×d). RMSNorm `y = x / √(mean x² + ε) ⊙ γ`; LayerNorm `y = (x − μ) / √(σ² + ε) ⊙ γ + β`
/// with the biased variance `σ² = mean (x − μ)²`; L2 normalisation `y = x / max(‖x‖₂, ε)` (as
/// `torch.nn.functional.normalize`). Square roots are not rational, so the expected values are
/// enclosures (``EnclosedOp``).
public struct NormOp: EnclosedOp {
    public enum Kind: String, CaseIterable, Sendable { case rms, layer, l2 }

    public let kind: Kind
    public var name: String { "norm.\(kind.rawValue)" }
    public var conventions: [String: String] {
        switch kind {
        case .rms: ["Epsilon": "inside the root: sqrt(mean x^2 + eps)"]
        case .layer: ["Epsilon": "inside the root: sqrt(var + eps)", "Variance": "biased (divide by d)"]
        case .l2: ["Epsilon": "a floor on the norm: max(||x||, eps)"]
        }
    }
    public init(_ kind: Kind) { self.kind = kind }

    public func evaluate<S: TranscendentalScalar>(_ inputs: OpInputs<S>) throws -> [String: OpOutput<S>] {
        let x = try inputs.matrix("X")
        guard x.cols >= 1 else { throw inputs.fail("X", .shapeMismatch, "expected d >= 1 columns, shape is [\(x.rows), \(x.cols)]") }
        let gamma = kind == .l2 ? nil : try inputs.vector("gamma", count: x.cols)
        let beta = kind == .layer ? try inputs.vector("beta", count: x.cols) : nil
        let eps = try inputs.scalar("eps", atLeast: 0)
        let d = S(x.cols)
        var rows: [Vector<S>] = []
        for t in 0..<x.rows {
            let row = x.row(t)
            let centred: Vector<S>, denominator: S
            switch kind {
            case .rms:
                centred = row
                denominator = S.squareRoot(row.dot(row) / d + eps)
            case .layer:
                let mean = row.elements.reduce(S(0), +) / d
                centred = Vector(row.elements.map { $0 - mean })
                denominator = S.squareRoot(centred.dot(centred) / d + eps)
            case .l2:
                centred = row
                let norm = S.squareRoot(row.dot(row))
                denominator = norm.roundedDouble < eps.roundedDouble || norm == eps ? eps : norm
            }
            if denominator.isZero {
                throw inputs.fail("X", .zeroDenominator, "row \(t): the denominator is 0 (a \(kind == .layer ? "constant" : "zero") row "
                                  + "with eps = 0)")
            }
            let scaled = centred.elements.enumerated().map { j, v in v / denominator * (gamma?[j] ?? S(1)) + (beta?[j] ?? S(0)) }
            rows.append(Vector(scaled))
        }
        return ["Y": OpOutput(rows: rows, width: x.cols)]
    }

    /// `λ = d + 8` per row.
    public func boundUnits(_ inputs: OpInputs<Double>) throws -> Double { 4 * Double(try inputs.matrix("X").cols + 8) }

    /// Row by row: the largest `|y_j|` of the row; for LayerNorm `|γ_j| · max_k |x_k| / √(σ² + ε) + |β_j|`,
    /// since `x − μ` cancels when the row is nearly constant and its rounding (relative to `max |x|`)
    /// is then divided by a small `σ`. Evaluated in binary64 (a radius needs no more).
    public func magnitudes(_ inputs: OpInputs<Double>, output: String, y: [Double]) throws -> [Double] {
        let x = try inputs.matrix("X"), d = x.cols
        guard kind == .layer else {
            return y.indices.map { i in y[(i / d * d)..<((i / d + 1) * d)].map(\.magnitude).max()! }
        }
        let gamma = try inputs.vector("gamma", count: d).elements, beta = try inputs.vector("beta", count: d).elements
        let eps = try inputs.scalarDouble("eps")
        return y.indices.map { i in
            let row = x.row(i / d).elements
            let mean = row.reduce(0, +) / Double(d)
            let sigma = (row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d) + eps).squareRoot()
            return gamma[i % d].magnitude * row.map(\.magnitude).max()! / sigma + beta[i % d].magnitude
        }
    }
}

extension NormOp {
    public func drafts() -> DraftSet {
        var cases = DraftSet(self)
        let seed = 5100 + 10 * (Kind.allCases.firstIndex(of: kind) ?? 0)
        func inputs(_ g: inout DyadicGenerator, t: Int, d: Int, bits: Int, eps: Double) -> DraftInputs {
            var inputs: DraftInputs = ["X": .matrix(&g, t, d, bits: bits), "eps": .scalar(eps)]
            if kind != .l2 { inputs["gamma"] = .vector((0..<d).map { _ in g.dyadic(numeratorBound: 255, exponent: 7) }) }
            if kind == .layer { inputs["beta"] = .vector((0..<d).map { _ in g.dyadic(numeratorBound: 255, exponent: 8) }) }
            return inputs
        }
        cases.valid("\(seed)", "small: 3 rows of 4, eps = 2^-20", flags: ["Small", "Dyadic"],
                    drawn(seed: UInt64(seed)) { inputs(&$0, t: 3, d: 4, bits: 2, eps: 0x1p-20) })
        cases.valid("\(seed + 1)", "eps = 0 and eps = 1e-5 (binary64), a row of one element, a row near constant",
                    flags: ["Small", "Dyadic"], drawn(seed: UInt64(seed + 1)) { g in
                        var x = inputs(&g, t: 2, d: 3, bits: 2, eps: 0)
                        x["X"]!.values = [1, 1 + 0x1p-20, 1, 0.25, -0.5, 2]
                        return x
                    })
        cases.valid("\(seed + 2)", "medium: 16 rows of 64, eps = 1e-5", flags: ["Medium", "Dyadic"],
                    drawn(seed: UInt64(seed + 2)) { inputs(&$0, t: 16, d: 64, bits: 8, eps: 1e-5) })
        cases.valid("\(seed + 3)", "d = 1 with eps = 1e-6", flags: ["Small", "Dyadic"],
                    drawn(seed: UInt64(seed + 3)) { inputs(&$0, t: 2, d: 1, bits: 2, eps: 1e-6) })
        let base = drawn(seed: UInt64(seed + 5)) { inputs(&$0, t: 2, d: 3, bits: 2, eps: 0x1p-10) }
        cases.refuse("\(seed + 5)a", base, "eps", "OutOfRange", "eps = -2^-10") { $0["eps"] = .scalar(-0x1p-10) }
        let zeroRow = kind == .layer ? "a constant row with eps = 0" : "a zero row with eps = 0"
        cases.refuse("\(seed + 5)b", base, "X", "ZeroDenominator", zeroRow) {
            $0["eps"] = .scalar(0)
            $0["X"]!.values[0..<3] = kind == .layer ? [0.75, 0.75, 0.75] : [0, 0, 0]
        }
        cases.refuse("\(seed + 5)c", base, "X", "NonFinite", "infinity in X") { $0["X"]!.values[4] = .infinity }
        if kind != .l2 {
            cases.refuse("\(seed + 5)d", base, "gamma", "ShapeMismatch", "gamma has 2 entries for d = 3") { $0["gamma"] = .vector([1, 1]) }
        } else {
            cases.refuse("\(seed + 5)d", base, "X", "ShapeMismatch", "X is a vector (rank 1), not T x d") {
                $0["X"] = .vector([0.5, -0.25, 1])
            }
        }
        return cases
    }
}
