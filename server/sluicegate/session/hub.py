"""Fan-out of live messages to browsers. Each client has a mailbox: deltas coalesce into
the latest state per entity, events queue up to a bound; past it the client is sent a
fresh snapshot instead of a backlog. Publishing never waits for a client."""

from __future__ import annotations

import asyncio
from typing import Any

from sluicegate.protocol import Message, encode
from sluicegate.protocol.codec import encode_dict
from sluicegate.protocol.telemetry import Delta
from sluicegate.session.mirror import merge

MAX_QUEUED_EVENTS = 1000


class Client:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, str]] = []
        self.deltas: dict[str, dict[str, Any]] = {}
        self.resync = False
        self.wake = asyncio.Event()

    def offer(self, message: Message, frame: str) -> None:
        if isinstance(message, Delta):
            pending = self.deltas.setdefault(
                message.run_id,
                {"v": 1, "type": "delta", "run_id": message.run_id, "blocks": {}, "edges": {}},
            )
            pending["seq"], pending["t"] = message.seq, message.t
            merge(pending["blocks"], message.blocks)
            merge(pending["edges"], message.edges)
            if message.run:
                merge(pending.setdefault("run", {}), message.run)
        elif not self.resync:
            self.events.append((message.run_id, message.seq, frame))
            if len(self.events) > MAX_QUEUED_EVENTS:
                self.events.clear()
                self.deltas.clear()
                self.resync = True
        self.wake.set()

    def take(self) -> tuple[bool, list[str]]:
        """(needs a fresh snapshot, frames to send in order). Events keep their arrival
        order; a run's coalesced delta goes before that run's first later event. After a
        resync the pending deltas are dropped: the snapshot is newer."""
        resync, self.resync = self.resync, False
        items, deltas = self.events, self.deltas
        self.events, self.deltas = [], {}
        self.wake.clear()
        if not resync:
            for run_id, delta in deltas.items():
                at = next(
                    (
                        i
                        for i, (rid, seq, _) in enumerate(items)
                        if rid == run_id and seq > delta["seq"]
                    ),
                    len(items),
                )
                items.insert(at, (run_id, delta["seq"], encode_dict(delta)))
        return resync, [frame for _, _, frame in items]


class Hub:
    def __init__(self) -> None:
        self.clients: set[Client] = set()

    def connect(self) -> Client:
        client = Client()
        self.clients.add(client)
        return client

    def disconnect(self, client: Client) -> None:
        self.clients.discard(client)

    def publish(self, message: Message) -> None:
        if not self.clients:
            return
        frame = encode(message)
        for client in self.clients:
            client.offer(message, frame)
