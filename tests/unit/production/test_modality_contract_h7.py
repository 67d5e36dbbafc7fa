"""The loop names no modality and assumes none (ARCHITECTURE.md): where a plugin leaves a hook
unsaid, the loop's default must be right for any modality, not speech's."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from datamill.compliance.models import User
from datamill.modalities.registry import get_modality
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec as llm_spec


def _record(i: int) -> dict[str, object]:
    return {"id": f"c{i}", "prompt": f"Question number {i}: what is {i} plus {i}?",
            "responses": [{"id": "a", "content": f"It is {2 * i}."},
                          {"id": "b", "content": f"It is {2 * i + 1}."}]}


def test_a_txt_beside_an_llm_record_is_no_prompt(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """A folder import took the ``.txt`` beside each media file as its prompt (speech's read
    text) for every modality that did not say otherwise: an LLM record ``c1.json`` swallowed
    ``c1.json``'s neighbour ``c1.txt`` (a reviewer's note) as the item's prompt, unlisted, and a
    ``.txt`` that was no UTF-8 refused the record. Only speech and TTS read prompt sidecars."""
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "c1.json").write_text(json.dumps(_record(1)), encoding="utf-8")
    (folder / "c1.txt").write_text("checked by Ann, two typos left\n", encoding="utf-8")
    (folder / "c2.json").write_text(json.dumps(_record(2)), encoding="utf-8")
    (folder / "c2.txt").write_bytes(b"\xff\xfe not utf-8 \x81")
    with runtime.session() as s:
        pid = create_project(s, llm_spec("pairwise")).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (2, 0), report.rejections
    assert sorted(k["source"] for k in report.skipped) == ["c1.txt", "c2.txt"]
    with runtime.session() as s:
        prompts = dict(s.execute(select(Item.external_id, Item.prompt)
                                 .where(Item.project_id == pid)).tuples().all())
    assert prompts == {"c1": None, "c2": None}


def test_only_read_text_modalities_take_prompt_sidecars() -> None:
    from datamill.modalities.base import prompt_sidecars_of

    taking = {name for name in ("speech.asr", "speech.tts", "image", "text", "llm", "pointcloud")
              if prompt_sidecars_of(get_modality(name))}
    assert taking == {"speech.asr", "speech.tts"}
    assert prompt_sidecars_of(object()) is False  # a plugin that says nothing reads none


def test_which_questions_are_free_text_is_the_modalitys_to_say() -> None:
    """``qc.aggregating`` named every modality's free-text question keys in one list
    (``transcript``, ``segments``, ``points``, ``sft``, ``text:``, ``crowded:``) and applied
    it to every project: a modality answering a question of one of those names in categories
    got it voted as free text and left out of its agreement. Now each plugin says
    (``free_text_questions``); another modality's question of the same name is categorical."""
    from datamill.qc.aggregating import free_text_key

    def free(modality: str) -> set[str]:
        plugin = get_modality(modality)
        return {k for k in ("transcript", "segments", "points", "sft", "text:3:4",
                            "crowded:box", "crowded:cuboid", "class", "classes", "span:1:2",
                            "box:1:2:3:4", "rubric:safe", "pair:a|b")
                if free_text_key(k, plugin)}

    assert free("speech.asr") == {"transcript", "segments"}
    assert free("image") == {"text:3:4", "crowded:box", "crowded:cuboid"}
    assert free("pointcloud") == {"points", "crowded:box", "crowded:cuboid"}
    assert free("llm") == {"sft"}
    assert free("text") == set()  # a text project's answers are all categorical
    assert free("speech.tts") == set()


def test_where_a_split_question_lies_is_the_modalitys_to_say() -> None:
    """``split_answers`` parsed text spans, relations, image boxes and every image and point
    cloud shape kind out of the keys itself, for every project. Now the plugin's optional
    ``question_place`` reads its own keys; a modality without it gets no place."""
    from datamill.modalities._question_places import shape_place

    text, image, cloud = (get_modality(m) for m in ("text", "image", "pointcloud"))
    assert text.question_place("span:3:5'") == {"start": 3, "end": 5}
    assert text.question_place("relation:0:4|9:12") == {"head": [0, 4], "tail": [9, 12]}
    assert text.question_place("line:3:4") == {}  # no text question is an image line
    assert image.question_place("box:1:2:30:40") == {"box": [1, 2, 30, 40]}
    assert image.question_place("text:7:8") == {"shape": {"kind": "text", "x": 7, "y": 8}}
    assert image.question_place("cuboid:1.5:2.0") == {}
    assert cloud.question_place("cuboid:1.5:-2.0") == {
        "shape": {"kind": "cuboid", "x": 1.5, "y": -2.0}}
    assert cloud.question_place("polygon:7:8") == {}
    for name in ("speech.asr", "llm"):
        assert not hasattr(get_modality(name), "question_place")
    assert shape_place("crowded:box", ("box",)) == {}


def test_an_hours_quota_needs_items_counted_in_time() -> None:
    """A collection cell's ``hours`` target counts the accepted items' ``duration_ms``: speech's
    and TTS's recordings. An image (or text, LLM, point cloud) project's spec took one, and the
    cell never filled (0 hours whatever was collected). A new spec of such a modality is now
    refused with the cell named; its speakers and items targets are fine, as are speech's
    hours; a stored project keeps loading."""
    import pytest

    from datamill.core.errors import InvalidInput
    from datamill.production.spec import parse_spec
    from tests.unit.production.helpers import spec as speech_spec
    from tests.unit.production.image_helpers import image_spec

    hours = {"cells": [{"name": "women", "gender": "female", "hours": 2},
                       {"name": "men", "gender": "male", "speakers": 3}]}
    with pytest.raises(InvalidInput) as refused:
        parse_spec(image_spec(collection=hours))
    assert "collection.cells[0] (women)" in refused.value.message
    assert "images" in refused.value.message
    parse_spec(image_spec(collection={"cells": [{"gender": "female", "speakers": 2,
                                                 "items": 40}]}))
    parse_spec(speech_spec(collection=hours))
    parse_spec(image_spec(collection=hours), kept={"region_accuracy": 0.95,
                                                   "character_accuracy": 0.95})
