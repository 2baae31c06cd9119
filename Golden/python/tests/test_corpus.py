"""The cross-grader corpus (corpus.py): every item grades, in this package, to the exit code the
contract prescribes; the reports render."""

import json

import pytest

import corpus


@pytest.fixture(scope="session")
def items(tmp_path_factory):
    return corpus.write_corpus(str(tmp_path_factory.mktemp("corpus")))


def test_corpus_items_grade_as_prescribed(items):
    suites = {}
    wrong = []
    for item in items:
        code, report, text = corpus.grade_in_process(item, suites)
        if code != item["expect"]:
            wrong.append(f"{item['name']}: exit {code}, expected {item['expect']} ({item['why']})")
        if code != 2:
            json.dumps(report, allow_nan=False)
            assert text.endswith("\n")
    malformed = sum(item["name"].startswith("malformed-") for item in items)
    suites_damaged = sum(item["name"].startswith("suite-") and item["expect"] == 2
                         for item in items)
    print(f"\ncorpus: {len(items)} items ({malformed} malformed results files, "
          f"{suites_damaged} damaged suites); {len(items) - len(wrong)} as prescribed")
    assert not wrong, "\n".join(wrong)
    assert malformed >= 50 and suites_damaged >= 6
