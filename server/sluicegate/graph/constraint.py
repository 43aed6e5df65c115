"""Start constraints (SPEC §4.8.3): boolean expressions over other blocks' phases.

`A.succeeded and not (B.failed or C.cancelled)` is parsed with Python's `ast`, allowing only
`block.phase` atoms, `and`, `or`, `not` and parentheses. Evaluation is three-valued (Kleene):
an atom on a block that is not yet terminal is unknown, so the result is True (may start),
False (can never start: the kernel marks the block skipped) or None (keep waiting).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.protocol.vocab import TERMINAL_PHASES
from sluicegate.syntax import parse

ALIASES: Mapping[str, frozenset[str]] = {
    "done": frozenset({"succeeded"}),
    "finished": frozenset(TERMINAL_PHASES),
}
PHASES = (*sorted(TERMINAL_PHASES), *ALIASES)
EXAMPLE = "`A.succeeded and not B.failed`"


@dataclass(frozen=True)
class Atom:
    block: str
    phase: str

    def evaluate(self, phases: Mapping[str, str]) -> bool | None:
        actual = phases.get(self.block)
        if actual not in TERMINAL_PHASES:
            return None
        return actual in ALIASES.get(self.phase, {self.phase})


@dataclass(frozen=True)
class Not:
    operand: Expr

    def evaluate(self, phases: Mapping[str, str]) -> bool | None:
        value = self.operand.evaluate(phases)
        return None if value is None else not value


@dataclass(frozen=True)
class BoolOp:
    is_and: bool
    operands: tuple[Expr, ...]

    def evaluate(self, phases: Mapping[str, str]) -> bool | None:
        values = [op.evaluate(phases) for op in self.operands]
        decisive = not self.is_and  # False decides an `and`, True decides an `or`
        if decisive in values:
            return decisive
        return None if None in values else not decisive


Expr = Atom | Not | BoolOp


@dataclass(frozen=True)
class Constraint:
    text: str
    expr: Expr

    @property
    def blocks(self) -> set[str]:
        """The blocks the constraint names."""
        return _blocks(self.expr)

    def evaluate(self, phases: Mapping[str, str]) -> bool | None:
        """True: may start; False: can never start; None: keep waiting."""
        return self.expr.evaluate(phases)


MAX_CONSTRAINT = 2000  # characters: bounds the parser's memory and recursion


def parse_constraint(text: str) -> Constraint:
    """Parse a start constraint, raising ValueError with a message that says how to fix it."""
    if len(text) > MAX_CONSTRAINT:
        raise ValueError(
            f"start_constraint is {len(text):,} characters long, more than {MAX_CONSTRAINT:,}; "
            f"write a shorter one like {EXAMPLE}"
        )
    try:
        tree = parse(text.strip(), mode="eval")
        assert isinstance(tree, ast.Expression)
        return Constraint(text, _convert(tree.body, text.strip()))
    except SyntaxError as exc:
        raise ValueError(
            f"cannot parse start_constraint {text!r} ({exc.msg} at column {exc.offset}); "
            f"write it like {EXAMPLE}"
        ) from None
    except (RecursionError, MemoryError):
        raise ValueError(
            f"start_constraint {text[:60]!r}... is nested too deeply; write it like {EXAMPLE}"
        ) from None


def _convert(node: ast.expr, source: str) -> Expr:
    if isinstance(node, ast.BoolOp):
        ops = tuple(_convert(v, source) for v in node.values)
        return BoolOp(isinstance(node.op, ast.And), ops)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_convert(node.operand, source))
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.attr not in PHASES:
            raise ValueError(
                f"unknown phase {node.attr!r} in {node.value.id}.{node.attr}"
                f"{did_you_mean(node.attr, PHASES)} (phases: {listing(PHASES)})"
            )
        return Atom(node.value.id, node.attr)
    part = ast.get_source_segment(source, node) or ast.unparse(node)
    raise ValueError(
        f"start_constraint {source!r} contains {part!r}; only `block.phase` terms, `and`, `or`, "
        f"`not` and parentheses are allowed, e.g. {EXAMPLE}"
    )


def _blocks(expr: Expr) -> set[str]:
    if isinstance(expr, Atom):
        return {expr.block}
    if isinstance(expr, Not):
        return _blocks(expr.operand)
    return set().union(*(_blocks(op) for op in expr.operands))
