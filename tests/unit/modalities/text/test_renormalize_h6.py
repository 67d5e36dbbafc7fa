"""A labelled NFD (or full-width) source is normalised with its spans moved onto the same
words (``text prepare --normalize`` of text_jsonl rows), never refused or shifted."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.text.errors import TextSourceError
from datamill.modalities.text.renormalize import OffsetsNotKept, normalize_annotated
from datamill.modalities.text.schema import TextAnnotation
from datamill.modalities.text.sources import prepare_text_source
from datamill.modalities.text.textio import normalize_text

# pieces that normalisation changes (decomposed accents, conjoining jamo, full-width letters,
# U+3000, ligatures, half-width katakana with its voicing mark) beside ones it keeps (Chinese
# with full-width punctuation, emoji sequences, flags, Arabic)
_PIECES = ["a", "e\u0301", "o\u0308", "\u1100\u1161", "\u1100\u1161\u11a8", "Ａ", "１", "\u3000",
           "，", "。", "北", "京", "😀", "👍🏽", "👨\u200d👩\u200d👧", "\U0001f1e8\U0001f1f3", " ",
           "\ufb01", "\uff76\uff9e", "é", "\u0645\u0631\u062d\u0628\u0627", "\r\n", "x\u0301\u0323"]
_CLUSTER = regex.compile(r"\X")


@st.composite
def _labelled(draw: st.DrawFn) -> tuple[str, TextAnnotation]:
    text = "".join(draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12)))
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    cuts = sorted({m.start() for m in _CLUSTER.finditer(text)} | {len(text)})
    pairs = draw(st.lists(st.tuples(st.sampled_from(cuts), st.sampled_from(cuts)), max_size=5))
    spans = [{"start": min(a, b), "end": max(a, b), "label": "X", "id": f"s{n}",
              "text": text[min(a, b):max(a, b)] if n % 2 else None}
             for n, (a, b) in enumerate(pairs) if a != b]
    rel = [{"head": "s0", "tail": spans[-1]["id"], "label": "r"}] if len(spans) > 1 else []
    return text, TextAnnotation.model_validate({"spans": spans, "relations": rel})


@settings(max_examples=150, deadline=None)
@given(_labelled())
def test_every_span_covers_the_same_words_after_normalisation(case: tuple[str, TextAnnotation]
                                                              ) -> None:
    text, ann = case
    got = normalize_annotated(text, ann)
    assert got.text == normalize_text(text)
    assert unicodedata.is_normalized("NFC", got.text)
    assert got.changed == (got.text != text)
    assert got.annotation.relations == ann.relations
    for old, new in zip(ann.spans, got.annotation.spans, strict=True):
        assert got.text[new.start:new.end] == normalize_text(text[old.start:old.end])
        assert (new.text is None) == (old.text is None)
        if new.text is not None:
            assert new.text == got.text[new.start:new.end]
        assert (new.id, new.label) == (old.id, old.label)


def test_an_offset_inside_a_character_is_refused_not_shifted() -> None:
    ann = TextAnnotation.model_validate({"spans": [{"start": 0, "end": 4, "label": "X"}]})
    with pytest.raises(OffsetsNotKept) as err:  # between "e" and its accent
        normalize_annotated("Rene\u0301e", ann)
    assert err.value.offset == 4


def _rows(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_text_prepare_normalises_a_labelled_nfd_source(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", "Renée vit à Montréal. 김민수는 서울에 산다.")
    spans = [{"start": text.index(w), "end": text.index(w) + len(w), "label": lab, "id": lab}
             for w, lab in ((unicodedata.normalize("NFD", "Montréal"), "LOC"),
                            (unicodedata.normalize("NFD", "서울"), "GPE"))]
    src = _rows(tmp_path / "data.jsonl", [{"id": "a", "text": text, "language": "fr",
                                           "spans": spans, "annotation": json.dumps(
                                               {"spans": spans, "relations": [
                                                   {"head": "LOC", "tail": "GPE", "label": "in"}]}
                                           )}])
    got = prepare_text_source(src, tmp_path / "out", normalize=True)
    assert (got.labelled, got.items, got.normalized) == (True, 1, 1)
    row = json.loads(got.manifest.read_text("utf-8"))
    assert row["text"] == unicodedata.normalize("NFC", text) and row["language"] == "fr"
    assert "spans" not in row  # a stale derived column is not carried
    out = row["annotation"]
    assert [row["text"][s["start"]:s["end"]] for s in out["spans"]] == ["Montréal", "서울"]
    assert out["relations"] == [{"head": "LOC", "tail": "GPE", "label": "in"}]


def test_a_labelled_row_split_inside_a_character_names_the_line(tmp_path: Path) -> None:
    src = _rows(tmp_path / "data.jsonl", [
        {"id": "a", "text": "cafe", "annotation": {"spans": []}},
        {"id": "b", "text": "Rene\u0301e", "annotation": {"spans": [
            {"start": 0, "end": 4, "label": "PER"}]}}])
    with pytest.raises(TextSourceError) as err:
        prepare_text_source(src, tmp_path / "out", normalize=True)
    assert err.value.details["reason_code"] == "text_offsets_not_kept"
    assert "data.jsonl:2" in err.value.message and not (tmp_path / "out").exists()
