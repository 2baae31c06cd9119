import Foundation
import Testing
import ExactMath
@testable import Golden

/// Options and optional inputs (`Golden/FORMAT.md`, "Options"), read strictly: the signatures
/// below give `gated_delta_rule.sequence` two options, one of which replaces an input, and an
/// optional input, so every rule is exercised whichever options the suite's ops declare.
@Suite("Golden options: accepted when declared, refused with file, case and field otherwise")
struct OptionsTests {
    static let op = "gated_delta_rule.sequence"

    static var signatures: [String: OpSignature] {
        var all = OpSignature.all
        let base = all[op]!
        all[op] = OpSignature(inputs: base.inputs, outputs: base.outputs,
                              options: ["read_order": .init(values: ["after_write", "before_write"], default: "after_write"),
                                        "gates": .init(values: ["linear", "log"], default: "linear",
                                                       replaces: ["log": ["alpha": "log_alpha"]])],
                              optionalInputs: ["scale": "1"])
        return all
    }

    /// A valid committed case of the op.
    static var base: GoldenCase { committedSuite.cases.first { $0.op == op && $0.result == "valid" }! }

    static func scalar(_ x: Double) -> Tensor { .exact([x], shape: []) }

    /// The field of the error `validate` throws for `c` (nil: accepted).
    static func refusal(_ c: GoldenCase) -> GoldenError? {
        goldenError { try LoadedSuite.validate(c, file: "case.json", manifest: committedSuite.manifest, signatures: signatures) }
    }

    @Test("declared options, an input a value replaces, and a scalar optional input are accepted")
    func accepted() throws {
        var c = Self.base
        c.options = ["read_order": "before_write"]
        c.inputs["scale"] = Self.scalar(0.5)
        #expect(Self.refusal(c) == nil)
        c.options = ["gates": "log", "read_order": "after_write"]
        c.inputs["log_alpha"] = c.inputs.removeValue(forKey: "alpha")
        #expect(Self.refusal(c) == nil)
        #expect(Self.signatures[Self.op]!.inputs(options: c.options!) == ["M0", "K", "V", "Q", "log_alpha", "beta"])
    }

    @Test("each breach is refused naming its field", arguments: [
        ("unknown option", "options.reed_order"),
        ("value not among the option's", "options.read_order"),
        ("an empty options object", "options"),
        ("an optional input that is not a scalar", "inputs.scale.shape"),
        ("the replaced input under the replacing value", "inputs.alpha"),
        ("the replacing input without the value", "inputs.log_alpha"),
        ("the replacing value without its input", "inputs.log_alpha"),
        ("an input that is neither required nor optional", "inputs.scales"),
    ])
    func refused(what: String, field: String) throws {
        var c = Self.base
        switch what {
        case "unknown option": c.options = ["reed_order": "before_write"]
        case "value not among the option's": c.options = ["read_order": "beforeWrite"]
        case "an empty options object": c.options = [:]
        case "an optional input that is not a scalar": c.inputs["scale"] = .exact([0.5, 0.5], shape: [2])
        case "the replaced input under the replacing value":
            c.options = ["gates": "log"]
            c.inputs["log_alpha"] = c.inputs["alpha"]
        case "the replacing input without the value": c.inputs["log_alpha"] = c.inputs["alpha"]
        case "the replacing value without its input": c.options = ["gates": "log"]; c.inputs["alpha"] = nil
        default: c.inputs["scales"] = Self.scalar(0.5)
        }
        let e = try #require(Self.refusal(c), "\(what): accepted")
        #expect(e.field == field, "\(what): \(e)")
        #expect(e.file == "case.json" && e.tcId == c.tcId)
    }

    @Test("an option on an op without options is refused")
    func optionOnAnOpWithout() throws {
        var c = try #require(committedSuite.cases.first { $0.op == "dgd.step" && $0.result == "valid" })
        c.options = ["read_order": "before_write"]
        let e = try #require(Self.refusal(c))
        #expect(e.field == "options.read_order" && e.message.contains("has no options"), "\(e)")
        c.options = nil
        c.inputs["scale"] = Self.scalar(0.5)
        #expect(Self.refusal(c)?.field == "inputs.scale")
    }

    @Test("wrong JSON types in a case's options are refused by the decoder", arguments: [
        ("\"options\": 5", "options"), ("\"options\": [\"log\"]", "options"), ("\"options\": {\"gates\": 1}", "options.gates"),
        ("\"options\": {\"gates\": null}", "options.gates"),
    ])
    func wrongTypes(fragment: String, field: String) throws {
        let data = try Generator.encoder().encode(Self.base)
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"op\" :", with: fragment + ", \"op\" :")
        let e = try #require(goldenError {
            _ = try GoldenCase(json: try BoundedFile.parse(Array(text.utf8), file: "c.json"), file: "c.json")
        })
        #expect(e.field == field, "\(e)")
        #expect(e.tcId == Self.base.tcId)
    }

    @Test("a manifest whose options or optional inputs differ from the build's is refused")
    func manifestAgainstBuild() throws {
        for (key, value, field) in [("options", "{\"gates\": {\"values\": [\"linear\", \"log\"], \"default\": \"linear\"}}", "options"),
                                    ("optionalInputs", "{\"scale\": \"1\"}", "optionalInputs"),
                                    ("options", "{\"gates\": {\"values\": [\"linear\"], \"default\": \"log\"}}", "options.gates.default"),
                                    ("optionalInputs", "{\"scale\": \"2/4\"}", "optionalInputs.scale"),
                                    ("options", "{\"gates\": {\"values\": \"linear\", \"default\": \"linear\"}}", "options.gates.values")] {
            let s = try ScratchSuite()
            var text = try String(contentsOf: s.manifestURL, encoding: .utf8)
            let anchor = "\"dgd.step\" : {"
            #expect(text.contains(anchor))
            text = text.replacingOccurrences(of: anchor, with: anchor + " \"\(key)\": \(value),")
            try Data(text.utf8).write(to: s.manifestURL)
            let e = s.loadError()
            #expect(e?.field == "ops.dgd.step.\(field)", "\(key) \(value): \(e.map(String.init(describing:)) ?? "accepted")")
        }
    }

    @Test("the reference reads an option's value or its default, and refuses a value the op does not have")
    func opInputsOption() throws {
        let signature = Self.signatures[Self.op]!
        let none = OpInputs<Double>(tensors: [String: InputTensor]())
        #expect(try none.option("read_order", of: signature) == "after_write")
        let set = OpInputs<Double>(tensors: [String: InputTensor](), options: ["read_order": "before_write"])
        #expect(try set.option("read_order", of: signature) == "before_write")
        let bad = OpInputs<Double>(tensors: [String: InputTensor](), options: ["read_order": "sideways"])
        #expect(goldenError { _ = try bad.option("read_order", of: signature) }?.field == "options.read_order")
        #expect(goldenError { _ = try none.option("order", of: signature) }?.field == "options.order")
        let scaled = OpInputs<Rational>(tensors: ["scale": .scalar(0.25)])
        #expect(try scaled.optionalScalar("scale") == Rational(1, 4))
        #expect(try none.optionalScalar("scale") == nil)
        #expect(goldenError { _ = try OpInputs<Double>(tensors: ["scale": .vector([1, 2])]).optionalScalar("scale") }?.field == "scale")
    }

    @Test("a case with options writes them and reads them back; a case without writes no key")
    func roundTrip() throws {
        var c = Self.base
        #expect(!String(decoding: try Generator.encoder().encode(c), as: UTF8.self).contains("\"options\""))
        c.options = ["read_order": "before_write"]
        let data = try Generator.encoder().encode(c)
        #expect(String(decoding: data, as: UTF8.self).contains("\"options\" : {\n    \"read_order\" : \"before_write\"\n  }"))
        let back = try GoldenCase(json: try BoundedFile.parse(Array(data), file: "c.json"), file: "c.json")
        #expect(back.options == ["read_order": "before_write"])
    }

    @Test("every draft selects only options its op declares, and carries only declared optional inputs as scalars")
    func draftsUseDeclaredOptions() {
        for draft in GoldenSuite.drafts() {
            let signature = draft.op.signature
            for (name, value) in draft.options {
                #expect(signature.options[name]?.values.contains(value) == true, "\(draft.op.name): \(name) = \(value)")
            }
            for name in draft.inputs.keys where signature.optionalInputs[name] != nil {
                #expect(draft.inputs[name]!.shape == [], "\(draft.op.name): \(name)")
            }
        }
    }
}
