"""One manifest row validated (:class:`ManifestRow`): the limits of its path, id and metadata,
the aliases the installed modalities give its columns, and the text checks every value an
import reads goes through (:func:`printable`, :func:`id_problem`). Re-exported by
:mod:`datamill.production._import_rows`, which turns rows into :class:`SourceRow` s."""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from datamill.core.storable import digits
from datamill.production._import_row_reason import row_error

__all__ = ["MAX_PATH_CHARS", "NO_FILE", "ManifestRow", "id_problem", "no_file_message",
           "printable"]

MAX_PATH_CHARS = 1024
MAX_ID_CHARS = 200  # items.external_id
MAX_PROMPT_CHARS = 65_536
MAX_PROMPT_BYTES = 4 * MAX_PROMPT_CHARS
MAX_LINE_BYTES = 1024 * 1024
MAX_AGE = 150
#: a manifest row naming no file (the modality may say what such rows mean to it: ``no_file_hint``)
NO_FILE = "row has no 'path' (or 'audio', 'image') column"
APPLE_DOUBLE = "macOS Finder metadata (an AppleDouble '._' file), not a file's content"


def no_file_message(modality: str) -> str:
    """:data:`NO_FILE` in the words of ``modality``: the columns its rows name a file by, as
    its plugin declares them (trial: a text project's import spoke of 'audio' and 'image'
    columns)."""
    from datamill.modalities.registry import manifest_file_columns

    others = ", ".join(repr(c) for c in (*manifest_file_columns(modality), "file"))
    return f"row has no 'path' (or {others}) column"


@functools.cache
def _aliases() -> dict[str, tuple[str, ...]]:
    """The row keys each field may come from, in the order they are read: the file's ``path``,
    then every installed modality's manifest file columns (read whatever the project's
    modality; asked of the plugins on first use, nothing at import), then ``file``; each
    field's own name, then the installed modalities' other names for it (speech: Common
    Voice's ``sentence`` for ``prompt``)."""
    from datamill.modalities.registry import manifest_field_aliases, manifest_file_columns

    out = {"path": ("path", *manifest_file_columns(), "file"), "id": ("id",),
           "accent": ("accent",), "prompt": ("prompt", "text")}
    for target, names in manifest_field_aliases().items():
        out[target] = tuple(dict.fromkeys((*out.get(target, (target,)), *names)))
    return out


_META_KEYS = ("speaker_id", "gender", "age", "accent", "device", "environment", "scene",
              "session_id", "sensor", "sequence", "frame", "pose")
#: the length limit of each text field of a row (the database's column lengths)
_LIMITS = {
    "id": MAX_ID_CHARS, "speaker_id": 100, "gender": 16, "accent": 100, "device": 100,
    "environment": 100, "scene": 100, "session_id": 100, "prompt": MAX_PROMPT_CHARS,
    "sensor": 100, "sequence": 200, "frame": 20, "pose": 1000,
}
_SENSITIVITY = ("public", "internal", "confidential", "secret")
#: characters no file name, id or metadata value may hold: control characters (a newline splits
#: a CSV line or log line, an ESC drives the terminal that lists the items) and the invisible
#: bidirectional marks that make a name read differently from what it is ("x\u202egnp.exe")
_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _hidden(value: str) -> re.Match[str] | None:
    """The first :data:`_HIDDEN` character of ``value`` (``isprintable`` first: it is false for
    every one of them, and true, at C speed, for almost every value an import sees)."""
    return None if value.isprintable() else _HIDDEN.search(value)


def id_problem(external_id: str) -> str | None:
    """Why ``external_id`` (taken from a file name or a label file) cannot name an item, or
    ``None``: the rules a manifest's ``id`` follows (:class:`ManifestRow`)."""
    if not external_id:
        return "the item id is empty"
    try:
        _text(external_id, MAX_ID_CHARS)
    except PydanticCustomError as err:
        return f"the item id {_shown(external_id)} {err.message()}"
    return None


def printable(text: str, limit: int = 2000) -> str:
    """``text`` safe to store and print: undecodable bytes as ``\\xNN``, control characters and
    bidirectional marks as ``\\xNN``/``\\uNNNN`` (:data:`_HIDDEN`), bounded."""
    safe = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    safe = _HIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), safe)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def _shown(value: Any) -> str:
    return printable(repr(value), 60)


_error = row_error


def _text(value: Any, limit: int, *, lines: bool = False) -> str | None:
    """One scalar metadata value as text; objects, lists, NUL and non-finite numbers refused,
    and (unless ``lines``: a prompt's text) control characters and bidirectional marks."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _error("must be text or a number, not true/false", "row_bool")
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _error("must be a finite number", "row_not_finite")
        value = str(value)
    elif isinstance(value, dict):
        raise _error("must be a single value (text or a number), not an object", "row_object")
    elif isinstance(value, list):
        raise _error("must be a single value (text or a number), not a list", "row_list")
    elif not isinstance(value, str):
        raise _error("must be text or a number", "row_not_text")
    if "\x00" in value:
        raise _error("contains a NUL character", "row_nul")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise _error("is not valid Unicode (lone surrogate)", "row_surrogate") from err
    hidden = None if lines else _hidden(value)
    if hidden is not None:
        char = f"U+{ord(hidden.group()):04X}"
        raise _error(f"contains the control character {char} (line breaks, escapes and direction"
                     " marks are not allowed in names)", "row_control", char=char)
    if len(value) > limit:
        raise _error(f"is longer than {limit} characters ({len(value)})", "row_long",
                     limit=limit, length=len(value))
    return value or None


def _bounded(limit: int, *, lines: bool = False) -> BeforeValidator:
    return BeforeValidator(lambda v: _text(v, limit, lines=lines))


def _age(value: Any) -> int | None:
    if value is None or value == "":
        return None
    whole: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        whole = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        whole = int(value)
    elif isinstance(value, str) and digits(value.strip()) and len(value.strip()) <= 4:  # noqa: PLR2004
        whole = int(value.strip())
    if whole is None or not 0 <= whole <= MAX_AGE:
        raise _error(f"{_shown(value)} is not a whole number from 0 to {MAX_AGE}", "row_age",
                     value=_shown(value), most=MAX_AGE)
    return whole


def _pose_text(value: Any) -> str | None:
    """A pose as text: a JSON list or object (a JSONL manifest's) written as JSON."""
    if isinstance(value, list | dict):
        value = json.dumps(value)
    return _text(value, _LIMITS["pose"])


def _rel_path(value: Any) -> str:
    if not isinstance(value, str):
        raise _error("must be text (a path relative to the manifest's folder)", "row_path_text")
    text = _text(value, MAX_PATH_CHARS)
    if text is None:
        raise _error("is empty", "row_empty")
    if Path(text).name in ("", ".", ".."):
        raise _error(f"{_shown(text)} does not name a file", "row_not_file", value=_shown(text))
    return text


def _blank_none(value: Any) -> Any:
    return None if value == "" else value


class ManifestRow(BaseModel):
    """One manifest row (or folder entry) after validation; unknown columns are ignored.

    ``path`` is relative to the manifest's folder, at most 1024 characters, without NUL and not
    ``.`` or ``..``; metadata values are single values (text or finite numbers) within the
    database's column lengths; ``age`` is a whole number from 0 to 150.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    path: Annotated[str, BeforeValidator(_rel_path)]
    id: Annotated[str | None, _bounded(_LIMITS["id"])] = None
    speaker_id: Annotated[str | None, _bounded(_LIMITS["speaker_id"])] = None
    gender: Annotated[str | None, _bounded(_LIMITS["gender"])] = None
    age: Annotated[int | None, BeforeValidator(_age)] = None
    accent: Annotated[str | None, _bounded(_LIMITS["accent"])] = None
    device: Annotated[str | None, _bounded(_LIMITS["device"])] = None
    environment: Annotated[str | None, _bounded(_LIMITS["environment"])] = None
    #: what the picture shows (a collection brief's scene: street, office ...)
    scene: Annotated[str | None, _bounded(_LIMITS["scene"])] = None
    #: the recording session (TTS compares each item's level with its session's)
    session_id: Annotated[str | None, _bounded(_LIMITS["session_id"])] = None
    #: the capturing sensor, and the recorded sequence (a drive, a video) and the frame's place
    #: in it, for data captured in sequences (point clouds, video frames); the modality reads them
    sensor: Annotated[str | None, _bounded(_LIMITS["sensor"])] = None
    sequence: Annotated[str | None, _bounded(_LIMITS["sequence"])] = None
    frame: Annotated[str | None, _bounded(_LIMITS["frame"])] = None
    #: the sensor's pose (numbers, JSON text, or a JSON list/object in a JSONL manifest, kept
    #: as text); the modality reads it (point clouds: ``modalities.pointcloud.pose``)
    pose: Annotated[str | None, BeforeValidator(_pose_text)] = None
    prompt: Annotated[str | None, _bounded(_LIMITS["prompt"], lines=True)] = None
    #: the item's sensitivity level, when above its project's (compliance.item_sensitivity)
    sensitivity: Annotated[Literal["public", "internal", "confidential", "secret"] | None,
                           BeforeValidator(_blank_none)] = None

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data: Any) -> Any:
        """The installed modalities' manifest file columns and field aliases (speech:
        ``utterance_id``, ``region``, ``transcript``, ``sentence``) and ``text`` are aliases."""
        if not isinstance(data, dict):
            raise _error("must be an object")
        aliases = _aliases()
        picked = {k: v for k, v in data.items() if isinstance(k, str) and k not in aliases}
        for target, names in aliases.items():
            for name in names:
                if data.get(name) not in (None, ""):
                    picked[target] = data[name]
                    break
        if "path" not in picked:
            raise _error(NO_FILE)
        return picked

    @model_validator(mode="after")
    def _id_fits(self) -> ManifestRow:
        if self.id is None and len(self.path) > MAX_ID_CHARS and len(self.external_id) > MAX_ID_CHARS:
            raise _error(
                f"the item id taken from the path is longer than {MAX_ID_CHARS} characters;"
                " give the row a shorter 'id'"
            )
        return self

    @property
    def external_id(self) -> str:
        """``id``, or the path without its suffix."""
        return self.id or Path(self.path).with_suffix("").as_posix()

    def meta(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _META_KEYS if getattr(self, k) is not None}
