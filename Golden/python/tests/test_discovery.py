"""Finding the suite: --golden, NLSPEC_GOLDEN, the suite bundled with the installed package (or
the source tree's Golden/ folder)."""

import os
import sysconfig

import pytest

import goldentools as gt
import nlgolden
from nlgolden import GoldenError, discovery


def test_explicit_directory_wins(tmp_path):
    assert nlgolden.find_golden(gt.GOLDEN, environ={"NLSPEC_GOLDEN": str(tmp_path)}) == gt.GOLDEN


def test_environment_variable(tmp_path):
    assert nlgolden.find_golden(environ={"NLSPEC_GOLDEN": gt.GOLDEN}) == gt.GOLDEN
    with pytest.raises(GoldenError) as info:
        nlgolden.find_golden(environ={"NLSPEC_GOLDEN": str(tmp_path)})
    assert str(tmp_path) in str(info.value)


def test_builtin_suite():
    found = nlgolden.find_golden(environ={})
    assert os.path.isfile(os.path.join(found, "MANIFEST.json"))
    assert found in (discovery.bundled_dir(), discovery.source_tree_dir())
    assert nlgolden.find_golden(environ={"NLSPEC_GOLDEN": ""}) == found     # empty = unset


def test_error_names_all_three_places(tmp_path, monkeypatch):
    monkeypatch.setattr(discovery, "bundled_dir", lambda: str(tmp_path / "bundled"))
    monkeypatch.setattr(discovery, "source_tree_dir", lambda: str(tmp_path / "source"))
    with pytest.raises(GoldenError) as info:
        nlgolden.find_golden(environ={})
    msg = str(info.value)
    assert "--golden not given" in msg and "NLSPEC_GOLDEN not set" in msg
    assert "bundled" in msg and "source" in msg
    with pytest.raises(GoldenError) as info:
        nlgolden.find_golden(str(tmp_path / "x"), environ={"NLSPEC_GOLDEN": "/y"})
    msg = str(info.value)
    assert str(tmp_path / "x") in msg and "NLSPEC_GOLDEN='/y'" in msg and "bundled" in msg


def test_cli_uses_the_environment_variable(tmp_path, example, suite):
    p = str(tmp_path / "r.json")
    gt.write_json(p, example.run_suite(suite, "correct"))
    out = gt.run_cli(["verify", p], env={"NLSPEC_GOLDEN": gt.GOLDEN})
    assert out.returncode == 0, out.stderr
    out = gt.run_cli(["verify", p], env={"NLSPEC_GOLDEN": str(tmp_path)})
    assert out.returncode == 2 and "--golden not given" in out.stderr
    out = gt.run_cli(["where"])                         # no --golden, no NLSPEC_GOLDEN
    assert out.returncode == 0 and os.path.isfile(os.path.join(out.stdout.strip(),
                                                               "MANIFEST.json"))


def test_installed_package_bundles_the_suite():
    """A non-editable install carries MANIFEST.json and cases/ in nlgolden/golden/."""
    pkg = os.path.dirname(os.path.abspath(nlgolden.__file__))
    site = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")}
    if os.path.realpath(os.path.dirname(pkg)) not in site:
        pytest.skip("nlgolden is imported from the source tree, not from an installed wheel")
    bundled = discovery.bundled_dir()
    assert nlgolden.find_golden(environ={}) == bundled
    m = gt.manifest(bundled)
    assert all(os.path.isfile(os.path.join(bundled, f["path"])) for f in m["files"])
    nlgolden.load_suite(bundled)
