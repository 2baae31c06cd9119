"""Reading limits (FORMAT.md, "Reading limits"): non-regular files, sizes, encodings, strict
JSON, nesting depth, integer literals."""

import json
import os
import threading
import time

import pytest

import goldentools as gt
import nlgolden
from nlgolden import GoldenError
from nlgolden import _strictjson as sj


def load(data, tmp_path, name="r.json"):
    p = str(tmp_path / name)
    gt.write_bytes(p, data)
    return nlgolden.load_results(p)


def rejects(data, tmp_path, fragment=None):
    with pytest.raises(GoldenError) as info:
        load(data, tmp_path)
    if fragment:
        assert fragment in str(info.value)
    return info.value


# --- not a regular file -----------------------------------------------------------------------

def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = str(tmp_path / "results.fifo")
    os.mkfifo(fifo)
    outcome = []

    def read():
        try:
            nlgolden.load_results(fifo)
        except GoldenError as e:
            outcome.append(e)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "reading a FIFO blocked"
    assert outcome and "not a regular file" in str(outcome[0])


def test_fifo_via_cli_exits_2_quickly(tmp_path):
    fifo = str(tmp_path / "results.fifo")
    os.mkfifo(fifo)
    out = gt.run_cli(["verify", fifo, "--golden", gt.GOLDEN], timeout=60)
    assert out.returncode == 2 and out.stdout == ""
    assert "not a regular file" in out.stderr


def test_dev_zero_is_refused_at_once():
    start = time.time()
    with pytest.raises(GoldenError, match="not a regular file"):
        nlgolden.load_results("/dev/zero")
    assert time.time() - start < 1


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(GoldenError, match="not a regular file"):
        nlgolden.load_results(str(tmp_path))
    with pytest.raises(GoldenError, match="cannot read"):
        nlgolden.load_results(str(tmp_path / "absent.json"))


def test_size_limits_read_at_most_limit_plus_one(tmp_path):
    p = str(tmp_path / "f")
    gt.write_bytes(p, b"x" * 100)
    assert len(sj.read_file(p, 100)) == 100
    with pytest.raises(GoldenError, match="over the limit"):
        sj.read_file(p, 99)


def test_oversized_files_refused_before_reading(tmp_path):
    # sparse files: the size is refused from os.stat, nothing is read
    p = str(tmp_path / "big.json")
    with open(p, "wb") as fh:
        fh.truncate(sj.LIMIT_RESULTS + 1)
    with pytest.raises(GoldenError, match="over the limit"):
        nlgolden.load_results(p)
    with open(p, "wb") as fh:
        fh.truncate(sj.LIMIT_RESULTS)                  # exactly the limit: read, then not JSON
    with pytest.raises(GoldenError, match="invalid JSON"):
        nlgolden.load_results(p)


def test_manifest_and_case_limits(golden_copy, tmp_path):
    mf = os.path.join(golden_copy, "MANIFEST.json")
    with open(mf, "ab") as fh:
        fh.truncate(sj.LIMIT_MANIFEST + 1)
    with pytest.raises(GoldenError, match="over the limit"):
        nlgolden.load_suite(golden_copy)
    g2 = gt.copy_suite(str(tmp_path / "g2"))
    rel = gt.case_rel(g2, 1)
    with open(os.path.join(g2, rel), "ab") as fh:
        fh.truncate(sj.LIMIT_CASE + 1)
    with pytest.raises(GoldenError, match="over the limit"):
        nlgolden.load_suite(g2)


def test_a_fifo_in_the_suite_is_refused(golden_copy):
    rel = gt.case_rel(golden_copy, 1)
    path = os.path.join(golden_copy, rel)
    os.remove(path)
    os.mkfifo(path)
    with pytest.raises(GoldenError, match="not a regular file"):
        nlgolden.load_suite(golden_copy)


# --- encoding ----------------------------------------------------------------------------------

GOOD = {"suiteVersion": "0.0.0", "results": []}


def test_utf8_bom_and_utf16_are_malformed(tmp_path):
    text = json.dumps(GOOD)
    rejects(b"\xef\xbb\xbf" + text.encode(), tmp_path, "byte-order mark")
    rejects(text.encode("utf-16"), tmp_path, "not UTF-8")              # with BOM
    rejects(text.encode("utf-16-le"), tmp_path)                        # no BOM: NULs
    rejects(text.encode("utf-16-be"), tmp_path)
    rejects(text.encode("utf-32"), tmp_path)
    rejects(b'{"a": "\xff"}', tmp_path, "not UTF-8")
    rejects(b'{"a": "\xed\xa0\x80"}', tmp_path, "not UTF-8")           # an encoded surrogate


@pytest.mark.parametrize("text", [
    '{"implementation": "\\ud800"}',
    '{"implementation": "abc\\udc00"}',
    '{"implementation": "\\ude00\\ud83d"}',                # a reversed pair: two lone halves
    '{"x-\\ud800": 1}',
    '{"x-a": [[{"b": ["\\udfff"]}]]}',
    '["\\ud800"]',
    '"\\ud800"',
])
def test_escaped_lone_surrogates_are_malformed(text, tmp_path):
    rejects(text.encode(), tmp_path, "lone surrogate")


def test_surrogate_pairs_are_fine(tmp_path):
    assert load(b'{"implementation": "\\ud83d\\ude00 \xc3\xa9"}', tmp_path)["implementation"] \
        == "\U0001F600 \u00e9"


# --- strict JSON -------------------------------------------------------------------------------

@pytest.mark.parametrize("text,fragment", [
    ('{"a": 1, "a": 2}', "duplicate key"),
    ('{"x-a": {"b": 1, "b": 1}}', "duplicate key"),
    ('{"a": NaN}', "NaN"),
    ('{"a": Infinity}', "Infinity"),
    ('{"a": -Infinity}', "-Infinity"),
    ('{"a": 1,}', "line 1 column"),
    ('[1, 2,]', "line 1 column"),
    ('{"a": 1} // c', "line 1 column"),
    ("{'a': 1}", "line 1 column"),
    ('{"a": "tab\there"}', "line 1 column"),
    ('{"a": 01}', "line 1 column"),
    ('{"a": +1}', "line 1 column"),
    ('{"a": .5}', "line 1 column"),
    ('', "line 1 column"),
    ('{"a":\n  [1, 2', "line 2 column"),
])
def test_strict_json(text, fragment, tmp_path):
    rejects(text.encode(), tmp_path, fragment)


def nested(depth):
    return "[" * depth + "]" * depth


def test_nesting_depth_32_is_the_limit(tmp_path):
    assert load(nested(32).encode(), tmp_path) is not None
    rejects(nested(33).encode(), tmp_path, "nesting deeper than 32")
    doc = '{"suiteVersion": "x", "x-deep": ' + nested(31) + "}"        # 1 + 31 = 32 levels
    assert load(doc.encode(), tmp_path)["x-deep"] is not None
    doc = '{"suiteVersion": "x", "x-deep": ' + nested(32) + "}"
    rejects(doc.encode(), tmp_path, "nesting deeper than 32")


def test_very_deep_nesting_is_malformed_not_a_crash(tmp_path):
    rejects(nested(200_000).encode(), tmp_path, "nesting deeper than 32")
    rejects(('{"a":' * 100_000 + "1" + "}" * 100_000).encode(), tmp_path)


def test_huge_integer_literal_costs_nothing(tmp_path, suite):
    digits = "9" * 1_000_000
    start = time.time()
    doc = load(('{"x-n": ' + digits + ', "x-f": ' + digits + '.5e99999}').encode(), tmp_path)
    assert isinstance(doc["x-n"], sj.HugeInt) and doc["x-f"] == float("inf")
    p = str(tmp_path / "r.json")
    gt.write_bytes(p, ('{"suiteVersion": "%s", "results": [{"tcId": %s, "op": "dgd.step", '
                       '"error": "x"}]}' % (suite.suiteVersion, digits)).encode())
    with pytest.raises(GoldenError) as info:
        nlgolden.verify(suite, p)
    assert info.value.field == "results[0].tcId"
    assert time.time() - start < 5
