"""Errors of the collection domain."""

from __future__ import annotations

from datamill.core.errors import DatamillError

__all__ = ["UploadFailed"]


class UploadFailed(DatamillError):
    """A subject's upload failed on the server's side (the database or the blob store, not the
    recording itself); nothing of it was kept, so recording the prompt again is safe.

    ``details`` carries ``prompt_id``.
    """

    code = "upload_failed"
    status = 503
