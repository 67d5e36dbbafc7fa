"""The demo's scripted people: annotators, a reviewer and an inspector working the loop.

The annotators correct the model's pre-annotation to what was actually said (the prompt); one
makes a slip on purpose so the reviewer has something to reject and return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user, get_user
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.delivery import deliver_batch, record_acceptance
from datamill.production.effect_evaluation import evaluate_batch
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.schemas import DeliveryOut, SegmentIn, TaskOut
from datamill.production.spec import read_spec_file
from datamill.production.tasks import assign_package, claim_next_task, create_packages
from datamill.runtime import Runtime

__all__ = [
    "DEMO_SPEC", "DEMO_USERS", "DemoResult", "annotate_all", "deliver_and_accept",
    "demo_project", "ensure_demo_users", "give_package", "inspect_against_truth", "review_all",
    "run_loop", "setup_people_and_project", "work_until_reviewed",
]

DEMO_USERS = [
    ("admin", "admin"), ("pm", "project_manager"), ("alice", "annotator"), ("bob", "annotator"),
    ("rita", "reviewer"), ("ivan", "inspector"),
]
DEMO_PASSWORD = "datamill-demo"  # noqa: S105 - documented demo credential
DEMO_SPEC = Path(__file__).with_name("demo_spec.yaml")
DEMO_EFFECT_SAMPLE = 8  # recordings the demo's application-effect check decodes (~1 s each)


@dataclass
class DemoResult:
    project_id: int
    steps: list[str] = field(default_factory=list)
    delivery_path: str | None = None
    inspection: dict[str, Any] | None = None
    slipped: bool = False


def ensure_demo_users(rt: Runtime) -> None:
    """The demo's people (``DEMO_USERS``, password ``DEMO_PASSWORD``); existing ones are kept."""
    with rt.session() as s:
        for name, role in DEMO_USERS:
            if s.scalar(select(User.id).where(User.username == name)) is None:
                create_user(s, name, DEMO_PASSWORD, role)


def give_package(session: Session, package_id: int, username: str) -> None:
    """Assign a package to a demo person; when they work for a vendor (the money story makes
    alice and bob a vendor's workers), the project manager hands it to that vendor first."""
    from datamill.workforce.assignment import hand_package_to_vendor, vendor_scope

    user = get_user(session, username)
    vendor_id = vendor_scope(session, user)
    if vendor_id is not None:
        hand_package_to_vendor(session, get_user(session, "pm"), package_id, vendor_id)
    assign_package(session, package_id, user)


def demo_project(rt: Runtime, spec: object) -> int:
    """The demo's people (made when missing) and a new project of ``spec`` (what
    ``create_project`` takes) with everyone but the admin as members; returns its id."""
    ensure_demo_users(rt)
    with rt.session() as s:
        project = create_project(s, spec)
        for name, _ in DEMO_USERS[1:]:
            add_member(s, project.id, get_user(s, name), actor_id=None)
        return project.id


def setup_people_and_project(rt: Runtime) -> int:
    """The speech demo's project (``demo_spec.yaml``) and people."""
    return demo_project(rt, read_spec_file(DEMO_SPEC))


def _work_annotations(rt: Runtime, project_id: int, result: DemoResult) -> None:
    annotators = ["alice", "bob"]
    done = 0
    while True:
        progressed = False
        for name in annotators:
            with rt.session() as s:
                user = get_user(s, name)
                task = claim_next_task(s, user, project_id, "annotate")
                if task is None:
                    continue
                text = task.prompt or (task.current.text if task.current else "")
                if name == "bob" and not result.slipped:
                    text = text.replace("the", "a", 1)  # a slip the reviewer will catch
                    result.slipped = True
                seg = [SegmentIn(start_ms=0, end_ms=task.duration_ms or 0, text=text.lower())]
                submit_annotation(s, user, task.id, seg, base_version=task.current_version,
                                  time_spent_ms=15000)
                done += 1
                progressed = True
        if not progressed:
            break
    result.steps.append(f"annotators submitted {done} transcripts")


def _work_reviews(rt: Runtime, project_id: int, result: DemoResult) -> int:
    rejected = accepted = 0
    while True:
        with rt.session() as s:
            rita = get_user(s, "rita")
            task = claim_next_task(s, rita, project_id, "review")
            if task is None:
                break
            current = task.current.text if task.current else ""
            if task.prompt and current != task.prompt.lower():
                review_task(s, rita, task.id, "reject", reason=f"transcript differs from what was said: {task.prompt!r}")
                rejected += 1
            else:
                review_task(s, rita, task.id, "accept")
                accepted += 1
    result.steps.append(f"reviewer accepted {accepted}, rejected {rejected}")
    return rejected


def run_loop(rt: Runtime, project_id: int, out_dir: Path) -> DemoResult:
    """Package, annotate, review (with one rework), inspect, deliver, record acceptance."""
    result = DemoResult(project_id=project_id)
    with rt.session() as s:
        pkgs = create_packages(s, project_id, "annotate")
        for i, pkg in enumerate(pkgs):
            give_package(s, pkg.id, ["alice", "bob"][i % 2])
        create_packages(s, project_id, "review")
    result.steps.append(f"{len(pkgs)} annotation packages assigned to alice and bob")
    for _ in range(3):  # rejected work comes back to its annotator, then is reviewed again
        _work_annotations(rt, project_id, result)
        if _work_reviews(rt, project_id, result) == 0:
            break
    with rt.session() as s:
        batch = create_batch(s, project_id)
        ivan = get_user(s, "ivan")
        insp = start_inspection(s, batch.id, ivan)
        for smp in insp.sample:
            item = s.get(Item, smp["item_id"])
            record_correction(s, insp.id, smp["item_id"], (item.prompt or "").lower() if item else "")
        done = complete_inspection(s, insp.id, ivan)
        result.inspection = {"plan": done.plan, "scores": done.scores, "verdict": done.verdict}
        result.steps.append(
            f"batch {batch.name}: sampled {done.plan['sample_size']} of {done.plan['lot_size']}, "
            f"verdict {done.verdict}, character accuracy {done.scores['character_accuracy']:.3f}"
        )
    if done.verdict != "accepted":
        return result
    with rt.session() as s:  # application effect: the recogniser on a few of the batch's items
        effect = evaluate_batch(s, rt.blobs, batch.id, get_user(s, "pm"), sample=DEMO_EFFECT_SAMPLE)
        measure, named = effect.result["measure"], len(effect.result["second_look"])
        result.steps.append(
            f"application effect (evaluation {effect.id}): {measure['name'].replace('_', ' ')} "
            f"{measure['value']} on {effect.sample_size} items, {named} to look at again")
    with rt.session() as s:
        delivery = deliver_batch(s, rt.blobs, batch.id, out_dir)
        record_acceptance(
            s, delivery.id, accepted_volume=int(delivery.datasheet["duration_ms"]),
            accepted_items=delivery.delivered_items, note="demo customer accepts all",
        )
        result.delivery_path = delivery.path
        result.steps.append(
            f"delivered {delivery.delivered_items} utterances ({delivery.delivered_volume:.4f} h); "
            "customer acceptance recorded"
        )
    return result


# ----------------------------------------------------------------------------- document projects
# The demo people on a project whose true annotations are known (text, point clouds ...): alice
# and bob annotate (``payload_for`` may make one slip), rita reviews (``problem_with`` names what
# is wrong, or None), ivan inspects against the truth, the batch is delivered and accepted.

PayloadFor = Callable[[str, TaskOut], Any]
ProblemWith = Callable[[TaskOut], str | None]


def annotate_all(rt: Runtime, project_id: int, payload_for: PayloadFor,
                 time_spent_ms: int) -> int:
    """alice and bob, in turns, submit ``payload_for(name, task)`` for every task they can
    claim; returns how many they submitted."""
    done = 0
    while True:
        progressed = False
        for name in ("alice", "bob"):
            with rt.session() as s:
                user = get_user(s, name)
                task = claim_next_task(s, user, project_id, "annotate")
                if task is None:
                    continue
                submit_annotation(s, user, task.id, payload_for(name, task),
                                  base_version=task.current_version, time_spent_ms=time_spent_ms)
                done += 1
                progressed = True
        if not progressed:
            return done


def review_all(rt: Runtime, project_id: int, problem_with: ProblemWith) -> tuple[int, int]:
    """rita accepts every review task whose ``problem_with`` is None and rejects the others
    with it as the reason; returns (accepted, rejected)."""
    accepted = rejected = 0
    while True:
        with rt.session() as s:
            rita = get_user(s, "rita")
            task = claim_next_task(s, rita, project_id, "review")
            if task is None:
                return accepted, rejected
            problem = problem_with(task)
            if problem is None:
                review_task(s, rita, task.id, "accept")
                accepted += 1
            else:
                review_task(s, rita, task.id, "reject", reason=problem)
                rejected += 1


def work_until_reviewed(rt: Runtime, result: DemoResult, payload_for: PayloadFor,
                        problem_with: ProblemWith, time_spent_ms: int) -> None:
    """Annotate and review until nothing is rejected (rejected work returns to its annotator),
    at most three rounds; each round is a step of ``result``."""
    for _ in range(3):
        submitted = annotate_all(rt, result.project_id, payload_for, time_spent_ms)
        accepted, rejected = review_all(rt, result.project_id, problem_with)
        result.steps.append(f"annotators submitted {submitted}; reviewer accepted {accepted},"
                            f" rejected {rejected}")
        if rejected == 0:
            return


def inspect_against_truth(
    rt: Runtime, result: DemoResult, reference: Callable[[str], str], metric: str
) -> int | None:
    """Batch the reviewed items; ivan corrects each sample to ``reference(external_id)`` (the
    truth, in the modality's inspection form) and completes the inspection. Returns the batch
    id when the batch is accepted, else None (the step says why)."""
    with rt.session() as s:
        batch = create_batch(s, result.project_id)
        ivan = get_user(s, "ivan")
        insp = start_inspection(s, batch.id, ivan)
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], reference(smp["external_id"]))
        done = complete_inspection(s, insp.id, ivan)
        result.inspection = {**(result.inspection or {}), "plan": done.plan,
                             "scores": done.scores, "verdict": done.verdict}
        result.steps.append(f"batch {batch.name}: sampled {done.plan['sample_size']} of"
                            f" {done.plan['lot_size']}, verdict {done.verdict},"
                            f" {metric.replace('_', ' ')} {done.scores[metric]:.3f}")
        return batch.id if done.verdict == "accepted" else None


def deliver_and_accept(rt: Runtime, result: DemoResult, batch_id: int, out_dir: Path,
                       formats: list[str]) -> DeliveryOut:
    """Deliver the batch in ``formats``; the demo customer accepts all of it."""
    with rt.session() as s:
        delivery = deliver_batch(s, rt.blobs, batch_id, out_dir, formats=formats)
        record_acceptance(s, delivery.id,
                          accepted_volume=int(delivery.datasheet["volume"]["amount"]),
                          accepted_items=delivery.delivered_items,
                          note="demo customer accepts all")
    result.delivery_path = delivery.path
    return delivery
