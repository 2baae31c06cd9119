"""The nlgolden command (FORMAT.md, "Grading contract").

    nlgolden verify RESULTS [--golden DIR] [--precision f64|f32|bf16] [--op NAME]...
                            [--op-prefix TEXT]... [--strict-errors] [--json] [--junit FILE]
                            [--verbose]
    nlgolden check [--golden DIR]          load the suite and check every file and limit
    nlgolden where [--golden DIR]          print the directory of the suite that would be used

Exit codes: 0 no selected case failed; 1 a case failed; 2 no verdict could be given (a malformed
or unreadable golden or results file, a usage error, a report that could not be written).
"""

import argparse
import json
import os
import sys

from ._errors import GoldenError, SelectionError
from .discovery import find_golden
from .grading import PRECISION_SCALE, verify
from .suite import load_suite


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on a usage error, as the contract wants."""


def _parser():
    ap = _Parser(prog="nlgolden", description="Read, check and grade against the golden "
                 "conformance suite (nl-golden/1).", allow_abbrev=False)
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="{verify,check,where}")
    golden_help = ("golden directory (default: $NLSPEC_GOLDEN, else the suite bundled with "
                   "this package or the source tree's Golden/)")
    pv = sub.add_parser("verify", help="grade a results file", allow_abbrev=False)
    pv.add_argument("results", help="the results file written by the implementation under test")
    pv.add_argument("--golden", metavar="DIR", help=golden_help)
    pv.add_argument("--precision", choices=list(PRECISION_SCALE), default="f64",
                    help="the format the implementation computed in; radii are scaled by "
                    "u_p / 2^-53")
    pv.add_argument("--op", action="append", default=[], metavar="NAME",
                    help="grade this op (exact name; repeatable)")
    pv.add_argument("--op-prefix", action="append", default=[], metavar="TEXT",
                    help="grade the ops whose names start with TEXT (repeatable)")
    pv.add_argument("--strict-errors", action="store_true",
                    help="a refusal of an invalid case passes only when its errorKind is the "
                    "case's flag (ShapeMismatch, NonFinite, OutOfRange, ZeroDenominator)")
    pv.add_argument("--json", action="store_true", help="print the nl-golden-report/1 object "
                    "instead of the text report")
    pv.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    pv.add_argument("--verbose", action="store_true",
                    help="one MISSING line per missing case")
    pc = sub.add_parser("check", help="load the suite: manifest, sizes, SHA-256, every case",
                        allow_abbrev=False)
    pc.add_argument("--golden", metavar="DIR", help=golden_help)
    pw = sub.add_parser("where", help="print the directory of the suite that would be used",
                        allow_abbrev=False)
    pw.add_argument("--golden", metavar="DIR", help=golden_help)
    return ap


def _write(stream, text):
    """Write UTF-8 whatever the locale (names and messages may hold any character)."""
    stream.flush()
    buf = getattr(stream, "buffer", None)
    if buf is not None:
        buf.write(text.encode("utf-8"))
        buf.flush()
    else:
        stream.write(text)


def _fail(message):
    _write(sys.stderr, f"nlgolden: error: {message}\n")
    return 2


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        golden = find_golden(args.golden)
        if args.cmd == "where":
            _write(sys.stdout, golden + "\n")
            return 0
        suite = load_suite(golden)
        if args.cmd == "check":
            _write(sys.stdout, f"suite {suite.suiteVersion} in {golden}: {len(suite.cases)} cases "
                   f"over {len(suite.ops)} ops; every size, SHA-256 and case checks out\n")
            return 0
        report = verify(suite, args.results, precision=args.precision, ops=args.op,
                        op_prefixes=args.op_prefix, strict_errors=args.strict_errors)
    except (GoldenError, SelectionError) as e:
        return _fail(str(e))
    if args.junit:
        try:
            with open(args.junit, "w", encoding="utf-8") as fh:
                fh.write(report.junit())
        except OSError as e:
            return _fail(f"cannot write the JUnit report {args.junit}: {e.strerror or e}")
    try:
        if args.json:
            _write(sys.stdout, json.dumps(report.to_json(), indent=1) + "\n")
        else:
            _write(sys.stdout, report.text(verbose=args.verbose))
    except OSError as e:                  # a closed pipe, a full disk: no report, no verdict
        try:                              # and no second error when Python flushes at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return _fail(f"cannot write the report: {e.strerror or e}")
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
