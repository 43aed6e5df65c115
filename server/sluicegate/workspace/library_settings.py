"""The settings a library block declares it needs, read from its file without running it.

A library block that needs block settings to work says so in one module-level assignment:

    SLUICEGATE = {"collect": True, "blocking_class": "fully_blocking"}

`declared_settings` reads that mapping with `ast` (the server never imports block code) and
checks it against the block schema, so a typo in the library fails loudly, naming the file.
The kernel ignores the name: to user code it is an ordinary module global. Adding a block
`from_library` applies these settings, under any the caller gives.
"""

from __future__ import annotations

import ast
from typing import Any

from pydantic import ValidationError

from sluicegate import syntax
from sluicegate.errors import PlanError
from sluicegate.graph.spec import BlockSpec

DECLARATION = "SLUICEGATE"
_NOT_SETTINGS = frozenset({"name", "file"})


def declared_settings(code: str, where: str) -> dict[str, Any]:
    """The `SLUICEGATE = {...}` mapping of block `code` (from file `where`), or `{}`."""
    try:
        tree = syntax.parse_module(code)
    except SyntaxError as exc:
        raise PlanError(
            f"library block does not parse (line {exc.lineno}): {exc.msg}; fix the file",
            where=where,
        ) from None
    found: ast.expr | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == DECLARATION for t in node.targets
        ):
            found = node.value
    if found is None:
        return {}
    try:
        value = ast.literal_eval(found)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise PlanError(
            f"{DECLARATION} must be a dict literal of block settings such as "
            '{"collect": True}; fix the file',
            where=where,
            field=DECLARATION,
        )
    return check_declared(value, where)


def check_declared(settings: dict[str, Any], where: str) -> dict[str, Any]:
    """`settings` if they are valid block settings (not `name` or `file`), else PlanError."""
    for key in settings:
        if key in _NOT_SETTINGS:
            raise PlanError(
                f"{DECLARATION} cannot set {key!r}: the block's {key} is chosen when it is "
                "added; remove it from the file",
                where=where,
                field=f"{DECLARATION}.{key}",
            )
    try:
        BlockSpec.model_validate({"name": "declared", **settings})
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in problem["loc"])
        raise PlanError(
            f"{DECLARATION}.{field}: {problem['msg']}; fix the file",
            where=where,
            field=f"{DECLARATION}.{field}",
        ) from None
    return dict(settings)
