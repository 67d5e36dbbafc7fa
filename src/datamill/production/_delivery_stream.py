"""The delivery streamer: a batch's items, one at a time, into a modality's exporters.

Internal to :mod:`datamill.production.delivery`. A server-side cursor over the batch's items
(plain tuples, never ORM objects) feeds the modality's ``export_item`` (an :class:`ItemRecord`
and the annotation payload in, the exporter's item out), copies each media file once into the
package's staging folder and fills the datasheet's statistics; a desensitized project's items go
through the delivery masking on the way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from datamill.compliance.delivery_masking import DeliveryMasking
from datamill.core.filenames import suffix as _suffix
from datamill.modalities.base import DatasheetStatistics, ItemRecord, ModalityPlugin
from datamill.production.delivery_keys import DeliveryKeys, masked_name
from datamill.production.delivery_speakers import DeliverySpeakers
from datamill.production.media import item_path
from datamill.production.models import Annotation, BatchItem, Item
from datamill.storage.blobstore import BlobStore
from datamill.storage.filecopy import copy_new_file

__all__ = ["json_value", "stream_items"]


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite hands over the text (decoded here, without SQLAlchemy's
    per-value processor); PostgreSQL's driver has already decoded it."""
    return json.loads(value) if isinstance(value, str) else value


def stream_items(
    session: Session, blobs: BlobStore, batch_id: int, plugin: ModalityPlugin, language: str,
    media_dir: Path, final_media_dir: Path, statistics: DatasheetStatistics | None,
    media: dict[str, str] | None, progress: Callable[[int], None] | None,
    masking: DeliveryMasking | None = None, keys: DeliveryKeys | None = None,
    without: frozenset[int] = frozenset(), speakers: DeliverySpeakers | None = None,
) -> Iterator[object]:
    """Cursor → plugin → exporter: the batch's items one at a time (server-side cursor);
    ``without``: items left out (a re-delivery without a subject who withdrew consent).

    Each item reaches the plugin under its delivery key (``keys``, see :mod:`.delivery_keys`)
    as its ``external_id``: the id itself unless it holds a space, a slash or the like.

    Media files are written into the staging folder but exporters are given their final path,
    so the package's references are valid once the staging folder is renamed into place.
    A desensitized project's items go through ``masking`` (``compliance.delivery_masking``).
    Each item's ``speaker_id`` is its speaker's delivered name (``speakers``, see
    :mod:`.delivery_speakers`).
    """
    if masking is not None:
        yield from _stream_masked(session, blobs, batch_id, plugin, language, media_dir,
                                  final_media_dir, statistics, media, progress, masking, keys,
                                  without, speakers)
        return
    key = keys.key if keys is not None and keys.renamed else None
    q = _batch_rows(batch_id, Item.id, without=without)
    folder = plugin.media_folder
    export_item = plugin.export_item
    add_statistics = statistics.add if statistics is not None else None
    # media shared by several items is copied once (never linked: a delivered file
    # must not share the blob's inode); the last few names' paths are reused
    staged_names: set[str] = set()
    paths: dict[str, tuple[Path, Path]] = {}
    named = speakers.attributes if speakers is not None else None
    for item_id, external_id, sha256, filename, attributes, prompt, source_uri, payload in (
        session.connection().execute(q)
    ):
        name = f"{sha256}{_suffix(filename).lower() or '.bin'}"
        known = paths.get(name)
        if known is None:
            if len(paths) >= _PATH_CACHE:
                paths.clear()
            known = paths[name] = (media_dir / name, final_media_dir / name)
        staged, final = known
        if name not in staged_names:
            copy_new_file(item_path(blobs, _Media(sha256, source_uri)), staged)
            staged_names.add(name)
        payload = json_value(payload)
        attrs = json_value(attributes) or {}
        record = ItemRecord(
            external_id=key(external_id) if key else external_id, sha256=sha256,
            filename=filename, path=final,
            attributes=named(item_id, attrs) if named is not None else attrs, language=language,
            prompt=prompt, source=staged,
        )
        if media is not None:
            media[f"{folder}/{name}"] = sha256
        if add_statistics is not None:
            add_statistics(record, payload)
        if progress:
            progress(1)
        yield export_item(record, payload)


_PATH_CACHE = 256  # media names whose staged and final paths are kept for reuse


def _batch_rows(batch_id: int, *first: Any, without: frozenset[int] = frozenset()) -> Any:
    """The batch's items as plain tuples (``first`` columns, then external id, sha256, filename,
    attributes, prompt, source URI, payload), never ORM objects (no identity map, no change
    tracking), fetched 1,000 at a time from a server-side cursor on PostgreSQL, on the
    session's connection (Core: no ORM result machinery). The JSON columns come as text on
    SQLite and are decoded by ``json_value``."""
    return (
        select(*first, Item.external_id, Item.sha256, Item.filename,
               type_coerce(Item.attributes, String), Item.prompt, Item.source_uri,
               type_coerce(Annotation.payload, String))
        .join(BatchItem, BatchItem.item_id == Item.id)
        .join(Annotation, Annotation.id == BatchItem.annotation_id)
        .where(BatchItem.batch_id == batch_id,
               *([BatchItem.item_id.not_in(sorted(without))] if without else []))
        # = items.id; read in the order of the (batch_id, item_id) unique index, no sort step
        .order_by(BatchItem.item_id)
        .execution_options(yield_per=1000, stream_results=True)
    )


def _stream_masked(
    session: Session, blobs: BlobStore, batch_id: int, plugin: ModalityPlugin, language: str,
    media_dir: Path, final_media_dir: Path, statistics: DatasheetStatistics | None,
    media: dict[str, str] | None, progress: Callable[[int], None] | None,
    masking: DeliveryMasking, keys: DeliveryKeys | None = None,
    without: frozenset[int] = frozenset(), speakers: DeliverySpeakers | None = None,
) -> Iterator[object]:
    """:func:`stream_items` for a desensitized project: every string of an item masked, images as
    their masked derivative, text-bearing media and a plugin's masked media (speech bleeped
    where its transcript holds personal data) as masked copies named by their own sha256 (kept
    apart from ``stream_items``, whose plain path is the one measured for speed)."""
    q = _batch_rows(batch_id, Item.id, without=without)
    folder = plugin.media_folder
    key = keys.key if keys is not None and keys.renamed else None
    for item_id, external_id, sha256, filename, attributes, prompt, source_uri, payload in (
        session.connection().execute(q)
    ):
        suffix = _suffix(filename).lower() or ".bin"
        original = item_path(blobs, _Media(sha256, source_uri))
        plain = json_value(payload)
        masked_image = masking.image(item_id)
        copy = None if masked_image else masking.text_file(original, suffix)
        if masked_image is None and copy is None:
            copy = masking.media_file(plugin, item_id, original, plain)
        if masked_image is not None:
            sha256, source = masked_image, item_path(blobs, _Media(masked_image, None))
        elif copy is not None:
            sha256, source = copy[1], None
        else:
            source = original
        name = f"{sha256}{suffix}"
        staged = media_dir / name
        if not staged.exists():
            if source is not None:
                copy_new_file(source, staged)
            elif copy is not None and copy[0] is not None:
                staged.write_bytes(copy[0])
        payload = masking.value(plain)
        attrs = json_value(attributes) or {}
        record = ItemRecord(
            external_id=masked_name(key(external_id) if key else external_id, item_id,
                                    masking.text),
            sha256=sha256, filename=masking.text(filename), path=final_media_dir / name,
            attributes=masking.value(speakers.attributes(item_id, attrs) if speakers is not None
                                     else attrs),
            language=language, prompt=masking.text(prompt) if prompt is not None else None,
            source=staged,
        )
        if media is not None:
            media[f"{folder}/{name}"] = sha256
        if statistics is not None:
            statistics.add(record, payload)
        if progress:
            progress(1)
        yield plugin.export_item(record, payload)


@dataclass(slots=True)
class _Media:
    """What ``item_path`` reads of an item."""

    sha256: str
    source_uri: str | None

