"""Who may use the web app: anyone on a loopback address; elsewhere, holders of the login token.

The login token is a secret of the workspace (``.needle/login-token``), separate from the public
project token that capture uses. Forms carry a CSRF token equal to a cookie the browser cannot
be made to send from another site (double submit, ``SameSite=Strict``).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from pathlib import Path

LOGIN_COOKIE = "needle_login"
CSRF_COOKIE = "needle_csrf"
CSRF_FIELD = "csrf"
TOKEN_FILE = "login-token"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def login_token(state_dir: Path, renew: bool = False) -> str:
    """The workspace's login token, made (readable by its owner only) when missing or renewed."""
    path = state_dir / TOKEN_FILE
    if path.exists() and not renew:
        return path.read_text(encoding="utf-8").strip()
    token = secrets.token_urlsafe(32)
    tmp = path.with_name(f"{TOKEN_FILE}.{os.getpid()}.tmp")
    tmp.write_text(token + "\n", encoding="utf-8")
    tmp.chmod(0o600)
    os.replace(tmp, path)
    return token


def same(given: str | None, expected: str | None) -> bool:
    """Constant-time equality of two secrets (a missing one matches nothing)."""
    # as bytes: compare_digest refuses str with non-ASCII characters, which anyone can send
    return bool(given) and bool(expected) and hmac.compare_digest(
        str(given).encode("utf-8", "surrogateescape"),
        str(expected).encode("utf-8", "surrogateescape"))


def new_csrf() -> str:
    return secrets.token_urlsafe(24)
