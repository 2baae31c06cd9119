"""Helpers shared by the tests and the corpus writer: the suite in use, copies of it (whole or a
few cases), rewriting a case with its manifest entry fixed, results documents built from the
expected values or from the numpy example."""

import contextlib
import copy
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys

import nlgolden

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")
GOLDEN = nlgolden.find_golden()

_example = None


def load_example():
    """examples/example_numpy.py as a module (it is a script, not part of the package); its ops
    module numpy_ops.py is imported from beside it."""
    global _example
    if _example is None:
        if EXAMPLES not in sys.path:
            sys.path.insert(0, EXAMPLES)
        spec = importlib.util.spec_from_file_location(
            "example_numpy", os.path.join(EXAMPLES, "example_numpy.py"))
        _example = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_example)
    return _example


@contextlib.contextmanager
def big_integers():
    """Let int() and Fraction() parse integers of any length (Python 3.11+ refuses strings over
    4300 digits by default; LongRationals cases have tens of thousands)."""
    setter = getattr(sys, "set_int_max_str_digits", None)
    if setter is None:
        yield
        return
    limit = sys.get_int_max_str_digits()
    setter(0)
    try:
        yield
    finally:
        setter(limit)


def nlgolden_command():
    """How to run the nlgolden command from the tests (the installed package's CLI)."""
    return [sys.executable, "-m", "nlgolden"]


def run_cli(args, env=None, timeout=600):
    full_env = dict(os.environ)
    full_env.pop("NLSPEC_GOLDEN", None)
    full_env.update(env or {})
    return subprocess.run(nlgolden_command() + list(args), capture_output=True, text=True,
                          encoding="utf-8", env=full_env, timeout=timeout)


# --------------------------------------------------------------------------------------------
# files

def read_bytes(p):
    with open(p, "rb") as fh:
        return fh.read()


def write_bytes(p, data):
    """Write through a new file (os.replace), never into an existing inode."""
    tmp = p + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, p)


def read_json(p):
    return json.loads(read_bytes(p))


def write_json(p, obj, indent=1):
    write_bytes(p, json.dumps(obj, indent=indent).encode())


def f64_hex(x):
    return struct.pack(">d", float(x)).hex()


def f32_rounded(x):
    """x rounded to float32 where float32 has a normal number for it; other values unchanged
    (e^700 overflows float32 and e^-700 flushes to 0: no float32 result is within a radius
    relative to such a value)."""
    import numpy as np
    tiny, top = float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max)
    return float(np.float32(x)) if x == 0 or tiny <= abs(x) <= top else x


def manifest(golden):
    return read_json(os.path.join(golden, "MANIFEST.json"))


def case_rel(golden, tcId):
    """The manifest path of a tcId (the layout puts it there)."""
    for f in manifest(golden)["files"]:
        if f["path"].endswith(f"-{tcId:04d}.json"):
            return f["path"]
    raise KeyError(tcId)


def copy_suite(dst, tcIds=None, src=None):
    """Copy the suite to dst; with tcIds only those cases (every op stays in the manifest, with
    its case count fixed).  Returns dst."""
    src = src or GOLDEN
    os.makedirs(dst, exist_ok=True)
    m = manifest(src)
    if tcIds is None:
        shutil.copy(os.path.join(src, "MANIFEST.json"), dst)
        shutil.copytree(os.path.join(src, "cases"), os.path.join(dst, "cases"))
        return dst
    keep = []
    counts = {op: 0 for op in m["ops"]}
    for f in m["files"]:
        number = int(f["path"].rsplit("-", 1)[1].split(".")[0])
        if number in tcIds:
            keep.append(f)
            target = os.path.join(dst, *f["path"].split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy(os.path.join(src, *f["path"].split("/")), target)
            op = read_json(target)["op"]
            counts[op] += 1
    m["files"] = keep
    for op, n in counts.items():
        m["ops"][op]["cases"] = n
    write_json(os.path.join(dst, "MANIFEST.json"), m, indent=2)
    return dst


def edit_manifest(golden, fn):
    p = os.path.join(golden, "MANIFEST.json")
    m = read_json(p)
    fn(m)
    write_json(p, m, indent=2)


def write_case(golden, rel, obj_or_bytes, fix_manifest=True):
    """Write a case file (an object, or raw bytes) and by default fix its manifest entry."""
    data = obj_or_bytes if isinstance(obj_or_bytes, bytes) else \
        json.dumps(obj_or_bytes, indent=2, sort_keys=True).encode()
    path = os.path.join(golden, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_bytes(path, data)
    if fix_manifest:
        def fix(m):
            for f in m["files"]:
                if f["path"] == rel:
                    f["bytes"] = len(data)
                    f["sha256"] = hashlib.sha256(data).hexdigest()
        edit_manifest(golden, fix)


def edit_case(golden, tcId, fn):
    """Apply fn to case tcId's JSON object (fn may return raw bytes instead) and fix the
    manifest entry."""
    rel = case_rel(golden, tcId)
    c = read_json(os.path.join(golden, *rel.split("/")))
    out = fn(c)
    write_case(golden, rel, out if isinstance(out, bytes) else c)


# --------------------------------------------------------------------------------------------
# results documents

def perfect_results(suite, implementation="expected values"):
    """Every valid case answered with its expected f64 values (with shapes), every invalid case
    refused: a results document that passes every case of every op."""
    results = []
    for c in suite.cases:
        entry = {"tcId": c.tcId, "op": c.op}
        if c.result != "valid":
            entry["error"] = "refused"
        else:
            entry["outputs"] = {name: {"shape": list(t.shape), "f64": list(t.f64)}
                                for name, t in c.expected.items()}
        results.append(entry)
    return {"suiteVersion": suite.suiteVersion, "implementation": implementation,
            "results": results}


def entry_of(doc, tcId):
    return next(r for r in doc["results"] if r["tcId"] == tcId)


def results_bytes(doc_or_bytes):
    if isinstance(doc_or_bytes, bytes):
        return doc_or_bytes
    return json.dumps(doc_or_bytes, indent=1).encode()


def deep(doc):
    return copy.deepcopy(doc)
