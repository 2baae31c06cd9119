#!/usr/bin/env python3
"""A float64 numpy implementation of every op of Golden/FORMAT.md ("Ops (version 1)"), run against
every case of the suite; writes a results file with outputs as f64 bit patterns.

    python3 example_numpy.py --out results.json [--golden DIR] [--variant NAME]
    python3 example_numpy.py --list-variants
    nlgolden verify results.json

The ops are in numpy_ops.py beside this file: one function per op, taking the case's inputs by
name as float64 numpy arrays and returning a dict of outputs, so they can also be graded case by
case with the pytest plugin (see test_two_ops.py and test_all_ops.py).  An input an op refuses
raises numpy_ops.InvalidInput, whose `kind` names the invalid-case flag (ShapeMismatch, NonFinite,
OutOfRange, ZeroDenominator); the results file records the refusal as an `error` string that
starts with the kind, and the kind as `errorKind` (so the suite passes under --strict-errors too).
The suite is found as `nlgolden` finds it (--golden, NLSPEC_GOLDEN, the suite bundled with the
package).

Variants run a reading the suite shows wrong (Spec/ERRATA.md, Spec/CONVENTIONS.md) in the ops it
concerns, to show that the grader rejects each one; `--list-variants` prints them.
"""

import argparse
import inspect
import json
import sys

import numpy as np

import nlgolden
from numpy_ops import OPS, InvalidInput

# name -> (the misreading, {op: the keywords that select it})
VARIANTS = {
    "correct": ("the definitions of FORMAT.md", {}),
    "left-multiplied-delta": (
        "delta rule as (I - b k k^T) M + b v k^T (arXiv eq. 65 as printed; numpy refuses it when d_k != d_v, "
        "refusing a valid input)", {"delta_rule.sequence": {"orientation": "left"}}),
    "cms-c-plus-one": (
        "a CMS boundary update sums the C + 1 tokens i-C .. i (arXiv eq. 71 as printed)",
        {"cms_level.run": {"window": "c_plus_one"}}),
    "read-before-write": (
        "linear attention reads M_{t-1} q_t, before the token's write", {"linear_attention.recurrent": {
            "read_order": "before_write"}}),
    "state-not-carried": (
        "the second call of the delta rule starts again from M0", {"delta_rule.two_calls": {"carry_state": False}}),
    "gate-after-write": (
        "the gated delta rule's gate also scales the write: a (M (I - b k k^T) + b v k^T)",
        {"gated_delta_rule.sequence": {"gate": "after_write"}}),
    "dgd-printed-step-size": (
        "DGD with eq. 57's printed step eta / (1 + eta), right only for unit-norm keys",
        {"dgd.step": {"step_size": "printed"}}),
    "loss-without-half": (
        "the loss ||y - t||^2 without its 1/2: every gradient doubled",
        {"linear.gd_step": {"loss_scale": 1.0}, "mlp2.gradients": {"loss_scale": 1.0}}),
    "neurips-momentum-sign": (
        "momentum m_t = beta m_{t-1} - eta g_t, W_t = W_{t-1} - m_t (NeurIPS eq. 7-8 as printed)",
        {"momentum.trajectory": {"sign": "neurips"}}),
    "momentum-decay-on-the-left": (
        "delta momentum (alpha I - eta g^T g) m + eta P g (NeurIPS eq. 22's side; refused unless m is square)",
        {"momentum_memory.step": {"decay_side": "left"}}),
    "newton-schulz-normalised": (
        "Newton-Schulz always divides X by its Frobenius norm first (Muon's wrapper, selected only by normalize)",
        {"newton_schulz.step": {"normalize": "frobenius"}, "newton_schulz.iterate": {"normalize": "frobenius"}}),
    "newton-schulz-eps-dropped": (
        "the Frobenius normalisation divides by ||X||_F, without the case's eps",
        {"newton_schulz.step": {"eps_placement": "dropped"}, "newton_schulz.iterate": {"eps_placement": "dropped"}}),
    "newton-schulz-eps-under-root": (
        "the Frobenius normalisation divides by sqrt(||X||_F^2 + eps): eps added to the square, not the norm",
        {"newton_schulz.step": {"eps_placement": "under_root"},
         "newton_schulz.iterate": {"eps_placement": "under_root"}}),
    "adam-ema-moments": (
        "Adam with the textbook moving averages instead of the accumulated moments of eq. 102-105",
        {"adam_memory.trajectory": {"moments": "ema"}}),
    "m3-printed-window": (
        "M3's slow momentum sums f + 1 gradients (Algorithm 1, line 3 as printed)",
        {"m3.trajectory": {"window": "printed"}}),
    "m3-slow-update-at-chunk-start": (
        "M3 folds a finished chunk into the slow memory at the start of its last step kf, so step kf already uses it",
        {"m3.trajectory": {"slow_update": "chunk_start"}}),
    "dmgd-weight-first": (
        "deep momentum GD moves W by the memory's output before the memory's step",
        {"dmgd.trajectory": {"timing": "weight_first"}}),
    "attention-without-causal-mask": (
        "attention over every token of the sequence, the future included",
        {"softmax_attention.causal": {"mask": "none"}, "transformer_block.cms1": {"mask": "none"}}),
    "titans-gradients-at-current-state": (
        "chunked Titans takes each gradient at the current state, not at the chunk start",
        {"titans_memory.chunked": {"anchor": "current"}, "titans_mlp.chunked": {"anchor": "current"}}),
    "smt-read-after-write": (
        "self-modifying Titans reads after the token's write (arXiv eq. 82; eq. 83 and 94 read before)",
        {"self_modifying_titans.chunked": {"read_order": "after_write"},
         "hope.forward": {"read_order": "after_write"}}),
    "smt-dot-product-sign-as-printed": (
        "the dot-product write - eta v^ k^T of arXiv eq. 92 as printed (an ascent step)",
        {"self_modifying_titans.chunked": {"write_sign": -1.0}, "hope.forward": {"write_sign": -1.0}}),
    "cms-mean-not-sum": (
        "a CMS level steps on the mean of its chunk's gradients, not their sum",
        {"cms.sequential": {"reduction": "mean"}, "cms.independent": {"reduction": "mean"},
         "hope.forward": {"reduction": "mean"}}),
    "cms-gradients-at-boundary": (
        "a CMS level's gradients are recomputed at its boundary, not taken per token as the tokens pass",
        {"cms.sequential": {"timing": "at_boundary"}, "cms.independent": {"timing": "at_boundary"},
         "hope.forward": {"timing": "at_boundary"}}),
    "attention-scale-on-top-of-default": (
        "softmax attention multiplies the scores by a given scale and by 1/sqrt(d_k), not by the scale alone",
        {"softmax_attention.causal": {"scale_with_default": True}}),
    "titans-log-gate-as-forgetting-rate": (
        "the Titans log-space gate read as log(alpha), the forgetting rate, not log(1 - alpha), the retention",
        {"titans_memory.chunked": {"log_gate": "forgetting_rate"}, "titans_mlp.chunked": {"log_gate": "forgetting_rate"}}),
    "nested-cms-first-order": (
        "nested CMS moves Phi by the sum of the per-token gradients (first order), not through the inner updates",
        {"cms.nested": {"meta_gradient": "first_order"}}),
    "layer-norm-unbiased-variance": (
        "LayerNorm divides the squared deviations by d - 1 (torch.var's default), not by d",
        {"norm.layer": {"variance": "unbiased"}}),
    "gelu-tanh-for-erf": (
        "GELU computed with its tanh approximation, not x Phi(x) with erf",
        {"elementwise.gelu": {"form": "tanh"}}),
}


def bits(a):
    """A float64 array as the results format's f64 bit patterns (row-major)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    h = a.astype(">f8").tobytes().hex()
    return [h[i:i + 16] for i in range(0, len(h), 16)]


def accepts(fn, names):
    """Whether fn takes every keyword in names (a case's options or optional inputs that this code
    does not know are skipped, not guessed)."""
    params = inspect.signature(fn).parameters
    return all(n in params for n in names) or any(p.kind == p.VAR_KEYWORD for p in params.values())


def run_case(case, variant="correct"):
    """The results entry of one case: its outputs, or the refusal of its input."""
    fn = OPS[case.op]
    inputs = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
    keywords = dict(getattr(case, "options", None) or {})     # conventions a case may select
    keywords.update(VARIANTS[variant][1].get(case.op, {}))
    entry = {"tcId": case.tcId, "op": case.op}
    try:
        with np.errstate(all="ignore"):
            outputs = fn(**inputs, **keywords)
    except InvalidInput as e:
        entry["error"] = f"{e.kind}: {e}"
        entry["errorKind"] = e.kind           # graded under --strict-errors
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as e:     # numpy's own refusals
        entry["error"] = f"{type(e).__name__}: {e}"
    else:
        entry["outputs"] = {name: {"shape": list(np.shape(a)), "f64": bits(a)} for name, a in outputs.items()}
    return entry


def run_suite(suite, variant="correct", ops=None):
    """The results document of every case (of `ops`, when given) under a variant."""
    results = []
    for case in suite.cases:
        if case.op not in OPS or (ops is not None and case.op not in ops):
            continue      # no result: the verifier reports the case as missing (skipped), not passed
        if not accepts(OPS[case.op], set(case.inputs) | set(getattr(case, "options", None) or {})):
            continue      # a convention this code does not implement: missing as well
        results.append(run_case(case, variant))
    return {"suiteVersion": suite.suiteVersion,
            "implementation": f"nlgolden example_numpy ({variant}), numpy {np.__version__}",
            "results": results}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--golden", default=None, help="golden directory (default: as nlgolden finds it)")
    ap.add_argument("--out", help="the results file to write")
    ap.add_argument("--variant", choices=list(VARIANTS), default="correct")
    ap.add_argument("--list-variants", action="store_true", help="print the variants and the ops they change")
    args = ap.parse_args(argv)
    if args.list_variants:
        for name, (summary, ops) in VARIANTS.items():
            print(f"{name}: {summary}" + (f" [{', '.join(ops)}]" if ops else ""))
        return 0
    if not args.out:
        ap.error("--out is required")
    try:
        suite = nlgolden.load_suite(nlgolden.find_golden(args.golden))
    except nlgolden.GoldenError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    doc = run_suite(suite, args.variant)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    n_err = sum("error" in r for r in doc["results"])
    print(f"wrote {args.out}: {len(doc['results'])} results ({n_err} refused), variant {args.variant}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
