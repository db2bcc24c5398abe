"""The project token: the public key a product's SDKs send with every event.

Like PostHog's ``phc_`` project API key it is not a secret (it ships inside web pages); it only
says which workspace the events are for. It lives in ``.needle/project-token``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TOKEN_FILE = "project-token"
PREFIX = "phc_"


def project_token(state_dir: Path) -> str:
    """The workspace's project token, made when missing."""
    path = state_dir / TOKEN_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    token = PREFIX + secrets.token_urlsafe(32).replace("-", "").replace("_", "")[:40]
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{TOKEN_FILE}.{os.getpid()}.tmp")
    tmp.write_text(token + "\n", encoding="utf-8")
    try:
        os.link(tmp, path)  # the first process to make one wins; the others read it
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="utf-8").strip()
