"""Shared machinery of the conformance adapters: what an adapter declares, how a case is run
through a library, and the results document it writes (Golden/FORMAT.md, "Results file").

This module and the declarations at the top of every adapter import no torch: the scoreboard
reads them (conventions, causes, facts) without the libraries installed.  Only an adapter's
`run` imports torch and its library.

A results document holds, besides `suiteVersion`, `implementation` and `results`, keys that the
graders ignore (`x-` prefix):
  x-adapter        the adapter module (adapters/<x-adapter>.py)
  x-precision      f32 or f64: the dtype the library computed in, and the grading precision
  x-versions       the installed versions of the library, torch, numpy and Python
  x-ops            per op run: the API called (the conventions are the adapter's Binding)
  x-notRun         per op not run in this precision: why
  x-skipped        per case not run: [{tcId, op, reason}]
  x-probes         facts the adapter records by running the library (an import, a constructor, a
                   convention checked against a numpy reference)
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
REPO_GOLDEN = os.path.dirname(CONFORMANCE)

# The read order of the recurrences bound here (the manifest's `ReadOrder: afterWrite` convention), as a
# value of the `read_order` option; values are compared without case, `_` or `-`.
READ_AFTER_WRITE = "after_write"


@dataclass(frozen=True)
class Cause:
    """The fact behind a failure: `defect` (the implementation is wrong for this input) or
    `convention` (it computes another reading of the op that it does not let a caller change)."""
    kind: str
    text: str

    def __post_init__(self):
        if self.kind not in ("defect", "convention"):
            raise ValueError(f"cause kind {self.kind!r}: defect or convention")


@dataclass(frozen=True)
class Binding:
    """One golden op as an implementation runs it.

    api:          the public function or class called, unmodified
    conventions:  the readings the adapter selects, in words (scale, layout, gates, read order)
    f64:          None when float64 runs too; otherwise why the library computes in float32 only
    options:      for each case option (FORMAT.md `options`) the values this binding can select
                  besides the manifest's default; a case with any other value is skipped, with
                  that fact as its reason (check_options)
    computes:     for an option the library does not let a caller change, the value it always
                  computes: a valid case with another value (the default included) is skipped as
                  that convention; an invalid case runs whatever its value (its input is invalid
                  under every reading, and the verdict is whether the library refuses it)
    """
    api: str
    conventions: tuple[str, ...]
    f64: str | None = None
    options: dict = field(default_factory=dict)
    computes: dict = field(default_factory=dict)


class Skip(Exception):
    """The adapter does not run this case; the message is the recorded reason."""


class Refusal(Exception):
    """The library raised on this case: `Type: message`, recorded as the results entry's error."""


def library_call(fn: Callable, *args, **kwargs):
    """Call the library; any exception it raises becomes a Refusal carrying its type and message.
    Exceptions raised outside such a call (the adapter's own code) are not caught."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:                           # noqa: BLE001 - the library's refusal, any type
        message = " ".join(str(e).split()) or "(no message)"
        raise Refusal(f"{type(e).__name__}: {message}") from e


def load_suite(golden=None):
    """The suite of this repository (Golden/), or `golden` when given."""
    import nlgolden
    return nlgolden.load_suite(golden or os.environ.get("NLSPEC_GOLDEN") or REPO_GOLDEN)


def case_document(case) -> dict:
    """The raw JSON of a case file (for fields a reader may not expose yet, such as `options`)."""
    with open(case.path, encoding="utf-8") as f:
        return json.load(f)


def case_options(suite, case) -> dict:
    """The case's options (FORMAT.md: option name -> string), an absent one as the manifest's
    default for the op. Suites without options give {}."""
    given = getattr(case, "options", None)
    if given is None:
        given = case_document(case).get("options", {}) or {}
    chosen = option_defaults(suite, case.op)
    chosen.update(given)
    return chosen


def optional_scalar(suite, case, name, inputs) -> float | None:
    """An optional scalar input (manifest `optionalInputs`): the case's value, else the manifest's
    default (an exact rational string, rounded to binary64), else None when the op has none."""
    if name in inputs:
        return float(inputs[name].reshape(-1)[0])
    default = (suite.ops.get(case.op, {}).get("optionalInputs", {}) or {}).get(name)
    return None if default is None else float(Fraction(default))


def integer_input(x: float):
    """An integer input handed to a library as it is: an int when the binary64 value is an
    integer (so an API expecting int accepts it), else the float unchanged (never rounded), so
    the library itself decides whether to refuse it (FORMAT.md "Integer inputs"). A scalar input
    of another shape (an invalid case) is handed over as the nested list of its values."""
    if getattr(x, "ndim", 0) > 0:
        return x.tolist()
    x = float(x)
    return int(x) if math.isfinite(x) and x == math.floor(x) else x


def spelling(value) -> str:
    """An option value compared without case, `_` or `-` (`after_write` = `afterWrite`)."""
    return str(value).lower().replace("_", "").replace("-", "")


def option_defaults(suite, op) -> dict:
    declared = suite.ops.get(op, {}).get("options", {}) or {}
    return {name: spec.get("default") for name, spec in declared.items()}


def check_options(binding: Binding, options: dict, defaults: dict, valid: bool = True):
    """Skip unless every option is selectable. An option the library computes at one value only
    (`computes`) must have that value in a valid case and is not checked in an invalid one. An
    option at the manifest's default is otherwise the reading the suite had before options existed,
    the one each adapter was written and graded against; any other value must be one the binding
    lists."""
    for name, value in sorted(options.items()):
        if name in binding.computes:
            if valid and spelling(value) != spelling(binding.computes[name]):
                raise Skip(f"convention {name}={value} not supported: the library always computes "
                           f"{name}={binding.computes[name]}")
            continue
        if name in defaults and spelling(value) == spelling(defaults[name]):
            continue
        supported = binding.options.get(name)
        if supported is None:
            raise Skip(f"option {name}={value}: the library has no such setting")
        if spelling(value) not in {spelling(v) for v in supported}:
            raise Skip(f"option {name}={value}: not selectable (the library computes "
                       f"{' or '.join(sorted(supported))})")


def encode(array) -> dict:
    """A numpy array as a results output: its shape and exact binary64 bit patterns."""
    import numpy as np
    import nlgolden
    a = np.asarray(array, dtype=np.float64)
    return {"shape": list(a.shape), "f64": [nlgolden.hex_from_f64(x) for x in a.reshape(-1)]}


def versions(packages) -> dict:
    import importlib.metadata as md
    out = {name: md.version(name) for name in packages}
    out["python"] = ".".join(map(str, sys.version_info[:3]))
    return out


def run_cases(suite, impl: str, adapter_id: str, bindings: dict, ops: dict, precision: str,
              packages, not_run=None) -> dict:
    """Run every case of every bound op and build the results document.

    ops: op -> function(case, inputs, options, precision) returning {output name: array};
    it raises Skip for a case it does not run and lets Refusal (from library_call) through."""
    import nlgolden
    results, skipped, ran = [], [], {}
    not_run = dict(not_run or {})
    for op, binding in bindings.items():
        if precision == "f64" and binding.f64 is not None:
            not_run[op] = binding.f64
            continue
        ran[op] = binding.api
        for case in suite.cases_of(op):
            inputs = {n: nlgolden.to_numpy(t) for n, t in case.inputs.items()}
            try:
                options = case_options(suite, case)
                check_options(binding, options, option_defaults(suite, op), case.result == "valid")
                outputs = ops[op](case, inputs, options, precision)
            except Skip as s:
                skipped.append({"tcId": case.tcId, "op": op, "reason": str(s)})
                continue
            except Refusal as r:
                results.append({"tcId": case.tcId, "op": op, "error": str(r)})
                continue
            results.append({"tcId": case.tcId, "op": op,
                            "outputs": {name: encode(outputs[name]) for name in case.outputs}})
    return {"suiteVersion": suite.suiteVersion, "implementation": impl,
            "x-adapter": adapter_id, "x-precision": precision, "x-versions": versions(packages),
            "x-ops": ran, "x-notRun": not_run, "x-skipped": skipped,
            "results": sorted(results, key=lambda e: e["tcId"])}


def write_document(doc: dict, path: str):
    """Deterministic JSON: sorted keys, one value per line (reruns diff cleanly)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n")


def main(module, argv=None):
    """`python -m adapters.<lib> --precision f32 --out DIR [--golden DIR]`: runs every
    implementation the adapter declares and writes results/<impl>.<precision>.json."""
    import argparse
    p = argparse.ArgumentParser(prog=f"adapters.{module.ADAPTER}")
    p.add_argument("--precision", choices=["f32", "f64"], action="append")
    p.add_argument("--out", default=os.path.join(CONFORMANCE, "results"))
    p.add_argument("--golden")
    a = p.parse_args(argv)
    suite = load_suite(a.golden)
    os.makedirs(a.out, exist_ok=True)
    for precision in a.precision or ["f32", "f64"]:
        for impl in module.IMPLEMENTATIONS:
            doc = module.run(suite, impl, precision)
            path = os.path.join(a.out, f"{impl}.{precision}.json")
            write_document(doc, path)
            print(f"{path}: {len(doc['results'])} results, {len(doc['x-skipped'])} skipped")
