"""File-level checks DuckDB's reader does not make: it must be a non-empty, complete JSON array.

DuckDB's `read_json_objects` finds most faults itself (invalid UTF-8, malformed values, a top-level
object), but it accepts an empty file, an array cut off after a comma, and the non-standard literals
NaN/Infinity. These checks read only the first and last bytes of the file, so they cost nothing at scale.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from tagifai.errors import InputFileError

UTF8_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
_PEEK = 4096


def _first_byte(path: Path) -> tuple[int, bytes]:
    with path.open("rb") as f:
        head = f.read(_PEEK)
    offset = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    stripped = head[offset:].lstrip(_WHITESPACE)
    return offset + len(head[offset:]) - len(stripped), stripped[:1]


def _last_byte(path: Path) -> tuple[int, bytes]:
    size = os.path.getsize(path)
    with path.open("rb") as f:
        f.seek(max(0, size - _PEEK))
        tail = f.read()
    stripped = tail.rstrip(_WHITESPACE)
    return size - (len(tail) - len(stripped)), stripped[-1:]


def check_array_file(path: Path, label: str) -> None:
    """Raise InputFileError unless `path` starts with '[' and ends with ']' (after whitespace)."""
    if os.path.getsize(path) == 0:
        raise InputFileError(label, "byte 0", "the file is empty; expected a JSON array of objects")
    offset, first = _first_byte(path)
    if first == b"":
        raise InputFileError(label, f"byte {offset}", "the file holds only whitespace; expected a JSON array")
    if first != b"[":
        hint = " (it looks like an HTML page, e.g. an error page served instead of the data)" if first == b"<" else ""
        found = first.decode("latin-1")
        raise InputFileError(
            label, f"byte {offset}", f"expected a JSON array starting with '[' but found '{found}'{hint}"
        )
    end, last = _last_byte(path)
    if last != b"]":
        raise InputFileError(
            label,
            f"byte {end}",
            "the JSON array is not closed with ']': the file looks truncated; download or export it again",
        )


# A value position (after ':' ',' or '[') holding a bare NaN/Infinity. Only used to confirm candidates that
# DuckDB returned, with Python's strict parser, so a title that merely mentions "NaN" is not flagged.
_NON_STANDARD = re.compile(r"(NaN|-?Infinity)")


class _NonStandardLiteral(Exception):
    pass


def _reject_constant(name: str) -> None:
    raise _NonStandardLiteral(name)


def non_standard_literal(record_json: str) -> str | None:
    """The non-standard literal (NaN, Infinity, -Infinity) the record holds outside strings, if any."""
    if not _NON_STANDARD.search(record_json):
        return None
    try:
        json.loads(record_json, parse_constant=_reject_constant)
    except _NonStandardLiteral as exc:
        return str(exc)
    except ValueError:
        return None  # DuckDB accepted it and Python does not: left to DuckDB's verdict.
    return None


# Above this size a parse error is reported with DuckDB's own position rather than re-read in Python.
_LOCATE_LIMIT = 64 * 1024 * 1024


def locate_syntax_error(path: Path) -> tuple[str, str] | None:
    """(position, problem) of the first encoding or syntax error, found by Python's strict reader.

    Only called after DuckDB refused the file, to name a position a person can open the file at (DuckDB
    counts bytes inside the record it was reading). None when the file is too large or Python finds no fault.
    """
    if os.path.getsize(path) > _LOCATE_LIMIT:
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return (
            f"byte {exc.start} (line {line})",
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
        )
    try:
        json.loads(text)  # NaN/Infinity are accepted here: they are reported per record elsewhere
    except json.JSONDecodeError as exc:
        byte = len(text[: exc.pos].encode("utf-8"))
        return f"line {exc.lineno} column {exc.colno} (byte {byte})", f"not valid JSON: {exc.msg}"
    except RecursionError:
        return None  # nested deeper than Python reads: DuckDB's position stands
    return None
