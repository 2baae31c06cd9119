"""pytest support: grade an implementation case by case against the golden suite.

    import pytest
    from nlgolden.pytest_plugin import golden_cases, assert_conforms

    @pytest.mark.parametrize("case", golden_cases("delta_rule.sequence"), ids=str)
    def test_delta_rule(case):
        assert_conforms(case, my_delta_rule)     # called as my_delta_rule(**case.inputs_numpy)

assert_conforms takes the implementation's answer as a callable (called with the case's inputs
as float64 numpy arrays; an exception is a refusal), a dict of outputs (name -> array-like, or an
output object of the results format such as {"q": [...]}), or an exception instance.  It fails
the test with the grader's FAIL line, skips an `acceptable` case, and passes otherwise; the
verdict is exactly the one `nlgolden verify` gives for the same answer.  A refusal whose
exception has a string attribute `kind` (an invalid-case flag such as "ShapeMismatch") is
recorded with that errorKind; with strict_errors=True (or --nlgolden-strict-errors) an invalid
case passes only when refused with its own flag as the kind.

Conventions (FORMAT.md, "Options").  A case that selects an option (`read_order="before_write"`)
or carries an optional input (`scale`) passes it to the callable as a keyword argument, the
option as its value string and the input as a float64 array like every input; a case that keeps
every default passes neither, so a callable written for the defaults is called exactly as
before.  When the callable cannot take such a keyword (its signature, read with
inspect.signature, has no parameter of that name and no **kwargs), the test is skipped with the
reason "convention <name>=<value> not supported" instead of failing: the suite does not count
a convention the implementation does not offer as a bug.  An input an option puts in place of
another (`log_alpha` for `gates="log"`) is named by that option in the reason.

Installed, the package registers this module as a pytest plugin (entry point pytest11), which
adds the options --nlgolden-dir, --nlgolden-precision and --nlgolden-strict-errors and the
session fixture nlgolden_suite.
Without those options the suite is found as find_golden() does (NLSPEC_GOLDEN, then the suite
bundled with the package).
"""

import inspect

import numpy as np
import pytest

from ._errors import GoldenError
from .discovery import find_golden
from .grading import PRECISION_SCALE, check_results, grade_case, select_ops
from .suite import load_suite, op_options, to_numpy

_settings = {"golden": None, "precision": None, "strict_errors": False}
_suites = {}


def pytest_addoption(parser):
    group = parser.getgroup("nlgolden", "golden conformance suite (nlgolden)")
    group.addoption("--nlgolden-dir", metavar="DIR", default=None,
                    help="golden suite directory (default: $NLSPEC_GOLDEN, then the suite "
                    "bundled with nlgolden)")
    group.addoption("--nlgolden-precision", choices=list(PRECISION_SCALE), default=None,
                    help="the precision assert_conforms grades at (default f64)")
    group.addoption("--nlgolden-strict-errors", action="store_true", default=False,
                    help="assert_conforms passes a refusal of an invalid case only when the "
                    "exception's kind is the case's flag")


def pytest_configure(config):
    _settings["golden"] = config.getoption("nlgolden_dir", None)
    _settings["precision"] = config.getoption("nlgolden_precision", None)
    _settings["strict_errors"] = bool(config.getoption("nlgolden_strict_errors", False))


def golden_suite(golden=None):
    """The loaded suite (cached per directory)."""
    directory = find_golden(golden if golden is not None else _settings["golden"])
    if directory not in _suites:
        _suites[directory] = load_suite(directory)
    return _suites[directory]


@pytest.fixture(scope="session")
def nlgolden_suite():
    """The golden suite (a nlgolden.Suite)."""
    return golden_suite()


class GoldenCase:
    """One case, as handed to a test: tcId, op, result, flags, comment, inputs (Tensors),
    inputs_numpy (name -> float64 array, new arrays on every access), expected_numpy."""

    def __init__(self, suite, case):
        self.suite = suite
        self.case = case
        self.tcId, self.op, self.result = case.tcId, case.op, case.result
        self.flags, self.comment = list(case.flags), case.comment
        self.inputs = case.inputs
        self.options = dict(case.options)

    @property
    def inputs_numpy(self):
        return {name: to_numpy(t) for name, t in self.case.inputs.items()}

    @property
    def arguments(self):
        """The keyword arguments a callable answer gets: the inputs as float64 arrays (optional
        inputs included when the case carries them) and the case's options as strings."""
        return call_arguments(self.case)

    @property
    def expected_numpy(self):
        """The expected values rounded to binary64 (None for an invalid case)."""
        if self.case.expected is None:
            return None
        return {name: to_numpy(t) for name, t in self.case.expected.items()}

    def __str__(self):
        return f"{self.op}-{self.tcId:04d}-{self.result}"

    def __repr__(self):
        return f"GoldenCase({self})"


def golden_cases(*ops, prefix=None, golden=None):
    """The cases of the named ops (exact names) and of the ops starting with `prefix` (a string
    or a list); every case when neither is given.  For pytest.mark.parametrize."""
    suite = golden_suite(golden)
    prefixes = [prefix] if isinstance(prefix, str) else list(prefix or [])
    chosen = set(select_ops(suite, list(ops), prefixes))
    return [GoldenCase(suite, c) for c in suite.cases if c.op in chosen]


def _output_object(name, value):
    """One output in the results format: an array-like becomes shape + f64 bit patterns; a dict
    is taken as an output object of the results format as it is."""
    if isinstance(value, dict):
        return value
    a = np.asarray(value)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"output {name!r} is not numeric (dtype {a.dtype})")
    a = np.ascontiguousarray(a, dtype=np.float64)
    raw = a.astype(">f8").tobytes().hex()
    return {"shape": list(a.shape), "f64": [raw[i:i + 16] for i in range(0, len(raw), 16)]}


def call_arguments(case):
    """The keyword arguments of a callable answer for `case`: every input as a float64 array,
    and the case's options (only those it sets) as strings."""
    case = case.case if isinstance(case, GoldenCase) else case
    args = {name: to_numpy(t) for name, t in case.inputs.items()}
    args.update(case.options)
    return args


def unsupported_convention(fn, case):
    """'name=value' for the first convention the case sets that `fn` cannot take as a keyword
    argument (options first, then optional inputs, then inputs an option puts in place of
    another, each by name), or None.  None also when the signature cannot be read (the call
    then shows what happens)."""
    case = case.case if isinstance(case, GoldenCase) else case
    wanted = case.convention_arguments
    if not wanted:
        return None
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    options = case.options
    optional = set(case.optional_inputs)

    def label(name):
        if name in options:
            return f"{name}={options[name]}"
        if name in optional:
            t = case.inputs[name]
            return f"{name}={t.q[0] if t.q else repr(t.values()[0])}"
        for option, value in sorted(options.items()):       # an input an option put in place
            replaced = op_options(case.op).get(option, {}).get("replaces", {}).get(value, {})
            if name in replaced.values():
                return f"{option}={value}"
        return name

    order = sorted(options) + sorted(optional) + sorted(set(wanted) - set(options) - optional)
    for name in order:
        if name not in names:
            return label(name)
    return None


def results_entry(case, outputs, refuses=Exception):
    """The results-file entry for an answer (callable, outputs dict or exception).  A callable
    that cannot take a convention the case sets skips the test (pytest.skip) with the reason
    "convention <name>=<value> not supported"; it is not called."""
    case = case.case if isinstance(case, GoldenCase) else case
    if callable(outputs) and not isinstance(outputs, (dict, BaseException)):
        fn = outputs
        missing = unsupported_convention(fn, case)
        if missing is not None:
            pytest.skip(f"convention {missing} not supported")
        try:
            with np.errstate(all="ignore"):
                outputs = fn(**call_arguments(case))
        except refuses as e:
            outputs = e
    entry = {"tcId": case.tcId, "op": case.op}
    if isinstance(outputs, BaseException):
        entry["error"] = f"{type(outputs).__name__}: {outputs}"
        kind = getattr(outputs, "kind", None)
        if isinstance(kind, str):
            entry["errorKind"] = kind
    elif isinstance(outputs, dict):
        entry["outputs"] = {name: _output_object(name, v) for name, v in outputs.items()}
    else:
        raise TypeError(f"an answer is a dict of outputs, an exception or a callable, not "
                        f"{type(outputs).__name__}")
    return entry


def grade(case, outputs, precision=None, refuses=Exception, strict_errors=None):
    """The CaseVerdict the grader gives this answer (see assert_conforms)."""
    gc = case if isinstance(case, GoldenCase) else None
    suite = gc.suite if gc else golden_suite()
    case = gc.case if gc else case
    precision = precision or _settings["precision"] or "f64"
    strict = _settings["strict_errors"] if strict_errors is None else strict_errors
    doc = {"suiteVersion": suite.suiteVersion,
           "results": [results_entry(case, outputs, refuses)]}
    parsed = check_results(suite, doc, f"(answer to tcId {case.tcId})")
    return grade_case(case, parsed.entries[case.tcId], precision, strict)


def assert_conforms(case, outputs, precision=None, refuses=Exception, strict_errors=None):
    """Fail the test with the grader's FAIL line unless the answer conforms: a valid case's
    outputs within tolerance, or an invalid case refused (with strict_errors, by an exception
    whose `kind` is the case's flag; None: --nlgolden-strict-errors decides).  `outputs` is a
    callable (called with the inputs as numpy arrays; an exception of type `refuses` is a
    refusal), a dict of outputs, or an exception.  An acceptable case is skipped.  Returns the
    CaseVerdict."""
    try:
        verdict = grade(case, outputs, precision, refuses, strict_errors)
    except GoldenError as e:                  # e.g. an output name the op does not have
        pytest.fail(f"the answer cannot be graded: {e.message} ({e.field})", pytrace=False)
    if verdict.status == "failed":
        pytest.fail(verdict.line, pytrace=False)
    if verdict.status == "skipped":
        pytest.skip(f"tcId {verdict.tcId}: {verdict.reason}")
    return verdict


__all__ = ["golden_cases", "golden_suite", "assert_conforms", "grade", "results_entry",
           "call_arguments", "unsupported_convention", "GoldenCase", "nlgolden_suite"]
