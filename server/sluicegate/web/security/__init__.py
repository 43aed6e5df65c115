"""Who may reach the server: token, Host and Origin checks, XSRF, body limit, headers."""

from sluicegate.web.security.middleware import SecurityMiddleware, session_cookie_name
from sluicegate.web.security.options import (
    DEFAULT_MAX_BODY_BYTES,
    TOKEN_ENV,
    SecurityOptions,
    generate_token,
    is_loopback,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "TOKEN_ENV",
    "SecurityMiddleware",
    "SecurityOptions",
    "generate_token",
    "is_loopback",
    "session_cookie_name",
]
