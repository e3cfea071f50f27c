"""Reading JSON that strangers send: every body is parsed here, by one rule.

Python's decoder accepts things no client of ours ever sends and that break code further
in: nesting deep enough to exhaust the stack (`RecursionError`), numbers too large for a
float (`1e999` is infinity, and `int(inf)` raises `OverflowError`), `NaN`, lone UTF-16
surrogates that cannot be encoded again, and NUL characters that PostgreSQL refuses to
store. All of them are malformed input here, answered 400 like a syntax error.
"""

from __future__ import annotations

import json
import math

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


class MalformedJSON(ValueError):
    pass


def _refuse_constant(name: str):
    raise MalformedJSON(f"{name} is not a number")


def loads(raw: bytes | str) -> object:
    """Parse a request body, or raise MalformedJSON (a ValueError)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_refuse_constant)
    except (RecursionError, UnicodeDecodeError, ValueError) as exc:
        raise MalformedJSON(str(exc)[:200]) from None
    _check(value)
    return value


def _check(value: object) -> None:
    """Walk the parsed value without recursion: depth, finite numbers, storable text."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise MalformedJSON("nested too deeply")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                pending.append((child, depth + 1))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise MalformedJSON("number out of range")


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise MalformedJSON("NUL character in text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedJSON("unpaired surrogate in text") from None


class JSONParser(parsers.JSONParser):
    """DRF's parser, reading through `loads`."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return loads(stream.read() if stream is not None else b"")
        except MalformedJSON as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
