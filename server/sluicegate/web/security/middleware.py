"""The one gate every request passes (pure ASGI, so it covers HTTP and the websocket alike).

In order: the Host must be one the server answers (DNS rebinding); the body must fit the
limit; the request must carry the token (header, `?token=` or the session cookie);
cookie-authenticated unsafe requests must repeat the `_xsrf` cookie in a header (double
submit) and come from this origin; the websocket handshake must come from this origin.
Every HTTP response gets the security headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import HTTPConnection

from sluicegate.web.security import responses
from sluicegate.web.security.options import SecurityOptions, host_name

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
XSRF_COOKIE = "_xsrf"
XSRF_HEADER = "x-xsrftoken"
# Paths anyone may read: the built bundle and the icon carry no workspace data.
PUBLIC_PREFIXES = ("/static/", "/favicon.ico")
# Paths answered with JSON errors; every other path is a page (HTML login on 401).
API_PREFIXES = ("/api/", "/metrics", "/openapi.json", "/ws")


def session_cookie_name(host_header: str) -> str:
    """Cookies do not tell ports apart, so the session cookie names the port (as Jupyter's
    does): two servers on one machine never log each other out."""
    port = host_header.rsplit(":", 1)[1] if host_header.count(":") == 1 else ""
    port = port if port.isdigit() else ""
    return f"sluicegate-session-{port}" if port else "sluicegate-session"


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, options: SecurityOptions) -> None:
        self.app = app
        self.options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    # -- HTTP -------------------------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        conn = HTTPConnection(scope)
        path: str = scope["path"]
        is_api = path.startswith(API_PREFIXES)
        send = responses.with_security_headers(send)

        problem = self._host_problem(conn)
        if problem:
            await responses.error(send, 403, "ForbiddenHost", problem, json=is_api)
            return
        declared = conn.headers.get("content-length", "")
        limit = self.options.max_body_bytes
        if declared.isdigit() and int(declared) > limit:
            await responses.error(send, 413, "PayloadTooLarge", _too_large(limit), json=True)
            return

        if not path.startswith(PUBLIC_PREFIXES):
            how = self._authenticated_by(conn)
            if how is None:
                if is_api:
                    await responses.error(send, 401, "Unauthorized", _NO_TOKEN, json=True)
                else:
                    await responses.login_page(send, path, bad_token="token" in conn.query_params)
                return
            if how == "query" and not is_api and scope["method"] in ("GET", "HEAD"):
                await self._log_in(conn, send)
                return
            if scope["method"] not in SAFE_METHODS:
                problem = self._unsafe_request_problem(conn, how)
                if problem:
                    await responses.error(send, 403, "Forbidden", problem, json=True)
                    return
            if XSRF_COOKIE not in conn.cookies:
                send = responses.with_cookie(send, responses.xsrf_cookie())

        if scope["method"] not in ("GET", "HEAD"):
            body = await _read_body(receive, limit)
            if body is None:
                await responses.error(send, 413, "PayloadTooLarge", _too_large(limit), json=True)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    def _log_in(self, conn: HTTPConnection, send: Send) -> Awaitable[None]:
        """`?token=` on a page: set the session cookie, then show the clean address."""
        query = [(k, v) for k, v in conn.query_params.multi_items() if k != "token"]
        target = conn.url.path + (f"?{urlencode(query)}" if query else "")
        cookies = [
            responses.session_cookie(
                session_cookie_name(conn.headers.get("host", "")), self.options.session_value()
            )
        ]
        if XSRF_COOKIE not in conn.cookies:
            cookies.append(responses.xsrf_cookie())
        return responses.redirect(send, target, cookies)

    # -- websocket --------------------------------------------------------------------------

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        conn = HTTPConnection(scope)
        problem = self._host_problem(conn)
        status = 403
        if not problem and not self._same_origin(conn, conn.headers.get("origin")):
            problem = (
                f"websocket from origin {conn.headers.get('origin')!r} refused: only pages of "
                "this server may connect; start the server with --allow-origin ORIGIN to "
                "allow another"
            )
        if not problem and self._authenticated_by(conn) is None:
            status, problem = 401, _NO_TOKEN
        if problem:
            await responses.deny_websocket(scope, send, status, problem)
            return
        await self.app(scope, receive, send)

    # -- rules ------------------------------------------------------------------------------

    def _host_problem(self, conn: HTTPConnection) -> str:
        host = conn.headers.get("host", "")
        if self.options.host_allowed(host):
            return ""
        return (
            f"Host {host_name(host) or '(none)'!r} is not allowed: this server answers "
            "localhost, 127.0.0.1, [::1] and its --host; start it with --allow-host NAME "
            "to answer another name"
        )

    def _authenticated_by(self, conn: HTTPConnection) -> str | None:
        """'header', 'query', 'cookie' or 'none' (no token configured); None: not at all."""
        if self.options.token is None:
            return "none"
        scheme, _, value = conn.headers.get("authorization", "").partition(" ")
        if scheme.lower() in ("token", "bearer") and self.options.token_matches(value.strip()):
            return "header"
        if self.options.token_matches(conn.query_params.get("token", "")):
            return "query"
        cookie = conn.cookies.get(session_cookie_name(conn.headers.get("host", "")), "")
        if cookie and self.options.token_matches_session(cookie):
            return "cookie"
        return None

    def _unsafe_request_problem(self, conn: HTTPConnection, how: str) -> str:
        """A POST/PUT/PATCH/DELETE from a browser must come from this origin and repeat the
        `_xsrf` cookie in the X-XSRFToken header; a request with the token in its
        Authorization header (a script) needs neither."""
        if how == "header":
            return ""
        origin = conn.headers.get("origin")
        if not self._same_origin(conn, origin):
            return (
                f"request from origin {origin!r} refused: only pages of this server may "
                "change the workspace; start the server with --allow-origin ORIGIN to allow another"
            )
        if how == "none" and origin is None and not conn.cookies:
            return ""  # --no-token and not a browser (no Origin, no cookies): a local script
        cookie = conn.cookies.get(XSRF_COOKIE, "")
        header = conn.headers.get(XSRF_HEADER, "")
        if not cookie or cookie != header:
            return (
                "XSRF check failed: a browser request that changes something must send the "
                "`_xsrf` cookie's value in the X-XSRFToken header (reload the page); scripts "
                "send `Authorization: token TOKEN` instead"
            )
        return ""

    def _same_origin(self, conn: HTTPConnection, origin: str | None) -> bool:
        if origin is None:
            return True
        if origin in self.options.allow_origins or "*" in self.options.allow_origins:
            return True
        parts = urlsplit(origin)
        host = conn.headers.get("host", "").lower()
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host and bool(host)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it passes `limit` bytes (whatever Content-Length said).
    Read here, before the app, so that nothing is parsed or written for an oversize body."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` that first hands the app the body read already, then waits as before."""
    sent = False

    async def wrapped() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return wrapped


def _too_large(limit: int) -> str:
    return (
        f"the request body is larger than the server's limit of {limit} bytes; nothing was "
        "written (start the server with --max-body-bytes N to raise it)"
    )


_NO_TOKEN = (
    "authentication required: send the server's token in an `Authorization: token TOKEN` "
    "header, or open the address `sluicegate serve` printed (it ends in ?token=...)"
)
