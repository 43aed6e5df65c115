"""The saved spec: what `pipelines/<name>/pipeline.yaml` and `<workspace>/sluicegate.yaml` hold.

Every model forbids unknown keys, so a typo is an error rather than a silently ignored
setting. A port setting left out (or `null`) is *not set* and is inherited (SPEC §4.5);
`buffering_mode: default` is set and asks for the automatic choice of SPEC §4.3.2.
"""

from __future__ import annotations

import keyword
import re
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from sluicegate.graph.topology import (
    BlockingClass,
    Exchange,
    KeepOutputs,
    Match,
    OnChildFailure,
)

BLOCK_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PIPELINE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")

Positive = Annotated[int, Field(ge=1)]
Executor = Literal["thread", "process", "ray"]  # as protocol.vocab.Executor
MAX_NAME = 128  # a block's file `<name>.py` stays well under the file system's 255 bytes


def check_block_name(name: str) -> str:
    """Return `name`, or raise ValueError saying why it cannot name a block."""
    _check_length("block", name)
    if not BLOCK_NAME.fullmatch(name):
        raise ValueError(
            f"block name {name!r} must match [A-Za-z_][A-Za-z0-9_]* (letters, digits and "
            "underscores, no path separators); rename the block"
        )
    if keyword.iskeyword(name):
        raise ValueError(
            f"block name {name!r} is a Python keyword and cannot be used in start "
            "constraints; rename the block"
        )
    return name


def check_pipeline_name(name: str) -> str:
    """Return `name`, or raise ValueError saying why it cannot name a pipeline folder."""
    _check_length("pipeline", name)
    if not PIPELINE_NAME.fullmatch(name):
        raise ValueError(
            f"pipeline name {name!r} must match [A-Za-z0-9_][A-Za-z0-9_-]* (letters, digits, "
            "'_' and '-', no path separators); rename the pipeline folder"
        )
    return name


def _check_length(what: str, name: str) -> None:
    if len(name) > MAX_NAME:
        raise ValueError(
            f"{what} name {name[:40]!r}... is {len(name)} characters long, more than "
            f"{MAX_NAME}; use a shorter name"
        )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class PortSettings(_Model):
    """Buffer settings of an input port; the same keys at every level of SPEC §4.5."""

    buffering_mode: Literal["limited", "full", "default"] | None = None
    rows_per_buffer: Positive | None = None
    bytes_per_row_buffer: Positive | None = None
    full_mem_budget_bytes: Positive | None = None
    sizer: Literal["auto", "deep"] | None = None


PORT_KEYS: tuple[str, ...] = tuple(PortSettings.model_fields)


class RunSettingsSpec(_Model):
    """Run settings as saved: every field of `topology.RunSettings` but `mode`, all optional."""

    fail_fast: bool | None = None
    on_deadlock: Literal["fail", "promote_full"] | None = None
    max_promotions: Annotated[int, Field(ge=0)] | None = None
    max_running: Positive | None = None
    max_threads: Positive | None = None
    cancel_grace_s: Annotated[float, Field(ge=0)] | None = None
    quiescence_samples: Positive | None = None
    sample_interval_s: Annotated[float, Field(gt=0)] | None = None
    drain_first: bool | None = None
    keep_outputs_budget_bytes: Annotated[int, Field(ge=0)] | None = None
    log_max_bytes: Annotated[int, Field(ge=0)] | None = None
    log_max_lines: Annotated[int, Field(ge=0)] | None = None
    stall_warn_s: Annotated[float, Field(gt=0)] | None = None
    executor: Executor | None = None
    max_processes: Positive | None = None
    ray_address: str | None = None


class BlockSpec(_Model):
    name: str
    file: str | None = None
    description: str | None = None
    dynamic: bool = False
    reduce_output: bool = False
    match: Match = "product"
    collect: bool = False
    stream: bool = False
    explode: bool = False
    share_outputs: bool = False
    inputs: Literal["dependent", "independent"] = "dependent"
    blocking_class: BlockingClass = "non_blocking"
    start_constraint: str | None = None
    eager_start: bool = False
    keep_outputs: KeepOutputs | None = None
    max_concurrent_children: Positive | None = None
    max_pending_children: Positive = 1000
    max_children: Positive | None = None
    on_max_children: Literal["fail", "truncate"] = "fail"
    on_child_failure: OnChildFailure = "fail"
    drain_on_upstream_error: bool = False
    ports: dict[str, PortSettings] = Field(default_factory=dict)
    configuration: dict[str, Any] = Field(default_factory=dict)
    conditions: list[str] = Field(default_factory=list)
    callbacks: list[str] = Field(default_factory=list)
    sensor_interval_s: Annotated[float, Field(gt=0)] = 60.0
    sensor_timeout_s: Annotated[float, Field(gt=0)] | None = None
    executor: Executor | None = None
    retries: Annotated[int, Field(ge=0)] = 0

    @field_validator("conditions", "callbacks")
    @classmethod
    def _addon_files(cls, value: list[str]) -> list[str]:
        for file in value:
            if PurePosixPath(file).suffix != ".py":
                raise ValueError(
                    f"add-on file {file!r} must be a .py file, relative to the pipeline folder"
                )
        return value

    @field_validator("name")
    @classmethod
    def _block_name(cls, value: str) -> str:
        return check_block_name(value)

    @field_validator("file")
    @classmethod
    def _python_file(cls, value: str | None) -> str | None:
        if value is not None and PurePosixPath(value).suffix != ".py":
            raise ValueError(f"block file {value!r} must be a .py file; point `file:` at it")
        return value

    @property
    def file_name(self) -> str:
        """The block's code file, relative to the pipeline folder."""
        return self.file or f"{self.name}.py"

    @property
    def block_type(self) -> str:
        """The stem of the block's file, which `apply_to: {block_type: ...}` matches."""
        return PurePosixPath(self.file_name).stem


class _EdgeEnds(_Model):
    src: str = Field(alias="from")
    dst: str = Field(alias="to")


class EdgeSpec(PortSettings, _EdgeEnds):
    """`from: block[.port]` -> `to: block[.port]`; port keys here are "edge config"."""

    exchange: Exchange | None = None
    tolerate_upstream_error: bool = False


class ApplyToSelector(_Model):
    """`apply_to: {block: NAME}`, `{blocking_class: ...}` or `{block_type: FILE_STEM}`."""

    block: str | None = None
    blocking_class: BlockingClass | None = None
    block_type: str | None = None

    @model_validator(mode="after")
    def _some_key(self) -> ApplyToSelector:
        if not self.label():
            raise ValueError("apply_to needs one of `block`, `blocking_class` or `block_type`")
        return self

    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.model_dump(exclude_none=True).items())


def _selector_kind(value: Any) -> str:
    return "selector" if isinstance(value, dict | ApplyToSelector) else "text"


SELECTOR_TAGS = frozenset({"text", "selector"})


class _ApplyTo(_Model):
    apply_to: Annotated[
        Annotated[str, Tag("text")] | Annotated[ApplyToSelector, Tag("selector")],
        Discriminator(_selector_kind),
    ]


class ConfigRule(PortSettings, _ApplyTo):
    """A `config:` rule: port settings for every input port its `apply_to` selects."""

    def target(self) -> str:
        """The selector as written: `join.right` or `blocking_class=fully_blocking`."""
        return self.apply_to if isinstance(self.apply_to, str) else self.apply_to.label()

    def label(self) -> str:
        """The source of the settings this rule sets (SPEC §4.5)."""
        return f"pipeline config (apply_to {self.target()})"


class PipelineSpec(_Model):
    name: str | None = None
    description: str | None = None
    mode: Literal["stream", "batch"] = "stream"
    variables: dict[str, Any] = Field(default_factory=dict)
    settings: RunSettingsSpec = Field(default_factory=RunSettingsSpec)
    buffers: PortSettings = Field(default_factory=PortSettings)
    blocks: list[BlockSpec] = Field(default_factory=list)
    edges: list[EdgeSpec] = Field(default_factory=list)
    config: list[ConfigRule] = Field(default_factory=list)


class WorkspaceSpec(_Model):
    """The optional `<workspace>/sluicegate.yaml`."""

    buffers: PortSettings = Field(default_factory=PortSettings)
    settings: RunSettingsSpec = Field(default_factory=RunSettingsSpec)
    keep_outputs: KeepOutputs | None = None


def dump_spec(spec: BaseModel) -> dict[str, Any]:
    """The spec as the plain mapping that is saved: defaults and unset keys left out."""
    return spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
