import ExactMath
import Foundation

/// A golden suite read from disk and validated: manifest, hashes, and every case.
public struct LoadedSuite: Sendable {
    public let manifest: Manifest
    public let cases: [GoldenCase]
    public let directory: URL
}

/// Field path of a decoding error, e.g. `inputs.K.shape`.
func fieldPath(_ error: DecodingError) -> (String?, String) {
    func path(_ p: [CodingKey]) -> String? {
        p.isEmpty ? nil : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
    switch error {
    case .typeMismatch(_, let c): return (path(c.codingPath), "wrong type: \(c.debugDescription)")
    case .valueNotFound(_, let c): return (path(c.codingPath), "missing value: \(c.debugDescription)")
    case .keyNotFound(let key, let c): return (path(c.codingPath + [key]), "missing required field")
    case .dataCorrupted(let c):
        let underlying = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return (path(c.codingPath), "malformed or truncated JSON: \(underlying ?? c.debugDescription)")
    @unknown default: return (nil, "\(error)")
    }
}

/// Decodes JSON, turning every failure into a ``GoldenError`` that names the file and field.
func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String, tcId: Int? = nil) throws -> T {
    do { return try JSONDecoder().decode(type, from: data) } catch let e as DecodingError {
        let (field, message) = fieldPath(e)
        throw GoldenError(file: file, tcId: tcId, field: field, message)
    }
}

extension LoadedSuite {
    /// Reads `MANIFEST.json` under `directory`, checks each listed file's size and sha256, and
    /// validates every case. Throws a ``GoldenError`` at the first problem.
    public static func load(from directory: URL) throws -> LoadedSuite {
        let manifestURL = directory.appendingPathComponent("MANIFEST.json")
        guard let manifestData = FileManager.default.contents(atPath: manifestURL.path) else {
            throw GoldenError(file: manifestURL.path, "cannot read the manifest")
        }
        let manifest = try decode(Manifest.self, from: manifestData, file: manifestURL.path)
        guard manifest.schema == GoldenSuite.schema else {
            throw GoldenError(file: manifestURL.path, field: "schema", "unsupported schema '\(manifest.schema)', expected '\(GoldenSuite.schema)'")
        }
        var cases: [GoldenCase] = []
        var seen: [Int: String] = [:]
        for entry in manifest.files {
            let url = directory.appendingPathComponent(entry.path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw GoldenError(file: url.path, "listed in the manifest but cannot be read")
            }
            guard data.count == entry.bytes else {
                throw GoldenError(file: url.path, field: "bytes", "manifest says \(entry.bytes) bytes, file has \(data.count)")
            }
            let digest = SHA256.hex([UInt8](data))
            guard digest == entry.sha256 else {
                throw GoldenError(file: url.path, field: "sha256", "manifest says \(entry.sha256), file hashes to \(digest)")
            }
            let c = try decode(GoldenCase.self, from: data, file: url.path)
            try validate(c, file: url.path, manifest: manifest)
            if let other = seen[c.tcId] { throw GoldenError(file: url.path, tcId: c.tcId, field: "tcId", "duplicate tcId, also used by \(other)") }
            seen[c.tcId] = url.path
            cases.append(c)
        }
        for (name, entry) in manifest.ops {
            let n = cases.filter { $0.op == name }.count
            guard n == entry.cases else {
                throw GoldenError(file: manifestURL.path, field: "ops.\(name).cases", "manifest says \(entry.cases) cases, the files hold \(n)")
            }
        }
        return LoadedSuite(manifest: manifest, cases: cases.sorted { $0.tcId < $1.tcId }, directory: directory)
    }

    /// Checks one case against the schema rules that JSON decoding cannot express.
    public static func validate(_ c: GoldenCase, file: String, manifest: Manifest) throws {
        func fail(_ field: String, _ message: String) -> GoldenError { GoldenError(file: file, tcId: c.tcId, field: field, message) }
        guard c.schema == GoldenCase.schemaID else { throw fail("schema", "unsupported case schema '\(c.schema)'") }
        guard c.suiteVersion == manifest.suiteVersion else { throw fail("suiteVersion", "case is from suite \(c.suiteVersion), manifest is \(manifest.suiteVersion)") }
        guard let op = GoldenSuite.op(named: c.op) else { throw fail("op", "unknown op '\(c.op)'") }
        guard c.opVersion == op.version else { throw fail("opVersion", "op \(c.op) version \(c.opVersion) is not supported (this build knows version \(op.version))") }
        guard ["valid", "invalid", "acceptable"].contains(c.result) else { throw fail("result", "unknown verdict '\(c.result)'") }
        for flag in c.flags where manifest.flags[flag] == nil { throw fail("flags", "flag '\(flag)' is not defined in the manifest") }
        for (name, t) in c.inputs {
            let values = try t.doubles(file: file, tcId: c.tcId, field: "inputs.\(name)", allowNonFinite: c.result == "invalid")
            if let q = t.q {
                let exact = try t.rationals(file: file, tcId: c.tcId, field: "inputs.\(name)")
                for i in 0..<q.count where Rational(exactly: values[i]) != exact[i] {
                    throw fail("inputs.\(name).q[\(i)]", "rational \(exact[i]) is not the exact value of f64 \(t.f64![i])")
                }
            }
        }
        if c.result == "invalid" && (c.expected != nil || c.tolerance != nil) {
            throw fail("expected", "an invalid case carries no expected outputs or tolerance")
        }
        if c.result == "valid" {
            guard let expected = c.expected, !expected.isEmpty else { throw fail("expected", "a valid case needs expected outputs") }
            guard let tol = c.tolerance else { throw fail("tolerance", "a valid case needs a tolerance") }
            guard ["exact", "bitwise", "ulp", "ball"].contains(tol.policy) else {
                throw fail("tolerance.policy", tol.policy == "allclose" ? "policy 'allclose' is not used in \(GoldenSuite.schema)" : "unknown policy '\(tol.policy)'")
            }
            for (name, t) in expected {
                let q = try t.rationals(file: file, tcId: c.tcId, field: "expected.\(name)")
                let d = try t.doubles(file: file, tcId: c.tcId, field: "expected.\(name)", allowNonFinite: true)
                for i in 0..<q.count where q[i].roundedDouble.bitPattern != d[i].bitPattern && !(q[i].isZero && d[i] == 0) {
                    throw fail("expected.\(name).f64[\(i)]", "f64 \(t.f64![i]) is not \(q[i]) rounded to nearest (\(Tensor.hex(q[i].roundedDouble)))")
                }
                if tol.policy == "ball" {
                    guard let rad = t.rad, rad.count == t.elementCount else { throw fail("expected.\(name).rad", "ball policy needs one radius per element") }
                    for (i, r) in rad.enumerated() {
                        guard let d = Tensor.double(fromHex: r), d.isFinite, d >= 0 else { throw fail("expected.\(name).rad[\(i)]", "'\(r)' is not a finite non-negative f64") }
                    }
                }
            }
        }
    }
}
