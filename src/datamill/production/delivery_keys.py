r"""Delivery keys: the name each item carries in a delivery's files.

Delivery formats name items where an item id may not fit: a Kaldi key holds no whitespace, a
TextGrid's or an image's file name no path separator. An item id is often the file's path in
the import (``audio/000/utt0001``, ``spk 01/take 3``), so a delivery names each item by its
*delivery key*:

* an id that fits (no whitespace, control character, ``/`` or ``\``, none of the characters
  Windows refuses in a file name, ``" * : < > ? |``; not ``.`` or ``..``; at most
  :data:`MAX_KEY_BYTES` bytes of UTF-8) is its own key: a delivery of such ids is what it
  always was;
* any other id has each such character replaced by ``_`` (``audio/000/utt0001`` →
  ``audio_000_utt0001``, ``spk 01/take 3`` → ``spk_01_take_3``, ``speaker:三`` → ``speaker_三``);
* an id longer than that is cut (at a character) and always gets the hash suffix below: 83
  Chinese characters are 249 bytes, and ``<id>.TextGrid`` was longer than the 255 bytes a file
  name may hold, so the format could not be written;
* where that key is another item's id, or two ids give the same key, each id so renamed gets
  ``-`` and the first 6 hex digits of its BLAKE2b hash (more where even that clashes): ``a/b``
  beside ``a_b`` is delivered as ``a_b-<6 hex>``, and ``a_b`` stays ``a_b``.

Keys depend on the batch's set of ids only, never on their order, so every format of a
delivery and every later look-up (a customer's acceptance naming items by key) agree. A package
with a renamed item carries :data:`ID_MAP_FILE`, one ``delivery_key<TAB>external_id`` line per
renamed item (a tab, newline, carriage return or backslash in an id written as ``\t``, ``\n``,
``\r``, ``\\``).

A desensitized delivery names an item whose key holds personal data (``call_13812345678``, as
call-centre recordings are named) by its *masked name* (:func:`masked_name`:
``call_138____5678-12``, the key masked and the item's row id added); every place that names a
delivered item to its customer (the package's files, the id map, the acceptance's refused
items and its refusals) names it so (:func:`delivered_names`, ``items_named(masked=True)``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import LargeBinary, cast, func, literal, or_, select

from datamill.core.errors import Conflict
from datamill.production.models import BatchItem, Item

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Container, Iterator, Mapping
    from pathlib import Path

    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

__all__ = ["ID_MAP_FILE", "MAX_KEY_BYTES", "DeliveryKeys", "delivered_names", "delivery_keys",
           "items_named", "masked_name", "plain_key", "unsafe_id_clause", "was_masked",
           "write_id_map"]

#: the package file that maps each renamed item's delivery key back to its external id
ID_MAP_FILE = "id_map.tsv"
#: the longest key, in bytes of UTF-8: a file name holds 255 bytes on the usual file systems,
#: and formats add to the key (``.TextGrid``, ``-masked.wav``)
MAX_KEY_BYTES: Final = 150
#: code point ranges no key holds: control characters, whitespace (``str.isspace``), ``/``, ``\``
#: and what Windows refuses in a file name (``" * : < > ? |``: customers unpack packages there)
_UNSAFE_RANGES: Final = ((0x00, 0x20), (0x22, 0x22), (0x2A, 0x2A), (0x2F, 0x2F), (0x3A, 0x3A),
                         (0x3C, 0x3C), (0x3E, 0x3F), (0x5C, 0x5C), (0x7C, 0x7C),
                         (0x7F, 0x7F), (0x85, 0x85),
                         (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
                         (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000))


def _char_class(escape: Callable[[str], str], low: int = 0) -> str:
    return "".join(escape(chr(max(a, low))) + (f"-{escape(chr(b))}" if b > a else "")
                   for a, b in _UNSAFE_RANGES)


_UNSAFE = re.compile(f"[{_char_class(re.escape)}]")


def _pg_escape(char: str) -> str:
    return "\\\\" if char == "\\" else char  # a backslash escapes in a PostgreSQL class


#: the same class in SQL (no NUL: neither database holds one in a text)
_SQL_PATTERNS: Final = {"postgresql": ("~", f"[{_char_class(_pg_escape, 1)}]"),
                        "sqlite": ("GLOB", f"*[{_char_class(str, 1)}]*")}
_SUFFIX_DIGITS = 6
_CHUNK = 5000  # ids per IN (...) statement
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def plain_key(external_id: str) -> str:
    """``external_id`` with each whitespace, control character, ``/``, ``\\`` and character
    Windows refuses in a file name as ``_`` (not cut to :data:`MAX_KEY_BYTES`: see
    :func:`_too_long`).

    Examples:
        >>> plain_key("audio/000/utt0001"), plain_key("spk 01/take 3"), plain_key("utt7")
        ('audio_000_utt0001', 'spk_01_take_3', 'utt7')
        >>> plain_key("speaker:三?")
        'speaker_三_'
    """
    key = _UNSAFE.sub("_", external_id)
    if key in ("", ".", ".."):
        return key.replace(".", "_") or "_"
    return key


def _mask(text: str) -> str:
    from datamill.compliance.pii import mask_text

    return mask_text(text, keep_length=True)


def masked_name(key: str, item_id: int, mask: Callable[[str], str] | None = None) -> str:
    """The name a desensitized delivery gives the item ``item_id`` whose delivery key is
    ``key``: the key itself, or where it holds personal data the key masked (``mask``: the
    delivery's own masking, length kept), made unique again by the item's row id (two numbers
    that mask alike are two items) and safe as a file name.

    >>> masked_name("call_13812345678", 12), masked_name("utt7", 3)
    ('call_138____5678-12', 'utt7')
    """
    masked = (mask or _mask)(key)
    return key if masked == key else plain_key(f"{masked}-{item_id}")


def was_masked(datasheet: Mapping[str, Any] | None) -> bool:
    """Whether a delivery (its datasheet) was written from masked data (desensitized)."""
    return "desensitization" in (datasheet or {})


def _too_long(key: str) -> bool:
    return len(key) * 4 > MAX_KEY_BYTES and len(key.encode("utf-8")) > MAX_KEY_BYTES


def _cut(key: str, limit: int) -> str:
    """``key``'s longest start of at most ``limit`` bytes of UTF-8 (whole characters)."""
    return key.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _digest(external_id: str) -> str:
    return hashlib.blake2b(external_id.encode("utf-8"), digest_size=32).hexdigest()


@dataclass(frozen=True)
class DeliveryKeys:
    """The delivery keys of one batch's items (see the module docstring)."""

    #: external id → key, for the renamed ids whose plain key clashed (a suffix added)
    suffixed: dict[str, str] = field(default_factory=dict)
    #: how many of the batch's ids are renamed (0: every item is delivered under its own id)
    renamed: int = 0

    def key(self, external_id: str) -> str:
        """The key the delivery's files name the item ``external_id`` by."""
        return self.suffixed.get(external_id) or plain_key(external_id)


def _batch_ids(session: Session, batch_id: int) -> Iterator[str]:
    """The batch's external ids in item order, streamed (no ORM objects)."""
    return (external_id for _, external_id in _batch_items(session, batch_id))


def _batch_items(session: Session, batch_id: int) -> Iterator[tuple[int, str]]:
    """The batch's (item id, external id) in item order, streamed."""
    q = (select(Item.id, Item.external_id).join(BatchItem, BatchItem.item_id == Item.id)
         .where(BatchItem.batch_id == batch_id).order_by(BatchItem.item_id)
         .execution_options(yield_per=5000, stream_results=True))
    for row in session.connection().execute(q):
        yield int(row[0]), str(row[1])


def delivered_names(session: Session, batch_id: int, item_ids: Collection[int],
                    masked: bool) -> dict[int, str]:
    """Item id → the name batch ``batch_id``'s delivery gives it, for ``item_ids`` (those
    still stored): its external id (the customer's own name for it), or in a desensitized
    (``masked``) delivery its :func:`masked_name`, never the id's personal data (unmasked, the
    batch is not read: ``batch_id`` may be 0 for items of several batches)."""
    wanted = set(item_ids)
    if not wanted:
        return {}
    if not masked:
        ids = sorted(wanted)
        out: dict[int, str] = {}
        for start in range(0, len(ids), _CHUNK):  # bound the statement's parameters
            out.update(session.execute(select(Item.id, Item.external_id).where(
                Item.id.in_(ids[start:start + _CHUNK]))).tuples().all())
        return out
    keys = delivery_keys(session, batch_id)
    return {item_id: masked_name(keys.key(external_id), item_id)
            for item_id, external_id in _batch_items(session, batch_id) if item_id in wanted}


def delivery_keys(session: Session, batch_id: int) -> DeliveryKeys:
    """The delivery keys of batch ``batch_id``'s items. The database says whether any id needs
    renaming (the usual batch: none, and nothing more is read); if so, one pass over the
    batch's ids (held while the keys are worked out, as each exporter holds them to refuse
    duplicates), and one more per round of hash suffixes where keys clash."""
    if not _any_unsafe(session, batch_id):  # the usual case: asked in the database
        return DeliveryKeys()
    groups: dict[str, list[str]] = {}
    fits: set[str] = set()  # the ids that are their own keys
    for external_id in _batch_ids(session, batch_id):
        key = plain_key(external_id)
        if key != external_id or _too_long(key):
            groups.setdefault(key, []).append(external_id)
        else:
            fits.add(external_id)
    if not groups:
        return DeliveryKeys()
    # plain keys that are another item's id (kept from the pass: an IN (...) of every key took
    # 0.5 s per 5,000 on PostgreSQL, a second pass 0.4 s per 100,000 ids)
    taken = fits.intersection(groups)
    del fits
    pending = sorted(i for key, ids in groups.items()
                     if len(ids) > 1 or key in taken or _too_long(key) for i in ids)
    suffixed: dict[str, str] = {}
    used: set[str] = set()
    digits = _SUFFIX_DIGITS
    while pending:
        if digits > 64:  # noqa: PLR2004 - the whole digest: only equal ids could clash so
            raise Conflict(f"no distinct delivery keys for the items {pending[:5]}")
        room = MAX_KEY_BYTES - 1 - digits  # a cut key keeps its hash suffix within the limit
        wanted = {i: f"{_cut(plain_key(i), room)}-{_digest(i)[:digits]}" for i in pending}
        counts = Counter(wanted.values())
        existing = _in_batch(session, batch_id, counts)
        retry = []
        for external_id in pending:
            key = wanted[external_id]
            if counts[key] > 1 or key in groups or key in existing or key in used:
                retry.append(external_id)
            else:
                suffixed[external_id] = key
                used.add(key)
        pending, digits = retry, digits + 2
    return DeliveryKeys(suffixed=suffixed, renamed=sum(len(ids) for ids in groups.values()))


def unsafe_id_clause(dialect: str) -> ColumnElement[bool] | None:
    """A condition true for an item whose id is not its own key, in ``dialect``'s SQL (None
    where there is none)."""
    known = _SQL_PATTERNS.get(dialect)
    if known is None:
        return None
    op, pattern = known
    octets = (func.octet_length(Item.external_id) if dialect == "postgresql"
              else func.length(cast(Item.external_id, LargeBinary)))  # SQLite: a blob's bytes
    return or_(Item.external_id.op(op, is_comparison=True)(literal(pattern)),
               Item.external_id.in_(("", ".", "..")), octets > MAX_KEY_BYTES)


def _any_unsafe(session: Session, batch_id: int) -> bool:
    """Whether some item of the batch needs renaming (True where the database cannot say)."""
    clause = unsafe_id_clause(session.get_bind().dialect.name)
    if clause is None:
        return True
    return session.scalar(
        select(BatchItem.id).join(Item, Item.id == BatchItem.item_id)
        .where(BatchItem.batch_id == batch_id, clause).limit(1)) is not None


def _in_batch(session: Session, batch_id: int, names: Container[str]) -> set[str]:
    """Which of ``names`` are external ids of the batch's items."""
    return {i for i in _batch_ids(session, batch_id) if i in names}


def write_id_map(session: Session, batch_id: int, keys: DeliveryKeys, path: Path,
                 mask: Callable[[str], str] | None = None) -> None:
    """Write :data:`ID_MAP_FILE` to ``path``: a header, then ``key<TAB>external id`` for each
    renamed item, in the delivery's item order; in a desensitized delivery (``mask``: its
    masking) the key is the item's :func:`masked_name` and the external id is masked."""
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("delivery_key\texternal_id\n")
        for item_id, external_id in _batch_items(session, batch_id):
            key = keys.key(external_id)
            if key != external_id:
                shown = external_id
                if mask is not None:
                    key, shown = masked_name(key, item_id, mask), mask(external_id)
                fh.write(f"{key}\t{shown.translate(_TSV_ESCAPES)}\n")


def items_named(session: Session, batch_id: int, names: list[str],
                masked: bool = False) -> tuple[list[Item], list[str]]:
    """The batch's items ``names`` name, each by its external id or by its delivery key (what
    the package's files call it; in a desensitized, ``masked``, delivery its
    :func:`masked_name`), and the names that name no item of the batch."""
    found: list[Item] = []
    for start in range(0, len(names), _CHUNK):  # bound the statement's parameters
        found += session.scalars(
            select(Item).join(BatchItem, BatchItem.item_id == Item.id)
            .where(BatchItem.batch_id == batch_id,
                   Item.external_id.in_(names[start:start + _CHUNK]))).all()
    unknown = set(names) - {i.external_id for i in found}
    if unknown:  # names that may be delivery keys: a key is never another item's id
        keys = delivery_keys(session, batch_id)
        by_key: dict[str, str] = {}
        if keys.renamed:
            for external_id in _batch_ids(session, batch_id):
                key = keys.key(external_id)
                if key in unknown and key != external_id:
                    by_key[external_id] = key
        if by_key:
            more = list(by_key)
            for start in range(0, len(more), _CHUNK):
                found += session.scalars(
                    select(Item).join(BatchItem, BatchItem.item_id == Item.id)
                    .where(BatchItem.batch_id == batch_id,
                           Item.external_id.in_(more[start:start + _CHUNK]))).all()
            unknown -= set(by_key.values())
    if unknown and masked:  # what a desensitized package's files call the items
        keys = delivery_keys(session, batch_id)
        by_id = {item_id: name for item_id, external_id in _batch_items(session, batch_id)
                 if (name := masked_name(keys.key(external_id), item_id)) in unknown}
        ids = sorted(by_id)
        for start in range(0, len(ids), _CHUNK):
            found += session.scalars(select(Item).where(Item.id.in_(ids[start:start + _CHUNK])))
        unknown -= set(by_id.values())
    return list({i.id: i for i in found}.values()), sorted(unknown)  # named twice: once
