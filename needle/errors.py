"""The one exception tree of Needle.

    NeedleError
    ├── UserError       bad input, missing workspace, unknown name: the message says what to do
    │   ├── InputError  a bad row in a file: names the file, the line or row, the field and why
    │   └── NoWorkspace no workspace where one was looked for
    └── InternalError   a bug or a broken invariant inside Needle

Library code raises these, in domain words: a message never names a command-line flag or a
command. A ``UserError`` may carry structured fields (``field``: the option or field at fault,
``value``: what was given, ``hint``: a machine-readable suggestion such as ``"init"`` or
``"import-events"``) that each face turns into its own words: the CLI names its flags and
commands, the web app its form fields. Only ``needle.cli`` and ``needle.web`` turn errors into
exit codes and HTTP statuses.
"""

from __future__ import annotations


class NeedleError(Exception):
    """Base of every error Needle raises on purpose."""


class UserError(NeedleError):
    """Something the user can fix; the message says how."""

    def __init__(self, message: str, *, field: str | None = None, value: object = None,
                 hint: str | None = None) -> None:
        self.field = field
        self.value = value
        self.hint = hint
        super().__init__(message)


class InputError(UserError):
    """A file the user gave holds a row Needle cannot read."""

    def __init__(self, file: str, location: str, reason: str, *, field: str | None = None,
                 value: object = None, hint: str | None = None) -> None:
        self.file = file
        self.location = location
        self.reason = reason
        super().__init__(f"{file}: {location}: {reason}", field=field, value=value, hint=hint)


class NoWorkspace(UserError):
    """No workspace at the path given, or at or above the current folder."""


class InternalError(NeedleError):
    """Needle broke one of its own invariants; please report it."""
