"""The numpy example (examples/example_numpy.py, ops in examples/numpy_ops.py): every op of the
suite, every case passing under `nlgolden verify`; every refusal for the case's own flag; every
wrong variant rejected, in exactly the ops it names."""

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
    assert report.passed == len(suite.cases)
    assert {o.op for o in report.ops if o.passed} == set(suite.manifest["ops"])
    valid = sum(c.result == "valid" for c in suite.cases)
    assert run.stdout.splitlines()[-1] == (f"{len(suite.cases)} passed ({valid} within tolerance, "
                                           f"{len(suite.cases) - valid} refused), 0 failed, 0 skipped (0 missing)")


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
