"""Settings as data: one table drives needle.toml, environment overrides, help and docs.

Precedence, lowest first: the default, ``needle.toml`` (table ``[needle]``), the environment
variable ``NEEDLE_<NAME>`` (upper case), and explicit overrides (``--setting name=value``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from needle.errors import UserError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("store_url", "", "SQLAlchemy URL of the store; empty means .needle/needle.db."),
    Setting("threads", 0, "Threads the analytics engine may use; 0 means all cores."),
    Setting("memory_limit", "2GB", "Memory DuckDB may hold for a query before it spills to disk "
            "(DuckDB's syntax); the process peaks a few hundred MB above it."),
    Setting("author", "", "Name recorded on artifacts and audit entries; empty means $USER."),
    Setting("name", "", "Your full name, as the portfolio, resume and conversation plan are "
            "titled; empty leaves them untitled (never the login name)."),
    Setting("timezone", "UTC", "Time zone used when a timestamp in an import has none."),
    Setting("engine", "duckdb", "Analytics engine that runs queries: duckdb (embedded) or "
            "spark (Apache Spark; see docs/spark.md).", choices=("duckdb", "spark")),
    Setting("spark_master", "local[2]", "Spark master URL for engine = spark: local[N], "
            "spark://host:7077, yarn, k8s://..., or sc://host:15002 (Spark Connect)."),
    Setting("lake_path", "", "Lake the spark engine reads (a folder, hdfs:// or s3a:// path "
            "holding a lake and its manifest); empty means this workspace's own lake."),
    Setting("anomaly_threshold", 0.9987, "Anomaly score (0 to 1) at which a metric's point "
            "alerts; 0.9987 is about three standard deviations of surprise."),
    Setting("alert_minutes", 60, "How often the server checks the alert rules (minutes); "
            "0 leaves them to reviews."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
# A name holding one of these words (a setting, a URL's query parameter) holds a secret.
SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token", "key", "credential")
REDACTED = "***"
# The password of ``scheme://user:password@host``: everything up to the last ``@`` of the address.
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][\w+.-]*://[^:/?#@\s]*:)\S*(?=@)")
_URL_SECRET_PARAMETER = re.compile(
    rf"([?&;][^=&#\s]*(?:{'|'.join(SECRET_WORDS)})[^=&#\s]*=)[^&#\s]*", re.IGNORECASE)


def redact_urls(text: str) -> str:
    """``text`` with the password of every URL in it, and any secret query parameter, as
    ``***`` (``postgresql://ada:***@db/needle``)."""
    return _URL_SECRET_PARAMETER.sub(rf"\1{REDACTED}", _URL_PASSWORD.sub(rf"\1{REDACTED}", text))


def redacted(name: str, value: Any) -> Any:
    """A setting's value fit to show: ``***`` for a secret one, URLs without their passwords.

    Every face shows settings through this (``needle settings``, error messages)."""
    if not isinstance(value, str) or not value:
        return value
    if any(word in name.lower() for word in SECRET_WORDS):
        return REDACTED
    return redact_urls(value)


def _coerce(setting: Setting, value: Any, source: str) -> Any:
    kind = type(setting.default)
    try:
        value = value if isinstance(value, kind) else kind(value)
    except (TypeError, ValueError):
        raise UserError(
            f"{source}: setting {setting.name!r} must be a {kind.__name__}, "
            f"got {redacted(setting.name, value)!r}",
            field=setting.name, value=redacted(setting.name, value), hint="settings",
        ) from None
    if setting.choices and value not in setting.choices:
        raise UserError(
            f"{source}: setting {setting.name!r} must be one of {', '.join(setting.choices)}, "
            f"got {redacted(setting.name, value)!r}", field=setting.name,
            value=redacted(setting.name, value), hint="settings",
        )
    return value


def load_settings(
    toml_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Resolve every setting from defaults < needle.toml < environment < overrides."""
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    layers: list[tuple[str, Mapping[str, Any]]] = []
    if toml_path is not None and toml_path.exists():
        try:
            table = tomllib.loads(toml_path.read_text(encoding="utf-8")).get("needle", {})
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{toml_path}: not valid TOML: {exc}") from None
        layers.append((str(toml_path), table))
    env = {s.name: environ[f"NEEDLE_{s.name.upper()}"] for s in SETTINGS
           if f"NEEDLE_{s.name.upper()}" in environ}
    layers.append(("environment", env))
    layers.append(("override", overrides or {}))
    for source, layer in layers:
        for name, value in layer.items():
            if name not in _BY_NAME:
                raise UserError(f"{source}: unknown setting {name!r}; known: {', '.join(_BY_NAME)}",
                                field=name, hint="settings")
            values[name] = _coerce(_BY_NAME[name], value, source)
    return values


def settings_reference() -> str:
    """docs/settings.md, generated from SETTINGS (``make docs``)."""
    lines = [
        "# Settings",
        "",
        "Generated from `needle.config.SETTINGS`; do not edit by hand. Each setting is read,",
        "lowest precedence first, from its default, the `[needle]` table of `needle.toml`,",
        "the environment variable `NEEDLE_<NAME>`, and `needle --setting name=value`.",
        "",
        "| setting | environment | default | meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        lines.append(f"| `{s.name}` | `NEEDLE_{s.name.upper()}` | `{s.default!r}` | {s.help} |")
    return "\n".join(lines) + "\n"
