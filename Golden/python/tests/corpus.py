"""Write a corpus of results files and damaged suites on which two graders of the contract
(FORMAT.md, "Grading contract") must agree.

    python3 corpus.py OUT_DIR [--golden DIR]       # writes OUT_DIR/corpus.json and the files

Every item is one grading run:
    {"name", "results": path, "golden": suite directory, "precision": "f64"|"f32"|"bf16",
     "args": [extra options, e.g. "--op", "dgd.step"], "expect": exit code, "why": text}
Paths in corpus.json are relative to OUT_DIR.  `expect` is what the contract prescribes; the
cross-grader test checks that both graders give it, and the same reports.
"""

import argparse
import copy
import json
import math
import os
import random
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:                     # run as a script from anywhere
    sys.path.insert(0, HERE)

import goldentools as gt  # noqa: E402
import nlgolden  # noqa: E402

DBL_MAX = 1.7976931348623157e308


def _h2f(s):
    return struct.unpack(">d", bytes.fromhex(s))[0]


class _Writer:
    def __init__(self, out, golden, suite):
        self.out, self.golden, self.suite = out, golden, suite
        self.items = []
        os.makedirs(os.path.join(out, "results"), exist_ok=True)
        os.makedirs(os.path.join(out, "suites"), exist_ok=True)

    def add(self, name, doc_or_bytes, expect, why, precision="f64", args=(), golden=None):
        path = os.path.join(self.out, "results", f"{len(self.items):03d}-{name}.json")
        data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else \
            json.dumps(doc_or_bytes, indent=1).encode()
        with open(path, "wb") as fh:
            fh.write(data)
        self.items.append({"name": name, "results": path, "golden": golden or self.golden,
                           "precision": precision, "args": list(args), "expect": expect,
                           "why": why})


def _set_f64(doc, tcId, name, flat, x):
    gt.entry_of(doc, tcId)["outputs"][name]["f64"][flat] = gt.f64_hex(x)


def _first_valid(suite, op):
    return next(c for c in suite.cases if c.op == op and c.result == "valid")


def _first_invalid(suite, op):
    return next(c for c in suite.cases if c.op == op and c.result == "invalid")


def _kind(case):
    """The invalid-case flag an invalid case carries (FORMAT.md, "Invalid inputs")."""
    return next(f for f in case.flags if f in nlgolden.INVALID_KINDS)


def _other_kind(case, k):
    """An invalid-case flag other than the case's (k picks which)."""
    kinds = nlgolden.INVALID_KINDS
    return kinds[(kinds.index(_kind(case)) + 1 + k % 3) % len(kinds)]


def _results(w, suite, example):
    """Well-formed results files: what they grade to is the point."""
    correct = example.run_suite(suite, "correct")
    perfect = gt.perfect_results(suite)
    add = w.add
    add("numpy-correct", correct, 0, "the numpy example: every op within tolerance or refused")
    add("numpy-correct-f32", correct, 0, "the same graded at f32", precision="f32")
    add("numpy-correct-bf16", correct, 0, "the same graded at bf16", precision="bf16")
    add("numpy-correct-verbose", correct, 0, "one MISSING line per case", args=["--verbose"])
    add("numpy-left-multiplied-delta", example.run_suite(suite, "left-multiplied-delta"), 1,
        "(I - b k k^T) M: out of tolerance, and refusals where d_k != d_v")
    add("numpy-cms-c-plus-one", example.run_suite(suite, "cms-c-plus-one"), 1,
        "a CMS window of C + 1 tokens: W1_after fails first")
    partial = copy.deepcopy(correct)
    partial["results"] = partial["results"][::2]
    add("partial", partial, 0, "every other result missing: MISSING ranges")
    add("perfect", perfect, 0, "the expected f64 values of every case of every op")
    add("perfect-bf16", perfect, 0, "the same at bf16", precision="bf16")
    add("empty", {"suiteVersion": suite.suiteVersion, "results": []}, 0,
        "no results, no implementation name: everything missing, (unnamed)")

    f32 = copy.deepcopy(perfect)
    for r in f32["results"]:
        for o in r.get("outputs", {}).values():
            o["f64"] = [gt.f64_hex(gt.f32_rounded(_h2f(s))) for s in o["f64"]]
    f32["implementation"] = "expected values rounded to float32"
    add("f32-rounded-at-f64", f32, 1, "f32 results fail at f64")
    add("f32-rounded-at-f32", f32, 0, "and pass at f32", precision="f32")

    near = copy.deepcopy(perfect)
    far = copy.deepcopy(perfect)
    zeros = 0
    for c in suite.cases:
        if c.result != "valid":
            continue
        for name, t in c.expected.items():
            for i, q in enumerate(t.q or []):          # enclosures hold no exact zero here
                if q == "0":
                    zeros += 1
                    _set_f64(near, c.tcId, name, i, 5e-324 if zeros % 2 else -5e-324)
                    _set_f64(far, c.tcId, name, i, 1e300 if zeros % 3 else -DBL_MAX)
    add("nonzero-at-exact-zero-inside", near, 0, "+-2^-1074 where q = 0, inside every radius "
        "(an all-zero tensor has radius 2^-1074); no ulp figure at q = 0")
    add("nonzero-at-exact-zero-outside", far, 1, "huge values where q = 0: error/allowed "
        "overflows to inf (null in JSON)")

    c1 = _first_valid(suite, "linear_attention.recurrent")
    nonfinite = copy.deepcopy(perfect)
    _set_f64(nonfinite, c1.tcId, "Y", 0, math.nan)
    c2 = _first_valid(suite, "delta_rule.sequence")
    _set_f64(nonfinite, c2.tcId, "M_T", 1, math.inf)
    c3 = _first_valid(suite, "dgd.step")
    _set_f64(nonfinite, c3.tcId, "W_next", 0, -math.inf)
    c4 = _first_valid(suite, "linear.gd_step")
    ent = gt.entry_of(nonfinite, c4.tcId)
    for name, t in c4.expected.items():
        ent["outputs"][name] = {"decimal": [repr(x) for x in t.values()]}
    ent["outputs"]["grad_W"]["decimal"][0] = "NaN"
    ent["outputs"]["W_next"]["decimal"][-1] = "-Infinity"
    add("nan-and-inf", nonfinite, 1, "NaN and infinities fail their element: n/a figures")

    huge_ulp = copy.deepcopy(perfect)
    q = c1.expected["Y"].q
    flat = next(i for i, s in enumerate(q) if s != "0")
    _set_f64(huge_ulp, c1.tcId, "Y", flat, DBL_MAX)
    add("worst-ulp-overflows", huge_ulp, 1, "|g - q| / ulp(e) beyond DBL_MAX: inf in text, null "
        "in JSON")

    refusal = copy.deepcopy(perfect)
    for op in ("linear_attention.recurrent", "cms.nested"):
        e = gt.entry_of(refusal, _first_valid(suite, op).tcId)
        e.pop("outputs")
        e["error"] = "cannot do this:\n\ttab\x01" + "long " * 60
    e = gt.entry_of(refusal, _first_valid(suite, "dgd.step").tcId)
    e.pop("outputs")
    e["error"] = ""
    add("refused-valid", refusal, 1, "refusals of valid cases; a message cleaned and shortened, "
        "an empty message")

    accepted = copy.deepcopy(perfect)
    for op in ("linear_attention.recurrent", "hope.forward"):
        inv = _first_invalid(suite, op)
        e = gt.entry_of(accepted, inv.tcId)
        e.pop("error")
        e["outputs"] = {name: {"f64": []} for name in nlgolden.OPS[op]["outputs"][:1]}
    add("outputs-for-invalid", accepted, 1, "outputs for invalid cases: flags in the line")

    shapes = copy.deepcopy(perfect)
    e = gt.entry_of(shapes, c1.tcId)["outputs"]["Y"]
    e["shape"] = [e["shape"][0] * e["shape"][1]]
    e = gt.entry_of(shapes, c2.tcId)["outputs"]["M_T"]
    e.pop("shape")
    e["f64"].append("0000000000000000")
    gt.entry_of(shapes, c3.tcId)["outputs"].pop("W_next")
    c5 = _first_valid(suite, "cms_level.run")
    gt.entry_of(shapes, c5.tcId)["outputs"]["W2_after"]["shape"] = [0]
    gt.entry_of(shapes, c5.tcId)["outputs"]["W2_after"]["f64"] = []
    gt.entry_of(shapes, c5.tcId)["outputs"]["Y"]["f64"][0] = gt.f64_hex(1e9)
    add("shape-count-missing", shapes, 1, "wrong shape, wrong count, missing output; a "
        "structural failure comes before an element")

    exact = copy.deepcopy(perfect)
    exact_ids = [c.tcId for c in suite.cases if c.result == "valid" and
                 ("LongRationals" in c.flags or c.op in ("cms.nested", "hope.forward"))]
    for t in exact_ids:
        for name, tensor in suite.by_id[t].expected.items():
            gt.entry_of(exact, t)["outputs"][name] = {"q": list(tensor.q)}
    add("q-equal", exact, 0, "exact rationals, long ones included, equal to q")
    unequal = copy.deepcopy(exact)
    for k, t in enumerate(exact_ids[:4]):
        case = suite.by_id[t]
        name = case.outputs[-1]
        qs = gt.entry_of(unequal, t)["outputs"][name]["q"]
        i = len(qs) // 2
        qs[i] = "1/3" if k % 2 else ("-" + qs[i] if not qs[i].startswith("-") and qs[i] != "0"
                                     else "7")
    add("q-unequal", unequal, 1, "exact rationals that differ: (==) lines, long ones shortened")

    dec = copy.deepcopy(correct)
    for r in dec["results"]:
        for name, o in r.get("outputs", {}).items():
            r["outputs"][name] = {"shape": o["shape"],
                                  "decimal": ["%.17g" % _h2f(s) for s in o["f64"]]}
    add("decimal-correct", dec, 0, "decimal strings, correctly rounded")
    dec_bad = copy.deepcopy(dec)
    e = gt.entry_of(dec_bad, c1.tcId)["outputs"]["Y"]["decimal"]
    e[1] = "0." + "1" * 500 + "e-3"
    e = gt.entry_of(dec_bad, c3.tcId)["outputs"]["W_next"]["decimal"]
    e[0] = "1e400"
    add("decimal-wrong", dec_bad, 1, "a long decimal shortened in the line; 1e400 reads as inf")

    edge = copy.deepcopy(perfect)
    rad_case = suite.by_id[c1.tcId]
    qv = nlgolden.suite.Fraction(rad_case.expected["Y"].q[2])
    rad = nlgolden.suite.Fraction(_h2f(rad_case.expected["Y"].rad[2]))
    x = float(qv + rad)
    while nlgolden.suite.Fraction(x) - qv <= rad:
        x = math.nextafter(x, math.inf)
    _set_f64(edge, c1.tcId, "Y", 2, x)
    add("just-outside-the-ball", edge, 1, "one ulp past the radius")
    inside = copy.deepcopy(perfect)
    _set_f64(inside, c1.tcId, "Y", 2, math.nextafter(x, -math.inf))
    add("just-inside-the-ball", inside, 0, "on the radius or just inside")
    add("just-outside-at-f32", edge, 0, "the same value at f32", precision="f32")
    _enclosures(add, suite, perfect)

    order = copy.deepcopy(perfect)
    for op, outs in (("cms_level.run", [("W1_after", 3), ("Y", -1), ("update_tokens", -1)]),
                     ("delta_rule.two_calls", [("M_T", 0), ("M_split", 5), ("Y", -1)]),
                     ("cms.sequential", [("W2_T", 0), ("updates", -1), ("Y", -1)]),
                     ("cms.nested", [("W2_phi", -1), ("inner_update_tokens", -1), ("Y", -1)]),
                     ("hope.forward", [("W1_T", 0), ("updates", 1), ("Y", -3), ("O", -1)]),
                     ("m3.trajectory", [("V_T", 0), ("W", -1)]),
                     ("titans_mlp.chunked", [("W2_T", 0), ("W1_T", 2)])):
        for c in (c for c in suite.cases if c.op == op and c.result == "valid"):
            for name, i in outs:
                t = c.expected[name]
                if t.size:
                    _set_f64(order, c.tcId, name, i % t.size, _h2f(t.f64[i % t.size]) + 1e6)
    add("first-failing-element", order, 1, "several failing elements: the first by "
        "(step, rank, flat index)")

    impl = copy.deepcopy(correct)
    impl["implementation"] = "port\x00with\tcontrols\x7f\u0085 and a long name " + "x" * 200
    impl["x-run"] = {"host": "ci", "nested": [[[[{"a": None}]]]]}
    for r in impl["results"]:
        if "error" in r:
            r["errorKind"] = _kind(suite.by_id[r["tcId"]])
    add("implementation-and-extensions", impl, 0, "a name with control characters, shortened; "
        "x- keys ignored; every refusal with its case's errorKind")
    named = copy.deepcopy(correct)
    named["implementation"] = ""
    add("implementation-empty", named, 0, "an empty implementation name is a name")
    noshape = copy.deepcopy(correct)
    for r in noshape["results"]:
        for o in r.get("outputs", {}).values():
            o.pop("shape")
    add("no-shapes", noshape, 0, "outputs without shape")
    deep_ok = copy.deepcopy(correct)
    v = None
    for _ in range(31):
        v = [v]
    deep_ok["x-deep"] = v                                 # 32 levels with the top object
    add("nesting-32", deep_ok, 0, "nesting depth exactly 32")
    unicode = copy.deepcopy(correct)
    unicode["implementation"] = "\ud83d\ude00 caf\u00e9 \u4e2d"
    add("unicode-name", json.dumps(unicode, ensure_ascii=True).encode(), 0,
        "escaped surrogate pairs and non-ASCII in the name")

    _error_kinds(w, suite, perfect)

    # selection
    wrong = example.run_suite(suite, "left-multiplied-delta")
    add("select-op", wrong, 0, "--op of an op that passes", args=["--op", "dgd.step"])
    add("select-ops", wrong, 1, "--op twice, in reverse order",
        args=["--op", "dgd.step", "--op", "delta_rule.sequence"])
    add("select-prefix", wrong, 1, "--op-prefix twice",
        args=["--op-prefix", "cms", "--op-prefix", "delta_rule."])
    add("select-prefix-verbose", partial, 0, "--op-prefix with --verbose",
        args=["--op-prefix", "linear", "--verbose"])
    add("select-unknown-op", correct, 2, "--op of no op: usage error",
        args=["--op", "delta_rule"])
    add("select-unknown-prefix", correct, 2, "--op-prefix of no op: usage error",
        args=["--op-prefix", "Delta"])
    bad_elsewhere = copy.deepcopy(correct)
    gt.entry_of(bad_elsewhere, _first_invalid(suite, "dgd.step").tcId)["error"] = None
    add("select-malformed-elsewhere", bad_elsewhere, 2, "the whole file is validated whatever "
        "the selection", args=["--op", "linear_attention.recurrent"])


def _enclosed_case(suite):
    """The first valid case whose expected values are enclosures (FORMAT.md, "Values that are
    not rational"), or None when the suite has none."""
    return next((c for c in suite.cases if c.result == "valid"
                 and any(t.enclosed for t in c.expected.values())), None)


def _enclosures(add, suite, perfect):
    """Results graded on enclosures: one ulp past the radius from the far bound, on it, and
    rationals (equal only to a point enclosure)."""
    case = _enclosed_case(suite)
    if case is None:
        return
    name = next(n for n in case.outputs if case.expected[n].enclosed)
    t = case.expected[name]
    i = max(range(t.size), key=lambda k: abs(t.values()[k]))
    (lo, hi), rad = t.bounds()[i], nlgolden.suite.Fraction(_h2f(t.rad[i]))
    x = float(lo + rad)                  # above the enclosure the lower bound is the far one
    while max(abs(nlgolden.suite.Fraction(x) - lo), abs(nlgolden.suite.Fraction(x) - hi)) <= rad:
        x = math.nextafter(x, math.inf)
    outside, inside = copy.deepcopy(perfect), copy.deepcopy(perfect)
    _set_f64(outside, case.tcId, name, i, x)
    _set_f64(inside, case.tcId, name, i, math.nextafter(x, -math.inf))
    add("enclosure-just-outside", outside, 1, "one ulp past the radius, from the far bound: "
        "'expected in [lo, hi]'")
    add("enclosure-just-inside", inside, 0, "on the radius from the far bound, or just inside")
    rational = copy.deepcopy(perfect)
    gt.entry_of(rational, case.tcId)["outputs"][name] = {"q": list(t.enclosure["lo"])}
    add("enclosure-q-results", rational, 1, "rationals equal to lo: exact only where lo = hi")


def _error_kinds(w, suite, perfect):
    """errorKind on refusals, graded with and without --strict-errors."""
    add = w.add
    invalid = [c for c in suite.cases if c.result == "invalid"]
    matching = copy.deepcopy(perfect)
    matching["implementation"] = "refusals that name their kind"
    for c in invalid:
        e = gt.entry_of(matching, c.tcId)
        e["error"] = f"refused: {c.comment}"
        e["errorKind"] = _kind(c)
    add("errorKind-matching", matching, 0, "every refusal names its case's flag: all counted")
    add("errorKind-matching-strict", matching, 0, "the same passes --strict-errors",
        args=["--strict-errors"])
    add("errorKind-matching-strict-bf16", matching, 0, "--strict-errors with --precision",
        precision="bf16", args=["--strict-errors", "--verbose"])
    mixed = copy.deepcopy(matching)
    mixed["implementation"] = "refusals: a third name their kind, a third none, a third another"
    for k, c in enumerate(invalid):
        e = gt.entry_of(mixed, c.tcId)
        if k % 3 == 1:
            e.pop("errorKind")
        elif k % 3 == 2:
            e["errorKind"] = _other_kind(c, k)
        if k % 7 == 3:
            e["error"] = "shape\n\tcheck failed\x01 " + "long " * 60
    add("errorKind-mixed", mixed, 0, "without --strict-errors every refusal passes; only a third "
        "are counted with the matching errorKind")
    add("errorKind-mixed-strict", mixed, 1, "--strict-errors: refused-no-kind and "
        "refused-wrong-kind lines, messages cleaned and shortened", args=["--strict-errors"])
    add("errorKind-mixed-strict-select", mixed, 1, "--strict-errors with --op-prefix",
        args=["--op-prefix", "cms", "--strict-errors"])
    one_op = copy.deepcopy(mixed)
    for c in invalid:
        if c.op == "dgd.step":
            gt.entry_of(one_op, c.tcId)["errorKind"] = _kind(c)
    add("errorKind-mixed-strict-select-passing", one_op, 0, "--strict-errors with --op of an op "
        "whose refusals all name their kind", args=["--strict-errors", "--op", "dgd.step"])
    add("errorKind-one-op-fixed-strict", one_op, 1, "--strict-errors over every op of that file",
        args=["--strict-errors"])
    add("no-errorKind-strict", perfect, 1, "refusals without errorKind fail every invalid case "
        "under --strict-errors", args=["--strict-errors"])
    valid = copy.deepcopy(matching)
    for op, kind in (("dgd.step", "OutOfRange"), ("delta_rule.sequence", None)):
        e = gt.entry_of(valid, _first_valid(suite, op).tcId)
        e.pop("outputs")
        e["error"] = "no"
        if kind:
            e["errorKind"] = kind
    add("errorKind-on-refused-valid", valid, 1, "a valid case refused with an errorKind: "
        "refused-valid, strict or not", args=["--strict-errors"])
    add("errorKind-on-refused-valid-plain", valid, 1, "the same without --strict-errors")
    accepted = copy.deepcopy(matching)
    inv = _first_invalid(suite, "hope.forward")
    e = gt.entry_of(accepted, inv.tcId)
    e.pop("error")
    e.pop("errorKind")
    e["outputs"] = {"O": {"f64": []}}
    add("accepted-invalid-strict", accepted, 1, "an invalid case answered with outputs: "
        "accepted-invalid, strict or not", args=["--strict-errors"])


def _malformed(w, suite, example, rng):
    """About fifty damaged or malformed results files: every one is exit 2."""
    base = example.run_suite(suite, "correct")
    text = json.dumps(base, indent=1)
    data = text.encode()
    items = []

    def pick():
        return rng.choice(base["results"])

    def doc_edit(fn):
        d = copy.deepcopy(base)
        fn(d)
        return d

    def raw(old, new):
        assert old in text, old
        return text.replace(old, new, 1).encode()

    def entry(fn):
        def edit(d):
            fn(gt.entry_of(d, pick()["tcId"]))
        return doc_edit(edit)

    def output(fn):
        with_outputs = [r for r in base["results"] if "outputs" in r]
        r = rng.choice(with_outputs)
        name = rng.choice(sorted(r["outputs"]))

        def edit(d):
            fn(gt.entry_of(d, r["tcId"])["outputs"][name])
        return doc_edit(edit)

    def refusal(fn):
        r = rng.choice([r for r in base["results"] if "error" in r])

        def edit(d):
            fn(gt.entry_of(d, r["tcId"]))
        return doc_edit(edit)

    def entry_with_outputs(fn):
        r = rng.choice([r for r in base["results"] if "outputs" in r])

        def edit(d):
            fn(gt.entry_of(d, r["tcId"]))
        return doc_edit(edit)

    for k in range(5):
        items.append((f"truncated-{k}", data[:rng.randrange(1, len(data) - 1)]))
    t = pick()["tcId"]
    items += [
        ("duplicate-key-top", raw('"results":', '"results": [], "results":')),
        ("duplicate-key-entry", raw(f'"tcId": {t},', f'"tcId": {t}, "tcId": {t},')),
        ("duplicate-key-output", raw('"shape":', '"shape": [], "shape":')),
        ("tcId-1.0", raw(f'"tcId": {t},', f'"tcId": {t}.0,')),
        ("tcId-1e0", raw(f'"tcId": {t},', f'"tcId": {t}e0,')),
        ("tcId-string", entry(lambda e: e.__setitem__("tcId", str(e["tcId"])))),
        ("tcId-zero", entry(lambda e: e.__setitem__("tcId", 0))),
        ("tcId-negative", entry(lambda e: e.__setitem__("tcId", -e["tcId"]))),
        ("tcId-unknown", entry(lambda e: e.__setitem__("tcId", 99999))),
        ("tcId-huge-literal", raw(f'"tcId": {t},', '"tcId": 1' + "0" * 100_000 + ",")),
        ("tcId-duplicate", doc_edit(lambda d: d["results"].append(copy.deepcopy(pick())))),
        ("error-null", refusal(lambda e: e.__setitem__("error", None))),
        ("error-number", refusal(lambda e: e.__setitem__("error", 404))),
        ("error-and-outputs", refusal(lambda e: e.__setitem__("outputs", {}))),
        ("neither-error-nor-outputs", refusal(lambda e: e.pop("error"))),
        ("errorKind-number", refusal(lambda e: e.__setitem__("errorKind", 1))),
        ("decimal-hex-float", output(lambda o: o.__setitem__(
            "decimal", ["0x1p-3"] * len(o.pop("f64"))))),
        ("decimal-plus", output(lambda o: o.__setitem__("decimal", ["+1"] * len(o.pop("f64"))))),
        ("decimal-leading-dot", output(lambda o: o.__setitem__(
            "decimal", [".5"] * len(o.pop("f64"))))),
        ("decimal-trailing-dot", output(lambda o: o.__setitem__(
            "decimal", ["1."] * len(o.pop("f64"))))),
        ("decimal-lowercase-nan", output(lambda o: o.__setitem__(
            "decimal", ["nan"] * len(o.pop("f64"))))),
        ("decimal-801-chars", output(lambda o: o.__setitem__(
            "decimal", ["0." + "0" * 798 + "1"] * len(o.pop("f64"))))),
        ("bom", b"\xef\xbb\xbf" + data),
        ("utf16-bom", text.encode("utf-16")),
        ("utf16-be", text.encode("utf-16-be")),
        ("utf32", text.encode("utf-32")),
        ("invalid-utf8", data.replace(b'"implementation": "', b'"implementation": "\xff', 1)),
        ("op-unknown", entry(lambda e: e.__setitem__("op", "linear_attention.parallel"))),
        ("op-missing", entry(lambda e: e.pop("op"))),
        ("op-number", entry(lambda e: e.__setitem__("op", 3))),
        ("op-list", entry(lambda e: e.__setitem__("op", [e["op"]]))),
        ("op-of-another-case", entry(lambda e: e.__setitem__(
            "op", "dgd.step" if e["op"] != "dgd.step" else "cms_level.run"))),
        ("lone-surrogate-implementation", raw('"implementation": "',
                                              '"implementation": "\\ud800')),
        ("lone-surrogate-error", raw('"error": "', '"error": "x\\udc00')),
        ("lone-surrogate-key", raw('"results":', '"x-\\ud834": 1, "results":')),
        ("reversed-surrogate-pair", raw('"implementation": "',
                                        '"implementation": "\\ude00\\ud83d')),
        ("nesting-33", raw('"results":', '"x-deep": ' + "[" * 32 + "]" * 32 + ', "results":')),
        ("nesting-100000", raw('"results":', '"x-deep": ' + "[" * 100_000 + "]" * 100_000
                               + ', "results":')),
        ("nan-literal", raw('"results":', '"x-a": NaN, "results":')),
        ("infinity-literal", raw('"results":', '"x-a": -Infinity, "results":')),
        ("trailing-comma", raw("\n ]\n}", ",\n ]\n}")),
        ("comment", b"// results\n" + data),
        ("unknown-top-key", doc_edit(lambda d: d.__setitem__("comment", "x"))),
        ("unknown-entry-key", entry(lambda e: e.__setitem__("x-note", "entries have no x- keys"))),
        ("unknown-output-key", output(lambda o: o.__setitem__("dtype", "f64"))),
        ("unknown-output-name", entry(lambda e: (e.pop("error", None), e.__setitem__(
            "outputs", {"Z": {"f64": []}})))),
        ("two-representations", output(lambda o: o.__setitem__("decimal", ["0"] * len(o["f64"])))),
        ("f64-uppercase", output(lambda o: o["f64"].__setitem__(0, o["f64"][0].upper()
                                                                   .replace("0", "A")))),
        ("q-not-lowest-terms", output(lambda o: o.__setitem__("q", ["2/4"] * len(o.pop("f64"))))),
        ("q-minus-zero", output(lambda o: o.__setitem__("q", ["-0"] * len(o.pop("f64"))))),
        ("q-over-100000-chars", output(lambda o: o.__setitem__(
            "q", ["1" * 100_001] * len(o.pop("f64"))))),
        ("shape-overflowing-int64", output(lambda o: o.__setitem__(
            "shape", [4611686018427387904, 4]))),
        ("shape-product-over-int32", output(lambda o: o.__setitem__("shape", [65536, 65536]))),
        ("shape-float", raw('"shape": [', '"shape": [1.0, ')),
        ("shape-disagrees-with-count", output(lambda o: o["f64"].append(o["f64"][0]))),
        ("suiteVersion-other", doc_edit(lambda d: d.__setitem__("suiteVersion", "0.0.1"))),
        ("suiteVersion-missing", doc_edit(lambda d: d.pop("suiteVersion"))),
        ("results-object", doc_edit(lambda d: d.__setitem__("results", {}))),
        ("implementation-null", doc_edit(lambda d: d.__setitem__("implementation", None))),
        ("implementation-number", doc_edit(lambda d: d.__setitem__("implementation", 1.5))),
        ("top-level-list", json.dumps([base]).encode()),
        ("errorKind-null", refusal(lambda e: e.__setitem__("errorKind", None))),
        ("errorKind-list", refusal(lambda e: e.__setitem__("errorKind", ["NonFinite"]))),
        ("errorKind-unknown", refusal(lambda e: e.__setitem__("errorKind", "shape"))),
        ("errorKind-lowercase", refusal(lambda e: e.__setitem__("errorKind", "nonfinite"))),
        ("errorKind-padded", refusal(lambda e: e.__setitem__("errorKind", "NonFinite "))),
        ("errorKind-not-an-invalid-flag", refusal(lambda e: e.__setitem__("errorKind", "Small"))),
        ("errorKind-with-outputs", entry_with_outputs(
            lambda e: e.__setitem__("errorKind", "NonFinite"))),
    ]
    for name, doc in items:
        w.add("malformed-" + name, doc, 2, "malformed: " + name.replace("-", " "))


def _suites(w, suite, example):
    """Damaged suites (exit 2) and valid variants of the suite (graded)."""
    correct = example.run_suite(suite, "correct")

    def make(name, edit_cases=(), edit_manifest=None):
        g = os.path.join(w.out, "suites", name)
        if os.path.exists(g):
            shutil.rmtree(g)
        gt.copy_suite(g, src=w.golden)
        for tcId, fn in edit_cases:
            gt.edit_case(g, tcId, fn)
        if edit_manifest:
            gt.edit_manifest(g, edit_manifest)
        return g

    c1 = _first_valid(suite, "linear_attention.recurrent").tcId
    inv = _first_invalid(suite, "linear_attention.recurrent").tcId

    def raw(old, new):
        def fn(c):
            data = json.dumps(c, indent=2, sort_keys=True)
            assert old in data, old
            return data.replace(old, new, 1).encode()
        return fn

    def path_edit(new):
        def fn(m):
            m["files"][0]["path"] = new
        return fn

    rel0 = gt.manifest(w.golden)["files"][0]["path"]
    damaged = [
        ("manifest-path-dotdot", [], path_edit("cases/../" + rel0)),
        ("manifest-path-absolute", [], path_edit("/" + rel0)),
        ("manifest-path-3-digits", [], path_edit(rel0.replace("-0001.json", "-001.json"))),
        ("missing-input", [(c1, lambda c: c["inputs"].pop("Q"))], None),
        ("extra-input", [(c1, lambda c: c["inputs"].__setitem__("Z", c["inputs"]["Q"]))], None),
        ("rad-minus-zero", [(c1, lambda c: c["expected"]["Y"]["rad"].__setitem__(
            0, "8000000000000000"))], None),
        ("shape-overflowing-int64", [(c1, lambda c: c["inputs"]["K"].__setitem__(
            "shape", [4611686018427387904, 4]))], None),
        ("expected-beyond-binary64", [(c1, lambda c: (
            c["expected"]["Y"]["q"].__setitem__(0, str(2 ** 1024)),
            c["expected"]["Y"]["f64"].__setitem__(0, "7ff0000000000000")))], None),
        ("tcId-not-integer", [(c1, raw(f'"tcId": {c1}', f'"tcId": {c1}.0'))], None),
        ("unknown-case-key", [(c1, lambda c: c.__setitem__("notes", "x"))], None),
        ("case-bom", [(c1, lambda c: b"\xef\xbb\xbf" + json.dumps(c).encode())], None),
        ("case-duplicate-key", [(c1, raw('"comment":', '"comment": "a", "comment":'))], None),
        ("sha256-mismatch", [], lambda m: m["files"][3].__setitem__("sha256", "0" * 64)),
        ("manifest-unknown-key", [], lambda m: m.__setitem__("git", "abc")),
    ]
    enclosed = _enclosed_case(suite)
    if enclosed is not None:
        ce, ye = enclosed.tcId, next(n for n in enclosed.outputs if enclosed.expected[n].enclosed)
        xe = sorted(enclosed.inputs)[0]

        def bound(key, value):
            return lambda c: c["expected"][ye]["enclosure"][key].__setitem__(0, value)
        damaged += [
            ("enclosure-and-q", [(ce, lambda c: c["expected"][ye].__setitem__(
                "q", list(c["expected"][ye]["enclosure"]["lo"])))], None),
            ("enclosure-precision-52", [(ce, lambda c: c["expected"][ye]["enclosure"].__setitem__(
                "precision", 52))], None),
            ("enclosure-bound-not-canonical", [(ce, bound("hi", "2/2"))], None),
            ("enclosure-lo-above-hi", [(ce, bound("lo", "3")), (ce, bound("hi", "2"))], None),
            ("enclosure-in-an-input", [(ce, lambda c: c["inputs"][xe].__setitem__(
                "enclosure", c["expected"][ye]["enclosure"]))], None),
        ]
    for name, cases, manifest_edit in damaged:
        g = make(name, cases, manifest_edit)
        w.add("suite-" + name, correct, 2, "damaged suite: " + name.replace("-", " "), golden=g)

    # a suite whose manifest lacks an invalid-case flag: that kind is no errorKind of the suite
    small = os.path.join(w.out, "suites", "no-zero-denominator")
    if os.path.exists(small):
        shutil.rmtree(small)
    ids = {c.tcId for c in suite.cases if c.op in ("linear_attention.recurrent", "dgd.step")}
    gt.copy_suite(small, ids, src=w.golden)
    gt.edit_manifest(small, lambda m: m["flags"].pop("ZeroDenominator"))
    refusals = gt.perfect_results(suite)
    refusals["results"] = [r for r in refusals["results"] if r["tcId"] in ids]
    for r in refusals["results"]:
        if "error" in r:
            r["errorKind"] = _kind(suite.by_id[r["tcId"]])
    w.add("suite-without-a-kind-matching", refusals, 0, "a suite without the ZeroDenominator "
          "flag: the other kinds grade", golden=small, args=["--strict-errors"])
    plain = gt.perfect_results(suite)
    plain["results"] = [r for r in plain["results"] if r["tcId"] in ids]
    w.add("suite-ops-without-cases", plain, 0, "ops of the manifest without a case are "
          "reported with zeros, after the others, by name", golden=small)
    w.add("suite-op-without-cases-selected", plain, 0, "--op of an op without a case",
          golden=small, args=["--op", "cms.nested", "--op", "dgd.step"])
    r0 = next(r for r in refusals["results"] if "error" in r)
    r0["errorKind"] = "ZeroDenominator"
    w.add("suite-without-a-kind-malformed", refusals, 2, "an errorKind the suite's manifest does "
          "not define is malformed", golden=small)

    # valid variants: an acceptable case, and the exact, bitwise and ulp policies
    g = make("acceptable-case", [(inv, lambda c: c.__setitem__("result", "acceptable"))])
    w.add("suite-acceptable-case", correct, 0, "an acceptable case is skipped", golden=g)
    for policy in ("exact", "bitwise", "ulp"):
        def edit(c, policy=policy):
            c["tolerance"]["policy"] = policy
            if policy == "ulp":
                c["tolerance"]["maxUlp"] = 3
        ids = [c.tcId for c in suite.cases if c.result == "valid"
               and c.op in ("linear_attention.recurrent", "dgd.step", "elementwise.tanh")]
        g = make(f"policy-{policy}", [(t, edit) for t in ids])
        w.add(f"suite-policy-{policy}", correct, 1,
              f"the {policy} policy on three ops (one with enclosures): allowed and figures per "
              "the contract", golden=g)
        w.add(f"suite-policy-{policy}-f32", correct, 0 if policy == "ulp" else 1,
              f"the {policy} policy at f32 (the factor scales ulp, not exact or bitwise)",
              golden=g, precision="f32")


def write_corpus(out, golden=None, seed=8):
    """Write the corpus into `out`; return the items (absolute paths)."""
    golden = golden or gt.GOLDEN
    suite = nlgolden.load_suite(golden)
    example = gt.load_example()
    w = _Writer(out, golden, suite)
    _results(w, suite, example)
    _malformed(w, suite, example, random.Random(seed))
    _suites(w, suite, example)
    index = [{**item, "results": os.path.relpath(item["results"], out),
              "golden": os.path.relpath(item["golden"], out)} for item in w.items]
    with open(os.path.join(out, "corpus.json"), "w", encoding="utf-8") as fh:
        json.dump(index, fh, indent=1)
    return w.items


def grade_in_process(item, suites):
    """What nlgolden verify gives for an item, computed in this process with loaded suites
    cached (suites: a dict): (exit code, JSON report or None, text report or None)."""
    from nlgolden import GoldenError, SelectionError
    args = item["args"]
    ops = [args[i + 1] for i, a in enumerate(args) if a == "--op"]
    prefixes = [args[i + 1] for i, a in enumerate(args) if a == "--op-prefix"]
    try:
        if item["golden"] not in suites:
            try:
                suites[item["golden"]] = nlgolden.load_suite(item["golden"])
            except GoldenError as e:
                suites[item["golden"]] = e
        suite = suites[item["golden"]]
        if isinstance(suite, GoldenError):
            raise suite
        report = nlgolden.verify(suite, item["results"], precision=item["precision"], ops=ops,
                                 op_prefixes=prefixes, strict_errors="--strict-errors" in args)
    except (GoldenError, SelectionError):
        return 2, None, None
    return report.exit_code, report.to_json(), report.text(verbose="--verbose" in args)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--golden", default=None)
    args = ap.parse_args(argv)
    items = write_corpus(args.out, nlgolden.find_golden(args.golden))
    print(f"wrote {len(items)} corpus items to {args.out} (index: corpus.json)")


if __name__ == "__main__":
    main()
