"""Image annotation schema and validate_annotation: precise messages per object and field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from datamill.modalities.image.schema import (
    AttributeSpec,
    Box,
    CocoRle,
    ImageAnnotation,
    ImageItemAttributes,
    ImageLabelSchema,
    Keypoint,
    Keypoints,
    LabelSpec,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    Skeleton,
    TextLine,
    validate_annotation,
)

SCHEMA = ImageLabelSchema(
    labels=(
        LabelSpec(name="car", kinds=("box", "rotated_box", "polygon"),
                  attributes=(AttributeSpec(name="color", type="select", values=("red", "blue"),
                                            required=True),
                              AttributeSpec(name="occluded", type="boolean"))),
        LabelSpec(name="lane", kinds=("polyline",)),
        LabelSpec(name="person", kinds=("keypoints", "box"), skeleton="person"),
        LabelSpec(name="text", kinds=("text_line",)),
        LabelSpec(name="scribble", kinds=("text_line",), transcription_required=False),
        LabelSpec(name="road", kinds=("mask",)),
    ),
    skeletons=(Skeleton(name="person", keypoints=("head", "left_hand", "right_hand"),
                        edges=((0, 1), (0, 2))),),
    image_classes=("day", "night"),
)
SQUARE = ((10.0, 10.0), (20.0, 10.0), (20.0, 20.0), (10.0, 20.0))


def _validate(*objects: object, classes: tuple[str, ...] = ()) -> list[str]:
    return validate_annotation(ImageAnnotation(objects=objects, classes=classes), SCHEMA, 100, 80)


def test_valid_annotation_of_every_kind_has_no_messages() -> None:
    messages = _validate(
        Box(label="car", x=0, y=0, w=100, h=80, attributes={"color": "red"}),
        RotatedBox(label="car", cx=50, cy=40, w=20, h=10, angle_deg=30,
                   attributes={"color": "blue", "occluded": True}),
        Polygon(label="car", points=SQUARE, attributes={"color": "red"}),
        Polyline(label="lane", points=((0, 79), (99, 0))),
        Keypoints(label="person", skeleton="person",
                  points=(Keypoint(x=5, y=5), Keypoint(x=0, y=0, visibility=0),
                          Keypoint(x=7, y=9, visibility=1))),
        TextLine(points=SQUARE, transcription="STOP"),
        TextLine(label="scribble", points=SQUARE, transcription=""),
        Mask(label="road", rle=CocoRle(size=(80, 100), counts=(100, 50, 7850))),
        classes=("night",),
    )
    assert messages == []


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        pytest.param(Box(label="truck", x=0, y=0, w=5, h=5),
                     "objects[0].label: unknown class 'truck' (known: car, lane, person, text, "
                     "scribble, road)", id="unknown-class"),
        pytest.param(Box(label="car", x=90, y=0, w=20, h=5, attributes={"color": "red"}),
                     "objects[0].w: right edge x+w=110 exceeds image width 100", id="box-right"),
        pytest.param(Box(label="car", x=0, y=70, w=5, h=20, attributes={"color": "red"}),
                     "objects[0].h: bottom edge y+h=90 exceeds image height 80", id="box-bottom"),
        pytest.param(Box(label="car", x=-1, y=0, w=5, h=5, attributes={"color": "red"}),
                     "objects[0].x/y: top-left (-1, 0) is outside the image", id="box-left"),
        pytest.param(Polygon(label="car", points=((0, 0), (10, 10), (10, 0), (0, 10)),
                             attributes={"color": "red"}),
                     "objects[0].points: polygon is self-intersecting (Self-intersection[5 5])",
                     id="bowtie"),
        pytest.param(Polygon(label="car", points=((0, 0), (5, 5), (10, 10)),
                             attributes={"color": "red"}),
                     "objects[0].points: polygon has zero area (all points on one line)",
                     id="flat-polygon"),
        pytest.param(Keypoints(label="person", skeleton="person",
                               points=(Keypoint(x=1, y=1), Keypoint(x=2, y=2))),
                     "objects[0].points: 2 keypoints but skeleton 'person' has 3 "
                     "(head, left_hand, right_hand)", id="keypoint-count"),
        pytest.param(TextLine(points=SQUARE, transcription="  "),
                     "objects[0].transcription: empty transcription (required for label 'text')",
                     id="empty-transcription"),
        pytest.param(Box(label="lane", x=0, y=0, w=5, h=5),
                     "objects[0].kind: label 'lane' may not be drawn as box (allowed: polyline)",
                     id="kind-not-allowed"),
        pytest.param(Box(label="car", x=0, y=0, w=5, h=5),
                     "objects[0].attributes.color: required attribute is missing",
                     id="missing-attribute"),
        pytest.param(Box(label="car", x=0, y=0, w=5, h=5, attributes={"color": "green"}),
                     "objects[0].attributes.color: 'green' is not one of ['red', 'blue']",
                     id="bad-select"),
        pytest.param(Mask(label="road", rle=CocoRle(size=(10, 10), counts=(100,))),
                     "objects[0].rle.size: [10, 10] does not match the image [80, 100]",
                     id="mask-size"),
        pytest.param(Mask(label="road", rle=CocoRle(size=(80, 100), counts=(10, 20))),
                     "objects[0].rle.counts: runs cover 30 pixels, the image has 8000",
                     id="mask-runs"),
        pytest.param(Polyline(label="lane", points=((0, 0), (101, 5))),
                     "objects[0].points: point 1 (101, 5) lies outside the 100x80 image",
                     id="polyline-outside"),
    ],
)
def test_each_problem_names_object_and_field(obj: object, expected: str) -> None:
    assert _validate(obj) == [expected]


def test_messages_index_the_offending_object_and_image_class() -> None:
    messages = _validate(
        Box(label="car", x=0, y=0, w=5, h=5, attributes={"color": "red"}),
        TextLine(points=SQUARE, transcription=""),
        classes=("dusk",),
    )
    assert messages == [
        "classes[0]: unknown image class 'dusk' (known: day, night)",
        "objects[1].transcription: empty transcription (required for label 'text')",
    ]


def test_rotated_box_corner_outside() -> None:
    box = RotatedBox(label="car", cx=95, cy=40, w=20, h=10, angle_deg=0,
                     attributes={"color": "red"})
    assert _validate(box) == [
        "objects[0].corners: corner 1 (105, 35) lies outside the 100x80 image"]


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: Box(label="a", x=0, y=0, w=0, h=1), "w"),
        (lambda: Polygon(label="a", points=((0, 0), (1, 1))), "points"),
        (lambda: Polyline(label="a", points=((0, 0),)), "points"),
        (lambda: Box(label="", x=0, y=0, w=1, h=1), "label"),
    ],
)
def test_structural_rules_are_enforced_by_the_models(factory, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        factory()
    assert err.value.errors()[0]["loc"][0] == field


def test_annotation_round_trips_through_json_with_discriminator() -> None:
    ann = ImageAnnotation(
        objects=(Box(label="car", x=1.5, y=2, w=3, h=4, attributes={"color": "red"}),
                 TextLine(points=SQUARE, transcription="Ü"),
                 Mask(label="road", rle=CocoRle(size=(2, 2), counts="04"))),
        classes=("day",),
    )
    data = ann.model_dump(mode="json")
    assert data["type"] == "image_annotation" and data["schema_version"] == 1
    assert [o["kind"] for o in data["objects"]] == ["box", "text_line", "mask"]
    assert ImageAnnotation.model_validate(data) == ann


def test_label_schema_refuses_inconsistencies() -> None:
    with pytest.raises(ValidationError, match="names no skeleton"):
        ImageLabelSchema(labels=(LabelSpec(name="p", kinds=("keypoints",)),))
    with pytest.raises(ValidationError, match="unknown skeleton"):
        ImageLabelSchema(labels=(LabelSpec(name="p", kinds=("keypoints",), skeleton="x"),))
    with pytest.raises(ValidationError, match="edge 0"):
        Skeleton(name="s", keypoints=("a",), edges=((0, 1),))
    with pytest.raises(ValidationError, match="duplicate label"):
        ImageLabelSchema(labels=(LabelSpec(name="a", kinds=("box",)),) * 2)


def test_item_attributes_volume_unit() -> None:
    attrs = ImageItemAttributes(width=4, height=3, format="PNG", mode="RGB",
                                phash="0123456789abcdef")
    assert ImageItemAttributes.volume_unit == "images"
    assert attrs.volume == 1
    with pytest.raises(ValidationError):
        ImageItemAttributes(width=4, height=3, format="PNG", mode="RGB", phash="xyz")


@pytest.mark.parametrize("payload", [
    {"kind": "box", "label": "car", "x": float("nan"), "y": 0, "w": 5, "h": 5},
    {"kind": "polygon", "label": "car", "points": [[1, 1], [float("inf"), 2], [5, 3]]},
    {"kind": "keypoints", "label": "person", "points": [{"x": 1, "y": float("-inf")}]},
    {"kind": "box", "label": "car", "x": 0, "y": 0, "w": 5, "h": 5,
     "attributes": {"speed": float("nan"), "color": "red"}},
    {"kind": "box", "label": "car", "x": 0, "y": 0, "w": 5, "h": 5,
     "attributes": {"trail": [1.0, float("inf")]}},
], ids=["box", "polygon", "keypoint", "attribute", "nested-attribute"])
def test_no_nan_or_infinity_is_a_coordinate_or_value(payload: dict[str, object]) -> None:
    """NaN is no coordinate: it would reach a COCO file as ``nan``, which no JSON reader takes."""
    with pytest.raises(ValidationError, match="finite number"):
        ImageAnnotation.model_validate({"objects": [payload]})
