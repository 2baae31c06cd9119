"""titans-pytorch 0.5.5: the Titans neural memory (NeuralMemory) and its Newton–Schulz helper.

NeuralMemory's update is driven by learned projections of one input sequence, not by the
case's keys, values and gates, and it cannot be made to compute the op (NOT_EXPRESSIBLE says
why, from titans_pytorch/neural_memory.py); `run` records one of those facts by construction
(x-probes). The module-level function `titans_pytorch.neural_memory.newtonschulz5` (used for
`spectral_norm_surprises`; not re-exported by the package) is run on newton_schulz.step and
newton_schulz.iterate under its own conventions (Frobenius normalisation, a tall X transposed),
which the suite's options select.
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "adapters"

from .common import Binding, Cause, Skip, integer_input, library_call, run_cases, spelling

ADAPTER = "titans_pytorch"
LIBRARY = "titans-pytorch"
PACKAGES = ("titans-pytorch", "torch", "numpy")

_NS_CONVENTIONS = (
    "X passed as [1, 1, m, n]: the function returns an input of rank ≤ 3 unchanged",
    "steps=1 (newton_schulz.step) or the case's steps (newton_schulz.iterate), coefs=(a, b, c) from the case",
    "normalize = frobenius, the function's only reading: it divides X by max(‖X‖_F, eps) before the steps; a "
    "valid case with normalize = none is skipped",
    "eps passed as the case's (0 when absent), where max(‖X‖_F, 0) = ‖X‖_F + 0; a valid case with eps > 0 is "
    "skipped: the function's eps is a floor on the norm, not added to it",
    "transpose_tall = true, as the function does for a tall X; a valid case with a tall X and transpose_tall = "
    "false is skipped (for m ≤ n both readings leave X as it is)")

IMPLEMENTATIONS = {
    "titans-pytorch": {
        op: Binding("titans_pytorch.neural_memory.newtonschulz5", _NS_CONVENTIONS,
                    options={"transpose_tall": ["true"]}, computes={"normalize": "frobenius"})
        for op in ("newton_schulz.step", "newton_schulz.iterate")
    },
}

_NEURAL_MEMORY = (
    "NeuralMemory's keys, values and queries are learned projections of one sequence, and its "
    "gates are not inputs: decay and momentum are sigmoid(Linear(mean of the chunk's tokens)), "
    "one value per chunk in the open interval (0, 1), and the step size θ is sigmoid(Linear(token)), "
    "one per token, so gates 0 or 1 cannot be given; gate_granularity = chunk (one gate per chunk) "
    "matches its decay and momentum but not its per-token θ, and none of the three is an input, so "
    "the option does not make it expressible; the weights move once per chunk (tokens inside a chunk "
    "read the weights of the previous chunk boundary) and a final partial chunk is not stored; the "
    "memory model must map dim to dim (asserted), so d_k ≠ d_v, which every valid case of the suite "
    "has, cannot run")

NOT_EXPRESSIBLE = {
    "titans_memory.chunked": _NEURAL_MEMORY,
    "titans_mlp.chunked": _NEURAL_MEMORY + "; its MemoryMLP applies GELU, not φ(z) = z + z²/2",
}

CAUSES = {
    "titans-pytorch": {
        (op, "ShapeMismatch"): Cause(
            "defect", "no rank check: an input of rank ≤ 3 (here the vector X, passed as [1, 1, n]) "
                      "is returned unchanged instead of being refused")
        for op in ("newton_schulz.step", "newton_schulz.iterate")
    },
}
_ZERO = Cause("defect", "divides by max(‖X‖_F, eps) without a check: X = 0 with eps = 0 gives 0/0 (NaN) "
                        "instead of a refusal")
CAUSES["titans-pytorch"].update({
    ("newton_schulz.step", "NonFinite"): Cause(
        "defect", "no input check: a NaN or infinite coefficient or eps is computed through to X_next "
                  "instead of being refused"),
    ("newton_schulz.step", "OutOfRange"): Cause(
        "defect", "no range check of eps: a negative eps, a floor max(‖X‖_F, eps) that never acts, is "
                  "computed through instead of being refused"),
    ("newton_schulz.step", "ZeroDenominator"): _ZERO,
    ("newton_schulz.iterate", "OutOfRange"): Cause(
        "defect", "no range check: steps < 0 (no step is run) or a negative eps (a floor that never "
                  "acts) is computed through instead of being refused"),
    ("newton_schulz.iterate", "ZeroDenominator"): _ZERO,
    ("newton_schulz.iterate", "NonFinite"): Cause(
        "defect", "no input check: a NaN or infinite entry of X is computed through to X_out instead "
                  "of being refused"),
})


def _probe():
    """Builds NeuralMemory with a linear memory from d_k = 3 to d_v = 2: the fact that the memory
    model must keep the width, as the library states it."""
    import torch
    from titans_pytorch import NeuralMemory
    try:
        NeuralMemory(dim=3, chunk_size=1, model=torch.nn.Linear(3, 2, bias=False))
        return "builds"
    except Exception as e:                           # noqa: BLE001 - recorded as a fact
        return f"{type(e).__name__}: {e}"


def _call(x, precision, eps):
    import torch
    from titans_pytorch.neural_memory import newtonschulz5
    dt = torch.float32 if precision == "f32" else torch.float64
    X = torch.tensor(x["X"], dtype=dt)[None, None]
    coefs = tuple(float(x[n]) for n in ("a", "b", "c"))
    steps = integer_input(x["steps"]) if "steps" in x else 1
    out = library_call(newtonschulz5, X, steps=steps, eps=eps, coefs=coefs)
    return out[0, 0].to(torch.float64).numpy()


def _newton_schulz(case, x, options, precision):
    eps = float(x["eps"]) if "eps" in x else 0.0
    if case.result == "valid":
        m, n = x["X"].shape
        if m > n and spelling(options.get("transpose_tall", "false")) != "true":
            raise Skip(f"convention transpose_tall={options.get('transpose_tall', 'false')} not supported: "
                       "newtonschulz5 always transposes a tall X")
        if eps != 0.0:
            raise Skip(f"convention eps={eps!r} not supported: newtonschulz5 divides by max(‖X‖_F, eps), "
                       "not by ‖X‖_F + eps (the two agree only for eps = 0)")
    return {next(iter(case.outputs)): _call(x, precision, eps)}


def _confirm(suite, precision):
    """Every valid case's output from newtonschulz5 with its default eps = 1e-7 against the steps on
    X / max(‖X‖_F, 1e-7), a tall X transposed, computed in numpy float64: the conventions the binding
    states, checked (largest difference over the largest value, over every valid case)."""
    import numpy as np
    import nlgolden
    worst, ids = 0.0, []
    for op in ("newton_schulz.step", "newton_schulz.iterate"):
        for case in suite.cases_of(op):
            if case.result != "valid":
                continue
            x = {n: nlgolden.to_numpy(t) for n, t in case.inputs.items()}
            got = _call(x, precision, 1e-7)
            tall = x["X"].shape[0] > x["X"].shape[1]
            y = (x["X"].T if tall else x["X"]) / max(np.linalg.norm(x["X"]), 1e-7)
            a, b, c = (float(x[n]) for n in ("a", "b", "c"))
            for _ in range(int(x["steps"]) if "steps" in x else 1):
                gram = y @ y.T
                y = a * y + b * gram @ y + c * gram @ gram @ y
            want = y.T if tall else y
            worst = max(worst, float(np.max(np.abs(got - want)) / np.max(np.abs(want))))
            ids.append(case.tcId)
    return (f"newtonschulz5 (eps = 1e-7) on tcId {', '.join(map(str, ids))} ({precision}) against the steps on "
            f"X / max(‖X‖_F, 1e-7), a tall X transposed, in numpy float64: largest difference {worst:.1e} of the "
            "largest value")


def run(suite, impl, precision):
    import importlib.metadata as md
    import torch
    torch.set_num_threads(1)
    doc = run_cases(suite, f"{impl} {md.version(LIBRARY)}", ADAPTER, IMPLEMENTATIONS[impl],
                    {op: _newton_schulz for op in IMPLEMENTATIONS[impl]}, precision, PACKAGES)
    doc["x-probes"] = {"NeuralMemory(dim=3, model=Linear(3, 2))": _probe(),
                       f"newton_schulz conventions ({precision})": _confirm(suite, precision)}
    return doc


if __name__ == "__main__":
    from .common import main
    main(sys.modules[__name__])
