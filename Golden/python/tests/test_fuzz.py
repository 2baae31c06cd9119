"""Seeded mutation fuzzing: damaged results files and damaged copies of the suite must give a
GoldenError (or grade normally), never any other exception.

The time budget (default 20 s, split 60/40 between results files and suites) and the seed are
set with NLGOLDEN_FUZZ_SECONDS and NLGOLDEN_FUZZ_SEED; the number of inputs tried is printed
(pytest -s) and recorded as test properties."""

import copy
import json
import os
import random
import shutil
import time

import goldentools as gt
import nlgolden
from nlgolden import GoldenError, SelectionError

SECONDS = float(os.environ.get("NLGOLDEN_FUZZ_SECONDS", "20"))
SEED = int(os.environ.get("NLGOLDEN_FUZZ_SEED", "20260"))

KEYS = ["tcId", "op", "outputs", "error", "errorKind", "shape", "f64", "decimal", "q",
        "suiteVersion", "implementation", "results", "x-a", "Y", "M_T", "W_next", "", "\u00e9"]
STRINGS = ["", "x", "0", "-0", "1/2", "2/4", "3/1", "NaN", "Infinity", "-Infinity", "nan",
           "0x1p-3", "+1", ".5", "1.", "1e999", "1e-999", "7ff8000000000000",
           "7ff0000000000000", "fff0000000000000", "8000000000000000", "0000000000000001",
           "3ff0000000000000", "3FF0000000000000", "\u0661", "\ud800", "a\x00b",
           "linear_attention.recurrent", "dgd.step", "1" * 5000, "9" * 100_001,
           "-" + "7" * 300 + "/" + "3" * 300]
BYTES = [b'"', b"{", b"}", b"[", b"]", b",", b":", b"\\", b"\\u", b"\\ud800", b"\xff",
         b"\xef\xbb\xbf", b"NaN", b"-0", b"1e999", b"1.0", b"null", b"true", b"\x00", b" ",
         b"[" * 40, b"9" * 400]


def random_value(rng, depth=0):
    k = rng.randrange(12 if depth < 3 else 8)
    if k == 0:
        return None
    if k == 1:
        return rng.choice([True, False])
    if k == 2:
        return rng.choice([0, 1, -1, 7, 2 ** 31, 2 ** 53 - 1, 2 ** 53, 2 ** 63, 10 ** 40])
    if k == 3:
        return rng.choice([0.0, -0.0, 1.0, 0.5, 1e308, 1e-320, float("inf"), float("nan")])
    if k in (4, 5, 6, 7):
        return rng.choice(STRINGS)
    if k in (8, 9):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(KEYS): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def nodes(obj, path=()):
    """Every (container, key) in a JSON value."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append((obj, k))
            out.extend(nodes(v))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.append((obj, i))
            out.extend(nodes(v))
    return out


def mutate_structure(rng, doc):
    doc = copy.deepcopy(doc)
    for _ in range(rng.randrange(1, 4)):
        places = nodes(doc)
        if not places:
            return random_value(rng)
        parent, key = rng.choice(places)
        op = rng.randrange(6)
        if op == 0:
            parent[key] = random_value(rng)
        elif op == 1 and isinstance(parent, dict):
            del parent[key]
        elif op == 1:
            parent.pop(key)
        elif op == 2 and isinstance(parent, dict):
            parent[rng.choice(KEYS)] = random_value(rng)
        elif op == 2:
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == 3 and isinstance(parent[key], str):
            s = parent[key]
            i = rng.randrange(len(s) + 1)
            parent[key] = s[:i] + rng.choice(["0", "f", "/", "-", ".", "e", "x", ""]) + s[i + 1:]
        elif op == 4:
            other_parent, other_key = rng.choice(places)
            parent[key] = copy.deepcopy(other_parent[other_key])
        else:
            parent[key] = rng.choice(STRINGS)
    return doc


HEX_SPECIAL = ["7ff8000000000000", "7ff0000000000000", "fff0000000000000", "0000000000000000",
               "8000000000000000", "0000000000000001", "7fefffffffffffff", "ffefffffffffffff"]


def mutate_semantics(rng, suite, doc):
    """Changes that keep the document well formed: values, representations, shapes, counts,
    refusals, missing entries and outputs; exercises grading rather than validation."""
    doc = copy.deepcopy(doc)
    entries = doc["results"]
    for _ in range(rng.randrange(1, 6)):
        if not entries:
            break
        e = rng.choice(entries)
        case = suite.by_id[e["tcId"]]
        op = rng.randrange(8)
        if op == 0:
            entries.remove(e)
        elif op == 1:
            e.pop("outputs", None)
            e["error"] = rng.choice(["", "x", "\t\n", "é" * 300])
        elif op == 2 and case.expected:
            e.pop("error", None)
            e["outputs"] = {n: {"f64": list(t.f64)} for n, t in case.expected.items()}
        elif "outputs" in e and e["outputs"]:
            name = rng.choice(sorted(e["outputs"]))
            o = e["outputs"][name]
            kind = next(k for k in ("f64", "decimal", "q") if k in o)
            values = o[kind]
            if op == 3 and values:                      # one value changed
                i = rng.randrange(len(values))
                if kind == "f64":
                    values[i] = rng.choice(HEX_SPECIAL + ["%016x" % rng.getrandbits(64)])
                elif kind == "decimal":
                    values[i] = rng.choice(["0", "-0", "1e-300", "1e300", "NaN", "Infinity",
                                            "-Infinity", "123.456e-7", "9" * 700])
                else:
                    values[i] = rng.choice(["0", "1", "-1/3", "7/2", "1" + "0" * 5000])
            elif op == 4 and kind == "f64" and case.expected and name in case.expected:
                t = case.expected[name]                 # another representation
                o.pop("f64")
                if rng.random() < 0.5 and t.q is not None:
                    o["q"] = list(t.q)
                else:
                    o["decimal"] = [repr(x) for x in t.values()]
            elif op == 5:
                o.pop("shape", None)
                if values:
                    values.pop()
            elif op == 6:
                o["shape"] = [len(values)]
            else:
                del e["outputs"][name]
    return doc


def mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(5)
        i = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(i, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            data[i:i] = rng.choice(BYTES)
        elif op == 2:
            del data[i:i + rng.randrange(1, 40)]
        elif op == 3:
            del data[i:]
        else:
            j = rng.randrange(len(data) + 1)
            data[i:i] = data[min(i, j):max(i, j)][:2000]
    return bytes(data)


def exercise(suite, results, rng):
    """Grade and render every report; only GoldenError and SelectionError may escape."""
    ops = [rng.choice(list(suite.ops))] if rng.random() < 0.3 else None
    prefixes = [rng.choice(["", "cms", "delta", "zz"])] if rng.random() < 0.2 else None
    precision = rng.choice(["f64", "f64", "f32", "bf16"])
    try:
        report = nlgolden.verify(suite, results, precision=precision, ops=ops,
                                 op_prefixes=prefixes)
    except (GoldenError, SelectionError):
        return "refused"
    report.text(verbose=rng.random() < 0.5)
    json.dumps(report.to_json(), allow_nan=False)
    report.junit()
    return "graded"


def test_fuzz_results_files(suite, perfect_doc_session, correct_doc, tmp_path, record_property):
    rng = random.Random(SEED)
    small = {c.tcId for c in suite.cases if "Small" in c.flags or c.result != "valid"}
    base = dict(perfect_doc_session)
    base["results"] = [e for e in perfect_doc_session["results"] if e["tcId"] in small]
    seeds = [base, correct_doc]
    p = str(tmp_path / "fuzz.json")
    counts = {"graded": 0, "refused": 0}
    deadline = time.time() + SECONDS * 0.6
    n = 0
    while time.time() < deadline:
        n += 1
        doc = seeds[rng.random() < 0.1]
        kind = rng.randrange(4)
        try:
            if kind == 0:                                   # a document, graded as a dict
                outcome = exercise(suite, mutate_structure(rng, doc), rng)
            elif kind == 3:                                 # well formed, graded
                outcome = exercise(suite, mutate_semantics(rng, suite, doc), rng)
            else:                                           # a file: structure or bytes
                if kind == 1:
                    data = json.dumps(mutate_structure(rng, doc)).encode()
                else:
                    data = mutate_bytes(rng, json.dumps(doc, indent=rng.choice([None, 1])).encode())
                gt.write_bytes(p, data)
                outcome = exercise(suite, p, rng)
        except Exception as e:                              # pragma: no cover - a finding
            if kind in (1, 2):
                shutil.copy(p, str(tmp_path / f"finding-{n}.json"))
            raise AssertionError(f"input {n} (seed {SEED}, kind {kind}) raised "
                                 f"{type(e).__name__}: {e}") from e
        counts[outcome] += 1
    print(f"\nfuzz results files: {n} inputs in {SECONDS * 0.6:.0f} s "
          f"({counts['graded']} graded, {counts['refused']} refused as malformed)")
    record_property("fuzz_results_inputs", n)
    record_property("fuzz_results_graded", counts["graded"])
    assert n > 100 and counts["graded"] > 0 and counts["refused"] > 0


def test_fuzz_suite_copies(tmp_path, record_property):
    rng = random.Random(SEED + 1)
    pristine = gt.copy_suite(str(tmp_path / "pristine"), {1, 2, 6, 14, 20, 49, 100, 118})
    files = ["MANIFEST.json"] + [f["path"] for f in gt.manifest(pristine)["files"]]
    work = str(tmp_path / "work")
    shutil.copytree(pristine, work)
    counts = {"loaded": 0, "refused": 0, "graded": 0, "results refused": 0}
    deadline = time.time() + SECONDS * 0.4
    n = 0
    while time.time() < deadline:
        n += 1
        target = rng.choice(files)
        path = os.path.join(work, *target.split("/"))
        original = gt.read_bytes(os.path.join(pristine, *target.split("/")))
        manifest_before = gt.read_bytes(os.path.join(work, "MANIFEST.json"))
        try:
            if rng.random() < 0.5:
                data = mutate_bytes(rng, original)
            else:
                data = json.dumps(mutate_structure(rng, json.loads(original)), indent=2).encode()
            if target == "MANIFEST.json":
                gt.write_bytes(path, data)
            else:
                gt.write_case(work, target, data, fix_manifest=rng.random() < 0.8)
            try:
                suite = nlgolden.load_suite(work)
            except GoldenError:
                counts["refused"] += 1
            else:
                counts["loaded"] += 1
                doc = gt.perfect_results(suite)
                if rng.random() < 0.5:
                    doc = mutate_structure(rng, doc)
                outcome = exercise(suite, doc, rng)
                counts["graded" if outcome == "graded" else "results refused"] += 1
        except Exception as e:                              # pragma: no cover - a finding
            raise AssertionError(f"suite input {n} (seed {SEED + 1}, file {target}) raised "
                                 f"{type(e).__name__}: {e}") from e
        finally:
            gt.write_bytes(path, original)
            gt.write_bytes(os.path.join(work, "MANIFEST.json"), manifest_before
                           if target != "MANIFEST.json" else original)
    print(f"\nfuzz suite copies: {n} inputs in {SECONDS * 0.4:.0f} s ({counts})")
    record_property("fuzz_suite_inputs", n)
    assert n > 20 and counts["refused"] > 0 and counts["loaded"] > 0
