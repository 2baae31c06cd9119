"""Results files and the grading contract of FORMAT.md ("Results file", "Grading contract").

    report = verify(suite, "results.json", precision="f64", ops=["delta_rule.sequence"],
                    strict_errors=False)
    print(report.text())            # the text report, line for line as the contract writes it
    report.to_json()                # the "nl-golden-report/1" object
    report.junit()                  # JUnit XML
    report.exit_code                # 0 or 1

A malformed results file raises GoldenError; an --op / --op-prefix that selects nothing raises
SelectionError.
"""

import math
import os
from fractions import Fraction

from . import _numbers as N
from ._errors import GoldenError, SelectionError
from ._strictjson import LIMIT_RESULTS, check_tree, read_json
from .suite import OPS, check_shape, json_int_ok

# u_p / 2^-53: f32 has u = 2^-24, bfloat16 u = 2^-8.
PRECISION_SCALE = {"f64": 1, "f32": 2 ** 29, "bf16": 2 ** 45}

_TOP_KEYS = {"suiteVersion", "implementation", "results"}
_ENTRY_KEYS = {"tcId", "op", "outputs", "error", "errorKind"}
_OUTPUT_KEYS = {"shape", "f64", "decimal", "q"}
_KINDS = ("f64", "decimal", "q")

# The invalid-case flags (FORMAT.md, "Invalid inputs"): every invalid case carries one, and a
# refusal may name one as its errorKind.
INVALID_KINDS = ("ShapeMismatch", "NonFinite", "OutOfRange", "ZeroDenominator")

# Outputs whose element (j, ...) is produced at step j (FORMAT.md, "The first failing element").
_STEP_BY_ROW = ("Y", "O", "W")
_INF = math.inf


# --------------------------------------------------------------------------------------------
# results files

class Given:
    """One output of a results entry: kind (f64, decimal or q), the strings as given, the
    values as floats (f64 and decimal; None for q), and the shape when given."""

    __slots__ = ("kind", "strings", "values", "shape")

    def __init__(self, kind, strings, values, shape):
        self.kind, self.strings, self.values, self.shape = kind, strings, values, shape


class Entry:
    """One results entry: either error (a string, with errorKind: a flag name or None) or
    outputs (name -> Given)."""

    __slots__ = ("tcId", "op", "error", "outputs", "index", "errorKind")

    def __init__(self, tcId, op, error, outputs, index, errorKind=None):
        self.tcId, self.op, self.error, self.outputs, self.index = tcId, op, error, outputs, index
        self.errorKind = errorKind


def invalid_kinds(suite):
    """The errorKind values a results file may give for this suite: the invalid-case flags its
    manifest defines."""
    return [k for k in INVALID_KINDS if k in suite.flags]


class Results:
    """A checked results document."""

    def __init__(self, file, implementation, entries):
        self.file = file
        self.implementation = implementation
        self.entries = entries           # tcId -> Entry


def load_results(path):
    """Read a results file strictly (limits, encoding, JSON); the document is checked against a
    suite by verify() / check_results()."""
    path = os.fspath(path)
    return read_json(path, LIMIT_RESULTS, path)


def _check_strings(strings, kind, expected_q, err):
    """Every value string of an output, one by one (the culprit names its index)."""
    for i, s in enumerate(strings):
        if not isinstance(s, str):
            err(f"{N.describe_json(s)} is not a string", f".{kind}[{i}]")
        if kind == "f64":
            if not N.HEX16.fullmatch(s):
                err(f"{N.describe_json(s)} is not 16 lowercase hex digits", f".{kind}[{i}]")
        elif kind == "decimal":
            if s not in N.DECIMAL_SPECIAL and (len(s) > N.MAX_DECIMAL_CHARS
                                               or N.DECIMAL.fullmatch(s) is None):
                err(f"{N.describe_json(s)} is not a JSON number of at most "
                    f"{N.MAX_DECIMAL_CHARS} characters, NaN, Infinity or -Infinity",
                    f".{kind}[{i}]")
        elif expected_q is None or i >= len(expected_q) or s != expected_q[i]:
            try:
                N.canonical_rational(s)         # lowest terms: parses big integers, bounded
            except ValueError as e:             # by the 100,000-character limit
                err(str(e), f".{kind}[{i}]")


def _check_output(obj, file, tcId, field, expected_q=None):
    """One output object; expected_q: the case's expected q strings for it (a given string equal
    to the expected one is known to be canonical and is not parsed)."""
    def err(msg, sub=""):
        raise GoldenError(file, msg, tcId=tcId, field=field + sub)

    if not isinstance(obj, dict):
        err("not an object")
    extra = sorted(k for k in obj if k not in _OUTPUT_KEYS)
    if extra:
        err(f"unknown key {extra[0]!r} (an output has shape and one of f64, decimal, q)",
            "." + extra[0])
    kinds = [k for k in _KINDS if k in obj]
    if len(kinds) != 1:
        err(f"gives {', '.join(kinds) if kinds else 'none'} of f64, decimal, q; exactly one is "
            "required")
    kind = kinds[0]
    strings = obj[kind]
    if not isinstance(strings, list):
        err("not a list", "." + kind)
    if not (kind == "f64" and N.all_hex16(strings)):      # the common case in one regex
        _check_strings(strings, kind, expected_q, err)
    shape = None
    if "shape" in obj:
        why = check_shape(obj["shape"])
        if why:
            err(why, ".shape")
        shape = tuple(obj["shape"])
        if math.prod(shape) != len(strings):
            err(f"{len(strings)} values for its own shape {shape_text(shape)}", "." + kind)
    if kind == "f64":
        values = N.floats_from_hex(strings)
    elif kind == "decimal":
        values = [float(s) for s in strings]      # CPython's float() rounds correctly
    else:
        values = None        # compared as strings; only a failing element is ever parsed
    return Given(kind, strings, values, shape)


def check_results(suite, doc, file="(results)"):
    """Validate a parsed results document against the suite; return Results.  The whole
    document is checked, whatever ops are selected."""
    def err(msg, field, tcId=None):
        raise GoldenError(file, msg, tcId=tcId, field=field)

    if not isinstance(doc, dict):
        err("a results file is not a JSON object", "(root)")
    extra = sorted(k for k in doc if k not in _TOP_KEYS and not k.startswith("x-"))
    if extra:
        err("unknown key (the top level has suiteVersion, implementation, results and x-* keys)",
            extra[0])
    if "suiteVersion" not in doc:
        err("missing", "suiteVersion")
    if not isinstance(doc["suiteVersion"], str):
        err(f"{N.describe_json(doc['suiteVersion'])} is not a string", "suiteVersion")
    if doc["suiteVersion"] != suite.suiteVersion:
        err(f"suiteVersion {N.describe_json(doc['suiteVersion'])}, the suite is "
            f"{suite.suiteVersion!r}", "suiteVersion")
    implementation = doc.get("implementation")
    if "implementation" in doc and not isinstance(implementation, str):
        err(f"{N.describe_json(implementation)} is not a string", "implementation")
    results = doc.get("results")
    if not isinstance(results, list):
        err("missing or not a list", "results")
    entries = {}
    kinds = invalid_kinds(suite)
    for i, r in enumerate(results):
        f = f"results[{i}]"
        if not isinstance(r, dict):
            err("not an object", f)
        raw_id = r.get("tcId")
        tcId = raw_id if json_int_ok(raw_id, 1) else None
        extra = sorted(k for k in r if k not in _ENTRY_KEYS)
        if extra:
            err(f"unknown key {extra[0]!r}", f"{f}.{extra[0]}", tcId)
        if "tcId" not in r:
            err("missing", f + ".tcId")
        if tcId is None:
            err(f"{N.describe_json(raw_id)} is not a JSON integer literal in 1 ... 2^53 - 1",
                f + ".tcId")
        if tcId in entries:
            err(f"tcId {tcId} appears twice", f + ".tcId", tcId)
        case = suite.by_id.get(tcId)
        if case is None:
            err(f"the suite has no tcId {tcId}", f + ".tcId", tcId)
        if "op" not in r:
            err("missing (every result names its op)", f + ".op", tcId)
        op = r["op"]
        if not isinstance(op, str):
            err(f"{N.describe_json(op)} is not a string", f + ".op", tcId)
        if op not in suite.ops:
            err(f"the suite has no op {N.describe_json(op)}", f + ".op", tcId)
        if op != case.op:
            err(f"op {op!r}, case {tcId} is {case.op!r}", f + ".op", tcId)
        if ("error" in r) == ("outputs" in r):
            err("needs exactly one of 'error' and 'outputs'", f, tcId)
        kind = r.get("errorKind")
        if "errorKind" in r:
            if not isinstance(kind, str):
                err(f"{N.describe_json(kind)} is not a string", f + ".errorKind", tcId)
            if "error" not in r:
                err("given with outputs: an errorKind goes only with an error (a refusal)",
                    f + ".errorKind", tcId)
            if kind not in kinds:
                err(f"{N.describe_json(kind)} is not an invalid-case flag of the suite (one of "
                    f"{', '.join(sorted(kinds))})", f + ".errorKind", tcId)
        if "error" in r:
            if not isinstance(r["error"], str):
                err(f"{N.describe_json(r['error'])} is not a string", f + ".error", tcId)
            entries[tcId] = Entry(tcId, op, r["error"], None, i, kind)
            continue
        outs = r["outputs"]
        if not isinstance(outs, dict):
            err("not an object", f + ".outputs", tcId)
        names = OPS[case.op]["outputs"]
        parsed = {}
        for name, o in outs.items():
            if name not in names:
                err(f"{case.op} has no output {name!r}", f"{f}.outputs.{name}", tcId)
            expected = case.expected.get(name) if case.expected else None
            parsed[name] = _check_output(o, file, tcId, f"{f}.outputs.{name}",
                                         expected.q if expected is not None else None)
        entries[tcId] = Entry(tcId, op, None, parsed, i)
    return Results(file, implementation, entries)


# --------------------------------------------------------------------------------------------
# verdicts

def shape_text(shape):
    """A shape as reports write it: [2, 3], [] for a scalar."""
    return "[" + ", ".join(str(d) for d in shape) + "]"


def _multi_index(flat, shape):
    idx = []
    for dim in reversed(shape):
        idx.append(flat % dim)
        flat //= dim
    return ",".join(str(i) for i in reversed(idx))


class CaseVerdict:
    """The verdict on one selected case (FORMAT.md, "Verdicts")."""

    __slots__ = ("tcId", "op", "result", "status", "reason", "line", "failingElements",
                 "errorOverAllowed", "worstUlp", "errorKind", "matchingKind")

    def __init__(self, case, status, reason, line=None, failing=None, eoa=None, wu=None,
                 kind=None, matching=False):
        self.tcId, self.op, self.result = case.tcId, case.op, case.result
        self.status, self.reason, self.line = status, reason, line
        self.failingElements, self.errorOverAllowed, self.worstUlp = failing, eoa, wu
        self.errorKind = kind                  # the errorKind the entry gave with its refusal
        self.matchingKind = matching           # an invalid case refused with one of its flags

    def to_json(self):
        return {"tcId": self.tcId, "op": self.op, "result": self.result, "status": self.status,
                "reason": self.reason, "line": self.line,
                "failingElements": self.failingElements,
                "errorOverAllowed": _json_number(self.errorOverAllowed),
                "worstUlp": _json_number(self.worstUlp), "errorKind": self.errorKind}

    def __repr__(self):
        return f"CaseVerdict(tcId={self.tcId}, status={self.status!r}, reason={self.reason!r})"


def _json_number(x):
    return x if x is not None and math.isfinite(x) else None


def _step_function(case, name):
    """flat index -> the step at which the element is produced (FORMAT.md table); inf for an
    output that comes after every step."""
    shape = case.expected[name].shape
    row = math.prod(shape[1:]) if shape else 0       # elements per index j of the first axis

    def j(i):
        return i // row if row else 0

    def scalar_input(input_name):
        vals = case.inputs[input_name].values()
        return Fraction(vals[0]) if vals and math.isfinite(vals[0]) else None

    def expected_value(output, i):
        # An integer output (a token number) of an enclosed case has lo = hi; a wider enclosure
        # gives no step (the end of the run), as in the Swift grader.
        pairs = case.expected[output].bounds()
        if not 0 <= i < len(pairs) or pairs[i][0] != pairs[i][1]:
            return None
        return pairs[i][0]

    def minus_one(v):
        return _INF if v is None else v - 1

    if name in _STEP_BY_ROW:
        return j
    if name in ("update_tokens", "inner_update_tokens", "updates"):
        return lambda i: minus_one(expected_value(name, j(i) * row))     # the row's first value
    if name in ("W1_after", "W2_after") and "update_tokens" in case.expected:
        return lambda i: minus_one(expected_value("update_tokens", j(i)))
    if name in ("W1_phi", "W2_phi") and "context" in case.inputs:
        context = scalar_input("context")
        if context is not None:
            return lambda i: (j(i) + 1) * context - 1
    if name == "M_split" and "split" in case.inputs:
        split = scalar_input("split")
        if split is not None:
            return lambda i: split - 1
    return lambda i: _INF


def _error(exp, i, gn, gd):
    """A bound on |g - exact| for element i of the expected tensor `exp` and a result g = gn / gd
    (gd > 0), as an exact (numerator, denominator): |g - q|, or max(|g - lo|, |g - hi|) for an
    enclosure (FORMAT.md, "Values that are not rational")."""
    if not exp.enclosed:
        qn, qd = exp.exact_parts()[i]
        return abs(gn * qd - qn * gd), gd * qd
    (ln, ld), (hn, hd) = exp.bound_parts()[i]
    an, ad = abs(gn * ld - ln * gd), gd * ld
    bn, bd = abs(gn * hd - hn * gd), gd * hd
    return (an, ad) if an * bd >= bn * ad else (bn, bd)


def _is_exactly(exp, i, s):
    """Whether a result given as the canonical rational string s is the expected value exactly:
    s == q, or lo == hi == s for an enclosure."""
    if not exp.enclosed:
        return s == exp.q[i]
    lo, hi = exp.enclosure["lo"][i], exp.enclosure["hi"][i]
    return lo == hi == s


def _expected_text(exp, i):
    """How a report line shows expected element i: shorten(q), or in [shorten(lo), shorten(hi)]."""
    if not exp.enclosed:
        return N.shorten(exp.q[i], 24, 12)
    return (f"in [{N.shorten(exp.enclosure['lo'][i], 24, 12)}, "
            f"{N.shorten(exp.enclosure['hi'][i], 24, 12)}]")


def _nonzero(exp, i):
    """Whether an error at element i has a meaningful ulp: q != 0, or for an enclosure its
    f64 != 0 (FORMAT.md, "Figures per case and per op")."""
    if not exp.enclosed:
        return exp.exact_parts()[i][0] != 0
    return exp.values()[i] != 0


def _allowed(policy, tolerance, exp, i, scale):
    """The allowed error of element i as an exact (numerator, denominator)."""
    if policy == "ball":
        rn, rd = exp.rad_parts()[i]
        return rn * scale, rd
    if policy == "exact":
        return 0, 1
    e = exp.values()[i]
    if policy == "ulp":
        un, ud = math.ulp(e).as_integer_ratio()
        mn, md = tolerance["maxUlp"].as_integer_ratio()
        return mn * un * scale, md * ud
    return _error(exp, i, *e.as_integer_ratio())          # bitwise: allowed = |e - q|


def _grade_valid(case, outputs, scale):
    """Grade a valid case's outputs; returns a CaseVerdict."""
    names = case.outputs
    for name in names:                          # structural failures first, in rank order
        exp, given = case.expected[name], outputs.get(name)
        head = f"FAIL {case.tcId} {case.op}: output {name}"
        if given is None:
            return CaseVerdict(case, "failed", "output-missing", f"{head} is missing")
        if given.shape is not None and given.shape != exp.shape:
            return CaseVerdict(case, "failed", "shape", f"{head} has shape "
                               f"{shape_text(given.shape)}, expected {shape_text(exp.shape)}")
        if len(given.strings) != exp.size:
            return CaseVerdict(case, "failed", "count", f"{head} has {len(given.strings)} "
                               f"values, expected {exp.size} (shape {shape_text(exp.shape)})")

    policy = case.tolerance["policy"]
    failing = {}                                # failing elements per output
    first = None                                # (key, name, flat index)
    eoa = wu = None
    for rank, name in enumerate(names):
        exp, given = case.expected[name], outputs[name]
        step = None

        def fail(i):
            nonlocal first, step
            failing[name] = failing.get(name, 0) + 1
            if step is None:
                step = _step_function(case, name)
            key = (step(i), rank, i)
            if first is None or key < first[0]:
                first = (key, name, i)

        if given.kind == "q":                   # equal exactly when the strings are equal
            for i, s in enumerate(given.strings):
                if not _is_exactly(exp, i, s):
                    fail(i)
            continue
        evals, ebits = exp.values(), exp.f64
        for i, g in enumerate(given.values):
            if not math.isfinite(g):
                fail(i)
                continue
            dn, dd = _error(exp, i, *g.as_integer_ratio())      # |g - q| = dn / dd
            an, ad = _allowed(policy, case.tolerance, exp, i, scale)
            if policy == "bitwise":
                ok = N.hex_from_f64(g) == ebits[i]
            else:
                ok = dn * ad <= an * dd
            if an > 0:
                r = N.ratio_float(dn * ad, dd * an)
                eoa = r if eoa is None else max(eoa, r)
                if _nonzero(exp, i):
                    un, ud = math.ulp(evals[i]).as_integer_ratio()
                    u = N.ratio_float(dn * ud, dd * un)
                    wu = u if wu is None else max(wu, u)
            if not ok:
                fail(i)
    if first is None:
        return CaseVerdict(case, "passed", "within-tolerance", None, 0, eoa, wu)
    # k and n count the failing and expected elements of the output holding the first failure.
    name = first[1]
    k, n = failing[name], case.expected[name].size
    return CaseVerdict(case, "failed", "out-of-tolerance",
                       _element_line(case, outputs, name, first[2], k, n, scale), k, eoa, wu)


def _element_line(case, outputs, name, i, failing, total, scale):
    """The FAIL line of a case's first failing element."""
    exp, given = case.expected[name], outputs[name]
    policy = case.tolerance["policy"]
    if given.kind == "q":
        gn, gd = N.rational_parts(given.strings[i])
        an, ad, shown, finite = 0, 1, N.shorten(given.strings[i], 24, 12), True
    else:
        g = given.values[i]
        an, ad = _allowed(policy, case.tolerance, exp, i, scale)
        shown = N.fmt17(g) if given.kind == "f64" else N.shorten(given.strings[i], 24, 12)
        finite = math.isfinite(g)
        if finite:
            gn, gd = g.as_integer_ratio()
    if finite:
        dn, dd = _error(exp, i, gn, gd)
        err = N.fmt3(N.ratio_float(dn, dd))
        ratio = "inf" if an == 0 else N.fmt3(N.ratio_float(dn * ad, dd * an))
    else:
        err = ratio = "n/a"
    return (f"FAIL {case.tcId} {case.op} {name}[{_multi_index(i, exp.shape)}]: first of "
            f"{failing} failing elements (of {total}): expected {_expected_text(exp, i)} ~ "
            f"{N.fmt17(exp.values()[i])}, given {shown}, |error| {err}, allowed "
            f"{N.fmt3(N.ratio_float(an, ad))} ({'==' if given.kind == 'q' else policy}), "
            f"error/allowed {ratio}")


def _grade_refusal(case, entry, strict_errors):
    """An invalid case refused: passed, unless strict_errors and the entry's errorKind is
    absent or not one of the case's flags."""
    kind = entry.errorKind
    matching = kind is not None and kind in case.flags
    if matching or not strict_errors:
        return CaseVerdict(case, "passed", "refused", kind=kind, matching=matching)
    head = f"FAIL {case.tcId} {case.op}: an invalid input was refused"
    tail = f"(flags {', '.join(case.flags)}): {N.message_text(entry.error)}"
    if kind is None:
        return CaseVerdict(case, "failed", "refused-no-kind",
                           f"{head} without an errorKind {tail}")
    return CaseVerdict(case, "failed", "refused-wrong-kind",
                       f"{head} as {N.message_text(kind)} {tail}", kind=kind)


def grade_case(case, entry, precision="f64", strict_errors=False):
    """The verdict on one case given its results Entry (None when the results lack it).  With
    strict_errors, a refusal of an invalid case passes only when its errorKind is the case's
    flag."""
    if entry is None:
        return CaseVerdict(case, "skipped", "missing")
    if case.result == "acceptable":
        return CaseVerdict(case, "skipped", "acceptable")
    if case.result == "invalid":
        if entry.error is not None:
            return _grade_refusal(case, entry, strict_errors)
        return CaseVerdict(case, "failed", "accepted-invalid",
                           f"FAIL {case.tcId} {case.op}: an invalid input was not refused "
                           f"(flags {', '.join(case.flags)})")
    if entry.error is not None:
        return CaseVerdict(case, "failed", "refused-valid",
                           f"FAIL {case.tcId} {case.op}: a valid input was refused: "
                           f"{N.message_text(entry.error)}", kind=entry.errorKind)
    return _grade_valid(case, entry.outputs, PRECISION_SCALE[precision])


# --------------------------------------------------------------------------------------------
# selection and the report

def select_ops(suite, ops=None, op_prefixes=None):
    """The selected ops in report order (the order of their first tcId).  --op NAME is exact,
    --op-prefix TEXT a prefix; both repeatable; neither selects every op.  A name or prefix that
    selects nothing raises SelectionError listing the ops."""
    ops = list(ops or [])
    prefixes = list(op_prefixes or [])
    if not ops and not prefixes:
        return list(suite.op_order)
    chosen = set()
    for name in ops:
        if name not in suite.ops:
            raise SelectionError(f"--op {name!r} selects no op; the ops are: "
                                 f"{', '.join(suite.op_order)}")
        chosen.add(name)
    for prefix in prefixes:
        hit = [op for op in suite.ops if op.startswith(prefix)]
        if not hit:
            raise SelectionError(f"--op-prefix {prefix!r} selects no op; the ops are: "
                                 f"{', '.join(suite.op_order)}")
        chosen.update(hit)
    return [op for op in suite.op_order if op in chosen]


def _ranges(ids):
    """7, 9, 10 -> '7, 9-10' (runs of consecutive integers as a-b)."""
    parts, start = [], None
    for k, t in enumerate(ids):
        if start is None:
            start = t
        if k + 1 == len(ids) or ids[k + 1] != t + 1:
            parts.append(str(start) if start == t else f"{start}-{t}")
            start = None
    return ", ".join(parts)


class OpSummary:
    """Counts and figures of one op."""

    __slots__ = ("op", "withinTolerance", "refused", "refusedMatchingKind", "failed", "skipped",
                 "missing", "errorOverAllowed", "worstUlp", "worstUlpTcId")

    def __init__(self, op, verdicts):
        self.op = op
        self.withinTolerance = sum(v.reason == "within-tolerance" for v in verdicts)
        self.refused = sum(v.reason == "refused" for v in verdicts)
        self.refusedMatchingKind = sum(v.reason == "refused" and v.matchingKind for v in verdicts)
        self.failed = sum(v.status == "failed" for v in verdicts)
        self.skipped = sum(v.status == "skipped" for v in verdicts)
        self.missing = sum(v.reason == "missing" for v in verdicts)
        self.errorOverAllowed = self.worstUlp = self.worstUlpTcId = None
        for v in verdicts:                      # tcId order: a tie keeps the smallest tcId
            if v.errorOverAllowed is not None and (self.errorOverAllowed is None
                                                   or v.errorOverAllowed > self.errorOverAllowed):
                self.errorOverAllowed = v.errorOverAllowed
            if v.worstUlp is not None and (self.worstUlp is None or v.worstUlp > self.worstUlp):
                self.worstUlp, self.worstUlpTcId = v.worstUlp, v.tcId

    @property
    def passed(self):
        return self.withinTolerance + self.refused

    def to_json(self):
        return {"op": self.op, "passed": self.passed, "withinTolerance": self.withinTolerance,
                "refused": self.refused, "refusedMatchingKind": self.refusedMatchingKind,
                "failed": self.failed, "skipped": self.skipped, "missing": self.missing,
                "errorOverAllowed": _json_number(self.errorOverAllowed),
                "worstUlp": _json_number(self.worstUlp), "worstUlpTcId": self.worstUlpTcId}


def _xml_attr(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif o < 0x20 or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append("\ufffd")             # not representable in XML 1.0
        else:
            out.append(ch)
    return "".join(out)


class Report:
    """The graded results: cases (CaseVerdicts in tcId order), ops (OpSummary in report order),
    and the counts of the summary."""

    def __init__(self, suite, precision, implementation, ops, verdicts, strict_errors=False):
        self.suiteVersion = suite.suiteVersion
        self.precision = precision
        self.strict_errors = strict_errors
        self.implementation = implementation            # as given, or None
        self.cases = verdicts
        by_op = {op: [] for op in ops}
        for v in verdicts:
            by_op[v.op].append(v)
        self._by_op = by_op
        self.ops = [OpSummary(op, by_op[op]) for op in ops]
        self.withinTolerance = sum(s.withinTolerance for s in self.ops)
        self.refused = sum(s.refused for s in self.ops)
        self.refusedMatchingKind = sum(s.refusedMatchingKind for s in self.ops)
        self.failed = sum(s.failed for s in self.ops)
        self.skipped = sum(s.skipped for s in self.ops)
        self.missing = sum(s.missing for s in self.ops)

    @property
    def passed(self):
        return self.withinTolerance + self.refused

    @property
    def exit_code(self):
        return 1 if self.failed else 0

    @property
    def implementation_text(self):
        """The implementation name as reports write it."""
        return None if self.implementation is None else N.message_text(self.implementation)

    def verdict(self, tcId):
        return next(v for v in self.cases if v.tcId == tcId)

    def summary_line(self):
        return (f"{self.passed} passed ({self.withinTolerance} within tolerance, {self.refused} "
                f"refused, {self.refusedMatchingKind} of them with the matching errorKind), "
                f"{self.failed} failed, {self.skipped} skipped ({self.missing} missing)")

    def lines(self, verbose=False):
        """The text report as a list of lines."""
        impl = self.implementation_text
        out = [f"suite {self.suiteVersion}, implementation "
               f"{'(unnamed)' if impl is None else impl}, precision {self.precision}"
               f"{', strict errors' if self.strict_errors else ''}"]
        for s in self.ops:
            verdicts = self._by_op[s.op]
            out.extend(v.line for v in verdicts if v.status == "failed")
            missing = [v.tcId for v in verdicts if v.reason == "missing"]
            if missing and verbose:
                out.extend(f"MISSING {t} {s.op}" for t in missing)
            elif missing:
                n = len(missing)
                out.append(f"MISSING {s.op}: {n} case{'' if n == 1 else 's'} "
                           f"(tcId {_ranges(missing)})")
        w = max((len(s.op) for s in self.ops), default=2)
        out.append(f"{'op':<{w}}  {'valid':>5}  {'refused':>7}  {'failed':>6}  {'skipped':>7}  "
                   f"{'error/allowed':<13}  worst ulp (information)")
        for s in self.ops:
            eoa = "-" if s.errorOverAllowed is None else N.fmt3(s.errorOverAllowed)
            wu = "-" if s.worstUlp is None else f"{N.fmt3(s.worstUlp)} (tcId {s.worstUlpTcId})"
            out.append(f"{s.op:<{w}}  {s.withinTolerance:>5}  {s.refused:>7}  {s.failed:>6}  "
                       f"{s.skipped:>7}  {eoa:<13}  {wu}")
        out.append(self.summary_line())
        return out

    def text(self, verbose=False):
        return "\n".join(self.lines(verbose)) + "\n"

    def to_json(self):
        return {"schema": "nl-golden-report/1", "suiteVersion": self.suiteVersion,
                "implementation": self.implementation, "precision": self.precision,
                "strictErrors": self.strict_errors,
                "ops": [s.to_json() for s in self.ops],
                "cases": [v.to_json() for v in self.cases],
                "summary": {"passed": self.passed, "withinTolerance": self.withinTolerance,
                            "refused": self.refused,
                            "refusedMatchingKind": self.refusedMatchingKind,
                            "failed": self.failed, "skipped": self.skipped,
                            "missing": self.missing}}

    def junit(self):
        """JUnit XML: one testsuite per op (its refusals, those with the matching errorKind and
        whether strict_errors was given as properties), one testcase per case."""
        x = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name="nl-golden" tests="{len(self.cases)}" failures="{self.failed}" '
             f'skipped="{self.skipped}">']
        for s in self.ops:
            verdicts = self._by_op[s.op]
            op = _xml_attr(s.op)
            x.append(f'  <testsuite name="{op}" tests="{len(verdicts)}" failures="{s.failed}" '
                     f'skipped="{s.skipped}">')
            x += ["    <properties>",
                  f'      <property name="refused" value="{s.refused}"/>',
                  f'      <property name="refusedMatchingKind" value="{s.refusedMatchingKind}"/>',
                  f'      <property name="strictErrors" '
                  f'value="{"true" if self.strict_errors else "false"}"/>',
                  "    </properties>"]
            for v in verdicts:
                head = f'    <testcase classname="{op}" name="tcId {v.tcId}"'
                if v.status == "failed":
                    x += [head + ">", f'      <failure message="{_xml_attr(v.line)}"/>',
                          "    </testcase>"]
                elif v.status == "skipped":
                    x += [head + ">", f'      <skipped message="{_xml_attr(v.reason)}"/>',
                          "    </testcase>"]
                else:
                    x.append(head + "/>")
            x.append("  </testsuite>")
        x.append("</testsuites>")
        return "\n".join(x) + "\n"


def verify(suite, results, precision="f64", ops=None, op_prefixes=None, results_file=None,
           strict_errors=False):
    """Grade a results document (a path, or a dict as json.load gives it) against the suite.

    ops: exact op names; op_prefixes: name prefixes (both optional and combined; neither selects
    every op).  strict_errors: a refusal of an invalid case passes only when its errorKind is
    the case's flag (FORMAT.md, "Verdicts").  Returns a Report.  Raises GoldenError for a
    malformed results file and SelectionError when a name or prefix selects nothing."""
    if precision not in PRECISION_SCALE:
        raise ValueError(f"precision {precision!r}; one of {', '.join(PRECISION_SCALE)}")
    selected = select_ops(suite, ops, op_prefixes)
    if isinstance(results, (str, os.PathLike)):
        file = os.fspath(results)
        doc = load_results(file)
    else:
        file = results_file or "(results)"
        doc = results
        check_tree(doc, file)
    parsed = check_results(suite, doc, file)
    chosen = set(selected)
    verdicts = [grade_case(c, parsed.entries.get(c.tcId), precision, strict_errors)
                for c in suite.cases if c.op in chosen]
    return Report(suite, precision, parsed.implementation, selected, verdicts, strict_errors)


__all__ = ["PRECISION_SCALE", "INVALID_KINDS", "Given", "Entry", "Results", "load_results",
           "check_results", "invalid_kinds", "CaseVerdict", "OpSummary", "Report", "select_ops",
           "grade_case", "verify"]
