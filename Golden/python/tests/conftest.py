"""Fixtures of the nlgolden test suite.  The tests import the installed package
(pip install ./Golden/python, or pip install -e for development)."""

import copy

import pytest

import goldentools as gt
import nlgolden


@pytest.fixture(scope="session")
def suite():
    return nlgolden.load_suite(gt.GOLDEN)


@pytest.fixture(scope="session")
def example():
    return gt.load_example()


@pytest.fixture(scope="session")
def correct_doc(suite, example):
    return example.run_suite(suite, "correct")


@pytest.fixture
def doc(correct_doc):
    """The numpy example's results (every op), a fresh copy per test."""
    return copy.deepcopy(correct_doc)


@pytest.fixture(scope="session")
def perfect_doc_session(suite):
    return gt.perfect_results(suite)


@pytest.fixture
def perfect(perfect_doc_session):
    """Every case of every op answered with the expected values (passes), a fresh copy."""
    return copy.deepcopy(perfect_doc_session)


@pytest.fixture(scope="session")
def mini_golden(tmp_path_factory):
    """A copy of the suite with a few cases (fast to load): tcIds 1, 2, 6, 14, 20."""
    return gt.copy_suite(str(tmp_path_factory.mktemp("mini") / "Golden"), {1, 2, 6, 14, 20})


@pytest.fixture
def golden_copy(tmp_path):
    """A whole copy of the suite to damage."""
    return gt.copy_suite(str(tmp_path / "Golden"))
