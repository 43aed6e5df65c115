"""What the history needs from a Postgres engine beyond SQLAlchemy's defaults.

Postgres text cannot hold the NUL character, which a log line, an error message or a
variable may carry: one such value would fail the whole flush it is in, and after three
attempts the writer drops the flush, other runs' rows with it. Every NUL of a text parameter
and of a JSON value becomes U+FFFD (the replacement character) on its way in. (SQLite keeps
NUL as it is.)
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event

NUL = "\x00"
REPLACEMENT = "\ufffd"
# A JSON `\u0000` escape: after an even number of backslashes (an odd one escapes the `\`).
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def without_nul(json_text: str) -> str:
    """JSON text with every NUL character (`\\u0000` in JSON) replaced."""
    if "\\u0000" not in json_text:
        return json_text
    return _JSON_NUL.sub(r"\1\\ufffd", json_text)


def _clean(value: Any) -> Any:
    return value.replace(NUL, REPLACEMENT) if isinstance(value, str) and NUL in value else value


def _clean_parameters(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        return {k: _clean(v) for k, v in parameters.items()}
    if isinstance(parameters, tuple):
        return tuple(_clean(v) for v in parameters)
    if isinstance(parameters, list):  # executemany
        return [_clean_parameters(p) for p in parameters]
    return parameters


def _before_execute(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    return statement, _clean_parameters(parameters)


def configure(engine: Engine) -> Engine:
    """Install the NUL clean-up of text parameters on a Postgres `engine` (JSON values: make
    the engine with a `json_serializer` that ends in `without_nul`)."""
    event.listen(engine, "before_cursor_execute", _before_execute, retval=True)
    return engine
