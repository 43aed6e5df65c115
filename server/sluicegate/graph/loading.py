"""Reading YAML files into spec models, turning every problem into a precise `PlanError`."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sluicegate.errors import PlanError
from sluicegate.graph.hints import did_you_mean, listing, located
from sluicegate.graph.spec import SELECTOR_TAGS
from sluicegate.graph.yaml_safe import read_yaml_file

M = TypeVar("M", bound=BaseModel)
Loc = Sequence[str | int]


def read_yaml(path: Path, where: str) -> dict[str, Any]:
    """The mapping in a YAML file; an empty file is an empty mapping. Read with the bounded
    loader of `yaml_safe` (size, depth, alias expansion, UTF-8, keys given twice)."""
    return as_mapping(read_yaml_file(path, where), where)


def as_mapping(data: Any, where: str) -> dict[str, Any]:
    """A loaded YAML document as a mapping of settings (None is an empty one)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PlanError(
            f"the file must hold a mapping of settings (`key: value` lines), "
            f"not a {type(data).__name__}",
            where=where,
        )
    return data


def parse_model(model: type[M], data: dict[str, Any], where: str) -> M:
    """Validate `data` as `model`, raising the first problem as a `PlanError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise plan_error(model, data, exc.errors(include_url=False)[0], where) from None


def plan_error(model: type[BaseModel], data: Any, err: ErrorDetails, where: str) -> PlanError:
    """Translate one pydantic error into a message that names block and field and the fix."""
    loc = _strip_tags(err["loc"])
    label, block, field, shown = _describe(loc, data)
    text = _explain(model, loc, err)
    return PlanError(located(label, shown, text), where=where, block=block, field=field)


def _strip_tags(loc: Loc) -> list[str | int]:
    """Drop the union tags pydantic puts in locations, e.g. `apply_to.selector.block`."""
    out: list[str | int] = []
    for part in loc:
        if out and out[-1] == "apply_to" and part in SELECTOR_TAGS:
            continue
        out.append(part)
    return out


def _describe(loc: list[str | int], data: Any) -> tuple[str, str, str, str]:
    """(label, block, field, field as shown) for a location in the raw YAML data."""
    dotted = ".".join(str(p) for p in loc)
    if len(loc) < 2 or not isinstance(loc[1], int) or loc[0] not in ("blocks", "edges", "config"):
        return "", "", dotted, dotted
    section, index, rest = loc[0], loc[1], ".".join(str(p) for p in loc[2:])
    raw = _item(data, section, index)
    if section == "blocks":
        name = raw.get("name")
        block = name if isinstance(name, str) else ""
        return (f"block {block!r}" if block else f"block {index + 1}"), block, rest, rest
    field = f"{section}[{index}]" + (f".{rest}" if rest else "")
    if section == "edges":
        ends = f" ({raw.get('from')} -> {raw.get('to')})" if "from" in raw and "to" in raw else ""
        return f"edge {index + 1}{ends}", "", field, rest
    return f"config rule {index + 1}", "", field, rest


def _item(data: Any, section: str | int, index: int) -> dict[str, Any]:
    items = data.get(section) if isinstance(data, dict) else None
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        return items[index]
    return {}


def _explain(model: type[BaseModel], loc: list[str | int], err: ErrorDetails) -> str:
    kind, got = err["type"], err.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = [f.alias or name for name, f in parent.model_fields.items()] if parent else []
        hint = did_you_mean(str(loc[-1]), allowed)
        return f"unknown setting{hint} (allowed: {listing(allowed)})"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        return (
            f"invalid value {got!r}{did_you_mean(str(got), allowed)} (allowed: {listing(allowed)})"
        )
    if kind == "missing":
        return f"required setting {loc[-1]!r} is missing; add it"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of settings (`key: value`), got {got!r}"
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "value_error":
        return msg
    return f"{msg[:1].lower()}{msg[1:]}, got {got!r}"


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the mapping found at `loc`, if any."""
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {f.alias or n: f for n, f in tp.model_fields.items()}
            if part not in fields:
                return None
            tp = fields[str(part)].annotation
        elif typing.get_origin(tp) in (list, dict):
            tp = typing.get_args(tp)[-1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    """Peel `Annotated[...]` and `X | None` down to a model, list or dict type when there is one."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [_unwrap(a) for a in typing.get_args(tp)]
            structured = [
                m
                for m in members
                if typing.get_origin(m) in (list, dict)
                or (isinstance(m, type) and issubclass(m, BaseModel))
            ]
            return structured[0] if structured else tp
        else:
            return tp
