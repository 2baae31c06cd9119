import ExactMath

/// Reading the suite's and the results' JSON through ``StrictJSON`` and ``JSONFields``: unknown
/// keys, non-integer integers and wrong types are errors that name the file, case and field.
extension Tensor {
    init(json: JSONValue, _ f: JSONFields, field: String) throws {
        let o = try f.object(json, field, allowed: ["dtype", "shape", "f64", "q", "rad", "enclosure"], required: ["dtype", "shape"])
        let enclosure = try o["enclosure"].map { v -> Enclosure in
            let e = try f.object(v, "\(field).enclosure", allowed: ["precision", "lo", "hi"], required: ["precision", "lo", "hi"])
            return Enclosure(precision: try f.int(e["precision"], "\(field).enclosure.precision", minimum: 53),
                             lo: try f.strings(e["lo"]!, "\(field).enclosure.lo"), hi: try f.strings(e["hi"]!, "\(field).enclosure.hi"))
        }
        self.init(shape: try f.shape(o["shape"], "\(field).shape"),
                  f64: try o["f64"].map { try f.strings($0, "\(field).f64") },
                  q: try o["q"].map { try f.strings($0, "\(field).q") },
                  rad: try o["rad"].map { try f.strings($0, "\(field).rad") }, enclosure: enclosure)
        dtype = try f.string(o["dtype"], "\(field).dtype")
    }
}

extension GoldenCase {
    static let fields = ["schema", "suiteVersion", "tcId", "op", "opVersion", "comment", "result", "flags",
                         "conventions", "options", "inputs", "expected", "tolerance"]

    /// A case file's JSON; the checks decoding can do (see `LoadedSuite.validate` for the rest).
    public init(json: JSONValue, file: String) throws {
        var f = JSONFields(file: file)
        let o = try f.object(json, nil, allowed: Self.fields,
                             required: ["schema", "suiteVersion", "tcId", "op", "opVersion", "comment", "result", "flags", "conventions",
                                        "inputs"])
        tcId = try f.int(o["tcId"], "tcId", minimum: 1)
        f.tcId = tcId
        schema = try f.string(o["schema"], "schema")
        suiteVersion = try f.string(o["suiteVersion"], "suiteVersion")
        op = try f.string(o["op"], "op")
        opVersion = try f.int(o["opVersion"], "opVersion", minimum: 1)
        comment = try f.string(o["comment"], "comment")
        result = try f.string(o["result"], "result")
        flags = try f.strings(o["flags"], "flags")
        conventions = [:]
        for (key, value) in try f.object(o["conventions"]!, "conventions") { conventions[key] = try f.string(value, "conventions.\(key)") }
        options = try o["options"].map { v in
            var out: [String: String] = [:]
            for (key, value) in try f.object(v, "options") { out[key] = try f.string(value, "options.\(key)") }
            return out
        }
        let fc = f
        func tensors(_ name: String) throws -> [String: Tensor]? {
            guard let v = o[name] else { return nil }
            var out: [String: Tensor] = [:]
            for (key, t) in try fc.object(v, name) { out[key] = try Tensor(json: t, fc, field: "\(name).\(key)") }
            return out
        }
        inputs = try tensors("inputs")!
        expected = try tensors("expected")
        tolerance = try o["tolerance"].map { v in
            let t = try f.object(v, "tolerance", allowed: ["policy", "reason", "boundUnits", "maxUlp"], required: ["policy", "reason"])
            var maxUlp: Double?
            if let m = t["maxUlp"] {
                guard case .number(let text) = m, let d = Double(text), d.isFinite, d >= 0 else {
                    throw f.fail("tolerance.maxUlp", "expected a finite non-negative number, found \(m.kind)")
                }
                maxUlp = d
            }
            return Tolerance(policy: try f.string(t["policy"], "tolerance.policy"), reason: try f.string(t["reason"], "tolerance.reason"),
                             boundUnits: try t["boundUnits"].map { Double(try f.int($0, "tolerance.boundUnits")) }, maxUlp: maxUlp)
        }
    }
}

extension Manifest {
    /// `MANIFEST.json`'s JSON.
    public init(json: JSONValue, file: String) throws {
        let f = JSONFields(file: file)
        let o = try f.object(json, nil, allowed: ["schema", "suiteVersion", "generator", "ops", "flags", "files"],
                             required: ["schema", "suiteVersion", "generator", "ops", "flags", "files"])
        schema = try f.string(o["schema"], "schema")
        suiteVersion = try f.string(o["suiteVersion"], "suiteVersion")
        let g = try f.object(o["generator"]!, "generator", allowed: ["name", "version", "gmp", "swift"],
                             required: ["name", "version", "gmp", "swift"])
        generator = Generator(name: try f.string(g["name"], "generator.name"), version: try f.string(g["version"], "generator.version"),
                              gmp: try f.string(g["gmp"], "generator.gmp"), swift: try f.string(g["swift"], "generator.swift"))
        ops = [:]
        for (name, v) in try f.object(o["ops"]!, "ops") {
            let field = "ops.\(name)"
            let e = try f.object(v, field, allowed: ["opVersion", "conventions", "options", "optionalInputs", "cases"],
                                 required: ["opVersion", "conventions", "cases"])
            var conventions: [String: String] = [:]
            for (key, c) in try f.object(e["conventions"]!, "\(field).conventions") {
                conventions[key] = try f.string(c, "\(field).conventions.\(key)")
            }
            ops[name] = OpEntry(opVersion: try f.int(e["opVersion"], "\(field).opVersion", minimum: 1), conventions: conventions,
                                options: try e["options"].map { try Self.options($0, f, field: "\(field).options") },
                                optionalInputs: try e["optionalInputs"].map {
                                    try Self.optionalInputs($0, f, field: "\(field).optionalInputs")
                                },
                                cases: try f.int(e["cases"], "\(field).cases"))
        }
        flags = [:]
        for (name, v) in try f.object(o["flags"]!, "flags") {
            let e = try f.object(v, "flags.\(name)", allowed: ["description"], required: ["description"])
            flags[name] = Flag(description: try f.string(e["description"], "flags.\(name).description"))
        }
        files = try f.list(o["files"], "files").enumerated().map { i, v in
            let field = "files[\(i)]"
            let e = try f.object(v, field, allowed: ["path", "sha256", "bytes"], required: ["path", "sha256", "bytes"])
            return FileEntry(path: try f.string(e["path"], "\(field).path"), sha256: try f.string(e["sha256"], "\(field).sha256"),
                             bytes: try f.int(e["bytes"], "\(field).bytes"))
        }
    }
}

extension Manifest {
    /// An op's `options`: name → `{"values", "default", "replaces"?}`.
    static func options(_ json: JSONValue, _ f: JSONFields, field: String) throws -> [String: OpSignature.Option] {
        var out: [String: OpSignature.Option] = [:]
        for (name, v) in try f.object(json, field) {
            let of = "\(field).\(name)"
            let o = try f.object(v, of, allowed: ["values", "default", "replaces"], required: ["values", "default"])
            let values = try f.strings(o["values"], "\(of).values")
            let value = try f.string(o["default"], "\(of).default")
            guard values.contains(value) else { throw f.fail("\(of).default", "'\(value)' is not among the option's values") }
            let replaces = try o["replaces"].map { r -> [String: [String: String]] in
                var byValue: [String: [String: String]] = [:]
                for (key, m) in try f.object(r, "\(of).replaces") {
                    var map: [String: String] = [:]
                    for (old, new) in try f.object(m, "\(of).replaces.\(key)") {
                        map[old] = try f.string(new, "\(of).replaces.\(key).\(old)")
                    }
                    byValue[key] = map
                }
                return byValue
            }
            out[name] = OpSignature.Option(values: values, default: value, replaces: replaces)
        }
        return out
    }

    /// An op's `optionalInputs`: name → the default as a canonical rational string, or null.
    static func optionalInputs(_ json: JSONValue, _ f: JSONFields, field: String) throws -> [String: String?] {
        var out: [String: String?] = [:]
        for (name, v) in try f.object(json, field) {
            if case .null = v { out[name] = .some(nil); continue }
            let text = try f.string(v, "\(field).\(name)")
            do { _ = try Rational(parsing: text) } catch let e as RationalParseError { throw f.fail("\(field).\(name)", e.description) }
            out[name] = text
        }
        return out
    }
}

extension ResultsDocument {
    /// A results file's JSON (`Golden/FORMAT.md`, "Results file").
    public init(json: JSONValue, file: String) throws {
        let f = JSONFields(file: file)
        let o = try f.object(json, nil, allowed: ["suiteVersion", "implementation", "results"], required: ["suiteVersion", "results"],
                             extensionPrefix: "x-")
        suiteVersion = try f.string(o["suiteVersion"], "suiteVersion")
        implementation = try o["implementation"].map { try f.string($0, "implementation") }
        results = try f.list(o["results"], "results").enumerated().map { i, v in
            let field = "results[\(i)]"
            var fe = f
            if case .object(let pairs) = v, let id = pairs.first(where: { $0.key == "tcId" })?.value, let n = try? f.int(id, "") {
                fe.tcId = n
            }
            let e = try fe.object(v, field, allowed: ["tcId", "op", "outputs", "error", "errorKind"], required: ["tcId", "op"])
            let tcId = try fe.int(e["tcId"], "\(field).tcId", minimum: 1)
            let op = try fe.string(e["op"], "\(field).op")
            let errorKind = try e["errorKind"].map { try fe.string($0, "\(field).errorKind") }
            let error = try e["error"].map { try fe.string($0, "\(field).error") }
            let outputs = try e["outputs"].map { v -> [String: Values] in
                var out: [String: Values] = [:]
                for (name, ov) in try fe.object(v, "\(field).outputs") {
                    let of = "\(field).outputs.\(name)"
                    let x = try fe.object(ov, of, allowed: ["shape", "f64", "decimal", "q"])
                    let kinds = ["f64", "decimal", "q"].filter { x[$0] != nil }
                    guard kinds.count == 1 else {
                        throw fe.fail(of, "gives \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")) of f64/decimal/q;"
                                      + " exactly one is required")
                    }
                    let values = try fe.strings(x[kinds[0]], "\(of).\(kinds[0])")
                    let shape = try x["shape"].map { try fe.shape($0, "\(of).shape") }
                    if let shape, shape.reduce(1, *) != values.count {
                        throw fe.fail("\(of).\(kinds[0])", "\(values.count) values for its own shape \(shape)")
                    }
                    out[name] = Values(shape: shape, f64: kinds[0] == "f64" ? values : nil,
                                       decimal: kinds[0] == "decimal" ? values : nil, q: kinds[0] == "q" ? values : nil)
                }
                return out
            }
            guard (outputs == nil) != (error == nil) else { throw fe.fail(field, "needs exactly one of 'error' and 'outputs'") }
            return Entry(tcId: tcId, op: op, outputs: outputs, error: error, errorKind: errorKind)
        }
    }

    /// Reads and decodes a results file within the reading limits.
    public static func load(_ path: String) throws -> ResultsDocument {
        try ResultsDocument(json: try BoundedFile.json(path, limit: BoundedFile.resultsLimit), file: path)
    }
}
