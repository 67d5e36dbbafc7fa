"""The import root (``DATAMILL_IMPORT_ROOT``) as a remote client sees it: a path it names is
taken relative to the root and kept inside it, and what an import reports back names its files
as the client named them, never the server's folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from datamill.core.errors import DatamillError, InvalidInput
from datamill.production._import_rows import MAX_PATH_CHARS
from datamill.production.import_paths import local_source
from datamill.production.schemas import ImportReport

__all__ = ["hide_import_root", "relative_to_root", "report_relative_to_root",
           "resolve_import_path"]


def resolve_import_path(root: Path, given: str) -> Path:
    """A path named by a remote client, taken relative to the import root and kept inside it.

    Raises:
        InvalidInput: (field ``path``) it is empty, too long, has NUL, or resolves outside
            ``root`` (``..``, an absolute path elsewhere, a symbolic link out).
    """
    if not given or len(given) > MAX_PATH_CHARS or "\x00" in given:
        raise InvalidInput(
            f"the import path must be 1 to {MAX_PATH_CHARS} characters without NUL", field="path"
        )
    base = Path(os.path.realpath(root))
    candidate = local_source(given)
    candidate = candidate if candidate.is_absolute() else base / candidate
    if not Path(os.path.realpath(candidate)).is_relative_to(base):
        raise InvalidInput(
            "imports must come from inside the import root (DATAMILL_IMPORT_ROOT); give a path"
            " relative to it",
            field="path",
        )
    return candidate


def relative_to_root(text: str, root: Path) -> str:
    """``text`` with the import folder ``root`` left out: paths as the client named them, the
    folder itself as "the import folder" (the server's own folders are none of its business)."""
    out = text
    for base in dict.fromkeys((os.fspath(root), os.path.realpath(root))):
        out = out.replace(f"{base}{os.sep}", "").replace(base, "the import folder")
    return out


def report_relative_to_root(report: ImportReport, root: Path) -> ImportReport:
    """``report`` naming its source, rejected rows and skipped files as the client named them
    (relative to the import folder ``root``), never the server's folders."""
    return report.model_copy(update={
        "source": relative_to_root(report.source, root),
        "rejections": [{k: relative_to_root(v, root) for k, v in r.items()}
                       for r in report.rejections],
        "skipped": [{k: relative_to_root(v, root) for k, v in r.items()}
                    for r in report.skipped],
    })


def _hidden(value: Any, root: Path) -> Any:
    """``value`` with the import folder left out of every text in it, nested lists and
    objects included (a labelled source's refusal lists its problems, each naming its file)."""
    if isinstance(value, str):
        return relative_to_root(value, root)
    if isinstance(value, dict):
        return {k: _hidden(v, root) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_hidden(v, root) for v in value]
    return value


def hide_import_root(err: DatamillError, root: Path) -> None:
    """Leave the import folder out of ``err``'s message and details, however deeply a detail
    holds a path (see above)."""
    err.message = relative_to_root(err.message, root)
    err.args = (err.message,)
    err.details = {k: _hidden(v, root) for k, v in err.details.items()}
