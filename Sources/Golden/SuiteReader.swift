import ExactMath
import Foundation

/// A golden suite read from disk and validated: manifest, hashes, and every case.
public struct LoadedSuite: Sendable {
    public let manifest: Manifest
    public let cases: [GoldenCase]
    public let directory: URL
}

extension LoadedSuite {
    /// Reads `MANIFEST.json` under `directory`, checks each listed file's path, size and sha256,
    /// and validates every case, within the reading limits of `Golden/FORMAT.md`. Throws a
    /// ``GoldenError`` at the first problem; never traps.
    public static func load(from directory: URL, signatures: [String: OpSignature] = OpSignature.all) throws -> LoadedSuite {
        let manifestPath = directory.appendingPathComponent("MANIFEST.json").path
        let manifest = try Manifest(json: try BoundedFile.json(manifestPath, limit: BoundedFile.manifestLimit), file: manifestPath)
        func fail(_ field: String, _ message: String) -> GoldenError { GoldenError(file: manifestPath, field: field, message) }
        guard manifest.schema == GoldenSuite.schema else {
            throw fail("schema", "unsupported schema '\(manifest.schema)', expected '\(GoldenSuite.schema)'")
        }
        for name in manifest.ops.keys.sorted() where signatures[name] == nil || GoldenSuite.op(named: name) == nil {
            throw fail("ops.\(name)", "unknown op '\(name)'")
        }
        for (name, entry) in manifest.ops.sorted(by: { $0.key < $1.key }) {
            let signature = signatures[name]!
            guard (entry.options ?? [:]) == signature.options else {
                throw fail("ops.\(name).options", "the manifest's options (\(Self.describe(entry.options ?? [:]))) are not this build's"
                           + " (\(Self.describe(signature.options)))")
            }
            guard (entry.optionalInputs ?? [:]) == signature.optionalInputs else {
                throw fail("ops.\(name).optionalInputs", "the manifest's optional inputs (\(Self.describe(entry.optionalInputs ?? [:])))"
                           + " are not this build's (\(Self.describe(signature.optionalInputs)))")
            }
            if entry.options?.isEmpty == true || entry.optionalInputs?.isEmpty == true {
                throw fail("ops.\(name)", "an empty 'options' or 'optionalInputs' object (an op without them omits the key)")
            }
        }
        var cases: [GoldenCase] = []
        var seen: [Int: String] = [:]
        var paths = Set<String>()
        for (i, entry) in manifest.files.enumerated() {
            guard let (stem, tcId) = casePath(entry.path) else {
                throw fail("files[\(i)].path", "'\(entry.path.prefix(200))' is not of the form cases/<op_stem>/<op_stem>-<tcId>.json")
            }
            guard paths.insert(entry.path).inserted else { throw fail("files[\(i)].path", "'\(entry.path)' is listed twice") }
            guard entry.sha256.utf8.count == 64, entry.sha256.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
                throw fail("files[\(i)].sha256", "not 64 lowercase hex digits")
            }
            let path = directory.appendingPathComponent(entry.path).path
            let data = try BoundedFile.read(path, limit: BoundedFile.caseLimit)
            guard data.count == entry.bytes else {
                throw GoldenError(file: path, field: "bytes", "manifest says \(entry.bytes) bytes, file has \(data.count)")
            }
            let digest = SHA256.hex(data)
            guard digest == entry.sha256 else {
                throw GoldenError(file: path, field: "sha256", "manifest says \(entry.sha256), file hashes to \(digest)")
            }
            let c = try GoldenCase(json: try BoundedFile.parse(data, file: path), file: path)
            try validate(c, file: path, manifest: manifest, signatures: signatures)
            if let other = seen[c.tcId] {
                throw GoldenError(file: path, tcId: c.tcId, field: "tcId", "duplicate tcId, also used by \(other)")
            }
            guard c.op.replacingOccurrences(of: ".", with: "_") == stem, c.tcId == tcId else {
                throw GoldenError(file: path, tcId: c.tcId, field: "tcId",
                                  "case file is at '\(entry.path)'; op '\(c.op)', tcId \(c.tcId) belongs at '\(Generator.path(for: c))'")
            }
            seen[c.tcId] = path
            cases.append(c)
        }
        for (name, entry) in manifest.ops.sorted(by: { $0.key < $1.key }) {
            let n = cases.filter { $0.op == name }.count
            guard n == entry.cases else { throw fail("ops.\(name).cases", "manifest says \(entry.cases) cases, the files hold \(n)") }
        }
        return LoadedSuite(manifest: manifest, cases: cases.sorted { $0.tcId < $1.tcId }, directory: directory)
    }

    /// Options or optional inputs for an error message: `name: {values} default`, or `name = default`.
    static func describe(_ options: [String: OpSignature.Option]) -> String {
        options.isEmpty ? "none" : options.sorted { $0.key < $1.key }.map { name, o in
            "\(name): \(o.values.joined(separator: "|")), default \(o.default)"
                + (o.replaces.map { r in
                    ", replaces " + r.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
                } ?? "")
        }.joined(separator: "; ")
    }
    static func describe(_ inputs: [String: String?]) -> String {
        inputs.isEmpty ? "none" : inputs.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value ?? "null")" }.joined(separator: ", ")
    }

    /// `cases/<stem>/<stem>-<digits>.json` → (stem, tcId); nil for anything else (`..`, absolute
    /// paths, other folders).
    static func casePath(_ path: String) -> (stem: String, tcId: Int)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "cases" else { return nil }
        let stem = parts[1]
        guard !stem.isEmpty, stem.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else { return nil }
        let file = parts[2]
        guard file.hasPrefix(stem + "-"), file.hasSuffix(".json") else { return nil }
        let digits = file.dropFirst(stem.count + 1).dropLast(5)
        guard digits.count >= 4, digits.count <= 15, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(digits), n >= 1,
              String(format: "%04d", n) == String(digits) else { return nil }
        return (String(stem), n)
    }

    /// Checks a case's options and the names of its inputs (`Golden/FORMAT.md`, "Options"): every
    /// option is one of the op's, with one of its values; the inputs are the op's for these
    /// options (an input a value replaces under its new name), plus any of its optional inputs,
    /// each a scalar.
    static func validateOptions(_ c: GoldenCase, signature: OpSignature, file: String) throws {
        func fail(_ field: String, _ message: String) -> GoldenError { GoldenError(file: file, tcId: c.tcId, field: field, message) }
        let options = c.options ?? [:]
        if c.options?.isEmpty == true { throw fail("options", "an empty object (a case with every default omits 'options')") }
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            guard !signature.options.isEmpty else { throw fail("options.\(name)", "\(c.op) has no options") }
            guard let option = signature.options[name] else {
                throw fail("options.\(name)", "\(c.op) has no option '\(name.prefix(100))'"
                           + " (its options: \(signature.options.keys.sorted().joined(separator: ", ")))")
            }
            guard option.values.contains(value) else {
                throw fail("options.\(name)", "'\(value.prefix(100))' is not a value of \(name) (\(option.values.joined(separator: ", ")))")
            }
        }
        let required = signature.inputs(options: options)
        let names = Set(c.inputs.keys)
        if let missing = required.first(where: { !names.contains($0) }) {
            throw fail("inputs.\(missing)", "missing input (\(c.op) takes \(required.joined(separator: ", ")) with these options)")
        }
        for extra in names.sorted() where !required.contains(extra) {
            guard signature.optionalInputs[extra] != nil else {
                var because = ""
                if let (option, value, name) = signature.replacement(of: extra), options[option] == value {
                    because = " with \(option) = \(value) (it takes \(name) instead)"
                } else if let (option, value) = signature.selection(carrying: extra) {
                    because = " unless \(option) = \(value)"
                }
                throw fail("inputs.\(extra)", "\(c.op) has no input '\(extra.prefix(100))'\(because)")
            }
            guard let t = c.inputs[extra], t.shape.isEmpty else {
                throw fail("inputs.\(extra).shape", "an optional input is a scalar (shape []), found shape \(c.inputs[extra]!.shape)")
            }
        }
    }

    /// Checks one case against the rules that decoding cannot express.
    public static func validate(_ c: GoldenCase, file: String, manifest: Manifest,
                                signatures: [String: OpSignature] = OpSignature.all) throws {
        func fail(_ field: String, _ message: String) -> GoldenError { GoldenError(file: file, tcId: c.tcId, field: field, message) }
        guard c.schema == GoldenCase.schemaID else { throw fail("schema", "unsupported case schema '\(c.schema)'") }
        guard c.suiteVersion == manifest.suiteVersion else {
            throw fail("suiteVersion", "case is from suite \(c.suiteVersion), manifest is \(manifest.suiteVersion)")
        }
        guard let op = GoldenSuite.op(named: c.op), let signature = signatures[c.op], let entry = manifest.ops[c.op] else {
            throw fail("op", "unknown op '\(c.op.prefix(100))'")
        }
        guard c.opVersion == op.version, c.opVersion == entry.opVersion else {
            throw fail("opVersion", "op \(c.op) version \(c.opVersion) is not supported"
                       + " (this build knows version \(op.version), the manifest says \(entry.opVersion))")
        }
        guard ["valid", "invalid", "acceptable"].contains(c.result) else {
            throw fail("result", "unknown verdict '\(c.result.prefix(100))'")
        }
        for (i, flag) in c.flags.enumerated() {
            guard manifest.flags[flag] != nil else {
                throw fail("flags[\(i)]", "flag '\(flag.prefix(100))' is not defined in the manifest")
            }
            guard c.flags.firstIndex(of: flag) == i else { throw fail("flags[\(i)]", "flag '\(flag)' listed twice") }
        }
        try validateOptions(c, signature: signature, file: file)
        for (name, t) in c.inputs.sorted(by: { $0.key < $1.key }) {
            if t.enclosure != nil { throw fail("inputs.\(name).enclosure", "an input is given exactly (q), never as an enclosure") }
            let values = try t.doubles(file: file, tcId: c.tcId, field: "inputs.\(name)", allowNonFinite: c.result == "invalid")
            if let q = t.q {
                let exact = try t.rationals(file: file, tcId: c.tcId, field: "inputs.\(name)")
                for i in 0..<q.count where Rational(exactly: values[i]) != exact[i] {
                    throw fail("inputs.\(name).q[\(i)]", "rational \(q[i].prefix(60)) is not the exact value of f64 \(t.f64![i])")
                }
            } else if values.allSatisfy(\.isFinite) {
                throw fail("inputs.\(name).q", "missing 'q' values (only a tensor with a non-finite value omits them)")
            }
        }
        if c.result == "invalid" && (c.expected != nil || c.tolerance != nil) {
            throw fail(c.expected != nil ? "expected" : "tolerance", "an invalid case carries no expected outputs or tolerance")
        }
        guard c.result == "valid" else { return }
        guard let expected = c.expected, !expected.isEmpty else { throw fail("expected", "a valid case needs expected outputs") }
        guard let tol = c.tolerance else { throw fail("tolerance", "a valid case needs a tolerance") }
        guard ["exact", "bitwise", "ulp", "ball"].contains(tol.policy) else {
            throw fail("tolerance.policy", tol.policy == "allclose" ? "policy 'allclose' is not used in \(GoldenSuite.schema)"
                                                                    : "unknown policy '\(tol.policy.prefix(100))'")
        }
        if tol.policy == "ulp" && tol.maxUlp == nil { throw fail("tolerance.maxUlp", "policy 'ulp' needs maxUlp") }
        let outputs = Set(expected.keys)
        if let missing = signature.outputs.first(where: { !outputs.contains($0) }) {
            throw fail("expected.\(missing)", "missing output (\(c.op) gives \(signature.outputs.joined(separator: ", ")))")
        }
        if let extra = outputs.sorted().first(where: { !signature.outputs.contains($0) }) {
            throw fail("expected.\(extra)", "\(c.op) has no output '\(extra)'")
        }
        for (name, t) in expected.sorted(by: { $0.key < $1.key }) {
            if t.q != nil && t.enclosure != nil { throw fail("expected.\(name).enclosure", "a tensor gives q or enclosure, not both") }
            if t.enclosure != nil {
                _ = try t.enclosureBounds(file: file, tcId: c.tcId, field: "expected.\(name)")
            } else {
                let q = try t.rationals(file: file, tcId: c.tcId, field: "expected.\(name)")
                let d = try t.doubles(file: file, tcId: c.tcId, field: "expected.\(name)")
                for i in 0..<q.count where q[i].roundedDouble.bitPattern != d[i].bitPattern && !(q[i].isZero && d[i] == 0) {
                    throw fail("expected.\(name).f64[\(i)]",
                               "f64 \(t.f64![i]) is not the expected rational rounded to nearest (\(Tensor.hex(q[i].roundedDouble)))")
                }
            }
            if tol.policy == "ball" {
                guard let rad = t.rad, rad.count == t.elementCount else {
                    throw fail("expected.\(name).rad", "ball policy needs one radius per element")
                }
                for (i, r) in rad.enumerated() {
                    guard let d = Tensor.double(fromHex: r), d.isFinite, d >= 0, d.sign == .plus else {
                        throw fail("expected.\(name).rad[\(i)]", "'\(r.prefix(40))' is not a finite, non-negative f64 (and not -0)")
                    }
                }
            }
        }
    }
}
