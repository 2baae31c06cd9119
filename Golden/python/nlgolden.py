#!/usr/bin/env python3
"""Reader and verifier for the `nl-golden/1` conformance-test format.

Written from Golden/FORMAT.md alone (no other source consulted).  Standard library plus numpy.

    suite = load_suite("Golden")                     # checks sizes, SHA-256, every case
    report = verify(suite, load_results("r.json"))   # grades a results document
    python3 nlgolden.py verify r.json [--golden DIR] [--precision f64|f32|bf16] [--op TEXT] [--json]
    python3 nlgolden.py check [--golden DIR]         # only load and validate the suite

Every problem with a golden or results file raises GoldenError, whose message names the file,
the case (tcId) and the field.
"""

import argparse
import hashlib
import json
import math
import os
import re
import struct
import sys
from fractions import Fraction

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)  # exact values in LongRationals cases run to tens of thousands of digits

__all__ = [
    "GoldenError", "Tensor", "Case", "Suite", "Report", "load_suite", "load_results", "verify",
    "to_numpy", "exact", "f64_from_hex", "hex_from_f64", "parse_rational", "OPS",
]

MANIFEST_SCHEMA = "nl-golden/1"
CASE_SCHEMA = "nl-golden-case/1"
U64 = Fraction(1, 2 ** 53)                       # binary64 unit roundoff
PRECISION_FACTOR = {                             # u_p / 2^-53
    "f64": Fraction(1),
    "f32": Fraction(2 ** 53, 2 ** 24),
    "bf16": Fraction(2 ** 53, 2 ** 8),
}
RESULTS = ("valid", "invalid", "acceptable")
POLICIES = ("exact", "bitwise", "ulp", "ball", "allclose")

# The op table of FORMAT.md, "Ops (version 1)": input and output names.
OPS = {
    "linear_attention.recurrent": {"version": 1, "inputs": ("M0", "K", "V", "Q"),
                                   "outputs": ("Y", "M_T")},
    "delta_rule.sequence": {"version": 1, "inputs": ("M0", "K", "V", "Q", "beta"),
                            "outputs": ("Y", "M_T")},
    "dgd.step": {"version": 1, "inputs": ("W", "x", "u", "eta"), "outputs": ("W_next",)},
    "cms_level.run": {"version": 1, "inputs": ("W1", "W2", "X", "R", "period", "eta", "flush"),
                      "outputs": ("Y", "update_tokens", "W1_after", "W2_after")},
    "linear.gd_step": {"version": 1, "inputs": ("W", "x", "t", "eta"), "outputs": ("grad_W", "W_next")},
    "mlp2.gradients": {"version": 1, "inputs": ("W1", "W2", "x", "t"),
                       "outputs": ("y", "delta2", "delta1", "grad_W1", "grad_W2")},
    "momentum.trajectory": {"version": 1, "inputs": ("W0", "X", "R", "eta", "beta"), "outputs": ("W",)},
    "softmax_attention.causal": {"version": 1, "inputs": ("K", "V", "Q"), "outputs": ("Y",)},
    "transformer_block.cms1": {"version": 1, "inputs": ("X", "Wq", "Wk", "Wv", "W1", "W2"), "outputs": ("Y",)},
    "delta_rule.two_calls": {"version": 1, "inputs": ("M0", "K", "V", "Q", "beta", "split"),
                             "outputs": ("Y", "M_split", "M_T")},
    "gated_delta_rule.sequence": {"version": 1, "inputs": ("M0", "K", "V", "Q", "alpha", "beta"),
                                  "outputs": ("Y", "M_T")},
    "titans_memory.chunked": {"version": 1, "inputs": ("M0", "K", "V", "Q", "alpha", "eta", "theta", "chunk"),
                              "outputs": ("Y", "M_T")},
    "self_modifying_titans.chunked": {"version": 1,
                                      "inputs": ("X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q", "chunk", "dot_product"),
                                      "outputs": ("Y", "M_memory_T", "M_k_T", "M_v_T", "M_eta_T", "M_alpha_T")},
    "newton_schulz.step": {"version": 1, "inputs": ("X", "a", "b", "c"), "outputs": ("X_next",)},
    "adam_memory.trajectory": {"version": 1, "inputs": ("W0", "G", "beta1", "beta2", "eta", "epsilon"),
                               "outputs": ("W", "M_T", "H_T")},
    "m3.trajectory": {"version": 1,
                      "inputs": ("W0", "G", "eta", "beta1", "beta2", "beta3", "alpha", "epsilon", "period", "ns_steps"),
                      "outputs": ("W", "M1_T", "M2_T", "V_T")},
    "dmgd.trajectory": {"version": 1, "inputs": ("W0", "X", "Y", "M1", "M2", "alpha", "eta", "objective"),
                        "outputs": ("W", "M1_T", "M2_T")},
    "titans_mlp.chunked": {"version": 1, "inputs": ("W1", "W2", "K", "V", "Q", "alpha", "eta", "theta", "chunk"),
                           "outputs": ("Y", "W1_T", "W2_T")},
    "cms.sequential": {"version": 1, "inputs": ("X", "R", "W1", "W2", "periods", "eta"),
                       "outputs": ("Y", "updates", "W1_T", "W2_T")},
    "cms.independent": {"version": 1, "inputs": ("X", "R", "W1", "W2", "periods", "eta", "weights"),
                        "outputs": ("Y", "updates", "W1_T", "W2_T")},
    "hope.forward": {"version": 1,
                     "inputs": ("X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q", "dot_product",
                                "R", "W1", "W2", "periods", "eta"),
                     "outputs": ("O", "Y", "updates", "W1_T", "W2_T")},
    "momentum_memory.step": {"version": 1, "inputs": ("m", "g", "P", "alpha", "eta", "objective"), "outputs": ("m_next",)},
    "cms.nested": {"version": 1,
                   "inputs": ("W1", "W2", "X", "R", "inner_period", "context", "inner_eta", "outer_eta"),
                   "outputs": ("Y", "inner_update_tokens", "W1_phi", "W2_phi")},
}

_HEX16 = re.compile(r"[0-9a-f]{16}\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
_RATIONAL = re.compile(r"-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?\Z")
_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                     r"(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\Z")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_DECIMAL_SPECIAL = re.compile(r"[+-]?(nan|inf|infinity)\Z", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# errors and low-level parsing

class GoldenError(Exception):
    """A malformed golden or results file.  str() names the file, the case and the field."""

    def __init__(self, file, message, tcId=None, field=None):
        self.file = str(file)
        self.tcId = tcId
        self.field = field
        self.message = message
        super().__init__(f"{self.file}: tcId {tcId if tcId is not None else '-'}: "
                         f"field {field if field else '-'}: {message}")


def _is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _no_duplicate_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f"duplicate key {k!r} in a JSON object")
        obj[k] = v
    return obj


def _no_constants(name):
    raise ValueError(f"JSON constant {name} is not allowed")


def _parse_json_bytes(data, file):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise GoldenError(file, f"not UTF-8: {e}", field="(file)") from None
    if text.startswith("\ufeff"):
        raise GoldenError(file, "starts with a byte-order mark", field="(file)")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except (ValueError, RecursionError) as e:
        raise GoldenError(file, f"bad JSON: {e}", field="(json)") from None


def _read_json(path, file_label=None):
    label = file_label or path
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise GoldenError(label, f"cannot read: {e}", field="(file)") from None
    return _parse_json_bytes(data, label)


def f64_from_hex(s):
    """16 lowercase hex digits (IEEE 754 binary64, most significant first) -> float."""
    return struct.unpack(">d", bytes.fromhex(s))[0]


def hex_from_f64(x):
    return struct.pack(">d", float(x)).hex()


def parse_rational(s):
    """A canonical rational string -> Fraction, or ValueError saying why not."""
    if not isinstance(s, str):
        raise ValueError(f"{s!r} is not a string")
    if not _RATIONAL.match(s):
        raise ValueError(f"{s!r} is not a canonical rational")
    q = Fraction(s)
    if str(q) != s:
        raise ValueError(f"{s!r} is not canonical (reads as {q})")
    return q


def _rn(q):
    """q rounded to nearest binary64, ties to even (int/int true division is correctly
    rounded in CPython); overflow gives an infinity."""
    try:
        return q.numerator / q.denominator
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def _ulp(x):
    """ulp of a double: the gap from |x| to the next double away from zero (math.ulp)."""
    return Fraction(math.ulp(abs(x)))


def _fmt_float(x):
    return repr(float(x))


# --------------------------------------------------------------------------------------------
# tensors

class Tensor:
    """One tensor of a case: dtype, shape, f64 bit patterns, q rationals, rad radii."""

    __slots__ = ("dtype", "shape", "f64", "q", "rad", "_values", "_exact", "_rad")

    def __init__(self, dtype, shape, f64, q=None, rad=None):
        self.dtype = dtype
        self.shape = tuple(shape)
        self.f64 = list(f64)
        self.q = list(q) if q is not None else None
        self.rad = list(rad) if rad is not None else None
        self._values = self._exact = self._rad = None

    @property
    def size(self):
        return math.prod(self.shape)

    def values(self):
        """The binary64 values as Python floats (row-major)."""
        if self._values is None:
            self._values = [f64_from_hex(s) for s in self.f64]
        return self._values

    def exact(self):
        if self._exact is None:
            if self.q is not None:
                self._exact = [Fraction(s) for s in self.q]
            else:
                vals = self.values()
                if not all(math.isfinite(v) for v in vals):
                    raise ValueError("tensor has non-finite values and no exact form")
                self._exact = [Fraction(v) for v in vals]
        return self._exact

    def radii(self):
        if self._rad is None and self.rad is not None:
            self._rad = [Fraction(f64_from_hex(s)) for s in self.rad]
        return self._rad

    def to_dict(self):
        d = {"dtype": self.dtype, "shape": list(self.shape), "f64": self.f64}
        if self.q is not None:
            d["q"] = self.q
        if self.rad is not None:
            d["rad"] = self.rad
        return d

    def __repr__(self):
        return f"Tensor(shape={list(self.shape)}, dtype={self.dtype!r})"


def _as_tensor(t):
    if isinstance(t, Tensor):
        return t
    if isinstance(t, dict):
        return Tensor(t.get("dtype", "f64"), t.get("shape", []), t.get("f64", []),
                      t.get("q"), t.get("rad"))
    raise TypeError(f"not a tensor: {type(t).__name__}")


def to_numpy(tensor):
    """float64 numpy array with the tensor's shape (from the f64 bit patterns)."""
    import numpy as np
    t = _as_tensor(tensor)
    raw = bytes.fromhex("".join(t.f64))
    return np.frombuffer(raw, dtype=">f8").astype(np.float64).reshape(t.shape)


def exact(tensor):
    """The exact values as a list of Fractions (row-major): `q`, or the exact value of `f64`
    for an input tensor without `q` (only possible when every value is finite)."""
    return list(_as_tensor(tensor).exact())


def _multi_index(flat, shape):
    idx = []
    for dim in reversed(shape):
        idx.append(flat % dim if dim else 0)
        flat //= dim if dim else 1
    return list(reversed(idx))


# --------------------------------------------------------------------------------------------
# suite

class Case:
    __slots__ = ("tcId", "op", "opVersion", "comment", "result", "flags", "conventions",
                 "inputs", "expected", "tolerance", "path")

    def __repr__(self):
        return f"Case(tcId={self.tcId}, op={self.op!r}, result={self.result!r})"


class Suite:
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

    def __repr__(self):
        return f"Suite({self.suiteVersion!r}, {len(self.cases)} cases)"


def _check_manifest(m, mf):
    def err(msg, field):
        raise GoldenError(mf, msg, field=field)

    if not isinstance(m, dict):
        err("the manifest is not a JSON object", "(root)")
    for key in ("schema", "suiteVersion", "generator", "ops", "flags", "files"):
        if key not in m:
            err("missing", key)
    if m["schema"] != MANIFEST_SCHEMA:
        err(f"schema {m['schema']!r}, this reader knows {MANIFEST_SCHEMA!r}", "schema")
    if not isinstance(m["suiteVersion"], str) or not _SEMVER.match(m["suiteVersion"]):
        err(f"{m['suiteVersion']!r} is not a semantic version", "suiteVersion")
    g = m["generator"]
    if not isinstance(g, dict):
        err("not an object", "generator")
    for key in ("name", "version", "gmp"):
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
        if not _is_int(info.get("opVersion")):
            err("missing or not an integer", f + ".opVersion")
        if info["opVersion"] != OPS[name]["version"]:
            err(f"opVersion {info['opVersion']}, FORMAT.md describes version "
                f"{OPS[name]['version']}", f + ".opVersion")
        conv = info.get("conventions")
        if not isinstance(conv, dict) or not all(isinstance(v, str) for v in conv.values()):
            err("missing or not an object of strings", f + ".conventions")
        if not _is_int(info.get("cases")) or info["cases"] < 0:
            err("missing or not a non-negative integer", f + ".cases")
    if not isinstance(m["flags"], dict):
        err("not an object", "flags")
    for name, info in m["flags"].items():
        if not isinstance(info, dict) or not isinstance(info.get("description"), str):
            err("missing description", f"flags.{name}.description")
    if not isinstance(m["files"], list):
        err("not a list", "files")
    seen = set()
    for i, entry in enumerate(m["files"]):
        f = f"files[{i}]"
        if not isinstance(entry, dict):
            err("not an object", f)
        p = entry.get("path")
        if not isinstance(p, str) or not p:
            err("missing or not a string", f + ".path")
        parts = p.split("/")
        if p.startswith("/") or "\\" in p or any(x in ("", ".", "..") for x in parts):
            err(f"{p!r} is not a plain relative path", f + ".path")
        if p in seen:
            err(f"{p!r} listed twice", f + ".path")
        seen.add(p)
        if not isinstance(entry.get("sha256"), str) or not _SHA256.match(entry["sha256"]):
            err("missing or not 64 lowercase hex digits", f + ".sha256")
        if not _is_int(entry.get("bytes")) or entry["bytes"] < 0:
            err("missing or not a non-negative integer", f + ".bytes")


def _check_tensor(obj, file, tcId, field, role, flags_finite_required, bound_units=None):
    """Validate one tensor dict; return a Tensor.  role: 'input' or 'expected'."""
    def err(msg, sub=""):
        raise GoldenError(file, msg, tcId=tcId, field=field + sub)

    if not isinstance(obj, dict):
        err("not an object")
    if obj.get("dtype") != "f64":
        err(f"dtype {obj.get('dtype')!r}; FORMAT.md defines only 'f64'", ".dtype")
    shape = obj.get("shape")
    if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
        err("missing or not a list of non-negative integers", ".shape")
    n = math.prod(shape)
    f64 = obj.get("f64")
    if not isinstance(f64, list):
        err("missing or not a list", ".f64")
    if len(f64) != n:
        err(f"{len(f64)} values for shape {shape} (product {n})", ".f64")
    for i, s in enumerate(f64):
        if not isinstance(s, str) or not _HEX16.match(s):
            err(f"{s!r} is not 16 lowercase hex digits", f".f64[{i}]")
    t = Tensor("f64", shape, f64, obj.get("q"), obj.get("rad"))
    vals = t.values()
    finite = [math.isfinite(v) for v in vals]

    qs = None
    if "q" in obj:
        q = obj["q"]
        if not isinstance(q, list):
            err("not a list", ".q")
        if len(q) != n:
            err(f"{len(q)} values for shape {shape} (product {n})", ".q")
        qs = []
        for i, s in enumerate(q):
            try:
                qs.append(parse_rational(s))
            except ValueError as e:
                err(str(e), f".q[{i}]")
    if role == "input":
        if flags_finite_required:
            for i, ok in enumerate(finite):
                if not ok:
                    err(f"non-finite input {_fmt_float(vals[i])} in a valid case", f".f64[{i}]")
        if qs is None:
            if all(finite):
                err("missing (q may be omitted only for non-finite inputs)", ".q")
        else:
            for i, (v, q) in enumerate(zip(vals, qs)):
                if not finite[i]:
                    err(f"q given for the non-finite value {_fmt_float(v)}", f".q[{i}]")
                if Fraction(v) != q:
                    err(f"q = {q} is not the exact value of f64 {f64[i]} ({Fraction(v)})",
                        f".q[{i}]")
    else:  # expected
        if qs is None:
            err("missing (expected values need the exact result)", ".q")
        for i, (v, q) in enumerate(zip(vals, qs)):
            if math.isnan(v):
                err("NaN in an expected value", f".f64[{i}]")
            r = _rn(q)
            if not (v == r):
                err(f"f64 {f64[i]} ({_fmt_float(v)}) is not q = {q} rounded to nearest "
                    f"({hex_from_f64(r)})", f".f64[{i}]")
    if "rad" in obj:
        rad = obj["rad"]
        if not isinstance(rad, list):
            err("not a list", ".rad")
        if len(rad) != n:
            err(f"{len(rad)} radii for shape {shape} (product {n})", ".rad")
        for i, s in enumerate(rad):
            if not isinstance(s, str) or not _HEX16.match(s):
                err(f"{s!r} is not 16 lowercase hex digits", f".rad[{i}]")
            r = f64_from_hex(s)
            if not math.isfinite(r) or r < 0 or s[0] in "89abcdef":
                err(f"radius {_fmt_float(r)} is not a finite non-negative number", f".rad[{i}]")
        if bound_units is not None and qs:
            floor = Fraction(bound_units) * U64 * max(abs(q) for q in qs)
            for i, r in enumerate(t.radii()):
                if r < floor:
                    err(f"radius {_fmt_float(r)} is below boundUnits*u*max|q| = "
                        f"{float(floor)!r}", f".rad[{i}]")
    return t


def _check_case(c, file, manifest):
    def err(msg, field, tcId=None):
        raise GoldenError(file, msg, tcId=tcId, field=field)

    if not isinstance(c, dict):
        err("a case is not a JSON object", "(root)")
    tcId = c.get("tcId")
    if not _is_int(tcId):
        err(f"missing or not an integer: {tcId!r}", "tcId")
    for key in ("schema", "suiteVersion", "op", "opVersion", "comment", "result", "flags",
                "conventions", "inputs"):
        if key not in c:
            err("missing", key, tcId)
    if c["schema"] != CASE_SCHEMA:
        err(f"schema {c['schema']!r}, this reader knows {CASE_SCHEMA!r}", "schema", tcId)
    if c["suiteVersion"] != manifest["suiteVersion"]:
        err(f"suiteVersion {c['suiteVersion']!r}, the manifest says "
            f"{manifest['suiteVersion']!r}", "suiteVersion", tcId)
    op = c["op"]
    if not isinstance(op, str) or op not in OPS:
        err(f"unknown op {op!r}", "op", tcId)
    if op not in manifest["ops"]:
        err(f"op {op!r} is not in the manifest's ops", "op", tcId)
    if not _is_int(c["opVersion"]) or c["opVersion"] != manifest["ops"][op]["opVersion"]:
        err(f"opVersion {c['opVersion']!r}, the manifest says "
            f"{manifest['ops'][op]['opVersion']}", "opVersion", tcId)
    if not isinstance(c["comment"], str):
        err("not a string", "comment", tcId)
    result = c["result"]
    if result not in RESULTS:
        err(f"result {result!r} is not one of {', '.join(RESULTS)}", "result", tcId)
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
    inputs = c["inputs"]
    if not isinstance(inputs, dict):
        err("not an object", "inputs", tcId)
    if set(inputs) != set(spec["inputs"]):
        err(f"inputs {sorted(inputs)}; {op} takes {sorted(spec['inputs'])}", "inputs", tcId)
    case = Case()
    case.tcId, case.op, case.opVersion, case.comment = tcId, op, c["opVersion"], c["comment"]
    case.result, case.flags, case.conventions, case.path = result, flags, conv, file
    case.inputs = {name: _check_tensor(t, file, tcId, f"inputs.{name}", "input",
                                       result == "valid")
                   for name, t in inputs.items()}
    case.expected = None
    case.tolerance = None
    if result == "invalid":
        for key in ("expected", "tolerance"):
            if key in c:
                err("present in an invalid case (valid cases only)", key, tcId)
        return case
    if result == "acceptable" and "expected" not in c:
        return case
    for key in ("expected", "tolerance"):
        if key not in c:
            err(f"missing in a {result} case", key, tcId)
    tol = c["tolerance"]
    if not isinstance(tol, dict):
        err("not an object", "tolerance", tcId)
    policy = tol.get("policy")
    if policy not in POLICIES:
        err(f"unknown policy {policy!r}", "tolerance.policy", tcId)
    if policy == "allclose":
        err("policy 'allclose' is not supported (FORMAT.md: not used, readers reject it)",
            "tolerance.policy", tcId)
    if not isinstance(tol.get("reason"), str):
        err("missing or not a string", "tolerance.reason", tcId)
    bu = tol.get("boundUnits")
    if bu is not None and not (_is_int(bu) and bu >= 0):
        err(f"{bu!r} is not a non-negative integer", "tolerance.boundUnits", tcId)
    if policy == "ulp":
        mu = tol.get("maxUlp")
        if not (isinstance(mu, (int, float)) and not isinstance(mu, bool)
                and math.isfinite(mu) and mu >= 0):
            err("missing or not a non-negative number (policy 'ulp')", "tolerance.maxUlp", tcId)
    expected = c["expected"]
    if not isinstance(expected, dict):
        err("not an object", "expected", tcId)
    if set(expected) != set(spec["outputs"]):
        err(f"outputs {sorted(expected)}; {op} gives {sorted(spec['outputs'])}", "expected",
            tcId)
    case.expected = {}
    for name, t in expected.items():
        if policy == "ball" and (not isinstance(t, dict) or "rad" not in t):
            err("missing (policy 'ball' needs a radius per element)", f"expected.{name}.rad",
                tcId)
        case.expected[name] = _check_tensor(t, file, tcId, f"expected.{name}", "expected",
                                            False, bu if policy == "ball" else None)
    case.tolerance = tol
    return case


def load_suite(golden_dir):
    """Read MANIFEST.json, check every listed file's size and SHA-256, parse and validate every
    case.  Returns a Suite; raises GoldenError on any problem."""
    golden_dir = os.fspath(golden_dir)
    mf = os.path.join(golden_dir, "MANIFEST.json")
    manifest = _read_json(mf)
    _check_manifest(manifest, mf)
    cases, by_id, per_op = [], {}, {op: 0 for op in manifest["ops"]}
    for i, entry in enumerate(manifest["files"]):
        rel = entry["path"]
        path = os.path.join(golden_dir, *rel.split("/"))
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as e:
            raise GoldenError(mf, f"cannot read {rel}: {e}", field=f"files[{i}].path") from None
        if len(data) != entry["bytes"]:
            raise GoldenError(path, f"size {len(data)} bytes, the manifest says "
                              f"{entry['bytes']}", field=f"files[{i}].bytes")
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise GoldenError(path, f"SHA-256 {digest}, the manifest says {entry['sha256']}",
                              field=f"files[{i}].sha256")
        c = _parse_json_bytes(data, path)
        case = _check_case(c, path, manifest)
        if case.tcId in by_id:
            raise GoldenError(path, f"duplicate tcId {case.tcId} (also in "
                              f"{by_id[case.tcId].path})", tcId=case.tcId, field="tcId")
        # Layout: cases/<op_with_underscores>/<op_with_underscores>-<tcId, 4 digits>.json
        stem = case.op.replace(".", "_")
        want = f"cases/{stem}/{stem}-{case.tcId:04d}.json"
        if rel != want:
            raise GoldenError(path, f"case file is at {rel!r}; the layout puts op {case.op!r}, "
                              f"tcId {case.tcId} at {want!r}", tcId=case.tcId, field="tcId")
        by_id[case.tcId] = case
        per_op[case.op] += 1
        cases.append(case)
    for op, n in per_op.items():
        if manifest["ops"][op]["cases"] != n:
            raise GoldenError(mf, f"says {manifest['ops'][op]['cases']} cases, the files hold {n}",
                              field=f"ops.{op}.cases")
    return Suite(golden_dir, manifest, cases)


# --------------------------------------------------------------------------------------------
# results

def load_results(path):
    """Parse a results file strictly (duplicate keys, NaN literals and bad JSON are errors)."""
    doc = _read_json(path)
    return doc


class _Given:
    """One output of a results file, parsed: kind in f64/decimal/q, values (float or Fraction)."""
    __slots__ = ("kind", "strings", "values", "shape")


def _parse_output(obj, file, tcId, field):
    def err(msg, sub=""):
        raise GoldenError(file, msg, tcId=tcId, field=field + sub)

    if not isinstance(obj, dict):
        err("not an object")
    kinds = [k for k in ("f64", "decimal", "q") if k in obj]
    if len(kinds) != 1:
        err(f"gives {kinds or 'none'} of f64/decimal/q; exactly one is required")
    kind = kinds[0]
    strings = obj[kind]
    if not isinstance(strings, list):
        err("not a list", "." + kind)
    shape = obj.get("shape")
    if shape is not None:
        if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
            err("not a list of non-negative integers", ".shape")
        if math.prod(shape) != len(strings):
            err(f"{len(strings)} values for its own shape {shape}", "." + kind)
    # A shape or value count that differs from the expected output is graded as a failure of
    # the case (see _grade_valid), not as a malformed file.
    values = []
    for i, s in enumerate(strings):
        if not isinstance(s, str):
            err(f"{s!r} is not a string", f".{kind}[{i}]")
        if kind == "f64":
            if not _HEX16.match(s):
                err(f"{s!r} is not 16 lowercase hex digits", f".{kind}[{i}]")
            values.append(f64_from_hex(s))
        elif kind == "decimal":
            if not (_DECIMAL.match(s) or _DECIMAL_SPECIAL.match(s)):
                err(f"{s!r} is not a decimal number", f".{kind}[{i}]")
            values.append(float(s))        # CPython's float() rounds correctly
        else:
            try:
                values.append(parse_rational(s))
            except ValueError as e:
                err(str(e), f".{kind}[{i}]")
    g = _Given()
    g.kind, g.strings, g.values, g.shape = kind, strings, values, shape
    return g


def _check_results_doc(suite, doc, file):
    """Validate a results document against the suite; return {tcId: entry} with parsed outputs."""
    def err(msg, field, tcId=None):
        raise GoldenError(file, msg, tcId=tcId, field=field)

    if not isinstance(doc, dict):
        err("a results file is not a JSON object", "(root)")
    if "suiteVersion" not in doc:
        err("missing", "suiteVersion")
    if doc["suiteVersion"] != suite.suiteVersion:
        err(f"suiteVersion {doc['suiteVersion']!r}, the suite is {suite.suiteVersion!r}",
            "suiteVersion")
    if "implementation" in doc and not isinstance(doc["implementation"], str):
        err("not a string", "implementation")
    results = doc.get("results")
    if not isinstance(results, list):
        err("missing or not a list", "results")
    parsed = {}
    for i, r in enumerate(results):
        f = f"results[{i}]"
        if not isinstance(r, dict):
            err("not an object", f)
        tcId = r.get("tcId")
        if not _is_int(tcId):
            err(f"missing or not an integer: {tcId!r}", f + ".tcId")
        if tcId in parsed:
            err(f"tcId {tcId} appears twice", f + ".tcId", tcId)
        case = suite.by_id.get(tcId)
        if case is None:
            err(f"the suite has no tcId {tcId}", f + ".tcId", tcId)
        if "op" in r:
            if r["op"] not in suite.ops:
                err(f"the suite has no op {r['op']!r}", f + ".op", tcId)
            if r["op"] != case.op:
                err(f"op {r['op']!r}, case {tcId} is {case.op!r}", f + ".op", tcId)
        has_err, has_out = "error" in r, "outputs" in r
        if has_err == has_out:
            err("needs exactly one of 'error' and 'outputs'", f, tcId)
        entry = {"error": None, "outputs": None, "index": i}
        if has_err:
            if not isinstance(r["error"], str):
                err("not a string", f + ".error", tcId)
            entry["error"] = r["error"]
        else:
            outs = r["outputs"]
            if not isinstance(outs, dict):
                err("not an object", f + ".outputs", tcId)
            names = OPS[case.op]["outputs"]
            entry["outputs"] = {}
            for name, o in outs.items():
                if name not in names:
                    err(f"{case.op} has no output {name!r}", f"{f}.outputs.{name}", tcId)
                entry["outputs"][name] = _parse_output(o, file, tcId, f"{f}.outputs.{name}")
        parsed[tcId] = entry
    return parsed


class Report:
    """verdicts: list of dicts, one per graded case (see verify); ops: per-op summary."""

    def __init__(self, suite, precision, implementation, verdicts, ops):
        self.suiteVersion = suite.suiteVersion
        self.precision = precision
        self.implementation = implementation
        self.verdicts = verdicts
        self.ops = ops
        self.passed = sum(v["status"] == "passed" for v in verdicts)
        self.failed = sum(v["status"] == "failed" for v in verdicts)
        self.skipped = sum(v["status"] == "skipped" for v in verdicts)

    def summary_line(self):
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"

    def to_json(self):
        return {"suiteVersion": self.suiteVersion, "precision": self.precision,
                "implementation": self.implementation, "ops": self.ops,
                "verdicts": self.verdicts, "passed": self.passed, "failed": self.failed,
                "skipped": self.skipped}


def _grade_valid(case, outputs, factor):
    """Return (failure or None, worst error in ulps or None, worst error / allowed bound or
    None, failing element count)."""
    policy = case.tolerance["policy"]
    first, worst, margin, nfail = None, None, None, 0
    for name, exp in case.expected.items():
        given = outputs.get(name)
        if given is None:
            nfail += 1
            if first is None:
                first = {"output": name, "reason": "output missing"}
            continue
        if given.shape is not None and tuple(given.shape) != exp.shape:
            nfail += exp.size
            if first is None:
                first = {"output": name, "reason": f"shape {list(given.shape)} given, "
                         f"expected {list(exp.shape)}"}
            continue
        if len(given.values) != exp.size:
            nfail += exp.size
            if first is None:
                first = {"output": name, "reason": f"{len(given.values)} values given, expected "
                         f"{exp.size} (shape {list(exp.shape)})"}
            continue
        qs, e64 = exp.exact(), exp.values()
        radii = exp.radii()
        for i, q in enumerate(qs):
            g = given.values[i]
            e = e64[i]
            ulp = _ulp(e) if math.isfinite(e) else None
            if given.kind == "q":
                diff = abs(g - q)
                ok = g == q
                bound = Fraction(0)
            elif not math.isfinite(g):
                diff, ok, bound = None, False, None
            else:
                diff = abs(Fraction(g) - q)
                if policy == "exact":
                    bound, ok = Fraction(0), diff == 0
                elif policy == "bitwise":
                    bound, ok = None, hex_from_f64(g) == exp.f64[i]
                elif policy == "ulp":
                    bound = Fraction(case.tolerance["maxUlp"]) * ulp * factor
                    ok = diff <= bound
                else:  # ball
                    bound = radii[i] * factor
                    ok = diff <= bound
            if diff is not None and ulp is not None:
                u = float(diff / ulp)
                worst = u if worst is None else max(worst, u)
            if diff is not None and bound:
                m = float(diff / bound)
                margin = m if margin is None else max(margin, m)
            if not ok:
                nfail += 1
                if first is None:
                    first = {
                        "output": name, "index": i, "multiIndex": _multi_index(i, exp.shape),
                        "expected": exp.q[i], "expectedF64": exp.f64[i],
                        "expectedFloat": _fmt_float(e),
                        "given": given.strings[i], "givenKind": given.kind,
                        "givenValue": str(g) if given.kind == "q" else _fmt_float(g),
                        "error": None if diff is None else float(diff),
                        "errorUlps": None if diff is None or ulp is None else float(diff / ulp),
                        "bound": None if bound is None else float(bound),
                        "policy": "==" if given.kind == "q" else policy,
                    }
    return first, worst, margin, nfail


def _op_matches(op, op_filter):
    return op_filter is None or op_filter in op


def verify(suite, results_doc, precision="f64", op_filter=None, results_file="results"):
    """Grade a results document (a parsed dict, or a path to one) against the suite.

    Returns a Report; report.verdicts is a list of dicts, one per case selected by op_filter
    (substring of the op name), in tcId order:
        {"tcId", "op", "result", "status": passed|failed|skipped, "reason",
         "failure": {output, index, multiIndex, expected, expectedF64, given, ...} or None,
         "worstUlp", "failingElements"}
    Raises GoldenError for a malformed results file.
    """
    if precision not in PRECISION_FACTOR:
        raise ValueError(f"precision {precision!r}; one of {', '.join(PRECISION_FACTOR)}")
    if isinstance(results_doc, (str, os.PathLike)):
        results_file = os.fspath(results_doc)
        results_doc = load_results(results_file)
    factor = PRECISION_FACTOR[precision]
    parsed = _check_results_doc(suite, results_doc, results_file)
    verdicts = []
    ops = {}
    for case in suite.cases:
        if not _op_matches(case.op, op_filter):
            continue
        s = ops.setdefault(case.op, {"passed": 0, "failed": 0, "skipped": 0, "missing": 0,
                                     "worstUlp": None, "worstUlpCase": None,
                                     "worstOfBound": None})
        v = {"tcId": case.tcId, "op": case.op, "result": case.result, "status": None,
             "reason": None, "failure": None, "worstUlp": None, "worstOfBound": None,
             "failingElements": 0}
        entry = parsed.get(case.tcId)
        if entry is None:
            v["status"], v["reason"] = "skipped", "missing"
            s["missing"] += 1
        elif case.result == "acceptable":
            v["status"], v["reason"] = "skipped", "acceptable (implementation-defined)"
        elif case.result == "invalid":
            if entry["error"] is not None:
                v["status"], v["reason"] = "passed", f"refused: {entry['error']}"
            else:
                v["status"], v["reason"] = "failed", "invalid input was not refused (outputs given)"
                v["failure"] = {"reason": "outputs given for an input that must be refused"}
        else:
            if entry["error"] is not None:
                v["status"] = "failed"
                v["reason"] = f"refused a valid input: {entry['error']}"
                v["failure"] = {"reason": v["reason"]}
            else:
                first, worst, margin, nfail = _grade_valid(case, entry["outputs"], factor)
                v["worstUlp"], v["worstOfBound"], v["failingElements"] = worst, margin, nfail
                if worst is not None and (s["worstUlp"] is None or worst > s["worstUlp"]):
                    s["worstUlp"], s["worstUlpCase"] = worst, case.tcId
                if margin is not None and (s["worstOfBound"] is None
                                           or margin > s["worstOfBound"]):
                    s["worstOfBound"] = margin
                if first is None:
                    v["status"] = "passed"
                else:
                    v["status"], v["failure"] = "failed", first
                    v["reason"] = first.get("reason", "outside tolerance")
        s[v["status"]] += 1
        verdicts.append(v)
    impl = results_doc.get("implementation")
    return Report(suite, precision, impl, verdicts, ops)


# --------------------------------------------------------------------------------------------
# command line

def _abbrev(q, limit=120):
    """Shorten a very long rational for the terminal (the full value is in --json)."""
    if len(q) <= limit:
        return q
    num, _, den = q.partition("/")
    def cut(d):
        return d if len(d) <= 24 else f"{d[:12]}...{d[-6:]}[{len(d.lstrip('-'))} digits]"
    return cut(num) + ("/" + cut(den) if den else "")


def describe_failure(v):
    f = v["failure"] or {}
    head = f"FAILED tcId {v['tcId']} ({v['op']}, {v['result']})"
    if "index" not in f:
        out = f" output {f['output']}:" if "output" in f else ""
        return f"{head}:{out} {f.get('reason', v['reason'])}"
    lines = [f"{head}: output {f['output']} element {f['index']} {f['multiIndex']}"
             f" ({v['failingElements']} element(s) failing)",
             f"    expected  {_abbrev(f['expected'])}  (f64 {f['expectedF64']} = "
             f"{f['expectedFloat']})",
             f"    given     {f['givenKind']} {_abbrev(f['given'])}"
             + (f" = {f['givenValue']}" if f["givenKind"] == "f64" else "")]
    if f["error"] is not None:
        ulps = f" = {f['errorUlps']:.4g} ulp" if f["errorUlps"] is not None else ""
        bound = "" if f["bound"] is None else f", allowed {f['bound']:.6g} ({f['policy']})"
        lines.append(f"    |given - expected| = {f['error']:.6g}{ulps}{bound}")
    else:
        lines.append(f"    given value is not finite ({f['policy']})")
    return "\n".join(lines)


def _print_report(report, out):
    impl = report.implementation or "(unnamed implementation)"
    print(f"suite {report.suiteVersion}, implementation {impl}, precision {report.precision}",
          file=out)
    for v in report.verdicts:
        if v["status"] == "failed":
            print(describe_failure(v), file=out)
        elif v["reason"] == "missing":
            print(f"missing tcId {v['tcId']} ({v['op']})", file=out)
    w = max([len(op) for op in report.ops] + [2])
    print(f"{'op':<{w}}  passed  failed  skipped  {'worst error (ulp)':<24}  worst error/allowed",
          file=out)
    for op, s in report.ops.items():
        worst = "-" if s["worstUlp"] is None else f"{s['worstUlp']:.4g} (tcId {s['worstUlpCase']})"
        ofb = "-" if s["worstOfBound"] is None else f"{s['worstOfBound']:.3g}"
        miss = f"  [{s['missing']} missing]" if s["missing"] else ""
        print(f"{op:<{w}}  {s['passed']:>6}  {s['failed']:>6}  {s['skipped']:>7}  {worst:<24}  "
              f"{ofb}{miss}", file=out)
    print(report.summary_line(), file=out)


def _default_golden():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="nlgolden.py", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    pv = sub.add_parser("verify", help="grade a results file")
    pv.add_argument("results")
    pv.add_argument("--golden", default=_default_golden(), help="golden directory "
                    "(default: the parent of this script's directory)")
    pv.add_argument("--precision", choices=sorted(PRECISION_FACTOR), default="f64")
    pv.add_argument("--op", default=None, help="grade only ops whose name contains TEXT")
    pv.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    pc = sub.add_parser("check", help="load and validate the suite only")
    pc.add_argument("--golden", default=_default_golden())
    args = ap.parse_args(argv)
    try:
        suite = load_suite(args.golden)
        if args.cmd == "check":
            print(f"suite {suite.suiteVersion}: {len(suite.cases)} cases, "
                  f"{len(suite.manifest['files'])} files, all sizes and SHA-256 match")
            return 0
        if args.op is not None and not any(args.op in op for op in suite.ops):
            print(f"warning: --op {args.op!r} matches no op of the suite "
                  f"({', '.join(suite.ops)}); nothing is graded", file=sys.stderr)
        report = verify(suite, args.results, precision=args.precision, op_filter=args.op)
    except GoldenError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2)
        print()
    else:
        _print_report(report, sys.stdout)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
