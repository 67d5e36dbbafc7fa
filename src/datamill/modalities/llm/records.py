"""The LLM item record, its canonical ``.json`` file, and the splitter imports go through.

An item is one record: a prompt or conversation (``system`` / ``user`` / ``assistant`` turns) and,
for preference and evaluation work, the candidate responses, each with a stable id. Sources are a
JSONL file (one record a line), a JSON file (one record or a list of them) or a folder of
``.json`` record files. Accepted input shapes (normalised to :class:`LlmRecord`)::

    {"id": "p1", "messages": [{"role": "user", "content": "..."}],
     "responses": [{"id": "a", "content": "..."}, {"id": "b", "content": "..."}]}
    {"id": "p2", "prompt": "...", "system": "...", "responses": ["...", "..."]}   # ids r1, r2
    {"id": "c3", "messages": [... a whole conversation ending with an assistant turn ...]}

``conversation`` is an alias of ``messages``; a record without ``id`` gets ``rec-`` plus the
first 12 hex digits of its content's sha256 (stable across re-imports).

**Why a canonical file per record.** The loop imports files: it hashes them into the blob
store, describes them and streams them to checks, workbenches and exporters. The splitter
(:func:`split_records`) therefore writes each record as ``<id>.json`` (sorted keys, UTF-8, one
line), so a record is a media file like an image: content-addressed, re-import idempotent, and
served to the workbench by the loop's media route unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from datamill.core.encodings import conversion_advice, open_utf8, recode_bom
from datamill.core.errors import InvalidInput
from datamill.core.jsontext import describe_json_error
from datamill.core.lookalike import fold

__all__ = [
    "MAX_ID_BYTES",
    "MAX_ID_CHARS",
    "MAX_RECORD_BYTES",
    "LlmItemAttributes",
    "LlmRecord",
    "RecordId",
    "Response",
    "Split",
    "Turn",
    "canonical_record",
    "compared_text",
    "describe_record",
    "id_ok",
    "parse_record",
    "read_record",
    "record_fingerprint",
    "split_records",
]

#: the longest record (and response) id in characters, and in bytes of UTF-8: ``<id>.json`` is
#: a file name, and the item's delivery key is its id as it is (at most 150 bytes:
#: ``production.delivery_keys.MAX_KEY_BYTES``; 50 Chinese characters)
MAX_ID_CHARS = 128
MAX_ID_BYTES = 150
_ID_PUNCT = frozenset("._-")
MAX_RECORD_BYTES = 8 * 1024 * 1024  # hard ceiling whatever the spec says
MAX_TURNS = 500
MAX_RESPONSES = 32
Role = Literal["system", "user", "assistant"]
_SPACE = re.compile(r"\s+")


def id_ok(value: str) -> bool:
    """Whether ``value`` can be a record or response id: a letter or digit of any script
    (``问题-001``, ``录音_001``), then letters, digits, ``.``, ``_`` or ``-``, within
    :data:`MAX_ID_CHARS` and :data:`MAX_ID_BYTES`: a file name on every system and its own
    delivery key, with no separator, space, control character or direction mark in it."""
    return (0 < len(value) <= MAX_ID_CHARS and value[0].isalnum()
            and all(c.isalnum() or c in _ID_PUNCT for c in value)
            and len(value.encode("utf-8", "surrogatepass")) <= MAX_ID_BYTES)


def _valid_id(value: str) -> str:
    if not id_ok(value):
        raise ValueError(f"{value[:60]!r} is not an id: a letter or digit, then up to"
                         f" {MAX_ID_CHARS - 1} letters, digits, '.', '_' or '-'"
                         f" (at most {MAX_ID_BYTES} bytes of UTF-8)")
    return value


#: a record's or a response's id (:func:`id_ok`)
RecordId = Annotated[str, AfterValidator(_valid_id)]


class Turn(BaseModel):
    """One turn of a conversation; ``reasoning`` is an assistant turn's chain of thought."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: str = Field(max_length=1_000_000)
    reasoning: str | None = Field(None, max_length=1_000_000)


class Response(BaseModel):
    """A candidate response with its stable id (unique within the record)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RecordId
    content: str = Field(max_length=1_000_000)
    model: str | None = Field(None, max_length=200)


class LlmRecord(BaseModel):
    """An item's record (schema version 1): conversation turns and candidate responses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["llm_record"] = "llm_record"
    schema_version: Literal[1] = 1
    id: RecordId
    messages: tuple[Turn, ...] = Field(min_length=1, max_length=MAX_TURNS)
    responses: tuple[Response, ...] = Field((), max_length=MAX_RESPONSES)
    meta: dict[str, str] = Field(default_factory=dict, max_length=50)

    @field_validator("responses")
    @classmethod
    def _unique_ids(cls, value: tuple[Response, ...]) -> tuple[Response, ...]:
        ids = [r.id for r in value]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"response ids must be unique; repeated: {', '.join(dup)}")
        return value

    def prompt_messages(self) -> list[dict[str, str]]:
        """The conversation as ``{"role", "content"}`` messages (chain of thought left out)."""
        return [{"role": t.role, "content": t.content} for t in self.messages]

    def response(self, response_id: str) -> Response:
        for r in self.responses:
            if r.id == response_id:
                return r
        raise InvalidInput(f"record {self.id} has no response {response_id!r}")


class LlmItemAttributes(BaseModel):
    """What the loop stores about an item: counts for lists, response ids for validators."""

    model_config = ConfigDict(extra="forbid")

    record_type: Literal["llm_record"] = "llm_record"
    turns: int = Field(ge=1)
    responses: int = Field(ge=0)
    response_ids: list[str] = Field(default_factory=list)
    characters: int = Field(ge=0)
    last_role: Role
    has_system: bool = False


def _messages(err: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" if e["loc"] else e["msg"]
        for e in err.errors(include_url=False)
    )


def _content_id(data: Mapping[str, Any]) -> str:
    body = json.dumps({k: data.get(k) for k in ("messages", "responses")}, sort_keys=True,
                      ensure_ascii=False)
    return "rec-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


#: a message's chain of thought under other names: ``thinking`` (our ``llm_messages``
#: delivery, the gpt-oss chat template, HF reasoning datasets), ``reasoning_content`` (the
#: DeepSeek API); a delivered file was refused line by line on re-import (h6)
_REASONING_KEYS = ("thinking", "reasoning_content")


def _turn(message: Any) -> Any:
    """A message with its chain of thought as ``reasoning`` (a null alias dropped)."""
    if not isinstance(message, dict) or not any(k in message for k in _REASONING_KEYS):
        return message
    turn = {k: v for k, v in message.items() if k not in _REASONING_KEYS}
    given = [message[k] for k in _REASONING_KEYS if message.get(k) is not None]
    if given and turn.get("reasoning") is None:
        turn["reasoning"] = given[0]
    return turn


def _normalise(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The record's input shape (aliases, bare strings) as :class:`LlmRecord` fields."""
    data = {k: v for k, v in raw.items() if k not in ("prompt", "system", "conversation")}
    messages = raw.get("messages", raw.get("conversation"))
    if messages is None and "prompt" in raw:
        messages = [{"role": "user", "content": raw["prompt"]}]
    if messages is None:
        raise InvalidInput("record needs 'messages' (or 'conversation' or 'prompt')")
    if isinstance(raw.get("system"), str) and isinstance(messages, list):
        messages = [{"role": "system", "content": raw["system"]}, *messages]
    if isinstance(messages, list):
        messages = [_turn(m) for m in messages]
    data["messages"] = messages
    responses = raw.get("responses", [])
    if isinstance(responses, list):
        data["responses"] = [{"id": f"r{i + 1}", "content": r} if isinstance(r, str) else r
                             for i, r in enumerate(responses)]
    if "id" not in data or data["id"] in (None, ""):
        data["id"] = _content_id(data)
    elif isinstance(data["id"], int) and not isinstance(data["id"], bool):
        data["id"] = str(data["id"])
    return data


def parse_record(raw: Any) -> LlmRecord:
    """A decoded JSON value as a record, or InvalidInput naming every problem."""
    if not isinstance(raw, dict):
        kind = "array" if isinstance(raw, list) else "string" if isinstance(raw, str) else \
            "number" if isinstance(raw, int | float) else "true/false/null"
        raise InvalidInput(f"a record is a JSON object, not {type(raw).__name__}",
                           reason_code="record_not_object", kind=kind)
    if raw.get("type", "llm_record") != "llm_record":
        raise InvalidInput(f"not an LLM record (type {str(raw.get('type'))[:40]!r})")
    data = _normalise(raw)
    given = data.get("id")
    if isinstance(given, str) and not id_ok(given):
        shown = repr(given[:60] + ("…" if len(given) > 60 else ""))  # noqa: PLR2004
        raise InvalidInput(f"the record id {shown} cannot name a file: give a letter or digit"
                           " (of any script: 问题-001), then up to 127 letters, digits, '.', '_'"
                           " or '-', at most 150 bytes of UTF-8 (50 Chinese characters; keep your"
                           " own id in meta, e.g. meta.source_id), or leave id out and one is"
                           " made from the content", reason_code="record_id_invalid", id=shown)
    try:
        return LlmRecord.model_validate(data)
    except ValidationError as err:
        said = _messages(err)
        raise InvalidInput(f"not a valid LLM record: {said}", reason_code="record_invalid",
                           detail=said) from err


def canonical_record(record: LlmRecord) -> bytes:
    """The record file's bytes: sorted keys, UTF-8, one line, a trailing newline."""
    body = record.model_dump(mode="json", exclude_none=True)
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def _lone_surrogate(value: Any, field: str = "") -> tuple[str, str, int] | None:
    """The first string in a decoded JSON value (keys included) holding a lone UTF-16
    surrogate, which no UTF-8 file can hold (a ``\\ud83d`` escape without its pair): its
    field (``messages[0].content``), the character as an escape and its index."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            return field or "(the record)", f"\\u{ord(value[err.start]):04x}", err.start
        return None
    pairs: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{field}.{key}" if field else str(key)
            if (bad := _lone_surrogate(key, f"{name} (the name)")) is not None:
                return bad
            pairs.append((name, item))
    elif isinstance(value, list):
        pairs = [(f"{field}[{i}]", item) for i, item in enumerate(value)]
    for name, item in pairs:
        if (bad := _lone_surrogate(item, name)) is not None:
            return bad
    return None


def _refuse_surrogate(value: Any, where: str) -> Any:
    """``value``, or InvalidInput naming the field and character of a broken escape (it was
    "messages.0.content: Input should be a valid string, unable to parse raw data as a unicode
    string", or for a record without an id a server error, trial h12)."""
    bad = _lone_surrogate(value)
    if bad is None:
        return value
    field, char, at = bad
    field = field.encode("utf-8", "backslashreplace").decode("utf-8")  # a broken key's name
    raise InvalidInput(f"{where}: the field {field} holds a broken escape: a lone UTF-16"
                       f" surrogate {char} at character {at}, which UTF-8 cannot hold; write"
                       " the whole character (an emoji takes a pair, e.g. \\ud83d\\ude00)"
                       " or remove it", reason_code="record_lone_surrogate", field=field,
                       char=char, at=at)


def _decode(data: bytes, where: str, *, bom_ok: bool = True, file: str = "",
            source: str = "") -> Any:
    """The JSON value in ``data``; a whole ``file`` (named so) may also be UTF-16/32 with a
    byte-order mark, and one that is not UTF-8 is refused naming its likely encoding. A broken
    escape is refused naming the ``source`` file (where ``where`` is its line), the field and
    the character."""
    if bom_ok and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark at the start is tolerated
    elif bom_ok:
        data = recode_bom(data)  # Windows "Unicode" text (UTF-16/32 with its mark)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        advice = f": {conversion_advice(data, file)}" if file else ""
        raise InvalidInput(f"{where}: not UTF-8 ({err.reason} at byte {err.start}){advice}"
                           ) from err
    if text.startswith("\ufeff"):
        raise InvalidInput(f"{where}: a byte-order mark is allowed only at the start of the"
                           " file; remove it")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        said = describe_json_error(err)
        raise InvalidInput(f"{where}: malformed JSON: {said}", reason_code="record_json",
                           detail=said) from err
    except (ValueError, RecursionError) as err:
        raise InvalidInput(f"{where}: malformed JSON: {str(err)[:200]}",
                           reason_code="record_json", detail=str(err)[:200]) from err
    return _refuse_surrogate(value, f"{source} {where}" if source else where)


def read_record(path: Path, max_bytes: int = MAX_RECORD_BYTES) -> LlmRecord:
    """The record in a ``.json`` file (InvalidInput if unreadable, too large or invalid)."""
    size = path.stat().st_size
    limit = min(max_bytes, MAX_RECORD_BYTES)
    if size > limit:
        raise InvalidInput(f"record is {size} bytes; the limit is {limit}")
    return parse_record(_decode(path.read_bytes(), "record", file=path.name))


def describe_record(record: LlmRecord) -> LlmItemAttributes:
    chars = sum(len(t.content) for t in record.messages) + sum(len(r.content)
                                                               for r in record.responses)
    return LlmItemAttributes(
        turns=len(record.messages), responses=len(record.responses),
        response_ids=[r.id for r in record.responses], characters=chars,
        last_role=record.messages[-1].role, has_system=record.messages[0].role == "system",
    )


# -- the splitter ------------------------------------------------------------------------------

#: (where, file name written, rejection reason[, the reason's code and values]): a refusal
#: with a code is worded in the reader's language (the web import page's ``check.fail.<code>``)
Split = tuple[str, str | None, str | None] | tuple[str, None, str, dict[str, str]]


def _lines(path: Path, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; an over-long line yields None (and is skipped, not read)."""
    with open_utf8(path) as fh:  # a UTF-16/32 file with a byte-order mark: read as UTF-8
        lineno = 0
        while raw := fh.readline(max_bytes + 2):
            lineno += 1
            if len(raw) > max_bytes + 1 or (len(raw) > max_bytes and not raw.endswith(b"\n")):
                while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield lineno, None
                continue
            yield lineno, raw


def _json_values(path: Path, max_bytes: int, name: str) -> Iterator[tuple[str, Any]]:
    """(where, decoded record or InvalidInput) for a ``.json`` file: one record or a list."""
    if path.stat().st_size > max_bytes * 1000:
        yield name, InvalidInput(f"{name}: file is larger than {max_bytes * 1000} bytes;"
                                 " split it into JSONL")
        return
    try:
        value = _decode(path.read_bytes(), name, file=name)
    except InvalidInput as err:
        yield name, err
        return
    if isinstance(value, list):
        for i, rec in enumerate(value):
            yield f"{name}[{i}]", rec
    else:
        yield name, value


def _jsonl_values(path: Path, max_bytes: int, name: str) -> Iterator[tuple[str, Any]]:
    """(where, decoded record or InvalidInput) per line of a JSONL file; the first line that is
    not UTF-8 names the file's likely encoding and how to convert it, once."""
    advised = 0
    for lineno, raw in _lines(path, max_bytes):
        where = f"{name}:{lineno}"
        if raw is None:
            yield where, InvalidInput(f"line {lineno}: record is larger than {max_bytes} bytes",
                                      reason_code="record_too_large", limit=str(max_bytes))
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            yield where, _decode(raw.rstrip(b"\r\n"), f"line {lineno}", bom_ok=False,
                                 file="" if advised else name, source=name)
        except InvalidInput as err:
            if isinstance(err.__cause__, UnicodeDecodeError):
                if advised:
                    err.message += f"; see line {advised} for the file's encoding"
                advised = advised or lineno
            yield where, err


def compared_text(text: str) -> str:
    """What two turns or responses are compared by (a repeated turn, a duplicate record):
    look-alike spellings folded (:func:`datamill.core.lookalike.fold`: full-width letters,
    Cyrillic and Greek look-alikes, zero-width characters, case), white space runs as one
    space."""
    return _SPACE.sub(" ", fold(text)).strip()


def record_fingerprint(record: LlmRecord) -> str:
    """What makes two records the same data, whatever their ids and meta: each turn's role and
    text, and the responses' texts in any order (two responses shown the other way round are
    the same pair), compared as :func:`compared_text` (look-alike spellings folded). The
    import refuses a record with the fingerprint of one before it, the ``duplicate`` check a
    record with that of one checked or passed."""
    turns = [[t.role, compared_text(t.content)] for t in record.messages]
    responses = sorted(compared_text(r.content) for r in record.responses)
    blob = json.dumps([turns, responses], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def split_records(source: Path, out_dir: Path, max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Split]:
    """Validate a JSONL/JSON source record by record and write each good one as ``<id>.json``.

    Yields, in source order, ``(where, file name, None)`` for a record written to ``out_dir``
    and ``(where, None, reason)`` for one refused; ``where`` is ``name:line`` (JSONL) or
    ``name[index]`` (a JSON list). A refused record writes nothing: malformed JSON, not UTF-8,
    a byte-order mark other than at the file's start, a record over ``max_bytes``, missing or
    invalid fields, a repeated id or a repeated record (same turns and responses).
    """
    limit = min(max_bytes, MAX_RECORD_BYTES)
    name = source.name
    reader = _jsonl_values if source.suffix.lower() == ".jsonl" else _json_values
    ids: dict[str, str] = {}
    contents: dict[str, str] = {}
    for where, value in reader(source, limit, name):
        if isinstance(value, InvalidInput):
            yield _refused(where, value.message, value.details)
            continue
        try:
            record = parse_record(value)
        except InvalidInput as err:
            yield _refused(where, err.message, err.details)
            continue
        if record.id in ids:
            yield _refused(where, f"duplicate record id {record.id!r} (first at"
                           f" {ids[record.id]})", {"reason_code": "record_id_twice",
                                                   "id": record.id, "first": ids[record.id]})
            continue
        body = canonical_record(record)
        digest = record_fingerprint(record)  # as the duplicate check finds them
        if digest in contents:
            yield _refused(where, "duplicate record: same turns and responses as"
                           f" {contents[digest]}", {"reason_code": "record_same_content",
                                                    "first": contents[digest]})
            continue
        if len(body) > limit:
            yield _refused(where, f"record is {len(body)} bytes; the limit is {limit}",
                           {"reason_code": "record_too_large", "limit": str(limit)})
            continue
        ids[record.id], contents[digest] = where, f"{record.id!r} ({where})"
        file_name = f"{record.id}.json"
        (out_dir / file_name).write_bytes(body)
        yield where, file_name, None


def _refused(where: str, reason: str, details: dict[str, Any]) -> Split:
    """A refused record: its English reason and, where the refusal has a code, the code and
    its values (as text) for wording it in another language."""
    code = details.get("reason_code")
    if not code:
        return where, None, reason
    return where, None, reason, {"code": str(code), **{k: str(v) for k, v in details.items()
                                                        if k != "reason_code"}}


def is_record_source(source: Path) -> bool:
    """A JSONL/JSON file of records (a folder is imported file by file as it is)."""
    return source.is_file() and source.suffix.lower() in (".jsonl", ".json")
