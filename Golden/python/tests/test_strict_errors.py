"""errorKind and --strict-errors (FORMAT.md, "Results file" and "Verdicts"): a refusal may name
the invalid-case flag it answers to; with --strict-errors an invalid case passes only when it is
refused with its own flag, and without it the reports count the refusals that named it."""

import json
import xml.etree.ElementTree as ET

import pytest

import goldentools as gt
import nlgolden
from nlgolden import pytest_plugin as plug

KINDS = ("ShapeMismatch", "NonFinite", "OutOfRange", "ZeroDenominator")


def kind_of(case):
    """The case's invalid-case flag, read from its flags."""
    (kind,) = [f for f in case.flags if f in KINDS]
    return kind


def other_kind(kind, k):
    """A kind that is not `kind` (k picks which)."""
    return KINDS[(KINDS.index(kind) + 1 + k % 3) % len(KINDS)]


def invalid_cases(suite, op=None):
    return [c for c in suite.cases if c.result == "invalid" and (op is None or c.op == op)]


def with_kinds(suite, doc, kind=kind_of):
    """Every refusal of an invalid case given errorKind kind(case) (None: no errorKind)."""
    for c in invalid_cases(suite):
        e = gt.entry_of(doc, c.tcId)
        e["error"] = f"refused: {c.comment}"
        e.pop("errorKind", None)
        k = kind(c)
        if k is not None:
            e["errorKind"] = k
    return doc


def test_every_invalid_case_carries_exactly_one_kind(suite):
    assert nlgolden.INVALID_KINDS == KINDS
    assert set(KINDS) <= set(suite.flags)
    for c in invalid_cases(suite):
        assert len([f for f in c.flags if f in KINDS]) == 1, (c.tcId, c.flags)
    for c in suite.cases:
        if c.result == "valid":
            assert not set(c.flags) & set(KINDS), (c.tcId, c.flags)


def test_matching_kinds_pass_strict_and_are_counted(suite, perfect):
    doc = with_kinds(suite, perfect)
    n = len(invalid_cases(suite))
    for strict in (False, True):
        r = nlgolden.verify(suite, doc, strict_errors=strict)
        assert r.exit_code == 0
        assert (r.refused, r.refusedMatchingKind) == (n, n)
        assert r.lines()[-1] == (f"{r.passed} passed ({r.withinTolerance} within tolerance, "
                                 f"{n} refused, {n} of them with the matching errorKind), 0 failed, "
                                 f"0 skipped (0 missing)")
        header = (f"suite {suite.suiteVersion}, implementation expected values, precision f64"
                  + (", strict errors" if strict else ""))
        assert r.lines()[0] == header
        for s in r.ops:
            assert s.refusedMatchingKind == s.refused


def test_without_strict_every_refusal_passes_and_only_matching_ones_count(suite, perfect):
    inv = invalid_cases(suite)
    choice = {c.tcId: [kind_of(c), None, other_kind(kind_of(c), k)][k % 3]
              for k, c in enumerate(inv)}
    doc = with_kinds(suite, perfect, lambda c: choice[c.tcId])
    r = nlgolden.verify(suite, doc)
    matching = sum(k % 3 == 0 for k in range(len(inv)))
    assert r.exit_code == 0 and r.refused == len(inv)
    assert r.refusedMatchingKind == matching
    for c in inv:
        v = r.verdict(c.tcId)
        assert (v.status, v.reason, v.errorKind) == ("passed", "refused", choice[c.tcId])
        assert v.matchingKind == (choice[c.tcId] == kind_of(c))

    s = nlgolden.verify(suite, doc, strict_errors=True)
    assert s.exit_code == 1
    assert s.refused == s.refusedMatchingKind == matching
    assert s.failed == len(inv) - matching
    for c in inv:
        v = s.verdict(c.tcId)
        flags = ", ".join(c.flags)
        head = f"FAIL {c.tcId} {c.op}: an invalid input was refused"
        if choice[c.tcId] == kind_of(c):
            assert (v.status, v.reason, v.line) == ("passed", "refused", None)
        elif choice[c.tcId] is None:
            assert (v.status, v.reason) == ("failed", "refused-no-kind")
            assert v.line == f"{head} without an errorKind (flags {flags}): refused: {c.comment}"
        else:
            assert (v.status, v.reason) == ("failed", "refused-wrong-kind")
            assert v.line == (f"{head} as {choice[c.tcId]} (flags {flags}): refused: "
                              f"{c.comment}")


def test_strict_lines_clean_and_shorten_the_message(suite, perfect):
    c = invalid_cases(suite)[0]
    e = gt.entry_of(perfect, c.tcId)
    e["error"] = "bad\n\tshape " + "x" * 300
    r = nlgolden.verify(suite, perfect, ops=[c.op], strict_errors=True)
    v = r.verdict(c.tcId)
    message = nlgolden.shorten("bad  shape " + "x" * 300, 120, 20)
    assert v.line.endswith(f"without an errorKind (flags {', '.join(c.flags)}): {message}")


def test_strict_changes_nothing_else(suite, perfect, example):
    """Valid cases, missing cases and accepted invalid cases grade the same either way; a refusal
    of a valid case keeps its reason (and its errorKind is reported)."""
    valid = next(c for c in suite.cases if c.result == "valid")
    e = gt.entry_of(perfect, valid.tcId)
    e.pop("outputs")
    e.update(error="no", errorKind="OutOfRange")
    inv = invalid_cases(suite, "dgd.step")
    e = gt.entry_of(perfect, inv[0].tcId)
    e.pop("error")
    e["outputs"] = {"W_next": {"f64": []}}
    perfect["results"] = [r for r in perfect["results"] if r["tcId"] != inv[1].tcId]
    plain = nlgolden.verify(suite, perfect)
    strict = nlgolden.verify(suite, perfect, strict_errors=True)
    for a, b in zip(plain.cases, strict.cases):
        if a.reason == "refused":
            continue
        assert (a.status, a.reason, a.line) == (b.status, b.reason, b.line)
    v = strict.verdict(valid.tcId)
    assert (v.reason, v.errorKind) == ("refused-valid", "OutOfRange")
    assert strict.to_json()["cases"][0]["errorKind"] == "OutOfRange"
    correct = example.run_suite(suite, "correct")
    assert nlgolden.verify(suite, correct, ops=["dgd.step"]).exit_code == 0


def test_json_and_junit_reports(suite, perfect):
    inv = invalid_cases(suite, "dgd.step")
    doc = with_kinds(suite, perfect, lambda c: kind_of(c) if c.tcId != inv[0].tcId else None)
    for strict in (False, True):
        r = nlgolden.verify(suite, doc, ops=["dgd.step"], strict_errors=strict)
        j = json.loads(json.dumps(r.to_json()))
        assert j["schema"] == "nl-golden-report/1" and j["strictErrors"] is strict
        (op,) = j["ops"]
        assert op["refusedMatchingKind"] == len(inv) - 1
        assert op["refused"] == len(inv) - (1 if strict else 0)
        assert j["summary"]["refusedMatchingKind"] == len(inv) - 1
        kinds = {c["tcId"]: c["errorKind"] for c in j["cases"]}
        assert kinds[inv[0].tcId] is None and kinds[inv[1].tcId] == kind_of(inv[1])
        first = next(c for c in j["cases"] if c["tcId"] == inv[0].tcId)
        assert first["reason"] == ("refused-no-kind" if strict else "refused")
        root = ET.fromstring(r.junit())
        (ts,) = root.findall("testsuite")
        props = {p.get("name"): p.get("value") for p in ts.find("properties")}
        assert props == {"refused": str(op["refused"]),
                         "refusedMatchingKind": str(len(inv) - 1),
                         "strictErrors": "true" if strict else "false"}
        tc = next(t for t in ts.findall("testcase") if t.get("name") == f"tcId {inv[0].tcId}")
        assert (tc.find("failure") is not None) == strict


def test_malformed_errorKind_names_file_case_and_field(suite, perfect, tmp_path):
    c = invalid_cases(suite)[0]
    valid = next(x for x in suite.cases if x.result == "valid")
    for tcId, kind, fragment in ((c.tcId, "shape", "not an invalid-case flag"),
                                 (c.tcId, "Small", "not an invalid-case flag"),
                                 (c.tcId, None, "not a string"),
                                 (valid.tcId, "NonFinite", "goes only with an error")):
        doc = json.loads(json.dumps(perfect))
        gt.entry_of(doc, tcId)["errorKind"] = kind
        p = str(tmp_path / "r.json")
        gt.write_json(p, doc)
        for strict in (False, True):
            with pytest.raises(nlgolden.GoldenError) as info:
                nlgolden.verify(suite, p, strict_errors=strict)
            e = info.value
            assert e.file == p and e.tcId == tcId and e.field.endswith(".errorKind"), str(e)
            assert fragment in str(e)


def test_an_errorKind_must_be_a_flag_of_the_manifest(tmp_path):
    """A kind that the suite's manifest does not define is no kind of that suite."""
    golden = gt.copy_suite(str(tmp_path / "Golden"), {1, 2, 6, 14, 20})
    gt.edit_manifest(golden, lambda m: m["flags"].pop("ZeroDenominator"))
    suite = nlgolden.load_suite(golden)
    assert nlgolden.grading.invalid_kinds(suite) == ["ShapeMismatch", "NonFinite", "OutOfRange"]
    doc = gt.perfect_results(suite)
    gt.entry_of(doc, 6)["errorKind"] = "NonFinite"
    assert nlgolden.verify(suite, doc).exit_code == 0
    gt.entry_of(doc, 6)["errorKind"] = "ZeroDenominator"
    with pytest.raises(nlgolden.GoldenError, match="one of NonFinite, OutOfRange, ShapeMismatch"):
        nlgolden.verify(suite, doc)


def test_cli_strict_errors(tmp_path, suite, perfect):
    doc = with_kinds(suite, perfect, lambda c: None if c.op == "dgd.step" else kind_of(c))
    p = str(tmp_path / "r.json")
    gt.write_json(p, doc)
    base = ["verify", p, "--golden", gt.GOLDEN]
    out = gt.run_cli(base)
    assert out.returncode == 0, out.stderr
    strict = gt.run_cli(base + ["--strict-errors"])
    assert strict.returncode == 1
    assert strict.stdout == nlgolden.verify(suite, p, strict_errors=True).text()
    assert "refused without an errorKind" in strict.stdout
    assert gt.run_cli(base + ["--strict-errors", "--op-prefix", "linear"]).returncode == 0
    j = json.loads(gt.run_cli(base + ["--strict-errors", "--json"]).stdout)
    assert j["strictErrors"] is True


class KindError(ValueError):
    def __init__(self, message, kind):
        super().__init__(message)
        self.kind = kind


def test_plugin_refusals_carry_the_exception_kind():
    inv = next(c for c in plug.golden_cases("linear_attention.recurrent") if c.result == "invalid")
    kind = kind_of(inv.case)
    assert plug.results_entry(inv, KindError("no", kind))["errorKind"] == kind
    assert "errorKind" not in plug.results_entry(inv, ValueError("no"))
    plug.assert_conforms(inv, ValueError("no"))
    plug.assert_conforms(inv, KindError("no", other_kind(kind, 0)))
    v = plug.assert_conforms(inv, KindError("no", kind), strict_errors=True)
    assert v.matchingKind
    with pytest.raises(pytest.fail.Exception) as info:
        plug.assert_conforms(inv, ValueError("no"), strict_errors=True)
    assert str(info.value) == (f"FAIL {inv.tcId} {inv.op}: an invalid input was refused without "
                               f"an errorKind (flags {', '.join(inv.flags)}): ValueError: no")
    with pytest.raises(pytest.fail.Exception, match="refused as "):
        plug.assert_conforms(inv, KindError("no", other_kind(kind, 1)), strict_errors=True)

    def refuse(**inputs):
        raise KindError("no", kind)
    plug.assert_conforms(inv, refuse, strict_errors=True)
    with pytest.raises(pytest.fail.Exception, match="cannot be graded.*errorKind"):
        plug.assert_conforms(inv, KindError("no", "shape"))
