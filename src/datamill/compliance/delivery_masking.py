"""What a delivery of a desensitized project carries: the masked data, never the originals.

Once a project has been desensitized (``datamill security desensitize``: its audit trail holds
the run), every delivery of it is written from masked data:

* every string of an item's annotation, attributes and prompt is masked as it is exported
  (``compliance.pii``, length kept, so span offsets into a text stay valid). Masking at export
  time rather than reading the ``masked_texts`` rows means a transcript corrected after the
  desensitization run is delivered corrected, and masked;
* text-bearing media files (a text item's ``.txt``, an LLM record's ``.json``) are delivered as
  masked copies, named by the copy's sha256;
* images are delivered as their masked derivative (faces and plates blurred). An image without
  one for its current bytes (imported or replaced after the last run, or one the run could not
  read) stops the delivery: run the desensitization again.

* media that says what its annotation says (``modalities.base.MediaMasking``; speech) are
  delivered as the plugin's masked copy when the annotation holds personal data: a segment whose
  transcript names a phone number is bleeped out of the recording (``modalities.speech.bleep``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from datamill.compliance.desensitize import IMAGE_SUFFIXES
from datamill.compliance.models import AuditRecord
from datamill.compliance.pii import find_pii, mask_text
from datamill.compliance.security_models import MaskedBlob
from datamill.core.errors import Conflict, InvalidInput
from datamill.modalities.base import JsonValue, MediaMasking, ModalityPlugin

if TYPE_CHECKING:
    from datamill.storage.blobstore import BlobStore

__all__ = ["DeliveryMasking", "delivery_masking", "was_desensitized"]

_SEEN = 65_536  # distinct strings whose masked form is kept for reuse
_RUNS = ("security.texts_desensitized", "security.images_desensitized")
#: text-bearing media, by how their text is read: plain text, one JSON document, JSON lines
_TEXT_MEDIA = {".txt": "text", ".md": "text", ".csv": "text", ".tsv": "text",
               ".json": "json", ".jsonl": "lines", ".ndjson": "lines"}


def was_desensitized(session: Session, project_id: int) -> bool:
    """Whether a desensitization run has ever gone over the project (its audit trail says)."""
    return bool(session.scalar(select(exists().where(
        AuditRecord.project_id == project_id, AuditRecord.action.in_(_RUNS)))))


@dataclass
class DeliveryMasking:
    """Masks one delivery's items (see the module docstring); counts what it masked."""

    images: dict[int, str]  # image item id → its masked derivative's sha256
    counts: Counter[str] = field(default_factory=Counter)
    seen: dict[str, str] = field(default_factory=dict)  # string → masked, the last _SEEN
    copies: dict[Path, str] = field(default_factory=dict)  # text media → its masked copy's sha
    #: item id → its media's masked copy's sha256, or None: nothing in it to mask
    media: dict[int, str | None] = field(default_factory=dict)
    #: counted during the first format's pass only (each format goes over the same items)
    counting: bool = True

    def text(self, value: str) -> str:
        masked = self.seen.get(value)
        if masked is None:  # speaker ids, labels, genders repeat item after item: masked once
            if len(self.seen) >= _SEEN:
                self.seen.clear()
            masked = self.seen[value] = mask_text(value, keep_length=True)
        if masked != value and self.counting:
            self.counts["strings_masked"] += 1
        return masked

    def value(self, value: Any) -> Any:
        """``value`` with every string in it masked (dict keys are names, left as they are)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def image(self, item_id: int) -> str | None:
        """The masked derivative's sha256 of an image item (None: not an image)."""
        masked = self.images.get(item_id)
        if masked is not None and self.counting:
            self.counts["images_masked"] += 1
        return masked

    def text_file(self, path: Path, suffix: str) -> tuple[bytes | None, str] | None:
        """A text-bearing media file's masked bytes and their sha256 (None: not text-bearing,
        delivered as it is; bytes None: masked before in this delivery, already written)."""
        kind = _TEXT_MEDIA.get(suffix)
        if kind is None:
            return None
        known = self.copies.get(path)
        if known is not None:
            return None, known
        text = _decode(path)
        if kind == "json":
            masked = json.dumps(self.value(_json(text, path)), ensure_ascii=False)
        elif kind == "lines":
            masked = "\n".join(json.dumps(self.value(_json(line, path)), ensure_ascii=False)
                               if line.strip() else line for line in text.split("\n"))
        else:
            masked = self.text(text)
        data = masked.encode("utf-8")
        self.counts["files_masked"] += self.counting
        digest = self.copies[path] = hashlib.sha256(data).hexdigest()
        return data, digest

    def media_file(
        self, plugin: ModalityPlugin, item_id: int, path: Path, payload: JsonValue,
    ) -> tuple[bytes | None, str] | None:
        """An item's media file masked by its plugin (``MediaMasking``) where its annotation
        holds personal data: the masked bytes and their sha256 (bytes None: masked before in
        this delivery, already written). None: delivered as it is."""
        if item_id in self.media:
            known = self.media[item_id]
            return None if known is None else (None, known)
        masked = plugin.mask_media(path, payload, _holds_pii) \
            if isinstance(plugin, MediaMasking) else None
        if masked is None:
            self.media[item_id] = None
            return None
        data, stretches = masked
        if self.counting:
            self.counts["media_masked"] += 1
            self.counts["stretches_masked"] += stretches
        digest = self.media[item_id] = hashlib.sha256(data).hexdigest()
        return data, digest

    def summary(self) -> dict[str, Any]:
        """The datasheet's account of the masking."""
        return {"pii": "masked (identity, phone, email, bank card, address, name; length kept)",
                "strings_masked": self.counts["strings_masked"],
                "text_files_masked": self.counts["files_masked"],
                "images_masked": self.counts["images_masked"],
                "media_masked": self.counts["media_masked"],
                "media_stretches_masked": self.counts["stretches_masked"],
                "audio": "segments whose transcript holds personal data are bleeped "
                         "(1 kHz tone at -20 dBFS over the whole segment)"}


def _holds_pii(text: str) -> bool:
    return bool(find_pii(text))


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(f"{path.name} is neither UTF-8 nor GB18030 text: it cannot be masked, "
                       "so it is not delivered")


def _json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except ValueError as err:
        raise InvalidInput(f"{path.name} is not valid JSON ({err}): it cannot be masked, so "
                           "it is not delivered") from err


def delivery_masking(
    session: Session, project_id: int, batch_id: int, project_ref: str,
    blobs: BlobStore | None = None,
) -> DeliveryMasking | None:
    """How batch ``batch_id`` is masked for delivery, or None when its project was never
    desensitized. Refuses (nothing written) when an image of the batch has no masked
    derivative of its current bytes, or (given ``blobs``) one an older release masked
    sideways (``masked_copy_sideways``)."""
    from datamill.production.models import BatchItem, Item

    if not was_desensitized(session, project_id):
        return None
    rows = session.execute(
        select(Item.id, Item.external_id, Item.filename, MaskedBlob.sha256_masked, Item)
        .join(BatchItem, BatchItem.item_id == Item.id)
        .outerjoin(MaskedBlob, (MaskedBlob.item_id == Item.id)
                   & (MaskedBlob.sha256_original == Item.sha256))
        .where(BatchItem.batch_id == batch_id).order_by(Item.id)).all()
    images: dict[int, str] = {}
    missing: list[str] = []
    turned: list[str] = []
    for item_id, external_id, filename, masked, item in rows:
        if Path(filename).suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if masked is None:
            missing.append(external_id)
        else:
            images[item_id] = masked
            if blobs is not None and _sideways(blobs, item, masked):
                turned.append(external_id)
    if missing:
        raise Conflict(
            f"project {project_ref} is desensitized, but {len(missing)} image(s) of this batch "
            f"have no masked copy ({_shown(missing)}): run `datamill security desensitize "
            f"{project_ref} --as <you>` again, then deliver; nothing was written",
            unmasked=len(missing))
    if turned:
        raise Conflict(
            f"project {project_ref} is desensitized, but {len(turned)} image(s) of this batch "
            f"have a masked copy an older release made sideways ({_shown(turned)}): run "
            f"`datamill security desensitize {project_ref} --as <you>` again (it masks them "
            "again, upright), then deliver; nothing was written",
            reason_code="masked_copy_sideways", project=project_ref, images=len(turned),
            items=_shown(turned), sideways=len(turned))
    return DeliveryMasking(images=images)


def _shown(refs: list[str]) -> str:
    return ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")


def _sideways(blobs: BlobStore, item: Any, masked: str) -> bool:
    """Whether ``item``'s masked copy ``masked`` was made sideways (see
    :mod:`datamill.compliance.masked_orientation`); an unreadable file is the export's to say."""
    from datamill.compliance.masked_orientation import masked_turned
    from datamill.production.media import item_path
    from datamill.storage.blobstore import BlobMissing

    if _upright_as_stored(item):
        return False
    try:
        return masked_turned(item_path(blobs, item), blobs.local_path(masked))
    except (BlobMissing, OSError):
        return False


def _upright_as_stored(item: Any) -> bool:
    """Whether the image's probe recorded no EXIF turn (no file need be opened to tell)."""
    attributes = getattr(item, "attributes", None)
    return isinstance(attributes, dict) and attributes.get("exif_orientation_applied") is False
