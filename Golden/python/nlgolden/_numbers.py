"""Exact numbers and the report formatting of FORMAT.md ("Grading contract").

Rationals are kept as integer pairs ``(numerator, denominator)`` with a positive denominator, so
that comparisons are exact cross-multiplications and no ``Fraction`` is normalised in the hot
loops.  Decimal strings of any length are turned into integers without Python's 4300-digit
limit (``int(str)`` refuses longer strings on 3.11+, and is quadratic on older versions).
"""

import math
import re
import struct

HEX16 = re.compile(r"[0-9a-f]{16}")
RATIONAL = re.compile(r"(-?)(0|[1-9][0-9]*)(?:/([1-9][0-9]*))?")
DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
DECIMAL_SPECIAL = ("NaN", "Infinity", "-Infinity")

MAX_RATIONAL_CHARS = 100_000      # FORMAT.md, "Reading limits"
MAX_DECIMAL_CHARS = 800           # FORMAT.md, "Results file"
MAX_JSON_INT = 2 ** 53 - 1        # integers are JSON integer literals in 0 ... 2^53 - 1
MAX_ELEMENTS = 2 ** 31 - 1        # the product of a shape's extents

_CHUNK = 4000                     # below CPython's default int_max_str_digits (4300)


def f64_from_hex(s):
    """16 hex digits (IEEE 754 binary64, most significant first) -> float."""
    return struct.unpack(">d", bytes.fromhex(s))[0]


def hex_from_f64(x):
    """float -> 16 lowercase hex digits."""
    return struct.pack(">d", float(x)).hex()


def floats_from_hex(strings):
    """Many bit patterns at once (each already checked against HEX16)."""
    if not strings:
        return []
    return list(struct.unpack(f">{len(strings)}d", bytes.fromhex("".join(strings))))


def int_from_digits(digits):
    """A string of ASCII digits -> int, of any length (divide and conquer over 4000-digit
    chunks: no int_max_str_digits limit, and subquadratic through Karatsuba products)."""
    n = len(digits)
    if n <= _CHUNK:
        return int(digits)
    # split so that the low part has a multiple of _CHUNK digits
    low = (n // 2 // _CHUNK or 1) * _CHUNK
    return int_from_digits(digits[:n - low]) * 10 ** low + int_from_digits(digits[n - low:])


def rational_parts(s):
    """A string matching the rational grammar (not necessarily in lowest terms) -> (n, d)."""
    if RATIONAL.fullmatch(s) is None:
        raise ValueError("not a rational of the form -?(0|[1-9][0-9]*)(/[1-9][0-9]*)?")
    return parts_of_checked(s)


def parts_of_checked(s):
    """(n, d) of a string already known to match the rational grammar (no regex again)."""
    num, _, den = s.partition("/")
    n = int(num) if len(num) <= _CHUNK else (
        -int_from_digits(num[1:]) if num[0] == "-" else int_from_digits(num))
    d = (int(den) if len(den) <= _CHUNK else int_from_digits(den)) if den else 1
    return n, d


def lowest_terms(s, n, d):
    """Whether (n, d), read from s, is the canonical spelling: no -0, no /1, lowest terms (a
    power-of-two denominator, as every dyadic value has, only needs an odd numerator)."""
    if d == 1:
        return "/" not in s and s != "-0"
    return (n & 1 == 1) if d & (d - 1) == 0 else math.gcd(n, d) == 1


def check_rational_syntax(s):
    """The grammar and the length limit; returns None or the reason the string is refused."""
    if not isinstance(s, str):
        return f"{describe_json(s)} is not a string"
    if len(s) > MAX_RATIONAL_CHARS:
        return f"a rational of {len(s)} characters (the limit is {MAX_RATIONAL_CHARS})"
    if RATIONAL.fullmatch(s) is None:
        return f"{shorten(repr(s), 24, 12)} is not a rational -?(0|[1-9][0-9]*)(/[1-9][0-9]*)?"
    return None


_HEX16_LIST = re.compile(r"[0-9a-f]{16}(?:\n[0-9a-f]{16})*")
_RATIONAL_ONE = r"-?(?:0|[1-9][0-9]*)(?:/[1-9][0-9]*)?"
_RATIONAL_LIST = re.compile(_RATIONAL_ONE + r"(?:\n" + _RATIONAL_ONE + r")*")


def all_hex16(strings):
    """True when every item is a string of 16 lowercase hex digits (one regex for the list;
    callers look for the culprit only when this is False)."""
    try:
        return not strings or _HEX16_LIST.fullmatch("\n".join(strings)) is not None
    except TypeError:
        return False


def all_rational_syntax(strings):
    """True when every item is a string of the rational grammar within the length limit."""
    try:
        return not strings or (max(map(len, strings)) <= MAX_RATIONAL_CHARS and
                               _RATIONAL_LIST.fullmatch("\n".join(strings)) is not None)
    except TypeError:
        return False


def canonical_rational(s):
    """A canonical rational string (lowest terms, no /1, no -0) -> (n, d); ValueError if not."""
    why = check_rational_syntax(s)
    if why:
        raise ValueError(why)
    n, d = parts_of_checked(s)
    if not lowest_terms(s, n, d):
        raise ValueError(f"{shorten(s, 24, 12)} is not canonical (lowest terms, a denominator "
                         "> 1 when written, no -0)")
    return n, d


def exact_string(x):
    """The canonical rational string of a finite double's exact value."""
    n, d = x.as_integer_ratio()
    return str(n) if d == 1 else f"{n}/{d}"


def ratio_float(n, d):
    """n/d correctly rounded to binary64 (CPython's int/int true division rounds correctly),
    with an overflow giving an infinity of the right sign.  d > 0."""
    try:
        return n / d
    except OverflowError:
        return math.inf if n > 0 else -math.inf


def fmt17(x):
    """C's %.17g (correctly rounded); non-finite values as nan, inf, -inf."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "%.17g" % x


def fmt3(x):
    """C's %.3g (correctly rounded); non-finite values as nan, inf, -inf."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "%.3g" % x


def shorten(s, h, t):
    """s when it has at most h + t + 3 code points, else head ... tail (N chars)."""
    if len(s) <= h + t + 3:
        return s
    return f"{s[:h]}...{s[-t:]} ({len(s)} chars)"


_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f]")


def sanitize(s):
    """Control characters (U+0000-U+001F, U+007F-U+009F) replaced by spaces."""
    return _CONTROL.sub(" ", s)


def message_text(s):
    """A message or implementation name as reports write it."""
    return shorten(sanitize(s), 120, 20)


def is_json_int(x):
    """A JSON integer literal (json gives int for those, float for 1.0 and 1e0)."""
    return type(x) is int


def describe_json(x):
    """A short description of a JSON value for error messages."""
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, str):
        return shorten(repr(x), 24, 12)
    if isinstance(x, int) and x.bit_length() > 200:
        return "an integer of more than 60 digits"
    if isinstance(x, (int, float)):
        return shorten(repr(x), 24, 12)
    if isinstance(x, dict):
        return "an object"
    if isinstance(x, list):
        return "a list"
    return shorten(repr(x), 24, 12)
