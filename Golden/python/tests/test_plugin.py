"""The pytest plugin: golden_cases hands numpy inputs, assert_conforms fails with the grader's
FAIL line and agrees with nlgolden verify."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import goldentools as gt
import nlgolden
from nlgolden import pytest_plugin as plug

OP = "delta_rule.sequence"


def test_golden_cases(suite):
    cases = plug.golden_cases(OP)
    assert [c.tcId for c in cases] == [c.tcId for c in suite.cases_of(OP)]
    c = cases[0]
    assert str(c) == f"{OP}-{c.tcId:04d}-{c.result}"
    x = c.inputs_numpy
    assert set(x) == set(nlgolden.OPS[OP]["inputs"])
    assert all(a.dtype == np.float64 for a in x.values())
    x["K"][...] = 0                                    # a new array on every access
    assert np.any(c.inputs_numpy["K"] != 0)
    assert [c.op for c in plug.golden_cases(prefix="delta_rule.")] == \
        [c.op for c in suite.cases if c.op.startswith("delta_rule.")]
    assert len(plug.golden_cases()) == len(suite.cases)
    with pytest.raises(nlgolden.SelectionError):
        plug.golden_cases("delta")


def test_verdicts_match_the_grader(suite, example):
    for variant in ("correct", "left-multiplied-delta"):
        doc = example.run_suite(suite, variant)
        report = nlgolden.verify(suite, doc, ops=[OP])
        keywords = example.VARIANTS[variant][1].get(OP, {})
        fn = (lambda **kw: example.OPS[OP](**kw, **keywords))
        for case in plug.golden_cases(OP):
            v = plug.grade(case, fn)
            w = report.verdict(case.tcId)
            assert (v.status, v.reason) == (w.status, w.reason)
            if v.reason != "refused-valid":              # messages come from numpy either way
                assert v.line == w.line


def test_assert_conforms(example):
    cases = {c.result: c for c in plug.golden_cases(OP)}
    valid, invalid = cases["valid"], cases["invalid"]
    plug.assert_conforms(valid, example.OPS[OP])
    plug.assert_conforms(valid, example.OPS[OP](**valid.inputs_numpy))
    plug.assert_conforms(invalid, ValueError("bad shapes"))
    plug.assert_conforms(invalid, example.OPS[OP])
    with pytest.raises(pytest.fail.Exception) as info:
        plug.assert_conforms(invalid, valid.expected_numpy)
    assert str(info.value) == (f"FAIL {invalid.tcId} {OP}: an invalid input was not refused "
                               f"(flags {', '.join(invalid.flags)})")
    with pytest.raises(pytest.fail.Exception) as info:
        plug.assert_conforms(valid, RuntimeError("nope"))
    assert str(info.value) == f"FAIL {valid.tcId} {OP}: a valid input was refused: RuntimeError: nope"
    out = valid.expected_numpy
    out["Y"] = out["Y"] + 1
    with pytest.raises(pytest.fail.Exception) as info:
        plug.assert_conforms(valid, out)
    assert str(info.value).startswith(f"FAIL {valid.tcId} {OP} Y[0,0]: first of ")
    with pytest.raises(pytest.fail.Exception, match="has no output"):
        plug.assert_conforms(valid, {"Z": [1.0]})
    with pytest.raises(pytest.fail.Exception, match="shape"):
        out = valid.expected_numpy
        out["Y"] = out["Y"].T.copy() if out["Y"].shape[0] != out["Y"].shape[1] else out["Y"][:1]
        plug.assert_conforms(valid, out)
    # only the named exceptions are refusals
    with pytest.raises(KeyError):
        plug.assert_conforms(invalid, lambda **kw: {}[0], refuses=ValueError)


def test_f32_and_exact_answers(example):
    valid = next(c for c in plug.golden_cases(OP) if c.result == "valid")
    out32 = {k: v.astype(np.float32) for k, v in example.OPS[OP](
        **valid.inputs_numpy).items()}
    plug.assert_conforms(valid, out32, precision="f32")
    exact = {name: {"q": list(t.q)} for name, t in valid.case.expected.items()}
    assert plug.assert_conforms(valid, exact).reason == "within-tolerance"


def test_acceptable_cases_are_skipped(golden_copy):
    gt.edit_case(golden_copy, 6, lambda c: c.__setitem__("result", "acceptable"))
    case = next(c for c in plug.golden_cases("linear_attention.recurrent", golden=golden_copy)
                if c.tcId == 6)
    with pytest.raises(pytest.skip.Exception):
        plug.assert_conforms(case, ValueError("x"))


def run_pytest(tmp_path, body, *args):
    test = tmp_path / "test_user.py"
    test.write_text(textwrap.dedent(body))
    env = dict(os.environ)
    env.pop("NLSPEC_GOLDEN", None)
    env["PYTHONPATH"] = os.pathsep.join([gt.EXAMPLES, env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(test), *args], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=600)


def test_a_user_test_file_shows_the_fail_line(tmp_path, suite, example):
    out = run_pytest(tmp_path, """
        import pytest
        from nlgolden.pytest_plugin import assert_conforms, golden_cases
        from numpy_ops import delta_rule_sequence

        def wrong(**inputs):
            return delta_rule_sequence(**inputs, orientation="left")

        @pytest.mark.parametrize("case", golden_cases("delta_rule.sequence"), ids=str)
        def test_delta_rule(case):
            assert_conforms(case, wrong)
        """)
    assert out.returncode == 1, out.stdout + out.stderr
    report = nlgolden.verify(suite, example.run_suite(suite, "left-multiplied-delta"), ops=[OP])
    failed = [v for v in report.cases if v.status == "failed" and v.reason != "refused-valid"]
    assert failed
    for v in failed:
        assert v.line in out.stdout
    assert f"{report.failed} failed, {report.passed} passed" in out.stdout


def test_plugin_options(tmp_path, golden_copy):
    """--nlgolden-dir and --nlgolden-precision (registered through the pytest11 entry point)."""
    probe = run_pytest(tmp_path, "def test_x(pytestconfig):\n"
                                 "    assert pytestconfig.pluginmanager.has_plugin('nlgolden')\n")
    if probe.returncode != 0:
        pytest.skip("the nlgolden pytest plugin is not registered (package not installed)")
    gt.edit_case(golden_copy, 1, lambda c: c.__setitem__("comment", "from the copy"))
    out = run_pytest(tmp_path, """
        from nlgolden.pytest_plugin import golden_cases, assert_conforms, _settings

        def test_options(nlgolden_suite):
            assert nlgolden_suite.by_id[1].comment == "from the copy"
            assert golden_cases("linear_attention.recurrent")[0].case.comment == "from the copy"
            assert _settings["precision"] == "bf16"
        """, "--nlgolden-dir", golden_copy, "--nlgolden-precision", "bf16")
    assert out.returncode == 0, out.stdout + out.stderr
