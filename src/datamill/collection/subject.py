"""What a subject does on the collection page, reached by their invitation token: read and sign
the consent text, give demographics (checked against the quotas), record the prompts.

Order is enforced here, not in the page: no demographics and no upload before consent (a
Forbidden naming the step), no upload before demographics, no new prompt once the subject's
quota cell is full (a Conflict naming the cell). An upload is a PCM WAV at the spec's rate and
bit depth (the page records at both); it becomes an
item through the normal import (``import_source``, a one-row manifest carrying the subject's
id and demographics), the automatic checks run at once, and a failed check opens a re-record
request the page shows until the subject records the prompt again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from datamill.collection.errors import UploadFailed
from datamill.collection.models import (
    UPLOAD_TIMEOUT,
    CollectionInvite,
    CollectionPrompt,
    CollectionSubject,
    ConsentText,
    Recording,
    RerecordRequest,
    recording_external_id,
    recording_speaker_id,
)
from datamill.collection.quotas import QuotaBlock, cell_blocker, collection_spec, lock_quotas
from datamill.collection.staff import latest_consent_text, open_request, token_digest
from datamill.compliance.audit import record_audit
from datamill.compliance.consent import (
    record_subject_consent,
    subject_fold,
    withdrawn_subjects,
)
from datamill.compliance.security_models import ConsentRecord
from datamill.core.check_words import COVERAGE_REASON, OVERSPOKEN_REASON, STEADY_REASON
from datamill.core.clock import utcnow
from datamill.core.errors import (
    Conflict,
    DatamillError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
)
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import (
    CheckResult,
    ImportRejection,
    ImportRun,
    Item,
    Project,
    Review,
    Task,
)
from datamill.production.projects import SUPERSEDED_STATUS, project_requirements
from datamill.production.superseding import supersede_item
from datamill.storage.blobstore import BlobStore

__all__ = [
    "MAX_UPLOAD_BYTES",
    "Visit",
    "collection_state",
    "due_rerecords",
    "give_consent",
    "invite_is_live",
    "retire_earlier_takes",
    "set_demographics",
    "sync_rerecords",
    "upload_recording",
    "visit",
]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_GENDERS = {"female", "male", "other"}
#: the speech review reason ``recording``'s labels (``rv.reason.recording`` in the web
#: catalogues, en and zh-CN), which the review form stores alone or as "<label>: <text>"
_RECORDING_LABELS = ("Recording problem (the speaker records it again)", "录音问题（需补录）")
#: a review reason naming a recording problem: one of those labels; or "recording"/"录音" and
#: a colon within a few words (the reviewer's own "recording: ...", "录音问题：..."); or the
#: text after another reason's label does ("Wrong words: recording: ..."). A sentence that
#: merely starts with the word ("Recording is fine, two words missing") is not one.
_RECORDING_PROBLEM = re.compile(
    r"^\s*(?:(?:" + "|".join(map(re.escape, _RECORDING_LABELS)) + r")\s*(?:[:：]|$)"
    r"|(?:recording|录音)[^:：\n]{0,40}[:：]"
    r"|[^:：\n]{1,60}[:：]\s*(?:recording|录音)\s*[:：])",
    re.IGNORECASE)
_RECORDING_LABEL = re.compile(
    r"^\s*(?:(?:" + "|".join(map(re.escape, _RECORDING_LABELS)) + r")|recording|录音[^:：\n]{0,8})"
    r"\s*[:：]\s*", re.IGNORECASE)
_CHECK_CODE = re.compile(r"^([a-z_]+): ")  # a check's reason: "clipping: 3 of ... samples"


def reason_check_code(reason: str) -> str | None:
    """The check a stored reason is from (its ``code:`` prefix), for a client's advice in its
    language; ``prompt_coverage`` for the prompt-consistency check's "stops before the end of
    the prompt" (advice of its own, not the general "does not read the prompt"); None for
    people's words."""
    m = _CHECK_CODE.match(reason)
    if m is None:
        return None
    if m[1] == "audio_text_consistency" and reason[m.end():].startswith(COVERAGE_REASON):
        return "prompt_coverage"
    if m[1] == "audio_text_consistency" and reason[m.end():].startswith(OVERSPOKEN_REASON):
        return "prompt_overspoken"
    if m[1] in ("snr", "noise_floor") and reason[m.end():].startswith(STEADY_REASON):
        return "steady_sound"  # one steady sound: not "record in a quieter room"
    return m[1]


def _reviewer_words(reason: str) -> str:
    """A re-record request's reason as the subject reads it: the reviewer's own words, without
    the review form's "recording:" label (``recording: 背景噪音太大`` → ``背景噪音太大``); a reason
    that is only the label stays as it is."""
    rest = _RECORDING_LABEL.sub("", reason, count=1).strip()
    return rest or reason


class Visit:
    """A verified invitation: its project and subject."""

    def __init__(self, invite: CollectionInvite, subject: CollectionSubject, project: Project):
        self.invite, self.subject, self.project = invite, subject, project


def visit(session: Session, token: str) -> Visit:
    """The invitation behind ``token``; Unauthorized when unknown, revoked or expired."""
    if not token or len(token) > 200:
        raise Unauthorized("invalid invitation link", reason_code="invalid_link")
    inv = session.scalars(select(CollectionInvite).where(
        CollectionInvite.token_sha256 == token_digest(token))).first()
    if inv is None:
        raise Unauthorized("invalid invitation link", reason_code="invalid_link")
    if inv.revoked_at is not None:
        raise Unauthorized("this invitation link was revoked; ask the project manager for a new"
                           " one", reason_code="revoked")
    if inv.expires_at <= utcnow():
        raise Unauthorized("this invitation link has expired; ask the project manager for a new"
                           " one", reason_code="expired")
    subject = session.get(CollectionSubject, inv.subject_row_id)
    project = session.get(Project, inv.project_id)
    if subject is None or project is None:
        raise Unauthorized("invalid invitation link", reason_code="invalid_link")
    inv.last_used_at = utcnow()
    return Visit(inv, subject, project)


def invite_is_live(session: Session, token: str) -> bool:
    """Whether ``token`` names an invitation that is neither revoked nor expired (what
    :func:`visit` would accept), reading only: the body-size limit asks it before a subject's
    recording is read, so that a made-up token cannot make the server hold 20 MiB."""
    if not token or len(token) > 200:  # noqa: PLR2004 - visit's bound
        return False
    inv = session.scalars(select(CollectionInvite).where(
        CollectionInvite.token_sha256 == token_digest(token))).first()
    return inv is not None and inv.revoked_at is None and inv.expires_at > utcnow()


def _consent(session: Session, subject: CollectionSubject) -> ConsentRecord | None:
    """The subject's live consent record (None if never given or withdrawn)."""
    if subject.consent_id is None:
        return None
    rec = session.get(ConsentRecord, subject.consent_id)
    return rec if rec is not None and rec.withdrawn_at is None else None


def give_consent(session: Session, token: str, signature: str, version: int) -> dict[str, Any]:
    """Sign the latest consent text with the typed name; stored with the time (no IP)."""
    v = visit(session, token)
    text = latest_consent_text(session, v.project.id)
    if text is None:
        raise Conflict("this project has no consent text yet; the project manager must write one",
                       reason_code="no_consent_text")
    if version != text.version:
        raise Conflict(f"the consent text changed (now version {text.version}); read it again",
                       version=text.version, reason_code="consent_changed")
    name = " ".join((signature or "").split())
    if not 2 <= len(name) <= 200 or not name.isprintable():
        raise InvalidInput("type your full name (2 to 200 characters) to sign", field="signature",
                           reason_code="signature")
    rec = record_subject_consent(session, v.project.id, v.subject.subject_id)
    v.subject.consent_id, v.subject.consent_text_id = rec["id"], text.id
    v.subject.signature, v.subject.signed_at = name, utcnow()
    session.flush()
    record_audit(session, actor_id=None, action="collection.consent_signed",
                 object_type="consent", object_id=rec["id"], project_id=v.project.id,
                 data={"subject_id": v.subject.subject_id, "version": text.version})
    return collection_state(session, token)


def _demographics(gender: str, age: int, accent: str, device: str) -> dict[str, Any]:
    gender = (gender or "").strip().lower()
    if gender not in _GENDERS:
        raise InvalidInput("gender must be female, male or other", field="gender")
    if not isinstance(age, int) or not 0 <= age <= 150:
        raise InvalidInput("age must be a whole number from 0 to 150", field="age")
    out: dict[str, Any] = {"gender": gender, "age": age}
    for key, value in (("accent", accent), ("device", device)):
        value = " ".join((value or "").split())
        if len(value) > 100 or not value.isprintable():
            raise InvalidInput(f"{key} must be at most 100 printable characters", field=key)
        if value:
            out[key] = value
    return out


def set_demographics(
    session: Session, token: str, *, gender: str, age: int, accent: str = "", device: str = "",
) -> dict[str, Any]:
    """Record the subject's demographics and enrol them, unless their quota cell is full.

    Demographics are fixed once submitted, a refusal included (the refused answers are
    committed before the Conflict is raised): a subject refused for a full cell cannot enrol
    with other answers through the same link. Sending the same answers again is allowed (a
    refused subject is enrolled should their cell open); other answers are refused with
    ``demographics_locked`` until the project manager resets them
    (:func:`datamill.collection.staff.reset_demographics`, audited)."""
    v = visit(session, token)
    if _consent(session, v.subject) is None:
        raise Forbidden("give your consent first: sign the consent text before anything else",
                        reason_code="consent_first")
    demo = _demographics(gender, age, accent, device)
    lock_quotas(session, v.project.id)  # enrolments at once: each counts the others
    given = dict(v.subject.demographics or {})
    if given and demo != given:
        raise Conflict("your answers about you were sent already and cannot be changed here;"
                       " ask the project manager to change them", reason_code="demographics_locked")
    blocker = cell_blocker(session, v.project, v.subject.subject_id, demo) \
        if v.subject.enrolled_at is None else None
    v.subject.demographics = demo
    if blocker:
        session.flush()
        record_audit(session, actor_id=None, action="collection.demographics_refused",
                     object_type="subject", object_id=v.subject.id, project_id=v.project.id,
                     data={"subject_id": v.subject.subject_id, "demographics": demo,
                           "reason": blocker.sentence, "code": blocker.code})
        session.commit()  # the refused answers stay: they are the subject's answers now
        raise Conflict(f"collection is closed for you: {blocker.sentence}", **_closed(blocker))
    if v.subject.enrolled_at is None:
        v.subject.enrolled_at = utcnow()
        session.flush()
        record_audit(session, actor_id=None, action="collection.enrolled", object_type="subject",
                     object_id=v.subject.id, project_id=v.project.id,
                     data={"subject_id": v.subject.subject_id, "demographics": demo})
    session.flush()
    return collection_state(session, token)


def _closed(blocker: QuotaBlock) -> dict[str, str]:
    """What closes collection for a subject, for pages to say in their language: the
    ``reason_code`` (``cell_full`` with the ``cell`` label, or ``no_cell``)."""
    if blocker.code == "cell_full":
        return {"reason_code": "cell_full", "cell": str(blocker.params["cell"])}
    return {"reason_code": "no_cell"}


def sync_rerecords(session: Session, project_id: int) -> int:
    """Open a re-record request for each latest recording whose item the checks rejected, or
    that review rejected with a reason starting ``recording:`` (a recording problem). Returns
    how many it opened."""
    due = due_rerecords(session, project_id)
    for rec, source, reason in due:
        open_request(session, rec, source, reason, requested_by=None)
    return len(due)


def due_rerecords(session: Session, project_id: int) -> list[tuple[Recording, str, str]]:
    """The re-record requests :func:`sync_rerecords` would open, as (recording, source,
    reason); reads only."""
    latest = session.execute(
        select(Recording, Item.status, Item.reject_reasons).join(Item, Item.id == Recording.item_id)
        .where(Recording.project_id == project_id).order_by(Recording.attempt)).all()
    last: dict[tuple[int, int], tuple[Recording, str, list[Any]]] = {}
    for rec, status, reasons in latest:
        last[(rec.subject_row_id, rec.prompt_id)] = (rec, status, list(reasons or []))
    known = set(session.scalars(select(RerecordRequest.item_id).where(
        RerecordRequest.project_id == project_id)))
    due: list[tuple[Recording, str, str]] = []
    for rec, status, reasons in last.values():
        if rec.item_id in known:
            continue
        reason: str | None = None
        source = "checks"
        if status == "rejected":
            reason = "; ".join(str(r) for r in reasons) or "the automatic checks failed"
        else:
            review = session.scalars(select(Review).where(Review.item_id == rec.item_id)
                                     .order_by(Review.id.desc()).limit(1)).first()
            if review is not None and review.verdict == "reject" and review.reason \
                    and _RECORDING_PROBLEM.match(review.reason):
                reason, source = review.reason, "review"
        if reason:
            due.append((rec, source, reason))
    return due


def _prompt_rows(session: Session, v: Visit) -> list[dict[str, Any]]:
    prompts = session.scalars(select(CollectionPrompt).where(
        CollectionPrompt.project_id == v.project.id).order_by(CollectionPrompt.position)).all()
    recs = session.execute(
        select(Recording, Item.status, Item.reject_reasons)
        .outerjoin(Item, Item.id == Recording.item_id)
        .where(Recording.subject_row_id == v.subject.id).order_by(Recording.attempt)).all()
    latest = {r.prompt_id: (r, status, reasons) for r, status, reasons in recs}
    retired: dict[int, int] = {}  # earlier takes a re-recording superseded, per prompt
    for r, status, _reasons in recs:
        if status == SUPERSEDED_STATUS:
            retired[r.prompt_id] = retired.get(r.prompt_id, 0) + 1
    open_req = {r.prompt_id: r for r in session.scalars(select(RerecordRequest).where(
        RerecordRequest.subject_row_id == v.subject.id, RerecordRequest.resolved_at.is_(None)))}
    rows = []
    for p in prompts:
        got = latest.get(p.id)
        req = open_req.get(p.id)
        asked = None  # who asked for it again: the checks, or people (review, staff)
        if got is not None and got[0].item_id is None:  # written before its item: the
            state, reasons = "checking", []  # import is under way (a re-record's too)
        elif req is not None and req.source == "checks":  # the checks' reasons, one each
            own = list(got[2] or []) if got is not None and got[0].item_id == req.item_id else []
            state, reasons, asked = "rerecord", own or [req.reason], "checks"
        elif req is not None:
            state, reasons, asked = "rerecord", [_reviewer_words(req.reason)], "people"
        elif got is None:
            state, reasons = "todo", []
        elif got[1] == "imported":
            state, reasons = "checking", []
        elif got[1] == "rejected":
            state, reasons, asked = "rerecord", list(got[2] or []), "checks"
        else:
            state, reasons = "done", []
        rows.append({"id": p.id, "position": p.position, "text": p.text, "state": state,
                     "reasons": reasons, "asked_by": asked,
                     # the check each reason is from (its "code:" prefix), for a client to
                     # give advice in its language; none for people's words
                     "checks": [reason_check_code(r) for r in reasons]
                     if asked == "checks" else [],
                     "attempts": got[0].attempt if got else 0,
                     "item_id": got[0].item_id if got else None,
                     # the latest take is the current one; these earlier ones it replaced
                     # stay on record, never delivered, paid or counted in a quota
                     "retired_takes": retired.get(p.id, 0)})
    return rows


def collection_state(session: Session, token: str) -> dict[str, Any]:
    """Everything the page shows: the consent text and whether it is signed, demographics,
    each prompt's state (todo, checking, done, rerecord with reasons; its latest take is the
    current one, ``retired_takes`` the earlier ones it superseded), and why collection is
    closed for the subject, if it is."""
    v = visit(session, token)
    sync_rerecords(session, v.project.id)
    text = latest_consent_text(session, v.project.id)
    consent = _consent(session, v.subject)
    signed = session.get(ConsentText, v.subject.consent_text_id) \
        if v.subject.consent_text_id else None
    prompts = _prompt_rows(session, v)
    blocker = None
    if v.subject.demographics and consent is not None:  # enrolled, or refused
        blocker = cell_blocker(session, v.project, v.subject.subject_id,
                               dict(v.subject.demographics or {}))
    spec = collection_spec(v.project)
    rate, bits = _audio_format(session, v.project)
    session.flush()
    return {
        "project": {"id": v.project.id, "name": v.project.name, "language": v.project.language},
        "subject_id": v.subject.subject_id,
        "consent_text": ({"version": text.version, "text": text.text} if text else None),
        "consent": ({"id": consent.id, "version": signed.version if signed else None,
                     "signature": v.subject.signature, "signed_at": v.subject.signed_at}
                    if consent is not None else None),
        # the subject withdrew consent: the link signs nothing again (contact the project)
        "consent_withdrawn": subject_fold(v.subject.subject_id) in {  # under any spelling
            subject_fold(s) for s in withdrawn_subjects(session, v.project.id)},
        "demographics": dict(v.subject.demographics or {}) or None,
        # answers once sent are fixed (the project manager may reset them)
        "demographics_locked": bool(v.subject.demographics),
        "enrolled": v.subject.enrolled_at is not None,
        "age_bands": [b.model_dump() for b in spec.age_bands] if spec else [],
        # the answers the quota cells expect (the page offers them as choices, so a subject
        # who types "北京" for the cell's "北方" is not refused)
        "accents": sorted({c.accent for c in spec.cells if c.accent}) if spec else [],
        "devices": sorted({c.device for c in spec.cells if c.device}) if spec else [],
        "sample_rate_hz": rate,
        # the page writes its WAV at the spec's bit depth (a TTS studio's 24-bit included)
        "bit_depth": bits,
        "prompts": prompts,
        "done": sum(1 for p in prompts if p["state"] == "done"),
        "total": len(prompts),
        "closed": blocker.sentence if blocker else None,
        "closed_code": _closed(blocker)["reason_code"] if blocker else None,
        "closed_cell": _closed(blocker).get("cell") if blocker else None,
        "expires_at": v.invite.expires_at,
    }


def _audio_format(session: Session, project: Project) -> tuple[int, int]:
    """The sample rate and bit depth a take must have: the spec's, its modality's defaults
    where it names none (a TTS spec's 48 kHz 24-bit); the page records at both."""
    audio = getattr(project_requirements(session, project.id), "audio", None)
    if audio is None:
        return 16000, 16
    return int(audio.sample_rate_hz), int(audio.bit_depth)


_PCM_BITS = {"PCM_U8": 8, "PCM_S8": 8, "PCM_16": 16, "PCM_24": 24, "PCM_32": 32}


def _check_wav(data: bytes, rate: int, bits: int = 16) -> int:
    """A PCM WAV at the spec's rate and bit depth, non-empty (the checks measure the rest);
    returns its length in milliseconds, from the audio the file holds (a header that
    promises more, such as a streamed WAV's, does not count).

    Read by libsndfile, as the import reads it: a WAVE_FORMAT_EXTENSIBLE header (what ffmpeg
    and sox write for 24-bit PCM) is PCM WAV too (Python's ``wave`` refused it, ``unknown
    format: 65534``)."""
    import soundfile as sf  # noqa: PLC0415 - cffi and libsndfile: only for an upload

    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"a recording is 1 byte to {MAX_UPLOAD_BYTES // 1024 // 1024} MiB",
                           field="audio", reason_code="recording_too_long" if data else "bad_wav")
    try:
        info = sf.info(io.BytesIO(data))
    except (sf.LibsndfileError, sf.SoundFileError, RuntimeError) as err:
        said = getattr(err, "error_string", None) or str(err)
        raise InvalidInput(f"the upload is not a PCM WAV file ({said})", field="audio",
                           reason_code="bad_wav") from err
    if info.format not in ("WAV", "WAVEX") or info.subtype not in _PCM_BITS:
        raise InvalidInput(f"the upload is not a PCM WAV file ({info.format}, {info.subtype})",
                           field="audio", reason_code="bad_wav")
    got, frames, width = int(info.samplerate), int(info.frames), _PCM_BITS[info.subtype]
    if width != bits or got != rate or frames == 0:
        raise InvalidInput(f"a recording must be {bits}-bit PCM WAV at {rate} Hz with audio; got"
                           f" {width}-bit at {got} Hz, {frames} frames", field="audio",
                           reason_code="bad_wav")
    return frames * 1000 // rate


def _refuse_copy(session: Session, v: Visit, prompt_id: int, data: bytes) -> str:
    """Refuse a take whose bytes are those of an item the project has already (another
    prompt's take, another subject's, an imported file) or of an upload under way: blobs are
    addressed by their sha256, so an exact copy is known. Returns the take's sha256.

    The caller holds the project's quota lock and writes the take's recording row with this
    sha256 in the same transaction, so of two copies uploaded at once, before either item
    exists, the second finds the first's row (an upload abandoned for :data:`UPLOAD_TIMEOUT`
    without an item does not count). The subject's own earlier takes of this prompt do not
    count (a take whose check failed on the server's side may be sent again as it was).
    Near-identical audio (re-encoded, trimmed, a copy with one sample changed) is not
    detected here."""
    digest = hashlib.sha256(data).hexdigest()
    own = select(Recording.item_id).where(Recording.subject_row_id == v.subject.id,
                                          Recording.prompt_id == prompt_id,
                                          Recording.item_id.is_not(None))
    item = select(Item.id).where(Item.project_id == v.project.id, Item.sha256 == digest,
                                 Item.id.not_in(own))
    take = select(Recording.id).where(
        Recording.project_id == v.project.id, Recording.sha256 == digest,
        ~((Recording.subject_row_id == v.subject.id) & (Recording.prompt_id == prompt_id)),
        Recording.item_id.is_not(None) | (Recording.created_at > utcnow() - UPLOAD_TIMEOUT))
    if session.scalar(select(exists(item) | exists(take))):
        raise InvalidInput("this recording is an exact copy of one this project has already;"
                           " read the prompt aloud and record it anew", field="audio",
                           reason_code="duplicate_recording")
    return digest


def _abandoned(session: Session, subject_row_id: int, prompt_id: int) -> None:
    """Settle this prompt's uploads whose process died during the import (no item for
    :data:`UPLOAD_TIMEOUT`): linked to their item when it was written, else removed."""
    for rec in session.scalars(select(Recording).where(
            Recording.subject_row_id == subject_row_id, Recording.prompt_id == prompt_id,
            Recording.item_id.is_(None), Recording.created_at <= utcnow() - UPLOAD_TIMEOUT)).all():
        subj, prompt = session.get(CollectionSubject, rec.subject_row_id), \
            session.get(CollectionPrompt, rec.prompt_id)
        ext_id = recording_external_id(subj.subject_id, subj.id, prompt.position, rec.attempt) \
            if subj is not None and prompt is not None else None
        rec.item_id = session.scalar(select(Item.id).where(
            Item.project_id == rec.project_id, Item.external_id == ext_id))
        if rec.item_id is None:
            session.delete(rec)
        else:
            retire_earlier_takes(session, rec)
    session.flush()


def retire_earlier_takes(session: Session, rec: Recording) -> list[int]:
    """Supersede the subject's earlier takes of the recording's prompt by its item (a
    re-recording replaces them: see :mod:`datamill.production.superseding`); returns the item
    ids it superseded now. Called where a take's item is linked, in that transaction."""
    if rec.item_id is None:
        return []
    earlier = session.scalars(
        select(Recording.item_id).join(Item, Item.id == Recording.item_id).where(
            Recording.subject_row_id == rec.subject_row_id, Recording.prompt_id == rec.prompt_id,
            Recording.attempt < rec.attempt, Item.status != SUPERSEDED_STATUS)
        .order_by(Recording.attempt)).all()
    done = []
    for item_id in earlier:
        if item_id is not None and supersede_item(
                session, item_id, rec.item_id,
                reason=f"re-recorded: attempt {rec.attempt} of the prompt")["changed"]:
            done.append(item_id)
    return done


def _reserve(
    session: Session, token: str, prompt_id: int, data: bytes,
) -> tuple[Recording, dict[str, Any]]:
    """Check that the subject may record the prompt now and write its recording row without an
    item, in one transaction under the project's quota lock, and commit it: uploads at once
    (a double-click, a retry, another subject filling the cell) then each see the others'.
    Returns the row and the import's manifest row."""
    v = visit(session, token)
    consent = _consent(session, v.subject)
    if consent is None:
        raise Forbidden("give your consent first: no recording is accepted before you sign the"
                        " consent text", reason_code="consent_first")
    if v.subject.enrolled_at is None:
        raise Forbidden("give your demographics before recording", reason_code="demographics_first")
    prompt = session.get(CollectionPrompt, prompt_id)
    if prompt is None or prompt.project_id != v.project.id:
        raise NotFound(f"no prompt {prompt_id} in this project", prompt_id=prompt_id)
    lock_quotas(session, v.project.id)  # from here to the commit: one upload at a time
    _abandoned(session, v.subject.id, prompt_id)
    row = next(p for p in _prompt_rows(session, v) if p["id"] == prompt_id)
    if row["state"] == "checking" and row["item_id"] is None:
        raise Conflict("this prompt is being uploaded already (a second click or a retry); wait"
                       " a moment and reload the page to see its result", reason_code="uploading")
    if row["state"] in ("done", "checking"):
        raise Conflict("this prompt is recorded already; each prompt is recorded once",
                       reason_code="recorded_already")
    if row["state"] == "todo":
        blocker = cell_blocker(session, v.project, v.subject.subject_id,
                               dict(v.subject.demographics or {}))
        if blocker:
            raise Conflict(f"collection is closed for you: {blocker.sentence}",
                           **_closed(blocker))
    duration_ms = _check_wav(data, *_audio_format(session, v.project))
    digest = _refuse_copy(session, v, prompt_id, data)
    attempt = row["attempts"] + 1
    ext_id = recording_external_id(v.subject.subject_id, v.subject.id, prompt.position, attempt)
    rec = Recording(project_id=v.project.id, subject_row_id=v.subject.id, prompt_id=prompt_id,
                    attempt=attempt, consent_id=consent.id, duration_ms=duration_ms,
                    sha256=digest)
    session.add(rec)
    meta = {"path": f"{ext_id}.wav", "id": ext_id,
            "speaker_id": recording_speaker_id(v.subject.subject_id),
            "prompt": prompt.text, **dict(v.subject.demographics or {})}
    session.commit()  # the import commits on its own
    return rec, meta


def _import_take(session: Session, blobs: BlobStore, rec: Recording, meta: dict[str, Any],
                 data: bytes) -> Item:
    """Import the take and link its item to the recording row, all or nothing: when the
    import refuses the take or anything fails before the link is committed, the row and the
    item the import wrote are removed (see :func:`_undo_take`)."""
    rec_id, project_id, prompt_id = rec.id, rec.project_id, rec.prompt_id
    with tempfile.TemporaryDirectory(prefix="datamill-collect-") as tmp:
        manifest = Path(tmp) / "manifest.jsonl"
        try:
            (Path(tmp) / meta["path"]).write_bytes(data)
            manifest.write_text(json.dumps(meta) + "\n", encoding="utf-8")
            report = import_source(session, blobs, project_id, manifest)
            item = session.scalars(select(Item).where(Item.project_id == project_id,
                                                      Item.external_id == meta["id"])).first()
            if item is None:
                reasons = [r.get("reason", "") for r in report.rejections] or ["import refused"]
                raise InvalidInput(f"the recording was refused: {'; '.join(reasons)}",
                                   field="audio", reason_code="refused")
            item.meta = {**(item.meta or {}), "consent_id": rec.consent_id,
                         "collection": {"subject_row_id": rec.subject_row_id,
                                        "prompt_id": rec.prompt_id, "attempt": rec.attempt}}
            rec.item_id = item.id
            for req in session.scalars(select(RerecordRequest).where(
                    RerecordRequest.subject_row_id == rec.subject_row_id,
                    RerecordRequest.prompt_id == rec.prompt_id,
                    RerecordRequest.resolved_at.is_(None))):
                req.resolved_at = utcnow()
            retire_earlier_takes(session, rec)  # the new take replaces them, all or nothing
            session.commit()
        except BaseException as err:
            session.rollback()
            _undo_take(session, rec_id, project_id, meta, manifest)
            session.commit()
            if isinstance(err, DatamillError) or not isinstance(err, Exception):
                raise
            raise UploadFailed(
                "the recording could not be saved (a server error, not your recording);"
                " nothing of it was kept: record the prompt again", prompt_id=prompt_id,
                reason_code="upload_failed",
            ) from err
    return item


#: The reason a take gets when its checks fail after it was saved (the ``check_failed`` prefix
#: is the key of the advice the collection page shows: record the prompt again).
CHECK_FAILED_REASON = ("check_failed: the automatic check of this recording failed (a server"
                       " error, not your recording); record the prompt again")


def _check_take(session: Session, blobs: BlobStore, project_id: int, item_id: int,
                apart: bool = False) -> None:
    """Check the saved take at once (``apart``: in a warm worker process, see
    :func:`~datamill.production.checking.run_checks`). Should the checks fail (an error, not a
    verdict), the take stays saved but is rejected with :data:`CHECK_FAILED_REASON`, so the
    prompt asks for a re-record instead of staying "checking" (and refusing every upload) for
    ever."""
    try:
        run_checks(session, blobs, project_id, workers=1, only=[item_id], apart=apart)
    except Exception as err:  # noqa: BLE001 - any failure of the checks: the take is kept
        session.rollback()
        item = session.get(Item, item_id)
        if item is None or item.status != "imported":
            raise
        item.status, item.reject_reasons = "rejected", [CHECK_FAILED_REASON]
        session.execute(delete(CheckResult).where(CheckResult.item_id == item_id))
        session.add(CheckResult(item_id=item_id, name="check_failed", passed=False,
                                reason=CHECK_FAILED_REASON.partition(": ")[2],
                                extra={"error": type(err).__name__}))  # on the dashboard too
        record_audit(session, actor_id=None, action="items.check_failed", object_type="item",
                     object_id=item_id, project_id=project_id,
                     data={"error": f"{type(err).__name__}: {err}"[:500]})
        session.commit()


def _undo_take(session: Session, rec_id: int, project_id: int, meta: dict[str, Any],
               manifest: Path) -> None:
    """Remove what a failed upload wrote: its recording row and, when the import committed the
    take's item before the failure, that item with its check results. Only an item this
    upload's import run wrote (its manifest is unique to the upload) that no recording links
    and nobody worked on is removed; its run counts it as refused, with the reason. Should
    this fail too, :func:`_abandoned` links the row to its item later."""
    run = session.scalars(select(ImportRun).where(
        ImportRun.project_id == project_id,
        ImportRun.source == os.path.abspath(manifest))).first()
    item = session.scalars(select(Item).where(
        Item.project_id == project_id, Item.external_id == meta["id"],
        Item.current_version == 0,
        ~exists().where(Recording.item_id == Item.id),
        ~exists().where(Task.item_id == Item.id))).first() if run is not None else None
    if run is not None and item is not None and item.import_run_id == run.id:
        session.execute(delete(CheckResult).where(CheckResult.item_id == item.id))
        session.delete(item)
        run.imported, run.rejected = max(run.imported - 1, 0), run.rejected + 1
        session.add(ImportRejection(import_run_id=run.id, source=meta["path"],
                                    reason="the upload failed before its recording was linked;"
                                           " the item was removed"))
    if run is not None and run.status in ("running", "interrupted"):  # its source is gone
        run.status, run.finished_at = "failed", utcnow()
    session.execute(delete(Recording).where(Recording.id == rec_id,
                                            Recording.item_id.is_(None)))


def upload_recording(
    session: Session, blobs: BlobStore, token: str, prompt_id: int, data: bytes,
    *, apart: bool = False,
) -> dict[str, Any]:
    """Import one recording of a prompt and check it at once; returns the prompt's new state
    with the check's verdict and reasons. ``apart``: the take is decoded and checked in a warm
    worker process, with no transaction open meanwhile (what the web server asks for: a
    read-speech alignment holds the interpreter lock ~0.5 s a take).

    Uploads at once: exactly one upload of a prompt goes through (the others get a Conflict:
    being uploaded, or recorded already), and a quota cell never takes more than its target;
    see :func:`_reserve`."""
    rec, meta = _reserve(session, token, prompt_id, data)
    item = _import_take(session, blobs, rec, meta, data)
    if item.status == "imported":
        _check_take(session, blobs, rec.project_id, item.id, apart)
    session.refresh(item)
    state = collection_state(session, token)
    session.commit()
    return {"item_id": item.id, "attempt": rec.attempt, "status": item.status,
            "passed": item.status not in ("rejected", "imported"),
            "reasons": list(item.reject_reasons or []),
            "checks": [reason_check_code(str(r)) for r in item.reject_reasons or []],
            "quota": (item.meta or {}).get("quota"), "state": state}
