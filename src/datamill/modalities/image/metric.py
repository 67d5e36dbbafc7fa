"""The QC scorer for image work: object position, keypoint and OCR accuracy.

All scores compare a **reference** (the inspector's or gold annotation) with a **hypothesis**
(the work under inspection), image by image, and sum the counts over images before dividing, so
they do not depend on the order of images or of objects within an image. Every score lies in
[0, 1], and an annotation scored against itself gets exactly 1.0.

Matching (per image, per score): reference and hypothesis objects are paired one-to-one by
maximum-weight bipartite matching (scipy's Hungarian ``linear_sum_assignment``). Only pairs with
the **same label** and similarity at or above the threshold may pair; among such matchings the
one with the most pairs wins, ties broken by the largest total similarity (for OCR lines, IoU
plus text similarity). The number of pairs is therefore the size of a maximum matching, which is
unique and symmetric in the two sides.

* **Region accuracy** (:func:`score_regions`): regions are :class:`~.schema.Box`,
  :class:`~.schema.RotatedBox`, :class:`~.schema.Polygon` and :class:`~.schema.Mask` objects;
  similarity is IoU (area of intersection over union; shapely for anything not axis-aligned;
  a mask's pixels against another mask's, counted on their runs; a mask and a box, rotated box
  or polygon of the same label by pixels, the shape rasterised at the mask's size by
  pycocotools, as COCO's segm evaluation does: an annotator may draw the polygon of an object
  the delivery holds as a mask). ``accuracy = matched /
  max(reference, hypothesis)`` summed over images (1.0 when both sides are empty). Symmetric.
* **Keypoint accuracy** (:func:`score_keypoints`): similarity is COCO's object keypoint
  similarity (computed by pycocotools' ``COCOeval.computeOks``), ``OKS = sum_i exp(-d_i^2 / (2 s^2 k_i^2)) / n`` over the ``n`` keypoints
  labelled in the reference (visibility > 0), with ``s^2`` the area of the reference's labelled
  keypoints' bounding box (each side at least 32 pixels, COCO's small-object size, so an
  instance of one point or of points in a line has a scale) and ``k_i = 2 sigma_i``. A hypothesis keypoint
  with visibility 0 counts as missing (contributes 0). ``accuracy`` = sum of matched OKS /
  max(reference, hypothesis) instances. Not symmetric: the reference defines the scale and
  which keypoints count.
* **Polyline accuracy** (:func:`score_polylines`): lines (lane lines ...) are compared as bands:
  each line is widened by ``tolerance_px`` on both sides (shapely ``buffer``) and the similarity
  is the IoU of the two bands, so a line drawn within the tolerance of the reference pairs and
  one beside it does not. ``accuracy = matched / max(reference, hypothesis)``. Symmetric.
* **OCR accuracy** (:func:`score_text_lines`): lines (:class:`~.schema.TextLine`) pair by
  polygon IoU. Transcriptions are compared after Unicode NFC and whitespace collapsing only
  (case and punctuation matter in OCR). An unpaired reference line counts as deleted, an
  unpaired hypothesis line as inserted. ``character_accuracy = max(0, 1 - edits /
  reference_characters)`` with Levenshtein edits (rapidfuzz); not symmetric (the reference
  length divides). ``line_accuracy`` = exactly transcribed pairs / max(reference, hypothesis)
  lines; symmetric.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from datamill.core.errors import InvalidInput
from datamill.modalities.image.schema import (
    Box,
    ImageAnnotation,
    Keypoints,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    TextLine,
    rotated_box_corners,
)

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "KeypointScore",
    "RegionScore",
    "TextLineScore",
    "box_iou",
    "keypoint_area",
    "normalize_ocr_text",
    "score_keypoints",
    "score_polylines",
    "score_regions",
    "score_text_lines",
    "shape_mask_iou",
]

T = TypeVar("T")
_MIN_KEYPOINT_SIDE = 32.0
Region = Box | RotatedBox | Polygon | Mask


@dataclass(frozen=True)
class RegionScore:
    """Object-position accuracy; ``mean_iou`` is over matched pairs (1.0 when none)."""

    accuracy: float
    matched: int
    reference: int
    hypothesis: int
    mean_iou: float

    def to_dict(self) -> dict[str, Any]:
        """Return the score as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class KeypointScore:
    """Keypoint accuracy (sum of matched OKS / max instance count)."""

    accuracy: float
    matched: int
    reference: int
    hypothesis: int

    def to_dict(self) -> dict[str, Any]:
        """Return the score as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class TextLineScore:
    """OCR accuracy over text lines."""

    character_accuracy: float
    line_accuracy: float
    matched: int
    reference: int
    hypothesis: int
    character_errors: int
    reference_characters: int

    def to_dict(self) -> dict[str, Any]:
        """Return the score as a JSON-ready dict."""
        return asdict(self)


# ----------------------------------------------------------------------------- matching


def _match(
    refs: Sequence[T], hyps: Sequence[T], similarity: Callable[[T, T], float], threshold: float,
    tie_break: Callable[[T, T], float] | None = None,
) -> list[tuple[int, int, float]]:
    """Maximum-cardinality, then maximum-similarity one-to-one matching (same label only)."""
    if not refs or not hyps:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    sims = np.zeros((len(refs), len(hyps)))
    weights = np.zeros((len(refs), len(hyps)))
    big = 4.0 * (min(len(refs), len(hyps)) + 1)  # any extra pair outweighs all similarity
    for i, ref in enumerate(refs):
        for j, hyp in enumerate(hyps):
            if ref.label != hyp.label:  # type: ignore[attr-defined]
                continue
            sim = similarity(ref, hyp)
            if sim >= threshold and sim > 0:
                sims[i, j] = sim
                weights[i, j] = big + sim + (tie_break(ref, hyp) if tie_break else 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(i), int(j), float(sims[i, j])) for i, j in zip(rows, cols, strict=True)
            if weights[i, j] > 0]


def _check_pairs(reference: Sequence[ImageAnnotation], hypothesis: Sequence[ImageAnnotation],
                 threshold: float) -> None:
    if len(reference) != len(hypothesis):
        raise InvalidInput(
            f"got {len(reference)} reference but {len(hypothesis)} hypothesis annotations",
            field="hypothesis",
        )
    if not 0 < threshold <= 1:
        raise InvalidInput(f"threshold must be in (0, 1], got {threshold}", field="threshold")


# ----------------------------------------------------------------------------- regions


def box_iou(a: Box, b: Box) -> float:
    """IoU of two axis-aligned boxes.

    Examples:
        >>> box_iou(Box(label="a", x=0, y=0, w=2, h=2), Box(label="a", x=1, y=0, w=2, h=2))
        0.3333333333333333
    """
    iw = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    ih = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / (a.w * a.h + b.w * b.h - inter)


def _geometry(obj: Box | RotatedBox | Polygon | TextLine) -> BaseGeometry:
    from shapely.geometry import Polygon as ShapelyPolygon
    from shapely.geometry import box as shapely_box

    if isinstance(obj, Box):
        return shapely_box(obj.x, obj.y, obj.x + obj.w, obj.y + obj.h)
    if isinstance(obj, RotatedBox):
        return ShapelyPolygon(rotated_box_corners(obj))
    ring = ShapelyPolygon(obj.points)
    return ring if ring.is_valid else ring.buffer(0)  # repair self-intersections for scoring


def _mask_iou(a: Mask, b: Mask) -> float:
    """Pixel IoU of two masks (0.0 for masks of different sizes: not one image's)."""
    from datamill.modalities.image._rle import rle_iou, rle_runs

    if tuple(a.rle.size) != tuple(b.rle.size):
        return 0.0
    return rle_iou(rle_runs(a.rle.counts), rle_runs(b.rle.counts))


def shape_mask_iou(mask: Mask, shape: Box | RotatedBox | Polygon) -> float:
    """Pixel IoU of a mask and a shape drawn over the same object: the shape rasterised at the
    mask's size by pycocotools (``frPyObjects``, as COCO's segm evaluation rasterises a
    polygon; a box as its 4 corners, as the COCO export writes it), then ``iou``.

    Examples:
        >>> from datamill.modalities.image._rle import rle_string
        >>> from datamill.modalities.image.schema import CocoRle
        >>> # 10 rows, 20 columns, the left 10 columns set (runs are column-major)
        >>> square = Mask(label="a", rle=CocoRle(size=(10, 20), counts=rle_string([0, 100, 100])))
        >>> round(shape_mask_iou(square, Box(label="a", x=0, y=0, w=10, h=10)), 2)
        1.0
        >>> round(shape_mask_iou(square, Box(label="a", x=10, y=0, w=10, h=10)), 2)
        0.0
    """
    from pycocotools import mask as cocomask

    height, width = (int(v) for v in mask.rle.size)
    counts = mask.rle.counts
    rle = ({"size": [height, width], "counts": counts.encode("ascii")} if isinstance(counts, str)
           else cocomask.frPyObjects({"size": [height, width], "counts": list(counts)},
                                     height, width))
    if isinstance(shape, Box):
        corners = [(shape.x, shape.y), (shape.x + shape.w, shape.y),
                   (shape.x + shape.w, shape.y + shape.h), (shape.x, shape.y + shape.h)]
    elif isinstance(shape, RotatedBox):
        corners = list(rotated_box_corners(shape))
    else:
        corners = [(float(x), float(y)) for x, y in shape.points]
    drawn = cocomask.merge(cocomask.frPyObjects(
        [[float(v) for point in corners for v in point]], height, width))
    return float(cocomask.iou([rle], [drawn], [0])[0][0])


def _region_iou(a: Region | TextLine, b: Region | TextLine) -> float:
    if isinstance(a, Box) and isinstance(b, Box):
        return box_iou(a, b)
    if isinstance(a, Mask) and isinstance(b, Mask):
        return _mask_iou(a, b)
    shapes = (Box, RotatedBox, Polygon)
    if isinstance(a, Mask) and isinstance(b, shapes):  # a mask and a shape of one object:
        return shape_mask_iou(a, b)  # the shape rasterised, by pixels
    if isinstance(b, Mask) and isinstance(a, shapes):
        return shape_mask_iou(b, a)
    if isinstance(a, Mask) or isinstance(b, Mask):
        return 0.0
    ga, gb = _geometry(a), _geometry(b)
    union = ga.union(gb).area
    return float(ga.intersection(gb).area / union) if union > 0 else 0.0


def score_regions(
    reference: Sequence[ImageAnnotation], hypothesis: Sequence[ImageAnnotation],
    *, iou_threshold: float,
) -> RegionScore:
    """Score box, rotated-box, polygon and mask positions (see the module docstring).

    Args:
        reference: Reference annotations, one per image.
        hypothesis: Annotations under inspection, aligned with ``reference``.
        iou_threshold: Minimum IoU for a pair to count, in (0, 1] (0.5 is COCO's loosest).

    Raises:
        InvalidInput: Sequences of different length, or a threshold outside (0, 1].

    Examples:
        >>> ref = ImageAnnotation(objects=[Box(label="car", x=0, y=0, w=10, h=10)])
        >>> hyp = ImageAnnotation(objects=[Box(label="car", x=1, y=0, w=10, h=10),
        ...                                Box(label="car", x=50, y=50, w=5, h=5)])
        >>> s = score_regions([ref], [hyp], iou_threshold=0.5)
        >>> s.matched, s.reference, s.hypothesis, s.accuracy
        (1, 1, 2, 0.5)
    """
    _check_pairs(reference, hypothesis, iou_threshold)
    return _paired_share(reference, hypothesis, (Box, RotatedBox, Polygon, Mask), _region_iou,
                         iou_threshold)


def _paired_share(
    reference: Sequence[ImageAnnotation], hypothesis: Sequence[ImageAnnotation],
    kinds: tuple[type, ...], similarity: Callable[[Any, Any], float], threshold: float,
) -> RegionScore:
    """Objects of ``kinds`` paired image by image at ``similarity >= threshold``: the share
    paired of the larger side, summed over images, and the mean similarity of the pairs."""
    matched = n_ref = n_hyp = 0
    total = 0.0
    for ref_ann, hyp_ann in zip(reference, hypothesis, strict=True):
        refs = [o for o in ref_ann.objects if isinstance(o, kinds)]
        hyps = [o for o in hyp_ann.objects if isinstance(o, kinds)]
        pairs = _match(refs, hyps, similarity, threshold)
        matched += len(pairs)
        total += sum(value for _, _, value in pairs)
        n_ref += len(refs)
        n_hyp += len(hyps)
    denominator = max(n_ref, n_hyp)
    return RegionScore(
        accuracy=matched / denominator if denominator else 1.0, matched=matched,
        reference=n_ref, hypothesis=n_hyp,
        mean_iou=min(1.0, total / matched) if matched else 1.0,
    )


# ----------------------------------------------------------------------------- polylines


def score_polylines(
    reference: Sequence[ImageAnnotation], hypothesis: Sequence[ImageAnnotation],
    *, iou_threshold: float, tolerance_px: float,
) -> RegionScore:
    """Score polylines as bands ``tolerance_px`` wide on each side (see the module docstring).

    Raises:
        InvalidInput: Sequences of different length, a threshold outside (0, 1] or a
            tolerance that is not positive.

    Examples:
        >>> lane = Polyline(label="lane", points=((0, 0), (100, 0)))
        >>> near = Polyline(label="lane", points=((0, 2), (100, 2)))
        >>> far = Polyline(label="lane", points=((0, 40), (100, 40)))
        >>> ref = ImageAnnotation(objects=[lane])
        >>> score_polylines([ref], [ImageAnnotation(objects=[near])], iou_threshold=0.5,
        ...                 tolerance_px=5).matched
        1
        >>> score_polylines([ref], [ImageAnnotation(objects=[far])], iou_threshold=0.5,
        ...                 tolerance_px=5).accuracy
        0.0
    """
    _check_pairs(reference, hypothesis, iou_threshold)
    if not tolerance_px > 0:
        raise InvalidInput(f"tolerance must be positive, got {tolerance_px}", field="tolerance_px")
    from shapely.geometry import LineString

    def band(line: Polyline) -> BaseGeometry:
        return LineString(line.points).buffer(tolerance_px)  # round caps: a dot is a disc

    def similarity(a: Polyline, b: Polyline) -> float:
        ga, gb = band(a), band(b)
        union = ga.union(gb).area
        return float(ga.intersection(gb).area / union) if union > 0 else 0.0

    return _paired_share(reference, hypothesis, (Polyline,), similarity, iou_threshold)


# ----------------------------------------------------------------------------- keypoints


def keypoint_area(ref: Keypoints) -> float | None:
    """The scale of a reference instance: the area of its labelled keypoints' bounding box,
    each side at least 32 px (None when it labels no keypoint); the COCO export writes it as
    the instance's ``area``, so pycocotools' OKS on a delivery is the inspection's."""
    labelled = [p for p in ref.points if p.visibility > 0]
    if not labelled:
        return None
    xs = [p.x for p in labelled]
    ys = [p.y for p in labelled]
    side = _MIN_KEYPOINT_SIDE  # one or two points still have a scale (COCO uses the object's area)
    return max(max(xs) - min(xs), side) * max(max(ys) - min(ys), side)


def _oks_row(ref: Keypoints, hyps: Sequence[Keypoints], sigmas: Sequence[float]) -> list[float]:
    """OKS of each hypothesis instance against ``ref``, by pycocotools' own
    ``COCOeval.computeOks`` (the COCO keypoint challenge's code) where COCO defines it: the
    reference's labelled keypoints count, ``area`` is :func:`keypoint_area`. Where COCO has no
    answer of ours: a hypothesis of another skeleton or point count scores 0, a hypothesis
    keypoint of visibility 0 is missing (contributes 0, where pycocotools would measure its
    coordinates), and a reference labelling no keypoint pairs only a hypothesis labelling none."""
    area = keypoint_area(ref)
    if area is None:
        return [1.0 if all(p.visibility == 0 for p in h.points) else 0.0 for h in hyps]
    comparable = [j for j, h in enumerate(hyps)
                  if len(h.points) == len(ref.points) and h.skeleton == ref.skeleton]
    out = [0.0] * len(hyps)
    if not comparable:
        return out
    import numpy as np
    from pycocotools.cocoeval import COCOeval

    far = 1e12  # a keypoint not placed: exp(-e) is 0 at any scale
    evaluator = COCOeval(iouType="keypoints")
    evaluator.params.kpt_oks_sigmas = np.asarray(sigmas, dtype=np.float64)
    evaluator.params.maxDets = [len(comparable)]
    evaluator._gts[0, 0] = [{  # noqa: SLF001 - COCOeval's documented inputs, filled directly
        "keypoints": [v for p in ref.points for v in (p.x, p.y, p.visibility)],
        "bbox": [0.0, 0.0, 0.0, 0.0], "area": area}]
    evaluator._dts[0, 0] = [{  # noqa: SLF001
        "keypoints": [v for p in hyps[j].points
                      for v in ((p.x, p.y, 2) if p.visibility > 0 else (far, far, 0))],
        "score": 1.0} for j in comparable]  # equal scores: computeOks keeps their order
    column = evaluator.computeOks(0, 0)
    for row, j in enumerate(comparable):
        out[j] = float(column[row][0])
    return out


def _looked_up(table: Mapping[tuple[int, int], float], ref: object, hyp: object) -> float:
    return table[id(ref), id(hyp)]


def score_keypoints(
    reference: Sequence[ImageAnnotation], hypothesis: Sequence[ImageAnnotation],
    *, sigmas: Mapping[str, Sequence[float]], oks_threshold: float,
) -> KeypointScore:
    """Score keypoint instances by OKS (see the module docstring).

    Args:
        reference: Reference annotations, one per image.
        hypothesis: Annotations under inspection, aligned with ``reference``.
        sigmas: Per skeleton name, one falloff constant per keypoint (COCO person: 0.025 for
            eyes ... 0.107 for hips). Larger sigma tolerates larger offsets.
        oks_threshold: Minimum OKS for two instances to pair, in (0, 1].

    Raises:
        InvalidInput: Lengths differ, a bad threshold, or a skeleton without matching sigmas.
    """
    _check_pairs(reference, hypothesis, oks_threshold)
    matched = n_ref = n_hyp = 0
    oks_sum = 0.0
    for ref_ann, hyp_ann in zip(reference, hypothesis, strict=True):
        refs = [o for o in ref_ann.objects if isinstance(o, Keypoints)]
        hyps = [o for o in hyp_ann.objects if isinstance(o, Keypoints)]
        for obj in refs:
            skeleton_sigmas = sigmas.get(obj.skeleton)
            if skeleton_sigmas is None or len(skeleton_sigmas) != len(obj.points):
                raise InvalidInput(
                    f"sigmas for skeleton {obj.skeleton!r} are missing or do not have "
                    f"{len(obj.points)} values",
                    field="sigmas",
                )

        table = {(id(ref), id(hyp)): value for ref in refs
                 for hyp, value in zip(hyps, _oks_row(ref, hyps, sigmas[ref.skeleton]),
                                       strict=True)}

        pairs = _match(refs, hyps, functools.partial(_looked_up, table), oks_threshold)
        matched += len(pairs)
        oks_sum += sum(oks for _, _, oks in pairs)
        n_ref += len(refs)
        n_hyp += len(hyps)
    denominator = max(n_ref, n_hyp)
    return KeypointScore(
        accuracy=min(1.0, oks_sum / denominator) if denominator else 1.0,
        matched=matched,
        reference=n_ref,
        hypothesis=n_hyp,
    )


# ----------------------------------------------------------------------------- OCR


def normalize_ocr_text(text: str) -> str:
    """Unicode NFC and whitespace collapsed to single spaces; case and punctuation kept.

    Examples:
        >>> normalize_ocr_text("  Total:\\n 12,50 EUR ")
        'Total: 12,50 EUR'
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def score_text_lines(
    reference: Sequence[ImageAnnotation], hypothesis: Sequence[ImageAnnotation],
    *, iou_threshold: float,
) -> TextLineScore:
    """Score OCR text lines: detection pairing by IoU, then transcription edits.

    Args:
        reference: Reference annotations, one per image.
        hypothesis: Annotations under inspection, aligned with ``reference``.
        iou_threshold: Minimum polygon IoU for two lines to pair, in (0, 1].

    Raises:
        InvalidInput: Sequences of different length, or a threshold outside (0, 1].

    Examples:
        >>> line = TextLine(points=((0, 0), (40, 0), (40, 10), (0, 10)), transcription="Hello")
        >>> typo = line.model_copy(update={"transcription": "Hallo"})
        >>> s = score_text_lines([ImageAnnotation(objects=[line])],
        ...                      [ImageAnnotation(objects=[typo])], iou_threshold=0.5)
        >>> s.character_accuracy, s.line_accuracy, s.character_errors
        (0.8, 0.0, 1)
    """
    from rapidfuzz.distance import Levenshtein

    _check_pairs(reference, hypothesis, iou_threshold)
    matched = exact = n_ref = n_hyp = edits = ref_chars = 0

    def text_similarity(ref: TextLine, hyp: TextLine) -> float:
        return float(Levenshtein.normalized_similarity(
            normalize_ocr_text(ref.transcription), normalize_ocr_text(hyp.transcription)))

    for ref_ann, hyp_ann in zip(reference, hypothesis, strict=True):
        refs = [o for o in ref_ann.objects if isinstance(o, TextLine)]
        hyps = [o for o in hyp_ann.objects if isinstance(o, TextLine)]
        ref_texts = [normalize_ocr_text(o.transcription) for o in refs]
        hyp_texts = [normalize_ocr_text(o.transcription) for o in hyps]
        pairs = _match(refs, hyps, _region_iou, iou_threshold, tie_break=text_similarity)
        paired_refs = {i for i, _, _ in pairs}
        paired_hyps = {j for _, j, _ in pairs}
        for i, j, _ in pairs:
            edits += Levenshtein.distance(ref_texts[i], hyp_texts[j])
            exact += ref_texts[i] == hyp_texts[j]
        edits += sum(len(t) for i, t in enumerate(ref_texts) if i not in paired_refs)
        edits += sum(len(t) for j, t in enumerate(hyp_texts) if j not in paired_hyps)
        ref_chars += sum(len(t) for t in ref_texts)
        matched += len(pairs)
        n_ref += len(refs)
        n_hyp += len(hyps)
    lines = max(n_ref, n_hyp)
    return TextLineScore(
        character_accuracy=max(0.0, 1.0 - edits / max(ref_chars, 1)),
        line_accuracy=exact / lines if lines else 1.0,
        matched=matched,
        reference=n_ref,
        hypothesis=n_hyp,
        character_errors=edits,
        reference_characters=ref_chars,
    )
