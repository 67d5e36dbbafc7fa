"""The ``pointcloud`` modality's documents: item attributes, requirements, cuboid annotations.

Coordinates are the sensor's (lidar) frame in metres: x forward, y left, z up, as KITTI's
velodyne files and OpenPCDet use them. A cuboid is its centre (``x``, ``y``, ``z``, the middle
of the box, not its floor), its size (``length`` along its heading, ``width``, ``height``) and
its heading ``yaw`` in radians about the z axis, counter-clockwise from x, normalised to
(-pi, pi]. That is OpenPCDet's ``[x, y, z, dx, dy, dz, heading]``.

An annotation document::

    {"type": "pointcloud_annotation", "schema_version": 1,
     "objects": [{"id": "o1", "label": "car", "x": 12.1, "y": -3.4, "z": -0.9,
                  "length": 4.5, "width": 1.8, "height": 1.5, "yaw": 0.12,
                  "track_id": "car-7", "attributes": {"occluded": "partly"}}],
     "classes": ["urban"]}

``classes`` are scene-level tags; ``track_id`` links one object across the frames of a
sequence (continuous-frame annotation; one object a frame: a second object of a frame on
the same track is refused, ``duplicate_track``). ``point_labels`` (optional) segments the frame: one
class per point, run-length over the file's points (``[[class_id, count], ...]``, see
:mod:`.segmentation`), the ids being the spec's ``point_classes`` (0: unlabelled). Both
numbers are JSON integers (``true`` or ``"10"`` is refused), each count at least 1; the runs
are kept canonical (adjacent runs of one class merged, :func:`canonical_runs`).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "MAX_OBJECTS",
    "MAX_POINT_RUNS",
    "AttributeSpec",
    "CheckSettings",
    "Cuboid",
    "CuboidLabel",
    "PointClass",
    "PointCloudAnnotation",
    "PointCloudItemAttributes",
    "PointCloudLabelSchema",
    "PointCloudRequirements",
    "annotation_problems",
    "canonical_runs",
    "normalize_yaw",
    "partial_problems",
    "point_label_problems",
    "validate_annotation",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
#: the largest cuboid side anyone labels (a truck with trailer is ~25 m; this leaves room)
MAX_SIDE_M = 100.0
#: more cuboids than one lidar frame holds (a dense city sweep has a couple of hundred); bounds
#: the inspection's pairing, which compares every cuboid with every other
MAX_OBJECTS = 500
MAX_CLASSES = 100
#: runs of one frame's point labels (a 120,000-point sweep labelled by region needs a few
#: hundred; one class per point, alternating, would need as many runs as points)
MAX_POINT_RUNS = 2_000_000
#: SemanticKITTI's label files keep the class in the lower 16 bits of each uint32
MAX_POINT_CLASS_ID = 0xFFFF


def _name_problem(kind: str, name: str) -> str | None:
    """Why ``name`` cannot be a label or scene class: whitespace or control characters (an
    OpenPCDet label line is split on whitespace, and ``car `` would be another label)."""
    if any(ch.isspace() or not ch.isprintable() for ch in name):
        return (f"{kind} {name!r} holds whitespace or a control character; write it without "
                "(e.g. traffic_cone)")
    return None


def _plain(kind: str) -> Callable[[str], str]:
    """A name's validator: refused (ValueError) where :func:`_name_problem` finds a problem."""
    def check(value: str) -> str:
        problem = _name_problem(kind, value)
        if problem:
            raise ValueError(problem)
        return value
    return check


def normalize_yaw(yaw: float) -> float:
    """``yaw`` in (-pi, pi].

    Examples:
        >>> round(normalize_yaw(3 * math.pi / 2), 6) == round(-math.pi / 2, 6)
        True
        >>> normalize_yaw(-math.pi) == math.pi
        True
    """
    turned = math.remainder(yaw, 2 * math.pi)  # in [-pi, pi]
    return math.pi if turned <= -math.pi else turned


class PointCloudItemAttributes(BaseModel):
    """What the loop stores about one collected point cloud (one frame).

    ``format`` is the file's (``pcd``, ``bin`` for KITTI's float32 x/y/z/intensity, ``ply``,
    ``npy``); ``points`` counts every point, ``invalid_points`` those with a NaN or infinite
    coordinate; ``bounds`` is ``[xmin, ymin, zmin, xmax, ymax, zmax]`` of the valid points;
    ``range_p99_m`` the 99th percentile of their horizontal distance from the sensor.
    ``sensor``, ``scene``, ``sequence``, ``frame`` and ``pose`` come from the collection
    manifest (``sequence`` + ``frame`` order continuous frames; ``pose`` places the frame).
    """

    model_config = _FROZEN

    format: Literal["pcd", "bin", "ply", "npy"]
    points: int = Field(ge=0)
    invalid_points: int = Field(default=0, ge=0)
    fields: tuple[str, ...] = ()
    has_intensity: bool = False
    bounds: tuple[float, float, float, float, float, float] | None = None
    range_p99_m: float | None = None
    sensor: str | None = None
    scene: str | None = None
    sequence: str | None = None
    frame: int | None = None
    #: the sensor's pose in the sequence's world frame, a 4x4 row by row (the manifest's
    #: ``pose``, see :mod:`.pose`): "copy previous frame" moves cuboids by it
    pose: tuple[float, ...] | None = Field(default=None, min_length=16, max_length=16)
    #: a PCD file's non-identity ``VIEWPOINT`` (tx ty tz qw qx qy qz): its points were placed
    #: by it (turned, then moved) when read, as PCL's viewer places them
    viewpoint: tuple[float, ...] | None = Field(default=None, min_length=7, max_length=7)
    #: a PCD frame described since its VIEWPOINT places its points (True, whatever the
    #: VIEWPOINT): ``bounds`` and ``range_p99_m`` are of the placed points. A PCD frame
    #: described before (none recorded) measured them unplaced, so they may not be where the
    #: workbench now draws its points
    viewpoint_applied: bool | None = None


class CheckSettings(BaseModel):
    """Thresholds of the automatic checks (spec ``requirements.cloud``)."""

    model_config = _FROZEN

    min_points: int = Field(default=1000, ge=1)
    max_invalid_share: float = Field(default=0.01, ge=0, le=1)
    #: a cloud whose 99th-percentile range is beyond this is in the wrong unit (millimetres?)
    max_range_m: float = Field(default=250.0, gt=0)
    #: a cloud flatter than this (z extent) is degenerate: a plane, or x/y/z mixed up
    min_height_extent_m: float = Field(default=0.2, ge=0)
    require_intensity: bool = False


class AttributeSpec(BaseModel):
    """One per-object attribute a label takes."""

    model_config = _FROZEN

    name: str = Field(min_length=1)
    type: Literal["text", "number", "boolean", "select"]
    values: tuple[str, ...] = ()
    required: bool = False

    @model_validator(mode="after")
    def _values(self) -> AttributeSpec:
        if self.type == "select" and not self.values:
            raise ValueError(f"attribute {self.name!r} is a select without values")
        return self


class CuboidLabel(BaseModel):
    """One object class. ``typical_size`` (length, width, height in metres) lets the
    clustering pre-annotator name what it finds; ``attributes`` are asked per object.
    ``heading`` False: the object has no front (a traffic cone, a barrier), so a cuboid turned
    half round is the same one (nuScenes measures a barrier's orientation modulo 180°)."""

    model_config = _FROZEN

    name: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_plain("label"))]
    typical_size: tuple[float, float, float] | None = None
    attributes: tuple[AttributeSpec, ...] = ()
    heading: bool = True

    @field_validator("typical_size")
    @classmethod
    def _positive(cls, value: tuple[float, float, float] | None) -> tuple[float, float, float] | None:
        if value is not None and not all(0 < v <= MAX_SIDE_M for v in value):
            raise ValueError(f"typical_size sides must be in (0, {MAX_SIDE_M:g}] m")
        return value


class PointClass(BaseModel):
    """One class of point segmentation: its name, its number in the label files (1..65535;
    0 is unlabelled; SemanticKITTI's own numbers, e.g. 40 road, keep its tools working) and
    whether it is the ground (the class "label points from boxes" gives the ground plane)."""

    model_config = _FROZEN

    name: Annotated[str, Field(min_length=1, max_length=64),
                    AfterValidator(_plain("point class"))]
    id: int = Field(ge=1, le=MAX_POINT_CLASS_ID)
    ground: bool = False


class PointCloudLabelSchema(BaseModel):
    """The project's object classes, scene tags and point classes (spec
    ``requirements.labels``); with ``point_classes`` every frame is segmented point by point."""

    model_config = _FROZEN

    labels: tuple[CuboidLabel, ...] = Field(min_length=1)
    scene_classes: tuple[str, ...] = ()
    point_classes: tuple[PointClass, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> PointCloudLabelSchema:
        names = [label.name for label in self.labels]
        if len(set(names)) != len(names):
            raise ValueError("duplicate label names")
        if len(set(self.scene_classes)) != len(self.scene_classes):
            raise ValueError("duplicate scene class names")
        for name in self.scene_classes:
            problem = _name_problem("scene class", name)
            if problem or not name:
                raise ValueError(problem or "an empty scene class name")
        for what, values in (("names", [p.name for p in self.point_classes]),
                             ("ids", [p.id for p in self.point_classes])):
            if len(set(values)) != len(values):
                raise ValueError(f"duplicate point class {what}")
        if sum(p.ground for p in self.point_classes) > 1:
            raise ValueError("more than one point class is the ground")
        return self

    def ground_class(self) -> PointClass | None:
        """The point class of the ground plane, or None."""
        return next((p for p in self.point_classes if p.ground), None)

    def label(self, name: str) -> CuboidLabel | None:
        """The label called ``name``, or None."""
        return next((label for label in self.labels if label.name == name), None)


class PointCloudRequirements(BaseModel):
    """Spec ``requirements`` of a point-cloud project.

    ``iou_threshold`` is the 3D IoU at which an inspector's cuboid and the delivered one are
    the same object (KITTI counts cars at 0.7, pedestrians at 0.5); ``min_point_agreement``
    the share of a segmented frame's points that must carry the inspector's class;
    ``max_heading_error_deg`` the most a paired cuboid's heading may differ from the
    inspector's (a car drawn facing backwards is 180° off: a defect at the default 90°; a
    label without ``heading`` differs by at most 90°).
    """

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    cloud: CheckSettings = CheckSettings()
    labels: PointCloudLabelSchema = PointCloudLabelSchema(labels=(CuboidLabel(name="object"),))
    iou_threshold: float = Field(default=0.5, gt=0, le=1)
    #: a segmented frame is a defect when fewer of its points than this share the inspector's
    #: class (the sampling plan counts defects; ``acceptance.point_miou`` judges the batch)
    min_point_agreement: float = Field(default=0.95, gt=0, le=1)
    #: a frame is a defect when a paired cuboid's heading is further than this from the
    #: inspector's (degrees; 180: headings are not judged)
    max_heading_error_deg: float = Field(default=90.0, gt=0, le=180)

    def headless_labels(self) -> frozenset[str]:
        """The labels whose objects have no front (``heading`` False)."""
        return frozenset(label.name for label in self.labels.labels if not label.heading)


class Cuboid(BaseModel):
    """One 3D box (see the module's description for the frame and the fields)."""

    model_config = _FROZEN

    id: str | None = Field(default=None, min_length=1, max_length=64)
    label: str = Field(min_length=1)
    x: float
    y: float
    z: float
    length: float = Field(gt=0, le=MAX_SIDE_M)
    width: float = Field(gt=0, le=MAX_SIDE_M)
    height: float = Field(gt=0, le=MAX_SIDE_M)
    yaw: float = Field(default=0.0, ge=-4 * math.pi, le=4 * math.pi)
    track_id: str | None = Field(default=None, min_length=1, max_length=64)
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("yaw")
    @classmethod
    def _yaw(cls, value: float) -> float:
        return normalize_yaw(value)

    @field_validator("attributes")
    @classmethod
    def _finite(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, inner in value.items():
            if isinstance(inner, float) and not math.isfinite(inner):
                raise ValueError(f"attribute {key!r}: {inner} is not a finite number")
            if not isinstance(inner, str | int | float | bool) or inner is None:
                raise ValueError(f"attribute {key!r} must be text, a number or true/false")
        return value


def _is_canonical(runs: tuple[tuple[int, int], ...]) -> bool:
    """Whether ``runs`` are canonical already (no run of no point, no class twice in a row):
    twice as fast as rebuilding them, and the usual case."""
    ids = [c for c, _ in runs]
    return min((n for _, n in runs), default=1) > 0 and all(map(operator.ne, ids, ids[1:]))


def canonical_runs(runs: Iterable[Sequence[int]]) -> tuple[tuple[int, int], ...]:
    """``runs`` (``[class_id, count]`` pairs) in their one canonical form: adjacent runs of
    one class merged, runs of no point dropped; the per-point labels they spell are the same,
    so two equal labellings compare and export equal.

    Examples:
        >>> canonical_runs([(40, 2), (40, 3), (10, 0), (10, 1), (40, 1)])
        ((40, 5), (10, 1), (40, 1))
        >>> canonical_runs([(0, 0)])
        ()
    """
    out: list[tuple[int, int]] = []
    for class_id, count in runs:
        if count <= 0:
            continue
        if out and out[-1][0] == class_id:
            out[-1] = (class_id, out[-1][1] + count)
        else:
            out.append((class_id, count))
    return tuple(out)


class PointCloudAnnotation(BaseModel):
    """The cuboids of one frame and its scene-level tags."""

    model_config = _FROZEN

    type: Literal["pointcloud_annotation"] = "pointcloud_annotation"
    schema_version: Literal[1] = 1
    objects: tuple[Cuboid, ...] = Field(default=(), max_length=MAX_OBJECTS)
    classes: tuple[str, ...] = Field(default=(), max_length=MAX_CLASSES)
    #: strict whole numbers: ``true`` or ``"10"`` is refused, never read as 1 or 10
    point_labels: tuple[tuple[Annotated[int, Field(strict=True, ge=0, le=MAX_POINT_CLASS_ID)],
                              Annotated[int, Field(strict=True, ge=1)]], ...] = Field(
        default=(), max_length=MAX_POINT_RUNS)

    @field_validator("point_labels")
    @classmethod
    def _canonical_runs(cls, value: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
        return value if _is_canonical(value) else canonical_runs(value)

    @field_validator("classes")
    @classmethod
    def _once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({name for name in value if value.count(name) > 1})
        if twice:
            raise ValueError(f"scene class {twice[0]!r} is given twice")
        return value


def _problem(where: str, index: int | None, code: str, message: str, field: str = "",
             **values: Any) -> dict[str, Any]:
    """One coded problem (the record every modality's refusal shares, see
    :mod:`datamill.modalities.problem_words`); :func:`annotation_problems` adds the object."""
    return {**values, "code": code, "message": f"{where}: {message}" if where else message,
            "field": f"objects[{index}]{field}" if index is not None else field}


def _attribute_problems(where: str, index: int, obj: Cuboid,
                        spec: CuboidLabel) -> list[dict[str, Any]]:
    problems = []
    known = {a.name: a for a in spec.attributes}
    for name in obj.attributes:
        if name not in known:
            problems.append(_problem(where, index, "attribute_unknown",
                                     f"label {spec.name!r} has no attribute {name!r}",
                                     f".attributes.{name}", name=name))
    for attr in spec.attributes:
        value = obj.attributes.get(attr.name)
        if value is None:
            if attr.required:
                problems.append(_problem(where, index, "attribute_required",
                                         f"attribute {attr.name!r} is required",
                                         f".attributes.{attr.name}", name=attr.name))
            continue
        ok = {
            "text": isinstance(value, str),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "select": isinstance(value, str) and value in attr.values,
        }[attr.type]
        if not ok:
            wanted = f"one of {', '.join(attr.values)}" if attr.type == "select" else attr.type
            problems.append(_problem(where, index, "attribute_invalid",
                                     f"attribute {attr.name!r} must be {wanted}, not {value!r}",
                                     f".attributes.{attr.name}", name=attr.name))
    return problems


def annotation_problems(
    ann: PointCloudAnnotation, schema: PointCloudLabelSchema,
    bounds: tuple[float, ...] | None, points: int | None = None,
) -> list[dict[str, Any]]:
    """:func:`validate_annotation`'s problems as coded records (see
    :mod:`datamill.modalities.problem_words`): ``code``, ``message`` (English, as
    ``validate_annotation`` words it), ``field``, and for an object's problem ``object`` and
    ``number`` (its index from 0 and from 1), its ``label`` and ``object_id`` (when it has an
    id, as the workbench's list names it), plus the values a sentence names (e.g. ``name``)."""
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    tracks: dict[str, int] = {}  # track id -> the first object's number
    for index, obj in enumerate(ann.objects):
        found = _object_problems(index, obj, schema, bounds, seen)
        if obj.track_id is not None:
            first = tracks.setdefault(obj.track_id, index + 1)
            if first != index + 1:  # a track is one object: twice in a frame breaks tracking
                found.append(_problem(
                    f"objects[{index}]" + (f" ({obj.id})" if obj.id else ""), index,
                    "duplicate_track", f"track {obj.track_id!r} is already object {first}'s "
                    "in this frame", ".track_id", track_id=obj.track_id, first=first))
        who: dict[str, Any] = {"object": index, "number": index + 1, "label": obj.label}
        if obj.id is not None:
            who["object_id"] = obj.id
        problems += [{**p, **who} for p in found]
    for n, name in enumerate(ann.classes):
        if name not in schema.scene_classes:
            offered = ", ".join(schema.scene_classes) or "none"
            problems.append(_problem("", None, "class_unknown", f"unknown scene class {name!r} "
                                     f"(scene classes: {offered})", f"classes[{n}]", name=name))
    return problems + point_label_problems(ann, schema, points)


def point_label_problems(ann: PointCloudAnnotation, schema: PointCloudLabelSchema,
                         points: int | None) -> list[dict[str, Any]]:
    """The segmentation's problems: labels missing where the spec has point classes, a class
    id the spec does not have, runs that do not cover the frame's ``points`` exactly."""
    if not ann.point_labels:
        if schema.point_classes:
            return [_problem("", None, "point_labels_missing", "every point needs a class "
                             "(point_labels is empty; 0 marks a point left unlabelled)",
                             "point_labels")]
        return []
    known = {p.id for p in schema.point_classes} | {0}
    problems = []
    for class_id in sorted({c for c, _ in ann.point_labels} - known):
        offered = ", ".join(f"{p.id} {p.name}" for p in schema.point_classes) or "none"
        problems.append(_problem("", None, "point_class_unknown", f"point class id {class_id} "
                                 f"is not in the label schema (point classes: {offered})",
                                 "point_labels", id=class_id))
    given = sum(n for _, n in ann.point_labels)
    if points is not None and given != points:
        problems.append(_problem("", None, "point_labels_count", f"point_labels cover {given} "
                                 f"points; the cloud has {points}", "point_labels",
                                 given=given, points=points))
    return problems


def _object_problems(index: int, obj: Cuboid, schema: PointCloudLabelSchema,
                     bounds: tuple[float, ...] | None, seen: set[str]) -> list[dict[str, Any]]:
    """One object's problems; ``seen`` collects the ids of the objects before it."""
    problems: list[dict[str, Any]] = []
    where = f"objects[{index}]" + (f" ({obj.id})" if obj.id else "")
    if obj.id is not None:
        if obj.id in seen:
            problems.append(_problem(where, index, "duplicate_id",
                                     f"duplicate object id {obj.id!r}", ".id"))
        seen.add(obj.id)
    spec = schema.label(obj.label)
    if spec is None:
        names = ", ".join(label.name for label in schema.labels)
        problems.append(_problem(where, index, "label_unknown",
                                 f"unknown label {obj.label!r} (labels: {names})", ".label",
                                 label=obj.label))
    else:
        problems.extend(_attribute_problems(where, index, obj, spec))
    if bounds is not None:
        reach = math.sqrt(obj.length ** 2 + obj.width ** 2 + obj.height ** 2) / 2
        for axis, value, low, high in (("x", obj.x, bounds[0], bounds[3]),
                                       ("y", obj.y, bounds[1], bounds[4]),
                                       ("z", obj.z, bounds[2], bounds[5])):
            if value < low - reach or value > high + reach:
                problems.append(_problem(
                    where, index, "outside_cloud", f"centre {axis} = {value:g} m lies outside "
                    f"the cloud ({low:g} .. {high:g} m)", f".{axis}", axis=axis,
                    value=f"{value:g}", low=f"{low:g}", high=f"{high:g}"))
                break
    return problems


def partial_problems(
    payload: Any, schema: PointCloudLabelSchema, bounds: tuple[float, ...] | None,
    points: int | None = None,
) -> list[dict[str, Any]]:
    """For a payload that is no annotation as a whole: the problems of its parts that parse
    (each object on its own, the scene classes and point labels without the objects) against
    the label schema and the cloud, as :func:`annotation_problems` codes them, so one answer
    names every problem, not those of one stage at a time (an unknown label only once a
    negative size was fixed). The parts that do not parse are the parse's to name."""
    if not isinstance(payload, dict):
        return []
    raw = payload.get("objects")
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw[:MAX_OBJECTS] if isinstance(raw, list | tuple) else ()):
        try:
            obj = Cuboid.model_validate(item)
        except ValidationError:
            continue
        who: dict[str, Any] = {"object": index, "number": index + 1, "label": obj.label}
        if obj.id is not None:
            who["object_id"] = obj.id
        problems += [{**p, **who}
                     for p in _object_problems(index, obj, schema, bounds, seen)]
    try:
        rest = PointCloudAnnotation.model_validate(
            {k: v for k, v in payload.items() if k != "objects"})
    except ValidationError:
        return problems
    return problems + annotation_problems(rest, schema, bounds, points)


def validate_annotation(
    ann: PointCloudAnnotation, schema: PointCloudLabelSchema,
    bounds: tuple[float, ...] | None,
) -> list[str]:
    """Every problem of ``ann`` against the label schema and the cloud's ``bounds`` (a cuboid
    whose centre lies farther outside the cloud than its own half diagonal labels nothing)."""
    return [p["message"] for p in annotation_problems(ann, schema, bounds)]
