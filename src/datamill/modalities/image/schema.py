"""Image items, annotations and label schemas (pydantic), and the annotation validator.

Coordinates are **pixels** as floats, origin at the top-left corner of the top-left pixel, x to
the right and y **down**, measured on the image as displayed, i.e. after its EXIF orientation
has been applied. A pixel-aligned box covering pixel columns 0..9 is ``x=0, w=10``.
Coordinates are JSON numbers: text (``"10"``) and booleans are refused, never converted.

* :class:`Box`: axis-aligned, ``x, y`` top-left corner, ``w, h`` size (both > 0; validation
  refuses a side under :data:`MIN_OBJECT_PX`, the workbench's smallest, as it refuses a polygon
  or text line covering less than that square: ``object_too_small``, ``area_too_small``).
* :class:`RotatedBox`: centre ``cx, cy``, size ``w, h`` and ``angle_deg``: rotation about the
  centre, positive **clockwise** on screen (the rotation matrix applied in y-down coordinates).
* :class:`Polygon`: a closed ring of at least 3 points, not self-intersecting.
* :class:`Polyline`: an open chain of at least 2 points (lane lines, wires, edges), not all
  at one place (``polyline_zero_length``).
* :class:`Keypoints`: points of a named skeleton, in skeleton order; ``visibility`` follows COCO:
  0 not labelled (``x``, ``y`` ignored), 1 labelled but occluded, 2 labelled and visible.
* :class:`Mask`: a COCO run-length encoding (column-major; ``counts`` compressed string or
  list of run lengths starting with background), at least one pixel set (``mask_empty``).
* :class:`TextLine`: an OCR line, a polygon (usually 4 points, clockwise from top-left) and its
  ``transcription``.

Every object has a ``label`` and a free ``attributes`` dict (the key
:data:`PREANNOTATION_ATTRIBUTE` is reserved: a pre-annotator records its model and confidence
there, and the label schema does not declare it; :data:`CROWD_ATTRIBUTE` ``true`` marks a COCO
crowd region, ``iscrowd`` 1; :data:`PARTS_ATTRIBUTE` numbers the polygons of one COCO instance
drawn in parts); an :class:`ImageAnnotation` holds
the objects and image-level ``classes``. Serialised records carry ``type`` and
``schema_version``; objects carry ``kind`` (the discriminator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "CROWD_ATTRIBUTE",
    "DEFAULT_KEYPOINT_SIGMA",
    "MIN_OBJECT_PX",
    "PARTS_ATTRIBUTE",
    "PREANNOTATION_ATTRIBUTE",
    "VOLUME_UNIT",
    "AttributeSpec",
    "Box",
    "CocoRle",
    "ImageAnnotation",
    "ImageItemAttributes",
    "ImageLabelSchema",
    "ImageObject",
    "Keypoint",
    "Keypoints",
    "LabelSpec",
    "Mask",
    "ObjectKind",
    "Polygon",
    "Polyline",
    "RotatedBox",
    "Skeleton",
    "TextLine",
    "annotation_problems",
    "below_workbench_size",
    "rotated_box_corners",
    "validate_annotation",
]

VOLUME_UNIT: Final = "images"
"""What one item counts as when a project measures its volume."""

CROWD_ATTRIBUTE: Final = "iscrowd"
"""Reserved object attribute: ``true`` on a COCO crowd region (``iscrowd`` 1, which COCOeval
ignores rather than counts as one object). The COCO importer sets it and the COCO exporter
writes ``iscrowd`` from it, so a crowd stays a crowd through a round trip; any label takes it
(``true`` only) without the schema declaring it.
"""

PARTS_ATTRIBUTE: Final = "coco_instance"
"""Reserved object attribute: a whole number shared by the polygons of one COCO instance drawn
in parts (a ``segmentation`` of several rings: a car behind a post). The COCO importer sets it
on each part and the COCO exporter writes consecutive polygons of one label and number as one
annotation again, so an instance is not counted as two; any label takes it without the schema
declaring it.
"""

PREANNOTATION_ATTRIBUTE: Final = "preannotation"
"""Reserved object attribute: ``{"model": ..., "confidence": ...}`` written by a pre-annotator.

:func:`validate_annotation` accepts it on any label; annotators' edits keep it, so the loop can
tell which objects a model proposed and with which model.
"""

MIN_OBJECT_PX: Final = 1.0
"""Pixels: the smallest side of a box or rotated box the workbench draws (a drag under it draws
nothing, a resize stops at it); a polygon or text line must cover that square. Validation
allows :data:`_SIZE_SLACK` less, what a delivery's rounding may take off a 1 px object (YOLO's
6 decimals of a 20,000 px side: 0.01 px), so a delivered object reads back. A 1e-9 px box,
accepted before, was delivered as ``0.000000`` and refused on the way back."""
_SIZE_SLACK: Final = 0.05

ObjectKind = Literal["box", "rotated_box", "polygon", "polyline", "keypoints", "mask", "text_line"]


def _number(value: Any) -> Any:
    """Refuse a coordinate given as text or a boolean (``"10"``, ``true``): pydantic's lax
    mode would store ``true`` as 1.0 and ``" 10.5 "`` as 10.5, hiding a client's bug. Numbers
    of any numeric type (numpy's too) go on to the float check."""
    if isinstance(value, bool | str | bytes):
        raise PydanticCustomError("float_type", "Input should be a valid number, not {given}",
                                  {"given": type(value).__name__})
    return value


#: a coordinate or size in pixels: a JSON number (never text or a boolean), finite
Coordinate = Annotated[float, BeforeValidator(_number)]
Point = tuple[Coordinate, Coordinate]
#: the OKS falloff of a keypoint whose skeleton names no sigmas (about COCO's mean for a body)
DEFAULT_KEYPOINT_SIGMA = 0.07

_FROZEN = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # NaN is no coordinate


class ImageItemAttributes(BaseModel):
    """What the loop stores about one collected image (item ``attributes``).

    ``width``/``height`` are the displayed size (after EXIF orientation). ``format`` is Pillow's
    format name (``JPEG``, ``PNG`` ...), ``mode`` Pillow's mode of the stored pixels (``RGB``,
    ``CMYK``, ``I;16`` ...). ``device`` and ``scene`` come from the collection brief (``device``
    falls back to EXIF make and model). ``exif_orientation_applied`` is True when the file's
    EXIF orientation tag was not 1, i.e. width/height and annotations refer to the rotated image.
    ``phash`` is the 64-bit perceptual hash as 16 hex digits (imagehash's ``str()``);
    ``detail_hash`` the words-and-gaps fingerprint of :mod:`.fingerprint` (1024 hex digits),
    ``page_hash`` the same of the page levelled and cut to its ink, ``page_hash_version`` the
    method it was made by (:data:`.fingerprint.PAGE_HASH_VERSION`; none recorded: 1).
    """

    model_config = _FROZEN
    volume_unit: ClassVar[str] = VOLUME_UNIT

    width: int = Field(gt=0)
    height: int = Field(gt=0)
    format: str
    mode: str
    device: str | None = None
    scene: str | None = None
    exif_orientation_applied: bool = False
    phash: str | None = Field(default=None, pattern=r"^[0-9a-f]{16}$")
    detail_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{1024}$")
    page_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{1024}$")
    page_hash_version: int | None = Field(default=None, ge=1)

    @property
    def volume(self) -> int:
        """One image is one unit of volume."""
        return 1


def _finite(value: Any, where: str) -> None:
    """Refuse NaN and infinities anywhere in ``value``: no JSON reader takes them back."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: {value} is not a finite number")
    if isinstance(value, dict):
        for key, inner in value.items():
            _finite(inner, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            _finite(inner, f"{where}[{index}]")


class _ObjectBase(BaseModel):
    model_config = _FROZEN

    label: str = Field(min_length=1)
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("attributes")
    @classmethod
    def _finite_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        _finite(value, "attributes")
        return value


class Box(_ObjectBase):
    """Axis-aligned box: top-left ``x, y`` and size ``w, h`` in pixels."""

    kind: Literal["box"] = "box"
    x: Coordinate
    y: Coordinate
    w: Coordinate = Field(gt=0)
    h: Coordinate = Field(gt=0)


class RotatedBox(_ObjectBase):
    """Box rotated by ``angle_deg`` (clockwise on screen) about its centre ``cx, cy``."""

    kind: Literal["rotated_box"] = "rotated_box"
    cx: Coordinate
    cy: Coordinate
    w: Coordinate = Field(gt=0)
    h: Coordinate = Field(gt=0)
    angle_deg: Coordinate = Field(ge=-360, le=360)


class Polygon(_ObjectBase):
    """Closed ring of at least 3 points (the first point is not repeated at the end)."""

    kind: Literal["polygon"] = "polygon"
    points: tuple[Point, ...] = Field(min_length=3)


class Polyline(_ObjectBase):
    """Open chain of at least 2 points."""

    kind: Literal["polyline"] = "polyline"
    points: tuple[Point, ...] = Field(min_length=2)


class Keypoint(BaseModel):
    """One keypoint; ``visibility`` 0 = not labelled, 1 = occluded, 2 = visible (COCO)."""

    model_config = _FROZEN

    x: Coordinate
    y: Coordinate
    visibility: Literal[0, 1, 2] = 2


class Keypoints(_ObjectBase):
    """The points of one instance of the skeleton ``skeleton``, in skeleton order."""

    kind: Literal["keypoints"] = "keypoints"
    skeleton: str = Field(min_length=1)
    points: tuple[Keypoint, ...] = Field(min_length=1)


class CocoRle(BaseModel):
    """COCO run-length encoding: ``size`` is ``(height, width)``; runs are column-major."""

    model_config = _FROZEN

    size: tuple[int, int]
    counts: str | tuple[int, ...]


class Mask(_ObjectBase):
    """Pixel mask as COCO RLE."""

    kind: Literal["mask"] = "mask"
    rle: CocoRle


class TextLine(_ObjectBase):
    """An OCR text line: its polygon (>= 3 points, usually 4) and its transcription."""

    kind: Literal["text_line"] = "text_line"
    label: str = Field(default="text", min_length=1)
    points: tuple[Point, ...] = Field(min_length=3)
    transcription: str


ImageObject = Annotated[
    Box | RotatedBox | Polygon | Polyline | Keypoints | Mask | TextLine,
    Field(discriminator="kind"),
]


class ImageAnnotation(BaseModel):
    """All objects and image-level classes of one image."""

    model_config = _FROZEN

    type: Literal["image_annotation"] = "image_annotation"
    schema_version: Literal[1] = 1
    objects: tuple[ImageObject, ...] = ()
    classes: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- label schema


class AttributeSpec(BaseModel):
    """One attribute a label's objects may (or must) carry."""

    model_config = _FROZEN

    name: str = Field(min_length=1)
    type: Literal["text", "number", "boolean", "select"]
    values: tuple[str, ...] = ()
    required: bool = False

    @model_validator(mode="after")
    def _select_has_values(self) -> AttributeSpec:
        if self.type == "select" and not self.values:
            raise ValueError(f"select attribute {self.name!r} needs values")
        return self


class LabelSpec(BaseModel):
    """One object class: which kinds of object it may be drawn as, and its attributes.

    ``skeleton`` names the skeleton a ``keypoints`` object of this label must use;
    ``transcription_required`` makes an empty ``text_line`` transcription an error.
    """

    model_config = _FROZEN

    name: str = Field(min_length=1)
    kinds: tuple[ObjectKind, ...] = Field(min_length=1)
    attributes: tuple[AttributeSpec, ...] = ()
    skeleton: str | None = None
    transcription_required: bool = True


class Skeleton(BaseModel):
    """Named keypoints and the edges between them (0-based indices into ``keypoints``)."""

    model_config = _FROZEN

    name: str = Field(min_length=1)
    keypoints: tuple[str, ...] = Field(min_length=1)
    edges: tuple[tuple[int, int], ...] = ()
    #: OKS falloff per keypoint for inspection (COCO person: 0.025 for eyes ... 0.107 for
    #: hips); without them every keypoint gets :data:`DEFAULT_KEYPOINT_SIGMA`.
    sigmas: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _edges_in_range(self) -> Skeleton:
        count = len(self.keypoints)
        if self.sigmas is not None and (
                len(self.sigmas) != count or not all(0 < v <= 1 for v in self.sigmas)):
            raise ValueError(f"skeleton {self.name!r} needs one sigma in (0, 1] per keypoint "
                             f"({count}), got {len(self.sigmas)}")
        for i, (a, b) in enumerate(self.edges):
            if not (0 <= a < count and 0 <= b < count) or a == b:
                raise ValueError(f"skeleton {self.name!r} edge {i} ({a}, {b}) is not valid")
        return self


class ImageLabelSchema(BaseModel):
    """The classes a project annotates: object labels, skeletons and image-level classes."""

    model_config = _FROZEN

    type: Literal["image_label_schema"] = "image_label_schema"
    schema_version: Literal[1] = 1
    labels: tuple[LabelSpec, ...] = ()
    skeletons: tuple[Skeleton, ...] = ()
    image_classes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ImageLabelSchema:
        for what, names in (
            ("label", [label.name for label in self.labels]),
            ("skeleton", [s.name for s in self.skeletons]),
            ("image class", list(self.image_classes)),
        ):
            if len(set(names)) != len(names):
                raise ValueError(f"duplicate {what} names")
        skeletons = {s.name for s in self.skeletons}
        for label in self.labels:
            if "keypoints" in label.kinds and label.skeleton is None:
                raise ValueError(f"label {label.name!r} allows keypoints but names no skeleton")
            if label.skeleton is not None and label.skeleton not in skeletons:
                raise ValueError(f"label {label.name!r} names unknown skeleton {label.skeleton!r}")
        return self

    def label(self, name: str) -> LabelSpec | None:
        """Return the label called ``name``, or None."""
        return next((label for label in self.labels if label.name == name), None)

    def skeleton(self, name: str) -> Skeleton | None:
        """Return the skeleton called ``name``, or None."""
        return next((s for s in self.skeletons if s.name == name), None)


# ----------------------------------------------------------------------------- validation


def rotated_box_corners(box: RotatedBox) -> list[Point]:
    """Return the 4 corners of ``box``: top-left, top-right, bottom-right, bottom-left (unrotated).

    Examples:
        >>> [(round(x, 6), round(y, 6)) for x, y in rotated_box_corners(
        ...     RotatedBox(label="a", cx=5, cy=5, w=4, h=2, angle_deg=90))]
        [(6.0, 3.0), (6.0, 7.0), (4.0, 7.0), (4.0, 3.0)]
    """
    theta = math.radians(box.angle_deg)
    cos, sin = math.cos(theta), math.sin(theta)
    corners = []
    for dx, dy in ((-box.w / 2, -box.h / 2), (box.w / 2, -box.h / 2),
                   (box.w / 2, box.h / 2), (-box.w / 2, box.h / 2)):
        corners.append((box.cx + dx * cos - dy * sin, box.cy + dx * sin + dy * cos))
    return corners


def _fmt(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class _Problem:
    """One problem of an object: its ``field`` (inside the object), a stable reason ``code``,
    the English ``message`` and the values a translation names (``params``)."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = dc_field(default_factory=dict)


def _points_outside(points: Any, width: int, height: int, what: str = "point") -> str | None:
    for j, (x, y) in enumerate(points):
        if not (0 <= x <= width and 0 <= y <= height):
            return f"{what} {j} ({_fmt(x)}, {_fmt(y)}) lies outside the {width}x{height} image"
    return None


def _outside(field: str, message: str | None) -> list[_Problem]:
    return [_Problem(field, "outside_image", message)] if message else []


def _too_small(obj: Box | RotatedBox) -> list[_Problem]:
    """A box smaller than the workbench draws (``object_too_small``, naming its size)."""
    if min(obj.w, obj.h) >= MIN_OBJECT_PX - _SIZE_SLACK:
        return []
    size, least = f"{_fmt(obj.w)}x{_fmt(obj.h)}", _fmt(MIN_OBJECT_PX)
    return [_Problem("w/h", "object_too_small", f"{obj.kind} is {size} pixels, smaller than the "
                     f"{least}x{least} the workbench draws",
                     {"kind": obj.kind, "w": _fmt(obj.w), "h": _fmt(obj.h), "least": least})]


def below_workbench_size(obj: Any) -> bool:
    """Whether validation refuses ``obj`` as smaller than the workbench draws (a box or rotated
    box, a polygon or text line with some area; see :data:`MIN_OBJECT_PX`) or as drawing
    nothing at all (a mask of valid runs with no pixel set, a polyline whose points all
    coincide): a pre-annotator's such object is left out, as a submission of it would be
    refused."""
    if isinstance(obj, Box | RotatedBox):
        return bool(_too_small(obj))
    if isinstance(obj, Polygon | TextLine):
        from shapely.geometry import Polygon as ShapelyPolygon

        area = float(ShapelyPolygon(obj.points).area)
        return 0 < area < (MIN_OBJECT_PX - _SIZE_SLACK) ** 2
    if isinstance(obj, Polyline):
        return bool(_no_length(obj))
    if isinstance(obj, Mask):
        from datamill.modalities.image._rle import rle_problem

        return rle_problem(obj.rle.counts, *obj.rle.size) is None and bool(_empty_mask(obj))
    return False


def _check_geometry(obj: Any, width: int, height: int) -> list[_Problem]:
    """Geometry problems of one object."""
    if isinstance(obj, Box):
        problems = _too_small(obj)
        if obj.x < 0 or obj.y < 0:
            problems.append(_Problem("x/y", "outside_image",
                                     f"top-left ({_fmt(obj.x)}, {_fmt(obj.y)}) is outside the image",
                                     {"edge": "top_left"}))
        if obj.x + obj.w > width:
            problems.append(_Problem("w", "outside_image", f"right edge x+w={_fmt(obj.x + obj.w)} "
                                     f"exceeds image width {width}", {"edge": "right"}))
        if obj.y + obj.h > height:
            problems.append(_Problem("h", "outside_image", f"bottom edge y+h={_fmt(obj.y + obj.h)} "
                                     f"exceeds image height {height}", {"edge": "bottom"}))
        return problems
    if isinstance(obj, RotatedBox):
        return _too_small(obj) + _outside(
            "corners", _points_outside(rotated_box_corners(obj), width, height, "corner"))
    if isinstance(obj, Keypoints):
        labelled = [(p.x, p.y) if p.visibility else (0.0, 0.0) for p in obj.points]
        return _outside("points", _points_outside(labelled, width, height, "keypoint"))
    if isinstance(obj, Mask):
        if tuple(obj.rle.size) != (height, width):
            return [_Problem("rle.size", "mask_size", f"{list(obj.rle.size)} does not match the "
                             f"image [{height}, {width}]")]
        from datamill.modalities.image._rle import rle_problem

        problem = rle_problem(obj.rle.counts, height, width)
        return [_Problem("rle.counts", "mask_invalid", problem)] if problem else _empty_mask(obj)
    problems = _outside("points", _points_outside(obj.points, width, height))
    if isinstance(obj, Polygon | TextLine):
        problems.extend(_polygon_problems(obj.points, obj.kind))
    elif isinstance(obj, Polyline):
        problems.extend(_no_length(obj))
    return problems


def _empty_mask(obj: Mask) -> list[_Problem]:
    """A mask of valid runs that sets no pixel (``mask_empty``): it draws nothing, and COCO
    readers drop it (pycocotools gives it no box, detectron2 filters it out)."""
    from datamill.modalities.image._rle import rle_area, rle_runs

    if rle_area(rle_runs(obj.rle.counts)) > 0:
        return []
    return [_Problem("rle.counts", "mask_empty", "the mask has no pixel set (its runs are "
                     "all background)")]


def _no_length(obj: Polyline) -> list[_Problem]:
    """A polyline whose points all coincide (``polyline_zero_length``): a dot, not a line."""
    x, y = obj.points[0]
    if any(point != (x, y) for point in obj.points[1:]):
        return []
    count = len(obj.points)
    return [_Problem("points", "polyline_zero_length", f"all {count} points are at "
                     f"({_fmt(x)}, {_fmt(y)}): the polyline has no length",
                     {"count": count, "x": _fmt(x), "y": _fmt(y)})]


def _polygon_problems(points: tuple[Point, ...], kind: str = "polygon") -> list[_Problem]:
    from shapely.geometry import Polygon as ShapelyPolygon
    from shapely.validation import explain_validity

    ring = ShapelyPolygon(points)
    if ring.convex_hull.area == 0:
        return [_Problem("points", "polygon_zero_area",
                         "polygon has zero area (all points on one line)")]
    if not ring.is_valid:
        return [_Problem("points", "polygon_self_intersecting",
                         f"polygon is self-intersecting ({explain_validity(ring)})")]
    if ring.area < (MIN_OBJECT_PX - _SIZE_SLACK) ** 2:
        least = _fmt(MIN_OBJECT_PX)
        return [_Problem("points", "area_too_small", f"{kind} covers {_fmt(ring.area)} square "
                         f"pixels, less than the {least}x{least} box the workbench draws",
                         {"kind": kind, "area": _fmt(ring.area), "least": least})]
    return []


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**63


def _check_attributes(obj: Any, spec: LabelSpec) -> list[_Problem]:
    problems = []
    known = {a.name: a for a in spec.attributes}
    for name in obj.attributes:
        if name == CROWD_ATTRIBUTE and name not in known and obj.attributes[name] is not True:
            problems.append(_Problem(f"attributes.{name}", "attribute_invalid",
                                     f"{obj.attributes[name]!r} is not true (a COCO crowd "
                                     "region; leave it out otherwise)", {"name": name}))
        elif name == PARTS_ATTRIBUTE and name not in known and not _whole(obj.attributes[name]):
            problems.append(_Problem(f"attributes.{name}", "attribute_invalid",
                                     f"{obj.attributes[name]!r} is not a whole number of 1 or "
                                     "more (the COCO instance the polygon is a part of)",
                                     {"name": name}))
        elif name not in known and name not in (PREANNOTATION_ATTRIBUTE, CROWD_ATTRIBUTE,
                                                PARTS_ATTRIBUTE):
            problems.append(_Problem(f"attributes.{name}", "attribute_unknown",
                                     f"unknown attribute for label {spec.name!r}", {"name": name}))
    for attr in spec.attributes:
        value = obj.attributes.get(attr.name)
        if value is None:
            if attr.required:
                problems.append(_Problem(f"attributes.{attr.name}", "attribute_required",
                                         "required attribute is missing", {"name": attr.name}))
            continue
        ok = {
            "text": isinstance(value, str),
            "number": isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value),
            "boolean": isinstance(value, bool),
            "select": isinstance(value, str) and value in attr.values,
        }[attr.type]
        if not ok:
            expected = f"one of {list(attr.values)}" if attr.type == "select" else attr.type
            problems.append(_Problem(f"attributes.{attr.name}", "attribute_invalid",
                                     f"{value!r} is not {expected}", {"name": attr.name}))
    return problems


def _check_object(obj: Any, schema: ImageLabelSchema, width: int, height: int) -> list[_Problem]:
    spec = schema.label(obj.label)
    if spec is None:
        known = ", ".join(label.name for label in schema.labels) or "none"
        return [_Problem("label", "label_unknown", f"unknown class {obj.label!r} (known: {known})",
                         {"label": obj.label})]
    problems = []
    if obj.kind not in spec.kinds:
        problems.append(_Problem(
            "kind", "kind_not_allowed",
            f"label {obj.label!r} may not be drawn as {obj.kind} (allowed: {', '.join(spec.kinds)})",
            {"kind": obj.kind}))
    problems.extend(_check_geometry(obj, width, height))
    problems.extend(_check_attributes(obj, spec))
    if isinstance(obj, Keypoints):
        problems.extend(_check_keypoints(obj, spec, schema))
    if isinstance(obj, TextLine) and spec.transcription_required and not obj.transcription.strip():
        problems.append(_Problem("transcription", "transcription_required",
                                 f"empty transcription (required for label {obj.label!r})"))
    return problems


def _check_keypoints(obj: Keypoints, spec: LabelSpec, schema: ImageLabelSchema) -> list[_Problem]:
    if spec.skeleton is not None and obj.skeleton != spec.skeleton:
        return [_Problem("skeleton", "skeleton_mismatch", f"{obj.skeleton!r} but label "
                         f"{obj.label!r} uses {spec.skeleton!r}")]
    skeleton = schema.skeleton(obj.skeleton)
    if skeleton is None:
        return [_Problem("skeleton", "skeleton_unknown", f"unknown skeleton {obj.skeleton!r}")]
    if len(obj.points) != len(skeleton.keypoints):
        return [_Problem("points", "keypoint_count",
                         f"{len(obj.points)} keypoints but skeleton {skeleton.name!r} has "
                         f"{len(skeleton.keypoints)} ({', '.join(skeleton.keypoints)})")]
    return []


def annotation_problems(
    annotation: ImageAnnotation, schema: ImageLabelSchema, width: int, height: int
) -> list[dict[str, Any]]:
    """:func:`validate_annotation`'s problems as coded records (the shape every modality's
    refusal shares, see :mod:`datamill.modalities.problem_words`): ``code`` (a stable reason),
    ``message`` (the English line ``field: reason``), ``field`` (the full path), ``object`` and
    ``number`` (the object's index from 0 and from 1) with its ``label``, where the problem is
    an object's, and the values a sentence names (e.g. the attribute's ``name``).

    Examples:
        >>> schema = ImageLabelSchema(labels=[LabelSpec(name="car", kinds=("box",),
        ...     attributes=(AttributeSpec(name="colour", type="text", required=True),))])
        >>> ann = ImageAnnotation(objects=[Box(label="car", x=0, y=0, w=20, h=10)])
        >>> p = annotation_problems(ann, schema, 100, 100)[0]
        >>> p["code"], p["number"], p["name"], p["message"]
        ('attribute_required', 1, 'colour', 'objects[0].attributes.colour: required attribute is missing')
    """
    out: list[dict[str, Any]] = []
    for index, cls in enumerate(annotation.classes):
        if cls not in schema.image_classes:
            known = ", ".join(schema.image_classes) or "none"
            field = f"classes[{index}]"
            out.append({"code": "class_unknown", "field": field, "name": cls,
                        "message": f"{field}: unknown image class {cls!r} (known: {known})"})
    for index, obj in enumerate(annotation.objects):
        for p in _check_object(obj, schema, width, height):
            field = f"objects[{index}].{p.field}"
            out.append({**p.params, "code": p.code, "message": f"{field}: {p.message}",
                        "field": field, "object": index, "number": index + 1,
                        "label": obj.label})
    return out


def validate_annotation(
    annotation: ImageAnnotation, schema: ImageLabelSchema, width: int, height: int
) -> list[str]:
    """Check ``annotation`` against ``schema`` on a ``width`` x ``height`` image.

    Structural rules (box sizes > 0, polygons with >= 3 points ...) are enforced by the pydantic
    models themselves; this adds the rules that need the schema or the image size. Points on the
    image border (``x == width``) are inside.

    Args:
        annotation: The annotation to check.
        schema: The project's label schema.
        width: Displayed image width in pixels.
        height: Displayed image height in pixels.

    Returns:
        One message per problem, each starting with the field path, e.g.
        ``objects[2].label: unknown class 'truck' (known: car, person)``; empty when valid.

    Examples:
        >>> schema = ImageLabelSchema(labels=[LabelSpec(name="car", kinds=("box",))])
        >>> ann = ImageAnnotation(objects=[Box(label="car", x=90, y=0, w=20, h=10)])
        >>> validate_annotation(ann, schema, 100, 100)
        ['objects[0].w: right edge x+w=110 exceeds image width 100']
    """
    return [p["message"] for p in annotation_problems(annotation, schema, width, height)]
