"""The committed scoreboard is what the committed results give, and nothing on it is unexplained.

Needs numpy and nlgolden only: the adapters' declarations import no torch, and the results are
graded as committed (results/*.json), never recomputed here.
"""

import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
GOLDEN = os.path.dirname(CONFORMANCE)
sys.path.insert(0, CONFORMANCE)

from adapters import common  # noqa: E402


def load_scoreboard():
    loader = importlib.machinery.SourceFileLoader("scoreboard", os.path.join(CONFORMANCE, "scoreboard"))
    spec = importlib.util.spec_from_loader("scoreboard", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


scoreboard = load_scoreboard()
_SUITE = []


def build(results=None):
    """The scoreboard from `results` (default: the committed ones), the suite read once."""
    import nlgolden
    if not _SUITE:
        _SUITE.append(nlgolden.load_suite(GOLDEN))
    return scoreboard.build(GOLDEN, results or scoreboard.RESULTS, _SUITE[0])


def test_committed_scoreboard_is_regenerated_byte_for_byte():
    with open(os.path.join(CONFORMANCE, "SCOREBOARD.md"), encoding="utf-8") as f:
        committed = f.read()
    assert build() == committed, (
        "SCOREBOARD.md differs from what results/ gives: run Golden/conformance/scoreboard --from-results")


def test_scoreboard_begins_with_versions():
    with open(os.path.join(CONFORMANCE, "SCOREBOARD.md"), encoding="utf-8") as f:
        head = f.read().split("\n")[:4]
    assert head[2].startswith("Libraries: fla-core ") and "titans-pytorch " in head[2] and "torch " in head[2]
    assert head[3].startswith("Suite ")


def test_adapter_declarations_import_no_torch():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "import adapters.fla_core, adapters.titans_pytorch, adapters.nested_learning; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code, CONFORMANCE], check=True)


def uncaused_copy(tmp_path, adapter, impl, key):
    """results/ copied, and one cause removed from an adapter's table (restored by the caller)."""
    results = tmp_path / "results"
    shutil.copytree(os.path.join(CONFORMANCE, "results"), results)
    return results, adapter.CAUSES[impl].pop(key)


def test_a_failure_without_a_cause_fails_the_scoreboard(tmp_path):
    from adapters import fla_core
    key = ("delta_rule.sequence", "NonFinite")
    results, cause = uncaused_copy(tmp_path, fla_core, "fla-core", key)
    try:
        with pytest.raises(scoreboard.Unexplained, match="FAIL 13 delta_rule.sequence"):
            build(str(results))
    finally:
        fla_core.CAUSES["fla-core"][key] = cause


def test_a_cause_that_explains_nothing_fails_the_scoreboard():
    from adapters import fla_core
    key = ("linear_attention.recurrent", "LongRationals")
    fla_core.CAUSES["fla-core"][key] = common.Cause("defect", "stale")
    try:
        with pytest.raises(scoreboard.Unexplained, match="explains no failure"):
            build()
    finally:
        del fla_core.CAUSES["fla-core"][key]


def test_a_missing_case_without_a_reason_fails_the_scoreboard(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(os.path.join(CONFORMANCE, "results"), results)
    path = results / "fla-core.f32.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["x-skipped"] = [s for s in doc["x-skipped"] if s["tcId"] != 56]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(scoreboard.Unexplained, match="tcId 56 .* neither run nor skipped"):
        build(str(results))


def test_an_unexpected_results_file_fails_the_scoreboard(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(os.path.join(CONFORMANCE, "results"), results)
    (results / "someone-else.f32.json").write_text("{}", encoding="utf-8")
    with pytest.raises(scoreboard.Unexplained, match="no adapter implementation writes it"):
        build(str(results))


def test_every_cause_key_names_a_flag_a_case_or_a_verdict():
    build()
    suite = _SUITE[0]
    for adapter in scoreboard.ADAPTERS:
        for impl, table in adapter.CAUSES.items():
            assert impl in adapter.IMPLEMENTATIONS
            for op, key in table:
                assert op in adapter.IMPLEMENTATIONS[impl], (impl, op)
                ok = key in ("valid", "invalid") or key in suite.flags or (
                    isinstance(key, int) and key in suite.by_id and suite.by_id[key].op == op)
                assert ok, (impl, op, key)


class FakeCase:
    def __init__(self, op, path):
        self.op, self.path = op, path


class FakeSuite:
    def __init__(self, ops):
        self.ops = ops


def test_options_default_to_the_manifest_and_unselectable_ones_skip(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"options": {"read_order": "before_write"}}), encoding="utf-8")
    suite = FakeSuite({"op": {"options": {"read_order": {"values": ["after_write", "before_write"],
                                                          "default": "after_write"},
                                          "gates": {"values": ["direct", "log"], "default": "direct"},
                                          "layout": {"values": ["a", "b"], "default": "a"}}}})
    options = common.case_options(suite, FakeCase("op", str(path)))
    assert options == {"read_order": "before_write", "gates": "direct", "layout": "a"}
    defaults = common.option_defaults(suite, "op")
    binding = common.Binding("f", (), options={"read_order": {"afterWrite"}, "gates": {"log"}})
    with pytest.raises(common.Skip, match="read_order=before_write: not selectable"):
        common.check_options(binding, options, defaults)
    common.check_options(binding, {"read_order": "after_write", "gates": "log", "layout": "a"}, defaults)
    common.check_options(binding, {"read_order": "after-write", "gates": "direct"}, defaults)
    with pytest.raises(common.Skip, match="layout=b: the library has no such setting"):
        common.check_options(binding, {"layout": "b"}, defaults)


def test_optional_scalar_inputs_default_to_the_manifest():
    import numpy as np
    suite = FakeSuite({"op": {"optionalInputs": {"scale": "1/4"}}})
    case = FakeCase("op", None)
    assert common.optional_scalar(suite, case, "scale", {}) == 0.25
    assert common.optional_scalar(suite, case, "scale", {"scale": np.array(0.5)}) == 0.5
    assert common.optional_scalar(FakeSuite({"op": {}}), case, "scale", {}) is None


def test_integer_inputs_are_never_rounded():
    assert common.integer_input(3.0) == 3 and isinstance(common.integer_input(3.0), int)
    assert common.integer_input(1.5) == 1.5
    assert isinstance(common.integer_input(float("nan")), float)
