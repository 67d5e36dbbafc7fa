"""Object-by-object differences (``ImagePlugin.compare``) of versions that went through a page."""

from __future__ import annotations

from typing import Any

from datamill.modalities.image.plugin import ImagePlugin

PRE: dict[str, Any] = {
    "type": "image_annotation", "schema_version": 1, "classes": [],
    "objects": [
        {"kind": "text_line", "label": "text", "transcription": "bread side 8617",
         "points": [[255.0, 133.0], [513.0, 135.0], [512.0, 173.0], [255.0, 171.0]],
         "attributes": {"preannotation": {"model": "ocr", "confidence": 1.0}}},
        {"kind": "box", "label": "car", "x": 10.0, "y": 20.0, "w": 30.0, "h": 40.0,
         "attributes": {}},
    ],
}


def _through_a_browser(payload: dict[str, Any]) -> dict[str, Any]:
    """What JSON.stringify gives back: whole numbers lose their ``.0``."""
    def strip(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items()}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(payload)  # type: ignore[no-any-return]


def test_an_untouched_object_that_went_through_a_page_is_the_same() -> None:
    after = _through_a_browser(PRE)
    assert after["objects"][0]["attributes"]["preannotation"]["confidence"] == 1
    out = ImagePlugin().compare(PRE, after)
    assert out["differences"] == 0
    assert [p["status"] for p in out["pairs"]] == ["same", "same"]


def test_a_real_change_is_still_listed_with_what_changed() -> None:
    after = _through_a_browser(PRE)
    after["objects"][0]["transcription"] = "bread side 8618"
    after["objects"][1]["x"] = 12
    out = ImagePlugin().compare(PRE, after)
    assert out["differences"] == 2
    changed = {p["after"]: p["changes"] for p in out["pairs"] if p["status"] == "changed"}
    assert changed == {0: ["transcription"], 1: ["geometry"]}
    assert all(p["changes"] for p in out["pairs"] if p["status"] == "changed")
