"""titans-pytorch 0.5.5: the Titans neural memory (NeuralMemory) and its Newton–Schulz helper.

NeuralMemory's update is driven by learned projections of one input sequence, not by the
case's keys, values and gates, and it cannot be made to compute the op (NOT_EXPRESSIBLE says
why, from titans_pytorch/neural_memory.py); `run` records one of those facts by construction
(x-probes). The module-level function `titans_pytorch.neural_memory.newtonschulz5` (used for
`spectral_norm_surprises`; not re-exported by the package) is run on newton_schulz.step.
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "adapters"

from .common import Binding, Cause, library_call, run_cases

ADAPTER = "titans_pytorch"
LIBRARY = "titans-pytorch"
PACKAGES = ("titans-pytorch", "torch", "numpy")

IMPLEMENTATIONS = {
    "titans-pytorch": {
        "newton_schulz.step": Binding(
            "titans_pytorch.neural_memory.newtonschulz5",
            ("X passed as [1, 1, m, n]: the function returns an input of rank ≤ 3 unchanged",
             "steps=1, coefs=(a, b, c) from the case, eps left at 1e-7",
             "the function divides X by max(‖X‖_F, eps) before the step and transposes a tall X "
             "(the transpose does not change one step's polynomial)")),
    },
}

_NEURAL_MEMORY = (
    "NeuralMemory's keys, values and queries are learned projections of one sequence, and its "
    "gates are not inputs: decay and momentum are sigmoid(Linear(mean of the chunk's tokens)), "
    "one value per chunk in the open interval (0, 1), so per-token gates and gates 0 or 1 cannot "
    "be given; the weights move once per chunk (tokens inside a chunk read the weights of the "
    "previous chunk boundary) and a final partial chunk is not stored; the memory model must map "
    "dim to dim (asserted), so d_k ≠ d_v, which every valid case of the suite has, cannot run")

NOT_EXPRESSIBLE = {
    "titans_memory.chunked": _NEURAL_MEMORY,
    "titans_mlp.chunked": _NEURAL_MEMORY + "; its MemoryMLP applies GELU, not φ(z) = z + z²/2",
}

CAUSES = {
    "titans-pytorch": {
        ("newton_schulz.step", "valid"): Cause(
            "convention", "newtonschulz5 normalises X by its Frobenius norm before the step: it "
                          "returns p(X/‖X‖_F), the op is p(X) (no normalisation)"),
        ("newton_schulz.step", "ShapeMismatch"): Cause(
            "defect", "no rank check: an input of rank ≤ 3 (here the vector X, passed as [1, 1, n]) "
                      "is returned unchanged instead of being refused"),
        ("newton_schulz.step", "NonFinite"): Cause(
            "defect", "no input check: a NaN or infinite coefficient is computed through to X_next "
                      "instead of being refused"),
    },
}


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


def _newton_schulz(case, x, options, precision):
    import torch
    from titans_pytorch.neural_memory import newtonschulz5
    dt = torch.float32 if precision == "f32" else torch.float64
    X = torch.tensor(x["X"], dtype=dt)[None, None]
    coefs = tuple(float(x[n]) for n in ("a", "b", "c"))
    out = library_call(newtonschulz5, X, steps=1, coefs=coefs)
    return {"X_next": out[0, 0].to(torch.float64).numpy()}


def _confirm(suite, precision):
    """The valid cases' X_next from newtonschulz5 against p(X / max(‖X‖_F, 1e-7)) computed in numpy
    float64: the convention the causes table states, checked (largest difference over the largest
    value, over every valid case)."""
    import numpy as np
    import nlgolden
    worst, ids = 0.0, []
    for case in suite.cases_of("newton_schulz.step"):
        if case.result != "valid":
            continue
        x = {n: nlgolden.to_numpy(t) for n, t in case.inputs.items()}
        got = _newton_schulz(case, x, {}, precision)["X_next"]
        y = x["X"] / max(np.linalg.norm(x["X"]), 1e-7)
        a, b, c = (float(x[n]) for n in ("a", "b", "c"))
        gram = y @ y.T
        want = a * y + b * gram @ y + c * gram @ gram @ y
        worst = max(worst, float(np.max(np.abs(got - want)) / np.max(np.abs(want))))
        ids.append(case.tcId)
    return (f"newtonschulz5 on tcId {', '.join(map(str, ids))} ({precision}) against p(X / ‖X‖_F) in numpy "
            f"float64: largest difference {worst:.1e} of the largest value")


def run(suite, impl, precision):
    import importlib.metadata as md
    import torch
    torch.set_num_threads(1)
    doc = run_cases(suite, f"{impl} {md.version(LIBRARY)}", ADAPTER, IMPLEMENTATIONS[impl],
                    {"newton_schulz.step": _newton_schulz}, precision, PACKAGES)
    doc["x-probes"] = {"NeuralMemory(dim=3, model=Linear(3, 2))": _probe(),
                       f"newton_schulz.step convention ({precision})": _confirm(suite, precision)}
    return doc


if __name__ == "__main__":
    from .common import main
    main(sys.modules[__name__])
