"""Choosing executors: settings, plan errors, and how values cross to worker processes."""

from __future__ import annotations

import pickle
import socket
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pytest

from sluicegate.errors import PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_executor
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.executors import choose
from sluicegate.kernel.executors.wire import Wire, dumps


def test_executor_ray_without_ray_installed_is_a_plan_error_saying_what_to_install(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
):
    real = choose.importlib.util.find_spec
    monkeypatch.setattr(
        choose.importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name)
    )
    topology = with_executor(load_pipeline(workspace, "styles"), "ray")
    with pytest.raises(PlanError) as info:
        LocalKernel().run(topology)
    message = str(info.value)
    assert "pip install 'sluicegate[ray]'" in message and "executor: ray" in message
    assert info.value.field == "executor"


def test_a_block_executor_wins_over_the_pipeline_setting(workspace: Path):
    spec = workspace / "pipelines" / "styles" / "pipeline.yaml"
    text = spec.read_text()
    spec.write_text(text.replace("{name: numbers}", "{name: numbers, executor: thread}"))
    topology = with_executor(load_pipeline(workspace, "styles"), "process")
    result = LocalKernel().run(topology)
    assert result.ok, result.error
    assert result.report["blocks"]["numbers"]["executor"] == "thread"
    assert result.report["blocks"]["numbers"]["ran_on"] is None
    assert result.report["blocks"]["scaled"]["executor"] == "process"
    (where,) = result.report["blocks"]["scaled"]["ran_on"]
    assert where.startswith("process ")


def test_an_unknown_executor_names_the_block_and_the_field(workspace: Path):
    spec = workspace / "pipelines" / "styles" / "pipeline.yaml"
    spec.write_text(spec.read_text().replace("{name: numbers}", "{name: numbers, executor: gpu}"))
    with pytest.raises(PlanError) as info:
        load_pipeline(workspace, "styles")
    assert "block 'numbers', field 'executor'" in str(info.value)
    assert "(allowed: thread, process, ray)" in str(info.value)


def test_numpy_arrays_cross_out_of_band_and_arrive_writable():
    array = np.arange(1_000_000, dtype=np.float64)
    data, buffers = dumps({"batch": [array]})
    assert len(buffers) == 1 and len(data) < 1000, "the array's bytes are not in the pickle"
    left, right = socket.socketpair()
    sender, receiver = Wire(Connection(left.detach())), Wire(Connection(right.detach()))
    sending = threading.Thread(target=sender.send, args=(("reply", 1), {"batch": [array]}))
    sending.start()
    head, frame = receiver.recv()
    sending.join()
    (got,) = frame.body()["batch"]
    assert head == ("reply", 1)
    assert np.array_equal(got, array) and got.flags.writeable
    got[0] = 42.0  # the receiver owns its copy
    assert array[0] == 0.0
    assert pickle.loads(pickle.dumps(got, protocol=5))[0] == 42.0
