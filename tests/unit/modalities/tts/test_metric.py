"""speech.tts QC scorer: boundary deviation, phone and prosody accuracy (issue 12 §2)."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.registry import get_modality
from datamill.modalities.tts.metric import is_defective, score_tiers
from datamill.modalities.tts.schema import parse_annotation

from ._helpers import tiers

_label = st.sampled_from(["AA1", "B", "K", "S", "IY0", "N", "T"])


@st.composite
def annotations(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(0, 12))
    bounds = sorted(draw(st.lists(st.integers(0, 5000), min_size=2 * n, max_size=2 * n,
                                  unique=True)))
    phones = [{"start_ms": bounds[2 * i], "end_ms": bounds[2 * i + 1], "label": draw(_label)}
              for i in range(n)]
    prosody = [{"time_ms": p["end_ms"], "label": draw(st.sampled_from(["#1", "#2", "#3",
                                                                       "#4"]))}
               for p in phones]
    return {"language": "en", "phones": phones, "prosody": prosody}


def _shift(data: dict[str, object], d: int) -> dict[str, object]:
    out = copy.deepcopy(data)
    for p in out["phones"]:  # type: ignore[attr-defined]
        p["start_ms"] += d
        p["end_ms"] += d
    for p in out["prosody"]:  # type: ignore[attr-defined]
        p["time_ms"] += d
    return out


@settings(max_examples=60, deadline=None)
@given(annotations())
def test_self_score_is_perfect(data: dict[str, object]) -> None:
    ann = parse_annotation(data)
    s = score_tiers([ann], [ann])
    assert (s.phone_accuracy, s.boundary_accuracy, s.prosody_accuracy) == (1.0, 1.0, 1.0)
    assert (s.boundary_deviation_mean_ms, s.boundary_deviation_p95_ms) == (0.0, 0.0)
    assert not is_defective(ann, ann)


@settings(max_examples=60, deadline=None)
@given(annotations(), st.integers(1, 500))
def test_shifting_every_boundary_by_d_gives_deviation_d(data: dict[str, object],
                                                        d: int) -> None:
    ref, hyp = parse_annotation(data), parse_annotation(_shift(data, d))
    s = score_tiers([ref], [hyp])
    if ref.phones:
        assert s.boundary_deviation_mean_ms == d
        assert s.boundary_deviation_p95_ms == d
        assert s.matched_phones == len(ref.phones)
        assert s.phone_accuracy == 1.0


def test_a_wrong_phone_and_a_wrong_break_count() -> None:
    ref = parse_annotation(tiers())
    bad = copy.deepcopy(tiers())
    bad["phones"][3]["label"] = "AA1"
    bad["prosody"][0]["label"] = "#2"
    s = score_tiers([ref], [parse_annotation(bad)])
    assert s.phone_accuracy == 0.8
    assert s.prosody_accuracy == 0.5
    assert s.matched_phones == 4


def test_plugin_scores_inspection_texts_and_flags_defects() -> None:
    plugin = get_modality("speech.tts")
    ref = plugin.inspection_text(tiers(), "")
    late = plugin.inspection_text(tiers(shift_ms=30), "")
    assert plugin.normalize_correction(json.dumps(tiers())) == ref
    scores = plugin.score([ref, ref], [ref, late])
    assert scores["boundary_deviation_mean_ms"] == 15.0
    assert scores["boundary_accuracy"] == 0.5
    assert set(plugin.acceptance_metrics) <= set(scores)
    assert plugin.is_defective(ref, late) and not plugin.is_defective(ref, ref)
    assert not plugin.is_defective(ref, plugin.inspection_text(tiers(shift_ms=20), ""))


def test_compare_takes_payloads_or_inspection_texts() -> None:
    plugin = get_modality("speech.tts")
    late = tiers(shift_ms=30)
    by_payload = plugin.compare(tiers(), late)  # type: ignore[attr-defined]
    by_text = plugin.compare(plugin.inspection_text(tiers(), ""),  # type: ignore[attr-defined]
                             plugin.inspection_text(late, ""))
    assert by_payload["boundary_deviation_mean_ms"] == by_text["boundary_deviation_mean_ms"] == 30
    assert plugin.compare(None, late)["phone_accuracy"] == 0.0  # type: ignore[attr-defined]
