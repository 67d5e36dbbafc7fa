"""Trial h17: rotated boxes, polygons and text lines are questions under overlap, as boxes are.

``_merge_shapes`` keeps a shape more than half of the annotators drew with one label and drops
the rest, but nothing asked about them: a text line one of two annotators drew (or a polygon
"car" against "person") vanished from the aggregate at confidence 1.0 with no split, so the
reviewer never saw it. Now each group of shapes (same kind, polygon IoU >= 0.5) is answered by
every annotator with their shape's label or ``O``: 1-1 is a split at 0.5, worded for the
reviewer ("Text line near x 100, y 20" / "(no text line)", en + zh-CN); where annotators agree
the merged annotation and confidence are unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.modalities.image.plugin import ImagePlugin
from datamill.modalities.image.schema import ImageAnnotation
from datamill.qc.aggregating import _majority, split_units
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import translator
from datamill.web.routes._common import templates


def _poly(label: str, x: float, kind: str = "polygon") -> dict[str, Any]:
    points = [[x, 20], [x + 40, 20], [x + 40, 50], [x, 50]]
    if kind == "rotated_box":
        return {"kind": kind, "label": label, "cx": x + 20, "cy": 35, "w": 40, "h": 30,
                "angle_deg": 10}
    if kind == "text_line":
        return {"kind": kind, "label": label, "points": points, "transcription": "EXIT"}
    return {"kind": kind, "label": label, "points": points}


def _units(answers: dict[int, Any]) -> list[tuple[int, str, str]]:
    plugin = ImagePlugin()
    return [*((a, k, v) for a, p in answers.items()
              for k, v in plugin.aggregation_units(p).items()), *plugin.region_units(answers)]


@pytest.mark.parametrize(("kind", "prefix"), [("polygon", "polygon"),
                                              ("rotated_box", "rotated"), ("text_line", "line")])
def test_a_shape_only_some_drew_is_a_question(kind: str, prefix: str) -> None:
    a = {"objects": [_poly("car", 10, kind)]}
    a2 = {"objects": [_poly("car", 12, kind)]}
    both = {"objects": [_poly("car", 11, kind), _poly("car", 200, kind)]}
    one = _units({1: a, 2: both})
    (key, counts), = split_units(one).items()  # was {}: the second shape silently dropped
    assert key.startswith(f"{prefix}:") and counts == {"O": 1, "car": 1}
    assert _majority(one)[1] == 0.5  # was 1.0
    other = {"objects": [_poly("person", 11, kind)]}
    assert list(split_units(_units({1: a, 2: other})).values()) == [{"car": 1, "person": 1}]
    decided, confidence = _majority(_units({1: a, 2: a2, 3: both}))
    assert decided[key] == "O" and confidence == 2 / 3
    agreed = _units({1: a, 2: a2})  # agreeing annotators: no split, merge unchanged
    assert split_units(agreed) == {} and _majority(agreed)[1] == 1.0
    merged = ImageAnnotation.model_validate(ImagePlugin().merge_aggregate([a, a2], {}))
    assert len(merged.objects) == 1 and merged.objects[0].kind == kind


def test_a_split_shape_is_worded_for_the_reviewer() -> None:
    table = templates.env.get_template("_split_answers.html")
    cases = {"polygon": ("Polygon near x 100, y 20", "(no polygon)",
                         "多边形（x 100，y 20 附近）", "（未画多边形）"),
             "rotated": ("Rotated box near x 100, y 20", "(no rotated box)",
                         "旋转框（x 100，y 20 附近）", "（未画旋转框）"),
             "line": ("Text line near x 100, y 20", "(no text line)",
                      "文本行（x 100，y 20 附近）", "（未画文本行）")}
    for kind, words in cases.items():
        split = [{"key": f"{kind}:100:20", "start": None, "end": None, "head": None,
                  "tail": None, "box": None, "shape": {"kind": kind, "x": 100, "y": 20},
                  "answers": [{"username": "mei", "label": "car"},
                              {"username": "jun", "label": "O"}]}]
        for lang, (q, no) in (("en", words[:2]), ("zh-CN", words[2:])):
            html = table.render(split=split, t=translator(lang))
            assert f'<td rowspan="2">{q}</td>' in html and f"<td>{no}</td>" in html


def test_a_text_line_one_of_two_drew_waits_for_the_reviewer(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """Through the services: overlap 2, one annotator also transcribes a text line. Before,
    confidence 1.0, the line gone and nothing split; now 0.5, and the review page words it."""
    from tests.known_issues._web import web_login
    from tests.known_issues.test_trial_h12_split_words import split_at_review

    (_kind, confidence), split, task_id = split_at_review(
        runtime, users, tmp_path / "line", _poly("text", 100, "text_line"))
    assert confidence == 0.5  # was 1.0
    assert split == {"line:100:20": {"O": 1, "text": 1}}
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        assert "Text line near x 100, y 20" in page and "(no text line)" in page
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/review/{task_id}").text
        assert "文本行（x 100，y 20 附近）" in page and "（未画文本行）" in page
