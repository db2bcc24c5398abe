"""Needle: a local-first workbench for product engineers."""

from needle.errors import InputError, InternalError, NeedleError, UserError
from needle.workspace import Workspace

__all__ = [
    "InputError",
    "InternalError",
    "NeedleError",
    "UserError",
    "Workspace",
]
