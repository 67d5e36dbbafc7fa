"""The modality's description of one new file at import (its ``describe``), as a pure job a
worker process runs (:mod:`datamill.production._import_probe`): this module imports nothing
heavy, so a worker started for it pays for the modality's plugin alone."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from datamill.core.errors import DatamillError
from datamill.modalities._reason_words_import_h1 import IMPORT_H1_REFUSALS_EN

if TYPE_CHECKING:
    from datamill.modalities.base import ModalityPlugin

__all__ = ["IMPORT_DECODER_CRASHED", "crashed", "describe_job"]

#: a file whose probe broke the worker process twice (with its chunk, then alone)
IMPORT_DECODER_CRASHED = "import_decoder_crashed"
_PLUGINS: dict[type[Any], ModalityPlugin] = {}  # per worker process, as the registry caches
Job = tuple[type[Any], str, dict[str, Any], dict[str, Any]]


class _Refusal(str):
    """A rejection reason (English) with the refusal's ``code`` and values where the modality
    coded it (its ``reason_code`` and details), so each face words it in its reader's language."""

    coded: dict[str, str]


def _refusal(err: DatamillError) -> _Refusal:
    out, code = _Refusal(err.message), err.details.get("reason_code")
    out.coded = {} if not isinstance(code, str) else {"code": code, **{
        k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
        for k, v in err.details.items()
        if k not in {"reason_code", "source", "reason"} and not str(v).startswith("/")}}
    return out


def _describe(
    path: Path, plugin: ModalityPlugin, meta: dict[str, Any], requirements: dict[str, Any]
) -> dict[str, Any] | str:
    """The modality's attributes of a new file (full decode), or a rejection reason (a
    :class:`_Refusal` carrying the refusal's code and values where it has them)."""
    try:
        return plugin.describe(path, meta, requirements).model_dump(exclude_none=True)
    except DatamillError as err:
        return _refusal(err)


def describe_job(args: Job) -> dict[str, Any] | str:
    """Pure job (a worker process): (plugin class, file, metadata, requirements) → the
    modality's attributes of the file, or the refusal (:func:`_describe`)."""
    cls, path, meta, requirements = args
    plugin = _PLUGINS.get(cls)
    if plugin is None:
        plugin = _PLUGINS[cls] = cls()
    return _describe(Path(path), plugin, meta, requirements)


def crashed(_args: Job) -> dict[str, Any] | str:
    """:func:`describe_job`'s result for a file whose probe broke the worker process twice."""
    out = _Refusal(IMPORT_H1_REFUSALS_EN[IMPORT_DECODER_CRASHED].format(tries=2))
    out.coded = {"code": IMPORT_DECODER_CRASHED, "tries": "2"}
    return out
