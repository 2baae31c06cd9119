"""The grading contract (FORMAT.md, "Grading contract"): verdicts, per-element rules, the first
failing element, report lines, figures, the text, JSON and JUnit reports, selection.

Expected lines are rebuilt here from the contract's text with Fractions, independently of the
package's integer arithmetic."""

import json
import math
import struct
import xml.etree.ElementTree as ET
from fractions import Fraction

import numpy as np
import pytest

import goldentools as gt
import nlgolden
from nlgolden import SelectionError

OP = "linear_attention.recurrent"
U = Fraction(1, 2 ** 53)
DBL_MAX = 1.7976931348623157e308


def h2f(s):
    return struct.unpack(">d", bytes.fromhex(s))[0]


def fl(q):
    """The double nearest a Fraction, inf on overflow."""
    try:
        return float(q)
    except OverflowError:
        return math.inf


def g3(x):
    return "%.3g" % x if math.isfinite(x) else ("nan" if x != x else ("inf" if x > 0 else "-inf"))


def g17(x):
    return "%.17g" % x if math.isfinite(x) else ("nan" if x != x else ("inf" if x > 0 else "-inf"))


def short(s, h=24, t=12):
    return s if len(s) <= h + t + 3 else f"{s[:h]}...{s[-t:]} ({len(s)} chars)"


def grade(suite, doc, **kw):
    return nlgolden.verify(suite, doc, **kw)


def set_value(doc, tcId, name, flat, x):
    gt.entry_of(doc, tcId)["outputs"][name]["f64"][flat] = gt.f64_hex(x)


def element_line(case, name, flat, given_shown, g, k, n, scale=1, policy=None):
    """The FAIL line of an element, from the contract's text (ball policy unless given)."""
    t = case.expected[name]
    q = Fraction(t.q[flat])
    e = h2f(t.f64[flat])
    policy = policy or case.tolerance["policy"]
    if policy == "==":
        allowed = Fraction(0)
    elif policy == "ball":
        allowed = Fraction(h2f(t.rad[flat])) * scale
    elif policy == "exact":
        allowed = Fraction(0)
    elif policy == "bitwise":
        allowed = abs(Fraction(e) - q)
    else:
        allowed = Fraction(case.tolerance["maxUlp"]) * Fraction(math.ulp(e)) * scale
    idx = np.unravel_index(flat, t.shape) if t.shape else ()
    if isinstance(g, Fraction) or math.isfinite(g):
        err = abs(Fraction(g) - q)
        err_s = g3(fl(err))
        ratio = "inf" if allowed == 0 else g3(fl(err / allowed))
    else:
        err_s = ratio = "n/a"
    return (f"FAIL {case.tcId} {case.op} {name}[{','.join(str(int(i)) for i in idx)}]: first of "
            f"{k} failing elements (of {n}): expected {short(t.q[flat])} ~ {g17(e)}, given "
            f"{given_shown}, |error| {err_s}, allowed {g3(fl(allowed))} ({policy}), "
            f"error/allowed {ratio}")


def valid_cases(suite, op):
    return [c for c in suite.cases_of(op) if c.result == "valid"]


# --- verdicts ----------------------------------------------------------------------------------

def test_every_verdict(suite, perfect):
    valid = valid_cases(suite, OP)
    a, b, c, d, e, f = (x.tcId for x in valid[:6])
    inv = [x for x in suite.cases_of(OP) if x.result == "invalid"]
    refused, accepted = inv[0].tcId, inv[1].tcId
    doc = perfect
    doc["results"] = [r for r in doc["results"] if r["tcId"] != b]                # missing
    gt.entry_of(doc, c).pop("outputs")
    gt.entry_of(doc, c)["error"] = "no"                                           # refused-valid
    gt.entry_of(doc, d)["outputs"].pop("M_T")                                     # output-missing
    ys = suite.by_id[e].expected["Y"].shape
    gt.entry_of(doc, e)["outputs"]["Y"]["shape"] = [ys[0] * ys[1]]               # shape
    gt.entry_of(doc, f)["outputs"]["Y"].pop("shape")
    gt.entry_of(doc, f)["outputs"]["Y"]["f64"].pop()                              # count
    ent = gt.entry_of(doc, accepted)
    ent.pop("error")
    ent["outputs"] = {"Y": {"f64": []}}                                           # accepted-invalid
    r = grade(suite, doc, ops=[OP])
    got = {v.tcId: (v.status, v.reason) for v in r.cases}
    assert got[a] == ("passed", "within-tolerance")
    assert got[b] == ("skipped", "missing")
    assert got[c] == ("failed", "refused-valid")
    assert got[d] == ("failed", "output-missing")
    assert got[e] == ("failed", "shape")
    assert got[f] == ("failed", "count")
    assert got[refused] == ("passed", "refused")
    assert got[accepted] == ("failed", "accepted-invalid")
    lines = {v.tcId: v.line for v in r.cases}
    assert lines[a] is None and lines[refused] is None and lines[b] is None
    assert lines[c] == f"FAIL {c} {OP}: a valid input was refused: no"
    assert lines[d] == f"FAIL {d} {OP}: output M_T is missing"
    assert lines[e] == (f"FAIL {e} {OP}: output Y has shape [{ys[0] * ys[1]}], expected "
                        f"[{ys[0]}, {ys[1]}]")
    ys = suite.by_id[f].expected["Y"].shape
    n = ys[0] * ys[1]
    assert lines[f] == (f"FAIL {f} {OP}: output Y has {n - 1} values, expected {n} "
                        f"(shape [{ys[0]}, {ys[1]}])")
    flags = ", ".join(suite.by_id[accepted].flags)
    assert lines[accepted] == f"FAIL {accepted} {OP}: an invalid input was not refused (flags {flags})"
    assert r.exit_code == 1
    # figures exist only where elements were compared
    for v in r.cases:
        if v.reason not in ("within-tolerance", "out-of-tolerance"):
            assert (v.failingElements, v.errorOverAllowed, v.worstUlp) == (None, None, None)


def test_acceptable_case_is_skipped(golden_copy, tmp_path):
    gt.edit_case(golden_copy, 6, lambda c: c.__setitem__("result", "acceptable"))
    suite = nlgolden.load_suite(golden_copy)
    doc = gt.perfect_results(suite)
    r = grade(suite, doc, ops=[OP])
    v = r.verdict(6)
    assert (v.status, v.reason, v.line) == ("skipped", "acceptable", None)
    assert r.skipped == 1 and r.missing == 0


def test_refusal_counts_apart_from_passes(suite, perfect):
    for r in perfect["results"]:
        r.pop("outputs", None)
        r["error"] = "I refuse"
    rep = grade(suite, perfect)
    assert rep.withinTolerance == 0
    assert rep.refused == sum(c.result == "invalid" for c in suite.cases)
    assert rep.failed == sum(c.result == "valid" for c in suite.cases)


def test_structural_failures_in_rank_order_before_elements(suite, perfect):
    case = valid_cases(suite, OP)[0]
    ent = gt.entry_of(perfect, case.tcId)
    ent["outputs"]["M_T"]["shape"] = [99]                   # rank 1: shape ...
    ent["outputs"]["M_T"]["f64"] = ["0" * 16] * 99
    ent["outputs"]["Y"].pop("shape")                        # rank 0: count
    ent["outputs"]["Y"]["f64"].append("0" * 16)
    v = grade(suite, perfect, ops=[OP]).verdict(case.tcId)
    assert v.reason == "count" and "output Y has" in v.line
    ent["outputs"]["Y"]["f64"].pop()
    ent["outputs"]["Y"]["f64"][0] = gt.f64_hex(1e9)        # an element fails, M_T's shape first
    v = grade(suite, perfect, ops=[OP]).verdict(case.tcId)
    assert v.reason == "shape" and "output M_T has shape [99]" in v.line


def test_refusal_message_is_cleaned_and_shortened(suite, perfect):
    case = valid_cases(suite, OP)[0]
    msg = "bad\x00in\tput\n\x7f\x85\u00e9" + "x" * 300 + "END"
    ent = gt.entry_of(perfect, case.tcId)
    ent.pop("outputs")
    ent["error"] = msg
    v = grade(suite, perfect, ops=[OP]).verdict(case.tcId)
    clean = "bad in put   \u00e9" + "x" * 300 + "END"
    want = clean[:120] + "..." + clean[-20:] + f" ({len(clean)} chars)"
    assert v.line == f"FAIL {case.tcId} {OP}: a valid input was refused: {want}"


# --- per element -------------------------------------------------------------------------------

def test_out_of_tolerance_line(suite, perfect):
    case = suite.by_id[1]
    y = case.expected["Y"]
    q = Fraction(y.q[2])
    rad = Fraction(h2f(y.rad[2]))
    outside = float(q + rad)                        # just past the radius
    while Fraction(outside) - q <= rad:
        outside = math.nextafter(outside, math.inf)
    inside = math.nextafter(outside, -math.inf)
    set_value(perfect, 1, "Y", 2, inside)
    assert grade(suite, perfect, ops=[OP]).verdict(1).status == "passed"
    set_value(perfect, 1, "Y", 2, outside)
    v = grade(suite, perfect, ops=[OP]).verdict(1)
    n = y.size                                  # k and n count the output holding the failure
    assert v.reason == "out-of-tolerance" and v.failingElements == 1
    assert v.line == element_line(case, "Y", 2, g17(outside), outside, 1, n)
    # the same value passes when the implementation computed in f32
    assert grade(suite, perfect, ops=[OP], precision="f32").verdict(1).status == "passed"


def test_nonzero_where_the_exact_value_is_zero(suite, perfect):
    """The old grader raised OverflowError at float(diff / ulp(0))."""
    case = suite.by_id[1]
    flat = case.expected["Y"].q.index("0")
    set_value(perfect, 1, "Y", flat, 1e-300)            # inside the normwise ball
    v = grade(suite, perfect, ops=[OP]).verdict(1)
    assert v.status == "passed"
    assert v.worstUlp is not None and v.worstUlp <= 0.5   # the element at q = 0 is not counted
    for g in (1e300, DBL_MAX, 1.0, -2.5e-10):
        set_value(perfect, 1, "Y", flat, g)
        v = grade(suite, perfect, ops=[OP]).verdict(1)
        assert v.reason == "out-of-tolerance"
        n = case.expected["Y"].size
        assert v.line == element_line(case, "Y", flat, g17(g), g, 1, n)
        assert v.worstUlp <= 0.5
    assert v.to_json()["errorOverAllowed"] is None or math.isfinite(v.errorOverAllowed)


def test_infinite_figures_are_null_in_json_and_inf_in_text(suite, perfect):
    set_value(perfect, 1, "Y", 0, DBL_MAX)              # q = -3/64: |g - q| / ulp(e) overflows
    r = grade(suite, perfect, ops=[OP])
    v = r.verdict(1)
    assert v.worstUlp == math.inf and v.errorOverAllowed == math.inf
    assert v.to_json()["worstUlp"] is None and v.to_json()["errorOverAllowed"] is None
    op = r.to_json()["ops"][0]
    assert op["worstUlp"] is None and op["worstUlpTcId"] == 1 and op["errorOverAllowed"] is None
    row = next(line for line in r.lines() if line.startswith(OP + " "))
    assert row.endswith("  inf            inf (tcId 1)")
    assert "error/allowed 1.02e+322" not in v.line and v.line.endswith("error/allowed inf")


@pytest.mark.parametrize("kind,value,shown", [
    ("f64", math.nan, "nan"), ("f64", math.inf, "inf"), ("f64", -math.inf, "-inf"),
    ("decimal", "NaN", "NaN"), ("decimal", "Infinity", "Infinity"),
    ("decimal", "-Infinity", "-Infinity"), ("decimal", "1e400", "1e400"),
])
def test_non_finite_results_fail_their_element(suite, perfect, kind, value, shown):
    case = suite.by_id[1]
    out = gt.entry_of(perfect, 1)["outputs"]["Y"]
    if kind == "f64":
        out["f64"][3] = gt.f64_hex(value)
    else:
        out.pop("f64")
        out["decimal"] = [repr(x) for x in map(h2f, case.expected["Y"].f64)]
        out["decimal"][3] = value
    v = grade(suite, perfect, ops=[OP]).verdict(1)
    n = case.expected["Y"].size
    assert v.line == element_line(case, "Y", 3, shown, math.nan, 1, n)
    assert "|error| n/a" in v.line and v.line.endswith("error/allowed n/a")


def test_rational_results(suite, perfect):
    case = suite.by_id[4]                               # a Medium case: long rationals
    ent = gt.entry_of(perfect, 4)
    for name, t in case.expected.items():
        ent["outputs"][name] = {"q": list(t.q)}
    v = grade(suite, perfect, ops=[OP]).verdict(4)
    assert (v.status, v.failingElements, v.errorOverAllowed, v.worstUlp) == \
        ("passed", 0, None, None)                     # q results are not in the figures
    qs = ent["outputs"]["M_T"]["q"]
    wrong = Fraction(qs[1]) + Fraction(1, 10 ** 30)
    qs[1] = f"{wrong.numerator}/{wrong.denominator}"
    v = grade(suite, perfect, ops=[OP]).verdict(4)
    n = case.expected["M_T"].size
    assert v.line == element_line(case, "M_T", 1, short(qs[1]), wrong, 1, n, policy="==")
    assert "allowed 0 (==), error/allowed inf" in v.line


def test_decimal_results(suite, correct_doc):
    doc = gt.deep(correct_doc)
    for r in doc["results"]:
        for name, o in r.get("outputs", {}).items():
            r["outputs"][name] = {"decimal": [repr(h2f(s)) for s in o["f64"]]}
    rep = grade(suite, doc)
    assert rep.failed == 0
    same = grade(suite, correct_doc)
    assert [v.errorOverAllowed for v in rep.cases] == [v.errorOverAllowed for v in same.cases]
    case = suite.by_id[1]
    long_decimal = "-0." + "3" * 300
    gt.entry_of(doc, 1)["outputs"]["Y"]["decimal"][0] = long_decimal
    v = grade(suite, doc, ops=[OP]).verdict(1)
    g = float(long_decimal)
    assert v.line == element_line(case, "Y", 0, short(long_decimal), g, 1, case.expected["Y"].size)


def test_f32_rounded_results_pass_only_at_f32(suite, perfect):
    for r in perfect["results"]:
        for o in r.get("outputs", {}).values():
            o["f64"] = [gt.f64_hex(gt.f32_rounded(h2f(s))) for s in o["f64"]]
    assert grade(suite, perfect).failed > 0
    assert grade(suite, perfect, precision="f32").failed == 0
    assert grade(suite, perfect, precision="bf16").failed == 0


def test_figures_against_a_direct_computation(suite, correct_doc):
    rep = grade(suite, correct_doc)
    for v in rep.cases:
        if v.reason != "within-tolerance":
            continue
        case = suite.by_id[v.tcId]
        ent = gt.entry_of(correct_doc, v.tcId)
        ratios, ulps = [], []
        for name, t in case.expected.items():
            with gt.big_integers():                      # LongRationals cases
                bounds = nlgolden.bounds(t)              # (q, q), or an enclosure's (lo, hi)
            for s, (lo, hi), e, r in zip(ent["outputs"][name]["f64"], bounds, t.f64, t.rad):
                err = max(abs(Fraction(h2f(s)) - lo), abs(Fraction(h2f(s)) - hi))
                ratios.append(err / Fraction(h2f(r)))
                if (lo != 0 if t.q is not None else h2f(e) != 0):    # q != 0, or e != 0
                    ulps.append(err / Fraction(math.ulp(h2f(e))))
        assert v.errorOverAllowed == fl(max(ratios))
        assert v.worstUlp == (fl(max(ulps)) if ulps else None)
    s = next(o for o in rep.ops if o.op == "dgd.step")
    verdicts = [v for v in rep.cases if v.op == "dgd.step" and v.worstUlp is not None]
    best = max(v.worstUlp for v in verdicts)
    assert s.worstUlp == best
    assert s.worstUlpTcId == min(v.tcId for v in verdicts if v.worstUlp == best)
    assert s.errorOverAllowed == max(v.errorOverAllowed for v in verdicts)


# --- the first failing element: (step, rank, flat index) --------------------------------------

def first_of(suite, doc, tcId, *perturb):
    case = suite.by_id[tcId]
    for name, flat in perturb:
        t = case.expected[name]
        gt.entry_of(doc, tcId)["outputs"][name]["f64"][flat] = gt.f64_hex(h2f(t.f64[flat]) + 1e6)
    v = grade(suite, doc, ops=[case.op]).verdict(tcId)
    at = v.line.split(":")[0].split(" ", 3)[3]
    # k counts the failing elements of the output that holds the first failure
    assert v.failingElements == sum(1 for name, _ in perturb if at.startswith(name + "["))
    return at


def flat(t, *idx):
    return int(np.ravel_multi_index(idx, t.shape))


def test_first_failing_element_order(suite, perfect_doc_session):
    doc = lambda: gt.deep(perfect_doc_session)          # noqa: E731
    c1 = suite.by_id[1]                                 # Y: step = row; M_T after every step
    assert first_of(suite, doc(), 1, ("M_T", 0), ("Y", flat(c1.expected["Y"], 3, 1))) == "Y[3,1]"
    assert first_of(suite, doc(), 1, ("Y", flat(c1.expected["Y"], 3, 0)),
                    ("Y", flat(c1.expected["Y"], 1, 1))) == "Y[1,1]"
    assert first_of(suite, doc(), 1, ("M_T", 4), ("M_T", 2)) == "M_T[0,2]"

    c = suite.by_id[20]                                 # cms_level.run, update_tokens 3, 6
    assert c.expected["update_tokens"].q == ["3", "6"]
    Y, W1 = c.expected["Y"], c.expected["W1_after"]
    assert first_of(suite, doc(), 20, ("W1_after", flat(W1, 1, 0, 0)), ("Y", flat(Y, 5, 0))) \
        == "Y[5,0]"                                     # both at step 5: Y has rank 0
    assert first_of(suite, doc(), 20, ("W1_after", flat(W1, 1, 0, 0)), ("Y", flat(Y, 6, 0))) \
        == "W1_after[1,0,0]"                            # step 5 before step 6
    assert first_of(suite, doc(), 20, ("update_tokens", 0), ("Y", flat(Y, 3, 0))) \
        == "update_tokens[0]"                           # step 3 - 1 = 2
    assert first_of(suite, doc(), 20, ("update_tokens", 0), ("Y", flat(Y, 2, 1))) == "Y[2,1]"
    assert first_of(suite, doc(), 20, ("W2_after", 0), ("W1_after", 3), ("update_tokens", 0)) \
        == "update_tokens[0]"
    assert first_of(suite, doc(), 20, ("W2_after", 0), ("W1_after", 3)) == "W1_after[0,1,0]"

    c = suite.by_id[49]                                 # delta_rule.two_calls, split 2
    assert c.inputs["split"].q == ["2"]
    Y = c.expected["Y"]
    assert first_of(suite, doc(), 49, ("M_T", 0), ("M_split", 5), ("Y", flat(Y, 2, 0))) \
        == "M_split[1,2]"
    assert first_of(suite, doc(), 49, ("M_split", 0), ("Y", flat(Y, 1, 1))) == "Y[1,1]"

    c = suite.by_id[100]                                # cms.sequential: updates (t, l) rows
    assert c.expected["updates"].q == ["1", "1", "2", "1", "2", "2", "3", "1"]
    Y, upd = c.expected["Y"], c.expected["updates"]
    assert first_of(suite, doc(), 100, ("updates", flat(upd, 3, 1)), ("Y", flat(Y, 2, 1))) \
        == "Y[2,1]"
    assert first_of(suite, doc(), 100, ("updates", flat(upd, 2, 1)), ("Y", flat(Y, 2, 0))) \
        == "updates[2,1]"
    assert first_of(suite, doc(), 100, ("W1_T", 0), ("updates", flat(upd, 3, 0))) \
        == "updates[3,0]"

    c = suite.by_id[118]                                # cms.nested, context 2
    assert c.inputs["context"].q == ["2"]
    Y, W1 = c.expected["Y"], c.expected["W1_phi"]
    assert first_of(suite, doc(), 118, ("W1_phi", flat(W1, 0, 0, 1)), ("Y", flat(Y, 2, 0))) \
        == "W1_phi[0,0,1]"
    assert first_of(suite, doc(), 118, ("W1_phi", flat(W1, 0, 0, 1)), ("Y", flat(Y, 1, 0))) \
        == "Y[1,0]"
    assert first_of(suite, doc(), 118, ("W1_phi", 0), ("inner_update_tokens", 1)) \
        == "inner_update_tokens[1]"
    assert first_of(suite, doc(), 118, ("W2_phi", flat(c.expected["W2_phi"], 0, 1, 0)),
                    ("W1_phi", flat(W1, 1, 0, 0))) == "W2_phi[0,1,0]"


def test_k_and_n_count_the_output_of_the_first_failure(suite, perfect):
    case = suite.by_id[20]
    n = case.expected["Y"].size                 # the first failure is Y[0,0], at token 1
    for name, t in case.expected.items():
        gt.entry_of(perfect, 20)["outputs"][name]["f64"] = [gt.f64_hex(1e9)] * t.size
    v = grade(suite, perfect, ops=["cms_level.run"]).verdict(20)
    assert v.failingElements == n
    assert f": first of {n} failing elements (of {n}): " in v.line


# --- other policies ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def policy_goldens(tmp_path_factory):
    """Copies of a few cases with case 1 and 4 under the exact, bitwise and ulp policies."""
    out = {}
    for policy in ("exact", "bitwise", "ulp"):
        g = gt.copy_suite(str(tmp_path_factory.mktemp(policy) / "Golden"), {1, 4, 6})

        def edit(c, policy=policy):
            c["tolerance"]["policy"] = policy
            if policy == "ulp":
                c["tolerance"]["maxUlp"] = 2
        gt.edit_case(g, 1, edit)
        gt.edit_case(g, 4, edit)
        out[policy] = nlgolden.load_suite(g)
    return out


def test_exact_policy(policy_goldens):
    suite = policy_goldens["exact"]
    doc = gt.perfect_results(suite)
    rep = grade(suite, doc)
    v1, v4 = rep.verdict(1), rep.verdict(4)
    assert v1.status == "passed"                        # case 1 is dyadic: e = q
    assert (v1.errorOverAllowed, v1.worstUlp) == (None, None)   # allowed = 0: no figures
    assert v4.status == "failed"                        # e != q somewhere
    case = suite.by_id[1]
    g = math.nextafter(h2f(case.expected["Y"].f64[0]), 0)
    set_value(doc, 1, "Y", 0, g)
    v = grade(suite, doc).verdict(1)
    n = case.expected["Y"].size
    assert v.line == element_line(case, "Y", 0, g17(g), g, 1, n, policy="exact")
    assert v.line.endswith("allowed 0 (exact), error/allowed inf")


def test_bitwise_policy(policy_goldens):
    suite = policy_goldens["bitwise"]
    doc = gt.perfect_results(suite)
    rep = grade(suite, doc)
    assert rep.failed == 0
    assert rep.verdict(1).errorOverAllowed is None      # dyadic: allowed = |e - q| = 0
    v4 = rep.verdict(4)
    assert v4.errorOverAllowed is not None and v4.errorOverAllowed <= 1
    case = suite.by_id[1]
    flat0 = case.expected["Y"].q.index("0")
    set_value(doc, 1, "Y", flat0, -0.0)                 # -0 has other bits than +0
    v = grade(suite, doc).verdict(1)
    n = case.expected["Y"].size
    assert v.line == element_line(case, "Y", flat0, "-0", -0.0, 1, n, policy="bitwise")
    assert "|error| 0, allowed 0 (bitwise), error/allowed inf" in v.line
    # decimals are read to the nearest double, then compared bit for bit
    doc = gt.perfect_results(suite)
    for r in doc["results"]:
        for name, o in r.get("outputs", {}).items():
            r["outputs"][name] = {"decimal": ["%.17g" % h2f(s) for s in o["f64"]]}
    assert grade(suite, doc).failed == 0


def test_ulp_policy(policy_goldens):
    suite = policy_goldens["ulp"]
    case = suite.by_id[1]
    e = h2f(case.expected["Y"].f64[2])
    for steps, status in ((2, "passed"), (3, "failed")):
        doc = gt.perfect_results(suite)
        g = e
        for _ in range(steps):
            g = math.nextafter(g, 0)                    # |e| = 105/32 is not a power of 2
        set_value(doc, 1, "Y", 2, g)
        v = grade(suite, doc).verdict(1)
        assert v.status == status
        if status == "failed":
            n = case.expected["Y"].size
            assert v.line == element_line(case, "Y", 2, g17(g), g, 1, n, policy="ulp")
        assert grade(suite, doc, precision="f32").verdict(1).status == "passed"
    v = grade(suite, gt.perfect_results(suite)).verdict(4)
    assert v.status == "passed" and v.errorOverAllowed <= 0.25


# --- selection ---------------------------------------------------------------------------------

def test_selection(suite, doc):
    order = suite.op_order
    assert [s.op for s in grade(suite, doc).ops] == order
    r = grade(suite, doc, ops=["dgd.step", OP])
    assert [s.op for s in r.ops] == [OP, "dgd.step"]               # order of the first tcId
    assert {v.op for v in r.cases} == {OP, "dgd.step"}
    r = grade(suite, doc, op_prefixes=["delta_rule."])
    assert [s.op for s in r.ops] == [op for op in order if op.startswith("delta_rule.")]
    r = grade(suite, doc, ops=["dgd.step"], op_prefixes=["cms", "dgd"])
    assert [s.op for s in r.ops] == [op for op in order if op.startswith(("cms", "dgd"))]
    assert [s.op for s in grade(suite, doc, op_prefixes=[""]).ops] == order
    assert [s.op for s in grade(suite, doc, ops=[OP, OP]).ops] == [OP]
    for kw in ({"ops": ["delta_rule"]}, {"ops": ["dgd.step", "nope"]},
               {"op_prefixes": ["zzz"]}, {"ops": ["DGD.STEP"]}):
        with pytest.raises(SelectionError) as info:
            grade(suite, doc, **kw)
        assert all(op in str(info.value) for op in order)


# --- reports -----------------------------------------------------------------------------------

def test_text_report_layout(suite, perfect):
    a, b, c, d = (x.tcId for x in valid_cases(suite, OP)[:4])
    perfect["results"] = [r for r in perfect["results"] if r["tcId"] not in (b, c, d, 15)]
    set_value(perfect, a, "M_T", 0, 1e9)
    perfect["implementation"] = "impl\tname"
    r = grade(suite, perfect, ops=["dgd.step", OP])
    va = r.verdict(a)
    s1, s2 = r.ops
    w = len(OP)

    def row(s):
        eoa = "-" if s.errorOverAllowed is None else g3(s.errorOverAllowed)
        wu = "-" if s.worstUlp is None else f"{g3(s.worstUlp)} (tcId {s.worstUlpTcId})"
        return (s.op.ljust(w) + "  " + str(s.withinTolerance).rjust(5) + "  "
                + str(s.refused).rjust(7) + "  " + str(s.failed).rjust(6) + "  "
                + str(s.skipped).rjust(7) + "  " + eoa.ljust(13) + "  " + wu)

    def ranges(ids):
        return ", ".join(f"{x}-{y}" if x != y else f"{x}" for x, y in ids)

    missing_la = sorted((b, c, d))
    runs = []
    for t in missing_la:
        if runs and runs[-1][1] == t - 1:
            runs[-1][1] = t
        else:
            runs.append([t, t])
    want = [f"suite {suite.suiteVersion}, implementation impl name, precision f64",
            va.line,
            f"MISSING {OP}: 3 cases (tcId {ranges(runs)})",
            "MISSING dgd.step: 1 case (tcId 15)",
            "op".ljust(w) + "  valid  refused  failed  skipped  error/allowed  "
            "worst ulp (information)",
            row(s1), row(s2),
            f"{r.passed} passed ({r.withinTolerance} within tolerance, {r.refused} refused, "
            f"0 of them with the matching errorKind), "
            f"{r.failed} failed, {r.skipped} skipped ({r.missing} missing)"]
    assert r.text() == "\n".join(want) + "\n"
    assert (r.failed, r.missing, r.skipped) == (1, 4, 4)
    assert s1.errorOverAllowed > 1 and s2.errorOverAllowed < 1
    verbose = r.lines(verbose=True)
    assert verbose[2:6] == [f"MISSING {t} {OP}" for t in missing_la] + ["MISSING 15 dgd.step"]


def test_ranges():
    from nlgolden.grading import _ranges
    assert _ranges([7, 9, 10]) == "7, 9-10"
    assert _ranges([1]) == "1"
    assert _ranges([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8"


def test_table_example_of_the_contract():
    """The example table of FORMAT.md, rebuilt: op column 26 wide (linear_attention.recurrent)."""
    from nlgolden.grading import OpSummary, Report

    class V:
        def __init__(self, tcId, status, reason, eoa=None, wu=None):
            self.tcId, self.op, self.status, self.reason = tcId, "delta_rule.sequence", status, reason
            self.errorOverAllowed, self.worstUlp = eoa, wu
            self.matchingKind = reason == "refused" and tcId == 4
    vs = ([V(i, "passed", "within-tolerance", 0.0123, 3.5 if i == 8 else 1.0) for i in (1, 2, 3, 8)]
          + [V(4, "passed", "refused"), V(5, "passed", "refused"), V(6, "failed", "out-of-tolerance")]
          + [V(i, "skipped", "missing") for i in (7, 9, 10)])
    s = OpSummary("delta_rule.sequence", vs)
    rep = Report.__new__(Report)
    rep.ops = [s, OpSummary("linear_attention.recurrent", [])]
    rep._by_op = {"delta_rule.sequence": [], "linear_attention.recurrent": []}
    rep.suiteVersion, rep.precision, rep.implementation = "0.8.0", "f64", "my-numpy-port 1.2"
    rep.strict_errors = False
    rep.withinTolerance, rep.refused, rep.failed, rep.skipped, rep.missing = 15, 2, 1, 3, 3
    rep.refusedMatchingKind = 1
    lines = rep.lines()
    assert lines[0] == "suite 0.8.0, implementation my-numpy-port 1.2, precision f64"
    assert lines[1] == ("op                          valid  refused  failed  skipped  "
                        "error/allowed  worst ulp (information)")
    assert lines[2] == ("delta_rule.sequence             4        2       1        3  "
                        "0.0123         3.5 (tcId 8)")
    assert s.refusedMatchingKind == 1
    assert lines[-1] == ("17 passed (15 within tolerance, 2 refused, 1 of them with the matching "
                         "errorKind), 1 failed, 3 skipped (3 missing)")


def test_implementation_name(suite, doc):
    doc.pop("implementation")
    r = grade(suite, doc)
    assert r.lines()[0].startswith(f"suite {suite.suiteVersion}, implementation (unnamed), ")
    assert r.to_json()["implementation"] is None
    doc["implementation"] = "a\x1bb\u0085" + "n" * 200
    r = grade(suite, doc)
    clean = "a b " + "n" * 200
    want = clean[:120] + "..." + clean[-20:] + f" ({len(clean)} chars)"
    assert r.lines()[0] == f"suite {suite.suiteVersion}, implementation {want}, precision f64"
    assert r.to_json()["implementation"] == "a\x1bb\x85" + "n" * 200     # JSON: the name as given


def test_json_report(suite, perfect):
    a = valid_cases(suite, OP)[0].tcId
    set_value(perfect, a, "Y", 0, DBL_MAX)
    perfect["results"] = [r for r in perfect["results"] if r["tcId"] != 2]
    r = grade(suite, perfect, precision="f32", ops=[OP, "dgd.step"])
    j = json.loads(json.dumps(r.to_json()))
    assert list(j) == ["schema", "suiteVersion", "implementation", "precision", "strictErrors",
                       "ops", "cases", "summary"]
    assert j["strictErrors"] is False
    assert j["schema"] == "nl-golden-report/1" and j["precision"] == "f32"
    assert j["implementation"] == "expected values"
    assert [o["op"] for o in j["ops"]] == [OP, "dgd.step"]
    for o in j["ops"]:
        assert set(o) == {"op", "passed", "withinTolerance", "refused", "refusedMatchingKind",
                          "failed", "skipped", "missing", "errorOverAllowed", "worstUlp",
                          "worstUlpTcId"}
        assert o["refusedMatchingKind"] == 0
        assert o["passed"] == o["withinTolerance"] + o["refused"]
    assert [c["tcId"] for c in j["cases"]] == sorted(c.tcId for c in suite.cases
                                                      if c.op in (OP, "dgd.step"))
    for c in j["cases"]:
        assert set(c) == {"tcId", "op", "result", "status", "reason", "line", "failingElements",
                          "errorOverAllowed", "worstUlp", "errorKind"}
        assert c["errorKind"] is None
        assert (c["line"] is not None) == (c["status"] == "failed")
    ca = next(c for c in j["cases"] if c["tcId"] == a)
    assert ca["errorOverAllowed"] is None and ca["worstUlp"] is None and ca["failingElements"] == 1
    assert j["ops"][0]["worstUlp"] is None and j["ops"][0]["worstUlpTcId"] == a
    s = j["summary"]
    assert s == {"passed": r.passed, "withinTolerance": r.withinTolerance, "refused": r.refused,
                 "refusedMatchingKind": 0, "failed": 1, "skipped": 1, "missing": 1}


def test_junit_report(suite, perfect):
    set_value(perfect, 1, "Y", 0, 1e9)
    perfect["results"] = [r for r in perfect["results"] if r["tcId"] != 2]
    r = grade(suite, perfect, op_prefixes=["linear", "dgd"])
    root = ET.fromstring(r.junit())
    assert root.tag == "testsuites" and root.get("name") == "nl-golden"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == \
        (str(len(r.cases)), str(r.failed), str(r.skipped))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [s.op for s in r.ops]
    for s, summary in zip(suites, r.ops):
        cases = s.findall("testcase")
        assert s.get("tests") == str(len(cases))
        assert s.get("failures") == str(summary.failed)
        assert s.get("skipped") == str(summary.skipped)
        props = {p.get("name"): p.get("value") for p in s.find("properties")}
        assert props == {"refused": str(summary.refused), "refusedMatchingKind": "0",
                         "strictErrors": "false"}
        for tc in cases:
            assert tc.get("classname") == summary.op
            v = r.verdict(int(tc.get("name").split()[1]))
            f, sk = tc.find("failure"), tc.find("skipped")
            if v.status == "failed":
                assert f.get("message") == v.line and sk is None
            elif v.status == "skipped":
                assert sk.get("message") == v.reason and f is None
            else:
                assert f is None and sk is None


def test_exit_codes(suite, doc, example):
    assert grade(suite, doc).exit_code == 0
    wrong = example.run_suite(suite, "left-multiplied-delta")
    assert grade(suite, wrong).exit_code == 1
    assert grade(suite, wrong, ops=["dgd.step"]).exit_code == 0        # only selected cases


@pytest.mark.parametrize("variant,op", [("left-multiplied-delta", "delta_rule.sequence"),
                                        ("cms-c-plus-one", "cms_level.run")])
def test_wrong_variants_fail_in_their_op_only(suite, example, variant, op):
    r = grade(suite, example.run_suite(suite, variant))
    failed = {s.op: s.failed for s in r.ops}
    assert failed[op] > 0
    assert sum(n for o, n in failed.items() if o != op) == 0
    assert r.exit_code == 1
