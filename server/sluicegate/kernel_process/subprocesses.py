"""Ending the processes that user code started, kernel side.

The server starts the kernel as the leader of its own process group; every process a block
starts (`subprocess.Popen`, `os.system`, ...) joins that group unless it leaves on purpose.
When a run is cancelled or fails, the kernel ends the other members of its group, so that a
`sleep 300` started by a cancelled block does not outlive the run. The server ends the whole
group when it kills or restarts the kernel (`process.py`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

GRACE_S = 0.5
POLL_S = 0.02


def _members_proc(pgid: int) -> list[int] | None:
    """Live (not zombie) members of group `pgid`, from /proc; None without /proc."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    found: list[int] = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def _members_ps(pgid: int) -> list[int]:
    """Live members of group `pgid`, from `ps` (systems without /proc)."""
    try:
        out = subprocess.run(
            ["ps", "-A", "-o", "pid=,pgid=,stat="], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found: list[int] = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == str(pgid) and not parts[2].startswith("Z"):
            found.append(int(parts[0]))
    return found


def group_members(pgid: int) -> list[int]:
    """The live processes of group `pgid`."""
    found = _members_proc(pgid)
    return _members_ps(pgid) if found is None else found


def _signal(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def end_subprocesses(grace_s: float = GRACE_S, keep: frozenset[int] = frozenset()) -> list[int]:
    """End every other live process of this process's group but those in `keep` (the
    executors' worker processes and the local Ray cluster): SIGTERM, then SIGKILL after
    `grace_s`. Only when this process leads its group (the server's kernel process), so a
    kernel run in-process (`sluicegate run`, a notebook) never touches its caller's group.
    Returns the pids that were signalled."""
    me = os.getpid()
    if os.name != "posix" or os.getpgid(0) != me:
        return []
    others = [pid for pid in group_members(me) if pid != me and pid not in keep]
    if not others:
        return []
    _signal(others, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    left = others
    while left and time.monotonic() < deadline:
        time.sleep(POLL_S)
        alive = set(group_members(me))
        left = [pid for pid in left if pid in alive]
    _signal(left, signal.SIGKILL)
    return others
