"""The responses the security gate answers with itself, and the headers it adds to all."""

from __future__ import annotations

import html
import json as jsonlib
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; frame-ancestors 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


def with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v)
                for k, v in message.get("headers", [])
                if k.lower() not in {name for name, _ in SECURITY_HEADERS}
            ]
            message["headers"] = [*headers, *SECURITY_HEADERS]
        await send(message)

    return wrapped


def with_cookie(send: Send, cookie: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
        await send(message)

    return wrapped


def session_cookie(name: str, value: str) -> str:
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict"


def xsrf_cookie() -> str:
    """Readable by the page's script (not HttpOnly), which repeats it in X-XSRFToken."""
    return f"_xsrf={secrets.token_urlsafe(24)}; Path=/; SameSite=Strict"


async def _respond(
    send: Send, status: int, body: bytes, content_type: str, extra: list[tuple[bytes, bytes]]
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def error(send: Send, status: int, kind: str, message: str, *, json: bool) -> Awaitable[None]:
    """The API's error shape (`{"error": {"type", "message"}}`), or plain text for pages."""
    if json:
        body = jsonlib.dumps({"error": {"type": kind, "message": message}}).encode()
        return _respond(send, status, body, "application/json", [])
    return _respond(send, status, message.encode(), "text/plain; charset=utf-8", [])


def redirect(send: Send, location: str, cookies: list[str]) -> Awaitable[None]:
    extra = [(b"location", location.encode()), *((b"set-cookie", c.encode()) for c in cookies)]
    return _respond(send, 303, b"", "text/plain; charset=utf-8", extra)


def login_page(send: Send, path: str, *, bad_token: bool) -> Awaitable[None]:
    """A small page that asks for the token (no script: the form adds `?token=`)."""
    note = (
        '<p class="bad">That token is not this server\'s.</p>'
        if bad_token
        else "<p>This Sluicegate server needs its token.</p>"
    )
    body = _LOGIN.format(action=html.escape(path, quote=True), note=note).encode()
    return _respond(send, 401, body, "text/html; charset=utf-8", [])


async def deny_websocket(
    scope: MutableMapping[str, Any], send: Send, status: int, msg: str
) -> None:
    """Refuse a handshake with an HTTP status where the server can send one, else close."""
    if "websocket.http.response" in scope.get("extensions", {}):
        kind = "Unauthorized" if status == 401 else "Forbidden"
        body = jsonlib.dumps({"error": {"type": kind, "message": msg}}).encode()
        headers = [(b"content-type", b"application/json"), *SECURITY_HEADERS]
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": msg[:120]})


_LOGIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Token required · Sluicegate</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center;
  min-height: 100vh; background: #f5f6f8; color: #1d2430; }}
main {{ background: #fff; padding: 28px 32px; border-radius: 8px; max-width: 440px;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 20px; margin: 0 0 8px; }}
input {{ width: 100%; box-sizing: border-box; padding: 8px; font: inherit; margin: 8px 0 12px; }}
button {{ padding: 7px 16px; font: inherit; }}
.bad {{ color: #b3261e; }}
code {{ background: #eef0f3; padding: 1px 4px; border-radius: 3px; }}
</style></head>
<body><main>
<h1>Sluicegate</h1>
{note}
<p>Open the address that <code>sluicegate serve</code> printed (it ends in
<code>?token=…</code>), or paste the token here.</p>
<form method="get" action="{action}">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" autofocus required>
<button type="submit">Log in</button>
</form>
</main></body></html>
"""
