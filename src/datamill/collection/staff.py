"""What project managers do for collection: consent texts, the prompt list, invitation links,
subjects, and re-recording requests from review and inspection.

Invitation tokens are 32 random bytes (URL-safe); only their sha256 is stored. A token is
scoped to one subject of one project, expires (``collection.invite_days``, default 14) and can
be revoked; the plain token is shown once, in the link ``/collect/<token>``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.collection.models import (
    CollectionInvite,
    CollectionPrompt,
    CollectionSubject,
    ConsentText,
    Recording,
    RerecordRequest,
    subject_key,
    unsafe_subject_id,
)
from datamill.collection.quotas import collection_spec
from datamill.compliance.access import hide_unseen
from datamill.compliance.audit import record_audit
from datamill.compliance.consent import subject_fold, withdrawn_subjects
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise
from datamill.db.session import append_lock
from datamill.modalities.registry import get_modality
from datamill.production.models import Item, Project
from datamill.production.projects import SUPERSEDED_STATUS

__all__ = [
    "INVITE_PATH",
    "add_prompts",
    "count_subjects",
    "create_invite",
    "latest_consent_text",
    "list_consent_texts",
    "list_invites",
    "list_prompts",
    "list_subjects",
    "request_rerecord",
    "reset_demographics",
    "revoke_invite",
    "set_consent_text",
    "token_digest",
]

INVITE_PATH = "/collect/"
MAX_PROMPTS = 10_000
MAX_PROMPT_CHARS = 2_000
MAX_CONSENT_CHARS = 50_000
_PROMPT_LOCKS = 0x64_6D_70_72 << 32  # "dmpr": + the project id, one advisory lock per project
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
"""A byte-order mark (a prompts file saved by Windows Notepad) and zero-width characters:
invisible, and never part of a prompt."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def _project(session: Session, actor: User, project_id: int, action: Action) -> Project:
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    authorize(session, actor, action, project_id=project_id)
    return project


def _clean(text: str, limit: int, what: str) -> str:
    text = (text or "").replace("\r\n", "\n").lstrip("\ufeff").strip()
    if not text or len(text) > limit or "\x00" in text:
        raise InvalidInput(f"{what} must be 1 to {limit} characters without NUL", field=what)
    # a subject reads it (the consent they sign, why a take is asked again): no control or
    # text-direction character that shows it in another order than it is stored (h6)
    check_note(text, what)
    return text


def _text_dict(t: ConsentText) -> dict[str, Any]:
    return {"id": t.id, "project_id": t.project_id, "version": t.version, "text": t.text,
            "created_at": t.created_at}


def set_consent_text(session: Session, actor: User, project_id: int, text: str) -> dict[str, Any]:
    """Add the next version of the project's consent text (earlier versions stay, and the
    subjects who signed them keep their record; new subjects sign the latest)."""
    _project(session, actor, project_id, Action.MANAGE_PROJECT)
    body = _clean(text, MAX_CONSENT_CHARS, "text")
    last = session.scalar(select(func.max(ConsentText.version))
                          .where(ConsentText.project_id == project_id)) or 0
    row = ConsentText(project_id=project_id, version=last + 1, text=body, created_by=actor.id)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="collection.consent_text", object_type="project",
                 object_id=project_id, project_id=project_id, data={"version": row.version})
    return _text_dict(row)


def latest_consent_text(session: Session, project_id: int) -> ConsentText | None:
    return session.scalars(select(ConsentText).where(ConsentText.project_id == project_id)
                           .order_by(ConsentText.version.desc()).limit(1)).first()


def list_consent_texts(session: Session, actor: User, project_id: int) -> list[dict[str, Any]]:
    _project(session, actor, project_id, Action.VIEW_PROJECT)
    return [_text_dict(t) for t in session.scalars(
        select(ConsentText).where(ConsentText.project_id == project_id)
        .order_by(ConsentText.version))]


#: Han and kana, and full-width punctuation: a space between two such characters, or beside
#: the punctuation, is no part of a Chinese or Japanese sentence (``打开 空调。`` reads as
#: ``打开空调。``; the speech exports and scoring drop it too). Hangul keeps its spaces.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_CJK_GAP = re.compile(f"(?<=[{_CJK_PUNCT}]) | (?=[{_CJK_PUNCT}])|(?<=[{_CJK}]) (?=[{_CJK}])")


def _same(text: str) -> str:
    """A prompt as stored: runs of white space as one space, Unicode NFC (a doubled space or
    an accent typed as letter + combining mark is the same sentence)."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20,
          **{ord(c): ord(to) for c, to in zip("。、｡､「」『』“”‘’〝〞", '.,.,""""""\'\'""', strict=True)}}
"""Punctuation by what it is, not its width: full-width ASCII forms (``，！？：；（）``, and
full-width letters and digits) as ASCII, ``。`` as ``.``, ``、`` as ``,``, corner brackets and
curly quotes as straight quotes."""
_ASCII_PUNCT = re.escape("!\"'(),.:;?~")
_CJK_ASCII_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_ASCII_PUNCT}])|(?<=[{_ASCII_PUNCT}]) (?=[{_CJK}])")


def _key(text: str) -> str:
    """What two prompts are compared by: :func:`_same` without the spaces between Chinese
    characters or beside full-width punctuation (``打开 空调。`` is ``打开空调。`` already
    listed), with punctuation's width folded (``「你好，世界。」`` is ``"你好, 世界."``, the
    space after a half-width mark beside Chinese dropped too). The text is stored as first
    typed: a TTS script's spaces mark its words."""
    return _CJK_ASCII_GAP.sub("", _CJK_GAP.sub("", _same(text)).translate(_WIDTH))


def add_prompts(session: Session, actor: User, project_id: int, texts: list[str]) -> dict[str, Any]:
    """Append prompts (one per line of a prompts file); blank lines and prompts the list has
    already (white space, Unicode composition and punctuation's width aside) are skipped."""
    project = _project(session, actor, project_id, Action.MANAGE_PROJECT)
    # adds at once (two tabs, a script and the page) each read the others' prompts: no two
    # number theirs after the same last position, nor store one new text twice
    append_lock(session, _PROMPT_LOCKS + project_id)
    # the modality's own rule for what can be read (TTS: every word must have a pronunciation):
    # refused here, not in every subject's take of it
    modality = get_modality(project.modality)
    prompt_problem = getattr(modality, "prompt_problem", None)
    unread_words = getattr(modality, "prompt_unread_words", None)  # named in the refusal
    rows = list(session.scalars(
        select(CollectionPrompt).where(CollectionPrompt.project_id == project_id)))
    existing = {_key(p.text): p for p in rows}  # a list kept from before may repeat a key
    position = max((p.position for p in rows), default=0)
    added, skipped = 0, 0
    for n, raw in enumerate(texts, start=1):
        text = _same(_INVISIBLE.sub("", raw or ""))
        if not text:
            continue
        if len(text) > MAX_PROMPT_CHARS or "\x00" in text:
            raise InvalidInput(f"line {n}: a prompt must be at most {MAX_PROMPT_CHARS}"
                               " characters without NUL", field="prompts", line=n,
                               limit=MAX_PROMPT_CHARS, reason_code="prompt_too_long")
        if not any(c.isalnum() for c in text):
            raise InvalidInput(f"line {n} ({text!r}) has nothing to read: only punctuation"
                               " or symbols", field="prompts", line=n, prompt=text,
                               reason_code="prompt_nothing_to_read")
        if _key(text) in existing:
            skipped += 1
            continue
        why = prompt_problem(text) if prompt_problem is not None else None
        if why:
            unread = list(unread_words(text)) if unread_words is not None else []
            raise InvalidInput(f"line {n} ({text!r}): {why}", field="prompts", **(
                {"reason_code": "prompt_unpronounceable", "line": n, "prompt": text,
                 "words": unread} if unread else {}))
        if len(rows) + added >= MAX_PROMPTS:
            raise InvalidInput(f"a project holds at most {MAX_PROMPTS} prompts", field="prompts",
                               limit=MAX_PROMPTS, reason_code="prompts_too_many")
        position += 1
        row = CollectionPrompt(project_id=project_id, position=position, text=text)
        session.add(row)
        existing[_key(text)] = row
        added += 1
    session.flush()
    record_audit(session, actor_id=actor.id, action="collection.prompts_added",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"added": added, "skipped": skipped})
    return {"project_id": project_id, "added": added, "skipped": skipped,
            "total": len(rows) + added}


def list_prompts(session: Session, actor: User, project_id: int) -> list[dict[str, Any]]:
    _project(session, actor, project_id, Action.VIEW_PROJECT)
    return [{"id": p.id, "position": p.position, "text": p.text} for p in session.scalars(
        select(CollectionPrompt).where(CollectionPrompt.project_id == project_id)
        .order_by(CollectionPrompt.position))]


def _subject_row(session: Session, project_id: int, subject_id: str) -> CollectionSubject:
    """The project's subject of this id, created on first invite. An id is one person whatever
    its letter case (as the quotas count them): inviting ``spk01`` when ``SPK01`` is enrolled
    sends ``SPK01`` a new link, not a second subject under the same name."""
    row = _existing_subject(session, project_id, subject_id)
    if row is None:
        row = CollectionSubject(project_id=project_id, subject_id=subject_id, demographics={})
        try:
            with session.begin_nested():  # another spelling invited at this moment (co006)
                session.add(row)
        except IntegrityError:
            row = _existing_subject(session, project_id, subject_id)
            if row is None:
                raise
    return row


def _existing_subject(session: Session, project_id: int,
                      subject_id: str) -> CollectionSubject | None:
    rows = session.scalars(select(CollectionSubject).where(
        CollectionSubject.project_id == project_id,
        CollectionSubject.subject_key == subject_key(subject_id))
        .order_by(CollectionSubject.id)).all()
    return next((r for r in rows if r.subject_id == subject_id), None) or next(iter(rows), None)


def create_invite(
    session: Session, actor: User, project_id: int, subject_id: str, *, days: int | None = None,
) -> dict[str, Any]:
    """An invitation link for one subject (created on first invite). The token is returned
    once; only its digest is stored."""
    project = _project(session, actor, project_id, Action.MANAGE_PROJECT)
    subject_id = (subject_id or "").strip()
    if (not subject_id or len(subject_id) > 100 or not subject_id.isprintable()
            or len(subject_key(subject_id)) > 400):
        raise InvalidInput("the subject id must be 1 to 100 printable characters",
                           field="subject_id", reason_code="bad_subject_id")
    if (spelling := unsafe_subject_id(subject_id)) is not None:
        raise InvalidInput(
            f"subject id {subject_id!r} holds whitespace, a control character or a path"
            " separator (or is '.' or '..'), which no delivery format can name a speaker by"
            f" and the speech import refuses; use e.g. {spelling!r}", field="subject_id",
            reason_code="bad_subject_id", suggestion=spelling)
    spec = collection_spec(project)
    if spec is None:
        raise InvalidInput(
            f"project {project.name!r} cannot invite subjects: its spec has no `collection:`"
            " section (speaker quotas: `age_bands` and `cells`, or `allow_outside_cells: true`"
            " for none); add one to the spec, then write the consent text with `datamill collect"
            " consent-text` and the prompts with `datamill collect prompts add`",
            field="collection", reason_code="no_collection_spec")
    days = days if days is not None else spec.invite_days
    if not 1 <= days <= 365:
        raise InvalidInput("an invitation lives 1 to 365 days", field="days")
    subject = _subject_row(session, project_id, subject_id)
    subject_id = subject.subject_id  # as first invited (spk01 → SPK01)
    token = secrets.token_urlsafe(32)
    row = CollectionInvite(project_id=project_id, subject_row_id=subject.id,
                           token_sha256=token_digest(token),
                           expires_at=utcnow() + timedelta(days=days), created_by=actor.id)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="collection.invited", object_type="invite",
                 object_id=row.id, project_id=project_id, data={"subject_id": subject_id,
                                                                "days": days})
    return {"id": row.id, "project_id": project_id, "subject_id": subject_id, "token": token,
            "path": f"{INVITE_PATH}{token}", "expires_at": row.expires_at}


def reset_demographics(
    session: Session, actor: User, project_id: int, subject_id: str,
) -> dict[str, Any]:
    """Clear a subject's demographics (and enrolment) so they answer again on their page: the
    only way to change answers once sent (a refused subject's too). Audited with the answers
    cleared. Refused (Conflict) once the subject has recorded: their items carry the answers."""
    _project(session, actor, project_id, Action.MANAGE_PROJECT)
    # in any letter case, as invited and counted (``spk01`` is the enrolled ``SPK01``)
    row = _existing_subject(session, project_id, (subject_id or "").strip())
    if row is None:
        raise NotFound(f"project {project_id} has no subject {subject_id!r}",
                       subject_id=subject_id, project_id=project_id,
                       reason_code="collection_subject_unknown")
    if session.scalar(select(func.count()).select_from(Recording)
                      .where(Recording.subject_row_id == row.id)):
        raise Conflict(f"subject {row.subject_id!r} has recorded already: their items carry"
                       " the demographics they gave, which therefore stay",
                       subject_id=row.subject_id, reason_code="demographics_recorded")
    old = dict(row.demographics or {})
    row.demographics, row.enrolled_at = {}, None
    session.flush()
    record_audit(session, actor_id=actor.id, action="collection.demographics_reset",
                 object_type="subject", object_id=row.id, project_id=project_id,
                 data={"subject_id": row.subject_id, "demographics": old})
    return {"project_id": project_id, "subject_id": row.subject_id, "demographics": None,
            "previous": old}


def _invite_dict(inv: CollectionInvite, subject_id: str) -> dict[str, Any]:
    now = utcnow()
    state = ("revoked" if inv.revoked_at else "expired" if inv.expires_at <= now else "active")
    return {"id": inv.id, "project_id": inv.project_id, "subject_id": subject_id,
            "expires_at": inv.expires_at, "revoked_at": inv.revoked_at, "state": state,
            "last_used_at": inv.last_used_at}


def revoke_invite(session: Session, actor: User, invite_id: int) -> dict[str, Any]:
    inv = get_or_raise(session, CollectionInvite, invite_id, "invitation", invite_id=invite_id)
    hide_unseen(session, actor, inv.project_id, "invitation", invite_id, invite_id=invite_id)
    _project(session, actor, inv.project_id, Action.MANAGE_PROJECT)
    inv.revoked_at = inv.revoked_at or utcnow()
    subject = session.get(CollectionSubject, inv.subject_row_id)
    session.flush()
    record_audit(session, actor_id=actor.id, action="collection.invite_revoked",
                 object_type="invite", object_id=inv.id, project_id=inv.project_id)
    return _invite_dict(inv, subject.subject_id if subject else "")


def list_invites(session: Session, actor: User, project_id: int) -> list[dict[str, Any]]:
    _project(session, actor, project_id, Action.MANAGE_PROJECT)
    rows = session.execute(
        select(CollectionInvite, CollectionSubject.subject_id)
        .join(CollectionSubject, CollectionSubject.id == CollectionInvite.subject_row_id)
        .where(CollectionInvite.project_id == project_id).order_by(CollectionInvite.id)).all()
    return [_invite_dict(inv, sid) for inv, sid in rows]


def count_subjects(session: Session, project_id: int) -> int:
    """How many subjects the project has invited (the dashboard links its subjects page then)."""
    return int(session.scalar(select(func.count()).select_from(CollectionSubject).where(
        CollectionSubject.project_id == project_id)) or 0)


def _takes(session: Session, subject_row_id: int) -> dict[str, Any]:
    """A subject's takes: how many are current (the latest of each prompt) and retired (an
    earlier take a re-recording superseded), and per re-recorded prompt which take is current
    and which it replaced."""
    rows = session.execute(
        select(Recording.prompt_id, CollectionPrompt.position, Recording.attempt,
               Recording.item_id, Item.status, Item.superseded_by)
        .join(CollectionPrompt, CollectionPrompt.id == Recording.prompt_id)
        .outerjoin(Item, Item.id == Recording.item_id)
        .where(Recording.subject_row_id == subject_row_id)
        .order_by(CollectionPrompt.position, Recording.attempt)).all()
    by_prompt: dict[int, list[Any]] = {}
    for r in rows:
        by_prompt.setdefault(r.prompt_id, []).append(r)
    rerecorded = []
    for takes in by_prompt.values():
        retired = [{"attempt": t.attempt, "item_id": t.item_id, "superseded_by": t.superseded_by}
                   for t in takes if t.status == SUPERSEDED_STATUS]
        if retired:
            current = takes[-1]
            rerecorded.append({"prompt_id": current.prompt_id, "position": current.position,
                               "current_attempt": current.attempt,
                               "current_item_id": current.item_id, "retired": retired})
    return {"current_takes": len(by_prompt),
            "retired_takes": sum(len(r["retired"]) for r in rerecorded),
            "rerecorded": rerecorded}


def list_subjects(session: Session, actor: User, project_id: int) -> list[dict[str, Any]]:
    """Every subject: demographics, consent (version, signed; ``consent_withdrawn_at`` once
    they withdrew it), recordings and open requests (takes the checks or a review rejected
    count at once, not only once the subject visits). ``recordings`` counts every take;
    ``current_takes`` the latest of each prompt, ``retired_takes`` the earlier ones a
    re-recording superseded, and ``rerecorded`` says per such prompt which take is current.

    A listing writes nothing: the requests still to open are counted, not opened (the subject's
    page opens them; see :func:`datamill.collection.subject.sync_rerecords`); the read itself
    is audited (``collection.subjects_read``: demographics and signatures are personal data)."""
    from datamill.collection.subject import due_rerecords  # subject imports this module

    _project(session, actor, project_id, Action.MANAGE_PROJECT)
    gone = {subject_fold(sid): when for sid, when in withdrawn_subjects(session, project_id).items()}
    due: dict[int, int] = {}
    for rec, _source, _reason in due_rerecords(session, project_id):
        due[rec.subject_row_id] = due.get(rec.subject_row_id, 0) + 1
    out = []
    for s in session.scalars(select(CollectionSubject).where(
            CollectionSubject.project_id == project_id).order_by(CollectionSubject.id)):
        text = session.get(ConsentText, s.consent_text_id) if s.consent_text_id else None
        recs = session.scalar(select(func.count()).select_from(Recording)
                              .where(Recording.subject_row_id == s.id)) or 0
        open_req = session.scalar(select(func.count()).select_from(RerecordRequest).where(
            RerecordRequest.subject_row_id == s.id, RerecordRequest.resolved_at.is_(None))) or 0
        out.append({"subject_id": s.subject_id, "demographics": dict(s.demographics or {}),
                    "consent_id": s.consent_id, "consent_version": text.version if text else None,
                    "signature": s.signature, "signed_at": s.signed_at,
                    "enrolled_at": s.enrolled_at, "recordings": recs, **_takes(session, s.id),
                    "open_rerecords": open_req + due.get(s.id, 0),
                    # withdrew consent: counts toward no quota cell, records no more
                    # (under any spelling of the id, as the withdrawal itself folds it)
                    "consent_withdrawn_at": gone.get(subject_fold(s.subject_id))})
    # demographics and signatures are personal data: who read them is on the audit trail
    record_audit(session, actor_id=actor.id, action="collection.subjects_read",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"subjects": len(out)})
    return out


def request_rerecord(
    session: Session, actor: User, item_id: int, reason: str, *, source: str = "review",
) -> dict[str, Any]:
    """Ask the subject who recorded ``item_id`` to record its prompt again (a recording problem
    found in review or inspection). Reviewers, inspectors and project managers may."""
    item = get_or_raise(session, Item, item_id, "item", item_id=item_id)
    hide_unseen(session, actor, item.project_id, "item", item_id, item_id=item_id)
    if not any(_may(session, actor, a, item.project_id)
               for a in (Action.MANAGE_PROJECT, Action.REVIEW, Action.INSPECT)):
        raise Forbidden(f"role {actor.role!r} may not ask for re-recordings in this project")
    if source not in ("review", "inspection", "manual"):
        raise InvalidInput("source must be review, inspection or manual", field="source")
    reason = _clean(reason, 2_000, "reason")
    rec = session.scalars(select(Recording).where(Recording.item_id == item_id)).first()
    if rec is None:
        raise NotFound(f"item {item_id} was not recorded on the collection page", item_id=item_id)
    if item.status == SUPERSEDED_STATUS:  # its prompt's current take is another item
        raise Conflict(f"item {item_id} is an earlier take, superseded by item"
                       f" {item.superseded_by}; ask for that take to be recorded again",
                       item_id=item_id, superseded_by=item.superseded_by,
                       reason_code="take_superseded")
    row = open_request(session, rec, source, reason, requested_by=actor.id)
    record_audit(session, actor_id=actor.id, action="collection.rerecord_requested",
                 object_type="item", object_id=item_id, project_id=item.project_id,
                 data={"source": source, "reason": reason})
    return {"id": row.id, "item_id": item_id, "prompt_id": row.prompt_id, "source": row.source,
            "reason": row.reason}


def _may(session: Session, actor: User, action: Action, project_id: int) -> bool:
    try:
        authorize(session, actor, action, project_id=project_id)
    except Forbidden:
        return False
    return True


def open_request(
    session: Session, rec: Recording, source: str, reason: str, *, requested_by: int | None,
) -> RerecordRequest:
    """The re-record request of this recording (its subject, prompt and item), made if none.

    Two callers at once (two visits of the subject's page, a reviewer beside one) may both find
    none: the database's unique subject, prompt and item lets one insert, and the other's insert
    (in a savepoint, so its transaction goes on) fails and it returns the row the first wrote
    (on PostgreSQL the insert waits for the first to commit; SQLite has one writer anyway)."""
    def existing() -> RerecordRequest | None:
        return session.scalars(select(RerecordRequest).where(
            RerecordRequest.subject_row_id == rec.subject_row_id,
            RerecordRequest.prompt_id == rec.prompt_id, RerecordRequest.item_id == rec.item_id)
        ).first()

    row = existing()
    if row is not None:
        return row
    row = RerecordRequest(project_id=rec.project_id, subject_row_id=rec.subject_row_id,
                          prompt_id=rec.prompt_id, item_id=rec.item_id, source=source,
                          reason=reason, requested_by=requested_by)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # made at the same moment by another transaction, now committed
        won = existing()
        if won is None:
            raise
        return won
    return row
