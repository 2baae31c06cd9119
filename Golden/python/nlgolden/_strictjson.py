"""Bounded, strict reading of JSON files (FORMAT.md, "Reading limits").

* only regular files are opened (a FIFO or a device is refused after os.stat, before open), and at
  most limit + 1 bytes are read;
* UTF-8 without a byte-order mark; an escaped lone surrogate ("\\ud800") anywhere is malformed;
* RFC 8259 strictly: no NaN/Infinity literals (Python's json module accepts them by default),
  no duplicate keys, nesting depth at most 32;
* integer literals longer than 30 characters are not converted (they can never be in range) but
  kept as HugeInt tokens, so a 10^6-digit literal costs nothing.
"""

import json
import os
import re
import stat

from ._errors import GoldenError

MAX_DEPTH = 32
MiB = 1 << 20
LIMIT_RESULTS = 256 * MiB
LIMIT_CASE = 64 * MiB
LIMIT_MANIFEST = 16 * MiB

_SURROGATE = re.compile("[\ud800-\udfff]")


class HugeInt:
    """An integer literal too long to be in any range this format allows."""

    __slots__ = ("digits",)

    def __init__(self, token):
        self.digits = len(token.lstrip("-"))

    def __repr__(self):
        return f"<integer literal of {self.digits} digits>"


class _Malformed(Exception):
    pass


def _parse_int(token):
    return int(token) if len(token) <= 30 else HugeInt(token)


def _reject_constant(name):
    raise _Malformed(f"the literal {name} is not JSON (RFC 8259)")


def _pairs(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise _Malformed(f"duplicate key {key!r} in an object")
        obj[key] = value
    return obj


def read_file(path, limit, label=None):
    """The bytes of a regular file of at most `limit` bytes, else GoldenError."""
    label = label or os.fspath(path)
    try:
        st = os.stat(path)
    except OSError as e:
        raise GoldenError(label, f"cannot read: {e.strerror or e}", field="(file)") from None
    if not stat.S_ISREG(st.st_mode):
        raise GoldenError(label, "not a regular file (a directory, FIFO, socket or device is "
                          "refused)", field="(file)")
    if st.st_size > limit:
        raise GoldenError(label, f"{st.st_size} bytes, over the limit of {limit}", field="(file)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise GoldenError(label, f"cannot read: {e.strerror or e}", field="(file)") from None
    with os.fdopen(fd, "rb", buffering=0) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):   # replaced since os.stat
            raise GoldenError(label, "not a regular file", field="(file)")
        parts, total = [], 0
        want = min(st.st_size, limit) + 1
        while total <= limit:
            chunk = fh.read(min(want, limit + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            want = MiB
    if total > limit:
        raise GoldenError(label, f"more than {limit} bytes (the limit)", field="(file)")
    return b"".join(parts)


def check_tree(doc, label):
    """Nesting depth at most MAX_DEPTH (the outermost object or list is depth 1) and no lone
    surrogate in any string or key.  Iterative, so it is safe on any parsed document."""
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise GoldenError(label, f"nesting deeper than {MAX_DEPTH}", field="(json)")
            for key, value in node.items():
                if not isinstance(key, str):          # only from a dict built in Python
                    raise GoldenError(label, f"key {key!r} is not a string", field="(json)")
                if not key.isascii() and _SURROGATE.search(key):
                    raise GoldenError(label, "an escaped lone surrogate in a key",
                                      field="(json)")
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
                elif isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
                    raise GoldenError(label, f"an escaped lone surrogate in the value of {key!r}",
                                      field="(json)")
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise GoldenError(label, f"nesting deeper than {MAX_DEPTH}", field="(json)")
            for value in node:
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
                elif isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
                    raise GoldenError(label, "an escaped lone surrogate in a string",
                                      field="(json)")
        elif isinstance(node, str) and not node.isascii() and _SURROGATE.search(node):
            raise GoldenError(label, "an escaped lone surrogate in a string", field="(json)")


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _text_depth(text):
    """The nesting depth of valid JSON text: its brackets outside strings."""
    depth = deepest = 0
    for ch in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_bytes(data, label):
    """Strict JSON -> Python value, else GoldenError naming the line and column."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise GoldenError(label, "starts with a UTF-8 byte-order mark", field="(file)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise GoldenError(label, f"not UTF-8 (byte {e.start}: {e.reason}; UTF-16 and UTF-32 are "
                          "refused)", field="(file)") from None
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_reject_constant,
                         parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise GoldenError(label, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}",
                          field="(json)") from None
    except _Malformed as e:
        raise GoldenError(label, str(e), field="(json)") from None
    except RecursionError:
        raise GoldenError(label, f"nesting deeper than {MAX_DEPTH}", field="(json)") from None
    # Checked on the text, which is fast: the depth from the brackets outside strings; a lone
    # surrogate can only come from a \uD800-\uDFFF escape (strict UTF-8 never decodes to one),
    # so the parsed strings are searched only when the text has such an escape.
    if _text_depth(text) > MAX_DEPTH:
        raise GoldenError(label, f"nesting deeper than {MAX_DEPTH}", field="(json)")
    if _SURROGATE_ESCAPE.search(text):
        check_tree(doc, label)
    return doc


def read_json(path, limit, label=None):
    label = label or os.fspath(path)
    return parse_bytes(read_file(path, limit, label), label)
