"""The element-wise functions and the normalisations of the numpy example (examples/numpy_ops.py)
on values checked by hand, and their refusals (FORMAT.md, "Invalid inputs")."""

import math

import numpy as np
import pytest

import goldentools as gt

gt.load_example()                      # puts examples/ on sys.path
import numpy_ops as ops  # noqa: E402


def close(a, b, units=4):
    """a and b within `units` units of b's last place, element by element."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    ulp = np.array([math.ulp(float(x)) for x in b.ravel()]).reshape(b.shape)
    assert np.all(np.abs(a - b) <= units * ulp), (a, b)


def y(op, *args, **kwargs):
    with np.errstate(over="raise", invalid="raise", divide="raise"):    # none on the way
        return ops.OPS[op](*args, **kwargs)["Y"]


def test_exp_and_tanh():
    close(y("elementwise.exp", np.array([0.0, 1.0, -0.5])), [1.0, math.e, 1 / math.sqrt(math.e)])
    close(y("elementwise.tanh", np.array([[0.0, 0.5], [-20.0, 2.0 ** -30]])),
          [[0.0, math.tanh(0.5)], [-1.0, 2.0 ** -30]])


def test_sigmoid_silu_softplus():
    x = np.array([0.0, 1.0, -40.0, 800.0, -800.0])
    close(y("elementwise.sigmoid", x), [0.5, 1 / (1 + math.exp(-1)), math.exp(-40) / (1 + math.exp(-40)),
                                         1.0, 0.0])
    close(y("elementwise.silu", x), [0.0, 1 / (1 + math.exp(-1)), -40 * math.exp(-40) / (1 + math.exp(-40)),
                                      800.0, -0.0])
    # log(1 + e^x): log 2 at 0, x itself far right, e^x far left (no cancellation)
    close(y("elementwise.softplus", x), [math.log(2), math.log1p(math.e), math.exp(-40), 800.0, 0.0])


def test_gelu_and_its_tanh_form():
    x = np.array([0.0, 1.0, -1.0, -10.0, 3.0])
    phi = [0.5, 0.8413447460685429, 0.15865525393145707, 7.619853024160526e-24,
           0.9986501019683699]                                   # Phi(x), the normal CDF
    g = y("elementwise.gelu", x)
    close(g[[0, 1, 2, 4]], (x * np.array(phi))[[0, 1, 2, 4]])
    # at x = -10 the rounding of x / sqrt 2 is carried by erfc's slope, about 2 (x^2/2) units:
    # far inside the suite's radius 8 u |x|, relative to x, not to the tiny result
    close(g[3], -10 * phi[3], units=200)
    c = math.sqrt(2 / math.pi)
    tanh_form = [0.5 * v * (1 + math.tanh(c * (v + 0.044715 * v ** 3))) for v in x]
    close(y("elementwise.gelu_tanh", x), tanh_form)
    assert abs(tanh_form[1] - 0.8411919906082768) < 1e-15       # torch's gelu(1, 'tanh')
    close(y("elementwise.gelu", x, form="tanh"), tanh_form)
    assert abs(y("elementwise.gelu", x)[1] - tanh_form[1]) > 1e-4   # not the same function


@pytest.mark.parametrize("op", [op for op in ops.OPS if op.startswith("elementwise.")])
def test_elementwise_refusals(op):
    with pytest.raises(ops.ShapeMismatch):
        ops.OPS[op](np.array(1.0))
    with pytest.raises(ops.NonFinite):
        ops.OPS[op](np.array([0.0, np.nan]))
    with pytest.raises(ops.NonFinite):
        ops.OPS[op](np.array([[np.inf]]))
    assert ops.OPS[op](np.zeros((2, 0, 3)))["Y"].shape == (2, 0, 3)


def test_rms_norm():
    X = np.array([[3.0, 4.0], [1.0, -1.0]])
    r1 = math.sqrt(1.0 + 0.25)
    close(y("norm.rms", X, np.array([1.0, 2.0]), np.array(0.0)),
          [[3 / math.sqrt(12.5), 8 / math.sqrt(12.5)], [1.0, -2.0]])
    close(y("norm.rms", X, np.array([1.0, 1.0]), np.array(0.25)),
          [[3 / math.sqrt(12.75), 4 / math.sqrt(12.75)], [1 / r1, -1 / r1]])
    close(y("norm.rms", np.zeros((1, 3)), np.ones(3), np.array(1e-6)), [[0.0, 0.0, 0.0]])


def test_layer_norm():
    X = np.array([[1.0, 2.0, 3.0, 4.0]])
    s = math.sqrt(1.25)
    close(y("norm.layer", X, np.ones(4), np.zeros(4), np.array(0.0)),
          [[-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]])
    close(y("norm.layer", X, np.full(4, 2.0), np.full(4, -1.0), np.array(0.0)),
          [[-3 / s - 1, -1 / s - 1, 1 / s - 1, 3 / s - 1]])
    # a nearly constant row keeps its deviations: mean 1, variance 2^-80 * 2/3
    h = 2.0 ** -40
    close(y("norm.layer", np.array([[1.0, 1.0 + h, 1.0 - h]]), np.ones(3), np.zeros(3), np.array(0.0)),
          [[0.0, math.sqrt(1.5), -math.sqrt(1.5)]])
    # a constant row with eps > 0 is beta; the unbiased variance divides by d - 1
    close(y("norm.layer", np.full((1, 3), 5.0), np.ones(3), np.full(3, 0.5), np.array(1e-5)), [[0.5] * 3])
    unbiased = y("norm.layer", X, np.ones(4), np.zeros(4), np.array(0.0), variance="unbiased")
    close(unbiased, [[v / math.sqrt(5 / 3) for v in (-1.5, -0.5, 0.5, 1.5)]])


def test_l2_norm():
    X = np.array([[3.0, 4.0], [0.0, 2.0 ** -30]])
    close(y("norm.l2", X, np.array(0.0)), [[0.6, 0.8], [0.0, 1.0]])
    close(y("norm.l2", X, np.array(10.0)), [[0.3, 0.4], [0.0, 2.0 ** -30 / 10]])


NORMS = {"norm.rms": lambda X, eps, d: (X, np.ones(d), eps),
         "norm.layer": lambda X, eps, d: (X, np.ones(d), np.zeros(d), eps),
         "norm.l2": lambda X, eps, d: (X, eps)}


@pytest.mark.parametrize("op", list(NORMS))
def test_norm_refusals(op):
    args = NORMS[op]
    X = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    with pytest.raises(ops.OutOfRange):
        ops.OPS[op](*args(X[:1], np.array(-2.0 ** -10), 3))
    if op == "norm.layer":
        with pytest.raises(ops.ZeroDenominator):               # a constant row, eps = 0
            ops.OPS[op](*args(np.array([[1.0, 2.0, 3.0], [7.0, 7.0, 7.0]]), np.array(0.0), 3))
        ops.OPS[op](*args(np.array([[1.0, 1.0, 1.0 + 2.0 ** -52]]), np.array(0.0), 3))
    else:
        with pytest.raises(ops.ZeroDenominator):               # a zero row, eps = 0
            ops.OPS[op](*args(X, np.array(0.0), 3))
    ops.OPS[op](*args(X, np.array(1e-5), 3))                   # eps > 0: valid
    with pytest.raises(ops.NonFinite):
        ops.OPS[op](*args(np.array([[1.0, np.inf, 0.0]]), np.array(0.0), 3))
    with pytest.raises(ops.NonFinite):
        ops.OPS[op](*args(X, np.array(np.nan), 3))
    if op != "norm.l2":
        with pytest.raises(ops.ShapeMismatch):                 # gamma (and beta) of length 2, d = 3
            ops.OPS[op](*args(X, np.array(0.0), 2))
    with pytest.raises(ops.ShapeMismatch):                     # X of rank 1
        ops.OPS[op](*args(np.ones(3), np.array(0.0), 3))
    with pytest.raises(ops.ShapeMismatch):                     # eps not a scalar
        ops.OPS[op](*args(X[:1], np.zeros(1), 3))
    with pytest.raises(ops.ShapeMismatch):                     # no columns
        ops.OPS[op](*args(np.zeros((2, 0)), np.array(1.0), 0))
