"""The nlgolden command: exit codes, --json, --junit, --op / --op-prefix, --verbose, usage
errors.  Run as a subprocess of the installed package."""

import json
import os
import xml.etree.ElementTree as ET

import pytest

import goldentools as gt
import nlgolden


@pytest.fixture(scope="module")
def files(tmp_path_factory, suite, example):
    d = tmp_path_factory.mktemp("cli")
    out = {}
    for variant in ("correct", "left-multiplied-delta"):
        p = str(d / f"{variant}.json")
        gt.write_json(p, example.run_suite(suite, variant))
        out[variant] = p
    partial = example.run_suite(suite, "correct")
    partial["results"] = partial["results"][::2]          # every other case missing
    out["partial"] = str(d / "partial.json")
    gt.write_json(out["partial"], partial)
    bad = example.run_suite(suite, "correct")
    gt.entry_of(bad, 6)["error"] = None
    out["malformed"] = str(d / "malformed.json")
    gt.write_json(out["malformed"], bad)
    out["dir"] = str(d)
    return out


def verify(*args, env=None):
    return gt.run_cli(["verify", *args, "--golden", gt.GOLDEN], env=env)


def test_exit_0_text_report(files, suite):
    out = verify(files["correct"])
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    report = nlgolden.verify(suite, files["correct"])
    assert out.stdout == report.text()


def test_exit_1_and_json(files, suite):
    out = verify(files["left-multiplied-delta"], "--json")
    assert out.returncode == 1
    j = json.loads(out.stdout)
    assert j == json.loads(json.dumps(nlgolden.verify(suite, files["left-multiplied-delta"])
                                      .to_json()))
    assert j["summary"]["failed"] > 0


def test_exit_2_malformed_names_file_case_field(files):
    out = verify(files["malformed"])
    assert out.returncode == 2 and out.stdout == ""
    assert files["malformed"] in out.stderr and "tcId 6" in out.stderr and "error" in out.stderr


def test_exit_2_json_syntax_error_gives_line_and_column(files, tmp_path):
    p = str(tmp_path / "r.json")
    gt.write_bytes(p, b'{\n  "suiteVersion": "x",\n  "results": [1,]\n}')
    out = verify(p)
    assert out.returncode == 2 and "line 3 column" in out.stderr


def test_op_and_op_prefix(files, suite):
    out = verify(files["left-multiplied-delta"], "--op", "dgd.step", "--op", "cms_level.run")
    assert out.returncode == 0, out.stdout
    rows = [line.split()[0] for line in out.stdout.splitlines()[2:-1]]
    assert rows == ["dgd.step", "cms_level.run"]
    out = verify(files["left-multiplied-delta"], "--op-prefix", "delta_rule.",
                 "--op-prefix", "dgd")
    assert out.returncode == 1
    assert nlgolden.verify(suite, files["left-multiplied-delta"],
                           op_prefixes=["delta_rule.", "dgd"]).text() == out.stdout


@pytest.mark.parametrize("args", [["--op", "delta_rule"], ["--op-prefix", "nope"],
                                  ["--op", "dgd.step", "--op", "x"]])
def test_selection_errors_list_the_ops(files, suite, args):
    out = verify(files["correct"], *args)
    assert out.returncode == 2 and out.stdout == ""
    assert all(op in out.stderr for op in suite.ops)


def test_usage_errors_exit_2(files):
    for args in (["verify"], ["verify", files["correct"], "--precision", "f16"],
                 ["verify", files["correct"], "--bogus"], ["frobnicate"],
                 ["verify", files["correct"], "--op-pre", "dgd"]):       # no abbreviations
        out = gt.run_cli(args)
        assert out.returncode == 2, args
        assert out.stdout == ""


def test_missing_results_file_exit_2(tmp_path):
    out = verify(str(tmp_path / "absent.json"))
    assert out.returncode == 2 and "cannot read" in out.stderr


def test_verbose(files):
    out = verify(files["partial"], "--verbose", "--op-prefix", "cms.")
    lines = out.stdout.splitlines()
    assert any(line.startswith("MISSING ") and line.split()[1].isdigit() for line in lines)
    assert not any(line.startswith("MISSING cms.") for line in lines)


def test_junit(files, suite):
    junit = os.path.join(files["dir"], "junit.xml")
    out = verify(files["left-multiplied-delta"], "--junit", junit, "--json")
    assert out.returncode == 1
    json.loads(out.stdout)
    root = ET.parse(junit).getroot()
    assert int(root.get("tests")) == len(suite.cases)
    assert int(root.get("failures")) == json.loads(out.stdout)["summary"]["failed"]


def test_junit_that_cannot_be_written_exits_2(files, tmp_path):
    out = verify(files["correct"], "--junit", str(tmp_path / "no" / "such" / "dir.xml"))
    assert out.returncode == 2 and out.stdout == ""
    assert "JUnit" in out.stderr


def test_precision(files, suite, tmp_path):
    doc = gt.perfect_results(suite)
    for r in doc["results"]:
        for o in r.get("outputs", {}).values():
            o["f64"] = [gt.f64_hex(gt.f32_rounded(gt.struct.unpack(">d", bytes.fromhex(s))[0]))
                        for s in o["f64"]]
    p = str(tmp_path / "f32.json")
    gt.write_json(p, doc)
    assert verify(p).returncode == 1
    out = verify(p, "--precision", "f32")
    assert out.returncode == 0 and "precision f32" in out.stdout.splitlines()[0]


def test_check_and_where():
    out = gt.run_cli(["check", "--golden", gt.GOLDEN])
    assert out.returncode == 0 and "SHA-256" in out.stdout
    out = gt.run_cli(["where", "--golden", gt.GOLDEN])
    assert out.stdout.strip() == gt.GOLDEN


def test_check_a_damaged_suite_exits_2(golden_copy):
    gt.edit_case(golden_copy, 1, lambda c: c["expected"]["Y"]["rad"].__setitem__(
        0, "8000000000000000"))
    out = gt.run_cli(["check", "--golden", golden_copy])
    assert out.returncode == 2 and "expected.Y.rad[0]" in out.stderr


def test_a_report_that_cannot_be_written_exits_2(files):
    import subprocess
    env = dict(os.environ)
    env.pop("NLSPEC_GOLDEN", None)
    p = subprocess.Popen(gt.nlgolden_command() + ["verify", files["correct"], "--golden",
                                                  gt.GOLDEN],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdout.close()                                    # nobody reads the report
    err = p.stderr.read().decode()
    assert p.wait(timeout=600) == 2
    assert "cannot write the report" in err and "Traceback" not in err
