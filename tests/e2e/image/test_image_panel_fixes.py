"""The image workbench's side panel and toolbar as a trial user met them (static harness):

- moving from one attribute field to the next (a click or Tab) keeps the focus there, so what
  is typed next is saved (the panel was rebuilt on every change and the field lost the focus);
- objects nobody edited go back with their exact coordinates (they were rounded to 1/100 px);
- the toolbar's label list sets the label of new objects only: it no longer relabels the
  selected object (the 1–9 keys still do, as the help says);
- a refused submission names the object as the list does (from 1, with its label) and says
  the reason in the page's language (it showed the server's English with a 0-based index);
  the server words it (``problems``, ``detail``), the page shows its words.
"""

from __future__ import annotations

import copy
from typing import Any

from datamill.modalities.problem_words import word_problems
from datamill.web.i18n_zh import ZH_CN

from .conftest import SCHEMA, Harness
from .test_image_workbench import WB, annotation, click, drag, open_wb

NOTED = copy.deepcopy(SCHEMA)
NOTED["labels"][0]["attributes"] = [
    {"name": "occluded", "type": "boolean"}, {"name": "note", "type": "text"},
    {"name": "age", "type": "number"}, {"name": "colour", "type": "text"},
]
FOCUSED = "() => document.activeElement && document.activeElement.dataset.testid"


def test_moving_to_the_next_attribute_field_keeps_the_focus(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "attr-focus", label_schema=NOTED)
    page.keyboard.press("b")
    drag(page, (100, 100), (300, 250))
    page.get_by_test_id("image-wb-attr-note").click()
    page.keyboard.type("left lane")
    page.get_by_test_id("image-wb-attr-age").click()  # commits note (a change event)
    assert page.evaluate(FOCUSED) == "image-wb-attr-age"
    page.keyboard.type("42")
    page.keyboard.press("Tab")  # commits age; the focus goes on to the next field
    assert page.evaluate(FOCUSED) == "image-wb-attr-colour"
    page.keyboard.type("red")
    page.keyboard.press("Tab")
    attrs = annotation(page)["objects"][0]["attributes"]
    assert attrs == {"note": "left lane", "age": 42, "colour": "red"}
    # each field's edit is its own undo step, and the fields show the undone values
    page.get_by_test_id("image-wb-undo").click()
    assert annotation(page)["objects"][0]["attributes"] == {"note": "left lane", "age": 42}
    assert page.get_by_test_id("image-wb-attr-colour").input_value() == ""
    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_selector("[data-image-workbench][data-submitted='1']")
    sent = harness.posted("/submit/attr-focus")[-1]["body"]["annotation"]["objects"][0]
    assert sent["attributes"] == {"note": "left lane", "age": 42}
    assert not page.errors


EXACT = [
    {"kind": "box", "label": "car", "attributes": {}, "x": 10.125, "y": 20.005, "w": 100.125,
     "h": 50.333333},
    {"kind": "polygon", "label": "car", "attributes": {},
     "points": [[60.125, 100.75], [300.0625, 110.5], [320.1, 300.999], [90.7, 280.3]]},
    {"kind": "rotated_box", "label": "car", "attributes": {}, "cx": 500.125, "cy": 400.125,
     "w": 80.125, "h": 40.875, "angle_deg": 12.345},
    {"kind": "keypoints", "label": "person", "attributes": {}, "skeleton": "person",
     "points": [{"x": 600.125, "y": 100.125, "visibility": 2},
                {"x": 620.875, "y": 140.5, "visibility": 1},
                {"x": 0, "y": 0, "visibility": 0}]},
]


def test_objects_nobody_edited_keep_their_exact_coordinates(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "exact", annotation={"objects": EXACT, "classes": []})
    assert annotation(page)["objects"] == EXACT
    # move the box: its new position is rounded, its size and every other object stay exact
    click(page, 60, 45)
    drag(page, (60, 45), (90, 75))
    objs = annotation(page)["objects"]
    assert objs[0]["x"] != EXACT[0]["x"] and objs[0]["x"] == round(objs[0]["x"], 2)
    assert objs[0]["w"] == 100.125 and objs[0]["h"] == 50.333333
    assert objs[1:] == EXACT[1:]
    # one vertex of the polygon moved: the others keep their exact values
    click(page, 200, 200)
    drag(page, (320.1, 300.999), (340, 320))
    pts = annotation(page)["objects"][1]["points"]
    assert pts[0] == [60.125, 100.75] and pts[1] == [300.0625, 110.5] and pts[3] == [90.7, 280.3]
    assert pts[2] == [round(pts[2][0], 2), round(pts[2][1], 2)]
    # undo restores the exact values, not rounded ones
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert annotation(page)["objects"] == EXACT
    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_selector("[data-image-workbench][data-submitted='1']")
    assert harness.posted("/submit/exact")[-1]["body"]["annotation"]["objects"] == EXACT
    assert not page.errors


def test_the_toolbar_label_does_not_relabel_the_selected_object(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "toolbar-label")
    page.keyboard.press("b")
    drag(page, (100, 100), (300, 250))
    assert page.evaluate(f"() => {WB}.sel") is not None  # the new box is selected
    page.get_by_test_id("image-wb-label").select_option("person")
    assert annotation(page)["objects"][0]["label"] == "car"  # it stays a car
    assert page.get_by_test_id("image-wb-object-label").input_value() == "car"
    drag(page, (400, 300), (500, 450))  # the next box is a person
    assert [o["label"] for o in annotation(page)["objects"]] == ["car", "person"]
    # the selected object's label is changed in its panel; the 1–9 keys relabel it, as the
    # help says
    page.get_by_test_id("image-wb-object-label").select_option("car")
    assert annotation(page)["objects"][1]["label"] == "car"
    page.get_by_test_id("image-wb-canvas").focus()
    page.keyboard.press("2")
    assert annotation(page)["objects"][1]["label"] == "person"
    help_text = page.get_by_test_id("image-wb-help-overlay").inner_text()
    assert "changes only the label of objects drawn next" in help_text
    assert not page.errors


def test_a_refused_submission_names_the_object_as_the_list_does(ctx: Any,
                                                                harness: Harness) -> None:
    """The page shows the server's words (``detail``, worded by the one catalogue in the
    page's language): it keeps no wording table of its own."""
    boxes = [{"kind": "box", "label": label, "attributes": {}, "x": 10 + 100 * i, "y": 10,
              "w": 50, "h": 50} for i, label in enumerate(("car", "person", "car"))]
    problems = [
        {"code": "attribute_required", "field": "objects[2].attributes.color", "object": 2,
         "number": 3, "label": "car", "name": "color",
         "message": "objects[2].attributes.color: required attribute is missing"},
        {"code": "kind_not_allowed", "field": "objects[1].kind", "object": 1, "number": 2,
         "label": "person", "kind": "box",
         "message": "objects[1].kind: label 'person' may not be drawn as box"},
        {"code": "a_reason_not_in_the_catalogue", "field": "classes[0]",
         "message": "classes[0]: a new reason, in English"},
    ]
    worded = word_problems(problems, "zh-CN")
    assert worded is not None
    harness.status["/submit/refused-zh"] = 422
    harness.replies["/submit/refused-zh"] = {
        "title": "Unprocessable Content", "code": "invalid_input", "detail": worded[1],
        "problems": worded[0], "message_en": "; ".join(p["message"] for p in problems)}
    page = open_wb(ctx, harness, "refused-zh", lang="zh-CN",
                   annotation={"objects": boxes, "classes": []})
    assert page.get_by_test_id("image-wb-object-2").inner_text().startswith("3.")
    page.get_by_test_id("image-wb-submit").click()
    status = page.get_by_test_id("image-wb-status")
    page.wait_for_function("() => document.querySelector("
                           "'[data-testid=image-wb-status]').textContent.length > 0")
    assert status.inner_text() == ZH_CN["image.submit.failed"].format(error=(
        "第 3 个对象（car）：必填属性“color”未填写；"
        "第 2 个对象（person）：该标签不能绘制为" + ZH_CN["image.kind.box"] + "；"
        "classes[0]: a new reason, in English"))
    assert not page.get_by_test_id("image-wb-submit").is_disabled()  # it can be sent again
    assert not page.errors
