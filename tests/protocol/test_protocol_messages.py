"""Every message survives encode → decode, and the examples of SPEC §4.14.4 decode."""

from __future__ import annotations

import json
from typing import TypedDict

import pytest
from pydantic import BaseModel, TypeAdapter

from sluicegate.protocol import DecodeError, decode_command, decode_message, encode
from sluicegate.protocol.codec import ClientMessage
from sluicegate.protocol.commands import CancelRun, RunCell, Shutdown, StartRun
from sluicegate.protocol.derive import LABEL_PRECEDENCE
from sluicegate.protocol.events import (
    ChildrenFinal,
    CycleHop,
    Deadlock,
    Phase,
    PortResolved,
    RunPhase,
    Suggestion,
    Warn,
)
from sluicegate.protocol.telemetry import (
    BlockTelemetry,
    ChildCounters,
    Delta,
    EdgeTelemetry,
    Frac,
    Hello,
    KernelInfo,
    RunInfo,
    Snapshot,
)
from sluicegate.protocol.vocab import (
    ACTIVITIES,
    BLOCK_PHASES,
    TERMINAL_PHASES,
    ErrorDict,
    ErrorInfo,
    WaitingOn,
    error_info,
)

# SPEC §4.14.4, copied verbatim but for `resolved_config`, which the snapshot does not carry
# (`GET /api/pipelines/{name}/plan` serves every block's resolved settings). One message per frame.
SPEC_SNAPSHOT = """
{"v":1,"type":"snapshot","run_id":"r-42","seq":1,"t":1732190000123,"window_ms":5000,
 "run":{"phase":"running","mode":"stream","started_t":1732189990000},
 "blocks":{"J":{"phase":"running","activity":"starved","flags":[],"label":"STARVED",
   "waiting_on":{"edge":"S.a->J.left"},"since_ms":820,
   "frac":{"busy":0.05,"starved":0.95,"backpressured":0,"waiting":0},"bp_level":"OK",
   "io":{"items_in":10,"items_out":0,"rows_in":10,"rows_out":0,"bytes_in":560,"bytes_out":0},
   "internal_bytes":0}},
 "edges":{"B.out->J.right":{"src":"B.out","dst":"J.right","mode":"limited",
   "mode_source":"edge config","exchange":"pipelined","state":"active","items_per_buffer":64,
   "capacity":{"items":256,"bytes":4194304},"fill":{"items":256,"bytes":14336,"ratio":1.0,"level":"red"},
   "spilled":{"items":0,"bytes":0},"total":{"items_in":256,"items_out":0,"rows_in":256,"rows_out":0,
   "bytes_in":14336,"bytes_out":0,"discarded":0},"bp_ms_total":3120,"bp_frac":1.0,
   "rate":{"in_items_per_s":0,"out_items_per_s":0},"est":true}}}
"""
SPEC_DELTA = """
{"v":1,"type":"delta","run_id":"r-42","seq":2,"t":1732190000623,
 "blocks":{"B":{"activity":"backpressured","label":"BACKPRESSURED","frac":{"busy":0.1,"backpressured":0.9}}},
 "edges":{"B.out->J.right":{"bp_ms_total":3620}}}
"""
SPEC_PHASE = """
{"v":1,"type":"event","run_id":"r-42","seq":3,"t":1732190001000,"kind":"phase",
 "block":"D:3:1","from":"running","to":"failed","error":{"type":"ValueError","message":"bad row"}}
"""
SPEC_DEADLOCK = """
{"v":1,"type":"event","run_id":"r-42","seq":9,"t":1732190002000,"kind":"deadlock",
 "cycle":[{"block":"S","waits":"output","edge":"S.b->B.in"},
          {"block":"B","waits":"output","edge":"B.out->J.right"},
          {"block":"J","waits":"input","edge":"S.a->J.left"}],
 "suggestion":{"edge":"B.out->J.right","set":{"mode":"full"}},"action":"fail"}
"""


class _Head(TypedDict):
    run_id: str
    t: int


RUN = _Head(run_id="r-42", t=1732190000123)


def _edge() -> EdgeTelemetry:
    return EdgeTelemetry.model_validate(
        json.loads(SPEC_SNAPSHOT)["edges"]["B.out->J.right"]
        | {"items_per_buffer_source": "est 56 B/item", "max_fill_items": 257}
    )


def _block() -> BlockTelemetry:
    return BlockTelemetry(
        phase="running",
        activity="busy",
        flags=["draining"],
        label="BUSY · DRAINING",
        frac=Frac(busy=0.9, starved=0.1),
        children=ChildCounters(expected=10, final=True, spawned=10, running=3, succeeded=7),
        error=ErrorInfo(type="ValueError", message="bad row", block="D", line=3),
    )


KERNEL_MESSAGES: list[BaseModel] = [
    Snapshot(
        **RUN,
        seq=1,
        run=RunInfo(phase="failed", mode="batch", started_t=1, finished_t=2),
        blocks={"D": _block()},
        edges={"B.out->J.right": _edge()},
    ),
    Delta(**RUN, seq=2, blocks={"B": {"activity": None, "frac": {"busy": 0.5}}}),
    Delta(**RUN, seq=3, run={"phase": "succeeded", "finished_t": 9}),
    RunPhase(
        **RUN,
        seq=4,
        from_="running",
        to="failed",
        mode="stream",
        error=ErrorInfo(type="X", message="y"),
    ),
    Phase(
        **RUN,
        seq=5,
        block="D",
        uuid="D:3:1",
        key=[3, 1],
        from_="created",
        to="waiting",
        reason="start_constraint",
        waiting_on=WaitingOn(blocks=["A"]),
    ),
    Deadlock(
        **RUN,
        seq=6,
        cycle=[CycleHop(block="B:7", waits="slot", detail="max_concurrent_children=4")],
        message="B:7 cannot start",
    ),
    Deadlock(
        **RUN,
        seq=7,
        cycle=[CycleHop(block="B", waits="output", edge="B.out->J.right")],
        message="B is blocked writing B.out->J.right",
        suggestion=Suggestion(edge="B.out->J.right"),
        action="promote_full",
    ),
    ChildrenFinal(**RUN, seq=8, block="D", expected=10),
    Warn(**RUN, seq=10, message="Promoted B.out->J.right to mode=full.", block=None),
    PortResolved(
        **RUN,
        seq=11,
        block="join",
        port="right",
        edge="b.out->join.right",
        mode="full",
        mode_source="default: dependent multi-input",
        rows_per_buffer=512,
        rows_per_buffer_source="estimated",
        est_item_bytes=2048.0,
        bytes_per_row_buffer=1048576,
        bytes_source="pipeline",
        capacity_items=None,
        capacity_bytes=None,
    ),
]
COMMANDS: list[BaseModel] = [
    StartRun(pipeline="etl", mode="batch", variables={"day": "2024-01-01"}, run_id="r-1"),
    StartRun(pipeline="etl"),
    CancelRun(run_id="r-1"),
    RunCell(pipeline="etl", block="clean", run_upstream=True, variables={"n": 3}),
    Shutdown(),
]


@pytest.mark.parametrize("msg", KERNEL_MESSAGES, ids=lambda m: type(m).__name__)
def test_kernel_message_round_trip(msg: BaseModel) -> None:
    text = encode(msg)
    back = decode_message(text)
    assert back == msg
    assert encode(back) == text


@pytest.mark.parametrize("msg", COMMANDS, ids=lambda m: type(m).__name__)
def test_command_round_trip(msg: BaseModel) -> None:
    assert decode_command(encode(msg)) == msg


def test_spec_examples_decode() -> None:
    snap = decode_message(SPEC_SNAPSHOT)
    assert isinstance(snap, Snapshot)
    assert snap.blocks["J"].waiting_on == WaitingOn(edge="S.a->J.left")
    assert snap.edges["B.out->J.right"].fill.level == "red"
    delta = decode_message(SPEC_DELTA)
    assert isinstance(delta, Delta)
    assert delta.blocks["B"]["frac"] == {"busy": 0.1, "backpressured": 0.9}
    phase = decode_message(SPEC_PHASE)
    assert isinstance(phase, Phase)
    assert (phase.from_, phase.to, phase.uuid) == ("running", "failed", "D:3:1")
    deadlock = decode_message(SPEC_DEADLOCK)
    assert isinstance(deadlock, Deadlock)
    assert [hop.block for hop in deadlock.cycle] == ["S", "B", "J"]
    assert deadlock.suggestion is not None and deadlock.suggestion.set.mode == "full"
    for text in (SPEC_SNAPSHOT, SPEC_DELTA, SPEC_PHASE, SPEC_DEADLOCK):
        assert decode_message(encode(decode_message(text))) == decode_message(text)


def test_wire_uses_from_and_explicit_nulls() -> None:
    wire = json.loads(encode(Phase(**RUN, seq=1, block="A", from_="ready", to="running")))
    assert wire["from"] == "ready" and "from_" not in wire
    assert wire["error"] is None and wire["uuid"] == "A"
    assert json.loads(encode(_edge().model_copy(update={"capacity": None})))["capacity"] is None


def test_delta_leaves_out_unchanged_but_keeps_cleared() -> None:
    wire = json.loads(encode(Delta(**RUN, seq=2, blocks={"B": {"waiting_on": None}})))
    assert "run" not in wire
    assert wire["blocks"] == {"B": {"waiting_on": None}}


def test_every_event_is_type_event_and_tags_do_not_collide() -> None:
    events = [m for m in KERNEL_MESSAGES if not isinstance(m, Snapshot | Delta)]
    assert {json.loads(encode(e))["type"] for e in events} == {"event"}
    command_types = {json.loads(encode(c))["type"] for c in COMMANDS}
    assert command_types.isdisjoint({"snapshot", "delta", "event"})


def test_suggestion_defaults_to_full() -> None:
    assert Suggestion(edge="B.out->J.right").model_dump() == {
        "edge": "B.out->J.right",
        "set": {"mode": "full"},
    }


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('{"type":"snapshop"}', "type", "snapshot"),
        ('{"type":"event","kind":"phaze"}', "kind", "deadlock"),
        (SPEC_PHASE.replace('"to":"failed"', '"to":"fialed"'), "to", "fialed"),
        (
            SPEC_SNAPSHOT.replace('"level":"red"', '"level":"crimson"'),
            "edges.B.out->J.right.fill.level",
            "crimson",
        ),
        (SPEC_DELTA.replace('"seq":2', '"seq":"two"'), "seq", "delta"),
        (SPEC_PHASE.replace('"block"', '"blok"'), "block", "phase event"),
        ("{not json", "", "Invalid JSON"),
    ],
)
def test_decode_errors_name_the_field(text: str, field: str, words: str) -> None:
    with pytest.raises(DecodeError, match="bad") as caught:
        decode_message(text)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_decode_command_errors_name_the_field() -> None:
    with pytest.raises(DecodeError, match=r"bad start_run: field 'mode'.*'fast'"):
        decode_command('{"type":"start_run","pipeline":"etl","mode":"fast"}')
    with pytest.raises(DecodeError, match="field 'type'"):
        decode_command('{"type":"start"}')


def test_error_info_builds_the_wire_error() -> None:
    """`error_info` is the one constructor of an error; it makes exactly an `ErrorInfo`."""
    error = error_info("ValueError", "bad row", block="D", line=3)
    assert ErrorInfo.model_validate(error) == ErrorInfo(
        type="ValueError", message="bad row", block="D", line=3
    )
    assert error_info("KernelDied", "the kernel exited") == {
        "type": "KernelDied",
        "message": "the kernel exited",
    }
    assert set(ErrorDict.__annotations__) == set(ErrorInfo.model_fields)


def test_hello_is_a_client_message() -> None:
    hello = Hello(t=1, kernel=KernelInfo(status="ready", pid=42))
    back = TypeAdapter(ClientMessage).validate_json(encode(hello))
    assert back == hello


def test_terminal_phases_come_from_the_phase_literal() -> None:
    assert set(BLOCK_PHASES) > TERMINAL_PHASES
    assert {"created", "waiting", "ready", "running"}.isdisjoint(TERMINAL_PHASES)
    assert set(LABEL_PRECEDENCE) == set(BLOCK_PHASES) | set(ACTIVITIES)
