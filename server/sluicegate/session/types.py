"""The small interface the web layer talks to (STYLE 3): it never sees the kernel process."""

from __future__ import annotations

from typing import Any, Protocol

from sluicegate.session.hub import Client


class KernelSession(Protocol):
    def start_run(
        self,
        pipeline: str,
        *,
        mode: str | None,
        variables: dict[str, Any],
        rerun_of: str | None = None,
    ) -> str: ...

    def cancel_run(self, run_id: str) -> None: ...

    async def run_cell(
        self, pipeline: str, block: str, *, run_upstream: bool, variables: dict[str, Any]
    ) -> dict[str, Any]: ...

    def connect(self) -> Client: ...

    def disconnect(self, client: Client) -> None: ...

    def snapshots(self) -> list[dict[str, Any]]: ...

    @property
    def kernel_status(self) -> dict[str, Any]: ...
