"""Speaker identity: who a speech item's ``speaker_id`` is, for quotas and for deliveries alike.

A speaker is one person (:func:`speaker_key`): their id compares case-insensitively and by its
NFKC form (a vendor's ``SPK01``, ``spk01`` and full-width ``ＳＰＫ０１`` are one speaker), within the vendor who delivered the item, since each
vendor numbers its own people (vendor 7's ``SPK01`` and vendor 9's ``SPK01`` are two). An id
that is empty or the placeholder ``unknown`` is no speaker.

A delivery names each speaker once (:func:`delivered_names`): by the first spelling seen (the
item with the lowest id), and, only where two vendors (or a vendor and the in-house collection)
share an id, with the vendor in front, ``v<vendor id>_<spelling>`` (in-house speakers keep the
plain spelling). Where that prefixed name is itself another speaker's id, ``_2``, ``_3``, ... is
added until it is free. Kaldi files, TextGrids, the Hugging Face table and the datasheet all name
speakers so; the datasheet's ``speaker_ids`` says how many spellings were merged and names
were prefixed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["SPEAKER_ID_RULE", "delivered_names", "speaker_key"]

#: the rule, as the datasheet states it
SPEAKER_ID_RULE = ("a speaker is their id compared case-insensitively (and full-width as "
                   "half-width, NFKC) within the delivering "
                   "vendor; named by the first spelling seen, with 'v<vendor id>_' in front "
                   "only where two vendors share an id; Kaldi speaker ids write the "
                   "characters ! to - as _ (so utterances sort alike by either id)")


def speaker_key(speaker: object, vendor_id: int | None = None) -> str | None:
    """One person's key: the id in its NFKC form (full-width letters and digits, and the
    ideographic space, as their half-width selves), without surrounding space, case-folded, and
    prefixed with the delivering vendor (``v7:spk01``); None for no id or ``unknown``.

    >>> speaker_key("SPK01"), speaker_key("spk01"), speaker_key("SPK01", 7), speaker_key("Unknown")
    ('spk01', 'spk01', 'v7:spk01', None)
    >>> speaker_key("ＬＩ　Ｗｅｉ ") == speaker_key("li wei") == "li wei"
    True
    """
    text = _fold(speaker)
    if not text or text == "unknown":
        return None
    return f"v{vendor_id}:{text}" if vendor_id is not None else text


def _fold(speaker: object) -> str:
    """The id as :func:`speaker_key` compares it, before the vendor (``""`` for none)."""
    return unicodedata.normalize("NFKC", str(speaker or "")).strip().casefold()


def delivered_names(rows: Iterable[tuple[object, int | None]]) -> dict[str, str]:
    """The delivered name of each speaker key (:func:`speaker_key`), from ``(speaker_id,
    vendor_id)`` rows in the order items were stored (the first spelling seen wins).

    >>> names = delivered_names([("SPK01", 7), ("spk01", 7), ("SPK01", 9), ("a", None)])
    >>> names == {"v7:spk01": "v7_SPK01", "v9:spk01": "v9_SPK01", "a": "a"}
    True
    >>> delivered_names([("F01", None), ("f01", None), (" ", 3), ("unknown", 3)])
    {'f01': 'F01'}
    """
    first: dict[str, tuple[str, int | None]] = {}  # key -> (first spelling, vendor)
    for speaker, vendor_id in rows:
        key = speaker_key(speaker, vendor_id)
        if key is not None and key not in first:
            first[key] = (str(speaker).strip(), vendor_id)
    vendors: dict[str, set[int | None]] = {}
    for spelling, vendor_id in first.values():
        vendors.setdefault(_fold(spelling), set()).add(vendor_id)
    names: dict[str, str] = {}
    plain = {_fold(spelling) for spelling, vendor_id in first.values()
             if len(vendors[_fold(spelling)]) == 1 or vendor_id is None}
    for key, (spelling, vendor_id) in first.items():
        if len(vendors[_fold(spelling)]) == 1 or vendor_id is None:
            names[key] = spelling
            continue
        name, n = f"v{vendor_id}_{spelling}", 1
        while _fold(name) in plain:  # an id of its own: keep the two apart
            n += 1
            name = f"v{vendor_id}_{spelling}_{n}"
        plain.add(_fold(name))
        names[key] = name
    return names
