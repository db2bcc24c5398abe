"""Why a capture request was refused, as classes the HTTP face maps to statuses.

    UserError
    └── CaptureRefused
        ├── BadPayload   the body cannot be read as events (400)
        ├── NoToken      no project token, or not this workspace's (401)
        └── TooLarge     over the size limits, before or after decompression (413)
"""

from __future__ import annotations

from needle.errors import UserError


class CaptureRefused(UserError):
    """A capture request the server will not store; the message says why."""


class BadPayload(CaptureRefused):
    """The request is not events in any encoding PostHog's SDKs send."""


class NoToken(CaptureRefused):
    """The request names no project token, or one this workspace does not have."""


class TooLarge(CaptureRefused):
    """The request, or what it decompresses to, is over the limit of its endpoint."""
