"""The LLM preference demo: project ``demo-llm-pref`` from records to an accepted delivery.

30 prompts (15 English, 15 Chinese) with two responses each (:mod:`.llm_corpus`), plus bad
records: a malformed JSON line and a duplicate record (refused at import, named by line), an
empty response and banned content (set aside by the checks). Packages go to alice and bob.
With ``full``, alice and bob choose the better response with a reason (bob slips once), rita
reviews (rejects the slip; it comes back), ivan inspects a sample by pair agreement, and the
accepted batch is delivered (DPO pairs, chat messages, ranked lists) and accepted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datamill.compliance.users import get_user
from datamill.demo.llm_corpus import PAIRS, better_of, write_demo_records
from datamill.demo.script import DemoResult, demo_project, give_package
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch, record_acceptance
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Item
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime

__all__ = ["LLM_DEMO_SPEC", "run_llm_demo"]

LLM_DEMO_SPEC: dict[str, Any] = {
    "name": "demo-llm-pref", "modality": "llm", "language": "zh-CN",
    "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 8,
    "sampling": {"inspection_level": "II", "aql": 4.0},
    "acceptance": {"agreement": 0.9},
    "requirements": {
        "task": "pairwise", "min_reason_chars": 8,
        "record": {"max_record_bytes": 20_000, "min_turn_chars": 1, "max_turn_chars": 4000,
                   "min_responses": 2, "max_responses": 2, "languages": ["en", "zh"],
                   "min_language_chars": 20, "banned_words": ["idiot", "stupid", "傻瓜", "白痴"]},
    },
}
_REASONS = {"en": "the chosen answer is correct and helpful; the other is wrong",
            "zh": "所选回答正确且有帮助，另一个回答有事实错误"}


def _payload(record_id: str, *, slip: bool = False) -> dict[str, Any]:
    better = better_of(record_id)
    choice = ("b" if better == "a" else "a") if slip else better
    return {"type": "llm_pairwise", "a": "a", "b": "b", "choice": choice,
            "reason": _REASONS[record_id[:2]] if record_id[:2] in _REASONS else _REASONS["en"]}


def _annotate(rt: Runtime, pid: int, result: DemoResult) -> int:
    done = 0
    while True:
        progressed = False
        for name in ("alice", "bob"):
            with rt.session() as s:
                user = get_user(s, name)
                task = claim_next_task(s, user, pid, "annotate")
                if task is None:
                    continue
                slip = name == "bob" and not result.slipped
                result.slipped = result.slipped or slip
                submit_annotation(s, user, task.id, _payload(task.external_id, slip=slip),
                                  base_version=task.current_version, time_spent_ms=20_000)
                done += 1
                progressed = True
        if not progressed:
            return done


def _review(rt: Runtime, pid: int) -> tuple[int, int]:
    accepted = rejected = 0
    while True:
        with rt.session() as s:
            rita = get_user(s, "rita")
            task = claim_next_task(s, rita, pid, "review")
            if task is None:
                return accepted, rejected
            payload = task.current.payload if task.current else None
            want = better_of(task.external_id)
            if isinstance(payload, dict) and payload.get("choice") != want:
                review_task(s, rita, task.id, "reject",
                            reason=f"response {want} is correct; the chosen one is not")
                rejected += 1
            else:
                review_task(s, rita, task.id, "accept")
                accepted += 1


def _import(rt: Runtime, pid: int, workdir: Path, result: DemoResult) -> None:
    source = write_demo_records(workdir / "llm-records" / "records.jsonl")
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, source)
    refused = ", ".join(
        f"{r['source']} ({r['reason'] if len(r['reason']) <= 60 else r['reason'][:60] + '…'})"  # noqa: PLR2004
        for r in report.rejections)
    result.steps.append(f"imported {report.imported} records; refused {report.rejected}: {refused}")
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, pid, workers=1)
    aside = ", ".join(str(r["item"]) for r in summary.rejections)
    result.steps.append(f"checks: {summary.passed} passed, {summary.rejected} set aside ({aside})")


def _inspect_and_deliver(rt: Runtime, pid: int, workdir: Path, result: DemoResult) -> None:
    with rt.session() as s:
        batch = create_batch(s, pid)
        ivan = get_user(s, "ivan")
        insp = start_inspection(s, batch.id, ivan)
        for smp in insp.sample:
            item = s.get(Item, smp["item_id"])
            truth = _payload(item.external_id if item else "")
            record_correction(s, insp.id, smp["item_id"], json.dumps(truth, ensure_ascii=False))
        done = complete_inspection(s, insp.id, ivan)
        result.inspection = {"plan": done.plan, "scores": done.scores, "verdict": done.verdict}
        result.steps.append(
            f"batch {batch.name}: sampled {done.plan['sample_size']} of {done.plan['lot_size']},"
            f" verdict {done.verdict}, pair agreement {done.scores['agreement']:.3f}")
    if done.verdict != "accepted":
        return
    with rt.session() as s:
        delivery = deliver_batch(s, rt.blobs, batch.id, workdir / "deliveries")
        volume = int(delivery.datasheet["volume"]["amount"])  # dialogues, the sold unit
        record_acceptance(s, delivery.id, accepted_volume=volume,
                          accepted_items=delivery.delivered_items,
                          note="demo customer accepts every dialogue")
        result.delivery_path = delivery.path
        result.steps.append(f"delivered {delivery.delivered_items} dialogues (DPO pairs,"
                            " chat messages, ranked lists); customer acceptance recorded")


def run_llm_demo(rt: Runtime, workdir: Path, *, full: bool) -> DemoResult:
    """Create ``demo-llm-pref``, import and check its records, package the work; with ``full``
    the scripted people take it to an accepted delivery under ``workdir/deliveries``."""
    pid = demo_project(rt, LLM_DEMO_SPEC)
    result = DemoResult(project_id=pid)
    _import(rt, pid, workdir, result)
    with rt.session() as s:
        pkgs = create_packages(s, pid, "annotate")
        for i, pkg in enumerate(pkgs):
            give_package(s, pkg.id, ["alice", "bob"][i % 2])
        create_packages(s, pid, "review")
    result.steps.append(f"{len(pkgs)} preference packages assigned to alice and bob"
                        f" ({len(PAIRS)} prompts, 2 responses each)")
    if not full:
        return result
    for _ in range(3):  # a rejected choice goes back to its annotator, then to review again
        submitted = _annotate(rt, pid, result)
        accepted, rejected = _review(rt, pid)
        result.steps.append(f"annotators chose in {submitted} comparisons; reviewer accepted"
                            f" {accepted}, rejected {rejected}")
        if rejected == 0:
            break
    _inspect_and_deliver(rt, pid, workdir, result)
    return result
