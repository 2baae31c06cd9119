"""Both graders of the contract on one corpus: `nlspec golden verify` (Swift; the executable named
by the environment variable NLSPEC) and `nlgolden verify` must give the same exit code, the same
JSON report (compared as parsed JSON) and the same text report on every item of corpus.py.
Skipped when NLSPEC is not set.

    NLSPEC=.build/release/nlspec pytest Golden/python/tests/test_cross_grader.py -s
"""

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys

import pytest

import corpus

NLSPEC = os.environ.get("NLSPEC")

pytestmark = pytest.mark.skipif(not NLSPEC, reason="set NLSPEC to an nlspec executable to "
                                "compare the two graders")


def _nlgolden():
    exe = shutil.which("nlgolden", path=os.path.dirname(sys.executable) + os.pathsep
                       + os.environ.get("PATH", ""))
    return [exe] if exe else [sys.executable, "-m", "nlgolden"]


def _commands(item, json_mode):
    tail = [item["results"], "--golden", item["golden"], "--precision", item["precision"],
            *item["args"]] + (["--json"] if json_mode else [])
    return {"nlspec": [NLSPEC, "golden", "verify", *tail],
            "nlgolden": _nlgolden() + ["verify", *tail]}


def _run(cmd):
    env = dict(os.environ)
    env.pop("NLSPEC_GOLDEN", None)
    out = subprocess.run(cmd, capture_output=True, env=env, timeout=1800)
    return out.returncode, out.stdout.decode("utf-8", "replace"), out.stderr.decode("utf-8",
                                                                                   "replace")


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _differences(a, b, path="$", out=None, limit=4):
    """Up to `limit` places where two parsed JSON values differ (numbers compare by value, so
    0 and 0.0 are equal)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if _is_number(a) and _is_number(b):
        if a != b:
            out.append(f"{path}: {a!r} vs {b!r}")
    elif type(a) is not type(b):
        out.append(f"{path}: {a!r} vs {b!r}")
    elif isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                out.append(f"{path}.{k}: present in only one")
            else:
                _differences(a[k], b[k], f"{path}.{k}", out, limit)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} vs {len(b)} items")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                _differences(x, y, f"{path}[{i}]", out, limit)
    elif a != b:
        out.append(f"{path}: {a!r} vs {b!r}")
    return out


def _first_line_difference(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}:\n  nlspec:   {x}\n  nlgolden: {y}"
    return f"{len(la)} vs {len(lb)} lines" if len(la) != len(lb) else "trailing characters"


def _compare(item, runs):
    """None when both graders agree on the item, else what differs."""
    problems = []
    for mode in ("json", "text"):
        (c1, o1, e1), (c2, o2, e2) = runs[(mode, "nlspec")], runs[(mode, "nlgolden")]
        if c1 != c2:
            problems.append(f"{mode}: exit {c1} (nlspec) vs {c2} (nlgolden); stderr: "
                            f"{e1.strip()[:300]!r} / {e2.strip()[:300]!r}")
            continue
        if c1 == 2:
            if o1 or o2:
                problems.append(f"{mode}: exit 2 with output on stdout")
            continue
        if mode == "json":
            try:
                j1, j2 = json.loads(o1), json.loads(o2)
            except ValueError as e:
                problems.append(f"json: not JSON ({e})")
                continue
            d = _differences(j1, j2)
            if d:
                problems.append("json: " + "; ".join(d))
        elif o1 != o2:
            problems.append(f"text: {_first_line_difference(o1, o2)}")
    return "; ".join(problems) or None


def test_graders_agree_on_the_corpus(tmp_path_factory):
    items = corpus.write_corpus(str(tmp_path_factory.mktemp("corpus")))
    jobs = {}
    workers = min(32, os.cpu_count() or 4)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for k, item in enumerate(items):
            for mode in ("json", "text"):
                for grader, cmd in _commands(item, mode == "json").items():
                    jobs[(k, mode, grader)] = pool.submit(_run, cmd)
        results = {key: f.result() for key, f in jobs.items()}
    disagreements = []
    for k, item in enumerate(items):
        runs = {(mode, grader): results[(k, mode, grader)]
                for mode in ("json", "text") for grader in ("nlspec", "nlgolden")}
        d = _compare(item, runs)
        if d:
            disagreements.append(f"{item['name']} ({item['why']}): {d}")
    agree = len(items) - len(disagreements)
    print(f"\ncross-grader corpus: {len(items)} items, both graders agree on {agree}")
    for d in disagreements:
        print("  DIFFERS " + d)
    assert not disagreements, f"{len(disagreements)} of {len(items)} items differ:\n" + \
        "\n".join(disagreements[:20])
