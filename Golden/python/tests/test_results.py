"""Results files (FORMAT.md, "Results file"): what is malformed (GoldenError, exit 2) and what is
accepted."""

import json
import time

import pytest

import goldentools as gt
import nlgolden
from nlgolden import GoldenError


def _r(tcId, fn):
    def mutate(doc):
        fn(gt.entry_of(doc, tcId))
        return doc
    return mutate


def _set(*path_and_value):
    *path, value = path_and_value

    def fn(obj):
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return fn


def _del(*path):
    def fn(obj):
        for k in path[:-1]:
            obj = obj[k]
        del obj[path[-1]]
    return fn


def _raw(old, new):
    def mutate(doc):
        data = json.dumps(doc)
        assert old in data, old
        return data.replace(old, new, 1).encode()
    return mutate


def _output(tcId, name, obj):
    return _r(tcId, lambda r: r["outputs"].__setitem__(name, obj))


def _decimal(s):
    return _output(1, "Y", {"decimal": [s] + ["0"] * 7})


# (name, mutation of the numpy example's results, expected tcId, expected field fragment)
MALFORMED = [
    ("not an object", lambda d: [d], None, "(root)"),
    ("other suiteVersion", lambda d: {**d, "suiteVersion": "0.1.0"}, None, "suiteVersion"),
    ("no suiteVersion", lambda d: {k: v for k, v in d.items() if k != "suiteVersion"}, None,
     "suiteVersion"),
    ("suiteVersion not a string", lambda d: {**d, "suiteVersion": 7}, None, "suiteVersion"),
    ("unknown top-level key", lambda d: {**d, "comment": "x"}, None, "comment"),
    ("implementation not a string", lambda d: {**d, "implementation": 3}, None, "implementation"),
    ("implementation null", lambda d: {**d, "implementation": None}, None, "implementation"),
    ("results not a list", lambda d: {**d, "results": {}}, None, "results"),
    ("entry not an object", lambda d: {**d, "results": [1]}, None, "results[0]"),
    ("duplicate tcId", lambda d: {**d, "results": d["results"] + [d["results"][0]]}, 1, "tcId"),
    ("unknown tcId", lambda d: {**d, "results": d["results"] + [
        {"tcId": 999, "op": "dgd.step", "error": "x"}]}, 999, "tcId"),
    ("no tcId", _r(2, _del("tcId")), None, "tcId"),
    ("string tcId", _r(2, _set("tcId", "2")), None, "tcId"),
    ("tcId 2.0", _raw('"tcId": 2,', '"tcId": 2.0,'), None, "tcId"),
    ("tcId 2e0", _raw('"tcId": 2,', '"tcId": 2e0,'), None, "tcId"),
    ("tcId 0", _r(2, _set("tcId", 0)), None, "tcId"),
    ("tcId -1", _r(2, _set("tcId", -1)), None, "tcId"),
    ("tcId true", _r(2, _set("tcId", True)), None, "tcId"),
    ("tcId 2^53", _r(2, _set("tcId", 2 ** 53)), None, "tcId"),
    ("no op", _r(2, _del("op")), 2, "op"),
    ("op null", _r(2, _set("op", None)), 2, "op"),
    ("op a number", _r(2, _set("op", 5)), 2, "op"),
    ("op a list", _r(2, _set("op", ["linear_attention.recurrent"])), 2, "op"),
    ("op an object", _r(2, _set("op", {"a": 1})), 2, "op"),
    ("unknown op", _r(2, _set("op", "linear_attention.parallel")), 2, "op"),
    ("op of another case", _r(2, _set("op", "dgd.step")), 2, "op"),
    ("unknown entry key", _r(2, _set("comment", "x")), 2, "comment"),
    ("x- key in an entry", _r(2, _set("x-note", "x")), 2, "x-note"),
    ("error and outputs", _r(2, _set("error", "x")), 2, "results[1]"),
    ("neither error nor outputs", _r(2, _del("outputs")), 2, "results[1]"),
    ("error null", _r(6, _set("error", None)), 6, "error"),
    ("error a number", _r(6, _set("error", 1)), 6, "error"),
    ("errorKind not a string", _r(6, _set("errorKind", 1)), 6, "errorKind"),
    ("errorKind null", _r(6, _set("errorKind", None)), 6, "errorKind"),
    ("errorKind not a flag", _r(6, _set("errorKind", "shape")), 6, "errorKind"),
    ("errorKind in lower case", _r(6, _set("errorKind", "shapemismatch")), 6, "errorKind"),
    ("errorKind a flag that is no invalid-case kind", _r(6, _set("errorKind", "Small")), 6,
     "errorKind"),
    ("errorKind with outputs", _r(1, _set("errorKind", "NonFinite")), 1, "errorKind"),
    ("outputs a list", _r(1, _set("outputs", [])), 1, "outputs"),
    ("output not an object", _output(1, "Y", [1]), 1, "outputs.Y"),
    ("two representations", _r(1, lambda r: r["outputs"]["Y"].__setitem__(
        "decimal", ["0"] * 8)), 1, "outputs.Y"),
    ("no representation", _output(1, "Y", {"shape": [4, 2]}), 1, "outputs.Y"),
    ("unknown output key", _r(1, lambda r: r["outputs"]["Y"].__setitem__("dtype", "f64")), 1,
     "outputs.Y.dtype"),
    ("f64 not a list", _output(1, "Y", {"f64": "3ff0000000000000"}), 1, "outputs.Y.f64"),
    ("bad hex", _r(1, _set("outputs", "Y", "f64", 0, "BFA8000000000000")), 1,
     "outputs.Y.f64[0]"),
    ("hex not a string", _r(1, _set("outputs", "Y", "f64", 0, 1.5)), 1, "outputs.Y.f64[0]"),
    ("non-canonical q 2/4", _output(1, "Y", {"q": ["2/4"] + ["0"] * 7}), 1, "outputs.Y.q[0]"),
    ("non-canonical q -0", _output(1, "Y", {"q": ["-0"] + ["0"] * 7}), 1, "outputs.Y.q[0]"),
    ("non-canonical q 3/1", _output(1, "Y", {"q": ["3/1"] + ["0"] * 7}), 1, "outputs.Y.q[0]"),
    ("non-canonical q 0/5", _output(1, "Y", {"q": ["0/5"] + ["0"] * 7}), 1, "outputs.Y.q[0]"),
    ("q with a space", _output(1, "Y", {"q": ["1 /2"] + ["0"] * 7}), 1, "outputs.Y.q[0]"),
    ("q 1/0", _output(1, "Y", {"q": ["1/0"] + ["0"] * 7}), 1, "outputs.Y.q[0]"),
    ("q over 100000 chars", _output(1, "Y", {"q": ["1" * 100_001] + ["0"] * 7}), 1,
     "outputs.Y.q[0]"),
    ("decimal hex float", _decimal("0x1p-3"), 1, "outputs.Y.decimal[0]"),
    ("decimal +1", _decimal("+1"), 1, "outputs.Y.decimal[0]"),
    ("decimal .5", _decimal(".5"), 1, "outputs.Y.decimal[0]"),
    ("decimal 1.", _decimal("1."), 1, "outputs.Y.decimal[0]"),
    ("decimal space", _decimal(" 1"), 1, "outputs.Y.decimal[0]"),
    ("decimal nan", _decimal("nan"), 1, "outputs.Y.decimal[0]"),
    ("decimal inf", _decimal("inf"), 1, "outputs.Y.decimal[0]"),
    ("decimal +Infinity", _decimal("+Infinity"), 1, "outputs.Y.decimal[0]"),
    ("decimal 01", _decimal("01"), 1, "outputs.Y.decimal[0]"),
    ("decimal comma", _decimal("1,5"), 1, "outputs.Y.decimal[0]"),
    ("decimal 1e", _decimal("1e"), 1, "outputs.Y.decimal[0]"),
    ("decimal unicode digit", _decimal("\u0661"), 1, "outputs.Y.decimal[0]"),
    ("decimal 801 chars", _decimal("0." + "0" * 798 + "1"), 1, "outputs.Y.decimal[0]"),
    ("decimal a number", _output(1, "Y", {"decimal": [0.5] + ["0"] * 7}), 1,
     "outputs.Y.decimal[0]"),
    ("shape not a list", _r(1, _set("outputs", "Y", "shape", 8)), 1, "outputs.Y.shape"),
    ("shape entry 4.0", _raw('"shape": [4, 2]', '"shape": [4.0, 2]'), 1, "outputs.Y.shape"),
    ("shape entry negative", _r(1, _set("outputs", "Y", "shape", [-4, -2])), 1,
     "outputs.Y.shape"),
    ("shape product over 2^31-1", _r(1, _set("outputs", "Y", "shape", [65536, 65536])), 1,
     "outputs.Y.shape"),
    ("shape overflowing Int64", _r(1, _set("outputs", "Y", "shape", [4611686018427387904, 4])),
     1, "outputs.Y.shape"),
    ("count differs from own shape", _r(1, lambda r: r["outputs"]["Y"]["f64"].pop()), 1,
     "outputs.Y.f64"),
    ("unknown output of a valid case", _r(1, lambda r: r["outputs"].__setitem__(
        "Z", r["outputs"]["Y"])), 1, "outputs.Z"),
    ("unknown output of an invalid case", _r(6, lambda r: (r.pop("error"), r.__setitem__(
        "outputs", {"Z": {"f64": []}}))), 6, "outputs.Z"),
    ("malformed output of an invalid case", _r(6, lambda r: (r.pop("error"), r.__setitem__(
        "outputs", {"Y": {"f64": ["xyz"]}}))), 6, "outputs.Y.f64[0]"),
    ("truncated JSON", lambda d: json.dumps(d).encode()[:-3], None, "(json)"),
    ("NaN literal", lambda d: json.dumps(d).replace(
        '"implementation"', '"x-a": NaN, "implementation"', 1).encode(), None, "(json)"),
    ("duplicate key", _raw('"implementation":', '"implementation": "a", "implementation":'),
     None, "(json)"),
    ("lone surrogate in implementation", _raw('"implementation": "',
                                              '"implementation": "\\ud800'), None, "(json)"),
    ("lone surrogate in an error", _raw('"error": "', '"error": "\\udfff'), None, "(json)"),
]


@pytest.mark.parametrize("name,mutate,tcId,field", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_results(name, mutate, tcId, field, suite, doc, tmp_path):
    p = str(tmp_path / "r.json")
    gt.write_bytes(p, gt.results_bytes(mutate(doc)))
    with pytest.raises(GoldenError) as info:
        nlgolden.verify(suite, p)
    e = info.value
    assert e.tcId == tcId, str(e)
    assert field in (e.field or ""), str(e)
    assert e.file == p


def test_malformed_whatever_the_selection(suite, doc, tmp_path):
    gt.entry_of(doc, 14)["error"] = None                        # a dgd.step entry
    with pytest.raises(GoldenError):
        nlgolden.verify(suite, doc, ops=["linear_attention.recurrent"])


ACCEPTED = [
    ("x- keys anywhere at the top", lambda d: {**d, "x-run": {"a": [1, None, True]},
                                                "x-": 1}),
    ("no implementation", lambda d: {k: v for k, v in d.items() if k != "implementation"}),
    ("errorKind of the case", _r(6, _set("errorKind", "ShapeMismatch"))),
    ("errorKind of another kind", _r(6, _set("errorKind", "ZeroDenominator"))),
    ("errorKind on a refused valid case", _r(1, lambda r: (r.pop("outputs"), r.update(
        error="no", errorKind="OutOfRange")))),
    ("no shape", _r(1, _del("outputs", "Y", "shape"))),
    ("decimal specials", _decimal("NaN")),
    ("decimal -Infinity", _decimal("-Infinity")),
    ("decimal 800 chars", _decimal("0." + "0" * 797 + "1")),
    ("decimal exponent forms", _output(1, "Y", {"decimal": ["1E5", "-0", "0.0", "1e-400",
                                                            "2.5E+3", "-0e0", "1e99999", "7"]})),
    ("empty results", lambda d: {**d, "results": []}),
    ("an empty error message", _r(6, _set("error", ""))),
]


@pytest.mark.parametrize("name,mutate", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted_results(name, mutate, suite, doc, tmp_path):
    p = str(tmp_path / "r.json")
    gt.write_bytes(p, gt.results_bytes(mutate(doc)))
    nlgolden.verify(suite, p)                     # no GoldenError


def test_long_rationals_are_bounded(suite, perfect, tmp_path):
    """Rationals at the 100,000-character limit: validated and graded in bounded time (a
    10^6-digit one is refused by its length before any parsing)."""
    c = suite.by_id[1]
    n = c.expected["Y"].size
    big = ["1" + "0" * 99_999, "-" + "9" * 49_999 + "/1" + "0" * 49_998] * n
    assert {len(b) for b in big} == {100_000}
    gt.entry_of(perfect, 1)["outputs"]["Y"] = {"q": big[:n]}
    start = time.time()
    v = nlgolden.verify(suite, perfect, ops=["linear_attention.recurrent"]).verdict(1)
    assert v.reason == "out-of-tolerance" and v.failingElements == n
    assert "(100000 chars)" in v.line and "allowed 0 (==)" in v.line
    gt.entry_of(perfect, 1)["outputs"]["Y"] = {"q": ["1" * 1_000_000] * n}
    with pytest.raises(GoldenError, match="100000"):
        nlgolden.verify(suite, perfect)
    assert time.time() - start < 10
