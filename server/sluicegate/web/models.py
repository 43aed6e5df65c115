"""Request and response models of the HTTP API (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- requests ---------------------------------------------------------------------------
class PipelineCreate(_In):
    name: str
    description: str = ""


class PipelinePatch(_In):
    name: str | None = Field(None, description="rename the pipeline")
    description: str | None = None
    mode: Literal["stream", "batch"] | None = None
    variables: dict[str, Any] | None = None
    settings: dict[str, Any] | None = None
    buffers: dict[str, Any] | None = None
    config: list[dict[str, Any]] | None = Field(
        None, description="apply_to rules; replaces them all"
    )


class BlockCreate(_In):
    name: str
    kind: Literal["data_loader", "transformer", "data_exporter", "custom", "sensor"] = "transformer"
    code: str | None = None
    settings: dict[str, Any] = {}
    from_library: str | None = Field(None, description="a built-in block, e.g. transforms/sort")


class BlockCode(_In):
    code: str


class BlockPatch(_In):
    name: str | None = Field(None, description="rename the block")
    settings: dict[str, Any] | None = Field(
        None, description="block settings to merge; null removes one"
    )


class PortPatch(_In):
    settings: dict[str, Any]


class EdgeCreate(_In):
    src: str
    dst: str
    src_port: str = "out"
    dst_port: str | None = None


class RunStart(_In):
    mode: Literal["stream", "batch"] | None = None
    executor: Literal["thread", "process", "ray"] | None = Field(
        None, description="where block code runs (default: the pipeline's settings.executor)"
    )
    variables: dict[str, Any] = {}


class Rerun(_In):
    from_failed: bool = Field(True, description="reuse the stored outputs of blocks that succeeded")


class CellRun(_In):
    run_upstream: bool = False
    variables: dict[str, Any] = {}


# ---- responses --------------------------------------------------------------------------
class PipelineSummary(BaseModel):
    name: str
    description: str = ""
    blocks: int = 0
    error: str | None = None
    last_run: dict[str, Any] | None = None


class PipelineDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    version: str | None = Field(
        None, description="pipeline.yaml's version (its ETag); each block has its code's"
    )


class PlanOut(BaseModel):
    mode: str
    blocks: dict[str, dict[str, Any]] = Field(description="each block's resolved settings")
    edges: dict[str, dict[str, dict[str, Any]]] = Field(
        description="per edge, per port setting: {value, source}"
    )
    warnings: list[dict[str, Any]]
    facts: PlanFacts = Field(description="what the graph draws, decided by the server")


class BlockFacts(BaseModel):
    kind: str = Field(description="the block function's decorator: data_loader, transformer, ...")
    role: Literal["source", "transform", "sink"]
    input_style: Literal["per_item", "collect", "stream"]
    stream_annotation: bool = Field(description="a parameter is annotated Iterator[...] etc.")
    dynamic: bool
    replicated: bool
    levels: list[str] = Field(description="the dynamic blocks whose items replicate it")
    position: int = Field(description="its place in the topological order")


class EdgeFacts(BaseModel):
    id: str
    src: str
    src_port: str
    dst: str
    dst_port: str


class PlanFacts(BaseModel):
    order: list[str] = Field(description="blocks in topological order")
    blocks: dict[str, BlockFacts]
    edges: list[EdgeFacts]


class ValidationResult(BaseModel):
    ok: bool
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


class RunOut(BaseModel):
    id: str
    pipeline: str
    kind: str
    mode: str
    status: str
    error: str | None = None
    variables: dict[str, Any] | None = None
    rerun_of: str | None = None
    created_t: float
    started_t: float | None = None
    finished_t: float | None = None
    duration_s: float | None = None
    report: dict[str, Any] | None = None


class Page(BaseModel):
    total: int
    offset: int
    limit: int


class RunPage(Page):
    items: list[RunOut]


class LineageSource(BaseModel):
    """Where one input of a dynamic child came from (web.lineage)."""

    port: str = Field(description="the child's input port")
    block: str = Field(description="the upstream block")
    uuid: str | None = Field(description="the upstream block run (e.g. B:7); None: a reduce")
    key: list[int] = Field(description="the lineage key of the partition this input got")
    item: int | None = Field(
        description="for a dynamic upstream: the index of the item in that run's output"
    )


class BlockRunOut(BaseModel):
    uuid: str
    block: str
    key: list[int] | None = None
    is_child: bool = False
    phase: str
    reason: str | None = None
    started_t: float | None = None
    finished_t: float | None = None
    error: dict[str, Any] | None = None
    items_in: int | None = None
    items_out: int | None = None
    lineage: list[LineageSource] | None = Field(
        None, description="a child's inputs and where each came from (D:7:3 from B:7 and C:3)"
    )


class BlockRunAt(BaseModel):
    block_run: BlockRunOut
    position: int = Field(
        description="index among the block's children in key order (0 for a block run)"
    )


class BlockRunPage(Page):
    items: list[BlockRunOut]


class RunBlocks(BaseModel):
    run: RunOut
    blocks: dict[str, dict[str, int]] = Field(
        description="per block: how many runs are in each phase"
    )
    block_runs: list[BlockRunOut] = Field(description="the block runs that are not children")


class OutputMeta(BaseModel):
    count: int
    bytes: int = 0
    types: dict[str, int] | None = None
    schema_: dict[str, Any] | list[Any] | None = Field(None, alias="schema")
    kept: str = "all"
    stored: int = 0


class OutputPage(Page):
    run_id: str
    block: str
    uuid: str
    meta: OutputMeta | None
    preview: dict[str, Any] = Field(description="the page as a table, or a list of previews")


class LogLine(BaseModel):
    seq: int = Field(description="the line's number in the run's log")
    t: int = Field(description="when it was written, in milliseconds since the epoch")
    uuid: str | None = Field(default=None, description="the block run, such as `D` or `D:3:1`")
    block: str | None = None
    level: str | None = Field(default=None, description="DEBUG ... CRITICAL, or STDOUT / STDERR")
    stream: str | None = Field(default=None, description="`log` (a logger), `stdout` or `stderr`")
    message: str


class LogPage(Page):
    items: list[LogLine]


class EventPage(BaseModel):
    items: list[dict[str, Any]]


class BlockOut(BaseModel):
    name: str
    spec: dict[str, Any] = Field(description="the block's settings as saved in pipeline.yaml")
    file: str
    code: str | None = None
    version: str | None = Field(None, description="the code file's version (its ETag)")
    error: dict[str, Any] | None = Field(None, description="{message, where, block, field, line}")


class Cancelling(BaseModel):
    run_id: str
    status: Literal["cancelling"] = "cancelling"


class TimelineLane(BaseModel):
    block: str
    spans: list[list[Any]] = Field(
        description="[started_t, finished_t | null, phase] of non-child runs"
    )
    children: int
    failed: int
    running: list[int] = Field(description="children running in each time bucket")
    max_running: int


class TimelineOut(BaseModel):
    t0: float | None
    t1: float | None
    buckets: int
    lanes: list[TimelineLane]


class Started(BaseModel):
    run_id: str


class CellResultOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    pipeline: str
    block: str
    status: str


class KernelOut(BaseModel):
    status: str
    reason: str | None = None
    pid: int | None = None
    active_run: str | None = None
