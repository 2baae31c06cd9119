"""Every op of Golden/FORMAT.md ("Ops (version 1)") in plain float64 numpy, written from the
definitions of that table (equation numbers are arXiv 2512.24695 unless marked NeurIPS).

Each op is one function that takes the case's inputs by name (float64 numpy arrays; scalars have
shape ()) and returns a dict of named outputs, so

    outputs = delta_rule_sequence(**inputs)

runs a case, and the pytest plugin of nlgolden can call it (see test_all_ops.py).  An input the op
must refuse raises InvalidInput; its subclass names the invalid-case flag it refuses for
(`kind`: ShapeMismatch, NonFinite, OutOfRange, ZeroDenominator).

Some functions take keywords after their inputs; their defaults are the suite's readings.
The options of the manifest (FORMAT.md, "The options of this version") arrive as strings, as a case
sets them: `normalize` (with the optional input `eps`) and `transpose_tall` of the Newton-Schulz
ops, `slow_update` of m3.trajectory, `gate_granularity` of the chunked Titans ops.  `scale` (the
query is multiplied by it before the read) and `read_order` ("before_write" reads the memory
before the token's write) are conventions other implementations use legitimately.  The other
keywords and values (`eps_placement`, slow_update="chunk_start", ...) select readings the suite
shows wrong (Spec/CONVENTIONS.md, Spec/ERRATA.md), which example_numpy.py --variant runs to show
that the grader rejects them.
"""

import math

import numpy as np

# --------------------------------------------------------------------------------------------
# refusals


class InvalidInput(ValueError):
    """The op refuses its input.  `kind` is the flag of Golden/MANIFEST.json the refusal is for."""
    kind = None


class ShapeMismatch(InvalidInput):
    """A tensor of the wrong rank, or a dimension that disagrees with another input's."""
    kind = "ShapeMismatch"


class NonFinite(InvalidInput):
    """A NaN or an infinity in an input."""
    kind = "NonFinite"


class OutOfRange(InvalidInput):
    """A value outside the op's domain (a period < 1, a negative learning rate, 1.5 steps)."""
    kind = "OutOfRange"


class ZeroDenominator(InvalidInput):
    """A denominator of the op is zero for these inputs."""
    kind = "ZeroDenominator"


# --------------------------------------------------------------------------------------------
# input checks


def check_finite(**inputs):
    """Refuse a NaN or an infinity in any input (checked first: every other check reads values)."""
    for name, a in inputs.items():
        a = np.asarray(a, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(a))
        if bad.size:
            raise NonFinite(f"{name} has a non-finite value {a.flat[bad[0]]!r} at element {int(bad[0])}")


def check_shapes(*specs):
    """Each spec is (name, array, "T d_k"): one word per dimension (`""` for a scalar).  A word
    seen twice must name the same size.  Returns the sizes by word."""
    sizes, source = {}, {}
    for name, a, pattern in specs:
        words = pattern.split()
        shape = list(np.shape(a))
        if len(shape) != len(words):
            raise ShapeMismatch(f"{name} has shape {shape}, expected {len(words)} dimension(s)"
                                f" ({pattern or 'a scalar'})")
        for word, n in zip(words, shape):
            if word.isdigit() and n != int(word):
                raise ShapeMismatch(f"{name} has shape {shape}, expected {pattern}")
            if word in sizes and sizes[word] != n:
                raise ShapeMismatch(f"{name} has shape {shape}: its {word} is {n}, but {source[word]} "
                                    f"gives {word} = {sizes[word]}")
            sizes.setdefault(word, n)
            source.setdefault(word, name)
    return sizes


def integer(name, x, low=None, high=None):
    """An integer input (stored as a binary64 value): must be an integer exactly, checked on the
    double, never converted first (int(1.5) would turn an invalid case into a valid one)."""
    x = float(x)
    if x != math.floor(x):
        raise OutOfRange(f"{name} = {x!r} is not an integer")
    if (low is not None and x < low) or (high is not None and x > high):
        bounds = f">= {low}" if high is None else f"in {low}..{high}"
        raise OutOfRange(f"{name} = {x!r} must be {bounds}")
    return int(x)


def require(condition, message):
    """A range check of the op's table ("Invalid inputs"): refuse with OutOfRange."""
    if not condition:
        raise OutOfRange(message)


def phi(z):
    """The activation of every MLP in the suite, phi(z) = z + z^2/2; phi'(z) = 1 + z."""
    return z + 0.5 * (z * z)


_erf = np.vectorize(math.erf, otypes=[float])
_GELU_K = math.sqrt(2.0 / math.pi)


def mlp_activation(name):
    """The option `activation` of the MLP memories (FORMAT.md): (phi, phi') for "poly" (z + z^2/2),
    "relu" (phi'(0) = 0), "silu" (z sigmoid(z)), "gelu" (z Phi(z)), "gelu_tanh"."""
    name = _choice("activation", name, ("poly", "relu", "silu", "gelu", "gelu_tanh"))
    if name == "poly":
        return phi, lambda z: 1.0 + z
    if name == "relu":
        return (lambda z: np.maximum(z, 0.0)), (lambda z: (z > 0).astype(np.float64))
    if name == "silu":
        sig = lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))    # the logistic sigmoid, without overflow
        return (lambda z: z * sig(z)), (lambda z: sig(z) * (1.0 + z * (1.0 - sig(z))))
    if name == "gelu":
        cdf = lambda z: 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))
        pdf = lambda z: np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        return (lambda z: z * cdf(z)), (lambda z: cdf(z) + z * pdf(z))
    inner = lambda z: _GELU_K * (z + 0.044715 * z ** 3)
    return (lambda z: 0.5 * z * (1.0 + np.tanh(inner(z))),
            lambda z: 0.5 * (1.0 + np.tanh(inner(z))) + 0.5 * z * (1.0 - np.tanh(inner(z)) ** 2) * _GELU_K
            * (1.0 + 3 * 0.044715 * z * z))


def _read_order(read_order):
    if read_order not in ("after_write", "before_write"):
        raise ValueError(f"read_order {read_order!r}: expected after_write or before_write")
    return read_order == "before_write"


def sigmoid(x):
    """The logistic sigmoid 1 / (1 + e^-x), without overflow for large |x|."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _gate(gates, name, linear, log_name, log, from_log, logit=None):
    """A gate given linearly (gates="linear": the input `name`), in log space (gates="log": the
    input `log_name` in its place, FORMAT.md "Gates in log space") or as a logit (gates="logit":
    `alpha_logit`, the gate sigmoid(x)); returns the linear gate, from_log(exp(log)) for a
    log-space one."""
    space = _choice("gates", gates, ("linear", "log", "logit"))
    if space == "logit":
        if logit is None or linear is not None or log is not None:
            raise ShapeMismatch(f"gates = logit takes alpha_logit in place of {name}")
        check_finite(alpha_logit=logit)
        return sigmoid(logit)
    if logit is not None:
        raise ShapeMismatch(f"gates = {space} takes no alpha_logit")
    if space == "linear":
        if linear is None or log is not None:
            raise ShapeMismatch(f"gates = linear takes {name}, not {log_name}")
        return linear
    if log is None or linear is not None:
        raise ShapeMismatch(f"gates = log takes {log_name} in place of {name}")
    check_finite(**{log_name: log})
    log = np.asarray(log, dtype=np.float64)
    return from_log(np.exp(log))


# --------------------------------------------------------------------------------------------
# memories: linear attention and the delta rules (M is d_v x d_k, written by v k^T, read by M q)


def _memory_shapes(M0, K, V, Q, scale, **per_token):
    specs = [("M0", M0, "d_v d_k"), ("K", K, "T d_k"), ("V", V, "T d_v"), ("Q", Q, "T d_k"),
             ("scale", scale, "")]
    specs += [(name, a, "T") for name, a in per_token.items()]
    return check_shapes(*specs)


def linear_attention_recurrent(M0, K, V, Q, scale=1.0, read_order="after_write"):
    """Linear attention as a memory (arXiv eq. 14-18, NeurIPS 12-16): M_t = M_{t-1} + v_t k_t^T,
    y_t = M_t (scale q_t), read after the write (read_order="before_write" reads M_{t-1})."""
    check_finite(M0=M0, K=K, V=V, Q=Q, scale=scale)
    T = _memory_shapes(M0, K, V, Q, scale)["T"]
    before = _read_order(read_order)
    M = M0.copy()
    Y = np.zeros((T, M0.shape[0]))
    for t in range(T):
        q = scale * Q[t]
        if before:
            Y[t] = M @ q
        M = M + np.outer(V[t], K[t])
        if not before:
            Y[t] = M @ q
    return {"Y": Y, "M_T": M}


def _delta_rule(M, K, V, Q, beta, alpha, scale, before, orientation, gate):
    """The (gated) delta rule over the rows of K, V, Q from state M; returns (Y, M_T)."""
    T, d_k = K.shape
    I = np.eye(d_k)
    Y = np.zeros((T, M.shape[0]))
    for t in range(T):
        k, v, b, a = K[t], V[t], beta[t], alpha[t]
        q = scale * Q[t]
        if before:
            Y[t] = M @ q
        erase = I - b * np.outer(k, k)
        write = b * np.outer(v, k)
        if orientation == "left":        # eq. 65 as printed (defined only when d_k = d_v)
            M = a * (erase @ M) + write
        elif gate == "after_write":      # the gate also scales the write
            M = a * (M @ erase + write)
        else:                            # decay, then the delta step
            M = a * (M @ erase) + write
        if not before:
            Y[t] = M @ q
    return Y, M


def delta_rule_sequence(M0, K, V, Q, beta, scale=1.0, read_order="after_write", orientation="right"):
    """The delta rule (arXiv eq. 65): M_t = M_{t-1}(I - b_t k_t k_t^T) + b_t v_t k_t^T, one GD step
    of size b_t on 1/2||M k_t - v_t||^2; y_t = M_t (scale q_t).  orientation="left" is eq. 65 as
    printed, (I - b k k^T) M_{t-1}: numpy refuses it when d_k != d_v."""
    check_finite(M0=M0, K=K, V=V, Q=Q, beta=beta, scale=scale)
    T = _memory_shapes(M0, K, V, Q, scale, beta=beta)["T"]
    Y, M = _delta_rule(M0.copy(), K, V, Q, beta, np.ones(T), scale, _read_order(read_order),
                       orientation, "before_write")
    return {"Y": Y, "M_T": M}


def delta_rule_two_calls(M0, K, V, Q, beta, split, scale=1.0, read_order="after_write",
                         carry_state=True):
    """The delta rule in two calls: tokens 1..split from M0, then split+1..T from the first call's
    final state M_split (carry_state=False restarts the second call from M0: a lost state)."""
    check_finite(M0=M0, K=K, V=V, Q=Q, beta=beta, split=split, scale=scale)
    dims = _memory_shapes(M0, K, V, Q, scale, beta=beta)
    check_shapes(("split", split, ""))
    T = dims["T"]
    s = integer("split", split)
    require(1 <= s < T, f"split = {s} must satisfy 1 <= split < T = {T}")
    before = _read_order(read_order)
    ones = np.ones(T)
    Y1, M_split = _delta_rule(M0.copy(), K[:s], V[:s], Q[:s], beta[:s], ones, scale, before, "right",
                              "before_write")
    start = M_split if carry_state else M0
    Y2, M_T = _delta_rule(start.copy(), K[s:], V[s:], Q[s:], beta[s:], ones, scale, before, "right",
                          "before_write")
    return {"Y": np.vstack([Y1, Y2]), "M_split": M_split, "M_T": M_T}


def gated_delta_rule_sequence(M0, K, V, Q, alpha=None, beta=None, scale=1.0, read_order="after_write",
                              gates="linear", log_alpha=None, gate="before_write", alpha_logit=None):
    """The gated delta rule (arXiv eq. 65 with a decay): M_t = a_t M_{t-1}(I - b_t k_t k_t^T)
    + b_t v_t k_t^T, a decay step on 1/2||M||^2 then a delta step; the gate does not scale the
    write (gate="after_write" scales it too: a_t (M_{t-1}(I - b k k^T) + b v k^T)).
    gates="log": log_alpha in place of alpha, a_t = exp(log_alpha_t); gates="logit": alpha_logit,
    a_t = sigmoid(alpha_logit_t)."""
    if beta is None:
        raise ShapeMismatch("beta is missing")
    alpha = _gate(gates, "alpha", alpha, "log_alpha", log_alpha, lambda a: a, alpha_logit)
    check_finite(M0=M0, K=K, V=V, Q=Q, alpha=alpha, beta=beta, scale=scale)
    _memory_shapes(M0, K, V, Q, scale, alpha=alpha, beta=beta)
    Y, M = _delta_rule(M0.copy(), K, V, Q, beta, alpha, scale, _read_order(read_order), "right", gate)
    return {"Y": Y, "M_T": M}


def dgd_step(W, x, u, eta, step_size="key_norm_aware"):
    """Delta gradient descent (arXiv eq. 56-57): the minimiser of 1/2||W' x - u||^2
    + ||W' - W||^2/(2 eta) is W (I - e x x^T) + e u x^T with e = eta / (1 + eta ||x||^2).
    step_size="printed" uses eq. 57's e = eta / (1 + eta), right only for unit-norm x."""
    check_finite(W=W, x=x, u=u, eta=eta)
    d_in = check_shapes(("W", W, "d_out d_in"), ("x", x, "d_in"), ("u", u, "d_out"), ("eta", eta, ""))["d_in"]
    eta = float(eta)
    require(eta > 0, f"eta = {eta!r} must be > 0")
    if step_size == "printed":
        e = eta / (1.0 + eta)
    else:
        e = eta / (1.0 + eta * np.dot(x, x))
    W_next = W @ (np.eye(d_in) - e * np.outer(x, x)) + e * np.outer(u, x)
    return {"W_next": W_next}


# --------------------------------------------------------------------------------------------
# backprop and optimizers as memories


def linear_gd_step(W, x, t, eta, loss_scale=0.5):
    """One GD step of a linear layer y = W x on L = 1/2||W x - t||^2 (arXiv eq. 1-3, 7-9; NeurIPS
    2-6): grad_W = (W x - t) x^T, W_next = W - eta grad_W.  loss_scale=1 drops the 1/2."""
    check_finite(W=W, x=x, t=t, eta=eta)
    check_shapes(("W", W, "d_out d_in"), ("x", x, "d_in"), ("t", t, "d_out"), ("eta", eta, ""))
    require(float(eta) > 0, f"eta = {float(eta)!r} must be > 0")
    grad_W = (2 * loss_scale) * np.outer(W @ x - t, x)
    return {"grad_W": grad_W, "W_next": W - eta * grad_W}


def mlp2_gradients(W1, W2, x, t, loss_scale=0.5):
    """Backprop through y = W2 phi(W1 x) on L = 1/2||y - t||^2 (arXiv eq. 29-31): delta2 = y - t,
    delta1 = phi'(z1) * (W2^T delta2), grad_W1 = delta1 x^T, grad_W2 = delta2 h^T."""
    check_finite(W1=W1, W2=W2, x=x, t=t)
    check_shapes(("W1", W1, "d_h d_in"), ("W2", W2, "d_out d_h"), ("x", x, "d_in"), ("t", t, "d_out"))
    z1 = W1 @ x
    h = phi(z1)
    y = W2 @ h
    delta2 = (2 * loss_scale) * (y - t)
    delta1 = (1.0 + z1) * (W2.T @ delta2)
    return {"y": y, "delta2": delta2, "delta1": delta1,
            "grad_W1": np.outer(delta1, x), "grad_W2": np.outer(delta2, h)}


def momentum_trajectory(W0, X, R, eta, beta, sign="arxiv"):
    """Heavy-ball momentum as a 2-level memory (arXiv eq. 10-13): g_t = (W_{t-1} x_t - r_t) x_t^T,
    m_t = beta m_{t-1} + eta g_t, W_t = W_{t-1} - m_t.  sign="neurips" is NeurIPS eq. 7-8 as
    printed, m_t = beta m_{t-1} - eta g_t."""
    check_finite(W0=W0, X=X, R=R, eta=eta, beta=beta)
    T = check_shapes(("W0", W0, "d_out d_in"), ("X", X, "T d_in"), ("R", R, "T d_out"), ("eta", eta, ""),
                     ("beta", beta, ""))["T"]
    eta, beta = float(eta), float(beta)
    require(eta > 0, f"eta = {eta!r} must be > 0")
    require(0 <= beta <= 1, f"beta = {beta!r} must be in [0, 1]")
    s = -1.0 if sign == "neurips" else 1.0
    W, m = W0.copy(), np.zeros_like(W0)
    out = np.zeros((T,) + W0.shape)
    for t in range(T):
        g = np.outer(W @ X[t] - R[t], X[t])
        m = beta * m + s * eta * g
        W = W - m
        out[t] = W
    return {"W": out}


def momentum_memory_step(m, g, P, alpha, eta, objective, decay_side="right"):
    """Momentum as a memory of gradients with value P (arXiv eq. 46-49; NeurIPS 19-22).
    objective 0, <m g^T, P>: alpha m - eta P g.  objective 1, 1/2||m g^T - P||^2:
    m (alpha I - eta g^T g) + eta P g, the decay on the right (decay_side="left" is NeurIPS eq.
    22's side, (alpha I - eta g^T g) m, which only type-checks when m is square)."""
    check_finite(m=m, g=g, P=P, alpha=alpha, eta=eta, objective=objective)
    n = check_shapes(("m", m, "d n"), ("g", g, "d n"), ("P", P, "d d"), ("alpha", alpha, ""),
                     ("eta", eta, ""), ("objective", objective, ""))["n"]
    objective = integer("objective", objective, 0, 1)
    if objective == 0:
        return {"m_next": alpha * m - eta * (P @ g)}
    decay = alpha * np.eye(n) - eta * (g.T @ g)
    kept = decay @ m if decay_side == "left" else m @ decay
    return {"m_next": kept + eta * (P @ g)}


def _choice(name, value, values):
    """An option's value (a string of the manifest's); any other value is a caller's error."""
    if value not in values:
        raise ValueError(f"{name} {value!r}: expected one of {', '.join(values)}")
    return value


def _newton_schulz_prepared(X, a, b, c, eps, normalize, transpose_tall, eps_placement, **integers):
    """Checks shared by the Newton-Schulz ops, then the prepared X (FORMAT.md, "Newton-Schulz
    options"): X / (||X||_F + eps) with normalize="frobenius", transposed when transpose_tall="true"
    and m > n.  Returns (X, transposed).  eps_placement="dropped" divides by ||X||_F alone and
    "under_root" by sqrt(||X||_F^2 + eps): misreadings of where eps goes."""
    check_finite(X=X, a=a, b=b, c=c, eps=eps, **integers)
    check_shapes(("X", X, "m n"), ("a", a, ""), ("b", b, ""), ("c", c, ""), ("eps", eps, ""),
                 *[(name, v, "") for name, v in integers.items()])
    normalize = _choice("normalize", normalize, ("none", "frobenius"))
    tall = _choice("transpose_tall", transpose_tall, ("false", "true")) == "true"
    _choice("eps_placement", eps_placement, ("norm", "dropped", "under_root"))
    eps = float(eps)
    require(eps >= 0, f"eps = {eps!r} must be >= 0")
    for name, v in integers.items():
        integer(name, v, 0)
    if normalize == "frobenius":
        squares = float(np.sum(X * X))
        if eps_placement == "under_root":
            denominator = math.sqrt(squares + eps)
        else:
            denominator = math.sqrt(squares) + (0.0 if eps_placement == "dropped" else eps)
        if denominator == 0:
            raise ZeroDenominator("normalize = frobenius with X = 0 and eps = 0: ||X||_F + eps = 0")
        X = X / denominator
    transposed = tall and X.shape[0] > X.shape[1]
    return (X.T if transposed else X), transposed


def _newton_schulz_polynomial(X, a, b, c):
    """aX + b(XX^T)X + c(XX^T)(XX^T)X (arXiv eq. 42-44)."""
    A = X @ X.T
    AX = A @ X
    return a * X + b * AX + c * (A @ AX)


def newton_schulz_step(X, a, b, c, eps=0.0, normalize="none", transpose_tall="false", eps_placement="norm"):
    """One Newton-Schulz step (arXiv eq. 42-44): a X + b (X X^T) X + c (X X^T)(X X^T) X, the
    polynomial only by default; normalize="frobenius" first divides X by ||X||_F + eps and
    transpose_tall="true" runs a tall X (m > n) as X^T and transposes back, as Muon's wrapper does."""
    X, transposed = _newton_schulz_prepared(X, a, b, c, eps, normalize, transpose_tall, eps_placement)
    X_next = _newton_schulz_polynomial(X, a, b, c)
    return {"X_next": X_next.T if transposed else X_next}


def newton_schulz_iterate(X, a, b, c, steps, eps=0.0, normalize="none", transpose_tall="false",
                          eps_placement="norm"):
    """`steps` Newton-Schulz steps (arXiv eq. 42-44), each on the previous one's result, after the
    preparation of newton_schulz_step (normalisation, tall transpose; transposed back at the end);
    0 steps give the prepared X."""
    X, transposed = _newton_schulz_prepared(X, a, b, c, eps, normalize, transpose_tall, eps_placement,
                                            steps=steps)
    for _ in range(integer("steps", steps, 0)):
        X = _newton_schulz_polynomial(X, a, b, c)
    return {"X_out": X.T if transposed else X}


def newton_schulz_cubic(X, steps):
    """`steps` cubic Newton-Schulz steps X <- 1.5 X - 0.5 X X^T X (0 steps: the identity)."""
    for _ in range(steps):
        X = 1.5 * X - 0.5 * (X @ X.T @ X)
    return X


def _trajectory_shapes(W0, G, **scalars):
    specs = [("W0", W0, "r c"), ("G", G, "T r c")] + [(n, a, "") for n, a in scalars.items()]
    return check_shapes(*specs)["T"]


def _no_zero(V, epsilon, name, step):
    """With epsilon = 0 the step divides by sqrt(V): a zero entry is a zero denominator."""
    if epsilon == 0 and np.any(V == 0):
        i = int(np.flatnonzero(V == 0)[0])
        raise ZeroDenominator(f"{name} has a zero entry (element {i}) after step {step} with epsilon = 0")


def adam_memory_trajectory(W0, G, beta1, beta2, eta, epsilon, moments="accumulated"):
    """Adam as the optimal memory of an element-wise regression (arXiv eq. 102, 105, App. B):
    M_t = M_{t-1} + beta1 g_t, H_t = H_{t-1} + beta2 g_t^2 (accumulated: no moving average, no bias
    correction), W_t = W_{t-1} - (eta / sqrt(beta2)) M_t / (sqrt(H_t) + epsilon).
    moments="ema" is the textbook M = beta1 M + (1 - beta1) g, H = beta2 H + (1 - beta2) g^2."""
    check_finite(W0=W0, G=G, beta1=beta1, beta2=beta2, eta=eta, epsilon=epsilon)
    T = _trajectory_shapes(W0, G, beta1=beta1, beta2=beta2, eta=eta, epsilon=epsilon)
    beta1, beta2, eta, epsilon = float(beta1), float(beta2), float(eta), float(epsilon)
    require(beta2 >= 0, f"beta2 = {beta2!r} must be > 0")
    if beta2 == 0:
        raise ZeroDenominator("beta2 = 0: the step divides by sqrt(beta2)")
    require(epsilon >= 0, f"epsilon = {epsilon!r} must be >= 0")
    W, M, H = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    out = np.zeros((T,) + W0.shape)
    for t in range(T):
        g = G[t]
        if moments == "ema":
            M, H = beta1 * M + (1 - beta1) * g, beta2 * H + (1 - beta2) * (g * g)
        else:
            M, H = M + beta1 * g, H + beta2 * (g * g)
        _no_zero(H, epsilon, "H", t + 1)
        W = W - (eta / math.sqrt(beta2)) * M / (np.sqrt(H) + epsilon)
        out[t] = W
    return {"W": out, "M_T": M, "H_T": H}


def m3_trajectory(W0, G, eta, beta1, beta2, beta3, alpha, epsilon, period, ns_steps, slow_update="chunk",
                  window="chunk"):
    """M3, multi-scale momentum Muon (arXiv Algorithm 1, eq. 75): M2 += beta3 (g_{kf-f+1} + ... + g_{kf}),
    the f gradients of the chunk just finished, at the start of step kf + 1 (slow_update="chunk") or
    at the end of step kf ("chunk_end"; the same W, a different M2_T when f divides T); each step
    M1 += beta1 g_t, V += beta2 g_t^2, W_t = W_{t-1} - eta (NS(M1) + alpha NS(M2)) / (sqrt(V) + eps).
    window="printed" is Algorithm 1's line 3 as printed, g_{(k-1)f} .. g_{kf}: f + 1 terms;
    slow_update="chunk_start" folds the chunk in at the start of step kf, so step kf already uses it."""
    check_finite(W0=W0, G=G, eta=eta, beta1=beta1, beta2=beta2, beta3=beta3, alpha=alpha,
                 epsilon=epsilon, period=period, ns_steps=ns_steps)
    T = _trajectory_shapes(W0, G, eta=eta, beta1=beta1, beta2=beta2, beta3=beta3, alpha=alpha,
                           epsilon=epsilon, period=period, ns_steps=ns_steps)
    slow_update = _choice("slow_update", slow_update, ("chunk", "chunk_end", "chunk_start"))
    epsilon = float(epsilon)
    require(float(beta2) >= 0, f"beta2 = {float(beta2)!r} must be >= 0")
    require(epsilon >= 0, f"epsilon = {epsilon!r} must be >= 0")
    f = integer("period", period, 1)
    steps = integer("ns_steps", ns_steps, 0, 8)
    W, M1, M2, V = W0.copy(), np.zeros_like(W0), np.zeros_like(W0), np.zeros_like(W0)

    def chunk_ending_at(s):         # beta3 (g_{s-f+1} + ... + g_s), one more term with window="printed"
        first = s - f if window == "printed" else s - f + 1
        return beta3 * G[max(first, 1) - 1:s].sum(axis=0)

    out = np.zeros((T,) + W0.shape)
    for t in range(1, T + 1):
        if slow_update == "chunk" and t - 1 > 0 and (t - 1) % f == 0:
            M2 = M2 + chunk_ending_at(t - 1)
        if slow_update == "chunk_start" and t % f == 0:
            M2 = M2 + chunk_ending_at(t)
        g = G[t - 1]
        M1 = M1 + beta1 * g
        V = V + beta2 * (g * g)
        _no_zero(V, epsilon, "V", t)
        W = W - eta * (newton_schulz_cubic(M1, steps) + alpha * newton_schulz_cubic(M2, steps)) \
            / (np.sqrt(V) + epsilon)
        out[t - 1] = W
        if slow_update == "chunk_end" and t % f == 0:
            M2 = M2 + chunk_ending_at(t)
    return {"W": out, "M1_T": M1, "M2_T": M2, "V_T": V}


def dmgd_trajectory(W0, X, Y, M1, M2, alpha, eta, objective, timing="memory_first"):
    """Deep momentum GD (arXiv eq. 50, NeurIPS 23) on 1/2||W x_t - y_t||^2 with the memory
    m(u) = M2 phi(M1 u): u_t = vec((W_{t-1} x_t - y_t) x_t^T) (row-major); the memory steps first,
    (M1, M2) <- alpha (M1, M2) - eta grad L2 with L2 = 1/2||m(u_t) + u_t||^2 (objective 0) or
    <m(u_t), 1> (objective 1); then W_t = W_{t-1} + m(u_t) with the new memory
    (timing="weight_first" moves W by the memory before its step)."""
    check_finite(W0=W0, X=X, Y=Y, M1=M1, M2=M2, alpha=alpha, eta=eta, objective=objective)
    dims = check_shapes(("W0", W0, "r c"), ("X", X, "T c"), ("Y", Y, "T r"), ("M1", M1, "h rc"),
                        ("M2", M2, "rc h"), ("alpha", alpha, ""), ("eta", eta, ""), ("objective", objective, ""))
    r, c, T = dims["r"], dims["c"], dims["T"]
    if dims["rc"] != r * c:
        raise ShapeMismatch(f"M1 reads {dims['rc']} entries, vec(W) has r c = {r * c}")
    objective = integer("objective", objective, 0, 1)
    W, A1, A2 = W0.copy(), M1.copy(), M2.copy()
    out = np.zeros((T, r, c))
    for t in range(T):
        u = np.outer(W @ X[t] - Y[t], X[t]).ravel()
        z = A1 @ u
        h = phi(z)
        m_u = A2 @ h
        e = m_u + u if objective == 0 else np.ones_like(m_u)     # dL2 / dm(u)
        G2 = np.outer(e, h)
        G1 = np.outer((A2.T @ e) * (1.0 + z), u)
        A1, A2 = alpha * A1 - eta * G1, alpha * A2 - eta * G2
        if timing == "weight_first":
            W = W + m_u.reshape(r, c)
        else:
            W = W + (A2 @ phi(A1 @ u)).reshape(r, c)
        out[t] = W
    return {"W": out, "M1_T": A1, "M2_T": A2}


# --------------------------------------------------------------------------------------------
# attention


def softmax_attention_causal(K, V, Q, scale=None, mask="causal", scale_with_default=False):
    """Causal softmax attention (arXiv eq. 62-63, the Nadaraya-Watson estimator) in binary64:
    p = q_t . k_i summed left to right; the op's constant c = fl(1 / fl(sqrt(d_k))); s = p c;
    w = exp(s - max over i <= t).  The expected values are the true ones (enclosures), so this
    order and numpy's exp pass inside the radius.  A given `scale` takes the place of c
    (scale_with_default=True multiplies by both, a misreading).
    mask="none" lets token t attend to every token (no causal mask)."""
    check_finite(K=K, V=V, Q=Q, **({} if scale is None else {"scale": scale}))
    dims = check_shapes(("K", K, "T d_k"), ("V", V, "T d_v"), ("Q", Q, "T d_k"),
                        *([] if scale is None else [("scale", scale, "")]))
    T, d_k = dims["T"], dims["d_k"]
    P = Q[:, 0][:, None] * K[:, 0][None, :]              # P[t, i] = q_t . k_i, left to right:
    for j in range(1, d_k):                              # separate numpy products and sums round
        P = P + Q[:, j][:, None] * K[:, j][None, :]      # each operation (no fused multiply-add)
    c = 1.0 / np.sqrt(float(d_k))
    if scale is None:
        S = P * c
    else:
        S = (P * c) * float(scale) if scale_with_default else P * float(scale)
    Y = np.zeros((T, V.shape[1]))
    for t in range(T):
        n = T if mask == "none" else t + 1
        w = np.exp(S[t, :n] - S[t, :n].max())
        Y[t] = (w / w.sum()) @ V[:n]
    return {"Y": Y}


def transformer_block_cms1(X, Wq, Wk, Wv, W1, W2, mask="causal"):
    """A Transformer block as attention then a frozen CMS level (arXiv eq. 62, 70-71; NeurIPS 30-31):
    a_t = sum_{i<=t} k_ti v_i / sum_{j<=t} k_tj with the rational kernel k_ti = 1 + (q_t . k_i)^2,
    h_t = x_t + a_t, y_t = h_t + W2 phi(W1 h_t).  mask="none" drops the causal mask."""
    check_finite(X=X, Wq=Wq, Wk=Wk, Wv=Wv, W1=W1, W2=W2)
    T = check_shapes(("X", X, "T d"), ("Wq", Wq, "d_k d"), ("Wk", Wk, "d_k d"), ("Wv", Wv, "d d"),
                     ("W1", W1, "d_h d"), ("W2", W2, "d d_h"))["T"]
    Qs, Ks, Vs = X @ Wq.T, X @ Wk.T, X @ Wv.T            # row t: q_t, k_t, v_t
    Y = np.zeros_like(X)
    for t in range(T):
        n = T if mask == "none" else t + 1
        kappa = 1.0 + (Ks[:n] @ Qs[t]) ** 2
        h = X[t] + (kappa @ Vs[:n]) / kappa.sum()
        Y[t] = h + W2 @ phi(W1 @ h)
    return {"Y": Y}


# --------------------------------------------------------------------------------------------
# Titans


def _titans_gates(K, V, Q, alpha, eta, theta, chunk, gate_granularity, gates, log_one_minus_alpha,
                  log_gate="retention", alpha_logit=None):
    """Shapes of the chunked Titans ops and the per-token gates (retention 1 - alpha, eta, theta):
    with gate_granularity="chunk", the gates have ceil(T/C) entries, entry j applying to every
    token of chunk j; with gates="log", log_one_minus_alpha in place of alpha, the retention being
    exp(log_one_minus_alpha) (not 1 - (1 - exp(...)), which would round once more).
    log_gate="forgetting_rate" misreads the log gate as log(alpha): retention 1 - exp(...)."""
    misread = _choice("log_gate", log_gate, ("retention", "forgetting_rate")) == "forgetting_rate"
    retain = _gate(gates, "alpha", alpha, "log_one_minus_alpha", log_one_minus_alpha,
                   (lambda r: 1.0 - r) if misread else (lambda r: r), alpha_logit)
    if gates == "logit":                    # the logit gives the forgetting rate alpha = sigmoid(x)
        alpha, retain = retain, 1.0 - retain
    alpha = retain if alpha is None else alpha
    check_finite(alpha=alpha, eta=eta, theta=theta)
    dims = check_shapes(("K", K, "T d_k"), ("V", V, "T d_v"), ("Q", Q, "T d_k"), ("alpha", alpha, "g"),
                        ("eta", eta, "g"), ("theta", theta, "g"), ("chunk", chunk, ""))
    C = integer("chunk", chunk, 1)
    T = dims["T"]
    per_chunk = _choice("gate_granularity", gate_granularity, ("token", "chunk")) == "chunk"
    count = -(-T // C) if per_chunk else T
    if dims["g"] != count:
        raise ShapeMismatch(f"alpha, eta, theta have {dims['g']} entries, expected {count} "
                            f"({'one per chunk of ' + str(C) if per_chunk else 'one per token'}, T = {T})")
    retain = 1.0 - alpha if gates in ("linear", "logit") else retain
    if per_chunk:
        retain, eta, theta = (np.repeat(a, C)[:T] for a in (retain, eta, theta))
    return dims, C, retain, eta, theta


def titans_memory_chunked(M0, K, V, Q, alpha=None, eta=None, theta=None, chunk=None, scale=1.0,
                          gate_granularity="token", gates="linear", log_one_minus_alpha=None, anchor="chunk_start",
                          log_gate="retention", alpha_logit=None):
    """The Titans memory, chunked (Titans eq. 8-16): in chunks of C tokens,
    u_t = (M_{t'} k_t - v_t) k_t^T at the state M_{t'} before the chunk's first token,
    S_t = eta_t S_{t-1} - theta_t u_t, M_t = (1 - alpha_t) M_{t-1} + S_t, y_t = M_t (scale q_t);
    a partial final chunk updates.  gate_granularity="chunk": one gate per chunk; gates="log":
    log(1 - alpha) given.  anchor="current" takes u_t at M_{t-1} instead."""
    check_finite(M0=M0, K=K, V=V, Q=Q, chunk=chunk, scale=scale)
    check_shapes(("M0", M0, "d_v d_k"), ("K", K, "T d_k"), ("V", V, "T d_v"), ("scale", scale, ""))
    dims, C, retain, eta, theta = _titans_gates(K, V, Q, alpha, eta, theta, chunk, gate_granularity, gates,
                                                log_one_minus_alpha, log_gate, alpha_logit)
    M, S = M0.copy(), np.zeros_like(M0)
    Y = np.zeros((dims["T"], dims["d_v"]))
    for t in range(dims["T"]):
        if t % C == 0:
            M_start = M.copy()
        at = M if anchor == "current" else M_start
        u = np.outer(at @ K[t] - V[t], K[t])
        S = eta[t] * S - theta[t] * u
        M = retain[t] * M + S
        Y[t] = M @ (scale * Q[t])
    return {"Y": Y, "M_T": M}


def titans_mlp_chunked(W1, W2, K, V, Q, alpha=None, eta=None, theta=None, chunk=None, scale=1.0,
                       gate_granularity="token", gates="linear", log_one_minus_alpha=None, anchor="chunk_start",
                       log_gate="retention", activation="poly", alpha_logit=None):
    """The chunked Titans memory with an MLP M(k) = W2 phi(W1 k) (Titans eq. 8-16, section 3.1):
    u_t = grad of 1/2||M(k_t) - v_t||^2 over p = vec(W1) || vec(W2) at the chunk start's
    parameters, S_t = eta_t S_{t-1} - theta_t u_t, p_t = (1 - alpha_t) p_{t-1} + S_t,
    y_t = M_{p_t}(scale q_t).  gate_granularity="chunk": one gate per chunk; gates="log":
    log(1 - alpha) given.  anchor="current" takes u_t at p_{t-1} instead."""
    check_finite(W1=W1, W2=W2, K=K, V=V, Q=Q, chunk=chunk, scale=scale)
    check_shapes(("W1", W1, "h d_k"), ("W2", W2, "d_v h"), ("K", K, "T d_k"), ("V", V, "T d_v"),
                 ("scale", scale, ""))
    dims, C, retain, eta, theta = _titans_gates(K, V, Q, alpha, eta, theta, chunk, gate_granularity, gates,
                                                log_one_minus_alpha, log_gate, alpha_logit)
    f, df = mlp_activation(activation)
    A1, A2 = W1.copy(), W2.copy()
    S1, S2 = np.zeros_like(W1), np.zeros_like(W2)
    Y = np.zeros((dims["T"], dims["d_v"]))
    for t in range(dims["T"]):
        if t % C == 0:
            start = (A1.copy(), A2.copy())
        B1, B2 = (A1, A2) if anchor == "current" else start
        z = B1 @ K[t]
        e = B2 @ f(z) - V[t]
        U1, U2 = np.outer((B2.T @ e) * df(z), K[t]), np.outer(e, f(z))
        S1, S2 = eta[t] * S1 - theta[t] * U1, eta[t] * S2 - theta[t] * U2
        A1, A2 = retain[t] * A1 + S1, retain[t] * A2 + S2
        Y[t] = A2 @ f(A1 @ (scale * Q[t]))
    return {"Y": Y, "W1_T": A1, "W2_T": A2}


MEMORIES = ("memory", "k", "v", "eta", "alpha")   # the five self-modifying memories (arXiv eq. 83-88)


def _smt_inputs(X, M_memory, M_k, M_v, W_q, M_eta, M_alpha, dot_product):
    """Shapes and values shared by self_modifying_titans.chunked and hope.forward."""
    dims = check_shapes(("X", X, "T d"), ("M_memory", M_memory, "d d"), ("M_k", M_k, "d d"),
                        ("M_v", M_v, "d d"), ("W_q", W_q, "d d"), ("M_eta", M_eta, "1 d"),
                        ("M_alpha", M_alpha, "1 d"), ("dot_product", dot_product, ""))
    require(dims["T"] >= 1 and dims["d"] >= 1, f"X has shape {list(X.shape)}: needs T >= 1 tokens of width d >= 1")
    return dims, integer("dot_product", dot_product, 0, 1)


def _self_modifying_titans(X, states, W_q, C, dot_product, read_order="before_write", write_sign=1.0, scale=1.0):
    """Self-modifying Titans in chunks of C tokens (arXiv eq. 83-93): the states before a chunk's
    first token (the anchor, xi = C floor((t-1)/C)) generate every token's k, v, eta, alpha, the
    values v^_t = M_xi v_t and the read y_t = M_memory,xi q_t; then every memory runs
    M <- M (alpha_t I - eta_t k_t k_t^T) - eta_t G through the chunk, with G = (M_xi k_t - v^_t) k_t^T
    (l2, eq. 93) or G = -v^_t k_t^T (dot product, eq. 92 with the descent sign).
    Returns the reads and the final states."""
    T, d = X.shape
    M = {name: a.copy() for name, a in states.items()}
    I = np.eye(d)
    Y = np.zeros((T, d))
    for t in range(T):
        if t % C == 0:
            anchor = {name: a.copy() for name, a in M.items()}
        x = X[t]
        k, v = anchor["k"] @ x, anchor["v"] @ x
        eta_t, alpha_t = (anchor["eta"] @ x)[0], (anchor["alpha"] @ x)[0]     # scalar gates
        q = scale * (W_q @ x)
        if read_order == "before_write":
            Y[t] = anchor["memory"] @ q
        for name in MEMORIES:
            v_hat = anchor[name] @ v
            if dot_product:
                G = -write_sign * np.outer(v_hat, k)
            else:
                G = np.outer(anchor[name] @ k - v_hat, k)
            M[name] = M[name] @ (alpha_t * I - eta_t * np.outer(k, k)) - eta_t * G
        if read_order == "after_write":
            Y[t] = M["memory"] @ q
    return Y, M


def self_modifying_titans_chunked(X, M_memory, M_k, M_v, W_q, M_eta, M_alpha, chunk, dot_product, scale=1.0,
                                  read_order="before_write", write_sign=1.0):
    """Self-modifying Titans, chunk-wise (arXiv eq. 83-93; anchor C floor((t-1)/C), not the printed
    C ceil(t/C)).  read_order="after_write" reads each token's own write (arXiv eq. 82);
    write_sign=-1 is eq. 92's printed sign for the dot-product objective (an ascent step);
    q_t = scale W_q x_t."""
    check_finite(X=X, M_memory=M_memory, M_k=M_k, M_v=M_v, W_q=W_q, M_eta=M_eta, M_alpha=M_alpha,
                 chunk=chunk, dot_product=dot_product, scale=scale)
    check_shapes(("chunk", chunk, ""), ("scale", scale, ""))
    dims, dot = _smt_inputs(X, M_memory, M_k, M_v, W_q, M_eta, M_alpha, dot_product)
    C = integer("chunk", chunk, 1)
    states = dict(memory=M_memory, k=M_k, v=M_v, eta=M_eta, alpha=M_alpha)
    Y, M = _self_modifying_titans(X, states, W_q, C, dot, read_order, write_sign, float(scale))
    return {"Y": Y, **{f"M_{name}_T": M[name] for name in MEMORIES}}


# --------------------------------------------------------------------------------------------
# the continuum memory system (CMS)


def cms_level_run(W1, W2, X, R, period, eta, flush, window="chunk"):
    """One CMS level (arXiv eq. 70-71, NeurIPS 30-31): y_t = W2 phi(W1 x_t) with the parameters
    current at token t; after token i with i mod C = 0 the parameters move by -eta times the sum
    of the gradients of 1/2||y_t - r_t||^2 over t = i-C+1 .. i, at the chunk start's parameters;
    with flush = 1 a final partial chunk updates after token T.
    window="c_plus_one" sums eq. 71's printed C + 1 tokens i-C .. i (from token 1 at the start)."""
    check_finite(W1=W1, W2=W2, X=X, R=R, period=period, eta=eta, flush=flush)
    dims = check_shapes(("W1", W1, "d_h d_in"), ("W2", W2, "d_out d_h"), ("X", X, "T d_in"),
                        ("R", R, "T d_out"), ("period", period, ""), ("eta", eta, ""), ("flush", flush, ""))
    C = integer("period", period, 1)
    eta = float(eta)
    require(eta >= 0, f"eta = {eta!r} must be >= 0")
    flush = integer("flush", flush, 0, 1)
    T = dims["T"]

    def grads(A1, A2, tokens):                # sum of the per-token gradients at (A1, A2)
        G1, G2 = np.zeros_like(A1), np.zeros_like(A2)
        for t in tokens:                      # 1-based token numbers
            z = A1 @ X[t - 1]
            e = A2 @ phi(z) - R[t - 1]        # d/dy of 1/2 ||y - r||^2
            G2 += np.outer(e, phi(z))
            G1 += np.outer((A2.T @ e) * (1.0 + z), X[t - 1])     # phi'(z) = 1 + z
        return G1, G2

    def window_of(i, length):                 # tokens summed by the update after token i
        first = i - length if window == "c_plus_one" else i - length + 1
        return range(max(first, 1), i + 1)

    A1, A2 = W1.copy(), W2.copy()
    Y = np.zeros((T, dims["d_out"]))
    updates, after1, after2 = [], [], []

    def update(i, length):
        nonlocal A1, A2
        G1, G2 = grads(A1, A2, window_of(i, length))   # parameters are constant inside a chunk, so
        A1, A2 = A1 - eta * G1, A2 - eta * G2          # the current ones are the chunk start's
        updates.append(i)
        after1.append(A1.copy())
        after2.append(A2.copy())

    for i in range(1, T + 1):
        Y[i - 1] = A2 @ phi(A1 @ X[i - 1])
        if i % C == 0:
            update(i, C)
    if flush == 1 and T % C:
        update(T, T % C)
    n = len(updates)
    return {"Y": Y, "update_tokens": np.array(updates, dtype=np.float64),
            "W1_after": np.array(after1).reshape(n, *W1.shape),
            "W2_after": np.array(after2).reshape(n, *W2.shape)}


def _cms_levels_inputs(X, R, W1, W2, periods, eta, weights=None):
    """Shapes and values of cms.sequential / cms.independent (and the CMS part of hope.forward)."""
    specs = [("X", X, "T d"), ("R", R, "T d"), ("W1", W1, "L h d"), ("W2", W2, "L d h"),
             ("periods", periods, "L"), ("eta", eta, "L")]
    if weights is not None:
        specs.append(("weights", weights, "L"))
    check_shapes(*specs)
    require(W1.shape[0] >= 1, "no levels (L = 0)")
    C = [integer(f"periods[{l}]", p, 0) for l, p in enumerate(periods)]
    for l, e in enumerate(eta):
        require(e >= 0, f"eta[{l}] = {float(e)!r} must be >= 0")
    return C


def _level_gradients(W1, W2, x, r, weights=None, act=(phi, lambda z: 1.0 + z)):
    """y_t and the per-level gradients of 1/2||y_t - r_t||^2 for a chain of levels
    y = MLP_L(... MLP_1(x)) (arXiv eq. 73), or for y = sum_l w_l MLP_l(x) (eq. 74) with weights."""
    L = len(W1)
    if weights is None:                      # sequential: forward through the chain, then back
        inputs, zs, a = [], [], x
        for l in range(L):
            inputs.append(a)
            zs.append(W1[l] @ a)
            a = W2[l] @ act[0](zs[l])
        y, g = a, a - r
        G1, G2 = [None] * L, [None] * L
        for l in reversed(range(L)):
            G2[l] = np.outer(g, act[0](zs[l]))
            delta = (W2[l].T @ g) * act[1](zs[l])
            G1[l] = np.outer(delta, inputs[l])
            g = W1[l].T @ delta
        return y, G1, G2
    zs = [W1[l] @ x for l in range(L)]       # independent: every level reads x
    y = sum(weights[l] * (W2[l] @ act[0](zs[l])) for l in range(L))
    G1, G2 = [], []
    for l in range(L):
        g = weights[l] * (y - r)
        G2.append(np.outer(g, act[0](zs[l])))
        G1.append(np.outer((W2[l].T @ g) * act[1](zs[l]), x))
    return y, G1, G2


def _cms_run(X, R, W1, W2, C, eta, weights=None, reduction="sum", timing="per_token", activation="poly"):
    """The multi-level CMS (arXiv eq. 70-71, 73-74): y_t read before the token's updates; every
    level's gradient taken per token with the parameters in force at token t and summed over its
    chunk; at t = 0 mod C_l level l moves by -eta_l times that sum, all levels at one boundary
    differentiated before any moves; period 0 is frozen; a final partial chunk does not update.
    reduction="mean" divides the sum by C_l; timing="at_boundary" recomputes the chunk's gradients
    at the boundary with the parameters then in force."""
    act = mlp_activation(activation)
    A1, A2 = [w.copy() for w in W1], [w.copy() for w in W2]
    L, T = len(A1), X.shape[0]
    S1, S2 = [np.zeros_like(w) for w in A1], [np.zeros_like(w) for w in A2]
    Y = np.zeros_like(R)
    updates = []
    for t in range(1, T + 1):
        Y[t - 1], G1, G2 = _level_gradients(A1, A2, X[t - 1], R[t - 1], weights, act)
        for l in range(L):
            S1[l], S2[l] = S1[l] + G1[l], S2[l] + G2[l]
        due = [l for l in range(L) if C[l] > 0 and t % C[l] == 0]
        if timing == "at_boundary":
            for l in due:
                S1[l], S2[l] = np.zeros_like(A1[l]), np.zeros_like(A2[l])
                for s in range(t - C[l] + 1, t + 1):
                    _, G1, G2 = _level_gradients(A1, A2, X[s - 1], R[s - 1], weights, act)
                    S1[l], S2[l] = S1[l] + G1[l], S2[l] + G2[l]
        for l in due:
            step = eta[l] / C[l] if reduction == "mean" else eta[l]
            A1[l], A2[l] = A1[l] - step * S1[l], A2[l] - step * S2[l]
            S1[l], S2[l] = np.zeros_like(A1[l]), np.zeros_like(A2[l])
            updates.append((t, l + 1))
    return {"Y": Y, "updates": np.array(updates, dtype=np.float64).reshape(len(updates), 2),
            "W1_T": np.array(A1), "W2_T": np.array(A2)}


def cms_sequential(X, R, W1, W2, periods, eta, reduction="sum", timing="per_token", activation="poly"):
    """Sequential CMS (arXiv eq. 70-71, 73): y_t = MLP_L(... MLP_1(x_t)); see _cms_run."""
    check_finite(X=X, R=R, W1=W1, W2=W2, periods=periods, eta=eta)
    C = _cms_levels_inputs(X, R, W1, W2, periods, eta)
    return _cms_run(X, R, W1, W2, C, eta, None, reduction, timing, activation)


def cms_independent(X, R, W1, W2, periods, eta, weights, reduction="sum", timing="per_token", activation="poly"):
    """Independent (head-wise) CMS (arXiv eq. 74): y_t = sum_l w_l MLP_l(x_t); see _cms_run."""
    check_finite(X=X, R=R, W1=W1, W2=W2, periods=periods, eta=eta, weights=weights)
    C = _cms_levels_inputs(X, R, W1, W2, periods, eta, weights)
    return _cms_run(X, R, W1, W2, C, eta, weights, reduction, timing, activation)


def hope_forward(X, M_memory, M_k, M_v, W_q, M_eta, M_alpha, dot_product, R, W1, W2, periods, eta,
                 read_order="before_write", write_sign=1.0, reduction="sum", timing="per_token"):
    """A Hope block (arXiv eq. 94-97): self-modifying Titans with chunk 1 gives the reads
    o_t = M_memory,t-1 q_t; a sequential CMS runs on o_t with targets R.  No normalisation,
    convolution or residual.  The keywords select the readings of the two parts (see
    self_modifying_titans_chunked and _cms_run)."""
    check_finite(X=X, M_memory=M_memory, M_k=M_k, M_v=M_v, W_q=W_q, M_eta=M_eta, M_alpha=M_alpha,
                 dot_product=dot_product, R=R, W1=W1, W2=W2, periods=periods, eta=eta)
    _, dot = _smt_inputs(X, M_memory, M_k, M_v, W_q, M_eta, M_alpha, dot_product)
    C = _cms_levels_inputs(X, R, W1, W2, periods, eta)
    states = dict(memory=M_memory, k=M_k, v=M_v, eta=M_eta, alpha=M_alpha)
    O, _ = _self_modifying_titans(X, states, W_q, 1, dot, read_order, write_sign)
    return {"O": O, **_cms_run(O, R, W1, W2, C, eta, None, reduction, timing)}


# --------------------------------------------------------------------------------------------
# nested CMS: a meta-gradient through the inner updates, by forward-mode differentiation


class Dual:
    """A matrix with its derivatives along P directions: `d[p]` is the derivative of `v` along
    direction p (forward-mode differentiation).  Enough arithmetic for an MLP level and its
    gradient step: +, -, elementwise *, @, .T, sum()."""
    __array_ufunc__ = None                   # numpy defers `array @ Dual` to Dual.__rmatmul__

    def __init__(self, v, d):
        self.v, self.d = v, d

    @staticmethod
    def parts(x):
        return (x.v, x.d) if isinstance(x, Dual) else (x, 0.0)

    def __add__(self, other):
        v, d = Dual.parts(other)
        return Dual(self.v + v, self.d + d)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.v, -self.d)

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        v, d = Dual.parts(other)
        return Dual(self.v * v, self.d * v + self.v * d)

    __rmul__ = __mul__

    def __matmul__(self, other):
        if not isinstance(other, Dual):
            return Dual(self.v @ other, self.d @ other)
        return Dual(self.v @ other.v, self.d @ other.v + self.v @ other.d)

    def __rmatmul__(self, other):
        return Dual(other @ self.v, other @ self.d)

    @property
    def T(self):
        return Dual(self.v.T, np.swapaxes(self.d, -1, -2))

    def sum(self):
        return Dual(self.v.sum(), self.d.sum(axis=(-2, -1)))


def _mlp_step_terms(W1, W2, x, r):
    """For y = W2 phi(W1 x) with column vectors x, r: (y, 1/2||y - r||^2, grad_W1, grad_W2).
    Works on arrays and on Duals alike."""
    z = W1 @ x
    h = phi(z)
    y = W2 @ h
    e = y - r
    return y, 0.5 * (e * e).sum(), ((W2.T @ e) * (1.0 + z)) @ x.T, e @ h.T


def cms_nested(W1, W2, X, R, inner_period, context, inner_eta, outer_eta, meta_gradient="through_inner"):
    """Nested CMS (arXiv eq. 72): the level W2 phi(W1 x) starts each context of C_s tokens from Phi
    and runs as cms_level.run (period C_f counted from the context's first token, read before the
    update, unflushed); at the end of each finished context Phi <- Phi - outer_eta grad_Phi of the
    context's loss sum, differentiated through every inner update (second order).
    meta_gradient="first_order" sums the per-token gradients at the inner parameters instead."""
    check_finite(W1=W1, W2=W2, X=X, R=R, inner_period=inner_period, context=context,
                 inner_eta=inner_eta, outer_eta=outer_eta)
    dims = check_shapes(("W1", W1, "h d"), ("W2", W2, "d h"), ("X", X, "T d"), ("R", R, "T d"),
                        ("inner_period", inner_period, ""), ("context", context, ""),
                        ("inner_eta", inner_eta, ""), ("outer_eta", outer_eta, ""))
    C_f = integer("inner_period", inner_period, 1)
    C_s = integer("context", context, 1)
    inner_eta, outer_eta = float(inner_eta), float(outer_eta)
    require(inner_eta >= 0, f"inner_eta = {inner_eta!r} must be >= 0")
    require(outer_eta >= 0, f"outer_eta = {outer_eta!r} must be >= 0")
    T, n1 = dims["T"], W1.size
    P = n1 + W2.size                          # directions: every entry of Phi = (W1, W2)
    seed = np.eye(P)
    Phi1, Phi2 = W1.copy(), W2.copy()
    Y = np.zeros_like(R)
    inner_updates, phi1_after, phi2_after = [], [], []
    for start in range(0, T, C_s):
        end = min(start + C_s, T)
        A1 = Dual(Phi1, seed[:, :n1].reshape(P, *W1.shape))
        A2 = Dual(Phi2, seed[:, n1:].reshape(P, *W2.shape))
        loss, chunk1, chunk2 = 0.0, 0.0, 0.0
        first1, first2 = np.zeros_like(W1), np.zeros_like(W2)
        for j, t in enumerate(range(start, end), 1):
            y, l_t, G1, G2 = _mlp_step_terms(A1, A2, X[t][:, None], R[t][:, None])
            Y[t] = y.v[:, 0]
            loss = loss + l_t
            chunk1, chunk2 = chunk1 + G1, chunk2 + G2
            first1, first2 = first1 + G1.v, first2 + G2.v
            if j % C_f == 0:                  # inner update; gradients at the chunk start
                A1, A2 = A1 - inner_eta * chunk1, A2 - inner_eta * chunk2
                chunk1, chunk2 = 0.0, 0.0
                inner_updates.append(t + 1)
        if end - start == C_s:                # a finished context moves Phi
            if meta_gradient == "first_order":
                g1, g2 = first1, first2
            else:
                g1, g2 = loss.d[:n1].reshape(W1.shape), loss.d[n1:].reshape(W2.shape)
            Phi1, Phi2 = Phi1 - outer_eta * g1, Phi2 - outer_eta * g2
            phi1_after.append(Phi1.copy())
            phi2_after.append(Phi2.copy())
    k = len(phi1_after)
    return {"Y": Y, "inner_update_tokens": np.array(inner_updates, dtype=np.float64),
            "W1_phi": np.array(phi1_after).reshape(k, *W1.shape),
            "W2_phi": np.array(phi2_after).reshape(k, *W2.shape)}


# --------------------------------------------------------------------------------------------
# element-wise functions and normalisations (exact values not rational: graded on enclosures)


def _elementwise_input(X):
    check_finite(X=X)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 0:
        raise ShapeMismatch("X is a scalar; the element-wise ops take a tensor of rank >= 1")
    return X


def _sigmoid(X):
    """1 / (1 + e^-x), never forming e^|x|: e^-x for x >= 0, e^x / (1 + e^x) below (no overflow,
    and a relative error of a few units at any x)."""
    e = np.exp(-np.abs(X))
    return np.where(X >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


_erfc = np.vectorize(math.erfc, otypes=[np.float64])
_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def _gelu_tanh(X):
    return 0.5 * X * (1.0 + np.tanh(_SQRT_2_OVER_PI * (X + 0.044715 * (X * X * X))))


def elementwise_exp(X):
    """e^x element by element."""
    return {"Y": np.exp(_elementwise_input(X))}


def elementwise_sigmoid(X):
    """The logistic function 1 / (1 + e^-x)."""
    return {"Y": _sigmoid(_elementwise_input(X))}


def elementwise_softplus(X):
    """log(1 + e^x), as logaddexp(0, x) (max(x, 0) + log1p(e^-|x|): no overflow, no loss at
    large negative x)."""
    return {"Y": np.logaddexp(0.0, _elementwise_input(X))}


def elementwise_silu(X):
    """SiLU (swish) x sigma(x)."""
    X = _elementwise_input(X)
    return {"Y": X * _sigmoid(X)}


def elementwise_gelu(X, form="erf"):
    """GELU x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, as x erfc(-x / sqrt 2) / 2 (no cancellation
    for negative x).  form="tanh" computes the tanh approximation instead (elementwise.gelu_tanh,
    a different function)."""
    X = _elementwise_input(X)
    if _choice("form", form, ("erf", "tanh")) == "tanh":
        return {"Y": _gelu_tanh(X)}
    return {"Y": 0.5 * X * _erfc(-_SQRT_HALF * X)}


def elementwise_gelu_tanh(X):
    """The tanh approximation of GELU, x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2."""
    return {"Y": _gelu_tanh(_elementwise_input(X))}


def elementwise_tanh(X):
    """tanh x element by element."""
    return {"Y": np.tanh(_elementwise_input(X))}


def _norm_inputs(X, eps, **vectors):
    """Checks of the normalisations: finite inputs; X a T x d matrix with d >= 1, the vectors d
    entries, eps a scalar >= 0.  Returns eps as a float."""
    check_finite(X=X, eps=eps, **vectors)
    d = check_shapes(("X", X, "T d"), *((n, v, "d") for n, v in vectors.items()), ("eps", eps, ""))["d"]
    if d < 1:
        raise ShapeMismatch("X has no columns (d = 0)")
    eps = float(eps)
    require(eps >= 0, f"eps = {eps!r} must be >= 0")
    return eps


def _zero_rows(rows, eps, what):
    """Refuse (ZeroDenominator) when eps = 0 and a row makes the denominator 0."""
    if eps == 0 and rows.any():
        raise ZeroDenominator(f"row {int(np.flatnonzero(rows)[0])} of X is {what} and eps = 0: the "
                              f"denominator is 0")


def norm_rms(X, gamma, eps):
    """RMSNorm, per row y = x / sqrt(mean_j x_j^2 + eps) * gamma."""
    eps = _norm_inputs(X, eps, gamma=gamma)
    _zero_rows(~X.any(axis=1), eps, "zero")
    rms = np.sqrt(np.mean(X * X, axis=1, keepdims=True) + eps)
    return {"Y": X / rms * gamma}


def norm_layer(X, gamma, beta, eps, variance="biased"):
    """LayerNorm, per row y = (x - mu) / sqrt(sigma^2 + eps) * gamma + beta with the biased
    variance sigma^2 = mean_j (x_j - mu)^2.  The row is centred twice, (x - m) - mean(x - m)
    with m its rounded mean, so that a row that is nearly constant keeps its deviations.
    variance="unbiased" divides by d - 1 (torch.var's default; a wrong reading of LayerNorm)."""
    eps = _norm_inputs(X, eps, gamma=gamma, beta=beta)
    _zero_rows(np.all(X == X[:, :1], axis=1), eps, "constant")
    C = X - np.mean(X, axis=1, keepdims=True)
    C = C - np.mean(C, axis=1, keepdims=True)
    d = X.shape[1]
    if _choice("variance", variance, ("biased", "unbiased")) == "unbiased":
        if d < 2:
            raise ZeroDenominator("the unbiased variance of a row of one element divides by 0")
        var = np.sum(C * C, axis=1, keepdims=True) / (d - 1)
    else:
        var = np.mean(C * C, axis=1, keepdims=True)
    return {"Y": C / np.sqrt(var + eps) * gamma + beta}


def norm_l2(X, eps):
    """L2 normalisation of each row, y = x / max(||x||_2, eps) (torch.nn.functional.normalize)."""
    eps = _norm_inputs(X, eps)
    _zero_rows(~X.any(axis=1), eps, "zero")
    norm = np.sqrt(np.sum(X * X, axis=1, keepdims=True))
    return {"Y": X / np.maximum(norm, eps)}


# --------------------------------------------------------------------------------------------

OPS = {
    "linear_attention.recurrent": linear_attention_recurrent,
    "delta_rule.sequence": delta_rule_sequence,
    "dgd.step": dgd_step,
    "cms_level.run": cms_level_run,
    "linear.gd_step": linear_gd_step,
    "mlp2.gradients": mlp2_gradients,
    "momentum.trajectory": momentum_trajectory,
    "softmax_attention.causal": softmax_attention_causal,
    "transformer_block.cms1": transformer_block_cms1,
    "delta_rule.two_calls": delta_rule_two_calls,
    "titans_memory.chunked": titans_memory_chunked,
    "gated_delta_rule.sequence": gated_delta_rule_sequence,
    "self_modifying_titans.chunked": self_modifying_titans_chunked,
    "newton_schulz.step": newton_schulz_step,
    "adam_memory.trajectory": adam_memory_trajectory,
    "m3.trajectory": m3_trajectory,
    "dmgd.trajectory": dmgd_trajectory,
    "titans_mlp.chunked": titans_mlp_chunked,
    "cms.sequential": cms_sequential,
    "cms.independent": cms_independent,
    "hope.forward": hope_forward,
    "momentum_memory.step": momentum_memory_step,
    "cms.nested": cms_nested,
    "newton_schulz.iterate": newton_schulz_iterate,
    "elementwise.exp": elementwise_exp,
    "elementwise.sigmoid": elementwise_sigmoid,
    "elementwise.softplus": elementwise_softplus,
    "elementwise.silu": elementwise_silu,
    "elementwise.gelu": elementwise_gelu,
    "elementwise.gelu_tanh": elementwise_gelu_tanh,
    "elementwise.tanh": elementwise_tanh,
    "norm.rms": norm_rms,
    "norm.layer": norm_layer,
    "norm.l2": norm_l2,
}
"""Op name (Golden/MANIFEST.json) -> the function that runs it."""
