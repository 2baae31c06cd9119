"""The golden suite: the real one loads; damaged copies are refused with a GoldenError naming the
file, the case and the field."""

import os

import pytest

import goldentools as gt
import nlgolden
from nlgolden import GoldenError


def test_the_suite_loads(suite):
    assert len(suite.cases) == sum(o["cases"] for o in suite.ops.values())
    assert suite.suiteVersion == gt.manifest(gt.GOLDEN)["suiteVersion"]
    assert [c.tcId for c in suite.cases] == sorted(c.tcId for c in suite.cases)
    # the table of FORMAT.md covers every op of the suite, outputs in rank order
    for op in suite.ops:
        case = suite.cases_of(op)[0]
        assert case.outputs == nlgolden.OPS[op]["outputs"]


def test_helpers(suite):
    c = suite.by_id[1]
    a = nlgolden.to_numpy(c.inputs["K"])
    assert a.shape == tuple(c.inputs["K"].shape) and a.dtype.name == "float64"
    assert [nlgolden.suite.Fraction(x) for x in a.ravel()] == nlgolden.exact(c.inputs["K"])
    assert str(nlgolden.exact(c.expected["Y"])[0]) == c.expected["Y"].q[0]
    assert nlgolden.to_numpy(suite.by_id[14].inputs["eta"]).shape == ()


def _set(*path_and_value):
    *path, value = path_and_value

    def fn(c):
        obj = c
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return fn


def _del(*path):
    def fn(c):
        obj = c
        for k in path[:-1]:
            obj = obj[k]
        del obj[path[-1]]
    return fn


def _raw(old, new):
    """Replace text in the case file's bytes (for what json.dumps cannot write)."""
    def fn(c):
        import json
        data = json.dumps(c, indent=2, sort_keys=True)
        assert old in data, old
        return data.replace(old, new, 1).encode()
    return fn


# (name, tcId to edit, edit, expected tcId in the error, expected field fragment)
CASE_EDITS = [
    ("case schema", 2, _set("schema", "nl-golden-case/2"), 2, "schema"),
    ("case suiteVersion", 2, _set("suiteVersion", "0.1.1"), 2, "suiteVersion"),
    ("unknown op", 2, _set("op", "linear_attention.parallel"), 2, "op"),
    ("op not a string", 2, _set("op", 7), 2, "op"),
    ("opVersion", 2, _set("opVersion", 2), 2, "opVersion"),
    ("opVersion 1.0", 2, _set("opVersion", 1.0), 2, "opVersion"),
    ("unknown flag", 2, _set("flags", ["Small", "Huge"]), 2, "flags[1]"),
    ("flag twice", 2, _set("flags", ["Small", "Small"]), 2, "flags[1]"),
    ("result verdict", 2, _set("result", "maybe"), 2, "result"),
    ("tcId 1.0", 1, _raw('"tcId": 1', '"tcId": 1.0'), None, "tcId"),
    ("tcId 1e0", 1, _raw('"tcId": 1', '"tcId": 1e0'), None, "tcId"),
    ("tcId 0", 1, _set("tcId", 0), None, "tcId"),
    ("tcId true", 1, _set("tcId", True), None, "tcId"),
    ("tcId huge literal", 1, _raw('"tcId": 1', '"tcId": 1' + "0" * 40), None, "tcId"),
    ("unknown case key", 1, _set("extra", 1), 1, "extra"),
    ("unknown tensor key", 1, _set("inputs", "K", "scale", 1), 1, "inputs.K.scale"),
    ("unknown tolerance key", 1, _set("tolerance", "rtol", 1), 1, "tolerance.rtol"),
    ("missing input", 1, _del("inputs", "Q"), 1, "inputs"),
    ("extra input", 1, _set("inputs", "Z", {"dtype": "f64", "shape": [], "f64": ["0" * 16],
                                           "q": ["0"]}), 1, "inputs.Z"),
    ("missing output", 1, _del("expected", "M_T"), 1, "expected"),
    ("non-canonical q 2/4", 1, _set("inputs", "K", "q", 4, "2/4"), 1, "inputs.K.q[4]"),
    ("non-canonical q +1/2", 1, _set("inputs", "K", "q", 4, "+1/2"), 1, "inputs.K.q[4]"),
    ("non-canonical q -0", 1, _set("inputs", "M0", "q", 0, "-0"), 1, "inputs.M0.q[0]"),
    ("expected q 0/1", 1, _set("expected", "Y", "q", 1, "0/1"), 1, "expected.Y.q[1]"),
    ("expected q -0", 1, _set("expected", "M_T", "q", 0, "-0"), 1, "expected.M_T.q[0]"),
    ("input q not the exact f64", 1, _set("inputs", "K", "q", 0, "7/5"), 1, "inputs.K.q[0]"),
    ("rational over 100000 chars", 1, _set("expected", "Y", "q", 0, "1" * 100_001), 1,
     "expected.Y.q[0]"),
    ("uppercase hex", 1, _set("inputs", "K", "f64", 0, "3FFC000000000000"), 1,
     "inputs.K.f64[0]"),
    ("short hex", 1, _set("inputs", "K", "f64", 0, "3ffc"), 1, "inputs.K.f64[0]"),
    ("value count", 1, _set("inputs", "K", "shape", [4, 4]), 1, "inputs.K.f64"),
    ("shape entry 1.0", 1, _raw('"shape": [\n        4,', '"shape": [\n        4.0,'), 1,
     "shape"),
    ("shape overflowing Int64", 1, _set("inputs", "K", "shape", [4611686018427387904, 4]), 1,
     "inputs.K.shape"),
    ("shape product over 2^31-1", 1, _set("inputs", "K", "shape", [65536, 65536]), 1,
     "inputs.K.shape"),
    ("negative extent", 1, _set("inputs", "K", "shape", [-4, -3]), 1, "inputs.K.shape"),
    ("q count", 1, lambda c: c["inputs"]["K"]["q"].pop(), 1, "inputs.K.q"),
    ("expected f64 not RN(q)", 1, _set("expected", "Y", "f64", 0, "bfa8000000000001"), 1,
     "expected.Y.f64[0]"),
    ("expected value beyond binary64", 1, lambda c: (
        c["expected"]["Y"]["q"].__setitem__(0, str(2 ** 1024)),
        c["expected"]["Y"]["f64"].__setitem__(0, "7ff0000000000000")), 1, "expected.Y.f64[0]"),
    ("expected NaN", 1, _set("expected", "Y", "f64", 0, "7ff8000000000000"), 1,
     "expected.Y.f64[0]"),
    ("NaN input in a valid case", 1, lambda c: (
        c["inputs"]["K"]["f64"].__setitem__(0, "7ff8000000000000"),
        c["inputs"]["K"].pop("q")), 1, "inputs.K.f64[0]"),
    ("q on a NaN input", 7, lambda c: c["inputs"]["K"].__setitem__(
        "q", ["0"] * len(c["inputs"]["K"]["f64"])), 7, "inputs.K.q"),
    ("missing rad (ball)", 1, _del("expected", "Y", "rad"), 1, "expected.Y.rad"),
    ("negative rad", 1, _set("expected", "Y", "rad", 0, "bd17340000000001"), 1,
     "expected.Y.rad[0]"),
    ("rad -0", 1, _set("expected", "Y", "rad", 0, "8000000000000000"), 1, "expected.Y.rad[0]"),
    ("rad infinite", 1, _set("expected", "Y", "rad", 0, "7ff0000000000000"), 1,
     "expected.Y.rad[0]"),
    ("rad NaN", 1, _set("expected", "Y", "rad", 0, "7ff8000000000000"), 1, "expected.Y.rad[0]"),
    ("rad below the bound", 1, _set("expected", "Y", "rad", 0, "3d07340000000001"), 1,
     "expected.Y.rad[0]"),
    ("allclose policy", 1, _set("tolerance", "policy", "allclose"), 1, "tolerance.policy"),
    ("boundUnits 1.0", 1, _set("tolerance", "boundUnits", 1.5), 1, "tolerance.boundUnits"),
    ("ulp without maxUlp", 1, _set("tolerance", "policy", "ulp"), 1, "tolerance.maxUlp"),
    ("expected in an invalid case", 6, _set("expected", {}), 6, "expected"),
    ("dtype", 1, _set("inputs", "K", "dtype", "f32"), 1, "inputs.K.dtype"),
    ("duplicate key", 1, _raw('"comment":', '"comment": "x", "comment":'), None, "(json)"),
    ("error null style: comment null", 1, _set("comment", None), 1, "comment"),
    ("escaped lone surrogate", 1, _raw('"comment": "', '"comment": "\\ud800'), None, "(json)"),
    ("BOM", 1, lambda c: b"\xef\xbb\xbf" + gt.json.dumps(c).encode(), None, "(file)"),
    ("UTF-16", 1, lambda c: gt.json.dumps(c).encode("utf-16"), None, "(file)"),
]


@pytest.mark.parametrize("name,tcId,edit,err_tcId,field", CASE_EDITS, ids=[e[0] for e in CASE_EDITS])
def test_damaged_case(name, tcId, edit, err_tcId, field, golden_copy):
    gt.edit_case(golden_copy, tcId, edit)
    with pytest.raises(GoldenError) as info:
        nlgolden.load_suite(golden_copy)
    e = info.value
    assert e.tcId == err_tcId, str(e)
    assert field in (e.field or ""), str(e)
    assert os.path.basename(gt.case_rel(golden_copy, tcId)) in str(e)


def _path_edit(new_path):
    def fn(m):
        m["files"][0]["path"] = new_path
    return fn


# (name, manifest edit, expected field fragment)
MANIFEST_EDITS = [
    ("manifest schema", _set("schema", "nl-golden/2"), "schema"),
    ("unknown manifest key", _set("comment", "x"), "comment"),
    ("unknown generator key", _set("generator", "git", "abc"), "generator.git"),
    ("op count", _set("ops", "dgd.step", "cases", 7), "ops.dgd.step.cases"),
    ("op count 6.0", _set("ops", "dgd.step", "cases", 6.0), "ops.dgd.step.cases"),
    ("unknown op key", _set("ops", "dgd.step", "x", 1), "ops.dgd.step.x"),
    ("unknown op", _set("ops", "dgd.stop", {"opVersion": 1, "conventions": {}, "cases": 0}),
     "ops.dgd.stop"),
    ("path ../", _path_edit("cases/../cases/linear_attention_recurrent/"
                            "linear_attention_recurrent-0001.json"), "files[0].path"),
    ("path with ../ outside", _path_edit("../Golden/cases/linear_attention_recurrent/"
                                         "linear_attention_recurrent-0001.json"), "files[0].path"),
    ("absolute path", _path_edit("/etc/passwd"), "files[0].path"),
    ("path ./", _path_edit("./cases/linear_attention_recurrent/"
                           "linear_attention_recurrent-0001.json"), "files[0].path"),
    ("path backslash", _path_edit("cases\\linear_attention_recurrent\\"
                                  "linear_attention_recurrent-0001.json"), "files[0].path"),
    ("path stem mismatch", _path_edit("cases/linear_attention_recurrent/"
                                      "delta_rule_sequence-0001.json"), "files[0].path"),
    ("path 3 digits", _path_edit("cases/linear_attention_recurrent/"
                                 "linear_attention_recurrent-001.json"), "files[0].path"),
    ("path of another op", _path_edit("cases/delta_rule_sequence/delta_rule_sequence-0001.json"),
     "files[0].path"),
    ("path tcId 00001", _path_edit("cases/linear_attention_recurrent/"
                                   "linear_attention_recurrent-00001.json"), "files[0].path"),
    ("bytes 1.0", _set("files", 0, "bytes", 4154.0), "files[0].bytes"),
    ("bytes over the case limit", _set("files", 0, "bytes", 64 * 2 ** 20 + 1), "files[0].bytes"),
    ("sha256 uppercase", lambda m: m["files"][0].__setitem__(
        "sha256", m["files"][0]["sha256"].upper()), "files[0].sha256"),
    ("size mismatch", lambda m: m["files"][0].__setitem__("bytes", m["files"][0]["bytes"] + 1),
     "files[0].bytes"),
    ("sha256 mismatch", lambda m: m["files"][0].__setitem__("sha256", "0" * 64),
     "files[0].sha256"),
    ("path listed twice", lambda m: m["files"].append(dict(m["files"][0])), "path"),
]


@pytest.mark.parametrize("name,edit,field", MANIFEST_EDITS, ids=[e[0] for e in MANIFEST_EDITS])
def test_damaged_manifest(name, edit, field, golden_copy):
    # files[0] must be tcId 1 for the path edits to mean what they say
    assert gt.manifest(golden_copy)["files"][0]["path"].endswith("-0001.json")
    gt.edit_manifest(golden_copy, edit)
    with pytest.raises(GoldenError) as info:
        nlgolden.load_suite(golden_copy)
    assert field in (info.value.field or ""), str(info.value)


def test_path_traversal_never_opens_outside(golden_copy, tmp_path):
    # a file the manifest points at through ../ must never be read: make it exist and be valid
    rel = gt.case_rel(golden_copy, 1)
    outside = os.path.join(os.path.dirname(golden_copy), "evil.json")
    gt.write_bytes(outside, gt.read_bytes(os.path.join(golden_copy, rel)))
    gt.edit_manifest(golden_copy, _path_edit("cases/../../evil.json"))
    with pytest.raises(GoldenError, match="is not cases/"):
        nlgolden.load_suite(golden_copy)


def test_duplicate_tcId_across_files(golden_copy):
    rel = gt.case_rel(golden_copy, 14)
    c = gt.read_json(os.path.join(golden_copy, rel))
    new = "cases/dgd_step/dgd_step-0099.json"
    gt.edit_manifest(golden_copy, lambda m: m["files"].append(
        {"path": new, "bytes": 0, "sha256": "0" * 64}))
    gt.write_case(golden_copy, new, c)
    with pytest.raises(GoldenError) as info:
        nlgolden.load_suite(golden_copy)
    assert info.value.tcId == 14


def test_no_suite_at_all(tmp_path):
    with pytest.raises(GoldenError, match="cannot read"):
        nlgolden.load_suite(str(tmp_path))


def test_acceptable_case_loads(golden_copy):
    gt.edit_case(golden_copy, 6, _set("result", "acceptable"))
    assert nlgolden.load_suite(golden_copy).by_id[6].result == "acceptable"
