"""Values that are not rational (FORMAT.md, "Values that are not rational"): expected tensors that
give an enclosure [lo, hi] in place of q are read strictly and graded on their bounds.

The tests write a synthetic case of elementwise.exp into a copy of the suite: X = (0, 1, -1/2, -800),
with enclosures of e^x computed here from the Taylor series in rationals (proven bounds, rounded
outward to 128 bits).  e^-800 lies below half the smallest subnormal, so its f64 is 0."""

import json
import math
import os
from fractions import Fraction

import pytest

import goldentools as gt
import nlgolden
from nlgolden import GoldenError

OP = "elementwise.exp"
TC = 900001
REL = f"cases/elementwise_exp/elementwise_exp-{TC:04d}.json"
X = (Fraction(0), Fraction(1), Fraction(-1, 2), Fraction(-800))
BITS = 128
U = Fraction(1, 2 ** 53)


def _exp_bounds(x, terms=60):
    """Rationals lo <= e^x <= hi for a rational x with |x| <= 1: the Taylor sum to `terms` terms
    and the remainder, at most 2 |x|^(n+1) / (n+1)!."""
    s, term = Fraction(0), Fraction(1)
    for k in range(terms):
        s += term
        term = term * x / (k + 1)
    r = 2 * abs(term)
    return s - r, s + r


def _round_out(lo, hi, bits=BITS):
    """lo rounded down and hi rounded up to `bits` significant bits (dyadic rationals), as a ball
    at that precision gives them."""
    def to(v, up):
        if v == 0:
            return v
        e = v.numerator.bit_length() - v.denominator.bit_length()     # 2^(e-1) < |v| < 2^(e+1)
        scale = Fraction(2) ** (bits - e)
        n = v * scale
        n = -((-n.numerator) // n.denominator) if up else n.numerator // n.denominator
        return Fraction(n) / scale
    return to(lo, False), to(hi, True)


def _enclosure(x):
    """A proven enclosure of e^x at BITS bits: the series for |x| <= 1; e^-800 = 1 / (e^800), with
    e^800 = e^(800) from the bounds of e."""
    if abs(x) <= 1:
        return _round_out(*_exp_bounds(x))
    lo, hi = _round_out(*_exp_bounds(Fraction(1), 200), bits=400)
    n = int(-x)
    return _round_out(1 / hi ** n, 1 / lo ** n)


def canon(f):
    return str(f)


def _rad(y):
    """8 u |y| (FORMAT.md, elementwise.*: 4 lambda u m with lambda = 2), rounded up to binary64;
    the smallest subnormal at least."""
    r = 8 * U * abs(y)
    d = float(r)
    if Fraction(d) < r:
        d = math.nextafter(d, math.inf)
    return max(d, 5e-324)


BOUNDS = [_enclosure(x) for x in X]


def make_case(policy="ball"):
    """The synthetic case as a JSON object."""
    f64 = [float(lo) for lo, _ in BOUNDS]
    assert [float(hi) for _, hi in BOUNDS] == f64           # both bounds round to the same double
    y = {"dtype": "f64", "shape": [len(X)], "f64": [gt.f64_hex(v) for v in f64],
         "enclosure": {"precision": BITS, "lo": [canon(lo) for lo, _ in BOUNDS],
                       "hi": [canon(hi) for _, hi in BOUNDS]}}
    tolerance = {"policy": policy, "reason": "synthetic"}
    if policy == "ball":
        y["rad"] = [gt.f64_hex(_rad(lo)) for lo, _ in BOUNDS]
        tolerance["boundUnits"] = 8
    if policy == "ulp":
        tolerance["maxUlp"] = 1
    return {"schema": "nl-golden-case/1", "suiteVersion": gt.manifest(gt.GOLDEN)["suiteVersion"],
            "tcId": TC, "op": OP, "opVersion": 1, "comment": "synthetic: e^x on proven bounds",
            "result": "valid", "flags": ["Small"], "conventions": {},
            "inputs": {"X": {"dtype": "f64", "shape": [len(X)],
                             "f64": [gt.f64_hex(float(x)) for x in X],
                             "q": [canon(x) for x in X]}},
            "expected": {"Y": y}, "tolerance": tolerance}


def write_suite(golden, case):
    """A copy of the suite holding only `case` (tcId TC; the op added to the manifest when the
    suite does not have it yet)."""
    gt.copy_suite(golden, set())

    def add(m):
        m["ops"].setdefault(OP, {"opVersion": 1, "conventions": {}, "cases": 0})
        m["ops"][OP]["cases"] = 1
        m["files"].append({"path": REL, "sha256": "0" * 64, "bytes": 0})
    gt.edit_manifest(golden, add)
    gt.write_case(golden, REL, case)
    return golden


@pytest.fixture
def golden(tmp_path):
    return write_suite(str(tmp_path / "Golden"), make_case())


def load(golden):
    return nlgolden.load_suite(golden).by_id[TC]


def results(suite, y=None, q=None):
    """A results document for the synthetic case: f64 values y (floats), or rationals q."""
    out = {"q": q} if q is not None else {"f64": [gt.f64_hex(v) for v in y]}
    return {"suiteVersion": suite.suiteVersion, "implementation": "test",
            "results": [{"tcId": TC, "op": OP, "outputs": {"Y": out}}]}


def expected_f64():
    return [float(lo) for lo, _ in BOUNDS]


# --- reading ------------------------------------------------------------------------------------

def test_the_bounds_are_proven_and_tight():
    e_lo, e_hi = BOUNDS[1]
    assert float(e_lo) == float(e_hi) == math.e and 0 < e_hi - e_lo < Fraction(1, 2 ** (BITS - 3))
    assert BOUNDS[0] == (1, 1)                                # e^0 = 1 exactly
    assert float(BOUNDS[3][1]) == 0.0 and BOUNDS[3][0] > 0    # e^-800 rounds to 0


def test_an_enclosure_is_read(golden):
    case = load(golden)
    y = case.expected["Y"]
    assert y.enclosed and y.q is None and y.enclosure["precision"] == BITS
    assert nlgolden.bounds(y) == BOUNDS == y.bounds()
    assert y.values() == expected_f64()
    with pytest.raises(ValueError, match="enclosure"):
        nlgolden.exact(y)
    assert y.to_dict()["enclosure"] == make_case()["expected"]["Y"]["enclosure"]
    assert nlgolden.bounds(case.inputs["X"]) == [(x, x) for x in X]


def _enc(key, value):
    def fn(c):
        c["expected"]["Y"]["enclosure"][key] = value
    return fn


def _bound(key, i, value):
    def fn(c):
        c["expected"]["Y"]["enclosure"][key][i] = value
    return fn


def _move_f64(c):
    c["expected"]["Y"]["f64"][1] = gt.f64_hex(math.nextafter(math.e, math.inf))


def _swap(c):
    e = c["expected"]["Y"]["enclosure"]
    e["lo"][1], e["hi"][1] = e["hi"][1], e["lo"][1]


MALFORMED = [
    ("q and enclosure", lambda c: c["expected"]["Y"].__setitem__("q", ["1", "1", "1", "0"]),
     "expected.Y.enclosure"),
    ("neither q nor enclosure", lambda c: c["expected"]["Y"].pop("enclosure"), "expected.Y.q"),
    ("an enclosure in the inputs", lambda c: c["inputs"]["X"].__setitem__(
        "enclosure", {"precision": 128, "lo": ["0"] * 4, "hi": ["0"] * 4}), "inputs.X.enclosure"),
    ("not an object", lambda c: c["expected"]["Y"].__setitem__("enclosure", [1, 2]),
     "expected.Y.enclosure"),
    ("an unknown key", _enc("mid", ["1"] * 4), "expected.Y.enclosure.mid"),
    ("precision missing", lambda c: c["expected"]["Y"]["enclosure"].pop("precision"),
     "expected.Y.enclosure.precision"),
    ("lo missing", lambda c: c["expected"]["Y"]["enclosure"].pop("lo"), "expected.Y.enclosure.lo"),
    ("hi missing", lambda c: c["expected"]["Y"]["enclosure"].pop("hi"), "expected.Y.enclosure.hi"),
    ("precision 52", _enc("precision", 52), "expected.Y.enclosure.precision"),
    ("precision 128.0", _enc("precision", 128.0), "expected.Y.enclosure.precision"),
    ("precision a string", _enc("precision", "128"), "expected.Y.enclosure.precision"),
    ("precision true", _enc("precision", True), "expected.Y.enclosure.precision"),
    ("precision over 2^53 - 1", _enc("precision", 2 ** 53), "expected.Y.enclosure.precision"),
    ("lo not a list", _enc("lo", "1"), "expected.Y.enclosure.lo"),
    ("hi too short", lambda c: c["expected"]["Y"]["enclosure"]["hi"].pop(),
     "expected.Y.enclosure.hi"),
    ("lo too long", lambda c: c["expected"]["Y"]["enclosure"]["lo"].append("1"),
     "expected.Y.enclosure.lo"),
    ("a bound not a string", _bound("lo", 2, 1), "expected.Y.enclosure.lo[2]"),
    ("a decimal bound", _bound("hi", 2, "0.5"), "expected.Y.enclosure.hi[2]"),
    ("a bound with a space", _bound("lo", 0, "1 "), "expected.Y.enclosure.lo[0]"),
    ("a bound over 100,000 characters", _bound("hi", 1, "1" * 100_001),
     "expected.Y.enclosure.hi[1]"),
    ("not in lowest terms", _bound("hi", 0, "2/2"), "expected.Y.enclosure.hi[0]"),
    ("a /1", _bound("lo", 0, "1/1"), "expected.Y.enclosure.lo[0]"),
    ("-0", _bound("lo", 3, "-0"), "expected.Y.enclosure.lo[3]"),
    ("lo above hi", _swap, "expected.Y.enclosure.lo[1]"),
    ("f64 not what the bounds round to", _move_f64, "expected.Y.f64[1]"),
    ("f64 not finite", lambda c: c["expected"]["Y"]["f64"].__setitem__(2, "7ff0000000000000"),
     "expected.Y.f64[2]"),
    ("a bound that rounds elsewhere", _bound("hi", 1, "3"), "expected.Y.f64[1]"),
]


@pytest.mark.parametrize("name,edit,field", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_enclosure_is_refused(tmp_path, name, edit, field):
    case = make_case()
    edit(case)
    golden = write_suite(str(tmp_path / "Golden"), case)
    with pytest.raises(GoldenError) as info:
        nlgolden.load_suite(golden)
    assert info.value.field == field, str(info.value)
    assert info.value.tcId == TC and info.value.file.endswith(f"-{TC:04d}.json")
    assert field in str(info.value)


def test_the_schema_takes_an_enclosure_in_place_of_q():
    jsonschema = pytest.importorskip("jsonschema")
    # The schema is in the repository (Golden/schema), not in the suite the installed package bundles.
    here = os.path.dirname(os.path.abspath(__file__))
    schema = os.path.join(here, "..", "..", "schema", "nl-golden-case.v1.schema.json")
    with open(schema) as fh:
        validator = jsonschema.Draft202012Validator(json.load(fh))
    case = make_case()
    assert not list(validator.iter_errors(case))
    for name, edit, _ in MALFORMED[:4] + MALFORMED[4:14]:
        if name in ("precision 128.0", "precision over 2^53 - 1"):
            continue                        # JSON Schema's integers: the reader checks these
        bad = make_case()
        edit(bad)
        assert list(validator.iter_errors(bad)), name


# --- grading ------------------------------------------------------------------------------------

def _error(x, i):
    lo, hi = BOUNDS[i]
    return max(abs(Fraction(x) - lo), abs(Fraction(x) - hi))


def _last_inside(i, rad):
    """The largest double whose error max(|x - lo|, |x - hi|) is at most rad: lo + rad rounded
    down."""
    lo, _ = BOUNDS[i]
    x = float(lo + Fraction(rad))
    while _error(x, i) > Fraction(rad):
        x = math.nextafter(x, -math.inf)
    while _error(math.nextafter(x, math.inf), i) <= Fraction(rad):
        x = math.nextafter(x, math.inf)
    return x


def g3(x):
    return nlgolden.fmt3(float(x))


def test_the_expected_values_pass(golden):
    suite = nlgolden.load_suite(golden)
    v = nlgolden.verify(suite, results(suite, expected_f64())).verdict(TC)
    assert (v.status, v.reason, v.failingElements) == ("passed", "within-tolerance", 0)
    rads = [_rad(lo) for lo, _ in BOUNDS]
    ratios = [_error(x, i) / Fraction(r) for i, (x, r) in enumerate(zip(expected_f64(), rads))]
    assert v.errorOverAllowed == float(max(ratios))
    # worst ulp only where the f64 is not 0 (e^-800 rounds to 0)
    ulps = [_error(x, i) / Fraction(math.ulp(x)) for i, x in enumerate(expected_f64()) if x]
    assert v.worstUlp == float(max(ulps)) and v.worstUlp > 0


def test_inside_and_one_ulp_outside(golden):
    suite = nlgolden.load_suite(golden)
    rad = _rad(BOUNDS[1][0])
    inside = _last_inside(1, rad)
    assert inside > math.e                 # a few units above: graded against the lower bound
    y = expected_f64()
    y[1] = inside
    assert nlgolden.verify(suite, results(suite, y)).verdict(TC).status == "passed"
    y[1] = outside = math.nextafter(inside, math.inf)
    v = nlgolden.verify(suite, results(suite, y)).verdict(TC)
    assert (v.status, v.reason, v.failingElements) == ("failed", "out-of-tolerance", 1)
    lo, hi = (canon(b) for b in BOUNDS[1])
    short = lambda s: nlgolden.shorten(s, 24, 12)                     # noqa: E731
    err = _error(outside, 1)
    assert v.line == (f"FAIL {TC} {OP} Y[1]: first of 1 failing elements (of 4): expected in "
                      f"[{short(lo)}, {short(hi)}] ~ 2.7182818284590451, given "
                      f"{nlgolden.fmt17(outside)}, |error| {g3(err)}, allowed {g3(rad)} (ball), "
                      f"error/allowed {g3(err / Fraction(rad))}")
    assert "expected in [" in v.line and len(lo) > 40          # long bounds are shortened
    # below the enclosure the upper bound is the far one
    low = (BOUNDS[1][1] - Fraction(rad))
    x = float(low)
    while _error(x, 1) > Fraction(rad):
        x = math.nextafter(x, math.inf)
    y[1] = x
    assert nlgolden.verify(suite, results(suite, y)).verdict(TC).status == "passed"
    y[1] = math.nextafter(x, -math.inf)
    assert nlgolden.verify(suite, results(suite, y)).verdict(TC).status == "failed"


def test_precision_scales_the_radius(golden):
    suite = nlgolden.load_suite(golden)
    y = expected_f64()
    y[1] = math.nextafter(_last_inside(1, _rad(BOUNDS[1][0])), math.inf)
    assert nlgolden.verify(suite, results(suite, y), precision="f32").verdict(TC).status == "passed"


def test_rational_results_equal_only_a_point_enclosure(golden):
    suite = nlgolden.load_suite(golden)
    bounds = [canon(lo) for lo, _ in BOUNDS]
    bounds[0] = "1"                                            # lo = hi = 1: exact
    v = nlgolden.verify(suite, results(suite, q=bounds)).verdict(TC)
    assert (v.status, v.failingElements) == ("failed", 3)      # the others are not points
    assert v.line.startswith(f"FAIL {TC} {OP} Y[1]: first of 3 failing elements (of 4): "
                             f"expected in [")
    assert ", allowed 0 (==), error/allowed inf" in v.line
    assert f"|error| {g3(_error(BOUNDS[1][0], 1))}," in v.line    # hi - lo: the far bound


@pytest.mark.parametrize("policy", ["exact", "bitwise", "ulp"])
def test_other_policies_use_the_bounds(tmp_path, policy):
    golden = write_suite(str(tmp_path / "Golden"), make_case(policy))
    suite = nlgolden.load_suite(golden)
    y = expected_f64()
    v = nlgolden.verify(suite, results(suite, y)).verdict(TC)
    if policy == "exact":
        # only e^0 = 1 has lo = hi = f64; every other element fails, |error| the far bound
        assert (v.status, v.failingElements) == ("failed", 3)
        assert v.line.endswith(f"|error| {g3(_error(y[1], 1))}, allowed 0 (exact), "
                               "error/allowed inf")
        return
    assert v.status == "passed"
    y[1] = math.nextafter(y[1], math.inf)                 # e^1 is 0.33 ulp above its f64
    v = nlgolden.verify(suite, results(suite, y)).verdict(TC)
    assert v.status == ("passed" if policy == "ulp" else "failed")
    y[1] = math.nextafter(y[1], math.inf)
    v = nlgolden.verify(suite, results(suite, y)).verdict(TC)
    assert v.status == "failed"
    e = math.e
    allowed = _error(e, 1) if policy == "bitwise" else Fraction(math.ulp(e))
    assert v.line.endswith(f"|error| {g3(_error(y[1], 1))}, allowed {g3(allowed)} ({policy}), "
                           f"error/allowed {g3(_error(y[1], 1) / allowed)}")


def test_reports_and_the_command(golden, tmp_path):
    suite = nlgolden.load_suite(golden)
    y = expected_f64()
    y[2] = 1.0
    doc = results(suite, y)
    rep = nlgolden.verify(suite, doc)
    line = rep.verdict(TC).line
    assert line.startswith(f"FAIL {TC} {OP} Y[2]: first of 1 failing elements (of 4): expected in [")
    assert line in rep.text().splitlines()
    assert rep.to_json()["cases"][0]["line"] == line
    p = str(tmp_path / "results.json")
    gt.write_json(p, doc)
    run = gt.run_cli(["verify", p, "--golden", golden])
    assert run.returncode == 1 and line in run.stdout.splitlines(), run.stdout + run.stderr
