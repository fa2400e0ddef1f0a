"""Checks on text and JSON that come from outside before anything stores them.

Python reads text that no database stores: a lone surrogate (``"\\ud800"`` in JSON), a NUL
character (PostgreSQL refuses it in text; SQLite keeps it and cuts the text short in many
tools), integers too large for a database column, and JSON nested so deep that reading it
overflows the stack. Every entry point checks its input here, so that each becomes a clear
error naming the field instead of a server failure halfway through a write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from typing import Final

from annotations.errors import InputError

__all__ = [
    "MAX_INTEGER",
    "MAX_JSON_DEPTH",
    "check_json_value",
    "check_text",
    "load_json",
    "parse_json_int",
    "text_problem",
]

# The largest value of a PostgreSQL INTEGER column (every id, offset and count is one).
MAX_INTEGER: Final = 2**31 - 1
# Deeper than any file Parallax writes or reads (an import nests about six levels).
MAX_JSON_DEPTH: Final = 64
# Python refuses to read longer integers from text (sys.int_info.default_max_str_digits).
_MAX_DIGITS: Final = 4300

_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Return what makes ``value`` impossible to store, or None when it is fine.

    >>> text_problem("a\\x00b")
    'contains a NUL character (U+0000) at position 1'
    >>> text_problem("fine") is None
    True
    """
    match = _BAD_CHARACTER.search(value)
    if match is None:
        return None
    char = match.group()
    if char == "\x00":
        return f"contains a NUL character (U+0000) at position {match.start()}"
    return (
        f"contains a lone surrogate (U+{ord(char):04X}) at position {match.start()}, "
        "which is not a character"
    )


def check_text(value: str, field: str | None) -> str:
    """Return ``value`` if it can be stored; raise InputError naming ``field`` otherwise."""
    problem = text_problem(value)
    if problem is not None:
        raise InputError(problem, field=field)
    return value


def _integer_problem(value: int) -> str | None:
    if -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        return None
    return f"the number is out of range (at most {MAX_INTEGER})"


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    # An explicit stack: the value may be nested deeper than Python's recursion limit.
    stack: list[tuple[str, Any, int]] = [(path, value, 0)]
    while stack:
        where, item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputError(f"nested deeper than {MAX_JSON_DEPTH} levels", field=where or None)
        yield where, item
        if isinstance(item, dict):
            for key, child in item.items():
                # Escaped, so that a key with a lone surrogate can be named in a message.
                name = json.dumps(str(key))[1:-1]
                yield f"{where}.{name}" if where else name, key
                stack.append((f"{where}.{name}" if where else name, child, depth + 1))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((f"{where}[{index}]", child, depth + 1))


def check_json_value(value: Any, *, field: str = "") -> Any:
    """Return ``value`` (read from JSON) if every text and number in it can be stored.

    Raises InputError naming the first place at fault: a key or text with a NUL or a lone
    surrogate, an integer beyond :data:`MAX_INTEGER`, or nesting deeper than
    :data:`MAX_JSON_DEPTH`.
    """
    for where, item in _walk(value, field):
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                raise InputError(problem, field=where or None)
        elif isinstance(item, int) and not isinstance(item, bool):
            problem = _integer_problem(item)
            if problem is not None:
                raise InputError(problem, field=where or None)
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json_int(digits: str) -> int:
    """Read a JSON integer, refusing one too long to read quickly (json's ``parse_int``)."""
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        raise ValueError(f"a number has more than {_MAX_DIGITS} digits")
    return int(digits)


def load_json(text: str, *, field: str | None = None) -> Any:
    """Read JSON from outside: raise InputError naming the problem instead of any other error.

    Beyond ``json.loads`` it refuses NaN and Infinity, nesting deeper than
    :data:`MAX_JSON_DEPTH`, and anything :func:`check_json_value` refuses.

    >>> load_json('{"a": [1, 2]}')
    {'a': [1, 2]}
    """
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_int=parse_json_int)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            field=field,
        ) from None
    except RecursionError:
        # The C parser stops at the recursion limit, quickly, long before the stack ends.
        raise InputError("not valid JSON: nested too deeply to read", field=field) from None
    except ValueError as error:
        raise InputError(f"not valid JSON: {error}", field=field) from None
    return check_json_value(value, field=field or "")
