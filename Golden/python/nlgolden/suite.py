"""The golden suite: MANIFEST.json and the case files (FORMAT.md), read and checked.

    suite = load_suite(find_golden())       # checks sizes, SHA-256, every case, every limit
    case = suite.by_id[1]
    to_numpy(case.inputs["K"]), exact(case.expected["Y"])
"""

import hashlib
import math
import os
import re
from fractions import Fraction

from . import _numbers as N
from ._errors import GoldenError
from ._strictjson import LIMIT_CASE, LIMIT_MANIFEST, HugeInt, read_file, read_json, parse_bytes

MANIFEST_SCHEMA = "nl-golden/1"
CASE_SCHEMA = "nl-golden-case/1"
RESULTS = ("valid", "invalid", "acceptable")
POLICIES = ("exact", "bitwise", "ulp", "ball")

# FORMAT.md, "The options of this version": options that several ops share.
_NEWTON_SCHULZ_WRAPPER = {"normalize": {"values": ("none", "frobenius"), "default": "none"},
                          "transpose_tall": {"values": ("false", "true"), "default": "false"}}
_READ_ORDER = {"read_order": {"values": ("after_write", "before_write"), "default": "after_write"}}
_QUERY_SCALE = {"scale": "1"}


def _log_gates(log_name):
    return {"gates": {"values": ("linear", "log", "logit"), "default": "linear",
                      "replaces": {"log": {"alpha": log_name}, "logit": {"alpha": "alpha_logit"}}}}


_TITANS_GATES = {"gate_granularity": {"values": ("token", "chunk"), "default": "token"},
                 **_log_gates("log_one_minus_alpha")}
_MLP_ACTIVATION = {"activation": {"values": ("poly", "relu", "silu", "gelu", "gelu_tanh"), "default": "poly"}}

# FORMAT.md, "Ops (version 1)": the element-wise functions (elementwise.<name>, input X, output Y).
ELEMENTWISE = ("exp", "sigmoid", "softplus", "silu", "gelu", "gelu_tanh", "tanh")

# FORMAT.md, "Ops (version 1)": input names, and output names in the table's order (an
# output's position in this tuple is its rank for the first failing element).
OPS = {
    "linear_attention.recurrent": {"version": 1, "inputs": ("M0", "K", "V", "Q"),
                                   "outputs": ("Y", "M_T"), "options": _READ_ORDER,
                                   "optional": _QUERY_SCALE},
    "delta_rule.sequence": {"version": 1, "inputs": ("M0", "K", "V", "Q", "beta"),
                            "outputs": ("Y", "M_T"), "options": _READ_ORDER,
                            "optional": _QUERY_SCALE},
    "dgd.step": {"version": 1, "inputs": ("W", "x", "u", "eta"), "outputs": ("W_next",)},
    "cms_level.run": {"version": 1, "inputs": ("W1", "W2", "X", "R", "period", "eta", "flush"),
                      "outputs": ("Y", "update_tokens", "W1_after", "W2_after")},
    "linear.gd_step": {"version": 1, "inputs": ("W", "x", "t", "eta"),
                       "outputs": ("grad_W", "W_next")},
    "mlp2.gradients": {"version": 1, "inputs": ("W1", "W2", "x", "t"),
                       "outputs": ("y", "delta2", "delta1", "grad_W1", "grad_W2")},
    "momentum.trajectory": {"version": 1, "inputs": ("W0", "X", "R", "eta", "beta"),
                            "outputs": ("W",)},
    "softmax_attention.causal": {"version": 1, "inputs": ("K", "V", "Q"), "outputs": ("Y",),
                                 "optional": {"scale": None}},
    "transformer_block.cms1": {"version": 1, "inputs": ("X", "Wq", "Wk", "Wv", "W1", "W2"),
                               "outputs": ("Y",)},
    "delta_rule.two_calls": {"version": 1, "inputs": ("M0", "K", "V", "Q", "beta", "split"),
                             "outputs": ("Y", "M_split", "M_T"), "optional": _QUERY_SCALE},
    "gated_delta_rule.sequence": {"version": 1,
                                  "inputs": ("M0", "K", "V", "Q", "alpha", "beta"),
                                  "outputs": ("Y", "M_T"),
                                  "options": {**_READ_ORDER, **_log_gates("log_alpha")},
                                  "optional": _QUERY_SCALE},
    "titans_memory.chunked": {"version": 1,
                              "inputs": ("M0", "K", "V", "Q", "alpha", "eta", "theta", "chunk"),
                              "outputs": ("Y", "M_T"), "options": _TITANS_GATES,
                              "optional": _QUERY_SCALE},
    "self_modifying_titans.chunked": {
        "version": 1,
        "inputs": ("X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q", "chunk",
                   "dot_product"),
        "outputs": ("Y", "M_memory_T", "M_k_T", "M_v_T", "M_eta_T", "M_alpha_T")},
    "newton_schulz.step": {"version": 1, "inputs": ("X", "a", "b", "c"), "outputs": ("X_next",),
                           "options": _NEWTON_SCHULZ_WRAPPER, "optional": {"eps": "0"}},
    "adam_memory.trajectory": {"version": 1,
                               "inputs": ("W0", "G", "beta1", "beta2", "eta", "epsilon"),
                               "outputs": ("W", "M_T", "H_T")},
    "m3.trajectory": {"version": 1,
                      "inputs": ("W0", "G", "eta", "beta1", "beta2", "beta3", "alpha", "epsilon",
                                 "period", "ns_steps"),
                      "outputs": ("W", "M1_T", "M2_T", "V_T"),
                      "options": {"slow_update": {"values": ("chunk", "chunk_end"),
                                                  "default": "chunk"}}},
    "dmgd.trajectory": {"version": 1,
                        "inputs": ("W0", "X", "Y", "M1", "M2", "alpha", "eta", "objective"),
                        "outputs": ("W", "M1_T", "M2_T")},
    "titans_mlp.chunked": {"version": 1,
                           "inputs": ("W1", "W2", "K", "V", "Q", "alpha", "eta", "theta",
                                      "chunk"),
                           "outputs": ("Y", "W1_T", "W2_T"), "options": {**_TITANS_GATES, **_MLP_ACTIVATION},
                           "optional": _QUERY_SCALE},
    "cms.sequential": {"version": 1, "inputs": ("X", "R", "W1", "W2", "periods", "eta"),
                       "outputs": ("Y", "updates", "W1_T", "W2_T"), "options": _MLP_ACTIVATION},
    "cms.independent": {"version": 1,
                        "inputs": ("X", "R", "W1", "W2", "periods", "eta", "weights"),
                        "outputs": ("Y", "updates", "W1_T", "W2_T"), "options": _MLP_ACTIVATION},
    "hope.forward": {"version": 1,
                     "inputs": ("X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q",
                                "dot_product", "R", "W1", "W2", "periods", "eta"),
                     "outputs": ("O", "Y", "updates", "W1_T", "W2_T")},
    "momentum_memory.step": {"version": 1,
                             "inputs": ("m", "g", "P", "alpha", "eta", "objective"),
                             "outputs": ("m_next",)},
    "cms.nested": {"version": 1,
                   "inputs": ("W1", "W2", "X", "R", "inner_period", "context", "inner_eta",
                              "outer_eta"),
                   "outputs": ("Y", "inner_update_tokens", "W1_phi", "W2_phi")},
    "newton_schulz.iterate": {"version": 1, "inputs": ("X", "a", "b", "c", "steps"),
                              "outputs": ("X_out",), "options": _NEWTON_SCHULZ_WRAPPER,
                              "optional": {"eps": "0"}},
    **{f"elementwise.{f}": {"version": 1, "inputs": ("X",), "outputs": ("Y",)}
       for f in ELEMENTWISE},
    "norm.rms": {"version": 1, "inputs": ("X", "gamma", "eps"), "outputs": ("Y",)},
    "norm.layer": {"version": 1, "inputs": ("X", "gamma", "beta", "eps"), "outputs": ("Y",)},
    "norm.l2": {"version": 1, "inputs": ("X", "eps"), "outputs": ("Y",)},
}

# FORMAT.md, "Where rad comes from": ops whose radii are taken element by element or row by row,
# not from the largest |q| of the tensor, so no tensor-wide lower bound is checked on them.
OWN_RADII = frozenset([f"elementwise.{f}" for f in ELEMENTWISE] + ["norm.rms", "norm.layer",
                                                                     "norm.l2"])

# FORMAT.md, "Options": the options of an op (name -> {"values", "default", "replaces"?}) and
# its optional scalar inputs (name -> the default as a canonical rational, or None where the
# op's definition says what an absent input means).  Ops without them have neither key.


def op_options(op):
    """The op's options as the manifest writes them ({} for an op without options)."""
    return OPS[op].get("options", {})


def op_optional_inputs(op):
    """The op's optional inputs and their defaults ({} for an op without them)."""
    return OPS[op].get("optional", {})


def required_inputs(op, options):
    """The inputs a case of `op` with `options` carries, besides optional ones: the op's inputs,
    an input that a selected value replaces under its new name."""
    names = list(OPS[op]["inputs"])
    for option, value in sorted(options.items()):
        for old, new in op_options(op).get(option, {}).get("replaces", {}).get(value, {}).items():
            names = [new if n == old else n for n in names]
    return tuple(names)


_SHA256 = re.compile(r"[0-9a-f]{64}")
_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                     r"(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")
# "exactly cases/<stem>/<stem>-<tcId, 4+ digits>.json"; the stem and the number are checked
# against the case's op and tcId once the case is read.
_CASE_PATH = re.compile(r"cases/([a-z0-9_]+)/([a-z0-9_]+)-([0-9]{4,})\.json")

_MANIFEST_KEYS = {"schema", "suiteVersion", "generator", "ops", "flags", "files"}
_GENERATOR_KEYS = {"name", "version", "gmp", "swift"}
_OP_INFO_KEYS = {"opVersion", "conventions", "options", "optionalInputs", "cases"}
_FILE_KEYS = {"path", "sha256", "bytes"}
_CASE_REQUIRED = ("schema", "suiteVersion", "tcId", "op", "opVersion", "comment", "result",
                  "flags", "conventions", "inputs")
_CASE_KEYS = set(_CASE_REQUIRED) | {"options", "expected", "tolerance"}
_TOLERANCE_KEYS = {"policy", "reason", "boundUnits", "maxUlp"}
_TENSOR_KEYS = {"dtype", "shape", "f64", "q", "rad", "enclosure"}
_ENCLOSURE_KEYS = ("precision", "lo", "hi")


def json_int_ok(x, minimum=0):
    """A JSON integer literal in minimum ... 2^53 - 1."""
    return N.is_json_int(x) and minimum <= x <= N.MAX_JSON_INT


def check_shape(shape):
    """None when `shape` is a list of integers in 0 ... 2^53 - 1 whose product is at most
    2^31 - 1, else the reason."""
    if not isinstance(shape, list):
        return f"{N.describe_json(shape)} is not a list of integers"
    size = 1
    for d in shape:
        if not json_int_ok(d):
            return (f"extent {N.describe_json(d)} is not a JSON integer literal in "
                    f"0 ... 2^53 - 1")
        size *= d
    if size > N.MAX_ELEMENTS:
        return f"the product of the extents is {size}, over 2^31 - 1"
    return None


def _unknown(obj, allowed):
    extra = sorted(k for k in obj if k not in allowed)
    return extra[0] if extra else None


# --------------------------------------------------------------------------------------------
# tensors and cases

class Tensor:
    """One tensor of a case: dtype, shape, f64 bit patterns, q rationals, rad radii (strings as
    in the file), with the parsed values computed on first use.  An expected tensor whose values
    are not rational has `enclosure` ({"precision", "lo", "hi"}, FORMAT.md "Values that are not
    rational") in place of `q`."""

    __slots__ = ("dtype", "shape", "f64", "q", "rad", "enclosure", "_values", "_parts",
                 "_rad_parts", "_bound_parts")

    def __init__(self, dtype, shape, f64, q=None, rad=None, enclosure=None):
        self.dtype = dtype
        self.shape = tuple(shape)
        self.f64 = list(f64)
        self.q = list(q) if q is not None else None
        self.rad = list(rad) if rad is not None else None
        self.enclosure = None if enclosure is None else {
            "precision": enclosure["precision"], "lo": list(enclosure["lo"]),
            "hi": list(enclosure["hi"])}
        self._values = self._parts = self._rad_parts = self._bound_parts = None

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def enclosed(self):
        """Whether the values are given as enclosures (no exact `q`)."""
        return self.q is None and self.enclosure is not None

    def values(self):
        """The binary64 values as Python floats (row-major)."""
        if self._values is None:
            self._values = N.floats_from_hex(self.f64)
        return self._values

    def exact_parts(self):
        """The exact values as (numerator, denominator) pairs: from `q`, or from `f64` when
        `q` is absent (only possible when every value is finite).  An enclosed tensor has no
        exact values (ValueError; see bound_parts)."""
        if self._parts is None:
            if self.q is not None:
                self._parts = [N.rational_parts(s) for s in self.q]
            elif self.enclosure is not None:
                raise ValueError("the values are not rational: the tensor gives an enclosure "
                                 "[lo, hi] of each (bound_parts, bounds)")
            else:
                vals = self.values()
                if not all(math.isfinite(v) for v in vals):
                    raise ValueError("the tensor has non-finite values and no exact form")
                self._parts = [v.as_integer_ratio() for v in vals]
        return self._parts

    def bound_parts(self):
        """The enclosure's bounds as ((lo numerator, denominator), (hi numerator, denominator))
        per element; None when the tensor gives `q`."""
        if self._bound_parts is None and self.enclosure is not None:
            self._bound_parts = list(zip((N.rational_parts(s) for s in self.enclosure["lo"]),
                                         (N.rational_parts(s) for s in self.enclosure["hi"])))
        return self._bound_parts

    def bounds(self):
        """The enclosure's bounds as (lo, hi) Fraction pairs (row-major): the exact value of each
        element lies in [lo, hi].  For a tensor with `q`, each pair is (q, q)."""
        if self.enclosure is None:
            return [(x, x) for x in self.exact()]
        return [(Fraction(*lo), Fraction(*hi)) for lo, hi in self.bound_parts()]

    def rad_parts(self):
        if self._rad_parts is None and self.rad is not None:
            self._rad_parts = [v.as_integer_ratio() for v in N.floats_from_hex(self.rad)]
        return self._rad_parts

    def exact(self):
        """The exact values as Fractions (row-major)."""
        return [Fraction(n, d) for n, d in self.exact_parts()]

    def to_dict(self):
        d = {"dtype": self.dtype, "shape": list(self.shape), "f64": list(self.f64)}
        if self.q is not None:
            d["q"] = list(self.q)
        if self.enclosure is not None:
            d["enclosure"] = {"precision": self.enclosure["precision"],
                              "lo": list(self.enclosure["lo"]), "hi": list(self.enclosure["hi"])}
        if self.rad is not None:
            d["rad"] = list(self.rad)
        return d

    def __repr__(self):
        return f"Tensor(shape={list(self.shape)}, dtype={self.dtype!r})"


def _as_tensor(t):
    if isinstance(t, Tensor):
        return t
    if isinstance(t, dict):
        return Tensor(t.get("dtype", "f64"), t.get("shape", []), t.get("f64", []),
                      t.get("q"), t.get("rad"), t.get("enclosure"))
    raise TypeError(f"not a tensor: {type(t).__name__}")


def to_numpy(tensor):
    """A float64 numpy array with the tensor's shape, from its f64 bit patterns (a new array
    the caller may modify)."""
    import numpy as np
    t = _as_tensor(tensor)
    raw = bytes.fromhex("".join(t.f64))
    return np.frombuffer(raw, dtype=">f8").astype(np.float64).reshape(t.shape)


def exact(tensor):
    """The exact values as a list of Fractions (row-major): `q`, or the exact value of `f64`
    for an input tensor without `q`.  An expected tensor that gives an enclosure instead of `q`
    raises ValueError (see bounds)."""
    return _as_tensor(tensor).exact()


def bounds(tensor):
    """Bounds of the exact values as (lo, hi) Fraction pairs (row-major): an expected tensor's
    enclosure, or (q, q) for a tensor with exact values."""
    return _as_tensor(tensor).bounds()


class Case:
    """One case file, checked.  inputs and expected map names to Tensors (expected and
    tolerance are None for invalid cases)."""

    __slots__ = ("tcId", "op", "opVersion", "comment", "result", "flags", "conventions",
                 "options", "inputs", "expected", "tolerance", "path")

    @property
    def outputs(self):
        """The op's output names in rank order."""
        return OPS[self.op]["outputs"]

    @property
    def optional_inputs(self):
        """The names of the op's optional inputs this case carries (sorted)."""
        return tuple(sorted(n for n in self.inputs if n in op_optional_inputs(self.op)))

    @property
    def convention_arguments(self):
        """What the case selects beyond the defaults: its options (name -> value string) and its
        optional inputs and the inputs an option put in place of another (name -> Tensor)."""
        args = dict(self.options)
        required = required_inputs(self.op, self.options)
        for name in self.inputs:
            if name in op_optional_inputs(self.op) or name not in OPS[self.op]["inputs"] \
                    and name in required:
                args[name] = self.inputs[name]
        return args

    def __repr__(self):
        return f"Case(tcId={self.tcId}, op={self.op!r}, result={self.result!r})"


class Suite:
    """A loaded suite: cases in tcId order, by_id, ops (the manifest's), op_order (the ops in
    the order of their first tcId)."""

    def __init__(self, golden_dir, manifest, cases):
        self.golden_dir = golden_dir
        self.manifest = manifest
        self.schema = manifest["schema"]
        self.suiteVersion = manifest["suiteVersion"]
        self.generator = manifest["generator"]
        self.ops = manifest["ops"]
        self.flags = manifest["flags"]
        self.cases = sorted(cases, key=lambda c: c.tcId)
        self.by_id = {c.tcId: c for c in self.cases}
        first = {}
        for c in self.cases:
            first.setdefault(c.op, c.tcId)
        # An op listed with no case has no first tcId: such ops come last, by name.
        self.op_order = sorted(self.ops, key=lambda op: (op not in first, first.get(op, 0), op))

    def cases_of(self, op):
        return [c for c in self.cases if c.op == op]

    def __repr__(self):
        return f"Suite({self.suiteVersion!r}, {len(self.cases)} cases)"


# --------------------------------------------------------------------------------------------
# checks

def _check_manifest(m, mf):
    def err(msg, field):
        raise GoldenError(mf, msg, field=field)

    if not isinstance(m, dict):
        err("the manifest is not a JSON object", "(root)")
    extra = _unknown(m, _MANIFEST_KEYS)
    if extra:
        err("unknown key", extra)
    for key in sorted(_MANIFEST_KEYS):
        if key not in m:
            err("missing", key)
    if m["schema"] != MANIFEST_SCHEMA:
        err(f"schema {N.describe_json(m['schema'])}, this reader knows {MANIFEST_SCHEMA!r}",
            "schema")
    if not isinstance(m["suiteVersion"], str) or not _SEMVER.fullmatch(m["suiteVersion"]):
        err(f"{N.describe_json(m['suiteVersion'])} is not a semantic version", "suiteVersion")
    g = m["generator"]
    if not isinstance(g, dict):
        err("not an object", "generator")
    extra = _unknown(g, _GENERATOR_KEYS)
    if extra:
        err("unknown key", f"generator.{extra}")
    for key in sorted(_GENERATOR_KEYS):
        if not isinstance(g.get(key), str):
            err("missing or not a string", f"generator.{key}")
    if not isinstance(m["ops"], dict) or not m["ops"]:
        err("not a non-empty object", "ops")
    for name, info in m["ops"].items():
        f = f"ops.{name}"
        if name not in OPS:
            err(f"unknown op {name!r} (FORMAT.md defines {', '.join(OPS)})", f)
        if not isinstance(info, dict):
            err("not an object", f)
        extra = _unknown(info, _OP_INFO_KEYS)
        if extra:
            err("unknown key", f"{f}.{extra}")
        if not json_int_ok(info.get("opVersion"), 1):
            err("missing or not a JSON integer literal in 1 ... 2^53 - 1", f + ".opVersion")
        if info["opVersion"] != OPS[name]["version"]:
            err(f"opVersion {info['opVersion']}, FORMAT.md describes version "
                f"{OPS[name]['version']}", f + ".opVersion")
        conv = info.get("conventions")
        if not isinstance(conv, dict) or not all(isinstance(v, str) for v in conv.values()):
            err("missing or not an object of strings", f + ".conventions")
        _check_manifest_options(info, name, f, err)
        if not json_int_ok(info.get("cases")):
            err("missing or not a JSON integer literal in 0 ... 2^53 - 1", f + ".cases")
    if not isinstance(m["flags"], dict):
        err("not an object", "flags")
    for name, info in m["flags"].items():
        if not isinstance(info, dict) or not isinstance(info.get("description"), str):
            err("missing or not a string", f"flags.{name}.description")
        extra = _unknown(info, {"description"})
        if extra:
            err("unknown key", f"flags.{name}.{extra}")
    if not isinstance(m["files"], list):
        err("not a list", "files")
    seen = set()
    for i, entry in enumerate(m["files"]):
        f = f"files[{i}]"
        if not isinstance(entry, dict):
            err("not an object", f)
        extra = _unknown(entry, _FILE_KEYS)
        if extra:
            err("unknown key", f"{f}.{extra}")
        p = entry.get("path")
        if not isinstance(p, str):
            err("missing or not a string", f + ".path")
        mt = _CASE_PATH.fullmatch(p)
        if mt is None or mt.group(1) != mt.group(2):
            err(f"{N.shorten(repr(p), 60, 20)} is not cases/<stem>/<stem>-<tcId, 4+ digits>.json",
                f + ".path")
        if p in seen:
            err(f"{p!r} listed twice", f + ".path")
        seen.add(p)
        if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
            err("missing or not 64 lowercase hex digits", f + ".sha256")
        if not json_int_ok(entry.get("bytes")):
            err("missing or not a JSON integer literal in 0 ... 2^53 - 1", f + ".bytes")
        if entry["bytes"] > LIMIT_CASE:
            err(f"{entry['bytes']} bytes, over the case file limit of {LIMIT_CASE}", f + ".bytes")


def _options_json(op):
    """The op's options as JSON would hold them (lists, dicts)."""
    out = {}
    for name, o in op_options(op).items():
        d = {"values": list(o["values"]), "default": o["default"]}
        if o.get("replaces"):
            d["replaces"] = {v: dict(m) for v, m in o["replaces"].items()}
        out[name] = d
    return out


def _check_manifest_options(info, op, f, err):
    """An op entry's options and optionalInputs: well-typed, and equal to FORMAT.md's."""
    if "options" in info:
        opts = info["options"]
        if not isinstance(opts, dict) or not opts:
            err("not a non-empty object (an op without options omits the key)", f + ".options")
        for name, o in opts.items():
            of = f"{f}.options.{name}"
            if not isinstance(o, dict):
                err("not an object", of)
            extra = _unknown(o, {"values", "default", "replaces"})
            if extra:
                err("unknown key", f"{of}.{extra}")
            vals = o.get("values")
            if not isinstance(vals, list) or not vals or \
                    not all(isinstance(v, str) for v in vals):
                err("missing or not a non-empty list of strings", of + ".values")
            if not isinstance(o.get("default"), str) or o["default"] not in vals:
                err("missing, not a string or not one of the values", of + ".default")
            rep = o.get("replaces", {})
            if not isinstance(rep, dict) or not all(
                    isinstance(m, dict) and all(isinstance(x, str) for x in m.values())
                    for m in rep.values()):
                err("not an object of objects of strings", of + ".replaces")
    if "optionalInputs" in info:
        oi = info["optionalInputs"]
        if not isinstance(oi, dict) or not oi:
            err("not a non-empty object (an op without optional inputs omits the key)",
                f + ".optionalInputs")
        for name, d in oi.items():
            if d is not None and (not isinstance(d, str) or N.check_rational_syntax(d)
                                  or str(Fraction(d)) != d):
                err(f"{N.describe_json(d)} is not a canonical rational or null",
                    f"{f}.optionalInputs.{name}")
    if info.get("options", {}) != _options_json(op):
        err(f"the options are not FORMAT.md's for {op} ({_options_json(op) or 'none'})",
            f + ".options")
    if info.get("optionalInputs", {}) != op_optional_inputs(op):
        err(f"the optional inputs are not FORMAT.md's for {op} "
            f"({op_optional_inputs(op) or 'none'})", f + ".optionalInputs")


def _check_case_options(c, op, file, tcId):
    """A case's options, and the names and shapes of its inputs under them (FORMAT.md,
    "Options").  Returns (options, the input names in order)."""
    def err(msg, field):
        raise GoldenError(file, msg, tcId=tcId, field=field)

    options = c.get("options", {})
    if "options" in c:
        if not isinstance(options, dict):
            err(f"{N.describe_json(options)} is not an object", "options")
        if not options:
            err("an empty object (a case with every default omits 'options')", "options")
    known = op_options(op)
    for name, value in sorted(options.items()):
        if not isinstance(value, str):
            err(f"{N.describe_json(value)} is not a string", f"options.{name}")
        if not known:
            err(f"{op} has no options", f"options.{name}")
        if name not in known:
            err(f"{op} has no option {name!r} (its options: {', '.join(sorted(known))})",
                f"options.{name}")
        if value not in known[name]["values"]:
            err(f"{N.shorten(repr(value), 60, 20)} is not a value of {name} "
                f"({', '.join(known[name]['values'])})", f"options.{name}")
    required = required_inputs(op, options)
    inputs = c["inputs"]
    if not isinstance(inputs, dict):
        err("not an object", "inputs")
    for name in required:
        if name not in inputs:
            err(f"input {name!r} of {op} is missing", "inputs")
    optional = op_optional_inputs(op)
    names = list(required)
    for name in sorted(inputs):
        if name in required:
            continue
        if name not in optional:
            why = ""
            if name in OPS[op]["inputs"]:
                why = " with these options (an option value replaces it)"
            elif any(name in m.values() for o in op_options(op).values()
                     for m in o.get("replaces", {}).values()):
                why = " without the option value that carries it"
            err(f"{op} has no input {name!r}{why}", f"inputs.{name}")
        t = inputs[name]
        if not isinstance(t, dict) or t.get("shape") != []:
            shape = t.get("shape") if isinstance(t, dict) else None
            err(f"an optional input is a scalar (shape []), found shape {N.describe_json(shape)}",
                f"inputs.{name}.shape")
        names.append(name)
    return options, names


def _check_rationals(strings, n, shape, err, sub):
    """A list of n strings of the rational grammar within the length limit (`q`, or a bound list
    of an enclosure); the culprit names its index."""
    if not isinstance(strings, list):
        err("not a list", sub)
    if len(strings) != n:
        err(f"{len(strings)} values for shape {shape} (product {n})", sub)
    if not N.all_rational_syntax(strings):
        for i, s in enumerate(strings):
            why = N.check_rational_syntax(s)
            if why:
                err(why, f"{sub}[{i}]")


def _canonical_parts(strings, err, sub):
    """(numerator, denominator) of strings whose syntax is checked, each required canonical."""
    parts = [N.parts_of_checked(s) for s in strings]
    for i, (s, (a, b)) in enumerate(zip(strings, parts)):
        if not N.lowest_terms(s, a, b):
            err(f"{N.shorten(s, 24, 12)} is not canonical (lowest terms, a denominator > 1 "
                "when written, no -0)", f"{sub}[{i}]")
    return parts


def _rounds_to(parts, v, bits):
    """Whether the rational (n, d) rounds to nearest (ties to even) to the binary64 value `v`,
    whose bit pattern is `bits`; a zero bound rounds to either zero."""
    if parts[0] == 0:
        return v == 0
    return N.hex_from_f64(N.ratio_float(*parts)) == bits


def _check_enclosure(enc, vals, f64, n, shape, err):
    """An expected tensor's `enclosure` (FORMAT.md, "Values that are not rational"): keys exactly
    precision, lo, hi; precision a JSON integer >= 53; lo and hi n canonical rationals each with
    lo <= hi; every f64 finite and the binary64 both bounds round to.  Returns (the enclosure,
    the bounds as ((lo n, d), (hi n, d)) pairs)."""
    if not isinstance(enc, dict):
        err("not an object", ".enclosure")
    extra = _unknown(enc, _ENCLOSURE_KEYS)
    if extra:
        err("unknown key (an enclosure has precision, lo, hi)", f".enclosure.{extra}")
    for key in _ENCLOSURE_KEYS:
        if key not in enc:
            err("missing", f".enclosure.{key}")
    if not json_int_ok(enc["precision"], 53):
        err(f"{N.describe_json(enc['precision'])} is not a JSON integer literal in 53 ... 2^53 - 1",
            ".enclosure.precision")
    for key in ("lo", "hi"):
        _check_rationals(enc[key], n, shape, err, f".enclosure.{key}")
    lo = _canonical_parts(enc["lo"], err, ".enclosure.lo")
    hi = _canonical_parts(enc["hi"], err, ".enclosure.hi")
    for i, ((ln, ld), (hn, hd)) in enumerate(zip(lo, hi)):
        if ln * hd > hn * ld:
            err(f"lo {N.shorten(enc['lo'][i], 24, 12)} is above hi "
                f"{N.shorten(enc['hi'][i], 24, 12)}", f".enclosure.lo[{i}]")
    for i, (v, a, b) in enumerate(zip(vals, lo, hi)):
        if not math.isfinite(v):
            err(f"expected value {N.fmt17(v)} is not finite", f".f64[{i}]")
        if not (_rounds_to(a, v, f64[i]) and _rounds_to(b, v, f64[i])):
            err(f"f64 {f64[i]} is not the binary64 both bounds of the enclosure round to",
                f".f64[{i}]")
    return {"precision": enc["precision"], "lo": enc["lo"], "hi": enc["hi"]}, list(zip(lo, hi))


def _check_tensor(obj, file, tcId, field, role, valid_case, bound_units=None):
    """Validate one tensor object; return a Tensor.  role: 'input' or 'expected'."""
    def err(msg, sub=""):
        raise GoldenError(file, msg, tcId=tcId, field=field + sub)

    if not isinstance(obj, dict):
        err("not an object")
    extra = _unknown(obj, _TENSOR_KEYS)
    if extra:
        err("unknown key", "." + extra)
    for key in ("dtype", "shape", "f64"):
        if key not in obj:
            err("missing", "." + key)
    if obj["dtype"] != "f64":
        err(f"dtype {N.describe_json(obj['dtype'])}; FORMAT.md defines only 'f64'", ".dtype")
    shape = obj["shape"]
    why = check_shape(shape)
    if why:
        err(why, ".shape")
    n = math.prod(shape)
    f64 = obj["f64"]
    if not isinstance(f64, list):
        err("not a list", ".f64")
    if len(f64) != n:
        err(f"{len(f64)} values for shape {shape} (product {n})", ".f64")
    if not N.all_hex16(f64):
        for i, s in enumerate(f64):
            if not isinstance(s, str) or not N.HEX16.fullmatch(s):
                err(f"{N.describe_json(s)} is not 16 lowercase hex digits", f".f64[{i}]")
    t = Tensor("f64", shape, f64)
    vals = t.values()

    qs = obj.get("q")
    if qs is not None or "q" in obj:
        _check_rationals(qs, n, shape, err, ".q")
    if role == "input":
        if "enclosure" in obj:
            err("an input is given exactly (q), never as an enclosure", ".enclosure")
        finite = all(math.isfinite(v) for v in vals)
        if valid_case and not finite:
            bad = next(i for i, v in enumerate(vals) if not math.isfinite(v))
            err(f"non-finite input {N.fmt17(vals[bad])} in a valid case", f".f64[{bad}]")
        if qs is None and finite:
            err("missing (q may be omitted only when a value is NaN or infinite)", ".q")
        if qs is not None:
            if not finite:
                err("present although a value is NaN or infinite", ".q")
            for i, (v, s) in enumerate(zip(vals, qs)):
                if N.exact_string(v) != s:      # canonical and exact in one comparison
                    err(f"{N.shorten(s, 24, 12)} is not the exact value of f64 {f64[i]}",
                        f".q[{i}]")
        t.q = qs
    elif "enclosure" in obj:  # expected, not rational
        if qs is not None or "q" in obj:
            err("a tensor gives q or enclosure, not both", ".enclosure")
        t.enclosure, t._bound_parts = _check_enclosure(obj["enclosure"], vals, f64, n, shape,
                                                       err)
    else:  # expected
        if qs is None:
            err("missing (expected values need the exact result, or its enclosure)", ".q")
        parts = _canonical_parts(qs, err, ".q")
        for i, (v, (qn, qd)) in enumerate(zip(vals, parts)):
            if not math.isfinite(v):
                err(f"expected value {N.fmt17(v)} is not finite", f".f64[{i}]")
            if N.hex_from_f64(N.ratio_float(qn, qd)) != f64[i]:
                err(f"f64 {f64[i]} is not q rounded to nearest, ties to even", f".f64[{i}]")
        t.q = qs
        t._parts = parts
    if "rad" in obj:
        rad = obj["rad"]
        if not isinstance(rad, list):
            err("not a list", ".rad")
        if len(rad) != n:
            err(f"{len(rad)} radii for shape {shape} (product {n})", ".rad")
        if not N.all_hex16(rad):
            for i, s in enumerate(rad):
                if not isinstance(s, str) or not N.HEX16.fullmatch(s):
                    err(f"{N.describe_json(s)} is not 16 lowercase hex digits", f".rad[{i}]")
        for i, s in enumerate(rad):
            # the sign bit (a negative radius or -0) or an exponent of all ones (inf, NaN)
            if s[0] in "89abcdef" or s[:3] == "7ff":
                err(f"radius {s} is not finite and non-negative (-0 included)", f".rad[{i}]")
        t.rad = rad
        if bound_units is not None and t.q is not None and n:
            # rad >= boundUnits * 2^-53 * max|q|, exactly
            mn, md = 0, 1
            for a, b in t.exact_parts():
                if abs(a) * md > mn * b:
                    mn, md = abs(a), b
            for i, (rn, rd) in enumerate(t.rad_parts()):
                if rn * md * 2 ** 53 < bound_units * mn * rd:
                    err(f"radius {rad[i]} is below boundUnits * 2^-53 * max|q|", f".rad[{i}]")
    return t


def _check_case(c, file, manifest):
    def err(msg, field, tcId=None):
        raise GoldenError(file, msg, tcId=tcId, field=field)

    if not isinstance(c, dict):
        err("a case is not a JSON object", "(root)")
    tcId = c.get("tcId")
    if not json_int_ok(tcId, 1):
        err(f"{N.describe_json(tcId)} is not a JSON integer literal in 1 ... 2^53 - 1", "tcId")
    extra = _unknown(c, _CASE_KEYS)
    if extra:
        err("unknown key", extra, tcId)
    for key in _CASE_REQUIRED:
        if key not in c:
            err("missing", key, tcId)
    if c["schema"] != CASE_SCHEMA:
        err(f"schema {N.describe_json(c['schema'])}, this reader knows {CASE_SCHEMA!r}",
            "schema", tcId)
    if c["suiteVersion"] != manifest["suiteVersion"]:
        err(f"suiteVersion {N.describe_json(c['suiteVersion'])}, the manifest says "
            f"{manifest['suiteVersion']!r}", "suiteVersion", tcId)
    op = c["op"]
    if not isinstance(op, str) or op not in OPS:
        err(f"unknown op {N.describe_json(op)}", "op", tcId)
    if op not in manifest["ops"]:
        err(f"op {op!r} is not in the manifest's ops", "op", tcId)
    if not json_int_ok(c["opVersion"], 1) or c["opVersion"] != manifest["ops"][op]["opVersion"]:
        err(f"opVersion {N.describe_json(c['opVersion'])}, the manifest says "
            f"{manifest['ops'][op]['opVersion']}", "opVersion", tcId)
    if not isinstance(c["comment"], str):
        err("not a string", "comment", tcId)
    result = c["result"]
    if result not in RESULTS:
        err(f"{N.describe_json(result)} is not one of {', '.join(RESULTS)}", "result", tcId)
    flags = c["flags"]
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        err("not a list of strings", "flags", tcId)
    for i, f in enumerate(flags):
        if f not in manifest["flags"]:
            err(f"flag {f!r} is not in the manifest's flags", f"flags[{i}]", tcId)
        if flags.index(f) != i:
            err(f"flag {f!r} listed twice", f"flags[{i}]", tcId)
    conv = c["conventions"]
    if not isinstance(conv, dict) or not all(isinstance(v, str) for v in conv.values()):
        err("not an object of strings", "conventions", tcId)

    spec = OPS[op]
    options, input_names = _check_case_options(c, op, file, tcId)
    inputs = c["inputs"]
    case = Case()
    case.tcId, case.op, case.opVersion, case.comment = tcId, op, c["opVersion"], c["comment"]
    case.result, case.flags, case.conventions, case.path = result, flags, conv, file
    case.options = dict(options)
    case.inputs = {name: _check_tensor(inputs[name], file, tcId, f"inputs.{name}", "input",
                                       result == "valid")
                   for name in input_names}
    case.expected = None
    case.tolerance = None
    if result == "invalid":
        for key in ("expected", "tolerance"):
            if key in c:
                err("present in an invalid case (valid cases only)", key, tcId)
        return case
    if result == "acceptable" and "expected" not in c and "tolerance" not in c:
        return case
    for key in ("expected", "tolerance"):
        if key not in c:
            err(f"missing in a {result} case", key, tcId)
    tol = c["tolerance"]
    if not isinstance(tol, dict):
        err("not an object", "tolerance", tcId)
    extra = _unknown(tol, _TOLERANCE_KEYS)
    if extra:
        err("unknown key", f"tolerance.{extra}", tcId)
    policy = tol.get("policy")
    if policy == "allclose":
        err("policy 'allclose' is not supported (FORMAT.md: not used; readers reject it)",
            "tolerance.policy", tcId)
    if policy not in POLICIES:
        err(f"unknown policy {N.describe_json(policy)}", "tolerance.policy", tcId)
    if not isinstance(tol.get("reason"), str):
        err("missing or not a string", "tolerance.reason", tcId)
    bu = tol.get("boundUnits")
    if "boundUnits" in tol and not json_int_ok(bu):
        err(f"{N.describe_json(bu)} is not a JSON integer literal in 0 ... 2^53 - 1",
            "tolerance.boundUnits", tcId)
    if "maxUlp" in tol or policy == "ulp":
        mu = tol.get("maxUlp")
        if not (type(mu) in (int, float) and math.isfinite(mu) and mu >= 0):
            err("missing or not a finite non-negative number", "tolerance.maxUlp", tcId)
    expected = c["expected"]
    if not isinstance(expected, dict):
        err("not an object", "expected", tcId)
    for name in spec["outputs"]:
        if name not in expected:
            err(f"output {name!r} of {op} is missing", "expected", tcId)
    extra = _unknown(expected, spec["outputs"])
    if extra:
        err(f"{op} has no output {extra!r}", f"expected.{extra}", tcId)
    case.expected = {}
    for name in spec["outputs"]:
        t = expected[name]
        if policy == "ball" and (not isinstance(t, dict) or "rad" not in t):
            err("missing (policy 'ball' needs a radius per element)", f"expected.{name}.rad",
                tcId)
        case.expected[name] = _check_tensor(t, file, tcId, f"expected.{name}", "expected", True,
                                            bu if policy == "ball" and op not in OWN_RADII
                                            else None)
    case.tolerance = tol
    return case


def load_suite(golden_dir=None):
    """Read MANIFEST.json, check every listed file's size and SHA-256, parse and validate every
    case.  Without an argument the suite is found as find_golden() does.  Returns a Suite;
    raises GoldenError on any problem."""
    if golden_dir is None:
        from .discovery import find_golden
        golden_dir = find_golden()
    golden_dir = os.fspath(golden_dir)
    mf = os.path.join(golden_dir, "MANIFEST.json")
    manifest = read_json(mf, LIMIT_MANIFEST)
    _check_manifest(manifest, mf)
    cases, by_id, per_op = [], {}, {op: 0 for op in manifest["ops"]}
    for i, entry in enumerate(manifest["files"]):
        rel = entry["path"]
        path = os.path.join(golden_dir, *rel.split("/"))
        try:
            data = read_file(path, LIMIT_CASE)
        except GoldenError as e:            # name the manifest entry that points there
            raise GoldenError(path, e.message, field=f"files[{i}].path") from None
        if len(data) != entry["bytes"]:
            raise GoldenError(path, f"size {len(data)} bytes, the manifest says "
                              f"{entry['bytes']}", field=f"files[{i}].bytes")
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise GoldenError(path, f"SHA-256 {digest}, the manifest says {entry['sha256']}",
                              field=f"files[{i}].sha256")
        case = _check_case(parse_bytes(data, path), path, manifest)
        if case.tcId in by_id:
            raise GoldenError(path, f"duplicate tcId {case.tcId} (also in "
                              f"{by_id[case.tcId].path})", tcId=case.tcId, field="tcId")
        stem = case.op.replace(".", "_")
        want = f"cases/{stem}/{stem}-{case.tcId:04d}.json"
        if rel != want:
            raise GoldenError(mf, f"{rel!r} holds op {case.op!r}, tcId {case.tcId}, whose path "
                              f"is {want!r}", tcId=case.tcId, field=f"files[{i}].path")
        by_id[case.tcId] = case
        per_op[case.op] += 1
        cases.append(case)
    for op, n in per_op.items():
        if manifest["ops"][op]["cases"] != n:
            raise GoldenError(mf, f"says {manifest['ops'][op]['cases']} cases, the files hold {n}",
                              field=f"ops.{op}.cases")
    return Suite(golden_dir, manifest, cases)


__all__ = ["OPS", "Tensor", "Case", "Suite", "load_suite", "to_numpy", "exact", "bounds", "HugeInt",
           "op_options", "op_optional_inputs", "required_inputs"]
