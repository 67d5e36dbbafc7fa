"""``qc inspect|complete`` print each score once: ``defective_utterances`` (the older name of
``defective_items``, kept in the JSON for old readers) is not repeated beside it, which read as
"defective utterances" on a text or LLM batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.cli import _common, quality
from datamill.modalities.llm.records import LlmRecord, Response, Turn, canonical_record
from datamill.production.schemas import InspectionOut


def test_completed_inspection_names_defective_items_once() -> None:
    view = InspectionOut(
        id=1, batch_id=1, status="completed", verdict="accepted",
        plan={"lot_size": 3, "level": "II", "aql": 4.0, "code_letter": "A", "sample_size": 3,
              "accept": 0, "reject": 1},
        scores={"agreement": 1.0, "defective_items": 0, "defective_utterances": 0},
        reasons=[], sample=[])
    with _common.out.capture() as captured:  # rich's own capture: the console is untouched
        quality._render_inspection(view)
    text = captured.get()
    assert "defective items 0" in text and "utterances" not in text


def test_an_llm_sample_reads_as_its_dialogue_and_choice(tmp_path: Path) -> None:
    """A pairwise sample shows the prompt, both responses and the delivered choice in words,
    then the canonical JSON on one line (what ``qc correct`` takes)."""
    from datamill.modalities.registry import get_modality

    record = LlmRecord(id="r1", messages=(Turn(role="user", content="2+2?"),),
                       responses=(Response(id="a", content="4"), Response(id="b", content="5")))
    path = tmp_path / "r1.json"
    path.write_bytes(canonical_record(record))
    view = get_modality("llm").readable_task  # type: ignore[attr-defined]
    answer = json.dumps({"type": "llm_pairwise", "schema_version": 1, "a": "a", "b": "b",
                         "choice": "a", "reason": "4 is right"})
    item_lines = str(view(path, None)).splitlines()
    assert item_lines == ["user: 2+2?", "response a: 4", "response b: 5"]
    (line,) = quality._answer_lines(view, path, item_lines, answer)
    assert line.startswith("answer: ") and "4 is right" in line
    sample = {"item_id": 7, "external_id": "r1", "delivered_text": answer, "corrected_text": None}
    shown = InspectionOut(
        id=1, batch_id=1, status="open", verdict=None,
        plan={"lot_size": 1, "level": "II", "aql": 4.0, "code_letter": "A", "sample_size": 1,
              "accept": 0, "reject": 1},
        scores={}, reasons=[], sample=[sample])
    with _common.out.capture() as captured:
        quality._render_inspection(shown, {7: [*item_lines, "delivered:", f"  {line}",
                                               f"delivered as JSON: {answer}"]})
    text = captured.get()
    assert "item 7 (r1):\n  user: 2+2?\n  response a: 4" in text
    assert f"  delivered as JSON: {answer}\n" in text and "external id" not in text


def test_a_completed_inspection_table_shortens_json_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``qc complete`` of a batch whose answers are JSON documents (an LLM judgement, text
    spans) shows each in a line: its lists counted, its length and first characters, and where
    the whole documents are; a transcript stays whole, and --json keeps every document."""
    spans = [{"start": i, "end": i + 1, "label": "PER"} for i in range(0, 40, 2)]
    answer = json.dumps({"type": "text_spans", "schema_version": 1, "spans": spans})
    transcript = "今天天气很好" * 12  # a long transcript: not a document, shown whole
    view = InspectionOut(
        id=3, batch_id=2, status="completed", verdict="accepted",
        plan={"lot_size": 2, "level": "II", "aql": 4.0, "code_letter": "A", "sample_size": 2,
              "accept": 0, "reject": 1},
        scores={}, reasons=[],
        sample=[{"item_id": 7, "external_id": "t1", "delivered_text": answer,
                 "corrected_text": answer},
                {"item_id": 8, "external_id": "t2", "delivered_text": transcript,
                 "corrected_text": transcript}])
    monkeypatch.setattr(_common.out, "width", 400)  # a wide terminal: a row is a line
    with _common.out.capture() as captured:
        quality._render_inspection(view)
    text = captured.get()
    assert answer not in text  # not the whole document
    short = quality._short_answer(answer) or ""
    assert short.startswith(f"spans 20; JSON, {len(answer):,} characters: "
                            '{"spans": [{"start": 0, "end": 1, "label": "PER"}')
    assert short in text and len(short) < 120
    assert transcript in text
    assert "the whole documents (shortened here): --json prints them" in " ".join(text.split())
    assert "/api/v1/inspections/3" in text
    assert quality._short_answer('{"label": "cat"}') is None  # short: whole
    assert quality._short_answer(None) is None


def test_qc_segments_marks_the_disagreeing_segments() -> None:
    """``qc segments`` lists a recording's segments, a star on each that disagrees, the
    inspector's version after the delivered one."""
    segs = [{"index": 0, "start_ms": 0, "end_ms": 1500, "text": "今天 天气", "flag": None,
             "corrected": "今天天气", "disagrees": False},
            {"index": 1, "start_ms": 1500, "end_ms": 2600, "text": "", "flag": "noise_only",
             "corrected": "", "disagrees": True},
            {"index": 2, "start_ms": 2600, "end_ms": 4000, "text": "[noise] 很好", "flag": None,
             "corrected": "[noise] 不好", "disagrees": True}]
    with _common.out.capture() as captured:
        quality._render_segments([{"item_id": 4, "segments": segs}], {4: segs})
    lines = captured.get().splitlines()
    assert lines[0].startswith("item 4: 3 segments, 2 disagree")
    assert lines[1:] == ["  #1 0.000-1.500 今天 天气 -> 今天天气",
                         "* #2 1.500-2.600 <flag:noise_only> ",
                         "* #3 2.600-4.000 [noise] 很好 -> [noise] 不好"]


def test_llm_agreement_table_names_its_two_kinds_of_agreement_apart() -> None:
    """Trial h7: ``quality agreement`` of an LLM project headed its columns "agreement first,
    agreement now, agreement first, agreement now": the share that matches the decision and
    the pair metric (also called agreement) could not be told apart."""
    from datamill.cli import aggregate

    fig = {"units": 3, "annotators": 2, "level": "nominal", "percent_agreement": 0.667,
           "krippendorff_alpha": 0.545, "cohen_kappa": 0.5, "fleiss_kappa": 0.455,
           "scores": {"pairs": 3, "values": {"agreement": 0.667}}}
    mine = {"answers": 2, "undecided": 1, "agreement": 1.0, "scores": {"agreement": 0.667}}
    report = {"round": "current", "scores": {"metric": "agreement"}, "no_units_reason": None,
              "unavailable": {}, "rounds": {"first": fig, "current": fig},
              "per_annotator_rounds": [{"username": "alice", "first": mine, "current": mine,
                                        "reworked_items": 0}]}
    with _common.out.capture() as captured:
        aggregate._render_agreement(report)
    head = next(line for line in captured.get().splitlines() if line.startswith("┃"))
    cells = [c.strip() for c in head.strip("┃│ ").replace("┃", "│").split("│")]
    assert len(cells) == len(set(cells)), cells
