"""What the server lets in: the token, the hosts and origins it answers, the body limit.

Jupyter Server is the model: a random token by default, Host and Origin checked against
loopback names plus what the person running the server allows.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
TOKEN_ENV = "SLUICEGATE_TOKEN"


def generate_token() -> str:
    """48 hex digits of randomness, as Jupyter Server's default token."""
    return secrets.token_hex(24)


def is_loopback(host: str) -> bool:
    """`localhost`, `127.x.x.x` or `::1` (brackets allowed)."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name part of a Host header: `[::1]:8765` → `::1`, `a.example:80` → `a.example`."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


@dataclass(frozen=True)
class SecurityOptions:
    """The server's access rules. `token=None` means no token (loopback only, see the CLI)."""

    token: str | None
    bind_host: str = "127.0.0.1"
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    allow_origins: frozenset[str] = field(default_factory=frozenset)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    def host_allowed(self, host_header: str) -> bool:
        name = host_name(host_header)
        if not name:
            return False
        if name in LOOPBACK_NAMES or name in self.allow_hosts or "*" in self.allow_hosts:
            return True
        bind = self.bind_host.strip("[]").lower()
        return name == bind and bind not in ("0.0.0.0", "::")

    def token_matches(self, candidate: str) -> bool:
        return self.token is not None and hmac.compare_digest(
            candidate.encode("utf-8", "surrogateescape"), self.token.encode()
        )

    def session_value(self) -> str:
        """The session cookie's value: derived from the token, so a new token logs
        everybody out, and the token itself never sits in a cookie."""
        assert self.token is not None
        return hmac.new(self.token.encode(), b"sluicegate-session-v1", hashlib.sha256).hexdigest()

    def token_matches_session(self, cookie: str) -> bool:
        return self.token is not None and hmac.compare_digest(
            cookie.encode("utf-8", "surrogateescape"), self.session_value().encode()
        )
