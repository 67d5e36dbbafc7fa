"""What an import reads from: a local folder, manifest or archive, never a URL typed as one."""

from __future__ import annotations

import re
from pathlib import Path

from datamill.core.errors import InvalidInput
from datamill.production._import_rows import printable

__all__ = ["local_source"]

#: ``scheme://``: a URL, which ``Path`` would read as a relative path (``s3:/bucket/key``)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def local_source(given: str) -> Path:
    """The local folder, manifest or archive ``given`` names; a URL is refused naming it as
    given (a ``Path`` of ``s3://bucket/m.jsonl`` reads ``s3:/bucket/m.jsonl`` and is then
    reported missing): a manifest's rows may name objects at URLs (``in_place``,
    ``url_roots``), the manifest itself is read here."""
    if _URL.match(given):
        raise InvalidInput(f"{printable(given, 300)} is a URL: an import reads a local folder, "
                           ".csv/.jsonl manifest or .zip archive; a manifest's rows may name "
                           "objects at such URLs with --in-place and --url-root",
                           field="path", source=printable(given, 300), reason_code="source_is_url")
    return Path(given)
