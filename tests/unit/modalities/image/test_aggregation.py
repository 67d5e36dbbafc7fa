"""The image plugin's optional Aggregatable methods (issue 14 §3): image classes as a unit,
boxes merged by IoU majority with median geometry, polygons/text lines by their medoid,
per-object attributes and transcriptions voted inside each kept cluster."""

from __future__ import annotations

from typing import Any

from datamill.modalities.base import Aggregatable
from datamill.modalities.image.plugin import ImagePlugin
from datamill.modalities.image.schema import ImageAnnotation

SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10]]


def _poly(dx: float, text: str) -> dict[str, Any]:
    return {"kind": "text_line", "label": "text", "transcription": text,
            "points": [[x + dx, y] for x, y in SQUARE]}


def test_image_plugin_is_aggregatable_and_merges_by_majority() -> None:
    plugin = ImagePlugin()
    assert isinstance(plugin, Aggregatable)
    a = {"classes": ["road", "street"], "objects": [
        {"kind": "box", "label": "car", "x": 10, "y": 10, "w": 50, "h": 30,
         "attributes": {"color": "red"}}, _poly(0, "EXIT")]}
    b = {"classes": ["street", "road"], "objects": [
        {"kind": "box", "label": "car", "x": 14, "y": 10, "w": 50, "h": 30,
         "attributes": {"color": "blue"}}, _poly(1, "EXIT"),
        {"kind": "box", "label": "person", "x": 200, "y": 10, "w": 10, "h": 30}]}
    c = {"classes": ["park"], "objects": [
        {"kind": "box", "label": "car", "x": 12, "y": 12, "w": 52, "h": 30,
         "attributes": {"color": "blue"}}, _poly(2, "EX1T")]}
    assert plugin.aggregation_units(a) == plugin.aggregation_units(b) == {"classes": "road|street"}
    assert plugin.aggregation_units({"objects": []}) == {}
    assert plugin.pairwise_units(a) == []
    merged = ImageAnnotation.model_validate(
        plugin.merge_aggregate([a, b, c], {"classes": "road|street"}))
    assert merged.classes == ("road", "street")
    boxes = [o for o in merged.objects if o.kind == "box"]
    assert [(o.label, o.x, o.y, o.w, o.attributes) for o in boxes] == [  # type: ignore[union-attr]
        ("car", 12.0, 10.0, 50.0, {"color": "blue"})]  # median geometry, majority attribute
    lines = [o for o in merged.objects if o.kind == "text_line"]
    assert len(lines) == 1 and lines[0].transcription == "EXIT"  # type: ignore[union-attr]
    assert lines[0].points[0] == (1.0, 0.0)  # the medoid: the middle annotator's polygon


def test_no_image_class_is_an_answer_where_another_gave_one() -> None:
    """h1: one annotator's "night" against another's no class was decided "night" at
    confidence 1.0, never a split; none of three others' no class is now the majority."""
    from datamill.qc.aggregating import _majority, split_units

    plugin = ImagePlugin()

    def units(answers: dict[int, Any]) -> list[tuple[int, str, str]]:
        rows = [(a, k, v) for a, p in answers.items()
                for k, v in plugin.aggregation_units(p).items()]
        return rows + plugin.region_units(answers)

    night, none = {"classes": ["night"], "objects": []}, {"objects": []}
    two = units({1: night, 2: none})
    assert _majority(two)[1] == 0.5 and "classes" in split_units(two)
    decided, confidence = _majority(units({1: night, 2: none, 3: none}))
    assert decided == {"classes": ""} and confidence == 2 / 3
    assert ImageAnnotation.model_validate(
        plugin.merge_aggregate([night, none, none], decided)).classes == ()
    assert units({1: none, 2: none}) == []  # nobody classifies: no question
    assert _majority(units({1: night, 2: night}))[1] == 1.0


def test_a_box_only_some_annotators_drew_is_a_question() -> None:
    """h12: a box one of two annotators drew vanished from the aggregate at confidence 1.0
    with no split (the reviewer never saw it); car against truck at one place too. Now each
    group of boxes is answered by every annotator (label or O): 1-1 is a split at 0.5, one of
    three is decided O at 2/3 (left out, as the merge does), and agreement stays at 1.0."""
    from datamill.qc.aggregating import _majority, split_units

    plugin = ImagePlugin()

    def box(label: str, x: float) -> dict[str, Any]:
        return {"kind": "box", "label": label, "x": x, "y": 10, "w": 50, "h": 30}

    def units(answers: dict[int, Any]) -> list[tuple[int, str, str]]:
        rows = [(a, k, v) for a, p in answers.items()
                for k, v in plugin.aggregation_units(p).items()]
        return rows + plugin.region_units(answers)

    car, car2 = {"objects": [box("car", 10)]}, {"objects": [box("car", 14)]}
    both = {"objects": [box("car", 12), box("person", 200)]}
    one = units({1: car, 2: both})
    assert split_units(one) == {"box:200:10:50:30": {"O": 1, "person": 1}}
    assert _majority(one)[1] == 0.5  # was 1.0, the person box silently dropped
    truck = {"objects": [box("truck", 12)]}
    assert split_units(units({1: car, 2: truck})) == {"box:11:10:50:30": {"car": 1, "truck": 1}}
    decided, confidence = _majority(units({1: car, 2: car2, 3: both}))
    assert decided["box:200:10:50:30"] == "O" and confidence == 2 / 3
    agreed = units({1: car, 2: car2})
    assert split_units(agreed) == {} and _majority(agreed)[1] == 1.0
    merged = ImageAnnotation.model_validate(plugin.merge_aggregate([car, car2], {}))
    assert [(o.label, o.x) for o in merged.objects] == [("car", 12.0)]  # type: ignore[union-attr]
