"""What the catalog says about a modality, asked of its plugin (the catalog names none).

A catalog entry states its volume in the modality's own unit (``volume_unit``, with
``volume_per_unit`` base units to one: speech hours, images, frames, dialogues, …) and counts
speakers only where the modality's items have speakers (a plugin that records them says so
with the optional ``has_speakers = True``). A modality this installation has no plugin for
(a bought set's own name, say) is counted in files (``items``) and has no speakers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from datamill.core.errors import DatamillError, NotFound

if TYPE_CHECKING:
    from datamill.storage.blobstore import BlobStore

__all__ = ["ModalityFacts", "is_media", "measured_volume", "modality_facts"]


@dataclass(frozen=True)
class ModalityFacts:
    unit: str
    base_unit: str
    per_unit: int
    speakers: bool
    #: counted in files, whatever a file's recorded volume (no plugin counts it)
    per_file: bool = False

    def in_units(self, amount: int) -> float | int:
        """``amount`` base units in the modality's unit: four decimals, or the whole count
        where one base unit is one unit (30 images, not 30.0).

        >>> modality_facts("image").in_units(30), modality_facts("speech.asr").in_units(1200)
        (30, 0.0003)
        """
        return round(amount / self.per_unit, 4) if self.per_unit > 1 else amount


def modality_facts(modality: str) -> ModalityFacts:
    """The volume unit and speaker trait of ``modality``, from its plugin.

    >>> modality_facts("image")
    ModalityFacts(unit='images', base_unit='images', per_unit=1, speakers=False, per_file=False)
    >>> modality_facts("speech.asr").speakers
    True
    >>> modality_facts("no-such-modality")
    ModalityFacts(unit='items', base_unit='items', per_unit=1, speakers=False, per_file=True)
    """
    from datamill.modalities.registry import get_modality

    try:
        p = get_modality(modality)
    except NotFound:  # no plugin for it in this installation
        return ModalityFacts("items", "items", 1, False, per_file=True)
    return ModalityFacts(p.volume_unit, p.volume_base_unit, int(p.volume_per_unit),
                         bool(getattr(p, "has_speakers", False)))


def measured_volume(blobs: BlobStore, modality: str, filename: str, sha256: str) -> int | None:
    """A bought file's volume in ``modality``'s base unit, as its plugin measures it: a bought
    set is registered before any dataset names its modality, so its files carry none, and a
    release of 3 bought WAVs said 0.0 hours (0 images for bought pictures). The plugin
    describes a file of its own media (a recording's duration, an image); any other file (a
    README, a transcript list), one it cannot read and a modality without a plugin: None."""
    from datamill.modalities.registry import get_modality

    try:
        plugin = get_modality(modality)
    except NotFound:
        return None
    if Path(filename).suffix.lower() not in plugin.media_suffixes:
        return None
    try:
        attributes = plugin.describe(blobs.local_path(sha256), {}, {}).model_dump()
    except DatamillError:
        return None
    return int(plugin.volume(attributes))


def is_media(modality: str, filename: str) -> bool:
    """Whether a bought file is an item of ``modality`` (its plugin's media: a recording, an
    image), not a file beside them (a README, a transcript list): a release counts, samples
    and sorts by owner only its items (a bought set of 3 WAVs and a README was 4 items and
    showed the README as a sample). Every file is an item of a modality without a plugin."""
    from datamill.modalities.registry import get_modality

    try:
        plugin = get_modality(modality)
    except NotFound:
        return True
    return Path(filename).suffix.lower() in plugin.media_suffixes
