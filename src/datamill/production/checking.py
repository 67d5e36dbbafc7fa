"""The ingestion gate: run the modality's automatic checks on every imported item.

Every measured value is stored per item; an item that fails any check is set aside
(``status = "rejected"``) with readable reasons for re-collection and never reaches annotation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.config import get_settings
from datamill.core.errors import DatamillError
from datamill.db.lookup import get_or_raise
from datamill.engine.base import make_executor
from datamill.engine.local import LocalExecutor
from datamill.modalities._reason_words_engine_h16 import ENGINE_H16_REFUSALS_EN
from datamill.modalities.base import CheckOutcome
from datamill.modalities.registry import get_modality
from datamill.production._same_bytes import CopyIndex
from datamill.production.hooks import check_requirements, park_for_verdict
from datamill.production.media import item_path
from datamill.production.models import CheckResult, Item, Project
from datamill.production.projects import SUPERSEDED_STATUS
from datamill.production.schemas import CheckSummary
from datamill.storage.blobstore import BlobStore, sha256_file

__all__ = ["check_job", "run_checks"]

_CHUNK = 200
#: what follows an in-place item's URI, in place of its path, when it cannot be fetched
_UNREADABLE = "#unreadable:"
#: items a cross-item check (near-duplicates) does not compare with: not passed, or superseded
#: (a subject's earlier take of the prompt their new take replaces)
_NOT_PASSED = ("imported", "rejected", SUPERSEDED_STATUS)


def check_job(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Pure job: (item id, media path, modality, requirements, prompt) → (item id, outcomes).

    With a sixth element (the manifest's metadata of an item registered in place, not yet
    probed) the job also reads what import skipped: → (item id, outcomes, probe), where probe
    is ``{"sha256", "size_bytes", "attributes", "volume"}`` or ``{"error": reason}``.
    """
    item_id, path, modality, requirements, prompt = args[:5]
    plugin = get_modality(modality)
    req = plugin.requirements_model.model_validate(requirements)
    if len(args) < 6:
        return item_id, list(plugin.run_checks(Path(path), req, prompt))
    probe = _probe(plugin, path, args[5], requirements)
    if "error" in probe:
        failed = CheckOutcome(name="readable", passed=False, value=None, reason=probe["error"])
        return item_id, [failed], probe
    return item_id, list(plugin.run_checks(Path(path), req, prompt)), probe


def _probe(
    plugin: Any, where: str, meta: dict[str, Any], requirements: dict[str, Any]
) -> dict[str, Any]:
    """Hash and describe a file registered in place (what a copying import does up front)."""
    # split before any Path(): a Path of ``s3://bucket/key`` reads ``s3:/bucket/key``
    _, unreadable, why = where.partition(_UNREADABLE)
    if unreadable:  # the object could not be fetched: say why (too large, changed, moved)
        return {"error": why}
    path = Path(where)
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return {"error": "file is missing, not a regular file, or empty"}
        digest = sha256_file(path)
        attributes = plugin.describe(path, meta, requirements).model_dump(exclude_none=True)
    except DatamillError as err:
        return {"error": err.message}
    except OSError as err:
        return {"error": f"file cannot be read ({err.strerror or err})"}
    return {"sha256": digest, "size_bytes": path.stat().st_size, "attributes": attributes,
            "volume": plugin.volume(attributes)}


def _collection_outcomes(
    session: Session, blobs: BlobStore, project: Project, items: dict[int, Item]
) -> dict[int, list[CheckOutcome]]:
    """Checks across items (duplicates), for a modality that has them: the optional
    ``collection_checks(requirements, checked, accepted)`` (duck-typed), given (external id,
    media path) of the items being checked and of those the project already passed."""
    collect = getattr(get_modality(project.modality), "collection_checks", None)
    if collect is None:
        return {}
    accepted = session.execute(
        select(Item.external_id, Item.sha256).where(
            Item.project_id == project.id, Item.status.not_in(_NOT_PASSED),
            Item.id.not_in(list(items)) if items else Item.id.is_not(None))
        .order_by(Item.id)
    ).all()
    checked = []
    for i in sorted(items.values(), key=lambda i: i.id):
        try:
            checked.append((i.external_id, item_path(blobs, i)))
        except OSError:  # an in-place file moved or unfetchable: its own checks reject it
            continue
    found = collect(project.spec.get("requirements", {}), checked,
                    [(ext, blobs.local_path(sha)) for ext, sha in accepted])
    by_ext = {i.external_id: i.id for i in items.values()}
    return {by_ext[ext]: list(outcomes) for ext, outcomes in found.items() if ext in by_ext}


def _failed(outcomes: list[CheckOutcome]) -> list[dict[str, Any]]:
    """The failed checks' name, measured value and scalar details, for a face to word them."""
    return [{"name": o.name, "value": o.value, "reason": o.reason,
             "extra": {k: v for k, v in (o.extra or {}).items() if isinstance(v, str | int | float)}}
            for o in outcomes if not o.passed]


def _plugin_says(modality: str, hook: str, requirements: dict[str, Any]) -> bool:
    """The modality's answer to an optional yes/no hook over the project's requirements (yes
    when the plugin lacks it):

    - ``checks_are_heavy``: its checks are heavy for these requirements (decodes, forced
      alignment: ~0.2 s a file, not ~0.5 ms);
    - ``checks_need_isolation``: its checks must run off the caller's process when it asks for
      isolation, as they decode files in native code that can crash it (audio, images, point
      clouds). Text and LLM checks parse text in Python (and lingua, in Rust) and say not: a
      worker for them only paid its start and lingua's models again (~3.7 s CPU a process; a
      32-record LLM recheck from the CLI took 26 s, 10 s CPU)."""
    return bool(getattr(get_modality(modality), hook, lambda _r: True)(requirements))


def _heavy(modality: str, requirements: dict[str, Any]) -> bool:
    return _plugin_says(modality, "checks_are_heavy", requirements)


def _isolated(modality: str, requirements: dict[str, Any]) -> bool:
    return _plugin_says(modality, "checks_need_isolation", requirements)


def _worth_a_pool(modality: str, requirements: dict[str, Any], n: int) -> bool:
    """Starting worker processes costs ~1 s (measured: bench/checks_throughput.py), about
    2,000 files of audio-only checks; a pool pays off for heavy checks (the modality says) or
    for big batches."""
    return n > (8 if _heavy(modality, requirements) else 20_000)


_APART_HEAVY = 8  # items of heavy checks a worker process checks per call (~2 s of read speech)


#: the check an item gets when checking its file killed the worker process (a decoder that
#: segfaults or exits, a memory kill) on its own, after the items it was checked with got theirs
DECODER_CRASHED = "decoder_crashed"


def _crashed(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """:func:`check_job`'s result for an item whose checks crashed the worker process twice: one
    failed ``decoder_crashed`` check (its probe, for an item registered in place, an error)."""
    failed = CheckOutcome(name=DECODER_CRASHED, passed=False, value=None, extra={"tries": 2},
                          reason=ENGINE_H16_REFUSALS_EN[DECODER_CRASHED].format(tries=2))
    if len(args) < 6:
        return args[0], [failed]
    return args[0], [failed], {"error": failed.reason}


def _checked_apart(
    session: Session, args: list[tuple[Any, ...]], size: int, statuses: list[str],
    pending: list[dict[str, Any]], light: bool = False,
) -> Iterator[tuple[Any, ...]]:
    """:func:`check_job` over ``args``, in order, ``size`` items a call in the warm worker
    process of :func:`datamill.engine.local.run_apart`, with no transaction open while a
    chunk runs: what was stored so far (``pending`` too) is committed before each call (on
    SQLite every transaction holds the one writer lock, and even ``GET /readyz`` waited for
    the whole run). An item whose status changed meanwhile (another run checked it) is left
    out: its rows are read again, locked, before the chunk's outcomes are stored. ``light``:
    checks that decode nothing (text, LLM) run in run_apart's one light worker, which loads
    lingua's models once."""
    from datamill.engine.local import run_apart_each

    for start in range(0, len(args), size):
        _insert(session, pending)
        session.commit()
        results = run_apart_each(check_job, args[start:start + size], _crashed, light=light)
        still = set(session.scalars(
            select(Item.id).where(Item.id.in_([r[0] for r in results]),
                                  Item.status.in_(statuses))
            .order_by(Item.id).with_for_update()))
        yield from (r for r in results if r[0] in still)


def _store(
    session: Session, item: Item, outcomes: list[CheckOutcome],
    pending: list[dict[str, Any]] | None = None,
) -> bool | None:
    """Store the outcomes; True passed, False rejected, None parked for a person to decide (a
    check gave a verdict a ``datamill.check_verdicts`` plugin handles, e.g. speech's
    ``listen``: see :func:`datamill.production.hooks.park_for_verdict`). With ``pending``, the
    result rows are appended there for the caller to insert with others (:func:`_insert`)."""
    # an earlier run's results (a recheck, a resumed job): never loaded, so nothing in the
    # session to synchronise, and nothing pending to flush first. With either, each item's
    # DELETE scanned the session's every object and flushed: checks of 2,000 texts took 13 s,
    # of 20,000 about 6 min (quadratic).
    with session.no_autoflush:
        session.execute(delete(CheckResult).where(CheckResult.item_id == item.id)
                        .execution_options(synchronize_session=False))
    rows = [{"item_id": item.id, "name": o.name, "passed": o.passed, "value": o.value,
             "reason": o.reason, "extra": dict(o.extra)} for o in outcomes]
    if pending is None:
        _insert(session, rows)
    else:
        pending.extend(rows)
    failed = [f"{o.name}: {o.reason or 'failed'}" for o in outcomes if not o.passed]
    item.reject_reasons = failed
    item.status = "rejected" if failed else "passed"
    if not failed and park_for_verdict(
            session, item, [(o.extra or {}).get("verdict") for o in outcomes]):
        return None
    return not failed


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert check result rows in one executemany (no ids read back: nothing uses them; the
    ORM inserted SQLite rows one at a time to read each id)."""
    if rows:
        session.execute(insert(CheckResult), rows)
        rows.clear()


def _cross_checker(
    session: Session, blobs: BlobStore, project: Project, requirements: dict[str, Any],
    checking: dict[int, Item],
) -> Any:
    """The modality's checks across items (``cross_checker``, e.g. near-duplicates), primed
    with every other item of the project that passed its checks; None when it has none. An
    item stored before a fingerprint the checker compares existed (image: ``detail_hash``,
    ``page_hash``) gets it measured from its file now, and kept (``fill_fingerprints``,
    optional), so old items are compared as new ones are."""
    plugin = get_modality(project.modality)
    make = getattr(plugin, "cross_checker", None)
    if make is None:
        return None
    checker = make(requirements)
    if checker is None:  # the plugin compares nothing across items for these requirements
        return None
    fill = getattr(plugin, "fill_fingerprints", None)
    lacks = getattr(plugin, "lacks_fingerprints", None)
    query = (select(Item.id, Item.external_id, Item.attributes)
             .where(Item.project_id == project.id, Item.status.not_in(_NOT_PASSED)))
    group_key = getattr(checker, "group_key", None)
    if group_key:  # it compares an item with the items of its own group only: read those
        groups = sorted({str(g) for i in checking.values()
                         if (g := (i.attributes or {}).get(group_key)) is not None})
        query = query.where(Item.attributes[group_key].as_string().in_(groups))
    rows = session.execute(query.order_by(Item.id)).all()
    stored = _stored_outcomes(session, [r[0] for r in rows], checker)
    for item_id, external_id, attributes in rows:
        if item_id in checking:
            continue
        if fill is not None and lacks is not None and lacks(attributes or {}):
            attributes = _filled(session, blobs, item_id, fill, requirements) or attributes
        if stored is None:
            checker.add(external_id, attributes or {})
        else:
            checker.add(external_id, attributes or {}, stored.get(item_id, []))
    return checker


def _stored_outcomes(
    session: Session, item_ids: list[int], checker: Any
) -> dict[int, list[CheckOutcome]] | None:
    """The stored outcomes (of the names the checker lists) of ``item_ids``, for a cross
    checker that ``reads_outcomes``; None for one that does not."""
    if not getattr(checker, "reads_outcomes", False):
        return None
    found: dict[int, list[CheckOutcome]] = {}
    names = list(getattr(checker, "outcome_names", ()))
    for start in range(0, len(item_ids), _CHUNK * 5):
        for item_id, name, passed, value, reason, extra in session.execute(
            select(CheckResult.item_id, CheckResult.name, CheckResult.passed, CheckResult.value,
                   CheckResult.reason, CheckResult.extra)
            .where(CheckResult.item_id.in_(item_ids[start:start + _CHUNK * 5]),
                   CheckResult.name.in_(names))
            .order_by(CheckResult.id)
        ):
            found.setdefault(item_id, []).append(CheckOutcome(
                name=name, passed=passed, value=value, reason=reason, extra=extra or {}))
    return found


def _filled(session: Session, blobs: BlobStore, item_id: int, fill: Callable[..., Any],
            requirements: dict[str, Any]) -> dict[str, Any] | None:
    """The item's attributes with the fingerprints it lacked, stored; None when its file
    cannot be read (it is compared by what it has)."""
    item = session.get(Item, item_id)
    if item is None:
        return None
    try:
        path = item_path(blobs, item)
    except OSError:
        return None
    added = fill(path, dict(item.attributes or {}), requirements)
    if added:
        item.attributes = {**(item.attributes or {}), **added}
    return dict(item.attributes or {})


def run_checks(
    session: Session,
    blobs: BlobStore,
    project_id: int,
    *,
    recheck: bool = False,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    only: Collection[int] | None = None,
    actor_id: int | None = None,
    apart: bool = False,
    isolate: bool = False,
) -> CheckSummary:
    """Check every imported (or, with ``recheck``, every not-yet-annotated) item of a project
    (of those, only the items ``only`` names, when given: one collected recording).

    ``actor_id``: who ran the checks, for the audit record (None: a system run).

    ``apart``: with the local engine, the files are decoded and checked only in a warm worker
    process (:func:`datamill.engine.local.run_apart`), a chunk a call, with the same outcomes;
    what a request handler asks for, since a decode or an alignment holds the interpreter
    lock, and the local engine with one worker checks every item in this process, where it
    stalled every other request of that web worker. ``workers`` then does not apply. The
    session's transaction is committed once the items are read (with whatever the caller wrote
    before) and after each chunk's outcomes are stored, so no database lock is held while
    files decode; an item another run checked meanwhile is left out (not counted).

    ``isolate``: with the local engine, no file is decoded in this process (what the CLI asks
    for: a file whose decoder segfaults would kill the command and its ``--json`` output);
    the items it would check here are checked in a warm worker process instead, and one that
    crashes it fails ``decoder_crashed`` while the others get their own outcomes. ``workers``
    and the choice of a pool apply as without it. A modality whose checks decode nothing in
    native code (``checks_need_isolation`` false: text, LLM) is checked here all the same."""
    project = get_or_raise(session, Project, project_id, "project")
    statuses = ["imported", "passed", "rejected"] if recheck else ["imported"]
    query = select(Item).where(Item.project_id == project_id, Item.status.in_(statuses))
    if only is not None:
        query = query.where(Item.id.in_(list(only) or [0]))
    items = {i.id: i for i in session.scalars(query)}
    requirements = check_requirements(session, project, project.spec.get("requirements", {}))
    args: list[tuple[Any, ...]] = []
    for i in sorted(items.values(), key=lambda i: i.id):  # id order: cross-item checks rely on it
        try:
            path = str(item_path(blobs, i))
        except OSError as err:  # a registered-in-place object that cannot be fetched
            path = f"{i.source_uri}{_UNREADABLE}{err}"
        job = (i.id, path, project.modality, requirements, i.prompt)
        args.append((*job, dict(i.attributes or {})) if i.source_uri and not i.sha256 else job)
    checker = _cross_checker(session, blobs, project, requirements, items)
    with_outcomes = bool(getattr(checker, "reads_outcomes", False))
    across = _collection_outcomes(session, blobs, project, items)
    copies = CopyIndex(session, project_id, items.values())
    settings = session.info.get("datamill.settings") or get_settings()
    pending: list[dict[str, Any]] = []  # the chunk's result rows, inserted before it commits
    results: Iterable[tuple[Any, ...]]
    if apart and settings.engine != "ray":
        size = _APART_HEAVY if _heavy(project.modality, requirements) else _CHUNK
        results = _checked_apart(session, args, size, statuses, pending,
                                 light=not _isolated(project.modality, requirements))
    else:  # DATAMILL_ENGINE picks the backend: a warm local pool (default) or a Ray cluster
        executor = make_executor(
            settings, workers if _worth_a_pool(project.modality, requirements, len(args)) else 1,
            isolate=isolate and _isolated(project.modality, requirements))
        results = (executor.map(check_job, args, on_crash=_crashed)
                   if isinstance(executor, LocalExecutor) else executor.map(check_job, args))
    by_check: dict[str, int] = {}
    rejections: list[dict[str, Any]] = []
    unjudged: list[dict[str, Any]] = []
    passed = done = listening = 0
    for item_id, outcomes, *probed in results:
        item = items[item_id]
        if probed and "error" not in probed[0]:
            probe = probed[0]
            item.sha256, item.size_bytes = probe["sha256"], probe["size_bytes"]
            item.attributes, item.volume = probe["attributes"], probe["volume"]
        outcomes = [*outcomes, *across.get(item_id, ()), *copies.outcomes(item)]
        if checker is not None:
            given = (outcomes,) if with_outcomes else ()
            outcomes = [*outcomes, *checker.check(item.attributes or {}, *given)]
        stored = _store(session, item, outcomes, pending)
        _note_unjudged(unjudged, item, outcomes)
        if stored is None:
            listening += 1
        elif stored:
            passed += 1
            if checker is not None:
                checker.add(item.external_id, item.attributes or {},
                            *((outcomes,) if with_outcomes else ()))
        else:
            rejections.append({"item": item.external_id, "reasons": item.reject_reasons,
                               "checks": _failed(outcomes)})
            for o in outcomes:
                if not o.passed:
                    by_check[o.name] = by_check.get(o.name, 0) + 1
        done += 1
        if progress:
            progress(1)
        if done % _CHUNK == 0:
            _insert(session, pending)
            session.commit()
    _insert(session, pending)
    record_audit(
        session, actor_id=actor_id, action="items.checked", object_type="project",
        object_id=project_id, project_id=project_id,
        data={"checked": done, "passed": passed, "rejected": done - passed - listening,
              "listening": listening},
    )
    session.commit()
    return CheckSummary(
        checked=done, passed=passed, rejected=done - passed - listening, by_check=by_check,
        rejections=rejections, listening=listening, not_judged=unjudged,
        not_judged_by_check=_count_unjudged(unjudged),
    )


def _note_unjudged(found: list[dict[str, Any]], item: Item, outcomes: list[CheckOutcome]) -> None:
    """The checks of ``item`` that could not judge it yet (``extra["judged"]`` False)."""
    checks = [{"name": o.name, "note": str((o.extra or {}).get("note") or "")}
              for o in outcomes if (o.extra or {}).get("judged") is False]
    if checks:
        found.append({"item": item.external_id, "status": item.status, "checks": checks})


def _count_unjudged(found: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in found:
        for check in row["checks"]:
            counts[check["name"]] = counts.get(check["name"], 0) + 1
    return dict(sorted(counts.items()))
