"""Reader and grader for the golden conformance suite (``nl-golden/1``, Golden/FORMAT.md).

    import nlgolden
    suite = nlgolden.load_suite()                       # found as find_golden() says
    report = nlgolden.verify(suite, "results.json")     # the grading contract of FORMAT.md
    print(report.text()); report.exit_code

Every problem with a golden or results file raises GoldenError, whose message names the file,
the case (tcId) and the field.  Standard library plus numpy (numpy only for to_numpy).
"""

from ._errors import GoldenError, SelectionError
from ._numbers import f64_from_hex, fmt3, fmt17, hex_from_f64, shorten
from .discovery import find_golden
from .grading import (INVALID_KINDS, PRECISION_SCALE, CaseVerdict, OpSummary, Report,
                      check_results, grade_case, load_results, select_ops, verify)
from .suite import OPS, Case, Suite, Tensor, bounds, exact, load_suite, to_numpy

__version__ = "0.9.0"

__all__ = [
    "GoldenError", "SelectionError", "OPS", "PRECISION_SCALE", "INVALID_KINDS", "Tensor", "Case",
    "Suite", "Report", "CaseVerdict", "OpSummary", "load_suite", "load_results", "check_results",
    "verify", "grade_case", "select_ops", "find_golden", "to_numpy", "exact", "bounds",
    "f64_from_hex", "hex_from_f64", "fmt3", "fmt17", "shorten",
]
