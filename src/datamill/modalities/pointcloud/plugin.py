"""The ``pointcloud`` modality plugin: lidar frames annotated with 3D cuboids and, where the
spec names point classes, segmented point by point.

Built from :mod:`.cloud` (PCD, KITTI ``.bin``, PLY, ``.npy``), :mod:`.schema`, :mod:`.checks`,
:mod:`.metric`, :mod:`.exporters`, :mod:`.importers` and :mod:`.preannotators`; the loop reaches
it only through :class:`datamill.modalities.base.ModalityPlugin`. **Volume** is counted in
frames (one file is one frame).

Spec ``requirements``::

    requirements:
      cloud: {min_points: 1000, max_invalid_share: 0.01, max_range_m: 250,
              min_height_extent_m: 0.2, require_intensity: false}
      labels:
        labels:
          - {name: car, typical_size: [4.5, 1.8, 1.5],
             attributes: [{name: occluded, type: select, values: [none, partly, mostly]}]}
          - {name: pedestrian, typical_size: [0.6, 0.6, 1.7]}
        scene_classes: [urban, highway]
        point_classes:                      # optional: every point gets a class
          - {name: road, id: 40, ground: true}
          - {name: car, id: 10}
      iou_threshold: 0.5
      min_point_agreement: 0.95

Acceptance metric: ``cuboid_accuracy`` (cuboids paired at 3D IoU >= ``iou_threshold`` with the
same label, over the larger side); the inspection also reports ``mean_iou``,
``center_error_m`` and ``yaw_error_deg`` (see :mod:`.metric`), and for segmented frames
``point_accuracy`` and ``point_miou``, by which a spec may judge as well as or instead of the
cuboids (``metric_alternatives``; see :mod:`.segmentation`). Inspectors correct the
annotation document (JSON), as for images.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ValidationError

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import json_refusal
from datamill.modalities.base import AnnotationDoc, CheckOutcome, Exporter, ItemRecord
from datamill.modalities.parse_problems import validation_problems
from datamill.modalities.pointcloud.aggregation import PointCloudAggregationMixin
from datamill.modalities.pointcloud.item import PointCloudExportItem
from datamill.modalities.pointcloud.schema import (
    MAX_SIDE_M,
    Cuboid,
    PointCloudAnnotation,
    PointCloudItemAttributes,
    PointCloudLabelSchema,
    PointCloudRequirements,
    annotation_problems,
    partial_problems,
)
from datamill.modalities.pointcloud.segmentation import POINT_METRICS
from datamill.modalities.problem_words import coded_refusal

if TYPE_CHECKING:
    from datamill.modalities.pointcloud.effect import CuboidEffectEvaluator

__all__ = ["PointCloudPlugin", "PointCloudStatistics"]

_EXPORTERS = ("openpcdet", "semantickitti", "pointcloud_parquet", "kitti_objects", "nuscenes")
#: asked for by name only (a delivery names them): each writes every point again
_ON_REQUEST = frozenset({"kitti_objects", "nuscenes"})
_BAD_ID = frozenset(" \t\r\n/\\\x00")
#: how far (relative) a cluster's size may be from a label's typical size to take its name
SIZE_TOLERANCE = 0.6


def _export_id(external_id: str) -> str:
    """The frame's id in a delivery: its item id with each character no file name may hold
    (whitespace, path separators, control characters) as ``_``."""
    return "".join("_" if ch in _BAD_ID or ord(ch) < 32 else ch for ch in external_id)


def _placed_bounds(attributes: Mapping[str, Any]) -> tuple[float, ...] | None:
    """The frame's ``bounds`` a cuboid's centre must lie within, or None where they may not be
    where the workbench draws its points: a PCD frame described before its VIEWPOINT placed
    its points (no ``viewpoint`` nor ``viewpoint_applied`` recorded) measured them unplaced, and
    a cuboid drawn on the placed points was refused as outside the cloud."""
    if not attributes.get("bounds"):
        return None
    if attributes.get("format") == "pcd" and not attributes.get("viewpoint") \
            and not attributes.get("viewpoint_applied"):
        return None
    return tuple(attributes["bounds"])


def _described_viewpoint(item: ItemRecord) -> tuple[float, ...] | None:
    """The frame's non-identity VIEWPOINT as its description recorded it; a frame of another
    format has none, a PCD frame described since the VIEWPOINT places its points
    (``viewpoint_applied``) none but the recorded one. Only a frame described before (neither
    recorded) has its file's header read: an export opened every frame for it."""
    attributes = item.attributes
    if attributes.get("viewpoint"):
        return tuple(float(v) for v in attributes["viewpoint"])
    if attributes.get("viewpoint_applied") or attributes.get("format") not in (None, "pcd"):
        return None
    from datamill.modalities.pointcloud.cloud import file_viewpoint

    return file_viewpoint(item.readable)


def _req(requirements: BaseModel | Mapping[str, Any] | None) -> PointCloudRequirements:
    if isinstance(requirements, PointCloudRequirements):
        return requirements
    if isinstance(requirements, BaseModel):
        requirements = requirements.model_dump()
    try:
        return PointCloudRequirements.model_validate(requirements or {})
    except ValidationError as err:
        raise InvalidInput(f"point-cloud requirements: {_messages(err)}") from err


def _messages(err: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" if e["loc"] else e["msg"]
        for e in err.errors(include_url=False)
    )


def parse_annotation(payload: Any) -> PointCloudAnnotation:
    """A payload as a :class:`PointCloudAnnotation` (InvalidInput naming every problem)."""
    if isinstance(payload, PointCloudAnnotation):
        return payload
    try:
        return PointCloudAnnotation.model_validate(payload)
    except ValidationError as err:
        raise coded_refusal(_parse_problems(err, payload), _NOT_ONE) from err


_NOT_ONE = "not a point-cloud annotation: "


def _parse_problems(err: ValidationError, payload: Any) -> list[dict[str, Any]]:
    """Every problem of a payload that is no annotation, coded."""
    return [_run_problem(p, payload) for p in validation_problems(err, payload, by_id=True)]


_RUN_FIELD = re.compile(r"point_labels\[(\d+)\]\[([01])\]")


def _run_problem(problem: dict[str, Any], payload: Any) -> dict[str, Any]:
    """A point label run's class id or count that is no JSON integer (``true``, ``"10"``,
    ``2.5``) as its own coded problem, naming the run (from 1) and the value given; other
    problems unchanged."""
    found = _RUN_FIELD.fullmatch(str(problem.get("field", "")))
    if found is None or problem.get("code") != "not_an_integer":
        return problem
    run, part = int(found[1]), int(found[2])
    try:
        given = json.dumps(payload["point_labels"][run][part], ensure_ascii=False)
    except (KeyError, IndexError, TypeError, ValueError):
        given = "?"
    code, what, example = (("point_class_not_integer", "class id", "10") if part == 0
                           else ("point_count_not_integer", "count", "250"))
    return {"code": code, "field": f"point_labels[{run}][{part}]", "run": run + 1,
            "given": given, "message": f"point_labels[{run}]: the {what} must be a whole "
            f"number such as {example}, not {given} (true/false and numbers in quotes are "
            "refused)"}


def _canonical(ann: PointCloudAnnotation) -> str:
    return json.dumps(ann.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def _from_text(text: str) -> PointCloudAnnotation:
    try:
        data = json.loads(text) if text else {}
    except json.JSONDecodeError as err:
        raise json_refusal(
            f"a point-cloud correction is an annotation document (JSON): {err}", err) from err
    return parse_annotation(data)


def _as_annotation(value: Any) -> PointCloudAnnotation:
    """A payload (review pages) or its canonical text (inspection pages) as an annotation."""
    return _from_text(value) if isinstance(value, str) else parse_annotation(value or {})


def _flat(ann: PointCloudAnnotation) -> str:
    """What search and lists show: the labels and how many of each."""
    counts = Counter(o.label for o in ann.objects)
    return " ".join([*(f"{label}×{n}" for label, n in sorted(counts.items())), *ann.classes])


def _with_ids(ann: PointCloudAnnotation) -> PointCloudAnnotation:
    """Objects without an id get ``o<n>`` (n past the largest such id), so reviewers, track
    links and corrections can name them."""
    taken = {o.id for o in ann.objects if o.id}
    if len(taken) == len(ann.objects):
        return ann
    n = 0
    out = []
    for obj in ann.objects:
        if obj.id is None:
            n += 1
            while f"o{n}" in taken:
                n += 1
            obj = obj.model_copy(update={"id": f"o{n}"})
        out.append(obj)
    return ann.model_copy(update={"objects": tuple(out)})


class PointCloudPlugin(PointCloudAggregationMixin):
    """Lidar frames with 3D cuboids (see the module's description)."""

    #: the most items one application-effect run samples (a run is synchronous, bounded by
    #: its cost: each frame's cloud is read): its evaluator's ``max_sample``, and the
    #: most a spec's ``effect.min_sample`` may ask for (more is refused:
    #: ``effect_min_sample_cap``)
    effect_max_sample: ClassVar[int] = 2000
    name: ClassVar[str] = "pointcloud"
    requirements_model: ClassVar[type[BaseModel]] = PointCloudRequirements
    item_model: ClassVar[type[BaseModel]] = PointCloudItemAttributes
    default_preannotator: ClassVar[str] = "pointcloud-cluster"
    volume_unit: ClassVar[str] = "frames"
    volume_base_unit: ClassVar[str] = "frames"
    volume_per_unit: ClassVar[int] = 1
    media_suffixes: ClassVar[tuple[str, ...]] = (".pcd", ".bin", ".ply", ".npy")
    media_folder: ClassVar[str] = "clouds"
    acceptance_metrics: ClassVar[tuple[str, ...]] = ("cuboid_accuracy",)
    #: a pre-annotation against the accepted frame: cuboids paired by 3D IoU (base_assist)
    preannotation_metrics: ClassVar[tuple[str, ...]] = ("cuboid_accuracy", "mean_iou")
    #: a project that segments points may judge its batches by these as well as, or instead
    #: of, the cuboids (set in the spec's ``acceptance``; a cuboid project need not name them)
    metric_alternatives: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "cuboid_accuracy": POINT_METRICS}
    workbench_template: ClassVar[str] = "pointcloud/task.html"
    sample_template: ClassVar[str] = "pointcloud/_sample.html"

    def unmeasurable_metrics_for(self, requirements: BaseModel | Mapping[str, Any]) -> dict[str, str]:
        """The point metrics, for a project that names no point class (no point is labelled:
        a threshold on them would be shown unmeasured and judge nothing)."""
        labels = (_req(requirements).labels if isinstance(requirements, BaseModel)
                  else PointCloudLabelSchema.model_validate(requirements["labels"])
                  if requirements.get("labels") is not None else PointCloudRequirements().labels)
        if labels.point_classes:
            return {}
        return dict.fromkeys(POINT_METRICS, "requirements.labels.point_classes names no point "
                             "class, so no point is labelled (add the point classes, or judge "
                             "by cuboid_accuracy)")
    review_template: ClassVar[str] = "pointcloud/review.html"
    inspection_template: ClassVar[str] = "pointcloud/inspection.html"
    review_reasons: ClassVar[tuple[str, ...]] = ("missing_objects", "wrong_class", "box_fit",
                                                 "heading", "guidelines", "other")
    importer_names: ClassVar[tuple[str, ...]] = ("openpcdet",)
    prompt_sidecars: ClassVar[bool] = False

    # -- import
    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        """Reads the whole file (a file that cannot be read is refused, naming the problem)
        and records counts, fields, bounds and the collection manifest's sensor, scene,
        sequence and frame."""
        from datamill.modalities.pointcloud.cloud import read_cloud, summarize

        cloud = read_cloud(path)
        facts = summarize(cloud.points, cloud.viewpoint)

        def text(key: str) -> str | None:
            value = meta.get(key)
            return str(value) if value not in (None, "") else None

        frame = meta.get("frame")
        try:
            frame_index = int(str(frame)) if frame not in (None, "") else None
        except ValueError as err:
            raise InvalidInput(f"{path.name}: frame {frame!r} is not a whole number",
                               file=path.name) from err
        from datamill.modalities.pointcloud.pose import parse_pose

        return PointCloudItemAttributes(
            format=cloud.format, fields=cloud.fields, has_intensity=cloud.has_intensity,
            sensor=text("sensor") or text("device"), scene=text("scene"),
            sequence=text("sequence"), frame=frame_index, pose=parse_pose(meta.get("pose")),
            viewpoint=cloud.viewpoint, viewpoint_applied=True if cloud.format == "pcd" else None,
            **facts,
        )

    def carry_over(self, payload: Any, before: Mapping[str, Any],
                   now: Mapping[str, Any]) -> tuple[Any, bool]:
        """The earlier frame's document (attributes ``before``) for the frame ``now``: its
        cuboids moved by the two frames' sensor poses when both have one (see :mod:`.pose`);
        and whether they were moved."""
        from datamill.modalities.pointcloud.pose import carry_cuboids

        return carry_cuboids(payload, before.get("pose"), now.get("pose"))

    def volume(self, attributes: Mapping[str, Any]) -> int:
        return 1

    def summary(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        out = {"points": attributes.get("points"), "format": attributes.get("format")}
        for key in ("sensor", "scene", "sequence", "frame"):
            if attributes.get(key) is not None:
                out[key] = attributes[key]
        return out

    # -- checks
    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]:
        """Readable, enough valid points, few invalid ones, plausible range and height (see
        :mod:`.checks`)."""
        from datamill.modalities.pointcloud.checks import run_cloud_checks

        return run_cloud_checks(path, _req(requirements).cloud)

    def checks_are_heavy(self, requirements: Mapping[str, Any]) -> bool:
        return True  # every check reads the whole file: worth a process pool for a big batch

    # -- annotation
    def validate_annotation(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel
    ) -> AnnotationDoc:
        bounds = _placed_bounds(attributes)
        points = int(attributes["points"]) if attributes.get("points") is not None else None
        labels = _req(requirements).labels
        if isinstance(payload, PointCloudAnnotation):
            ann = payload
        else:
            try:
                ann = PointCloudAnnotation.model_validate(payload)
            except ValidationError as err:  # with the problems of the parts that parse: all
                raise coded_refusal(_parse_problems(err, payload) + partial_problems(  # at once
                    payload, labels, bounds, points), _NOT_ONE) from err
        ann = _with_ids(ann)
        problems = annotation_problems(ann, labels, bounds, points)
        if problems:  # each coded: a face words it in its reader's language (problem_words)
            raise coded_refusal(problems)
        return AnnotationDoc(ann.model_dump(mode="json"), _flat(ann))

    def from_prediction(self, prediction: object) -> AnnotationDoc:
        return self.map_prediction(prediction, None)

    def map_prediction(
        self, prediction: object, requirements: Mapping[str, Any] | BaseModel | None
    ) -> AnnotationDoc:
        """Cluster proposals named by the spec label of the nearest ``typical_size`` (within
        :data:`SIZE_TOLERANCE`, relative; height counts too); a proposal no label fits is left
        out and counted in ``dropped`` under ``unmatched``. Without sizes in the spec, a
        single label takes every proposal."""
        from datamill.modalities.pointcloud.preannotators import Proposal, Proposals

        if isinstance(prediction, PointCloudAnnotation):
            return AnnotationDoc(_with_ids(prediction).model_dump(mode="json"), _flat(prediction))
        if not isinstance(prediction, Proposals):
            raise InvalidInput("this pre-annotator does not propose cuboids (it returned "
                               f"{type(prediction).__name__})")
        labels = _req(requirements).labels.labels
        sized = [(label.name, label.typical_size) for label in labels if label.typical_size]
        objects: list[Cuboid] = []
        dropped: Counter[str] = Counter()
        for p in prediction.cuboids:
            name: str | None = None
            if sized:
                def gap(size: tuple[float, float, float], p: Proposal = p) -> float:
                    return max(abs(a - b) / b for a, b in zip(
                        (max(p.length, p.width), min(p.length, p.width), p.height),
                        (max(size[:2]), min(size[:2]), size[2]), strict=True))
                best_name, best_size = min(sized, key=lambda s: gap(s[1]))
                name = best_name if gap(best_size) <= SIZE_TOLERANCE else None
            elif len(labels) == 1:
                name = labels[0].name
            if name is None:
                dropped["unmatched"] += 1
                continue
            objects.append(Cuboid(label=name, x=p.x, y=p.y, z=p.z, length=p.length,
                                  width=p.width, height=p.height, yaw=p.yaw))
        ann = _with_ids(PointCloudAnnotation(objects=tuple(objects)))
        schema = _req(requirements).labels
        if schema.point_classes and prediction.source is not None:
            from datamill.modalities.pointcloud.cloud import read_cloud
            from datamill.modalities.pointcloud.segmentation import encode_runs, labels_from_cuboids

            per_point = labels_from_cuboids(read_cloud(prediction.source).points, ann.objects,
                                            schema)
            ann = ann.model_copy(update={"point_labels": encode_runs(per_point)})
        return AnnotationDoc(ann.model_dump(mode="json"), _flat(ann), prediction.model,
                             dict(dropped))

    # -- quality
    def compare(self, before: Any, after: Any) -> dict[str, Any]:
        """Cuboids added, removed, relabelled or moved (by object id) between two versions
        (payloads, or the canonical texts an inspection compares), with both documents; where
        either segments points, ``points_relabelled`` (how many points changed class) and
        ``point_moves`` (how many went from which class id to which, most first)."""
        old = {o.id: o for o in _with_ids(_as_annotation(before)).objects}
        new = {o.id: o for o in _with_ids(_as_annotation(after)).objects}
        moved = []
        relabelled = []
        for key in sorted(old.keys() & new.keys(), key=str):
            a, b = old[key], new[key]
            if a.label != b.label:
                relabelled.append({"id": key, "from": a.label, "to": b.label})
            geometry = ("x", "y", "z", "length", "width", "height", "yaw")
            if any(abs(getattr(a, f) - getattr(b, f)) > 1e-6 for f in geometry):
                moved.append(key)
        out: dict[str, Any] = {
            "before": {"objects": [o.model_dump(mode="json") for o in old.values()]},
            "after": {"objects": [o.model_dump(mode="json") for o in new.values()]},
            "added": sorted((k for k in new.keys() - old.keys()), key=str),
            "removed": sorted((k for k in old.keys() - new.keys()), key=str),
            "relabelled": relabelled, "moved": moved,
            "objects": {"before": len(old), "after": len(new)},
        }
        a_runs, b_runs = _as_annotation(before).point_labels, _as_annotation(after).point_labels
        if a_runs or b_runs:
            from datamill.modalities.pointcloud.segmentation import changed_points, point_moves

            out["points_relabelled"] = changed_points(a_runs, b_runs)
            out["point_moves"] = point_moves(a_runs, b_runs)  # per (from, to) class id
        return out

    def labels_proposed(self, payload: Any) -> int:
        """The labels a pre-annotation proposes: its cuboids, its scene classes and the point
        classes it gives points (0: the clustering found nothing to box in these frames)."""
        if not isinstance(payload, dict):
            return 0
        point_classes = {run[0] for run in payload.get("point_labels") or []
                         if isinstance(run, list | tuple) and run and run[0]}
        return (len(payload.get("objects") or []) + len(payload.get("classes") or [])
                + len(point_classes))

    def inspection_text(self, payload: Any, text: str) -> str:
        return _canonical(parse_annotation(payload or {}))

    def answer_summary(self, text: str,
                       requirements: Mapping[str, Any] | BaseModel | None = None) -> dict[str, Any]:
        """What a terminal shows of one frame's answer (canonical text) instead of its whole
        document: ``cuboids`` per label, the ``scene_classes``, and where the frame is
        segmented ``points`` per class (``{"id", "name", "points"}``, most points first;
        ``name`` is None for 0, unlabelled, and for an id the spec does not name)."""
        ann = _from_text(text)
        out: dict[str, Any] = {"cuboids": dict(sorted(Counter(o.label for o in ann.objects)
                                                      .items())),
                               "scene_classes": list(ann.classes)}
        if ann.point_labels:
            names = {p.id: p.name for p in _req(requirements).labels.point_classes}
            per_class: Counter[int] = Counter()
            for class_id, count in ann.point_labels:
                per_class[class_id] += count
            out["points"] = [{"id": c, "name": names.get(c), "points": n}
                             for c, n in sorted(per_class.items(), key=lambda x: (-x[1], x[0]))]
        return out

    #: an inspector's correction is an annotation document, held to the spec like a submission
    corrections_are_annotations: ClassVar[bool] = True
    scores_by_requirements: ClassVar[bool] = True

    def normalize_correction(self, corrected: str) -> str:
        return _canonical(_from_text(corrected))

    def score(
        self, reference: Sequence[str], hypothesis: Sequence[str], *,
        requirements: Mapping[str, Any] | None = None,
    ) -> Mapping[str, float]:
        """Cuboid accuracy of the delivered frames against the inspector's, at the spec's
        3D IoU threshold (see :mod:`.metric`), and the point metrics of segmented frames (0
        where none is segmented: :meth:`unmeasured_metrics` says so)."""
        from datamill.modalities.pointcloud.metric import score_cuboids
        from datamill.modalities.pointcloud.segmentation import POINT_METRICS, score_points

        refs, hyps = [_from_text(t) for t in reference], [_from_text(t) for t in hypothesis]
        req = _req(requirements)
        score = score_cuboids(refs, hyps, iou_threshold=req.iou_threshold,
                              headless=req.headless_labels())
        points = score_points([r.point_labels for r in refs], [h.point_labels for h in hyps])
        return {**score.as_dict(),
                **(points.as_dict() if points else dict.fromkeys(POINT_METRICS, 0.0))}

    def unmeasured_metrics(self, reference: Sequence[str],
                           hypothesis: Sequence[str]) -> frozenset[str]:
        """The point metrics, when no frame is segmented on either side."""
        from datamill.modalities.pointcloud.segmentation import POINT_METRICS

        segmented = any(_from_text(t).point_labels for t in (*reference, *hypothesis))
        return frozenset() if segmented else frozenset(POINT_METRICS)

    def is_defective(
        self, reference: str, hypothesis: str, *, requirements: Mapping[str, Any] | None = None
    ) -> bool:
        """A frame is a defect when a cuboid is missed, extra, mislabelled or placed below
        the IoU threshold, faces further from the inspector's heading than
        ``max_heading_error_deg`` (drawn backwards), its scene classes differ, or fewer of its
        points than ``min_point_agreement`` carry the inspector's class."""
        from datamill.modalities.pointcloud.metric import heading_error_deg, match_cuboids
        from datamill.modalities.pointcloud.segmentation import score_points

        ref, hyp = _from_text(reference), _from_text(hypothesis)
        req = _req(requirements)
        pairs = match_cuboids(ref.objects, hyp.objects, req.iou_threshold)
        points = score_points([ref.point_labels], [hyp.point_labels])
        headless = req.headless_labels()
        return (len(pairs) < max(len(ref.objects), len(hyp.objects))
                or any(heading_error_deg(ref.objects[i], hyp.objects[j], headless)
                       > req.max_heading_error_deg for i, j, _ in pairs)
                or set(ref.classes) != set(hyp.classes)
                or (points is not None and points.point_accuracy < req.min_point_agreement))

    # -- delivery
    def exporter_names(self) -> list[str]:
        return list(_EXPORTERS)

    def default_exporter_names(self, requirements: Mapping[str, Any]) -> list[str]:
        """OpenPCDet and Parquet, and SemanticKITTI for a project that segments points (its
        layout holds no cuboids: a cuboid project would get label files of zeros); KITTI's
        object layout and the nuScenes tables when a delivery names them."""
        segments = bool(_req(requirements).labels.point_classes)
        return [n for n in _EXPORTERS
                if n not in _ON_REQUEST and (segments or n != "semantickitti")]

    def make_exporter(self, name: str, requirements: Mapping[str, Any]) -> Exporter[Any]:
        from datamill.modalities.registry import exporters

        if name not in _EXPORTERS:
            raise InvalidInput(
                f"not a point-cloud format: {name!r}; available: {', '.join(_EXPORTERS)}")
        cls: Any = exporters.get(name)
        if name == "openpcdet":
            made: Exporter[Any] = cls([label.name for label in _req(requirements).labels.labels])
        elif name == "semantickitti":
            made = cls([(p.id, p.name) for p in _req(requirements).labels.point_classes])
        else:
            made = cls()
        return made

    def export_item(self, item: ItemRecord, payload: Any) -> PointCloudExportItem:
        """The delivered frame; its ``viewpoint`` as described (:func:`_described_viewpoint`),
        read from the file's header only for a frame described before the VIEWPOINT was kept
        (none recorded), so that it is delivered with it too."""
        attributes = item.attributes
        return PointCloudExportItem(
            id=_export_id(item.external_id), cloud_path=item.readable, cloud_name=f"{self.media_folder}/{item.path.name}",
            sha256=item.sha256, points=int(attributes.get("points") or 0),
            sequence=attributes.get("sequence"), frame=attributes.get("frame"),
            annotation=parse_annotation(payload or {}),
            pose=tuple(attributes["pose"]) if attributes.get("pose") else None,
            viewpoint=_described_viewpoint(item),
        )

    def delivery_slot(self, external_id: str, attributes: Mapping[str, Any],
                      requirements: Mapping[str, Any]) -> str | None:
        """The frame's place in a SemanticKITTI delivery (``kitti_slot``: the exporter's own
        rule), when the project delivers SemanticKITTI (it segments points) or the manifest
        numbered the frame in a sequence; None otherwise. The import refuses a frame whose
        sequence cannot be a folder name (InvalidInput) or whose place another frame of the
        project holds, instead of the delivery failing on it after the work is done."""
        sequence, frame = attributes.get("sequence"), attributes.get("frame")
        if (sequence is None and frame is None
                and "semantickitti" not in self.default_exporter_names(requirements)):
            return None
        from datamill.modalities.pointcloud.exporters import kitti_slot

        return str(kitti_slot(_export_id(external_id), sequence, frame))

    def statistics(self) -> PointCloudStatistics:
        return PointCloudStatistics()

    def effect_evaluator(
        self, requirements: Mapping[str, Any], language: str
    ) -> CuboidEffectEvaluator:
        """Application-effect verification: a classifier trained and cross-validated on the
        sample's labelled cuboids (:mod:`.effect`)."""
        from datamill.modalities.pointcloud.effect import CuboidEffectEvaluator

        return CuboidEffectEvaluator(requirements)

    # -- web: what the workbench draws, and its assisted tool
    def preview_size(self, attributes: Mapping[str, Any]) -> tuple[int, int] | None:
        return None  # the workbench always draws the preview (see :mod:`.preview`)

    def preview(self, path: Path, sha256: str, cache_dir: Path) -> Any:
        """The frame's points for the browser (float32 x, y, z, intensity; see
        :mod:`.preview`)."""
        from datamill.modalities.pointcloud.preview import cached_preview

        return cached_preview(path, sha256, cache_dir)

    assist_tools: ClassVar[tuple[str, ...]] = ("fit_cuboid", "label_points")
    assists_by_requirements: ClassVar[bool] = True

    def assist(self, tool: str, path: Path, params: Mapping[str, Any],
               requirements: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``fit_cuboid``: a rough footprint drawn from above (``x``, ``y``, ``yaw``,
        ``length``, ``width``) becomes the tight cuboid of the points above the ground in it
        (``{"cuboid": {...}, "points": n}``); InvalidInput when no point stands there.
        ``label_points``: the frame's point labels from the cuboids drawn (``objects``) and
        the ground plane, per the spec's ``point_classes`` (``{"point_labels": runs,
        "counts": {class name: points}, "unmatched_labels": [...], "unmatched_boxes": n}``;
        see :func:`.segmentation.labels_from_cuboids`): a box whose label no point class is
        named after labels none of its points, and ``unmatched_labels`` names those labels.
        When every box drawn is such a box, nothing would be labelled from them: refused
        (``box_labels_without_point_class``, naming the labels) unless ``allow_unmatched``
        is true (the workbench's submit, which then shows the labels)."""
        from datamill.modalities.pointcloud.cloud import read_cloud

        if tool not in self.assist_tools:
            raise InvalidInput(f"unknown assisted tool {tool!r}; use "
                               f"{', '.join(self.assist_tools)}", field="tool",
                               reason_code="pc_unknown_tool", tool=tool,
                               tools=list(self.assist_tools))
        if tool == "label_points":
            return _label_points(path, params, _req(requirements))
        from datamill.modalities.pointcloud.preannotators import fit_cuboid

        try:
            rough = {k: float(params[k]) for k in ("x", "y", "yaw", "length", "width")}
        except (KeyError, TypeError, ValueError) as err:
            raise InvalidInput("fit_cuboid needs numbers x, y, yaw, length and width "
                               f"({err})", field="params",
                               reason_code="pc_fit_needs_numbers") from err
        if not all(math.isfinite(v) for v in rough.values()) or not (
                0 < rough["length"] <= MAX_SIDE_M and 0 < rough["width"] <= MAX_SIDE_M):
            raise InvalidInput("fit_cuboid: finite numbers, and length/width in (0, "
                               f"{MAX_SIDE_M:g}] m", field="params",
                               reason_code="pc_fit_out_of_range", limit=f"{MAX_SIDE_M:g}")
        fitted = fit_cuboid(read_cloud(path).points, x=rough["x"], y=rough["y"],
                            yaw=rough["yaw"], length=rough["length"], width=rough["width"])
        if fitted is None:
            raise InvalidInput("no point stands above the ground inside that box; draw it "
                               "around the object's points", field="params",
                               reason_code="pc_fit_no_points")
        cuboid = {"x": fitted.x, "y": fitted.y, "z": fitted.z, "length": fitted.length,
                  "width": fitted.width, "height": fitted.height, "yaw": fitted.yaw}
        return {"cuboid": {k: round(v, 4) for k, v in cuboid.items()}, "points": fitted.points}


def _label_points(path: Path, params: Mapping[str, Any],
                  req: PointCloudRequirements) -> dict[str, Any]:
    """The ``label_points`` assisted tool (see :meth:`PointCloudPlugin.assist`)."""
    from datamill.modalities.pointcloud.cloud import read_cloud
    from datamill.modalities.pointcloud.segmentation import encode_runs, labels_from_cuboids

    schema = req.labels
    if not schema.point_classes:
        raise InvalidInput("this project's spec has no point classes to label points with "
                           "(requirements.labels.point_classes)", field="tool",
                           reason_code="pc_no_point_classes")
    ann = parse_annotation({"objects": params.get("objects") or []})
    classes = [p.name for p in schema.point_classes]
    unmatched = sorted({o.label for o in ann.objects} - set(classes))
    if ann.objects and len(unmatched) == len({o.label for o in ann.objects}) \
            and params.get("allow_unmatched") is not True:
        raise InvalidInput(
            f"no point class is named like the box labels {', '.join(unmatched)}, so no "
            f"box's points can be labelled (point classes: {', '.join(classes)}); give the "
            "boxes a label that has a point class of its name, or add point classes of those "
            "names to the spec", field="objects", reason_code="box_labels_without_point_class",
            labels=unmatched, point_classes=classes)
    labels = labels_from_cuboids(read_cloud(path).points, ann.objects, schema)
    names = {p.id: p.name for p in schema.point_classes}
    ids, counts = np.unique(labels, return_counts=True)
    return {"point_labels": [list(run) for run in encode_runs(labels)],
            "counts": {names.get(int(i), "unlabeled"): int(n)
                       for i, n in zip(ids, counts, strict=True)},
            "unmatched_labels": unmatched,
            "unmatched_boxes": sum(o.label in unmatched for o in ann.objects)}


class PointCloudStatistics:
    """Frames, points, cuboids per label, tracks, scene classes, sensors."""

    def __init__(self) -> None:
        self.frames = self.points = 0
        self.labels: Counter[str] = Counter()
        self.classes: Counter[str] = Counter()
        self.sensors: Counter[str] = Counter()
        self.tracks: set[str] = set()
        #: the labels of each track, by (sequence, track id): a track labelled two ways
        self.track_labels: dict[tuple[str, str], set[str]] = {}
        self.segmented = 0
        self.point_classes: Counter[int] = Counter()

    def add(self, item: ItemRecord, payload: Any) -> None:
        ann = parse_annotation(payload or {})
        self.frames += 1
        self.points += int(item.attributes.get("points") or 0)
        self.labels.update(o.label for o in ann.objects)
        self.classes.update(ann.classes)
        self.sensors.update([str(item.attributes.get("sensor") or "unknown")])
        self.tracks.update(o.track_id for o in ann.objects if o.track_id)
        sequence = str(item.attributes.get("sequence") or "")
        for o in ann.objects:
            if o.track_id:
                self.track_labels.setdefault((sequence, o.track_id), set()).add(o.label)
        if ann.point_labels:
            self.segmented += 1
            for class_id, count in ann.point_labels:
                self.point_classes[class_id] += count

    def _relabelled(self) -> dict[str, Any]:
        """Tracks whose cuboids carry two labels or more (a car called a truck in one frame):
        their count and the first 10 (``sequence/track: labels``); nothing when none is."""
        found = sorted((key, labels) for key, labels in self.track_labels.items()
                       if len(labels) > 1)
        if not found:
            return {}
        return {"tracks_relabelled": len(found), "tracks_relabelled_examples": [
            f"{sequence + '/' if sequence else ''}{track}: {', '.join(sorted(labels))}"
            for (sequence, track), labels in found[:10]]}

    def result(self) -> dict[str, Any]:
        return {
            "frames": self.frames, "points": self.points,
            "cuboids": sum(self.labels.values()), "labels": dict(self.labels),
            "tracks": len(self.tracks), "scene_classes": dict(self.classes),
            "sensors": dict(self.sensors),
            **self._relabelled(),
            **({"segmented_frames": self.segmented,
                "points_per_class": {str(k): v for k, v in sorted(self.point_classes.items())}}
               if self.segmented else {}),
            "units": {"coordinates": "metres, sensor frame (x forward, y left, z up)",
                      "yaw": "radians about z, counter-clockwise from x"},
        }
