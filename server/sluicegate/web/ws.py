"""The one live endpoint: a snapshot of every recent run on connect, then deltas and
lifecycle events, file changes and cell results (SPEC §4.14). A slow client gets the
latest state, not a backlog; a reconnecting client starts again from a snapshot."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from sluicegate.protocol.codec import decode_json, encode, encode_dict
from sluicegate.protocol.telemetry import Hello, KernelInfo
from sluicegate.session.hub import Client
from sluicegate.session.manager import Session

router = APIRouter()
MAX_CLIENT_FRAME = 64 * 1024  # clients only send small requests ("resync")


def _hello(session: Session) -> str:
    kernel = KernelInfo.model_validate(session.kernel_status)
    return encode(Hello(t=int(time.time() * 1000), kernel=kernel))


async def _send_snapshots(websocket: WebSocket, session: Session) -> None:
    await websocket.send_text(_hello(session))
    for snapshot in session.snapshots():
        await websocket.send_text(encode_dict(snapshot))


async def _pump(websocket: WebSocket, session: Session, client: Client) -> None:
    while True:
        await client.wake.wait()
        resync, frames = client.take()
        if resync:
            await _send_snapshots(websocket, session)
        for frame in frames:
            await websocket.send_text(frame)


@router.websocket("/ws")
async def live(websocket: WebSocket) -> None:
    session: Session = websocket.app.state.session
    await websocket.accept()
    client = session.connect()
    pump: asyncio.Task[None] | None = None
    try:
        await _send_snapshots(websocket, session)
        pump = asyncio.create_task(_pump(websocket, session, client))
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:  # a binary frame: this protocol is JSON text only
                reason = "binary frames are not accepted; send JSON text"
                await websocket.close(code=1003, reason=reason)
                break
            if len(text) > MAX_CLIENT_FRAME:
                await websocket.close(code=1009, reason="frame too large")
                break
            request = decode_json(text)
            if isinstance(request, dict) and request.get("type") == "resync":
                client.resync = True
                client.wake.set()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        session.disconnect(client)
        if pump is not None:
            pump.cancel()
