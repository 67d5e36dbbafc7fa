"""The root error and the codes every face maps to exit codes or HTTP statuses."""

from __future__ import annotations

from typing import Any

__all__ = [
    "Conflict",
    "DatamillError",
    "Forbidden",
    "InvalidInput",
    "MissingDependency",
    "NotFound",
    "Unauthorized",
]


class DatamillError(Exception):
    """Root of every error datamill raises on purpose.

    ``code`` is stable (clients may switch on it); ``status`` is the HTTP status the API uses;
    ``details`` carries structured fields (item id, field path ...).
    """

    code: str = "datamill_error"
    status: int = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class InvalidInput(DatamillError, ValueError):
    """Input that can never be accepted as given (bad spec, bad file, bad segment)."""

    code = "invalid_input"
    status = 422


class NotFound(DatamillError, LookupError):
    """A referenced object does not exist (or is invisible to the caller)."""

    code = "not_found"
    status = 404


class Conflict(DatamillError):
    """The request collides with the current state (stale version, task taken, wrong state)."""

    code = "conflict"
    status = 409


class Unauthorized(DatamillError):
    """No valid credentials."""

    code = "unauthorized"
    status = 401


class Forbidden(DatamillError, PermissionError):
    """Valid credentials, but the role or membership does not allow the action."""

    code = "forbidden"
    status = 403


class MissingDependency(DatamillError, ImportError):
    """An optional package a feature needs is not installed: not the caller's input's fault.
    ``details`` names the ``package`` and how to ``install`` it."""

    code = "missing_dependency"
    status = 501
