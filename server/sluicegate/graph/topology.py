"""The runtime topology: what the kernel runs. Built from the saved spec by `graph.build`.

Every value a kernel needs is resolved here, with the source it came from (SPEC §4.5), so
that the kernel never looks at YAML, the environment or workspace settings itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

BufferingMode = Literal["limited", "full"]
Exchange = Literal["pipelined", "blocking"]
Match = Literal["product", "lineage", "zip_index"]
BlockingClass = Literal["non_blocking", "partially_blocking", "fully_blocking"]
KeepOutputs = Literal["all", "sample", "none"]
OnChildFailure = Literal["fail", "skip", "none_fill"]


@dataclass(frozen=True)
class Resolved:
    """A setting's value and where it came from, e.g. `Resolved(512, "edge config")`."""

    value: Any
    source: str


@dataclass(frozen=True)
class PortConfig:
    """Resolved buffer settings of one edge (SPEC §4.3, §4.5).

    `rows_per_buffer.value` is None when it is to be derived from the item size at run time.
    """

    buffering_mode: Resolved  # "limited" | "full"
    rows_per_buffer: Resolved  # int | None
    bytes_per_row_buffer: Resolved  # int
    full_mem_budget_bytes: Resolved  # int
    sizer: Resolved  # "auto" | "deep"
    exchange: Resolved  # "pipelined" | "blocking"


@dataclass(frozen=True)
class EdgeNode:
    """One edge of the saved graph: `src.src_port -> dst.dst_port`."""

    src: str
    src_port: str
    dst: str
    dst_port: str
    config: PortConfig
    tolerate_upstream_error: bool = False

    @property
    def id(self) -> str:
        return f"{self.src}.{self.src_port}->{self.dst}.{self.dst_port}"


@dataclass(frozen=True)
class BlockNode:
    """One block with every setting resolved. `inputs` are in positional-argument order."""

    name: str
    path: Path
    inputs: tuple[EdgeNode, ...] = ()
    outputs: tuple[EdgeNode, ...] = ()
    dynamic: bool = False
    reduce_output: bool = False
    match: Match = "product"
    collect: bool = False
    stream: bool = False
    explode: bool = False
    share_outputs: bool = False  # consumers promise not to mutate: no copies (SPEC §4.11.1)
    inputs_mode: Literal["dependent", "independent"] = "dependent"
    blocking_class: BlockingClass = "non_blocking"
    start_constraint: str | None = None
    eager_start: bool = False
    keep_outputs: KeepOutputs = "all"
    max_concurrent_children: int | None = None
    max_pending_children: int = 1000
    max_children: int | None = None
    on_max_children: Literal["fail", "truncate"] = "fail"
    on_child_failure: OnChildFailure = "fail"
    drain_on_upstream_error: bool = False
    configuration: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    conditions: tuple[str, ...] = ()  # add-on files, relative to the workspace root
    callbacks: tuple[str, ...] = ()
    sensor_interval_s: float = 60.0
    sensor_timeout_s: float | None = None
    executor: str | None = None  # thread | process | ray; None: the pipeline's settings.executor
    retries: int = 0  # runs again when its worker process or Ray node is lost

    @property
    def kind(self) -> Literal["source", "transform", "sink"]:
        if not self.inputs:
            return "source"
        return "transform" if self.outputs else "sink"


@dataclass(frozen=True)
class RunSettings:
    """Pipeline-wide run settings (SPEC §4.8, §4.12, §4.13)."""

    mode: Literal["stream", "batch"] = "stream"
    fail_fast: bool = True
    on_deadlock: Literal["fail", "promote_full"] = "fail"
    max_promotions: int = 3
    max_running: int = 32
    max_threads: int = 64
    cancel_grace_s: float = 10.0
    quiescence_samples: int = 3
    sample_interval_s: float = 0.1
    drain_first: bool = True
    keep_outputs_budget_bytes: int = 64 * 1024 * 1024
    log_max_bytes: int = 1024 * 1024
    log_max_lines: int = 10_000
    stall_warn_s: float = 30.0
    executor: str = "thread"  # thread | process | ray (a block's `executor:` wins)
    max_processes: int | None = None  # the process pool's size; None: one per core
    ray_address: str | None = None  # the Ray cluster; None: a local one started on demand


@dataclass(frozen=True)
class LintWarning:
    """A plan-time warning shown before running, e.g. a possible deadlock at `join.right`."""

    code: str  # "diamond" | "constraint" | ...
    message: str
    block: str
    port: str | None = None


@dataclass(frozen=True)
class Topology:
    """A planned pipeline. `blocks` is in topological order."""

    pipeline: str
    root: Path
    blocks: dict[str, BlockNode]
    edges: dict[str, EdgeNode]
    settings: RunSettings = field(default_factory=RunSettings)
    variables: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[LintWarning, ...] = ()
    where: str = ""  # the pipeline's file (pipeline.yaml or Mage's metadata.yaml), for errors

    def upstream(self, block: str) -> list[str]:
        return [e.src for e in self.blocks[block].inputs]

    def downstream(self, block: str) -> list[str]:
        return [e.dst for e in self.blocks[block].outputs]
