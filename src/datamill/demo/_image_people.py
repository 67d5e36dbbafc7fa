"""The image demo's scripted people: alice and bob annotate (bob misses an object once), rita
reviews against what the scene holds, ivan inspects the batch, the customer accepts."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.compliance.users import get_user
from datamill.demo.script import DemoResult, give_package
from datamill.modalities.image.schema import ImageAnnotation
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.delivery import deliver_batch, record_acceptance
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Item
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime

__all__ = ["work_the_image_loop"]


def _payload(annotation: ImageAnnotation) -> dict[str, object]:
    return annotation.model_dump(mode="json")


def _annotate(rt: Runtime, project_id: int, truth: dict[str, ImageAnnotation],
              state: dict[str, bool]) -> int:
    done = 0
    progressed = True
    while progressed:
        progressed = False
        for name in ("alice", "bob"):
            with rt.session() as s:
                user = get_user(s, name)
                task = claim_next_task(s, user, project_id, "annotate")
                if task is None:
                    continue
                answer = truth[task.external_id]
                if name == "bob" and not state["slipped"] and len(answer.objects) > 1:
                    answer = answer.model_copy(update={"objects": answer.objects[1:]})
                    state["slipped"] = True  # a missed object the reviewer will catch
                submit_annotation(s, user, task.id, _payload(answer),
                                  base_version=task.current_version, time_spent_ms=40_000)
                done += 1
                progressed = True
    return done


def _review(rt: Runtime, project_id: int, truth: dict[str, ImageAnnotation]) -> tuple[int, int]:
    accepted = rejected = 0
    while True:
        with rt.session() as s:
            rita = get_user(s, "rita")
            task = claim_next_task(s, rita, project_id, "review")
            if task is None:
                return accepted, rejected
            submitted = ImageAnnotation.model_validate(task.current.payload if task.current
                                                       else {})
            missing = len(truth[task.external_id].objects) - len(submitted.objects)
            if missing > 0:
                review_task(s, rita, task.id, "reject",
                            reason=f"Objects missing: {missing} object(s) not labelled")
                rejected += 1
            else:
                review_task(s, rita, task.id, "accept")
                accepted += 1


def work_the_image_loop(rt: Runtime, project_id: int, truth: dict[str, ImageAnnotation],
                        out_dir: Path, result: DemoResult) -> None:
    """Package, annotate, review (with one rework), inspect, deliver (COCO + YOLO), accept."""
    with rt.session() as s:
        pkgs = create_packages(s, project_id, "annotate")
        for i, pkg in enumerate(pkgs):
            give_package(s, pkg.id, ["alice", "bob"][i % 2])
        create_packages(s, project_id, "review")
    result.steps.append(f"{len(pkgs)} annotation packages assigned to alice and bob")
    state = {"slipped": False}
    for _ in range(3):  # rejected work returns to its annotator, then is reviewed again
        done = _annotate(rt, project_id, truth, state)
        accepted, rejected = _review(rt, project_id, truth)
        result.steps.append(f"annotators submitted {done}; reviewer accepted {accepted}, "
                            f"returned {rejected}")
        if rejected == 0:
            break
    with rt.session() as s:
        batch = create_batch(s, project_id)
        ivan = get_user(s, "ivan")
        insp = start_inspection(s, batch.id, ivan)
        for smp in insp.sample:
            item = s.get(Item, smp["item_id"])
            reference = truth[item.external_id] if item else ImageAnnotation()
            record_correction(s, insp.id, smp["item_id"],
                              json.dumps(_payload(reference), sort_keys=True))
        done_insp = complete_inspection(s, insp.id, ivan)
    result.inspection = {"plan": done_insp.plan, "scores": done_insp.scores,
                         "verdict": done_insp.verdict}
    result.steps.append(
        f"batch {batch.name}: sampled {done_insp.plan['sample_size']} of "
        f"{done_insp.plan['lot_size']}, verdict {done_insp.verdict}, region accuracy "
        f"{done_insp.scores.get('region_accuracy', 0):.3f}")
    if done_insp.verdict != "accepted":
        return
    with rt.session() as s:
        delivery = deliver_batch(s, rt.blobs, batch.id, out_dir, formats=["coco", "yolo"])
        accepted_delivery = record_acceptance(s, delivery.id,
                                              accepted_items=delivery.delivered_items,
                                              note="demo customer accepts all")
    result.delivery_path = delivery.path
    result.steps.append(
        f"delivered {accepted_delivery.delivered_items} images (COCO + YOLO) to {delivery.path}; "
        f"customer accepted {accepted_delivery.accepted_volume:g} {accepted_delivery.volume_unit}")
