#!/usr/bin/env python3
"""Tests for nlgolden.py: the real suite loads and grades; damaged golden and results files are
rejected with a GoldenError naming the file, the case and the field; grading rules hold.

    python3 test_nlgolden.py [-v]          (uses ../ as the golden directory)
"""

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nlgolden as ng  # noqa: E402
from example_numpy import IMPLEMENTED  # noqa: E402


def implemented(suite):
    """Cases the numpy example runs; the others get no result and count as skipped."""
    return sum(1 for c in suite.cases if c.op in IMPLEMENTED)
import example_numpy  # noqa: E402

GOLDEN = os.environ.get("NLGOLDEN_DIR", os.path.dirname(HERE))


def read_bytes(p):
    with open(p, "rb") as fh:
        return fh.read()


def write_bytes(p, data):
    with open(p, "wb") as fh:
        fh.write(data)


def read_json(p):
    with open(p, "rb") as fh:
        return json.loads(fh.read())


def write_json(p, obj):
    with open(p, "w") as fh:
        json.dump(obj, fh, indent=2)


def case_path(golden, tcId):
    for f in read_json(os.path.join(golden, "MANIFEST.json"))["files"]:
        c = read_json(os.path.join(golden, f["path"]))
        if c["tcId"] == tcId:
            return f["path"]
    raise KeyError(tcId)


def copy_golden(dst):
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(GOLDEN, "MANIFEST.json"), dst)
    shutil.copytree(os.path.join(GOLDEN, "cases"), os.path.join(dst, "cases"))


def write_case(golden, rel, obj, fix_manifest=True, new_rel=None):
    """Write a (modified) case and, by default, update its manifest entry's size and hash."""
    data = json.dumps(obj, indent=2, sort_keys=True).encode()
    target = new_rel or rel
    os.makedirs(os.path.dirname(os.path.join(golden, target)), exist_ok=True)
    write_bytes(os.path.join(golden, target), data)
    mpath = os.path.join(golden, "MANIFEST.json")
    m = read_json(mpath)
    if new_rel:
        m["files"].append({"path": new_rel, "bytes": 0, "sha256": "0" * 64})
    if fix_manifest:
        for f in m["files"]:
            if f["path"] == target:
                f["bytes"] = len(data)
                f["sha256"] = hashlib.sha256(data).hexdigest()
    write_json(mpath, m)


def edit_manifest(golden, fn):
    mpath = os.path.join(golden, "MANIFEST.json")
    m = read_json(mpath)
    fn(m)
    write_json(mpath, m)


# Each golden mutation: (name, function(golden_dir), expected tcId in the error or None,
# expected field substring).
def _case_edit(tcId, fn):
    def mutate(g):
        rel = case_path(g, tcId)
        c = read_json(os.path.join(g, rel))
        fn(c)
        write_case(g, rel, c)
    return mutate


def _set(path, value):
    def fn(c):
        obj = c
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return fn


def _del(path):
    def fn(c):
        obj = c
        for k in path[:-1]:
            obj = obj[k]
        del obj[path[-1]]
    return fn


def _byte_flip(g):
    rel = case_path(g, 3)
    p = os.path.join(g, rel)
    data = bytearray(read_bytes(p))
    data[data.index(b'"T = 1"') + 2] = ord("U")
    write_bytes(p, bytes(data))


def _truncate(g):
    rel = case_path(g, 3)
    p = os.path.join(g, rel)
    write_bytes(p, read_bytes(p) + b" ")


def _duplicate(g):
    rel = case_path(g, 14)
    c = read_json(os.path.join(g, rel))
    write_case(g, rel, c, new_rel="cases/dgd_step/dgd_step-0099.json")


GOLDEN_MUTATIONS = [
    ("sha256 mismatch", _byte_flip, None, "sha256"),
    ("size mismatch", _truncate, None, "bytes"),
    ("manifest schema", lambda g: edit_manifest(g, _set(["schema"], "nl-golden/2")), None,
     "schema"),
    ("manifest op count", lambda g: edit_manifest(g, _set(["ops", "dgd.step", "cases"], 7)),
     None, "ops.dgd.step.cases"),
    ("case schema", _case_edit(2, _set(["schema"], "nl-golden-case/2")), 2, "schema"),
    ("case suiteVersion", _case_edit(2, _set(["suiteVersion"], "0.1.1")), 2, "suiteVersion"),
    ("unknown op", _case_edit(2, _set(["op"], "linear_attention.parallel")), 2, "op"),
    ("opVersion", _case_edit(2, _set(["opVersion"], 2)), 2, "opVersion"),
    ("unknown flag", _case_edit(2, _set(["flags"], ["Small", "Huge"])), 2, "flags[1]"),
    ("result verdict", _case_edit(2, _set(["result"], "maybe")), 2, "result"),
    ("non-canonical q 2/4", _case_edit(1, _set(["inputs", "K", "q", 4], "2/4")), 1,
     "inputs.K.q[4]"),
    ("non-canonical q +1/2", _case_edit(1, _set(["inputs", "K", "q", 4], "+1/2")), 1,
     "inputs.K.q[4]"),
    ("non-canonical q -0", _case_edit(1, _set(["inputs", "M0", "q", 0], "-0")), 1,
     "inputs.M0.q[0]"),
    ("non-canonical q 3/1", _case_edit(1, _set(["expected", "Y", "q", 1], "0/1")), 1,
     "expected.Y.q[1]"),
    ("input q not exact f64", _case_edit(1, _set(["inputs", "K", "q", 0], "7/5")), 1,
     "inputs.K.q[0]"),
    ("uppercase hex", _case_edit(1, _set(["inputs", "K", "f64", 0], "3FFC000000000000")), 1,
     "inputs.K.f64[0]"),
    ("short hex", _case_edit(1, _set(["inputs", "K", "f64", 0], "3ffc")), 1, "inputs.K.f64[0]"),
    ("value count", _case_edit(1, _set(["inputs", "K", "shape"], [4, 4])), 1, "inputs.K.f64"),
    ("q count", _case_edit(1, lambda c: c["inputs"]["K"]["q"].pop()), 1, "inputs.K.q"),
    ("expected f64 not RN(q)", _case_edit(1, _set(["expected", "Y", "f64", 0],
                                                  "bfa8000000000001")), 1, "expected.Y.f64[0]"),
    ("NaN input in valid case", _case_edit(1, lambda c: (
        c["inputs"]["K"]["f64"].__setitem__(0, "7ff8000000000000"),
        c["inputs"]["K"].pop("q"))), 1, "inputs.K.f64[0]"),
    ("q on a NaN input", _case_edit(7, lambda c: c["inputs"]["K"].__setitem__(
        "q", ["0"] * 12)), 7, "inputs.K.q"),
    ("missing rad (ball)", _case_edit(1, _del(["expected", "Y", "rad"])), 1, "expected.Y.rad"),
    ("negative rad", _case_edit(1, _set(["expected", "Y", "rad", 0], "bd17340000000001")), 1,
     "expected.Y.rad[0]"),
    ("rad below the bound", _case_edit(1, _set(["expected", "Y", "rad", 0], "3d07340000000001")),
     1, "expected.Y.rad[0]"),
    ("allclose policy", _case_edit(1, _set(["tolerance", "policy"], "allclose")), 1,
     "tolerance.policy"),
    ("missing output", _case_edit(1, _del(["expected", "M_T"])), 1, "expected"),
    ("missing input", _case_edit(1, _del(["inputs", "Q"])), 1, "inputs"),
    ("expected in invalid case", _case_edit(6, _set(["expected"], {})), 6, "expected"),
    ("dtype", _case_edit(1, _set(["inputs", "K", "dtype"], "f32")), 1, "inputs.K.dtype"),
    ("duplicate tcId", _duplicate, 14, "tcId"),
]


def _layout(g):
    rel = case_path(g, 14)
    c = read_json(os.path.join(g, rel))
    os.remove(os.path.join(g, rel))
    new = "cases/dgd_step/dgd_step-14.json"
    write_case(g, rel, c, fix_manifest=False, new_rel=new)
    edit_manifest(g, lambda m: m.__setitem__("files", [f for f in m["files"]
                                                       if f["path"] != rel]))
    write_case(g, new, c)


GOLDEN_MUTATIONS.append(("layout (tcId not 4 digits)", _layout, 14, "tcId"))


def _bad_json(g):
    rel = case_path(g, 3)
    p = os.path.join(g, rel)
    data = read_bytes(p).replace(b'"tcId" : 3', b'"tcId" : 3, "tcId" : 3', 1)
    write_bytes(p, data)
    edit_manifest(g, lambda m: [f.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
                                for f in m["files"] if f["path"] == rel])


GOLDEN_MUTATIONS.append(("duplicate JSON key", _bad_json, None, "(json)"))


# Results mutations: (name, function(doc) -> doc or bytes, expected tcId or None, field substr)
def _r(tcId, fn):
    def mutate(doc):
        for r in doc["results"]:
            if r["tcId"] == tcId:
                fn(r)
        return doc
    return mutate


RESULTS_MUTATIONS = [
    ("other suiteVersion", lambda d: {**d, "suiteVersion": "0.1.0"}, None, "suiteVersion"),
    ("no suiteVersion", lambda d: {k: v for k, v in d.items() if k != "suiteVersion"}, None,
     "suiteVersion"),
    ("duplicate tcId", lambda d: {**d, "results": d["results"] + [d["results"][0]]}, 1, "tcId"),
    ("unknown tcId", lambda d: {**d, "results": d["results"] + [
        {"tcId": 999, "op": "dgd.step", "error": "x"}]}, 999, "tcId"),
    ("string tcId", _r(2, _set(["tcId"], "2")), None, "tcId"),
    ("unknown op", _r(2, _set(["op"], "linear_attention.parallel")), 2, "op"),
    ("op of another case", _r(2, _set(["op"], "dgd.step")), 2, "op"),
    ("error and outputs", _r(2, _set(["error"], "x")), 2, "results[1]"),
    ("neither error nor outputs", _r(2, _del(["outputs"])), 2, "results[1]"),
    ("two representations", _r(1, lambda r: r["outputs"]["Y"].__setitem__(
        "decimal", ["0"] * 8)), 1, "outputs.Y"),
    ("bad hex", _r(1, _set(["outputs", "Y", "f64", 0], "BFA8000000000000")), 1,
     "outputs.Y.f64[0]"),
    ("non-canonical q", _r(1, lambda r: r["outputs"].__setitem__(
        "Y", {"q": ["-6/128"] + ["0"] * 7})), 1, "outputs.Y.q[0]"),
    ("bad decimal", _r(1, lambda r: r["outputs"].__setitem__(
        "Y", {"decimal": ["1,5"] + ["0"] * 7})), 1, "outputs.Y.decimal[0]"),
    ("count differs from own shape", _r(1, lambda r: r["outputs"]["Y"]["f64"].pop()), 1,
     "outputs.Y.f64"),
    ("unknown output", _r(1, lambda r: r["outputs"].__setitem__(
        "Z", r["outputs"]["Y"])), 1, "outputs.Z"),
    ("bad JSON", lambda d: json.dumps(d).encode()[:-3], None, "(json)"),
    ("NaN literal", lambda d: json.dumps(d).replace('"implementation"', '"x": NaN, '
                                                    '"implementation"', 1).encode(),
     None, "(json)"),
]


def results_bytes(doc_or_bytes):
    if isinstance(doc_or_bytes, bytes):
        return doc_or_bytes
    return json.dumps(doc_or_bytes, indent=1).encode()


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.suite = ng.load_suite(GOLDEN)
        cls.correct = example_numpy.run_suite(cls.suite, "correct")

    def doc(self):
        return copy.deepcopy(self.correct)


class TestSuite(Base):
    def test_loads(self):
        self.assertEqual(len(self.suite.cases), sum(o["cases"] for o in self.suite.ops.values()))
        self.assertEqual(self.suite.suiteVersion, "0.7.1")

    def test_helpers(self):
        c = self.suite.by_id[1]
        a = ng.to_numpy(c.inputs["K"])
        self.assertEqual(a.shape, (4, 3))
        self.assertEqual([ng.Fraction(x) for x in a.ravel()], ng.exact(c.inputs["K"]))
        self.assertEqual(str(ng.exact(c.expected["Y"])[0]), "-3/64")
        self.assertEqual(ng.to_numpy(self.suite.by_id[14].inputs["eta"]).shape, ())

    def test_golden_mutations(self):
        for name, mutate, tcId, field in GOLDEN_MUTATIONS:
            with self.subTest(name), tempfile.TemporaryDirectory() as tmp:
                g = os.path.join(tmp, "Golden")
                copy_golden(g)
                mutate(g)
                with self.assertRaises(ng.GoldenError) as cm:
                    ng.load_suite(g)
                e = cm.exception
                self.assertEqual(e.tcId, tcId, str(e))
                if field:
                    self.assertIn(field, e.field or "", str(e))
                self.assertIn(os.path.basename(e.file), str(e))


class TestVerify(Base):
    def test_correct_passes(self):
        r = ng.verify(self.suite, self.doc())
        n = implemented(self.suite)
        self.assertEqual((r.passed, r.failed, r.skipped), (n, 0, len(self.suite.cases) - n))
        for p in ("f32", "bf16"):
            self.assertEqual(ng.verify(self.suite, self.doc(), precision=p).failed, 0)

    def test_results_mutations(self):
        for name, mutate, tcId, field in RESULTS_MUTATIONS:
            with self.subTest(name), tempfile.TemporaryDirectory() as tmp:
                p = os.path.join(tmp, "r.json")
                write_bytes(p, results_bytes(mutate(self.doc())))
                with self.assertRaises(ng.GoldenError) as cm:
                    ng.verify(self.suite, p)
                e = cm.exception
                self.assertEqual(e.tcId, tcId, str(e))
                self.assertIn(field, e.field or "", str(e))
                self.assertEqual(e.file, p)

    def test_missing_is_skipped(self):
        d = self.doc()
        d["results"] = [r for r in d["results"] if r["tcId"] not in (4, 17)]
        r = ng.verify(self.suite, d)
        n = implemented(self.suite)
        self.assertEqual((r.passed, r.failed, r.skipped), (n - 2, 0, len(self.suite.cases) - n + 2))
        not_run = {c.tcId for c in self.suite.cases if c.op not in IMPLEMENTED}
        self.assertEqual({v["tcId"] for v in r.verdicts if v["reason"] == "missing"}, {4, 17} | not_run)

    def test_representations(self):
        d = self.doc()
        for res in d["results"]:
            case = self.suite.by_id[res["tcId"]]
            if "outputs" not in res:
                continue
            for name, o in res["outputs"].items():
                if case.tcId % 2:      # exact rationals: must equal q
                    res["outputs"][name] = {"q": case.expected[name].q}
                else:                  # repr() decimals, no shape
                    res["outputs"][name] = {"decimal": [repr(ng.f64_from_hex(s))
                                                        for s in o["f64"]]}
        r = ng.verify(self.suite, d)
        self.assertEqual(r.failed, 0)
        # a rational off by the smallest amount fails even though it is far inside the ball
        d2 = self.doc()
        q = list(self.suite.by_id[1].expected["Y"].q)
        q[0] = str(ng.Fraction(q[0]) + ng.Fraction(1, 10 ** 40))
        d2["results"][0]["outputs"]["Y"] = {"q": q}
        v = ng.verify(self.suite, d2).verdicts[0]
        self.assertEqual(v["status"], "failed")
        self.assertEqual((v["failure"]["output"], v["failure"]["index"]), ("Y", 0))

    def test_ball_edges(self):
        case = self.suite.by_id[1]
        exp = case.expected["Y"]
        q, rad = exp.exact()[2], exp.radii()[2]
        import math
        inside = float(q + rad)            # q = -105/32, so q + rad rounds to a double
        while ng.Fraction(inside) - q > rad:
            inside = math.nextafter(inside, -math.inf)
        outside = math.nextafter(inside, math.inf)
        for value, status in ((inside, "passed"), (outside, "failed")):
            d = self.doc()
            d["results"][0]["outputs"]["Y"]["f64"][2] = ng.hex_from_f64(value)
            v = ng.verify(self.suite, d).verdicts[0]
            self.assertEqual(v["status"], status, value)
            if status == "failed":
                f = v["failure"]
                self.assertEqual((f["output"], f["index"], f["multiIndex"]), ("Y", 2, [1, 0]))
                self.assertEqual(f["expected"], "-105/32")
                # the same value passes when the implementation says it computed in f32
                self.assertEqual(ng.verify(self.suite, d, precision="f32")
                                 .verdicts[0]["status"], "passed")

    def test_nan_and_refusals(self):
        d = self.doc()
        d["results"][0]["outputs"]["M_T"]["f64"][0] = "7ff8000000000000"
        d["results"][1] = {"tcId": 2, "op": "linear_attention.recurrent", "error": "no"}
        d["results"][5] = {"tcId": 6, "op": "linear_attention.recurrent",
                           "outputs": d["results"][0]["outputs"]}
        d["results"][2]["outputs"].pop("Y")
        r = ng.verify(self.suite, d)
        st = {v["tcId"]: v["status"] for v in r.verdicts}
        self.assertEqual([st[i] for i in (1, 2, 3, 6)], ["failed"] * 4)
        self.assertEqual(r.failed, 4)

    def test_shape_mismatch_fails_the_case(self):
        d = self.doc()
        d["results"][0]["outputs"]["Y"]["shape"] = [2, 4]          # transposed
        d["results"][1]["outputs"]["Y"].pop("shape")
        d["results"][1]["outputs"]["Y"]["f64"].pop()               # one value short
        r = ng.verify(self.suite, d)
        self.assertEqual([v["status"] for v in r.verdicts[:2]], ["failed", "failed"])
        self.assertIn("shape [2, 4] given", r.verdicts[0]["failure"]["reason"])
        self.assertIn("values given", r.verdicts[1]["failure"]["reason"])

    def test_op_filter(self):
        r = ng.verify(self.suite, self.doc(), op_filter="two_calls")
        self.assertEqual(set(r.ops), {"delta_rule.two_calls"})

    def test_wrong_variants_fail(self):
        for variant, op in (("left-multiplied-delta", "delta_rule.sequence"),
                            ("cms-c-plus-one", "cms_level.run")):
            r = ng.verify(self.suite, example_numpy.run_suite(self.suite, variant))
            self.assertGreater(r.ops[op]["failed"], 0)
            self.assertEqual(sum(s["failed"] for o, s in r.ops.items() if o != op), 0)

    def test_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "r.json")
            write_json(p, self.doc())
            cmd = [sys.executable, os.path.join(HERE, "nlgolden.py"), "verify", p,
                   "--golden", GOLDEN]
            out = subprocess.run(cmd, capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout.strip().splitlines()[-1],
                             f"{implemented(self.suite)} passed, 0 failed, "
                             f"{len(self.suite.cases) - implemented(self.suite)} skipped")
            d = self.doc()
            d["suiteVersion"] = "9.9.9"
            write_json(p, d)
            out = subprocess.run(cmd, capture_output=True, text=True)
            self.assertEqual(out.returncode, 2)
            self.assertIn("suiteVersion", out.stderr)


if __name__ == "__main__":
    unittest.main()
