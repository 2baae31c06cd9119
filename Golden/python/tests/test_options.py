"""Options and optional inputs (FORMAT.md, "Options"): read strictly, and handed to a callable
by the pytest plugin only when a case sets them; a callable that cannot take one is skipped.

The tests give gated_delta_rule.sequence two options (one replacing an input) and an optional
input, in the reader's table and in a copy of the suite's manifest, so every rule is exercised
whichever options the suite's ops declare."""

from fractions import Fraction

import pytest

import goldentools as gt
import nlgolden
from nlgolden import GoldenError
from nlgolden import pytest_plugin as plug
from nlgolden import suite as S

OP = "gated_delta_rule.sequence"
OPTIONS = {"read_order": {"values": ("after_write", "before_write"), "default": "after_write"},
           "gates": {"values": ("linear", "log"), "default": "linear",
                     "replaces": {"log": {"alpha": "log_alpha"}}}}
OPTIONAL = {"scale": "1"}


def _as_json(options):
    out = {}
    for name, o in options.items():
        d = {"values": list(o["values"]), "default": o["default"]}
        if "replaces" in o:
            d["replaces"] = o["replaces"]
        out[name] = d
    return out


@pytest.fixture
def declared(monkeypatch, tmp_path, suite):
    """A suite of one valid case of OP, whose op declares OPTIONS and OPTIONAL (in the reader's
    table and in the manifest); returns (golden dir, tcId)."""
    spec = dict(S.OPS[OP], options=OPTIONS, optional=OPTIONAL)
    monkeypatch.setitem(S.OPS, OP, spec)
    tc = next(c.tcId for c in suite.cases if c.op == OP and c.result == "valid" and not c.options)
    golden = gt.copy_suite(str(tmp_path / "Golden"), {tc})

    def add(m):
        m["ops"][OP]["options"] = _as_json(OPTIONS)
        m["ops"][OP]["optionalInputs"] = dict(OPTIONAL)
    gt.edit_manifest(golden, add)
    return golden, tc


def scalar(x):
    return {"dtype": "f64", "shape": [], "f64": [gt.f64_hex(x)], "q": [str(Fraction(x))]}


def _set(c, options=None, **inputs):
    if options is not None:
        c["options"] = options
    for name, t in inputs.items():
        if t is None:
            c["inputs"].pop(name, None)
        else:
            c["inputs"][name] = t


def test_declared_options_are_accepted(declared):
    golden, tc = declared

    def edit(c):
        _set(c, {"read_order": "before_write", "gates": "log"}, scale=scalar(0.5),
             log_alpha=c["inputs"]["alpha"], alpha=None)
    gt.edit_case(golden, tc, edit)
    case = nlgolden.load_suite(golden).by_id[tc]
    assert case.options == {"read_order": "before_write", "gates": "log"}
    assert set(case.inputs) == {"M0", "K", "V", "Q", "log_alpha", "beta", "scale"}
    assert case.optional_inputs == ("scale",)
    assert set(case.convention_arguments) == {"read_order", "gates", "scale", "log_alpha"}
    assert S.required_inputs(OP, case.options) == ("M0", "K", "V", "Q", "log_alpha", "beta")


BREACHES = [
    ("unknown option", lambda c: _set(c, {"reed_order": "before_write"}), "options.reed_order"),
    ("value not among the option's", lambda c: _set(c, {"read_order": "beforeWrite"}),
     "options.read_order"),
    ("an empty object", lambda c: _set(c, {}), "options"),
    ("options not an object", lambda c: _set(c, ["log"]), "options"),
    ("a value not a string", lambda c: _set(c, {"gates": 1}), "options.gates"),
    ("an optional input not a scalar", lambda c: _set(c, scale={
        "dtype": "f64", "shape": [2], "f64": [gt.f64_hex(0.5)] * 2, "q": ["1/2"] * 2}),
     "inputs.scale.shape"),
    ("the replaced input under the replacing value",
     lambda c: _set(c, {"gates": "log"}, log_alpha=c["inputs"]["alpha"]), "inputs.alpha"),
    ("the replacing input without the value", lambda c: _set(c, log_alpha=c["inputs"]["alpha"]),
     "inputs.log_alpha"),
    ("the replacing value without its input", lambda c: _set(c, {"gates": "log"}, alpha=None),
     "inputs"),
    ("an input neither required nor optional", lambda c: _set(c, scales=scalar(0.5)),
     "inputs.scales"),
]


@pytest.mark.parametrize("name,edit,field", BREACHES, ids=[b[0] for b in BREACHES])
def test_breaches_are_refused(declared, name, edit, field):
    golden, tc = declared
    gt.edit_case(golden, tc, edit)
    with pytest.raises(GoldenError) as info:
        nlgolden.load_suite(golden)
    assert info.value.field == field, str(info.value)
    assert info.value.tcId == tc and info.value.file.endswith(".json")


def test_option_on_an_op_without_options(tmp_path, suite):
    tc = next(c.tcId for c in suite.cases if c.op == "dgd.step" and c.result == "valid")
    golden = gt.copy_suite(str(tmp_path / "Golden"), {tc})
    gt.edit_case(golden, tc, lambda c: _set(c, {"read_order": "before_write"}))
    with pytest.raises(GoldenError, match="has no options") as info:
        nlgolden.load_suite(golden)
    assert info.value.field == "options.read_order"


MANIFESTS = [
    ("options the table does not declare", "dgd.step", "options",
     {"gates": {"values": ["linear", "log"], "default": "linear"}}, "ops.dgd.step.options"),
    ("optional inputs the table does not declare", "dgd.step", "optionalInputs", {"scale": "1"},
     "ops.dgd.step.optionalInputs"),
    ("a default outside the values", OP, "options",
     {"gates": {"values": ["linear"], "default": "log"}}, f"ops.{OP}.options.gates.default"),
    ("a non-canonical default", OP, "optionalInputs", {"scale": "2/4"},
     f"ops.{OP}.optionalInputs.scale"),
    ("values not a list", OP, "options", {"gates": {"values": "linear", "default": "linear"}},
     f"ops.{OP}.options.gates.values"),
    ("an empty options object", OP, "options", {}, f"ops.{OP}.options"),
]


@pytest.mark.parametrize("name,op,key,value,field", MANIFESTS, ids=[m[0] for m in MANIFESTS])
def test_manifest_options_must_be_the_tables(declared, name, op, key, value, field):
    golden, _ = declared

    def edit(m):
        m["ops"][op][key] = value
    gt.edit_manifest(golden, edit)
    with pytest.raises(GoldenError) as info:
        nlgolden.load_suite(golden)
    assert info.value.field == field, str(info.value)


# --- the pytest plugin -------------------------------------------------------------------------

def _case(golden, tc, edit):
    gt.edit_case(golden, tc, edit)
    s = nlgolden.load_suite(golden)
    return plug.GoldenCase(s, s.by_id[tc])


def _answer(case):
    """A callable's answer: the expected values (so the case passes)."""
    return case.expected_numpy


def test_a_case_with_defaults_passes_no_convention_keyword(declared):
    golden, tc = declared
    case = _case(golden, tc, lambda c: None)
    seen = {}

    def fn(M0, K, V, Q, alpha, beta):
        seen.update(M0=M0)
        return _answer(case)
    assert plug.assert_conforms(case, fn).status == "passed"
    assert seen and case.arguments.keys() == {"M0", "K", "V", "Q", "alpha", "beta"}


def test_conventions_are_keywords_when_set(declared):
    golden, tc = declared
    case = _case(golden, tc, lambda c: _set(c, {"read_order": "before_write"},
                                             scale=scalar(0.25)))
    seen = {}

    def fn(M0, K, V, Q, alpha, beta, read_order="after_write", scale=None):
        seen.update(read_order=read_order, scale=scale)
        return _answer(case)
    plug.assert_conforms(case, fn)
    assert seen["read_order"] == "before_write"
    assert seen["scale"].shape == () and float(seen["scale"]) == 0.25

    def anything(**kw):
        seen.update(kw)
        return _answer(case)
    plug.assert_conforms(case, anything)
    assert seen["read_order"] == "before_write"


@pytest.mark.parametrize("options,inputs,fn,reason", [
    ({"read_order": "before_write"}, {}, "plain",
     "convention read_order=before_write not supported"),
    (None, {"scale": 0.5}, "plain", "convention scale=1/2 not supported"),
    ({"read_order": "before_write"}, {"scale": 0.5}, "order_only",
     "convention scale=1/2 not supported"),
    ({"gates": "log"}, {"log_alpha": "alpha", "alpha": None}, "gates_only",
     "convention gates=log not supported"),
])
def test_an_unsupported_convention_skips(declared, options, inputs, fn, reason):
    golden, tc = declared

    def edit(c):
        extra = {}
        for name, v in inputs.items():
            extra[name] = (c["inputs"][v] if isinstance(v, str) else
                           None if v is None else scalar(v))
        _set(c, options, **extra)
    case = _case(golden, tc, edit)
    called = []

    def plain(M0, K, V, Q, alpha, beta):
        called.append(1)

    def order_only(M0, K, V, Q, alpha, beta, read_order="after_write"):
        called.append(1)

    def gates_only(M0, K, V, Q, beta, gates="linear", alpha=None):
        called.append(1)
    fns = {"plain": plain, "order_only": order_only, "gates_only": gates_only}
    with pytest.raises(pytest.skip.Exception) as info:
        plug.assert_conforms(case, fns[fn])
    assert str(info.value) == reason
    assert not called
    label = reason[len("convention "):-len(" not supported")]
    assert plug.unsupported_convention(fns[fn], case) == label


def test_a_callable_whose_signature_cannot_be_read_is_called(declared):
    golden, tc = declared
    case = _case(golden, tc, lambda c: _set(c, {"read_order": "before_write"}))

    class Impl:
        __signature__ = property(lambda self: (_ for _ in ()).throw(ValueError("no signature")))

        def __call__(self, **kw):
            return _answer(case)
    assert plug.unsupported_convention(Impl(), case) is None
    assert plug.assert_conforms(case, Impl()).status == "passed"
