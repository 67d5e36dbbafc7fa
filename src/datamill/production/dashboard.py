"""Read models of the project pages (dashboard figures, inspection lists, the package panel):
queries the faces show, kept in the production domain so the web (and any other face) only
translates. Reads only; every write goes through the production services.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.compliance.models import ProjectMember, User
from datamill.core.errors import InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.modalities.registry import get_modality
from datamill.production.hooks import batch_exclusions
from datamill.production.media import item_content
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    CheckResult,
    Delivery,
    Inspection,
    Item,
    Project,
    Review,
    Task,
    TaskAssignment,
    WorkPackage,
)
from datamill.production.projects import (
    GOLDEN_STATUS,
    NOT_USABLE_STATUSES,
    SUPERSEDED_STATUS,
)
from datamill.production.schemas import DeliveryOut
from datamill.storage.blobstore import BlobStore

__all__ = [
    "STAGE_ORDER",
    "WAITING_CODE",
    "WITHDRAWN_STATUS",
    "batches_for_inspection",
    "check_failures",
    "dashboard",
    "deliveries",
    "inspection_by_batch",
    "last_rejection",
    "live_scores",
    "open_task_counts",
    "package_panel",
    "progress_by_status",
    "review_waiting",
    "sample_contents",
    "sample_excerpts",
    "sample_texts",
    "throughput",
    "waiting_for_annotator",
    "worst_files",
]

STAGE_ORDER = (
    "imported", "rejected", "listening", "passed", "preannotated", "in_review", "rework",
    "reviewed",
    "batched", "accepted", "delivered",
    GOLDEN_STATUS,  # set aside as known-answer checks: no production stage, shown on its own
    "consent_withdrawn",  # their subject withdrew consent: never batched, not usable volume
    SUPERSEDED_STATUS,  # a newer take of the same prompt replaced it: kept, not usable volume
)
WITHDRAWN_STATUS = "consent_withdrawn"


def _per_unit(session: Session, project_id: int) -> tuple[str, int]:
    """The project's volume unit and how many base units make one (speech: hours, 3,600,000
    ms; image: images, 1)."""
    project = get_or_raise(session, Project, project_id, "project")
    plugin = get_modality(project.modality)
    return plugin.volume_unit, plugin.volume_per_unit


def _in_delivered_batch() -> Any:
    """Whether the item (of the enclosing query) is in a batch that was delivered."""
    return (select(BatchItem.id).join(Batch, Batch.id == BatchItem.batch_id)
            .where(BatchItem.item_id == Item.id, Batch.status == "delivered")
            .exists())


def progress_by_status(session: Session, project_id: int) -> list[dict[str, Any]]:
    """Items and their volume (in the modality's unit) per status, in the loop's order;
    ``usable`` is False for the statuses that are no usable production volume (rejected by the
    checks, golden items set aside as known-answer checks: see ``project_stats``). Items whose
    subject withdrew consent (``batch_exclusions``) count under ``consent_withdrawn``, not
    their status, and are not usable either."""
    unit, per_unit = _per_unit(session, project_id)
    # an item keeps status ``accepted`` (passed inspection) when its batch is delivered (the
    # vendors' settlement reads that status): shown as delivered, which it is
    shown = case((Item.status.in_(("accepted", "batched")) & _in_delivered_batch(), "delivered"),
                 else_=Item.status)
    per_item = select(shown.label("status"), Item.volume).where(
        Item.project_id == project_id).subquery()
    rows = session.execute(
        select(per_item.c.status, func.count(), func.coalesce(func.sum(per_item.c.volume), 0))
        .group_by(per_item.c.status)
    ).all()
    counts = {s: [int(n), int(v or 0)] for s, n, v in rows}
    # items never to be batched again (their subject withdrew consent) are no production
    # volume: shown apart, whatever status they had reached
    excluded = sorted(batch_exclusions(session, project_id))
    for start in range(0, len(excluded), 500):
        for status, volume in session.execute(select(shown, Item.volume).where(
                Item.id.in_(excluded[start:start + 500]))).all():
            for key, n in ((status, -1), (WITHDRAWN_STATUS, 1)):
                entry = counts.setdefault(key, [0, 0])
                entry[0] += n
                entry[1] += n * int(volume or 0)
    found = {s: (n, round(v / per_unit, 4)) for s, (n, v) in counts.items() if n > 0}
    order = [s for s in STAGE_ORDER if s in found] + sorted(set(found) - set(STAGE_ORDER))
    return [{"status": s, "items": found[s][0], "volume": found[s][1], "unit": unit,
             "usable": s not in (*NOT_USABLE_STATUSES, WITHDRAWN_STATUS)} for s in order]


def throughput(session: Session, project_id: int) -> dict[str, Any]:
    """Submitted work per business day (``DATAMILL_BUSINESS_TIMEZONE``) and per worker: items
    and their volume in the modality's unit. An annotator's submission counts, and so does every
    review verdict (accept, edit or reject: each is a reviewer's work on the item; an edit once,
    not also as its version). An item annotated and reviewed therefore counts twice in
    ``items``: each row also says the work per stage (``annotated``, ``reviewed`` and their
    volumes), and ``items_are`` says what ``items`` counts."""
    unit, per_unit = _per_unit(session, project_id)
    annotations = (
        select(Annotation.created_at, User.username, Item.volume, literal(0).label("stage"))
        .join(Item, Item.id == Annotation.item_id)
        .join(User, User.id == Annotation.author_id)
        .where(Item.project_id == project_id, Annotation.kind == "annotation"))
    reviews = (
        select(Review.created_at, User.username, Item.volume, literal(1).label("stage"))
        .join(Item, Item.id == Review.item_id)
        .join(User, User.id == Review.reviewer_id)
        .where(Item.project_id == project_id))
    rows = session.execute(annotations.union_all(reviews)).all()
    # per key: [items, volume, annotated, annotated volume, reviewed, reviewed volume]
    days: dict[str, list[int]] = {}
    workers: dict[str, list[int]] = {}
    for created_at, username, volume, stage in rows:
        for key, acc in ((business_day(created_at).isoformat(), days), (username, workers)):
            entry = acc.setdefault(key, [0] * 6)
            entry[0] += 1
            entry[1] += int(volume or 0)
            entry[2 + 2 * int(stage)] += 1
            entry[3 + 2 * int(stage)] += int(volume or 0)

    def row(v: list[int]) -> dict[str, Any]:
        return {"items": v[0], "volume": round(v[1] / per_unit, 4),
                "annotated": v[2], "annotated_volume": round(v[3] / per_unit, 4),
                "reviewed": v[4], "reviewed_volume": round(v[5] / per_unit, 4)}

    return {
        "unit": unit,
        "items_are": "work done: annotation submissions plus review verdicts (an item annotated"
                     " and reviewed counts once per stage; see annotated and reviewed)",
        "per_day": [{"day": d, **row(v)} for d, v in sorted(days.items())],
        "per_worker": [{"worker": w, **row(v)}
                       for w, v in sorted(workers.items(), key=lambda kv: -kv[1][0])],
    }


def check_failures(session: Session, project_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(CheckResult.name, func.count())
        .join(Item, Item.id == CheckResult.item_id)
        .where(Item.project_id == project_id, CheckResult.passed.is_(False))
        .group_by(CheckResult.name)
        .order_by(func.count().desc(), CheckResult.name)
    ).all()
    return [{"check": name, "items": int(n)} for name, n in rows]


def worst_files(session: Session, project_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """Items failing the most automatic checks, with their reasons."""
    failed = func.count(CheckResult.id)
    rows = session.execute(
        select(Item, failed)
        .join(CheckResult, CheckResult.item_id == Item.id)
        .where(Item.project_id == project_id, CheckResult.passed.is_(False))
        .group_by(Item.id)
        .order_by(failed.desc(), Item.id)
        .limit(limit)
    ).all()
    ids = [item.id for item, _n in rows]
    checks: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for c in session.scalars(
            select(CheckResult)
            .where(CheckResult.item_id.in_(ids), CheckResult.passed.is_(False))
            .order_by(CheckResult.item_id, CheckResult.id)
        ):
            checks[c.item_id].append({"name": c.name, "value": c.value, "reason": c.reason,
                                      "extra": c.extra or {}})
    out = []
    for item, n in rows:
        reasons = [str(r) for r in item.reject_reasons or []]
        names = {c["name"] for c in checks[item.id]}
        out.append({
            "item_id": item.id, "external_id": item.external_id, "filename": item.filename,
            "failed": int(n),
            "reasons": reasons, "duration_ms": (item.attributes or {}).get("duration_ms"),
            # the failed checks' names and values, for pages in other languages (additive)
            "checks": checks[item.id],
            "other_reasons": [r for r in reasons if r.partition(":")[0] not in names],
        })
    return out


def inspection_by_batch(session: Session, project_id: int) -> list[dict[str, Any]]:
    batches = session.scalars(
        select(Batch).where(Batch.project_id == project_id).order_by(Batch.id)
    ).all()
    out = []
    for b in batches:
        insp = session.scalars(
            select(Inspection).where(Inspection.batch_id == b.id).order_by(Inspection.id.desc())
        ).first()
        n = session.scalar(select(func.count()).select_from(BatchItem).where(BatchItem.batch_id == b.id))
        out.append({
            "batch_id": b.id, "name": b.name, "status": b.status, "items": int(n or 0),
            "inspection_id": insp.id if insp else None,
            "sample_size": (insp.plan or {}).get("sample_size") if insp else None,
            "verdict": insp.verdict if insp else None,
            "scores": dict(insp.scores or {}) if insp else {},
            "reasons": list(insp.reasons or []) if insp else [],
        })
    return out


def deliveries(session: Session, project_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Delivery).where(Delivery.project_id == project_id).order_by(Delivery.id)
    ).all()
    out = []
    for d in rows:
        v = DeliveryOut.model_validate(d)  # volumes in the modality's unit
        out.append(
            {"id": d.id, "batch_id": d.batch_id, "status": d.status, "formats": list(d.formats),
             "delivered_items": v.delivered_items, "delivered_volume": v.delivered_volume,
             "accepted_items": v.accepted_items, "accepted_volume": v.accepted_volume,
             "volume_unit": v.volume_unit, "note": d.acceptance_note}
        )
    return out


#: the coded notice of :func:`waiting_for_annotator` (the pages translate it by this code)
WAITING_CODE = "waiting_for_new_annotator"


def waiting_for_annotator(session: Session, project_id: int) -> dict[str, Any] | None:
    """Items whose annotate task has room under its overlap (an extra annotator asked for by
    aggregation, or a spec overlap above the team's size) but that every annotator of the
    project has already answered or holds: nobody can claim them, so they wait until a project
    manager adds an annotator. None when no item waits so; else the coded notice: ``code``,
    ``items``, ``annotators`` (the project's active annotators) and an English ``message``.
    Annotators are the active members whose role annotates as a member (annotator, vendor
    worker); an administrator may annotate anywhere but is not counted as the team."""
    from datamill.compliance.permissions import Scope, role_scope  # noqa: PLC0415 - cycle
    from datamill.compliance.roles import Action  # noqa: PLC0415

    members = session.execute(
        select(User.id, User.role).join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project_id, User.is_active.is_(True))
    ).tuples().all()
    team = [uid for uid, role in members if role_scope(role, Action.ANNOTATE) is Scope.MEMBER]
    answered = (
        select(func.count(TaskAssignment.id))
        .where(TaskAssignment.task_id == Task.id, TaskAssignment.user_id.in_(team))
        .scalar_subquery()
    ) if team else None
    query = select(func.count(Task.id)).where(
        Task.project_id == project_id, Task.stage == "annotate", Task.kind == "work",
        Task.status == "open", Task.active_claims < Task.overlap, Task.active_claims > 0,
    )
    if answered is not None:
        query = query.where(answered >= len(team))
    items = int(session.scalar(query) or 0)
    if not items:
        return None
    who = (f"all {len(team)} annotator{'s' if len(team) != 1 else ''} of the project have "
           "answered them") if team else "the project has no annotator"
    return {
        "code": WAITING_CODE, "items": items, "annotators": len(team),
        "message": f"{items} item{'s' if items != 1 else ''} wait for an annotator who has not "
                   f"answered {'them' if items != 1 else 'it'} yet ({who}): a project manager "
                   "must add one (datamill project add-member PROJECT USERNAME --as PM)",
    }


def dashboard(session: Session, project_id: int) -> dict[str, Any]:
    return {
        "waiting_for_annotator": waiting_for_annotator(session, project_id),
        "progress": progress_by_status(session, project_id),
        "throughput": throughput(session, project_id),
        "check_failures": check_failures(session, project_id),
        "worst_files": worst_files(session, project_id),
        "batches": inspection_by_batch(session, project_id),
        "deliveries": deliveries(session, project_id),
    }


def agreement_panel(
    session: Session, project_id: int, overlap: int, round_: str = "current"
) -> dict[str, Any] | None:
    """The project's agreement figures for its dashboard (None when the spec has no overlap):
    ``round_`` (``current`` or ``first``) leads, both rounds are side by side."""
    if overlap < 2:
        return None
    from datamill.qc.agreement_report import project_agreement

    return project_agreement(session, project_id, round=round_)


def batches_for_inspection(session: Session, project_id: int) -> list[dict[str, Any]]:
    """Batches an inspector can open: open ones, those being inspected, and finished ones."""
    return inspection_by_batch(session, project_id)


def open_task_counts(session: Session, project_id: int, user: User) -> dict[str, int]:
    rows = session.execute(
        select(Task.stage, func.count())
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(
            Task.project_id == project_id, TaskAssignment.user_id == user.id,
            TaskAssignment.status.in_(("claimed", "returned")), Task.status == "open",
        )
        .group_by(Task.stage)
    ).all()
    return {stage: int(n) for stage, n in rows}


def live_scores(
    corrected: list[tuple[str, str]], plugin: Any, language: str | None = None,
    requirements: dict[str, Any] | None = None, text_normalization: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Scores over the samples corrected so far (reference = inspector, hypothesis = delivered);
    ``language``, ``requirements`` and ``text_normalization`` are the project's (a plugin that
    scores by them is told)."""
    from datamill.modalities.base import (
        defect_score_names,
        is_defective_in,
        score_in,
        unmeasured_in,
    )

    if not corrected:
        return {"scored": 0}
    refs = [r for r, _ in corrected]
    hyps = [h for _, h in corrected]
    unmeasured = unmeasured_in(plugin, refs, hyps, requirements)  # nothing to measure: null
    scores: dict[str, Any] = {
        k: None if k in unmeasured else float(v) for k, v in
        score_in(plugin, refs, hyps, language, requirements, text_normalization).items()}
    defects = sum(1 for r, h in corrected
                  if is_defective_in(plugin, r, h, language, requirements, text_normalization))
    for name in defect_score_names(plugin):  # speech: also under its older name
        scores[name] = defects
    scores["scored"] = len(corrected)
    return scores


PANEL_STAGES = {"annotate": ("annotator", "admin"), "review": ("reviewer", "admin")}
PANEL_ROWS = 200


def package_panel(session: Session, project: Any, members: list[User]) -> dict[str, Any]:
    """The PM's package panel: stages that take packages, the unfinished packages (first
    ``PANEL_ROWS``) with task counts and assignee, and who may take each stage."""
    done = func.coalesce(func.sum(case((Task.status == "done", 1), else_=0)), 0)
    tasks = func.count(Task.id)
    rows = session.execute(
        select(WorkPackage, tasks, done, User.username)
        .outerjoin(Task, Task.package_id == WorkPackage.id)
        .outerjoin(User, User.id == WorkPackage.assignee_id)
        .where(WorkPackage.project_id == project.id)
        .group_by(WorkPackage.id, User.username)
        .having(done < tasks)
        .order_by(WorkPackage.id)
        .limit(PANEL_ROWS + 1)
    ).all()
    total = session.scalar(
        select(func.count()).select_from(WorkPackage).where(WorkPackage.project_id == project.id)
    )
    return {
        "stages": [s for s in project.spec.get("stages", []) if s in PANEL_STAGES],
        "packages": [
            {"id": p.id, "name": p.name, "stage": p.stage, "status": p.status,
             "assignee_id": p.assignee_id, "assignee": name, "tasks": int(n), "done": int(d)}
            for p, n, d, name in rows[:PANEL_ROWS]
        ],
        "more": len(rows) > PANEL_ROWS,
        "total": int(total or 0),
        "workers": {
            stage: [{"id": u.id, "username": u.username, "role": u.role} for u in members
                    if u.role in roles and u.is_active]
            for stage, roles in PANEL_STAGES.items()
        },
    }


def review_waiting(session: Session, project_id: int) -> int:
    """Open review tasks of the project that still take a reviewer."""
    return int(session.scalar(
        select(func.count()).select_from(Task).where(
            Task.project_id == project_id, Task.stage == "review", Task.status == "open",
            Task.active_claims < Task.overlap,
        )
    ) or 0)


def last_rejection(session: Session, item_id: int) -> Review | None:
    """The item's latest rejecting review (its reason goes back to the annotator)."""
    row: Review | None = session.scalars(
        select(Review).where(Review.item_id == item_id, Review.verdict == "reject")
        .order_by(Review.id.desc()).limit(1)
    ).first()
    return row


def sample_texts(session: Session, item_ids: list[int], blobs: BlobStore | None = None,
                 plugin: object = None) -> dict[int, str]:
    """Text items' texts by item id (review and inspection pages: a span shows its words).
    The short texts items keep in their attributes; given the blob store and the modality, a
    long document's (its text is only in its file: the review page of a 27,000-character
    document showed an empty text and each span as its offsets, trial h5 round 4). An item
    whose file cannot be read, or whose modality has no text, is ''."""
    if not item_ids:
        return {}
    rows = session.execute(select(Item.id, Item.attributes).where(Item.id.in_(item_ids)))
    out = {item_id: str((attributes or {}).get("text") or "") for item_id, attributes in rows}
    long_ids = [i for i, text in out.items() if not text]
    if blobs is None or not long_ids or getattr(plugin, "task_content", None) is None:
        return out
    for item in session.scalars(select(Item).where(Item.id.in_(long_ids))):
        if not (item.attributes or {}).get("chars"):
            continue  # not a text item (an LLM record keeps no text)
        try:
            content = item_content(blobs, item, plugin) or {}
        except (OSError, InvalidInput):
            continue
        text = content.get("text")
        if isinstance(text, str):
            out[item.id] = text
    return out


def sample_excerpts(session: Session, blobs: BlobStore, plugin: object,
                    ranges: Mapping[int, Sequence[tuple[int, int]]]) -> dict[int, Any]:
    """:func:`sample_texts` for pages that only slice each text at ``ranges`` (code-point
    spans by item id: the inspection list): a long document the modality indexed
    (``text_excerpts``) is read by byte range, only where its spans are, instead of whole (five
    documents of 1,000,000 characters on S3: 15 MB fetched on a list's first view). Its value
    slices like its text."""
    out: dict[int, Any] = dict(sample_texts(session, list(ranges)))
    long_ids = [i for i, text in out.items() if not text]
    reader = getattr(plugin, "text_excerpts", None) if blobs.reads_ranges else None
    if reader is None or not long_ids:
        out.update({k: v for k, v in sample_texts(session, long_ids, blobs, plugin).items() if v})
        return out
    whole: list[int] = []
    docs: dict[int, tuple[dict[str, Any], Sequence[tuple[int, int]]]] = {}
    digests: dict[int, str] = {}
    for item in session.scalars(select(Item).where(Item.id.in_(long_ids))):
        if item.source_uri:  # registered in place: read as the task page does
            whole.append(item.id)
        else:
            docs[item.id] = (item.attributes or {}, ranges[item.id])
            digests[item.id] = item.sha256
    got = reader(docs, lambda wanted: blobs.read_stored_ranges(
        [(digests[i], start, end) for i, start, end in wanted])) if docs else {}
    for item_id, excerpts in got.items():
        if excerpts is None:
            whole.append(item_id)  # no index (imported before it was kept), or not readable
        else:
            out[item_id] = excerpts
    read_whole = {k: v for k, v in sample_texts(session, whole, blobs, plugin).items() if v}
    out.update(read_whole)
    _backfill_index(session, plugin, {k: v for k, v in read_whole.items() if k in docs})
    return out


def _backfill_index(session: Session, plugin: object, texts: Mapping[int, str]) -> None:
    """Keep the byte index of each long document a page had to read whole because it was
    imported before the index was kept (the modality's ``indexed_attributes``), so the next
    page reads its spans by byte range: a lazy backfill, one document as it is first needed."""
    index = getattr(plugin, "indexed_attributes", None)
    if index is None or not texts:
        return
    for item in session.scalars(select(Item).where(Item.id.in_(list(texts)))):
        attributes = index(item.attributes or {}, texts[item.id])
        if attributes is not None:
            item.attributes = attributes
    session.flush()


def sample_contents(session: Session, blobs: BlobStore, plugin: object,
                    item_ids: list[int]) -> dict[int, dict[str, Any] | None]:
    """Each sampled item's machine view (its modality's ``task_content``: an LLM record's
    turns and responses), by item id, so an inspection list shows what was judged; None for an
    item whose file cannot be read (the page says so), empty where the modality has no view."""
    if not item_ids or getattr(plugin, "task_content", None) is None:
        return {}
    out: dict[int, dict[str, Any] | None] = {}
    for item in session.scalars(select(Item).where(Item.id.in_(item_ids))):
        try:
            out[item.id] = item_content(blobs, item, plugin)
        except (OSError, InvalidInput):
            out[item.id] = None
    return out
