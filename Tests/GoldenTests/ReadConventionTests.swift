import ExactMath
import Foundation
import Golden
import NestedLearning
import Testing

/// The read conventions of suite 0.10.0 (query scale, read order, log-space gates), each checked
/// against a second computation that does not go through the option: linearity of the read for
/// the scale, the recurrence's own states for the read order, linear gates equal to `RN(exp g)`
/// for the log space.
@Suite("Golden read conventions")
struct ReadConventionTests {
    static func valid(_ op: String) -> [GoldenSuite.Draft] { ConventionOptionTests.valid(op) }

    static func run(_ op: any GoldenOp, _ inputs: DraftInputs, options: [String: String] = [:]) throws -> [String: OpOutput<Rational>] {
        try op.run(OpInputs<Rational>(tensors: inputs, options: options))
    }

    @Test("RN(exp x): within 1 ulp of the C library's exp, equal to it on most arguments, exp(0) = 1, and its enclosure brackets it")
    func correctlyRoundedExp() {
        #expect(CorrectlyRoundedExp.exp(0) == 1)
        // FORMAT.md's test vectors (from 80-digit decimal exp, rounded once to binary64).
        for (x, bits) in [(-0.5, 0x3fe3_68b2_fc6f_960a as UInt64), (-2, 0x3fc1_52aa_a3bf_81cc), (-0x1p-30, 0x3fef_ffff_ff80_0000)] {
            #expect(CorrectlyRoundedExp.exp(x).bitPattern == bits, "exp(\(x))")
        }
        var g = DyadicGenerator(seed: 77)
        var equal = 0
        let xs = (0..<400).map { _ in g.dyadic(numeratorBound: 1 << 20, exponent: 16) } + [-64, -0x1p-30, -0.5, -6.5, 64, 1e-300]
        for x in xs {
            let r = CorrectlyRoundedExp.exp(x), libm = Foundation.exp(x)
            #expect(abs(r - libm) <= r.ulp, "x = \(x): \(r) vs libm \(libm)")
            if r == libm { equal += 1 }
            // The true value lies within half an ulp of r: check with a wider enclosure than the function's own.
            let (low, high) = Self.expEnclosure(x)
            let half = Rational(dyadic: r.ulp) / Rational(2)
            #expect(Rational(dyadic: r) - half < low && high < Rational(dyadic: r) + half, "x = \(x)")
        }
        #expect(equal >= xs.count * 95 / 100, "libm exp agreed on \(equal) of \(xs.count)")
    }

    /// `[low, high] ∋ eˣ` from 60 Taylor terms at `x/2ᵏ`, `|x/2ᵏ| ≤ 1/4`, bounded by the
    /// alternating-or-geometric tail `2|y|⁶¹/61!`, then squared `k` times.
    static func expEnclosure(_ x: Double) -> (Rational, Rational) {
        var k = 0
        while abs(x) / Double(1 << k) > 0.25 { k += 1 }
        let y = Rational(dyadic: x) / Rational(1 << k)
        var sum = Rational(0), term = Rational(1)
        for n in 0..<60 {
            sum = sum + term
            term = term * y / Rational(n + 1)
        }
        let tail = Rational(2) * term.magnitude
        var (low, high) = (sum - tail, sum + tail)
        for _ in 0..<k { (low, high) = (low * low, high * high) }
        return (low, high)
    }

    @Test("scale: every output of the linear reads is s times the unscaled one; the states do not change")
    func queryScaleIsLinear() throws {
        for name in ["linear_attention.recurrent", "delta_rule.sequence", "delta_rule.two_calls", "gated_delta_rule.sequence",
                     "titans_memory.chunked"] {
            let drafts = Self.valid(name).filter { $0.inputs["scale"] != nil }
            #expect(!drafts.isEmpty, "\(name) has no case with a scale")
            for draft in drafts {
                let s = Rational(dyadic: draft.inputs["scale"]!.values[0])
                var unscaled = draft.inputs
                unscaled["scale"] = nil
                let a = try Self.run(draft.op, draft.inputs, options: draft.options)
                let b = try Self.run(draft.op, unscaled, options: draft.options)
                #expect(a["Y"]!.values == b["Y"]!.values.map { s * $0 }, "\(draft.comment)")
                for (key, value) in a where key != "Y" { #expect(value.values == b[key]!.values, "\(draft.comment): \(key)") }
            }
        }
    }

    @Test("read_order = before_write: y_1 = M0 q_1 and y_t = the after-write read of token t - 1's state")
    func readBeforeWrite() throws {
        for name in ["linear_attention.recurrent", "delta_rule.sequence", "gated_delta_rule.sequence"] {
            let drafts = Self.valid(name).filter { $0.options["read_order"] == "before_write" }
            #expect(!drafts.isEmpty, "\(name) has no before_write case")
            for draft in drafts {
                var after = draft.options
                after["read_order"] = nil
                let before = try Self.run(draft.op, draft.inputs, options: draft.options)
                // The after-write reads with the query of the next token: M_t q_{t+1}, from a copy of
                // the inputs whose queries are shifted one token back.
                var shifted = draft.inputs
                let q = draft.inputs["Q"]!, width = q.shape[1]
                shifted["Q"]!.values = Array(q.values.dropFirst(width)) + Array(repeating: 0, count: width)
                let next = try Self.run(draft.op, shifted, options: after)["Y"]!.values
                let m0 = Matrix(rows: draft.inputs["M0"]!.shape[0], cols: width,
                                elements: draft.inputs["M0"]!.values.map { Rational(dyadic: $0) })
                var q1 = Vector(q.values.prefix(width).map { Rational(dyadic: $0) })
                if let s = draft.inputs["scale"] { q1 = Rational(dyadic: s.values[0]) * q1 }
                let dv = m0.rows
                #expect(Array(before["Y"]!.values.prefix(dv)) == (m0 * q1).elements, "\(draft.comment): y_1")
                #expect(Array(before["Y"]!.values.dropFirst(dv)) == Array(next.dropLast(dv)), "\(draft.comment)")
                #expect(before["M_T"]!.values == (try Self.run(draft.op, draft.inputs, options: after))["M_T"]!.values)
            }
        }
    }

    @Test("gates = log: the decays are RN(exp g), the same outputs as the linear gates built from them; log(alpha) is a misreading")
    func logGatesAreRoundedExp() throws {
        for draft in Self.valid("gated_delta_rule.sequence").filter({ $0.options["gates"] == "log" }) {
            var linear = draft.inputs, options = draft.options
            linear["alpha"] = .vector(draft.inputs["log_alpha"]!.values.map(CorrectlyRoundedExp.exp))
            linear["log_alpha"] = nil
            options["gates"] = nil
            let a = try Self.run(draft.op, draft.inputs, options: draft.options), b = try Self.run(draft.op, linear, options: options)
            #expect(a.mapValues(\.values) == b.mapValues(\.values), "\(draft.comment)")
        }
        // Titans: 1 − α = RN(exp g); α = 1 − RN(exp g) is exact in rationals but not always a double, so the
        // second view runs the library's recurrence on rational gates built from α.
        var titans = 0
        for draft in Self.valid("titans_memory.chunked").filter({ $0.options["gates"] == "log" }) {
            titans += 1
            let op = try Self.run(draft.op, draft.inputs, options: draft.options)
            let t = draft.inputs["K"]!.shape[0], c = Int(draft.inputs["chunk"]!.values[0])
            let r = { (name: String) in draft.inputs[name]!.values.map { Rational(dyadic: $0) } }
            let keep = draft.inputs["log_one_minus_alpha"]!.values.map(CorrectlyRoundedExp.exp)
            let given = (0..<keep.count).map {
                TitansMemory.ScalarGates<Rational>(alpha: Rational(1) - Rational(dyadic: keep[$0]), eta: r("eta")[$0],
                                                   theta: r("theta")[$0])
            }
            let gates = TitansMemory.tokenGates(given, granularity: draft.options["gate_granularity"] == "chunk" ? .chunk : .token,
                                                tokens: t, chunk: c)
            let rows = { (name: String, w: Int) in (0..<t).map { Vector(Array(r(name)[($0 * w)..<(($0 + 1) * w)])) } }
            let (dv, dk) = (draft.inputs["M0"]!.shape[0], draft.inputs["M0"]!.shape[1])
            let m0 = Matrix(rows: dv, cols: dk, elements: r("M0"))
            let states = TitansMemory.run(initial: m0, keys: rows("K", dk), values: rows("V", dv), gates: gates, chunk: c)
            let s = draft.inputs["scale"].map { Rational(dyadic: $0.values[0]) } ?? Rational(1)
            #expect(op["Y"]!.values == zip(states, rows("Q", dk)).flatMap { ($0 * (s * $1)).elements }, "\(draft.comment)")
            #expect(op["M_T"]!.values == states.last!.elements)
            var misread = draft.inputs, options = draft.options
            misread["alpha"] = .vector(keep)
            misread["log_one_minus_alpha"] = nil
            options["gates"] = nil
            #expect(try Self.run(draft.op, misread, options: options)["Y"]!.values != op["Y"]!.values, "log(alpha) read: \(draft.comment)")
        }
        #expect(titans >= 2)
    }

    @Test("gates = logit: RN(sigmoid(x)) within 2 ulp of the C library's 1/(1 + e^-x); the outputs are the linear gates' with those alphas")
    func logitGates() throws {
        var cases = 0
        for name in ["gated_delta_rule.sequence", "titans_memory.chunked", "titans_mlp.chunked"] {
            for draft in Self.valid(name).filter({ $0.options["gates"] == "logit" }) {
                cases += 1
                let x = draft.inputs["alpha_logit"]!.values
                let alpha = try OpInputs<Double>(tensors: draft.inputs).gatesFromLogits("alpha_logit", count: x.count)
                for (xi, a) in zip(x, alpha) {
                    let libm = 1 / (1 + Foundation.exp(-xi))
                    #expect(abs(a - libm) <= 2 * a.ulp, "sigmoid(\(xi)): \(a) vs \(libm)")
                }
                var linear = draft.inputs, options = draft.options
                linear["alpha_logit"] = nil
                linear["alpha"] = .vector(alpha)
                options["gates"] = nil
                let a = try Self.run(draft.op, draft.inputs, options: draft.options), b = try Self.run(draft.op, linear, options: options)
                #expect(a.mapValues(\.values) == b.mapValues(\.values), "\(draft.comment)")
            }
        }
        #expect(cases == 3)
    }

    @Test("GateZero: exactly the valid cases with a zero decay (gated delta alpha = 0, Titans alpha = 1); no log-gate case has one")
    func gateZeroFlag() {
        var flagged = 0
        for draft in GoldenSuite.drafts() where draft.valid {
            let alpha = draft.inputs["alpha"]?.values ?? []
            let zero = switch draft.op.name {
            case "gated_delta_rule.sequence": alpha.contains(0)
            case "titans_memory.chunked", "titans_mlp.chunked": alpha.contains(1)
            default: false
            }
            #expect(draft.flags.contains("GateZero") == zero, "\(draft.op.name): \(draft.comment)")
            if zero { flagged += 1; #expect(draft.options["gates"] != "log") }
        }
        #expect(flagged >= 4)
    }
}
