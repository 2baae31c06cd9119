#!/usr/bin/env python3
"""A small float64 numpy implementation of four ops of Golden/FORMAT.md ("Ops (version 1)"),
run against every case of the suite; writes a results file with outputs as f64 bit patterns.

    python3 example_numpy.py --out results.json [--golden DIR] [--variant correct|left-multiplied-delta|cms-c-plus-one]
    nlgolden verify results.json

The ops take their inputs by name as float64 numpy arrays and return a dict of outputs, so they
can also be graded case by case with the pytest plugin (see test_two_ops.py).  The suite is found
as `nlgolden` finds it (--golden, NLSPEC_GOLDEN, the suite bundled with the package).

Variants (to show that the verifier catches known misreadings):
  correct                 the definitions of FORMAT.md
  left-multiplied-delta   delta rule as (I - b k k^T) M + b v k^T (defined only when d_k = d_v;
                          otherwise numpy's matmul error is reported, refusing a valid input)
  cms-c-plus-one          CMS boundary sum over the C+1 tokens t = i-C .. i (token 0 does not
                          exist, so the first window is 1..C)
"""

import argparse
import json
import sys

import numpy as np

import nlgolden

VARIANTS = ("correct", "left-multiplied-delta", "cms-c-plus-one")


class InvalidInput(ValueError):
    """The op refuses its input."""


# --------------------------------------------------------------------------------------------
# input checks

def _finite(inputs):
    for name in sorted(inputs):
        a = inputs[name]
        bad = np.flatnonzero(~np.isfinite(a))
        if bad.size:
            raise InvalidInput(f"{name} has a non-finite value {a.flat[bad[0]]!r} at element "
                               f"{int(bad[0])}")


def _ndim(name, a, n):
    if a.ndim != n:
        raise InvalidInput(f"{name} has shape {list(a.shape)}, expected {n} dimension(s)")


def _dim(what, got, want):
    if got != want:
        raise InvalidInput(f"{what} is {got}, expected {want}")


def _scalar(name, a):
    _ndim(name, a, 0)
    return float(a)


def _memory_inputs(M0, K, V, Q):
    for name, a in (("M0", M0), ("K", K), ("V", V), ("Q", Q)):
        _ndim(name, a, 2)
    d_v, d_k = M0.shape
    T = K.shape[0]
    _dim("K's width (d_k)", K.shape[1], d_k)
    _dim("V's row count (T)", V.shape[0], T)
    _dim("V's width (d_v)", V.shape[1], d_v)
    _dim("Q's row count (T)", Q.shape[0], T)
    _dim("Q's width (d_k)", Q.shape[1], d_k)
    return T, d_v, d_k


# --------------------------------------------------------------------------------------------
# ops

def linear_attention_recurrent(M0, K, V, Q):
    _finite(dict(M0=M0, K=K, V=V, Q=Q))
    T, d_v, d_k = _memory_inputs(M0, K, V, Q)
    M = M0.copy()
    Y = np.zeros((T, d_v))
    for t in range(T):
        M = M + np.outer(V[t], K[t])          # write v k^T
        Y[t] = M @ Q[t]                       # read after write
    return {"Y": Y, "M_T": M}


def delta_rule_sequence(M0, K, V, Q, beta, left=False):
    _finite(dict(M0=M0, K=K, V=V, Q=Q, beta=beta))
    T, d_v, d_k = _memory_inputs(M0, K, V, Q)
    _ndim("beta", beta, 1)
    _dim("beta's length (T)", beta.shape[0], T)
    M = M0.copy()
    Y = np.zeros((T, d_v))
    I = np.eye(d_k)
    for t in range(T):
        k, v, b = K[t], V[t], beta[t]
        erase = I - b * np.outer(k, k)
        if left:   # wrong variant: erase factor on the left (numpy raises unless d_k = d_v)
            M = erase @ M + b * np.outer(v, k)
        else:
            M = M @ erase + b * np.outer(v, k)
        Y[t] = M @ Q[t]
    return {"Y": Y, "M_T": M}


def dgd_step(W, x, u, eta):
    _finite(dict(W=W, x=x, u=u, eta=eta))
    _ndim("W", W, 2)
    _ndim("x", x, 1)
    _ndim("u", u, 1)
    eta = _scalar("eta", eta)
    d_out, d_in = W.shape
    _dim("x's length (d_in)", x.shape[0], d_in)
    _dim("u's length (d_out)", u.shape[0], d_out)
    if not eta > 0:
        raise InvalidInput(f"eta = {eta!r} must be > 0")
    eta_p = eta / (1.0 + eta * np.dot(x, x))
    W_next = W @ (np.eye(d_in) - eta_p * np.outer(x, x)) + eta_p * np.outer(u, x)
    return {"W_next": W_next}


def cms_level_run(W1, W2, X, R, period, eta, flush, c_plus_one=False):
    _finite(dict(W1=W1, W2=W2, X=X, R=R, period=period, eta=eta, flush=flush))
    for name, a in (("W1", W1), ("W2", W2), ("X", X), ("R", R)):
        _ndim(name, a, 2)
    C = _scalar("period", period)
    eta = _scalar("eta", eta)
    flush = _scalar("flush", flush)
    d_h, d_in = W1.shape
    d_out = W2.shape[0]
    T = X.shape[0]
    _dim("W2's width (d_h)", W2.shape[1], d_h)
    _dim("X's width (d_in)", X.shape[1], d_in)
    _dim("R's row count (T)", R.shape[0], T)
    _dim("R's width (d_out)", R.shape[1], d_out)
    if C != int(C) or C < 1:
        raise InvalidInput(f"period = {C!r} must be an integer >= 1")
    if eta < 0:
        raise InvalidInput(f"eta = {eta!r} must be >= 0")
    if flush not in (0.0, 1.0):
        raise InvalidInput(f"flush = {flush!r} must be 0 or 1")
    C = int(C)

    def forward(A1, A2, x):
        h = A1 @ x
        a = h + h * h / 2.0                   # phi(z) = z + z^2/2
        return h, a, A2 @ a

    def grads(A1, A2, tokens):               # sum of the per-token gradients at (A1, A2)
        G1, G2 = np.zeros_like(A1), np.zeros_like(A2)
        for t in tokens:                      # 1-based token numbers
            x, r = X[t - 1], R[t - 1]
            h, a, y = forward(A1, A2, x)
            e = y - r                         # d/dy of 1/2 ||y - r||^2
            G2 += np.outer(e, a)
            G1 += np.outer((A2.T @ e) * (1.0 + h), x)   # phi'(z) = 1 + z
        return G1, G2

    def window(i, length):                    # tokens summed by the update after token i
        first = i - length if c_plus_one else i - length + 1
        return range(max(first, 1), i + 1)

    A1, A2 = W1.copy(), W2.copy()
    Y = np.zeros((T, d_out))
    updates, after1, after2 = [], [], []
    for i in range(1, T + 1):
        Y[i - 1] = forward(A1, A2, X[i - 1])[2]   # parameters current at token i
        if i % C == 0:                            # parameters constant inside a chunk, so the
            G1, G2 = grads(A1, A2, window(i, C))  # current ones are the chunk-start ones
            A1, A2 = A1 - eta * G1, A2 - eta * G2
            updates.append(i)
            after1.append(A1.copy())
            after2.append(A2.copy())
    if flush == 1.0 and T % C:
        G1, G2 = grads(A1, A2, window(T, T % C))
        A1, A2 = A1 - eta * G1, A2 - eta * G2
        updates.append(T)
        after1.append(A1.copy())
        after2.append(A2.copy())
    n = len(updates)
    return {"Y": Y,
            "update_tokens": np.array(updates, dtype=np.float64),
            "W1_after": np.array(after1).reshape(n, d_h, d_in),
            "W2_after": np.array(after2).reshape(n, d_out, d_h)}


def run_op(op, inputs, variant="correct"):
    if op == "linear_attention.recurrent":
        return linear_attention_recurrent(**inputs)
    if op == "delta_rule.sequence":
        return delta_rule_sequence(**inputs, left=(variant == "left-multiplied-delta"))
    if op == "dgd.step":
        return dgd_step(**inputs)
    if op == "cms_level.run":
        return cms_level_run(**inputs, c_plus_one=(variant == "cms-c-plus-one"))
    raise InvalidInput(f"unknown op {op!r}")


# The ops this example implements; cases of other ops get no result.
IMPLEMENTED = ("linear_attention.recurrent", "delta_rule.sequence", "dgd.step", "cms_level.run")


def bits(a):
    a = np.ascontiguousarray(a, dtype=np.float64)
    h = a.astype(">f8").tobytes().hex()
    return [h[i:i + 16] for i in range(0, len(h), 16)]


def run_suite(suite, variant="correct"):
    results = []
    for case in suite.cases:
        if case.op not in IMPLEMENTED:
            continue  # no result: the verifier reports the case as missing (skipped), not passed
        inputs = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
        entry = {"tcId": case.tcId, "op": case.op}
        try:
            with np.errstate(all="ignore"):
                outs = run_op(case.op, inputs, variant)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as e:
            entry["error"] = f"{type(e).__name__}: {e}"
        else:
            entry["outputs"] = {name: {"shape": list(np.shape(a)), "f64": bits(a)}
                                for name, a in outs.items()}
        results.append(entry)
    return {"suiteVersion": suite.suiteVersion,
            "implementation": f"nlgolden example_numpy ({variant}), numpy {np.__version__}",
            "results": results}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--golden", default=None, help="golden directory (default: as nlgolden "
                    "finds it)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--variant", choices=VARIANTS, default="correct")
    args = ap.parse_args(argv)
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
    print(f"wrote {args.out}: {len(doc['results'])} results ({n_err} refused), "
          f"variant {args.variant}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
