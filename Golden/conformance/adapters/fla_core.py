"""fla-core 0.6.0 (the ops package of flash-linear-attention): its PyTorch reference recurrences.

The fast kernels of fla-core (`chunk_*`, `fused_recurrent_*`) are Triton programs: they need
`triton` and a GPU, and `import fla.ops` itself imports them, so it fails on a CPU-only torch
(`ModuleNotFoundError: No module named 'triton'`, recorded by `run` under x-probes). The package
also ships plain PyTorch recurrences, `fla/ops/<op>/naive.py`, which import only torch and einops;
this adapter calls those, unmodified, loading them without executing `fla/ops/__init__.py` when
triton is absent.

Layouts (read from the sources): tokens as [B, T, H, D] (delta_rule_recurrence: [B, H, T, D]),
one batch and one head here; the state is S = Mᵀ, [B, H, d_k, d_v], so the case's M0 is passed
transposed and the final state transposed back; every recurrence reads o_t = S_tᵀ q_t after the
write of token t, which is the suite's read order.
"""

from __future__ import annotations

import math
import os
import sys

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "adapters"

from .common import (READ_AFTER_WRITE, Binding, Cause, Skip, integer_input, library_call, spelling,
                     optional_scalar, run_cases)

ADAPTER = "fla_core"
LIBRARY = "fla-core"
PACKAGES = ("fla-core", "torch", "numpy")

_LAYOUT = "state S = Mᵀ (d_k × d_v): M0 passed transposed, the final state transposed back"
_AFTER = "reads after the write of each token (the library's only order)"
_SCALE1 = "scale passed as 1.0 (the library's default is d_k^-1/2), or as the case's `scale` input"
_FIXED = ("q passed as given: the library multiplies it by d_k^-1/2 and has no scale parameter; where the suite "
          "gives the op a `scale` input, a valid case whose scale is not d_k^-1/2 is skipped")
_PRESCALED = ("q multiplied by s·√d_k before the call (s = the case's `scale`, else 1), "
              "so that the library's fixed d_k^-1/2 leaves s·q: one extra rounding of q")
_GATES = ("gates passed as g = log α (the library applies exp(g)), so α = 0 (log 0 = −∞) and "
          "α < 0 are skipped; with option gates=log the case's gates are passed as they are")
_F32 = "{}: casts its inputs to float32, so it never computes in float64"

_OPTIONS = {"read_order": {READ_AFTER_WRITE}}
_GATE_OPTIONS = {"read_order": {READ_AFTER_WRITE}, "gates": {"linear", "log"}}

_LA = Binding("fla.ops.linear_attn.naive.naive_recurrent_linear_attn",
              (_SCALE1, _LAYOUT, _AFTER), _F32.format("naive_recurrent_linear_attn"), _OPTIONS)
_DELTA = Binding("fla.ops.delta_rule.naive.delta_rule_recurrence",
                 (_FIXED, _LAYOUT, _AFTER), _F32.format("delta_rule_recurrence"), _OPTIONS)
_DELTA_SCALED = Binding(_DELTA.api, (_PRESCALED, _LAYOUT, _AFTER), _DELTA.f64, _OPTIONS)
_TWO = "two calls, the second started from the first's final state (initial_state)"
_GATED = Binding("fla.ops.gated_delta_rule.naive.naive_recurrent_gated_delta_rule",
                 (_SCALE1, _GATES, _LAYOUT, _AFTER), _F32.format("naive_recurrent_gated_delta_rule"),
                 _GATE_OPTIONS)
_ATTN = Binding("fla.ops.attn.naive.naive_parallel_attn",
                ("scale left at the library's default d_k^-1/2, the op's (or the case's `scale` input)",
                 "causal=True; computes in the dtype it is given"))

IMPLEMENTATIONS = {
    "fla-core": {
        "linear_attention.recurrent": _LA,
        "delta_rule.sequence": _DELTA,
        "delta_rule.two_calls": Binding(_DELTA.api, _DELTA.conventions + (_TWO,), _DELTA.f64, _OPTIONS),
        "gated_delta_rule.sequence": _GATED,
        "softmax_attention.causal": _ATTN,
    },
    "fla-core+scaled-q": {
        "delta_rule.sequence": _DELTA_SCALED,
        "delta_rule.two_calls": Binding(_DELTA.api, _DELTA_SCALED.conventions + (_TWO,), _DELTA.f64, _OPTIONS),
    },
}

NOT_EXPRESSIBLE = {
    "titans_memory.chunked": (
        "fla.ops.titans (titans_linear, chunk_titans_linear_ref) learns on TTT's layer-normalised "
        "reconstruction: its gradient is taken of ‖w·LN(k M) + b − (v − k)‖² and every read is "
        "layer-normalised with a residual; no choice of w, b removes the normalisation, and keys "
        "and values must have one width (DK == DV is asserted)"),
}

_NAN = Cause("defect", "no input check: a NaN or infinite input is computed through to the outputs "
                       "instead of being refused")
CAUSES = {
    "fla-core": {
        ("linear_attention.recurrent", "NonFinite"): _NAN,
        ("delta_rule.sequence", "NonFinite"): _NAN,
        ("delta_rule.two_calls", "NonFinite"): _NAN,
        ("gated_delta_rule.sequence", "NonFinite"): _NAN,
        ("softmax_attention.causal", "NonFinite"): _NAN,
    },
    "fla-core+scaled-q": {
        ("delta_rule.sequence", "NonFinite"): _NAN,
        ("delta_rule.two_calls", "NonFinite"): _NAN,
    },
}


# --------------------------------------------------------------------------------------------
# running (imports torch and the library)

def _naive(sub):
    """fla.ops.<sub>.naive, imported normally when `import fla.ops` works, else loaded from its
    file without running fla/ops/__init__.py (which imports the Triton kernels)."""
    import importlib
    import types
    name = f"fla.ops.{sub}.naive"
    _probe()
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name != "triton":
            raise
    import fla
    ops_dir = os.path.join(os.path.dirname(fla.__file__), "ops")
    for pkg, path in (("fla.ops", ops_dir), (f"fla.ops.{sub}", os.path.join(ops_dir, sub))):
        if pkg not in sys.modules:
            stub = types.ModuleType(pkg)
            stub.__path__ = [path]
            sys.modules[pkg] = stub
    return importlib.import_module(name)


_PROBE = []


def _probe():
    """What `import fla.ops` does, tried once, before any naive module is loaded."""
    import importlib
    if not _PROBE:
        try:
            importlib.import_module("fla.ops")
            _PROBE.append("imports")
        except Exception as e:                       # noqa: BLE001 - recorded as a fact
            _PROBE.append(f"{type(e).__name__}: {e}")
    return _PROBE[0]


def _dtype(precision):
    import torch
    return torch.float32 if precision == "f32" else torch.float64


def _tokens(a, precision, head_first=False):
    """A T×D matrix as [1, T, 1, D] (or [1, 1, T, D] head first)."""
    import torch
    t = torch.tensor(a, dtype=_dtype(precision))
    return t[None, None] if head_first else t[None, :, None]


def _state(m0, precision):
    import torch
    return torch.tensor(m0.T.copy(), dtype=_dtype(precision))[None, None]


def _out(t):
    return t.detach().to(dtype=__import__("torch").float64).numpy()


def _scale(suite, case, x):
    s = optional_scalar(suite, case, "scale", x)
    return 1.0 if s is None else s


def _linear_attention(suite):
    def run(case, x, options, precision):
        mod = _naive("linear_attn")
        o, s = library_call(mod.naive_recurrent_linear_attn, _tokens(x["Q"], precision),
                            _tokens(x["K"], precision), _tokens(x["V"], precision),
                            scale=_scale(suite, case, x), initial_state=_state(x["M0"], precision),
                            output_final_state=True)
        return {"Y": _out(o[0, :, 0]), "M_T": _out(s[0, 0]).T}
    return run


def _delta_call(x, lo, hi, state, precision, q_factor):
    """One call of delta_rule_recurrence on tokens lo..hi-1 (head-first layout)."""
    import torch
    mod = _naive("delta_rule")
    q = x["Q"][lo:hi] * q_factor if q_factor != 1.0 else x["Q"][lo:hi]
    beta = torch.tensor(x["beta"][lo:hi], dtype=_dtype(precision))[None, None]
    return library_call(mod.delta_rule_recurrence, _tokens(q, precision, True),
                        _tokens(x["K"][lo:hi], precision, True), _tokens(x["V"][lo:hi], precision, True),
                        beta, initial_state=state, output_final_state=True)


def _q_factor(suite, case, x, prescale):
    if not prescale:
        s, d_k = optional_scalar(suite, case, "scale", x), x["K"].shape[-1]
        if s is not None and case.result == "valid" and s != d_k ** -0.5:
            raise Skip(f"convention scale={s!r} not supported: delta_rule_recurrence fixes the query scale "
                       f"at d_k^-1/2 = {d_k ** -0.5!r}")
        return 1.0
    return _scale(suite, case, x) * math.sqrt(x["K"].shape[-1])


def _delta_rule(suite, prescale):
    def run(case, x, options, precision):
        f = _q_factor(suite, case, x, prescale)
        o, s = _delta_call(x, 0, len(x["K"]), _state(x["M0"], precision), precision, f)
        return {"Y": _out(o[0, 0]), "M_T": _out(s[0, 0]).T}
    return run


def _delta_two_calls(suite, prescale):
    def run(case, x, options, precision):
        import numpy as np
        split, t = integer_input(x["split"]), len(x["K"])
        if not isinstance(split, int) or not 1 <= split < t:
            raise Skip(f"split = {x['split']} of T = {t}: the adapter's cut between the two calls, "
                       "never given to the library")
        f = _q_factor(suite, case, x, prescale)
        o1, s1 = _delta_call(x, 0, split, _state(x["M0"], precision), precision, f)
        o2, s2 = _delta_call(x, split, t, s1, precision, f)
        y = np.concatenate([_out(o1[0, 0]), _out(o2[0, 0])])
        return {"Y": y, "M_split": _out(s1[0, 0]).T, "M_T": _out(s2[0, 0]).T}
    return run


def _gated_delta_rule(suite):
    def run(case, x, options, precision):
        import numpy as np
        import torch
        if spelling(options.get("gates", "")) == "log":
            g = x["log_alpha"] if "log_alpha" in x else x["alpha"]
        else:
            alpha = x["alpha"]
            if np.any(alpha == 0):
                raise Skip("GateZero: a gate α = 0 would be passed as log 0 = −∞ (the library "
                           "takes log-gates)")
            if np.any(alpha < 0):
                raise Skip("a gate α < 0 has no logarithm (the library takes log-gates)")
            g = np.log(alpha)
        mod = _naive("gated_delta_rule")
        dt = _dtype(precision)
        o, s = library_call(mod.naive_recurrent_gated_delta_rule, _tokens(x["Q"], precision),
                            _tokens(x["K"], precision), _tokens(x["V"], precision),
                            torch.tensor(x["beta"], dtype=dt)[None, :, None],
                            torch.tensor(g, dtype=dt)[None, :, None],
                            scale=_scale(suite, case, x), initial_state=_state(x["M0"], precision),
                            output_final_state=True)
        return {"Y": _out(o[0, :, 0]), "M_T": _out(s[0, 0]).T}
    return run


def _softmax_attention(suite):
    def run(case, x, options, precision):
        mod = _naive("attn")
        scale = optional_scalar(suite, case, "scale", x)
        o, _ = library_call(mod.naive_parallel_attn, _tokens(x["Q"], precision), _tokens(x["K"], precision),
                            _tokens(x["V"], precision), scale=scale, causal=True)
        return {"Y": _out(o[0, :, 0])}
    return run


def run(suite, impl, precision):
    import torch
    torch.set_num_threads(1)
    prescale = impl == "fla-core+scaled-q"
    ops = {"linear_attention.recurrent": _linear_attention(suite),
           "delta_rule.sequence": _delta_rule(suite, prescale),
           "delta_rule.two_calls": _delta_two_calls(suite, prescale),
           "gated_delta_rule.sequence": _gated_delta_rule(suite),
           "softmax_attention.causal": _softmax_attention(suite)}
    doc = run_cases(suite, f"{impl} {__import__('importlib.metadata').metadata.version(LIBRARY)}",
                    ADAPTER, IMPLEMENTATIONS[impl], ops, precision, PACKAGES)
    import fla
    ops_dir = os.path.join(os.path.dirname(fla.__file__), "ops")
    shipped = sorted(os.path.relpath(os.path.join(d, f), ops_dir).replace(os.sep, "/")
                     for d, _, files in os.walk(ops_dir) for f in files if "naive" in f and f.endswith(".py"))
    doc["x-probes"] = {"import fla.ops": _probe(), "PyTorch reference files under fla/ops": ", ".join(shipped)}
    return doc


if __name__ == "__main__":
    from .common import main
    main(sys.modules[__name__])
