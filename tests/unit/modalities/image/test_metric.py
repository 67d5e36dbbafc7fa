"""QC scorer: exact values on small cases and Hypothesis invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.image.metric import (
    score_keypoints,
    score_regions,
    score_text_lines,
)
from datamill.modalities.image.schema import (
    Box,
    ImageAnnotation,
    Keypoint,
    Keypoints,
    Polygon,
    RotatedBox,
    TextLine,
)

SIGMAS = {"tri": (0.05, 0.05, 0.1)}


def _rect(x: float, y: float, w: float, h: float) -> tuple[tuple[float, float], ...]:
    return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))


# ----------------------------------------------------------------------------- exact cases


def test_regions_class_must_match_and_iou_reach_threshold() -> None:
    ref = ImageAnnotation(objects=(Box(label="car", x=0, y=0, w=10, h=10),
                                   Box(label="bus", x=50, y=50, w=10, h=10),
                                   Polygon(label="car", points=_rect(20, 0, 10, 10))))
    hyp = ImageAnnotation(objects=(Box(label="car", x=0, y=0, w=10, h=10),
                                   Box(label="car", x=50, y=50, w=10, h=10),  # wrong class
                                   Box(label="car", x=25, y=0, w=10, h=10)))  # IoU 1/3
    score = score_regions([ref], [hyp], iou_threshold=0.3)
    assert (score.matched, score.reference, score.hypothesis) == (2, 3, 3)
    assert score.accuracy == pytest.approx(2 / 3)
    assert score.mean_iou == pytest.approx((1 + 1 / 3) / 2)
    assert score_regions([ref], [hyp], iou_threshold=0.5).matched == 1


def test_rotated_box_scored_by_polygon_iou() -> None:
    ref = ImageAnnotation(objects=(RotatedBox(label="a", cx=50, cy=50, w=20, h=10,
                                              angle_deg=90),))
    hyp = ImageAnnotation(objects=(Box(label="a", x=45, y=40, w=10, h=20),))
    score = score_regions([ref], [hyp], iou_threshold=0.9)
    assert score.matched == 1 and score.mean_iou == pytest.approx(1.0)


def test_hungarian_beats_greedy() -> None:
    # greedy on the best IoU pairs h0 with r1 and leaves r0 unmatched; the optimum pairs both
    ref = ImageAnnotation(objects=(Box(label="a", x=0, y=0, w=10, h=10),
                                   Box(label="a", x=4, y=0, w=10, h=10)))
    hyp = ImageAnnotation(objects=(Box(label="a", x=3, y=0, w=10, h=10),
                                   Box(label="a", x=8, y=0, w=10, h=10)))
    score = score_regions([ref], [hyp], iou_threshold=0.3)
    assert score.matched == 2 and score.accuracy == 1.0


def test_keypoints_oks() -> None:
    ref = Keypoints(label="p", skeleton="tri", points=(
        Keypoint(x=0, y=0), Keypoint(x=100, y=0), Keypoint(x=0, y=100, visibility=0)))
    near = ref.model_copy(update={"points": (
        Keypoint(x=5, y=0), Keypoint(x=100, y=0), Keypoint(x=50, y=50))})
    score = score_keypoints([ImageAnnotation(objects=(ref,))],
                            [ImageAnnotation(objects=(near,))], sigmas=SIGMAS, oks_threshold=0.1)
    # area = 100 x 32 (the labelled points' box, each side at least 32 px): s^2 = 3200, k = 0.1
    expected = (math.exp(-25 / (2 * 3200 * 0.01)) + 1.0) / 2
    assert score.accuracy == pytest.approx(expected)
    assert score.matched == 1
    with pytest.raises(InvalidInput, match="sigmas for skeleton 'tri'"):
        score_keypoints([ImageAnnotation(objects=(ref,))], [ImageAnnotation()],
                        sigmas={}, oks_threshold=0.5)


def test_a_single_keypoint_has_a_scale() -> None:
    """One visible keypoint used to get a 1-pixel scale: a 1-px offset scored OKS ~0."""
    one = Keypoints(label="p", skeleton="one", points=(Keypoint(x=50, y=50),))
    moved = one.model_copy(update={"points": (Keypoint(x=51, y=50),)})
    score = score_keypoints([ImageAnnotation(objects=(one,))],
                            [ImageAnnotation(objects=(moved,))],
                            sigmas={"one": (0.05,)}, oks_threshold=0.5)
    assert score.matched == 1 and score.accuracy > 0.9


def test_ocr_character_and_line_accuracy() -> None:
    ref = ImageAnnotation(objects=(
        TextLine(points=_rect(0, 0, 100, 20), transcription="Total 12,50"),
        TextLine(points=_rect(0, 30, 100, 20), transcription="Thank you"),
        TextLine(points=_rect(0, 60, 100, 20), transcription="Bye"),
    ))
    hyp = ImageAnnotation(objects=(
        TextLine(points=_rect(0, 31, 100, 20), transcription="Thank  you"),  # exact after spaces
        TextLine(points=_rect(1, 0, 100, 20), transcription="total 12.50"),  # 2 edits
        TextLine(points=_rect(0, 200, 50, 10), transcription="xx"),  # inserted
    ))
    score = score_text_lines([ref], [hyp], iou_threshold=0.5)
    assert (score.matched, score.reference, score.hypothesis) == (2, 3, 3)
    assert score.reference_characters == 11 + 9 + 3
    assert score.character_errors == 2 + 3 + 2
    assert score.character_accuracy == pytest.approx(1 - 7 / 23)
    assert score.line_accuracy == pytest.approx(1 / 3)


def test_inputs_are_checked() -> None:
    with pytest.raises(InvalidInput, match="1 reference but 0 hypothesis"):
        score_regions([ImageAnnotation()], [], iou_threshold=0.5)
    with pytest.raises(InvalidInput, match="threshold must be in"):
        score_regions([], [], iou_threshold=0)
    assert score_regions([], [], iou_threshold=0.5).accuracy == 1.0


# ----------------------------------------------------------------------------- invariants

coord = st.floats(0, 90, allow_nan=False).map(lambda v: round(v, 1))
size = st.floats(1, 40, allow_nan=False).map(lambda v: round(v, 1))
label = st.sampled_from(["a", "b"])
boxes = st.builds(lambda lab, x, y, w, h: Box(label=lab, x=x, y=y, w=w, h=h),
                  label, coord, coord, size, size)
regions = st.one_of(
    boxes,
    st.builds(lambda lab, x, y, w, h, a: RotatedBox(label=lab, cx=x + 20, cy=y + 20, w=w, h=h,
                                                     angle_deg=a),
              label, coord, coord, size, size, st.integers(-90, 90)),
    st.builds(lambda lab, x, y, w, h: Polygon(label=lab, points=((x, y), (x + w, y),
                                                                  (x, y + h))),
              label, coord, coord, size, size),
)
lines = st.builds(lambda x, y, w, text: TextLine(points=_rect(x, y, w, 12), transcription=text),
                  coord, coord, size, st.text(alphabet="ab c1", max_size=6))
keypoints = st.builds(
    lambda pts: Keypoints(label="p", skeleton="tri", points=tuple(
        Keypoint(x=x, y=y, visibility=v) for x, y, v in pts)),
    st.lists(st.tuples(coord, coord, st.sampled_from([0, 1, 2])), min_size=3, max_size=3),
)


def _annotations(objects):
    return st.lists(st.lists(objects, max_size=5).map(lambda o: ImageAnnotation(objects=tuple(o))),
                    min_size=1, max_size=3)


def _reversed(anns: list[ImageAnnotation]) -> list[ImageAnnotation]:
    return [ImageAnnotation(objects=tuple(reversed(a.objects))) for a in anns]


@settings(max_examples=60, deadline=None)
@given(_annotations(regions), _annotations(regions))
def test_region_score_invariants(a: list[ImageAnnotation], b: list[ImageAnnotation]) -> None:
    b = (b * len(a))[: len(a)]
    assert score_regions(a, a, iou_threshold=0.5).accuracy == 1.0
    ab = score_regions(a, b, iou_threshold=0.5)
    ba = score_regions(b, a, iou_threshold=0.5)
    assert 0.0 <= ab.accuracy <= 1.0 and 0.0 <= ab.mean_iou <= 1.0
    assert (ab.matched, ab.accuracy) == (ba.matched, ba.accuracy)
    shuffled = score_regions(_reversed(a)[::-1], _reversed(b)[::-1], iou_threshold=0.5)
    assert (shuffled.matched, shuffled.accuracy) == (ab.matched, ab.accuracy)
    assert shuffled.mean_iou == pytest.approx(ab.mean_iou)


@settings(max_examples=60, deadline=None)
@given(_annotations(lines), _annotations(lines))
def test_text_line_score_invariants(a: list[ImageAnnotation], b: list[ImageAnnotation]) -> None:
    b = (b * len(a))[: len(a)]
    same = score_text_lines(a, a, iou_threshold=0.5)
    assert same.character_accuracy == 1.0 and same.line_accuracy == 1.0
    ab = score_text_lines(a, b, iou_threshold=0.5)
    ba = score_text_lines(b, a, iou_threshold=0.5)
    assert 0.0 <= ab.character_accuracy <= 1.0 and 0.0 <= ab.line_accuracy <= 1.0
    assert ab.line_accuracy == ba.line_accuracy and ab.matched == ba.matched
    shuffled = score_text_lines(_reversed(a), _reversed(b), iou_threshold=0.5)
    assert shuffled.matched == ab.matched and shuffled.line_accuracy == ab.line_accuracy
    assert shuffled.character_accuracy == pytest.approx(ab.character_accuracy)


@settings(max_examples=60, deadline=None)
@given(_annotations(keypoints), _annotations(keypoints))
def test_keypoint_score_invariants(a: list[ImageAnnotation], b: list[ImageAnnotation]) -> None:
    b = (b * len(a))[: len(a)]
    assert score_keypoints(a, a, sigmas=SIGMAS, oks_threshold=0.5).accuracy == pytest.approx(1.0)
    ab = score_keypoints(a, b, sigmas=SIGMAS, oks_threshold=0.5)
    assert 0.0 <= ab.accuracy <= 1.0
    shuffled = score_keypoints(_reversed(a), _reversed(b), sigmas=SIGMAS, oks_threshold=0.5)
    assert shuffled.matched == ab.matched
    assert shuffled.accuracy == pytest.approx(ab.accuracy)
