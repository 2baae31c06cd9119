"""The numpy example (examples/example_numpy.py, ops in examples/numpy_ops.py): every op of the
suite, every case passing under `nlgolden verify`; every refusal for the case's own flag; every
wrong variant rejected, in exactly the ops it names."""

import numpy as np
import pytest

import goldentools as gt
import nlgolden

VARIANTS = [name for name in gt.load_example().VARIANTS if name != "correct"]


def test_the_example_implements_every_op(suite, example):
    assert set(example.OPS) == set(suite.manifest["ops"]) == set(nlgolden.OPS)


def test_the_example_passes_the_whole_suite(tmp_path, suite, example):
    out = str(tmp_path / "correct.json")
    assert example.main(["--out", out]) == 0
    run = gt.run_cli(["verify", out, "--golden", gt.GOLDEN])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FAIL" not in run.stdout and "MISSING" not in run.stdout
    report = nlgolden.verify(suite, out)
    assert report.failed == report.skipped == 0
    strict = nlgolden.verify(suite, out, strict_errors=True)
    assert strict.failed == strict.skipped == 0 and strict.passed == len(suite.cases)
    assert report.passed == len(suite.cases)
    assert {o.op for o in report.ops if o.passed} == set(suite.manifest["ops"])
    valid = sum(c.result == "valid" for c in suite.cases)
    invalid = len(suite.cases) - valid
    assert run.stdout.splitlines()[-1] == (f"{len(suite.cases)} passed ({valid} within tolerance, {invalid} refused, "
                                           f"{invalid} of them with the matching errorKind), 0 failed, 0 skipped "
                                           f"(0 missing)")


def test_every_refusal_names_the_case_flag(suite, correct_doc):
    for entry in correct_doc["results"]:
        case = suite.by_id[entry["tcId"]]
        if case.result == "invalid":
            kind = entry["error"].split(":")[0]
            assert kind in case.flags, f"tcId {case.tcId} ({case.comment}) refused for {entry['error']}"
        else:
            assert "outputs" in entry, f"tcId {case.tcId} refused: {entry['error']}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_wrong_variant_is_rejected_in_the_ops_it_names(variant, suite, example):
    summary, keywords = example.VARIANTS[variant]
    report = nlgolden.verify(suite, example.run_suite(suite, variant))
    assert report.exit_code == 1, f"variant {variant} ({summary}) passed"
    failing = {v.op for v in report.cases if v.status == "failed"}
    assert failing == set(keywords), f"variant {variant} fails {sorted(failing)}, names {sorted(keywords)}"
    assert report.skipped == 0


def test_a_variant_is_rejected_by_the_command(tmp_path, suite, example):
    out = str(tmp_path / "wrong.json")
    assert example.main(["--out", out, "--variant", "m3-printed-window"]) == 0
    run = gt.run_cli(["verify", out, "--golden", gt.GOLDEN])
    assert run.returncode == 1, run.stdout + run.stderr
    assert {line.split()[2].rstrip(":") for line in run.stdout.splitlines() if line.startswith("FAIL ")} == \
        {"m3.trajectory"}


def test_list_variants(capsys, example):
    assert example.main(["--list-variants"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(example.VARIANTS)


def test_scale_and_read_order_keywords(suite, example):
    """No case selects these conventions yet: check them against their definitions on a case's
    inputs (a power-of-two scale is exact; reading before the write misses the token's own write)."""
    ops = example.OPS
    for op in ("linear_attention.recurrent", "delta_rule.sequence", "gated_delta_rule.sequence",
               "delta_rule.two_calls", "titans_memory.chunked"):
        case = next(c for c in suite.cases if c.op == op and c.result == "valid")
        x = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
        plain = ops[op](**x)
        assert (ops[op](**x, scale=0.5)["Y"] == 0.5 * plain["Y"]).all()
        assert (ops[op](**x, scale=0.5)["M_T"] == plain["M_T"]).all()
    case = next(c for c in suite.cases if c.op == "linear_attention.recurrent" and c.result == "valid")
    x = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
    after = ops["linear_attention.recurrent"](**x)["Y"]
    before = ops["linear_attention.recurrent"](**x, read_order="before_write")["Y"]
    own = np.einsum("ti,tj,tj->ti", x["V"], x["K"], x["Q"])           # (v_t k_t^T) q_t
    assert np.allclose(after - before, own, rtol=0, atol=1e-12 * np.abs(after).max())
    assert np.array_equal(before[0], x["M0"] @ x["Q"][0])
    with pytest.raises(ValueError):
        ops["delta_rule.sequence"](**{n: nlgolden.to_numpy(t) for n, t in suite.cases_of("delta_rule.sequence")[0]
                                      .inputs.items()}, read_order="sideways")


def test_the_options_of_0_9_against_their_definitions(suite, example):
    """The example's options agree with FORMAT.md's readings of each other: per-chunk gates are
    token gates repeated over the chunk; M3's two slow-update timings give the same W; a tall X
    transposed gives the same X_next up to rounding; eps = 0 normalises by ||X||_F alone."""
    ops = example.OPS
    for op in ("titans_memory.chunked", "titans_mlp.chunked"):
        case = next(c for c in suite.cases if c.op == op and c.result == "valid"
                    and c.options.get("gate_granularity") == "chunk")
        x = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
        C, T = int(x["chunk"]), x["K"].shape[0]
        per_token = dict(x, **{g: np.repeat(x[g], C)[:T] for g in ("alpha", "eta", "theta")})
        chunked, token = ops[op](**x, gate_granularity="chunk"), ops[op](**per_token)
        assert all(np.array_equal(chunked[k], token[k]) for k in token)
    case = next(c for c in suite.cases if c.op == "m3.trajectory" and c.options.get("slow_update") == "chunk_end")
    x = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
    end, start = ops["m3.trajectory"](**x, slow_update="chunk_end"), ops["m3.trajectory"](**x)
    assert np.array_equal(end["W"], start["W"])
    assert x["G"].shape[0] % int(x["period"]) != 0 or not np.array_equal(end["M2_T"], start["M2_T"])
    X = np.arange(1.0, 13.0).reshape(4, 3) / 16
    plain = ops["newton_schulz.step"](X, 1.5, -0.5, 0.0)["X_next"]
    tall = ops["newton_schulz.step"](X, 1.5, -0.5, 0.0, transpose_tall="true")["X_next"]
    assert np.allclose(plain, tall, rtol=1e-15, atol=0)
    normed = ops["newton_schulz.iterate"](X, 1.5, -0.5, 0.0, 0.0, normalize="frobenius")["X_out"]
    assert np.array_equal(normed, X / np.sqrt(np.sum(X * X)))


def test_log_gates_and_scale_keywords(suite, example):
    """Log-space gates and the attention scale, checked against their definitions: exp of the
    log gate is the linear gate up to rounding; a log gate of -infinity is refused; softmax's scale
    equal to fl(1 / fl(sqrt(d_k))) gives step (2)'s c bit for bit."""
    ops = example.OPS
    case = next(c for c in suite.cases if c.op == "gated_delta_rule.sequence" and c.result == "valid")
    x = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
    a = np.linspace(0.25, 0.875, len(x.pop("alpha")))
    linear = ops["gated_delta_rule.sequence"](**x, alpha=a)["Y"]
    logged = ops["gated_delta_rule.sequence"](**x, log_alpha=np.log(a), gates="log")["Y"]
    assert np.allclose(linear, logged, rtol=0, atol=1e-12 * np.abs(linear).max())
    with pytest.raises(example.InvalidInput) as refusal:
        ops["gated_delta_rule.sequence"](**x, log_alpha=np.where(a > 0.5, -np.inf, np.log(a)), gates="log")
    assert refusal.value.kind == "NonFinite"
    for op in ("titans_memory.chunked", "titans_mlp.chunked"):
        case = next(c for c in suite.cases if c.op == op and c.result == "valid" and not c.options)
        x = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
        alpha = np.minimum(x.pop("alpha"), 0.5)
        linear = ops[op](**x, alpha=alpha)["Y"]
        logged = ops[op](**x, log_one_minus_alpha=np.log1p(-alpha), gates="log")["Y"]
        assert np.allclose(linear, logged, rtol=0, atol=1e-12 * np.abs(linear).max())
    case = next(c for c in suite.cases if c.op == "softmax_attention.causal" and c.result == "valid")
    x = {name: nlgolden.to_numpy(t) for name, t in case.inputs.items()}
    c = 1.0 / np.sqrt(float(x["K"].shape[1]))
    assert np.array_equal(ops["softmax_attention.causal"](**x)["Y"], ops["softmax_attention.causal"](**x, scale=c)["Y"])
