import ExactMath

/// Grades the outputs given for one valid case, element by element (`Golden/FORMAT.md`,
/// "Per element" and "The first failing element").
struct CaseGrader {
    let c: GoldenCase
    let given: [String: [Verifier.Given]]
    let shapes: [String: [Int]?]
    let scale: Rational
    let signature: OpSignature

    init(_ c: GoldenCase, given: [String: [Verifier.Given]], shapes: [String: [Int]?], scale: Rational) {
        self.c = c; self.given = given; self.shapes = shapes; self.scale = scale
        signature = OpSignature.all[c.op]!
    }

    private var expected: [String: Tensor] { c.expected ?? [:] }
    private var policy: String { c.tolerance?.policy ?? "ball" }

    func verdict() throws -> CaseVerdict {
        let head = "FAIL \(c.tcId) \(c.op)"
        for name in signature.outputs {
            let e = expected[name]!
            guard let g = given[name] else { return CaseVerdict(c, .failed, .outputMissing, line: "\(head): output \(name) is missing") }
            if let shape = shapes[name] ?? nil, shape != e.shape {
                return CaseVerdict(c, .failed, .shape, line: "\(head): output \(name) has shape \(shape), expected \(e.shape)")
            }
            if g.count != e.elementCount {
                return CaseVerdict(c, .failed, .count,
                                   line: "\(head): output \(name) has \(g.count) values, expected \(e.elementCount) (shape \(e.shape))")
            }
        }
        var worstRatio: Double?, worstUlp: Double?
        var failing: [String: Int] = [:]
        var first: (key: (Int, Int, Int), name: String, index: Int)?
        for (rank, name) in signature.outputs.enumerated() {
            let e = expected[name]!
            let f64 = e.f64!
            for i in 0..<e.elementCount {
                let ok: Bool
                let value = try expectedValue(name, i)
                switch given[name]![i] {
                case .exact(let s):
                    ok = value.isExactly(s)
                case .double(let g, _):
                    guard g.isFinite else { ok = false; break }
                    let error = try value.error(of: Rational(dyadic: g))
                    let eDouble = Tensor.double(fromHex: f64[i])!
                    let allowed = try allowed(name, i, e: eDouble, value: value)
                    ok = policy == "bitwise" ? Tensor.hex(g) == f64[i] : error <= allowed
                    // Both figures over the finite float elements with allowed > 0; ulps only where q != 0.
                    if !allowed.isZero {
                        worstRatio = max(worstRatio ?? 0, (error / allowed).roundedDouble)
                        if value.hasUlpFigure(eDouble) {
                            worstUlp = max(worstUlp ?? 0, (error / Rational(dyadic: FloatError.ulp(eDouble))).roundedDouble)
                        }
                    }
                }
                if ok { continue }
                failing[name, default: 0] += 1
                let key = (step(name, i), rank, i)
                if first == nil || key < first!.key { first = (key, name, i) }
            }
        }
        guard let first else {
            return CaseVerdict(c, .passed, .withinTolerance, failingElements: 0, errorOverAllowed: worstRatio, worstUlp: worstUlp)
        }
        return CaseVerdict(c, .failed, .outOfTolerance, line: try line(first.name, first.index, failing: failing[first.name]!),
                           failingElements: failing[first.name]!, errorOverAllowed: worstRatio, worstUlp: worstUlp)
    }

    /// Element `i` of the expected output `name`, its strings checked as canonical rationals.
    private func expectedValue(_ name: String, _ i: Int) throws -> ExpectedValue {
        let field = expected[name]?.q != nil ? "expected.\(name).q[\(i)]" : "expected.\(name).enclosure[\(i)]"
        guard let value = expected[name]?.expectedValue(i) else {
            throw GoldenError(file: "golden", tcId: c.tcId, field: field, "no expected value")
        }
        do { _ = try value.error(of: Rational(0)) } catch {
            throw GoldenError(file: "golden", tcId: c.tcId, field: field, "\(error)")
        }
        return value
    }

    /// The allowed error of one float element under the case's policy, scaled for `--precision`.
    private func allowed(_ name: String, _ i: Int, e: Double, value: ExpectedValue) throws -> Rational {
        switch policy {
        case "exact": return Rational(0)
        case "bitwise": return try value.error(of: Rational(dyadic: e))
        case "ulp": return Rational(dyadic: c.tolerance?.maxUlp ?? 0) * Rational(dyadic: FloatError.ulp(e)) * scale
        default: return Rational(dyadic: Tensor.double(fromHex: expected[name]!.rad![i])!) * scale
        }
    }

    /// When in the run element `i` of output `name` is produced (0-based; `Int.max`: at the end).
    private func step(_ name: String, _ i: Int) -> Int {
        let shape = expected[name]!.shape
        let rowSize = shape.dropFirst().reduce(1, *)
        let row = shape.isEmpty || rowSize == 0 ? 0 : i / rowSize
        func expectedInt(_ output: String, _ index: Int) -> Int? {
            // An integer output of an enclosed case has lo = hi; a wider enclosure gives no step.
            switch expected[output]?.expectedValue(index) {
            case .exact(let q): return Int(q)
            case .enclosed(let lo, let hi) where lo == hi: return Int(lo)
            default: return nil
            }
        }
        func inputInt(_ input: String) -> Int? {
            guard let s = c.inputs[input]?.f64?.first, let d = Tensor.double(fromHex: s), d.isFinite, d.magnitude < 0x1p52 else {
                return nil
            }
            return Int(d)
        }
        switch signature.step(of: name) {
        case .axis0: return row
        case .ownTokenValue: return (expectedInt(name, row * rowSize) ?? Int.max - 1) - 1
        case .afterUpdateToken: return (expectedInt("update_tokens", row) ?? Int.max - 1) - 1
        case .perContext: return inputInt("context").map { (row + 1) * $0 - 1 } ?? Int.max - 1
        case .afterSplit: return (inputInt("split") ?? Int.max - 1) - 1
        case .final: return Int.max
        }
    }

    /// The contract's report line for the first failing element.
    private func line(_ name: String, _ i: Int, failing: Int) throws -> String {
        let e = expected[name]!
        let value = try expectedValue(name, i), eDouble = Tensor.double(fromHex: e.f64![i])!
        let at = "FAIL \(c.tcId) \(c.op) \(name)\(ReportFormat.multiIndex(i, shape: e.shape))"
        var text = "\(at): first of \(failing) failing elements (of \(e.elementCount)): "
            + "expected \(value.shown) ~ \(ReportFormat.fmt17(eDouble)), given "
        switch given[name]![i] {
        case .exact(let s):
            let error = try value.error(of: Rational(parsing: s))
            text += "\(ReportFormat.number(s)), |error| \(ReportFormat.fmt3(error.roundedDouble)), allowed 0 (==), error/allowed inf"
        case .double(let g, let s):
            let shown = s.map(ReportFormat.number) ?? ReportFormat.fmt17(g)
            let allowed = try allowed(name, i, e: eDouble, value: value)
            text += "\(shown), "
            if g.isFinite {
                let error = try value.error(of: Rational(dyadic: g))
                text += "|error| \(ReportFormat.fmt3(error.roundedDouble)), "
                    + "allowed \(ReportFormat.fmt3(allowed.roundedDouble)) (\(policy)), error/allowed "
                text += allowed.isZero ? "inf" : ReportFormat.fmt3((error / allowed).roundedDouble)
            } else {
                text += "|error| n/a, allowed \(ReportFormat.fmt3(allowed.roundedDouble)) (\(policy)), error/allowed n/a"
            }
        }
        return text
    }
}

