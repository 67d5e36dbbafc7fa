"""speech.tts annotation schema: times, phone sets, boundary labels (issue 12 §2)."""

from __future__ import annotations

import copy

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.tts.schema import annotation_problems, parse_annotation

from ._helpers import tiers


def test_a_valid_annotation_has_no_problems() -> None:
    assert annotation_problems(parse_annotation(tiers()), 1000) == []
    assert parse_annotation(tiers()).text == "the dog"


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d["phones"][1].update(start_ms=160), "before the previous interval"),
    (lambda d: d["phones"][0].update(end_ms=100), "not after its start"),
    (lambda d: d["words"][1].update(end_ms=1200), "after the audio"),
    (lambda d: d["phones"][2].update(label="XX"), "not in the en phone set"),
    (lambda d: d["phones"][3].update(label="AO"), "not in the en phone set"),  # stress digit
    (lambda d: d["prosody"][0].update(label="#5"), "not a boundary level"),
    (lambda d: d["prosody"][1].update(time_ms=250), "not after the previous point"),
    (lambda d: d["stress"][0].update(label="3"), "not a stress level"),
    (lambda d: d.update(tones=[{"start_ms": 0, "end_ms": 10, "label": "6"}]), "not a tone"),
    (lambda d: d["words"][0].update(label=" "), "empty label"),
])
def test_problems_are_named(edit, expected) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(tiers())
    edit(data)
    problems = annotation_problems(parse_annotation(data), 1000)
    assert any(expected in p for p in problems), problems


def test_mandarin_phones_are_pinyin_initials_and_tonal_finals() -> None:
    ann = parse_annotation({"language": "zh", "phones": [
        {"start_ms": 0, "end_ms": 50, "label": "n"}, {"start_ms": 50, "end_ms": 200,
                                                    "label": "i3"},
        {"start_ms": 200, "end_ms": 260, "label": "h"}, {"start_ms": 260, "end_ms": 400,
                                                       "label": "ao"}]})
    problems = annotation_problems(ann, 500)
    assert problems == ["phones[3]: 'ao' is not in the zh phone set"]


@pytest.mark.parametrize("bad", [None, 3, "x", {"language": "fr"}, {"language": "en",
                                                                     "phones": "x"},
                                 {"language": "en", "extra": 1}])
def test_malformed_payloads_are_invalid_input(bad: object) -> None:
    with pytest.raises(InvalidInput):
        parse_annotation(bad)


def test_a_tts_recording_keeps_every_quota_dimension(tmp_path) -> None:
    # trial 7: speech.tts dropped accent and device, so cells by dialect never counted a
    # recording and five takes went into a three-item cell
    from datamill.modalities.registry import get_modality
    from datamill.production.collection_spec import DIMENSIONS
    from datamill.testing.synth import make_tone

    wav = make_tone(tmp_path / "u.wav", duration_ms=1000)
    meta = {"speaker_id": "spk-d", "gender": "female", "age": 50, "accent": "cantonese",
            "device": "studio-mic", "environment": "booth"}
    for name in ("speech.tts", "speech.asr"):  # the two modalities a collection records
        attrs = get_modality(name).describe(wav, meta, {}).model_dump(exclude_none=True)
        assert {k: attrs.get(k) for k in meta} == meta, name
        kept = {"age" if d == "age_band" else d for d in DIMENSIONS}
        assert kept <= set(attrs), name
