"""nested-learning 0.2.0: a reproduction of the paper's HOPE model, its optimizers and levels.

Its M3 optimizer (`nested_learning.optim.m3.M3`, a torch.optim.Optimizer) is driven by the case
directly: W0 is the parameter, each G[t] is assigned to its gradient and `step()` called. The
Newton–Schulz helper M3 uses (`nested_learning.optim.m3._newton_schulz`) is run on the cubic
newton_schulz.step and newton_schulz.iterate cases that select its normalisation. Its
modules with learned parameters (SelfModifyingTitans, CMS, TitanMemory, DeepMomentum) cannot be
made to compute the suite's ops; NOT_EXPRESSIBLE states why, from the package's sources.
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "adapters"

from .common import Binding, Cause, Skip, integer_input, library_call, run_cases, spelling

ADAPTER = "nested_learning"
LIBRARY = "nested-learning"
PACKAGES = ("nested-learning", "torch", "numpy")

_NS_CONVENTIONS = (
    "the module-level helper M3 orthogonalises with (not re-exported; called unmodified), on the 2-D X as given",
    "the cubic step only (a, b, c) = (1.5, −0.5, 0), as ½X(3I − XᵀX): a case with other coefficients is skipped "
    "(the helper takes none); steps=1 (newton_schulz.step) or the case's steps (newton_schulz.iterate)",
    "normalize = frobenius, the helper's only reading: X / (‖X‖_F + eps) before the steps, eps passed as the "
    "case's (0 when absent); a valid case with normalize = none is skipped",
    "transpose_tall = true for a tall X: the helper forms the n×n Gram matrix XᵀX, the transposed reading's; a "
    "valid case with a tall X and transpose_tall = false is skipped (for m ≤ n both readings have the same values)")

IMPLEMENTATIONS = {
    "nested-learning": {
        "m3.trajectory": Binding(
            "nested_learning.optim.m3.M3",
            ("lr=eta, beta1, beta2, beta3, alpha, eps=epsilon, ns_steps, slow_chunk=period, "
             "weight_decay=0; integer inputs passed as int when integral, else as the float given",
             "each G[t] assigned to the parameter's .grad (torch checks its shape), then step()",
             "Newton–Schulz as M3 has it: the momentum divided by ‖·‖_F + eps, then ns_steps cubic "
             "steps X ← ½X(3I − XᵀX); eps also in the denominator √V + eps",
             "slow_update = chunk_end, M3's only timing: the slow momentum absorbs a finished chunk at the end "
             "of the step that ends it (used from the next step), so M2_T already holds a chunk that ends at "
             "step T; a valid case with slow_update = chunk is skipped"),
            computes={"slow_update": "chunk_end"}),
        **{op: Binding("nested_learning.optim.m3._newton_schulz", _NS_CONVENTIONS,
                       options={"transpose_tall": ["true"]}, computes={"normalize": "frobenius"})
           for op in ("newton_schulz.step", "newton_schulz.iterate")},
    },
}

_RESIDUAL_MLP = ("each memory is a residual MLP x + W1 GELU(W2 x) (GELU fixed in the constructor; the "
                 "residual is added whenever input and output widths agree), η = softplus(·)·eta_scale and "
                 "α = sigmoid(·); the op's memories are linear maps M x with η_t = M_eta x_t, "
                 "α_t = M_alpha x_t")
_CMS = ("CMSBlock is x + Linear(act(Linear(LayerNorm(x)))) with biases, act one of GELU, ReLU, SiLU "
        "and the residual always added; the op's level is W2 φ(W1 x), φ(z) = z + z²/2, no residual")

NOT_EXPRESSIBLE = {
    "self_modifying_titans.chunked": "SelfModifyingTitans: " + _RESIDUAL_MLP,
    "hope.forward": "HOPE blocks compose SelfModifyingTitans (" + _RESIDUAL_MLP + ") and CMS (" + _CMS + ")",
    "cms_level.run": "CMS: " + _CMS,
    "cms.sequential": "CMS: " + _CMS,
    "cms.independent": "CMS: " + _CMS + "; levels are chained, never summed with weights",
    "titans_memory.chunked": ("TitanMemory is an MLP read through a LayerNorm, updated by one SGD step "
                              "on the mean squared error with a fixed lr: no momentum, no decay gate, "
                              "no chunking"),
    "dmgd.trajectory": ("DeepMomentum keeps an exponential average m ← β m + (1 − β) u of the "
                        "(for variant dmgd: tanh of the) gradient; the op's momentum is a 2-layer MLP "
                        "memory trained by GD on its own objective"),
}

CAUSES = {
    "nested-learning": {
        ("m3.trajectory", "valid"): Cause(
            "convention", "M3's Newton–Schulz divides the momentum by ‖·‖_F + eps before its steps "
                          "(even with ns_steps = 0); m3.trajectory's NS(M) has no normalisation and no "
                          "option selects one (newton_schulz.step's normalize = frobenius is graded "
                          "on the helper itself)"),
        ("m3.trajectory", "OutOfRange"): Cause(
            "defect", "no range check of the hyperparameters (M3.__init__ validates nothing): the "
                      "out-of-range value is computed through instead of being refused"),
        ("m3.trajectory", "ZeroDenominator"): Cause(
            "defect", "divides by √V + eps without a check: a zero entry of V with eps = 0 gives an "
                      "infinite or NaN step instead of a refusal"),
        ("newton_schulz.iterate", "OutOfRange"): Cause(
            "defect", "no range check: steps < 0 (no step is run) or a negative eps is computed "
                      "through instead of being refused"),
        ("newton_schulz.iterate", "ZeroDenominator"): Cause(
            "defect", "divides by ‖X‖_F + eps without a check: X = 0 with eps = 0 gives 0/0 (NaN) "
                      "instead of a refusal"),
        ("newton_schulz.iterate", "NonFinite"): Cause(
            "defect", "no input check: a NaN or infinite entry of X is computed through to X_out "
                      "instead of being refused"),
        ("m3.trajectory", "NonFinite"): Cause(
            "defect", "no input check: a NaN or infinite gradient is computed through to W instead of "
                      "being refused"),
    },
}


def _m3(case, x, options, precision):
    import numpy as np
    import torch
    from nested_learning.optim.m3 import M3
    dt = torch.float32 if precision == "f32" else torch.float64
    w = torch.nn.Parameter(torch.tensor(x["W0"], dtype=dt))
    opt = library_call(M3, [w], lr=float(x["eta"]), beta1=float(x["beta1"]), beta2=float(x["beta2"]),
                       beta3=float(x["beta3"]), alpha=float(x["alpha"]), eps=float(x["epsilon"]),
                       ns_steps=integer_input(x["ns_steps"]), slow_chunk=integer_input(x["period"]),
                       weight_decay=0.0)
    trajectory = []
    for g in x["G"]:
        library_call(setattr, w, "grad", torch.tensor(g, dtype=dt))
        library_call(opt.step)
        trajectory.append(w.detach().to(torch.float64).numpy().copy())
    state = opt.state[w]
    out = {name: state[key].to(torch.float64).numpy() for name, key in
           (("M1_T", "m1"), ("M2_T", "m2"), ("V_T", "v"))}
    out["W"] = np.stack(trajectory)
    return out


def _newton_schulz(case, x, options, precision):
    import torch
    from nested_learning.optim.m3 import _newton_schulz as helper
    if tuple(float(x[n].reshape(-1)[0]) if x[n].size else None for n in ("a", "b", "c")) != (1.5, -0.5, 0.0):
        raise Skip("coefficients other than the cubic (1.5, −0.5, 0): the helper takes none")
    eps = float(x["eps"]) if "eps" in x else 0.0
    if case.result == "valid":
        m, n = x["X"].shape
        if m > n and spelling(options.get("transpose_tall", "false")) != "true":
            raise Skip(f"convention transpose_tall={options.get('transpose_tall', 'false')} not supported: the "
                       "helper forms XᵀX, the transposed reading's Gram matrix, for a tall X")
    dt = torch.float32 if precision == "f32" else torch.float64
    steps = integer_input(x["steps"]) if "steps" in x else 1
    out = library_call(helper, torch.tensor(x["X"], dtype=dt), steps=steps, eps=eps)
    return {next(iter(case.outputs)): out.to(torch.float64).numpy()}


def _m3_as_the_library_reads_it(x):
    """The op's M3 recurrence (FORMAT.md, m3.trajectory) in numpy float64 with the two readings the
    adapter states: NS normalises by ‖·‖_F + eps, and M2 absorbs a chunk right after its last step."""
    import numpy as np
    eta, b1, b2, b3, alpha, eps = (float(x[n]) for n in ("eta", "beta1", "beta2", "beta3", "alpha", "epsilon"))
    f, steps, g = int(x["period"]), int(x["ns_steps"]), x["G"]

    def ns(m):
        y = m / (np.linalg.norm(m) + eps)
        for _ in range(steps):
            y = 0.5 * y @ (3.0 * np.eye(y.shape[1]) - y.T @ y)
        return y

    w, m1, m2, v, o2, ws = x["W0"].copy(), 0 * x["W0"], 0 * x["W0"], 0 * x["W0"], 0 * x["W0"], []
    for t in range(1, len(g) + 1):
        m1, v = m1 + b1 * g[t - 1], v + b2 * g[t - 1] ** 2
        w = w - eta * (ns(m1) + alpha * o2) / (np.sqrt(v) + eps)
        ws.append(w)
        if t % f == 0:
            m2 = m2 + b3 * g[t - f:t].sum(axis=0)
            o2 = ns(m2)
    return {"W": np.stack(ws), "M1_T": m1, "M2_T": m2, "V_T": v}


def _confirm(suite, precision):
    """The valid cases' outputs from M3 against _m3_as_the_library_reads_it: the conventions the
    causes table and the binding state, checked."""
    import numpy as np
    import nlgolden
    worst, ids = 0.0, []
    for case in suite.cases_of("m3.trajectory"):
        if case.result != "valid":
            continue
        x = {n: nlgolden.to_numpy(t) for n, t in case.inputs.items()}
        got, want = _m3(case, x, {}, precision), _m3_as_the_library_reads_it(x)
        for name in want:
            scale = max(float(np.max(np.abs(want[name]))), np.finfo(float).tiny)
            worst = max(worst, float(np.max(np.abs(got[name] - want[name]))) / scale)
        ids.append(case.tcId)
    return (f"M3 on tcId {', '.join(map(str, ids))} ({precision}) against the op's recurrence in numpy float64 with "
            f"NS(M) = M / (‖M‖_F + eps) then cubic steps, and M2 updated after the step ending a chunk: largest "
            f"difference {worst:.1e} of the largest value, over W, M1_T, M2_T, V_T")


def run(suite, impl, precision):
    import importlib.metadata as md
    import torch
    torch.set_num_threads(1)
    doc = run_cases(suite, f"{impl} {md.version(LIBRARY)}", ADAPTER, IMPLEMENTATIONS[impl],
                    {"m3.trajectory": _m3, "newton_schulz.step": _newton_schulz,
                     "newton_schulz.iterate": _newton_schulz}, precision, PACKAGES)
    doc["x-probes"] = {f"m3.trajectory conventions ({precision})": _confirm(suite, precision)}
    return doc


if __name__ == "__main__":
    from .common import main
    main(sys.modules[__name__])
