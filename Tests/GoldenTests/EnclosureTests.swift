import BallArithmetic
import ExactMath
import Foundation
import Testing
@testable import Golden

/// Ops whose values are not rational (`Golden/FORMAT.md`, "Values that are not rational"): their
/// enclosures prove the stored doubles, the readers refuse a damaged enclosure naming the field,
/// and the grader judges a result by the bounds.
@Suite("Golden enclosures")
struct EnclosureTests {
    static func enclosedCases() throws -> [GoldenCase] {
        try GoldenSuite.drafts().enumerated().compactMap { i, d in
            guard d.valid, let op = d.op as? any EnclosedOp, op.needsEnclosure(options: d.options) else { return nil }
            return try Generator.makeCase(d, tcId: i + 1)
        }
    }

    @Test("every enclosed expected value: lo <= hi, both round to f64, f64 within 1 ulp of the C library, the rationals refuse")
    func enclosuresProveTheDoubles() throws {
        let cases = try Self.enclosedCases()
        #expect(cases.count >= 20)
        for c in cases {
            let e = try #require(c.expected?["Y"])  // every enclosed op has the output Y
            #expect(e.q == nil && e.enclosure != nil)
            let bounds = try e.enclosureBounds(file: "t", tcId: c.tcId, field: "Y")
            let f64 = try e.doubles(file: "t", tcId: c.tcId, field: "Y")
            for (i, b) in bounds.enumerated() {
                #expect(b.lo.roundedDouble == f64[i] && b.hi.roundedDouble == f64[i])
            }
            // An independent check of the functions: the C library's exp, tanh, erf differ from the
            // proven value by at most an ulp (glibc is faithful) where there is no cancellation.
            if c.op == "elementwise.exp" || c.op == "elementwise.tanh" {
                let x = c.inputs["X"]!.f64!.map { Tensor.double(fromHex: $0)! }
                for (i, v) in x.enumerated() {
                    let libm = c.op == "elementwise.exp" ? Foundation.exp(v) : Foundation.tanh(v)
                    #expect(abs(libm - f64[i]) <= f64[i].ulp, "\(c.op)(\(v)): \(libm) vs \(f64[i])")
                }
            }
            let op = GoldenSuite.op(named: c.op)!
            let inputs = c.inputs.mapValues { t in (shape: t.shape, values: t.f64!.map { Tensor.double(fromHex: $0)! }) }
            #expect(throws: GoldenError.self) { try op.run(OpInputs<Rational>(tensors: inputs, options: c.options ?? [:])) }
        }
    }

    @Test("the reader refuses a damaged enclosure, naming the field; an input never carries one")
    func damagedEnclosures() throws {
        let c = try #require(try Self.enclosedCases().first { $0.op == "elementwise.tanh" })
        let good = c.expected!["Y"]!
        var damaged: [(String, Tensor)] = []
        var both = good
        both.q = good.enclosure!.lo
        damaged.append(("q or enclosure, not both", both))
        var swapped = good
        swapped.enclosure!.lo[3] = good.enclosure!.hi[3]
        swapped.enclosure!.hi[3] = good.enclosure!.lo[3]
        damaged.append(("is above hi", swapped))
        var wrongDouble = good
        wrongDouble.f64![3] = Tensor.hex(Tensor.double(fromHex: good.f64![3])!.nextUp)
        damaged.append(("both bounds of the enclosure round to", wrongDouble))
        var short = good
        short.enclosure!.hi.removeLast()
        damaged.append(("needs", short))
        var noncanonical = good
        noncanonical.enclosure!.lo[0] = "2/4"
        damaged.append(("enclosure.lo[0]", noncanonical))
        for (message, tensor) in damaged {
            do {
                _ = try tensor.enclosureBounds(file: "f.json", tcId: c.tcId, field: "expected.Y")
                Issue.record("accepted: \(message)")
            } catch let e as GoldenError {
                #expect("\(e)".contains(message) || (e.field ?? "").contains(message), "\(e)")
                #expect((e.field ?? "").hasPrefix("expected.Y"))
            }
        }
        // Through the reader of a whole suite: an enclosure on an input, and an enclosure beside q.
        for (section, name) in [("inputs", "X"), ("expected", "Y")] {
            let s = try ScratchSuite()
            let path = try s.casePath(op: "elementwise.tanh")
            try s.editTensor(path, section, name) { t in
                t["enclosure"] = ["precision": 128, "lo": ["0"], "hi": ["0"]]
                if section == "expected" { t["q"] = ["0"] }
            }
            let e = try #require(s.loadError())
            #expect(e.field == "\(section).\(name).enclosure", "\(e)")
        }
    }

    @Test("a result one ulp beyond the radius fails with the enclosure's report line; the proven double passes")
    func gradedByTheBounds() throws {
        let c = try #require(try Self.enclosedCases().first { $0.op == "elementwise.sigmoid" })
        let e = c.expected!["Y"]!
        let f64 = e.f64!.map { Tensor.double(fromHex: $0)! }, rad = e.rad!.map { Tensor.double(fromHex: $0)! }
        let bounds = try e.enclosureBounds(file: "t", tcId: c.tcId, field: "Y")
        func verdict(_ values: [Double]) throws -> CaseVerdict {
            try CaseGrader(c, given: ["Y": values.map { .double($0, decimal: nil) }], shapes: ["Y": e.shape], scale: Rational(1)).verdict()
        }
        #expect(try verdict(f64).status == .passed)
        // Element 3 (x = 1/2): the first double whose distance from the far bound exceeds the radius.
        var far = f64
        var x = f64[3]
        let farthest = { (x: Double) in
            max((Rational(dyadic: x) - bounds[3].lo).magnitude, (Rational(dyadic: x) - bounds[3].hi).magnitude)
        }
        while farthest(x) <= Rational(dyadic: rad[3]) {
            x = x.nextUp
        }
        far[3] = x
        let failed = try verdict(far)
        #expect(failed.status == .failed)
        #expect(failed.line?.contains("Y[3]: first of 1 failing elements (of \(f64.count)): expected in [") == true, "\(failed.line ?? "")")
        far[3] = x.nextDown
        #expect(try verdict(far).status == .passed)
    }
}
