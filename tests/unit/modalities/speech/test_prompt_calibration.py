"""Three outcomes of the prompt check and the calibration of its two thresholds (pure)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.calibration import choose_thresholds, confusion
from datamill.modalities.speech.consistency import verdict_for

_score = st.floats(min_value=-60.0, max_value=0.0, allow_nan=False, allow_infinity=False)


def test_three_outcomes() -> None:
    assert verdict_for(-7.9, -14.0, -8.0) == "pass"
    assert verdict_for(-8.0, -14.0, -8.0) == "pass"  # from p on: pass
    assert verdict_for(-8.01, -14.0, -8.0) == "listen"
    assert verdict_for(-14.0, -14.0, -8.0) == "listen"  # r itself is not rejected
    assert verdict_for(-14.01, -14.0, -8.0) == "reject"
    assert verdict_for(None, -14.0, -8.0) == "reject"  # the prompt did not align
    assert verdict_for(-10.0, -10.0, -10.0) == "pass"  # no listener band


@settings(max_examples=300, deadline=None)
@given(
    good=st.lists(_score, min_size=1, max_size=120),
    bad=st.lists(st.one_of(_score, st.none()), min_size=1, max_size=120),
    max_false_reject=st.sampled_from([0.0, 0.01, 0.05, 0.1, 0.3]),
    min_catch=st.sampled_from([0.5, 0.8, 0.95, 0.99, 1.0]),
    margin=st.sampled_from([None, 0.0, 0.5, 3.0]),
)
def test_chosen_thresholds_meet_both_targets_on_the_sample(
    good: list[float], bad: list[float | None], max_false_reject: float, min_catch: float,
    margin: float | None,
) -> None:
    samples = [(g, "good") for g in good] + [(b, "bad") for b in bad]
    cal = choose_thresholds(samples, max_false_reject=max_false_reject,  # type: ignore[arg-type]
                            min_catch=min_catch, reject_margin=margin)
    assert cal.reject_below <= cal.pass_from
    assert cal.false_reject_rate <= max_false_reject + 1e-12
    assert cal.catch_rate >= min_catch - 1e-12
    table = confusion(samples, cal.reject_below, cal.pass_from)  # type: ignore[arg-type]
    assert table == cal.confusion
    assert sum(table["good"].values()) == len(good) == cal.n_good
    assert sum(table["bad"].values()) == len(bad) == cal.n_bad
    assert cal.reject_margin >= 0.0
    if margin == 0.0:
        assert cal.reject_margin == 0.0
    # without a margin r is as high as the false-reject target allows: raising it to the next
    # good score would reject one good clip too many
    above = sorted(g for g in good if g > cal.reject_below)
    if above and margin == 0.0:
        worse = confusion(samples, above[0], max(above[0], cal.pass_from))  # type: ignore[arg-type]
        assert worse["good"]["reject"] / len(good) > max_false_reject


def test_default_margin_mirrors_the_good_clips_lower_half() -> None:
    good = [-6.0, -7.0, -8.0, -9.0, -12.0]
    samples = [(g, "good") for g in good] + [(-30.0, "bad")]
    cal = choose_thresholds(samples, max_false_reject=0.0, min_catch=1.0)  # type: ignore[arg-type]
    assert cal.reject_margin == 4.0  # median -8 minus the lowest good -12
    assert cal.reject_below == -16.0
    assert cal.confusion["bad"] == {"pass": 0, "listen": 0, "reject": 1}


def test_separable_sample_needs_no_listener() -> None:
    samples = [(-5.0 - i * 0.1, "good") for i in range(50)] + [
        (-20.0 - i, "bad") for i in range(50)]
    cal = choose_thresholds(samples, max_false_reject=0.0, min_catch=1.0,  # type: ignore[arg-type]
                            reject_margin=0.0)
    assert cal.confusion["good"] == {"pass": 50, "listen": 0, "reject": 0}
    assert cal.confusion["bad"] == {"pass": 0, "listen": 0, "reject": 50}
    assert cal.good_listen_rate == 0.0


def test_overlap_sends_clips_to_a_listener() -> None:
    good = [-6.0, -7.0, -8.0, -9.0, -12.0]
    bad = [-10.0, -11.0, -13.0, -20.0, None]
    samples = [(g, "good") for g in good] + [(b, "bad") for b in bad]
    cal = choose_thresholds(samples, max_false_reject=0.0, min_catch=1.0,  # type: ignore[arg-type]
                            reject_margin=0.0)
    assert cal.reject_below == -12.0
    assert cal.pass_from == math.nextafter(-10.0, math.inf)
    assert cal.confusion["good"] == {"pass": 4, "listen": 1, "reject": 0}
    assert cal.confusion["bad"] == {"pass": 0, "listen": 2, "reject": 3}


@pytest.mark.parametrize("samples", [[(-5.0, "good")], [(-5.0, "bad")], [(-5.0, "maybe")],
                                     [(math.nan, "good"), (-1.0, "bad")]])
def test_bad_samples_are_refused(samples: list[tuple[float, str]]) -> None:
    with pytest.raises(InvalidInput):
        choose_thresholds(samples)  # type: ignore[arg-type]
