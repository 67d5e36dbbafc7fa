"""What a release's provenance says about its speakers' consent: generated from the records,
never claimed.

For the items of one batch source that enter a release, each speaker (the item's subject id,
:func:`datamill.compliance.consent.item_subject`) is looked up in the project's consent
records: a live consent (not withdrawn) and, for subjects who signed on the collection page,
the consent text's version and wording (which states the purpose they agreed to). Speakers
with no live record (imported from a vendor, say) are counted as such, and the sentence says
the release claims no consent for them. A project spec's own ``consent_basis`` is kept beside
it as the project's statement (``consent_basis_stated``), not as a fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.collection.models import CollectionSubject, ConsentText
from datamill.compliance.security_models import ConsentRecord

__all__ = ["consent_facts"]

#: speakers named in the facts when some have no consent (the count is always whole)
_NAMED = 20


def consent_facts(
    session: Session, project_id: int, subjects: Iterable[str | None],
) -> tuple[dict[str, Any], str]:
    """The consent facts of these items' speakers (one entry per item, None for an item that
    names no subject) and the sentence the provenance states."""
    items = list(subjects)
    speakers = sorted({s for s in items if s})
    unnamed = sum(1 for s in items if not s)
    live = {r.subject_id: r for r in session.scalars(select(ConsentRecord).where(
        ConsentRecord.project_id == project_id, ConsentRecord.withdrawn_at.is_(None)))}
    signed = {row.subject_id: text for row, text in session.execute(
        select(CollectionSubject, ConsentText)
        .join(ConsentText, ConsentText.id == CollectionSubject.consent_text_id)
        .where(CollectionSubject.project_id == project_id))}
    texts: dict[int, dict[str, Any]] = {}
    staff_only, none = 0, []
    for spk in speakers:
        if spk not in live:
            none.append(spk)
        elif (text := signed.get(spk)) is not None:
            entry = texts.setdefault(text.version, {"version": text.version, "speakers": 0,
                                                    "text": text.text})
            entry["speakers"] += 1
        else:
            staff_only += 1
    facts: dict[str, Any] = {
        "speakers": len(speakers), "with_consent": len(speakers) - len(none),
        "signed_texts": [texts[v] for v in sorted(texts)],
        "recorded_without_text": staff_only, "without_consent": len(none),
        "speakers_without_consent": none[:_NAMED], "items_without_subject": unnamed,
    }
    return facts, _sentence(facts)


def _sentence(f: dict[str, Any]) -> str:
    parts: list[str] = []
    if f["speakers"]:
        parts.append(f"{f['with_consent']} of {f['speakers']} speakers have a consent on record")
        parts += [f"{t['speakers']} signed consent text version {t['version']} at collection"
                  " (the purpose is the one that text states, quoted in consent.signed_texts)"
                  for t in f["signed_texts"]]
        if f["recorded_without_text"]:
            parts.append(f"{f['recorded_without_text']} recorded by staff without a consent text")
        if f["without_consent"]:
            parts.append(f"{f['without_consent']} have no consent record (e.g. imported from a"
                         " vendor): this release claims no consent for them")
    if f["items_without_subject"]:
        parts.append(f"{f['items_without_subject']} items name no speaker or subject: no"
                     " consent record applies to them")
    return "; ".join(parts) or "no items"
