"""What a release's provenance says about its data subjects' consent: generated from the
records, never claimed.

For the items of one batch source that enter a release, each data subject (the item's subject
id, :func:`datamill.compliance.consent.item_subject`; a speaker, where the modality has them)
is looked up in the project's consent records: a live consent (not withdrawn) and, for subjects
who signed on the collection page, the consent text's version and wording (which states the
purpose they agreed to). Subjects with no live record (imported from a vendor, say) are counted
as such, and the sentence says the release claims no consent for them. A project spec's own
``consent_basis`` is kept beside it as the project's statement (``consent_basis_stated``), not
as a fact."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.collection.models import CollectionSubject, ConsentText
from datamill.compliance.consent import subject_fold
from datamill.compliance.security_models import ConsentRecord

__all__ = ["consent_facts"]

#: subjects named in the facts when some have no consent (the count is always whole)
_NAMED = 20


def consent_facts(
    session: Session, project_id: int, subjects: Iterable[str | None], *, speakers: bool = False,
) -> tuple[dict[str, Any], str, str]:
    """The consent facts of these items' data subjects (one entry per item, None for an item
    that names no subject) and the sentence the provenance states, in English and in Chinese.

    The facts and sentences name the subjects ``subjects`` / "data subjects" (数据主体); for a
    modality whose items have speakers (``speakers=True``) they keep the keys and words speech
    readers know: ``speakers``, ``speakers_without_consent``, "speakers" (发音人)."""
    noun = "speakers" if speakers else "subjects"
    items = list(subjects)
    named = sorted({s for s in items if s})
    unnamed = sum(1 for s in items if not s)
    live = {subject_fold(r.subject_id): r for r in session.scalars(select(ConsentRecord).where(
        ConsentRecord.project_id == project_id, ConsentRecord.withdrawn_at.is_(None)))}
    signed = {subject_fold(row.subject_id): text for row, text in session.execute(
        select(CollectionSubject, ConsentText)
        .join(ConsentText, ConsentText.id == CollectionSubject.consent_text_id)
        .where(CollectionSubject.project_id == project_id))}
    texts: dict[int, dict[str, Any]] = {}
    staff_only, none = 0, []
    for subject in named:
        if (key := subject_fold(subject)) not in live:  # any spelling of the id
            none.append(subject)
        elif (text := signed.get(key)) is not None:
            entry = texts.setdefault(text.version, {"version": text.version, noun: 0,
                                                    "text": text.text})
            entry[noun] += 1
        else:
            staff_only += 1
    facts: dict[str, Any] = {
        noun: len(named), "with_consent": len(named) - len(none),
        "signed_texts": [texts[v] for v in sorted(texts)],
        "recorded_without_text": staff_only, "without_consent": len(none),
        f"{noun}_without_consent": none[:_NAMED], "items_without_subject": unnamed,
    }
    return facts, _sentence(facts, noun, _EN), _sentence(facts, noun, _ZH)


#: the sentence's parts, per language; ``{who}`` is the subjects' noun in that language
_EN = {
    "speakers": "speakers", "subjects": "data subjects",
    "with": "{n} of {total} {who} have a consent on record",
    "signed": "{n} signed consent text version {version} at collection (the purpose is the"
              " one that text states, quoted in consent.signed_texts)",
    "staff": "{n} recorded by staff without a consent text",
    "none": "{n} have no consent record (e.g. imported from a vendor): this release claims no"
            " consent for them",
    "unnamed": "{n} items name no data subject: no consent record applies to them",
    "empty": "no items", "join": "; ",
}
_ZH = {
    "speakers": "发音人", "subjects": "数据主体",
    "with": "{total} 名{who}中 {n} 名有同意记录",
    "signed": "{n} 名在采集时签署了第 {version} 版同意书（用途以该同意书所述为准，原文见"
              " consent.signed_texts）",
    "staff": "{n} 名由工作人员记录，无同意书文本",
    "none": "{n} 名无同意记录（例如从供应商导入）：本发布不为其主张同意",
    "unnamed": "{n} 个条目未指明数据主体：无同意记录适用",
    "empty": "无条目", "join": "；",
}


def _sentence(f: dict[str, Any], noun: str, words: dict[str, str]) -> str:
    parts: list[str] = []
    if f[noun]:
        parts.append(words["with"].format(n=f["with_consent"], total=f[noun], who=words[noun]))
        parts += [words["signed"].format(n=t[noun], version=t["version"])
                  for t in f["signed_texts"]]
        if f["recorded_without_text"]:
            parts.append(words["staff"].format(n=f["recorded_without_text"]))
        if f["without_consent"]:
            parts.append(words["none"].format(n=f["without_consent"]))
    if f["items_without_subject"]:
        parts.append(words["unnamed"].format(n=f["items_without_subject"]))
    return words["join"].join(parts) or words["empty"]
