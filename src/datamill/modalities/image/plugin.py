"""The ``image`` modality plugin: collected images, object and OCR annotations.

Built from the image building blocks (:mod:`.checks`, :mod:`.schema`, :mod:`.metric`,
:mod:`.exporters`, :mod:`.importers`, :mod:`.preannotators`); the production loop reaches it only
through :class:`datamill.modalities.base.ModalityPlugin`.

Spec ``requirements`` (every threshold required)::

    requirements:
      image: {allowed_formats: [JPEG, PNG], max_pixels: 40000000, min_width: 64, ...}
      labels: {labels: [{name: text, kinds: [text_line]}, {name: face, kinds: [box]}]}
      iou_threshold: 0.5          # pairs objects when scoring an inspection
      oks_threshold: 0.5          # pairs keypoint instances (optional)
      polyline_tolerance_px: 5    # how far a polyline may run from the reference's (optional)

Inspection compares annotation documents: the delivered one (canonical JSON) against the
inspector's corrected one; ``region_accuracy`` is box/polygon/mask position accuracy (pairs with
IoU >= ``iou_threshold``), ``keypoint_accuracy`` OKS-weighted keypoint accuracy (instances pair
at OKS >= ``oks_threshold``; falloffs from the skeleton's ``sigmas``), ``polyline_accuracy``
the share of polylines paired within ``polyline_tolerance_px``, ``character_accuracy`` OCR
character accuracy over text lines. An item is defective when any object fails to pair.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import json_refusal
from datamill.modalities.base import AnnotationDoc, CheckOutcome, Exporter, ItemRecord
from datamill.modalities.image.aggregation import ImageAggregationMixin
from datamill.modalities.image.checks import ImageRequirements
from datamill.modalities.image.item import ImageExportItem, depth_of_mode
from datamill.modalities.image.preview import Preview
from datamill.modalities.image.schema import (
    DEFAULT_KEYPOINT_SIGMA,
    PREANNOTATION_ATTRIBUTE,
    ImageAnnotation,
    ImageItemAttributes,
    ImageLabelSchema,
    Keypoints,
    Mask,
    TextLine,
    annotation_problems,
    below_workbench_size,
)
from datamill.modalities.parse_problems import parse_refusal
from datamill.modalities.problem_words import coded_refusal

if TYPE_CHECKING:
    from datamill.modalities.image.effect import ImageEffectEvaluator
    from datamill.modalities.image.metric import KeypointScore, RegionScore, TextLineScore

__all__ = ["ImageAnnotationRequirements", "ImagePlugin", "ImageStatistics"]

_BAD_ID = re.compile(r"[\s\x00-\x1f\x7f/\\]")
#: the refusals of an object smaller than the workbench draws, or drawing nothing (an empty
#: mask, a polyline of one point): a pre-labelled import leaves it out
_TINY: Final = frozenset({"object_too_small", "area_too_small", "mask_empty",
                          "polyline_zero_length"})
_EXPORTERS = ("coco", "yolo", "voc", "paddleocr_det", "paddleocr_rec", "image_hf")
#: the object kinds each format holds (None: every kind, and image-level classes)
_FORMAT_KINDS: dict[str, frozenset[str] | None] = {
    "coco": frozenset({"box", "rotated_box", "polygon", "keypoints", "mask", "text_line"}),
    "yolo": frozenset({"box", "polygon"}),
    "voc": frozenset({"box"}),
    "paddleocr_det": frozenset({"text_line"}),
    "paddleocr_rec": frozenset({"text_line"}),
    "image_hf": None,
}


class ImageAnnotationRequirements(BaseModel):
    """The ``requirements`` of an image project: image thresholds, the label schema and the
    IoU at which an inspector's object and the delivered one count as the same."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    image: ImageRequirements
    labels: ImageLabelSchema
    iou_threshold: float = Field(gt=0, le=1)
    oks_threshold: float = Field(0.5, gt=0, le=1)
    """The OKS at which two keypoint instances count as the same (COCO's loosest AP is 0.5)."""
    polyline_tolerance_px: float = Field(5.0, gt=0)
    """How far (pixels, either side) a polyline may run from the reference's and still pair."""
    preannotation_labels: dict[str, str] | None = None
    """A pre-annotator's class → the spec's label (e.g. ``{face: person_face, text: line}``).
    Predictions of an unmapped class, or whose kind the label does not allow, are dropped and
    counted; without a mapping, a class is kept only when the schema has a label of that name."""

    @model_validator(mode="after")
    def _mapped_to_known_labels(self) -> ImageAnnotationRequirements:
        known = {label.name for label in self.labels.labels}
        unknown = sorted(v for v in (self.preannotation_labels or {}).values() if v not in known)
        if unknown:
            raise ValueError(f"preannotation_labels maps to labels the schema lacks: "
                             f"{', '.join(unknown)} (labels: {', '.join(sorted(known))})")
        return self


def _req(requirements: BaseModel | Mapping[str, Any]) -> ImageAnnotationRequirements:
    if isinstance(requirements, ImageAnnotationRequirements):
        return requirements
    if isinstance(requirements, BaseModel):
        requirements = requirements.model_dump()
    return ImageAnnotationRequirements.model_validate(requirements)


def _scores(
    refs: list[ImageAnnotation], hyps: list[ImageAnnotation],
    requirements: Mapping[str, Any] | None,
) -> tuple[RegionScore, KeypointScore, RegionScore, TextLineScore]:
    """Every image score at the project's thresholds (``iou_threshold``, ``oks_threshold``,
    ``polyline_tolerance_px`` and the skeletons' ``sigmas``; defaults when the caller has no
    project, e.g. a golden answer scored alone)."""
    from datamill.modalities.image.metric import (
        score_keypoints,
        score_polylines,
        score_regions,
        score_text_lines,
    )

    req = dict(requirements or {})
    iou = float(req.get("iou_threshold", 0.5))
    schema = ImageLabelSchema.model_validate(req["labels"]) if req.get("labels") else None
    declared = {sk.name: sk.sigmas for sk in schema.skeletons if sk.sigmas} if schema else {}
    sigmas: dict[str, tuple[float, ...]] = {}
    for obj in (o for ann in refs for o in ann.objects if isinstance(o, Keypoints)):
        sigmas.setdefault(obj.skeleton, declared.get(obj.skeleton)
                          or (DEFAULT_KEYPOINT_SIGMA,) * len(obj.points))
    return (
        score_regions(refs, hyps, iou_threshold=iou),
        score_keypoints(refs, hyps, sigmas=sigmas,
                        oks_threshold=float(req.get("oks_threshold", 0.5))),
        score_polylines(refs, hyps, iou_threshold=iou,
                        tolerance_px=float(req.get("polyline_tolerance_px", 5.0))),
        score_text_lines(refs, hyps, iou_threshold=iou),
    )


def _parse(payload: Any) -> ImageAnnotation:
    if isinstance(payload, ImageAnnotation):
        return payload
    if not isinstance(payload, dict):  # e.g. a transcript given to an image task
        raise InvalidInput('an image annotation is a JSON object such as {"objects": [...], '
                           '"classes": [...]} (command line: --annotation FILE holding it), not '
                           f"{type(payload).__name__ if payload is not None else 'nothing'}")
    try:
        return ImageAnnotation.model_validate(payload)
    except ValidationError as err:
        raise parse_refusal(err, "an image annotation", payload) from err


def _ocr_text(annotation: ImageAnnotation) -> str:
    return " ".join(o.transcription for o in annotation.objects
                    if isinstance(o, TextLine) and o.transcription).strip()


def _canonical(annotation: ImageAnnotation) -> str:
    return json.dumps(annotation.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def _from_text(text: str) -> ImageAnnotation:
    try:
        data = json.loads(text) if text else {}
    except json.JSONDecodeError as err:
        raise json_refusal(f"an image correction is an annotation document (JSON): {err}",
                           err) from err
    return _parse(data)


def _as_annotation(value: Any) -> ImageAnnotation:
    """A payload, or its JSON text (inspections keep the canonical text), as an annotation."""
    return _from_text(value) if isinstance(value, str) else _parse(value or {})


class ImagePlugin(ImageAggregationMixin):
    """Images with objects (boxes, polygons, keypoints, masks) and OCR text lines."""

    #: the most items one application-effect run samples (a run is synchronous, bounded by
    #: its cost: features of each labelled object's crop): its evaluator's ``max_sample``, and the
    #: most a spec's ``effect.min_sample`` may ask for (more is refused:
    #: ``effect_min_sample_cap``)
    effect_max_sample: ClassVar[int] = 3000
    name: ClassVar[str] = "image"
    requirements_model: ClassVar[type[BaseModel]] = ImageAnnotationRequirements
    item_model: ClassVar[type[BaseModel]] = ImageItemAttributes
    default_preannotator: ClassVar[str] = "rapidocr"
    volume_unit: ClassVar[str] = "images"
    #: the manifest columns besides path and file that name an item's file
    manifest_file_columns: ClassVar[tuple[str, ...]] = ("image", "image_path")
    importer_names: ClassVar[tuple[str, ...]] = ("coco", "yolo", "voc")  # pre-labelled sources
    prompt_sidecars: ClassVar[bool] = False  # a .txt beside an image is no prompt (YOLO labels)
    volume_base_unit: ClassVar[str] = "images"
    volume_per_unit: ClassVar[int] = 1
    media_suffixes: ClassVar[tuple[str, ...]] = (".jpg", ".jpeg", ".png", ".webp", ".tif",
                                                 ".tiff", ".bmp", ".gif")
    media_folder: ClassVar[str] = "images"
    #: every delivery format holds its own copy of the images (COCO's, YOLO's and VOC's
    #: images/ folders, the Parquet cells): the package keeps no shared media folder besides,
    #: which stored each image twice in a COCO-only package
    formats_hold_media: ClassVar[bool] = True
    acceptance_metrics: ClassVar[tuple[str, ...]] = ("region_accuracy", "character_accuracy")
    #: a pre-annotation against the accepted document: regions paired by IoU (base_assist)
    preannotation_metrics: ClassVar[tuple[str, ...]] = ("region_accuracy", "mean_iou",
                                                        "character_accuracy")
    #: set only where the labels transcribe text (``unmeasurable_metrics_for``)
    conditional_metrics: ClassVar[tuple[str, ...]] = ("character_accuracy",)
    #: a contract may add a threshold on it (pose data): judged only where the spec sets one
    optional_metrics: ClassVar[tuple[str, ...]] = ("keypoint_accuracy",)

    def unmeasurable_metrics_for(self, requirements: BaseModel | Mapping[str, Any]) -> dict[str, str]:
        """``character_accuracy``, for a project none of whose labels is a text line (boxes,
        masks, keypoints only: there is no text to measure), and ``keypoint_accuracy`` for one
        none of whose labels takes keypoints. Given a mapping, reads its ``labels`` alone, so a
        spec whose other requirements are incomplete still tells."""
        labels = (_req(requirements).labels if isinstance(requirements, BaseModel)  # the labels
                  else ImageLabelSchema.model_validate(requirements.get("labels")))  # alone
        kinds = {kind for label in labels.labels for kind in label.kinds}
        out: dict[str, str] = {}
        if "text_line" not in kinds:
            out["character_accuracy"] = ("requirements.labels has no label of kind text_line, so "
                                         "there is no text to measure")
        if "keypoints" not in kinds:
            out["keypoint_accuracy"] = ("requirements.labels has no label of kind keypoints, so "
                                        "there is no keypoint to measure")
        return out
    workbench_template: ClassVar[str] = "image/task.html"
    review_template: ClassVar[str] = "image/review.html"
    inspection_template: ClassVar[str] = "image/inspection.html"
    review_reasons: ClassVar[tuple[str, ...]] = ("missing_objects", "wrong_class", "geometry",
                                                 "wrong_text", "guidelines", "other")

    # -- import
    def describe(
        self, path: Path, meta: Mapping[str, Any], requirements: Mapping[str, Any]
    ) -> BaseModel:
        from datamill.modalities.image.checks import probe_image

        req = _req(requirements)
        return probe_image(path, max_pixels=req.image.max_pixels, device=meta.get("device"),
                           scene=meta.get("scene") or meta.get("environment"))

    def volume(self, attributes: Mapping[str, Any]) -> int:
        return 1

    def summary(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        return {k: attributes.get(k) for k in ("width", "height", "format")}

    # -- checks
    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]:
        """Decodability, format, size, aspect ratio, sharpness and exposure (the near-duplicate
        check compares with the project's other items: :meth:`cross_checker`)."""
        from datamill.modalities.image.checks import run_image_checks

        return run_image_checks(path, _req(requirements).image)

    def cross_checker(self, requirements: Mapping[str, Any] | BaseModel) -> Any:
        """The project-wide ``near_duplicate`` check (see :mod:`.duplicates`)."""
        from datamill.modalities.image.duplicates import NearDuplicateChecker

        image = _req(requirements).image
        return NearDuplicateChecker(max_distance=image.max_duplicate_distance,
                                    max_detail_distance=image.max_detail_distance,
                                    max_page_distance=image.max_page_distance)

    def lacks_fingerprints(self, attributes: Mapping[str, Any]) -> bool:
        """Whether an item stored before ``detail_hash``/``page_hash`` existed lacks one that
        its size allows (the loop then calls :meth:`fill_fingerprints`)."""
        from datamill.modalities.image.duplicates import current_page_hash
        from datamill.modalities.image.fingerprint import DETAIL_MIN_SIDE

        size = min(int(attributes.get("width") or 0), int(attributes.get("height") or 0))
        return bool(attributes.get("phash")) and size >= DETAIL_MIN_SIDE and not (
            attributes.get("detail_hash") and current_page_hash(attributes))

    def fill_fingerprints(self, path: Path, attributes: Mapping[str, Any],
                          requirements: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
        """The fingerprints an old item lacks, measured from its file (see
        :func:`.duplicates.fingerprints`)."""
        from datamill.modalities.image.duplicates import fingerprints

        return fingerprints(path, attributes, _req(requirements).image.max_pixels)

    def checks_are_heavy(self, requirements: Mapping[str, Any]) -> bool:
        """A full decode plus Laplacian: tens of milliseconds a photo."""
        return True

    # -- annotation
    def validate_annotation(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel
    ) -> AnnotationDoc:
        annotation = _parse(payload)
        width, height = int(attributes.get("width") or 0), int(attributes.get("height") or 0)
        problems = annotation_problems(annotation, _req(requirements).labels, width, height)
        if problems:  # each coded: a face words it in its reader's language (problem_words)
            raise coded_refusal(problems)
        return AnnotationDoc(annotation.model_dump(mode="json"), _ocr_text(annotation))

    def fit_imported(self, payload: Any, requirements: BaseModel) -> Any:
        """A pre-labelled source's annotation in the spec's kinds before it is validated: a
        polygon that is exactly a rectangle's 4 corners, under a label that takes boxes but not
        polygons, is that box (YOLO segment labels write boxes so). Anything else unchanged."""
        from datamill.modalities.image.importers._common import (
            boxes_where_polygons_are_not_allowed,
        )

        try:
            annotation = ImageAnnotation.model_validate(payload)
        except ValidationError:
            return payload  # validate_annotation words the problem
        fitted = boxes_where_polygons_are_not_allowed(annotation, _req(requirements).labels)
        return payload if fitted is annotation else fitted.model_dump(mode="json")

    def leave_out_imported(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel
    ) -> tuple[Any, dict[str, int]]:
        """A pre-labelled source's annotation without its objects smaller than the workbench
        draws or drawing nothing, and how many it left out per reason (``object_too_small``,
        ``area_too_small``, ``mask_empty``, ``polyline_zero_length``):
        COCO itself holds boxes under a pixel, which loaders skip, so they are left out and
        counted as a pre-annotator's are, not a refusal of the whole source. An object with any
        other problem stays, for validation to refuse. Anything unreadable: unchanged."""
        try:
            annotation = ImageAnnotation.model_validate(payload)
        except ValidationError:
            return payload, {}  # validate_annotation words the problem
        fitted, dropped, _problems = self._left_out(annotation, attributes, requirements)
        return (fitted.model_dump(mode="json") if dropped else payload), dropped

    def validate_imported(
        self, payload: Any, attributes: Mapping[str, Any], requirements: BaseModel
    ) -> tuple[AnnotationDoc, dict[str, int]]:
        """:meth:`leave_out_imported` then :meth:`validate_annotation` with one check of the
        objects: a row that keeps every object is refused (or taken) on the problems that
        decided so, not checked again; only one that lost an object is (its objects renumbered)."""
        try:
            annotation = ImageAnnotation.model_validate(payload)
        except ValidationError:
            return self.validate_annotation(payload, attributes, requirements), {}
        fitted, dropped, problems = self._left_out(annotation, attributes, requirements)
        if dropped:
            return self.validate_annotation(fitted, attributes, requirements), dropped
        if problems:
            raise coded_refusal(problems)
        return AnnotationDoc(annotation.model_dump(mode="json"), _ocr_text(annotation)), {}

    @staticmethod
    def _left_out(annotation: ImageAnnotation, attributes: Mapping[str, Any],
                  requirements: BaseModel) -> tuple[ImageAnnotation, dict[str, int],
                                                    list[dict[str, Any]]]:
        """``annotation`` without its objects whose one problem is being too small, those left
        out per reason, and every problem found (validation's, when none is left out)."""
        width, height = int(attributes.get("width") or 0), int(attributes.get("height") or 0)
        problems = annotation_problems(annotation, _req(requirements).labels, width, height)
        codes: dict[int, set[str]] = {}
        for p in problems:
            if "object" in p:
                codes.setdefault(p["object"], set()).add(p["code"])
        tiny = {i: next(iter(c)) for i, c in codes.items() if len(c) == 1 and c & _TINY}
        if not tiny:
            return annotation, {}, problems
        kept = tuple(o for i, o in enumerate(annotation.objects) if i not in tiny)
        return (annotation.model_copy(update={"objects": kept}), dict(Counter(tiny.values())),
                problems)

    def from_prediction(self, prediction: object) -> AnnotationDoc:
        if not isinstance(prediction, ImageAnnotation):
            raise InvalidInput(
                f"this pre-annotator does not label images (it returned {type(prediction).__name__})"
            )
        models = [o.attributes.get(PREANNOTATION_ATTRIBUTE, {}).get("model")
                  for o in prediction.objects]
        model = next((m for m in models if m), None)
        return AnnotationDoc(prediction.model_dump(mode="json"), _ocr_text(prediction), model)

    def map_prediction(
        self, prediction: object, requirements: Mapping[str, Any] | BaseModel
    ) -> AnnotationDoc:
        """A prediction in the spec's terms: classes renamed by ``preannotation_labels``;
        objects of an unmapped class or of a kind the label does not allow, masks whose runs are
        no mask of their size (the rule a submission is held to, ``rle_problem``), objects
        smaller than the workbench draws (``below_workbench_size``, a submission's rule too), and image
        classes the schema lacks, are left out and counted in ``dropped`` (never stored as
        unknown classes or unreadable masks)."""
        from datamill.modalities.image._rle import rle_problem

        doc = self.from_prediction(prediction)  # refuses anything but an ImageAnnotation
        if not isinstance(prediction, ImageAnnotation):
            return doc
        req = _req(requirements)
        kinds = {label.name: set(label.kinds) for label in req.labels.labels}
        mapping = req.preannotation_labels
        kept: list[Any] = []
        dropped: Counter[str] = Counter()
        for obj in prediction.objects:
            target = mapping.get(obj.label) if mapping is not None else obj.label
            if target is None or obj.kind not in kinds.get(target, ()) or (
                    isinstance(obj, Mask) and rle_problem(obj.rle.counts, *obj.rle.size)) or \
                    below_workbench_size(obj):
                dropped[obj.label] += 1
                continue
            kept.append(obj if target == obj.label else obj.model_copy(update={"label": target}))
        classes = [c for c in prediction.classes if c in req.labels.image_classes]
        for c in prediction.classes:
            if c not in req.labels.image_classes:
                dropped[f"class:{c}"] += 1
        mapped = prediction.model_copy(update={"objects": tuple(kept), "classes": tuple(classes)})
        return AnnotationDoc(mapped.model_dump(mode="json"), _ocr_text(mapped), doc.model,
                             dict(dropped))

    def labels_proposed(self, payload: Any) -> int:
        """The labels a pre-annotation proposes: its objects (boxes, polygons, keypoints, text
        lines) and its image-level classes; 0 tells "a face detector found no face" from work
        done (see :func:`datamill.modalities.base_assist.labels_proposed_of`)."""
        if not isinstance(payload, dict):
            return 0
        return len(payload.get("objects") or []) + len(payload.get("classes") or [])

    # -- quality
    def inspection_text(self, payload: Any, text: str) -> str:
        return _canonical(_parse(payload or {}))

    def answer_summary(self, text: str,
                       requirements: Mapping[str, Any] | BaseModel | None = None) -> dict[str, Any]:
        """What a terminal shows of one image's answer (canonical text) instead of its whole
        document (a mask's runs, a polygon's points): ``objects`` per label, per ``kinds``,
        and the image-level ``scene_classes``."""
        ann = _from_text(text)
        return {"objects": dict(sorted(Counter(o.label for o in ann.objects).items())),
                "kinds": dict(sorted(Counter(o.kind for o in ann.objects).items())),
                "scene_classes": list(ann.classes)}

    #: an inspector's correction is an annotation document, held to the spec like a submission
    corrections_are_annotations: ClassVar[bool] = True

    def normalize_correction(self, corrected: str) -> str:
        return _canonical(_from_text(corrected))

    scores_by_requirements: ClassVar[bool] = True

    def score(
        self, reference: Sequence[str], hypothesis: Sequence[str], *,
        requirements: Mapping[str, Any] | None = None,
    ) -> Mapping[str, float]:
        """Region (box, rotated box, polygon, mask), keypoint (OKS), polyline and OCR accuracy
        of the delivered documents against the inspector's, paired at the spec's thresholds. The
        acceptance metrics are always there; keypoint, polyline and line accuracy only when the
        sample holds such objects."""
        regions, keypoints, polylines, lines = _scores(
            [_from_text(t) for t in reference], [_from_text(t) for t in hypothesis], requirements)
        scores = {"region_accuracy": regions.accuracy, "mean_iou": regions.mean_iou,
                  "character_accuracy": lines.character_accuracy}  # the acceptance metrics
        # a kind no frame of the sample holds on either side scores nothing (not a vacuous 1)
        if keypoints.reference or keypoints.hypothesis:
            scores["keypoint_accuracy"] = keypoints.accuracy
        if polylines.reference or polylines.hypothesis:
            scores["polyline_accuracy"] = polylines.accuracy
        if lines.reference or lines.hypothesis:
            scores["line_accuracy"] = lines.line_accuracy
        return scores

    def is_defective(
        self, reference: str, hypothesis: str, *, requirements: Mapping[str, Any] | None = None
    ) -> bool:
        """An image is a defect when an object (region, keypoint instance or polyline) is
        missed, extra or misplaced beyond the spec's thresholds, a text line differs, or its
        image-level classes differ."""
        ref, hyp = _from_text(reference), _from_text(hypothesis)
        regions, keypoints, polylines, lines = _scores([ref], [hyp], requirements)
        unpaired = any(s.matched < max(s.reference, s.hypothesis)
                       for s in (regions, keypoints, polylines))
        return unpaired or lines.line_accuracy < 1 or set(ref.classes) != set(hyp.classes)

    # -- delivery
    def exporter_names(self) -> list[str]:
        return list(_EXPORTERS)

    def refuse_requirements(self, requirements: BaseModel | Mapping[str, Any],
                            before: Mapping[str, Any] | None = None) -> None:
        """Refuse a threshold set anew (``before``: the stored requirements, when changing a
        project's) that the decoder cannot honour: ``image.max_pixels`` above Pillow's
        decompression-bomb refusal (2 x ``Image.MAX_IMAGE_PIXELS``, 178,956,970 by default).
        Larger files are refused as bombs whatever the spec allows, so the spec would promise
        what the import never takes. A stored spec that already says more keeps it.

        Raises:
            InvalidInput: ``max_pixels_over_decoder`` with the value and the most.
        """
        from PIL import Image

        most = 2 * int(Image.MAX_IMAGE_PIXELS or 0)
        asked = _req(requirements).image.max_pixels
        old = ((before or {}).get("image") or {}).get("max_pixels")
        if not most or asked <= most or asked == old:
            return
        raise InvalidInput(
            f"invalid dataset spec: requirements.image.max_pixels: {asked} is more than datamill "
            f"decodes ({most} pixels, Pillow's decompression-bomb limit): larger files are "
            f"refused as bombs whatever the spec allows; ask for at most {most}",
            reason_code="max_pixels_over_decoder", field="requirements.image.max_pixels",
            value=asked, most=most)

    def preannotator_unusable(self, requirements: BaseModel | Mapping[str, Any], engine: str,
                              proposes: tuple[tuple[str, str], ...]) -> str | None:
        """Why ``engine`` would pre-annotate nothing here, or None: none of the (class, kind)
        pairs it ``proposes`` reaches a label that allows that kind, as :meth:`map_prediction`
        maps them (``preannotation_labels``, else the class's own name). Running it anyway
        would spend minutes and store an empty model version on every item."""
        req = _req(requirements)
        kinds = {label.name: set(label.kinds) for label in req.labels.labels}
        mapping = req.preannotation_labels
        for cls, kind in proposes:
            target = mapping.get(cls) if mapping is not None else cls
            if target is not None and kind in kinds.get(target, ()):
                return None
        said = ", ".join(f"{cls} ({kind})" for cls, kind in proposes)
        labels = ", ".join(f"{name} ({'/'.join(sorted(k))})" for name, k in kinds.items())
        return (f"{engine} proposes {said} and no label of this spec takes it (labels: "
                f"{labels or 'none'}): map it with requirements.preannotation_labels, or choose "
                "another engine")

    def default_exporter_names(self, requirements: Mapping[str, Any]) -> list[str]:
        """The formats a delivery without named formats writes: those that hold a kind of
        object the label schema allows (a box and polygon project gets no PaddleOCR folders of
        empty label lists beside a third copy of every image); COCO and the Parquet file also
        hold image-level classes; the Parquet file holds every kind (a polyline-only project
        gets it alone). Named formats are written whatever they hold."""
        labels = _req(requirements).labels
        kinds = {kind for label in labels.labels for kind in label.kinds}
        chosen = [name for name in _EXPORTERS
                  if (held := _FORMAT_KINDS[name]) is None or kinds & held
                  or (name == "coco" and labels.image_classes)]
        return chosen

    def make_exporter(self, name: str, requirements: Mapping[str, Any]) -> Exporter[Any]:
        """Every format holds its own copy of the images (references inside a package are
        relative); formats that cannot hold an object kind (VOC and polygons, PaddleOCR and
        boxes) leave it out rather than fail the delivery, and count it (``left_out`` in the
        datasheet). YOLO writes segment labels (boxes as 4 corners) when the schema has
        polygons, detection labels otherwise."""
        from datamill.modalities.registry import exporters

        cls: Any = exporters.get(name)
        labels = _req(requirements).labels
        if name == "coco":
            made: Exporter[Any] = cls(labels, copy_images=True, on_unsupported="skip")
        elif name == "yolo":  # with polygons in the schema, segment labels hold them too
            polygons = any("polygon" in label.kinds for label in labels.labels)
            made = cls(labels, task="segment" if polygons else "detect", on_unsupported="skip")
        elif name in ("voc", "paddleocr_det"):
            made = cls(copy_images=True, on_unsupported="skip")
        else:
            made = cls(on_unsupported="skip")
        return made

    def export_item(self, item: ItemRecord, payload: Any) -> ImageExportItem:
        a = item.attributes
        return ImageExportItem(
            id=_BAD_ID.sub("_", item.external_id), image_path=item.readable, sha256=item.sha256,
            width=int(a.get("width") or 0), height=int(a.get("height") or 0),
            annotation=_parse(payload or {}), depth=depth_of_mode(a.get("mode")),
            # the probe's record of the EXIF orientation spares the exporters a header read
            turned=(bool(a["exif_orientation_applied"])
                    if isinstance(a.get("exif_orientation_applied"), bool) else None),
        )

    # -- web
    assist_tools: ClassVar[tuple[str, ...]] = ("grabcut",)

    def assist(self, tool: str, path: Path, params: Mapping[str, Any]) -> dict[str, Any]:
        """An assisted tool on one item's image: ``grabcut`` takes a box ``{x, y, w, h}``
        (and optionally ``iterations``) and returns ``{"kind": "polygon", "points"}``."""
        from datamill.modalities.image.assist import GrabCutIn, grabcut_polygon

        if tool not in self.assist_tools:
            raise InvalidInput(f"unknown assisted tool {tool!r}; available: "
                               f"{', '.join(self.assist_tools)}", field="tool",
                               reason_code="img_unknown_tool", tool=tool,
                               tools=list(self.assist_tools))
        try:
            box = GrabCutIn.model_validate(params)
        except ValidationError as err:  # coded problems, worded in the reader's language
            raise parse_refusal(err, "a grabcut box", params) from err
        return {"kind": "polygon", "points": grabcut_polygon(path, box)}

    def preview_size(self, attributes: Mapping[str, Any]) -> tuple[int, int] | None:
        """The full (displayed) image size when the workbench should show a preview rendition
        first (the long side is above :data:`.preview.PREVIEW_MAX_SIDE`), else None."""
        from datamill.modalities.image.preview import needs_preview

        w, h = int(attributes.get("width") or 0), int(attributes.get("height") or 0)
        return (w, h) if needs_preview(w, h) else None

    def preview(self, path: Path, sha256: str, cache_dir: Path) -> Preview:
        """The image's preview rendition (about the workbench canvas's size), rendered once per
        blob into ``cache_dir`` (see :mod:`.preview`); ImageDecodeError when not decodable."""
        from datamill.modalities.image.preview import cached_preview

        return cached_preview(path, sha256, cache_dir)

    def display(self, path: Path, sha256: str, cache_dir: Path,
                attributes: Mapping[str, Any]) -> Preview | None:
        """The picture as a browser can show it where it cannot decode the file's format itself
        (TIFF, JPEG 2000 ...): a full-size lossless rendition (:func:`.preview.cached_display`);
        None when the file itself will do. The format is the item's (read from the file's
        header for an item not yet probed)."""
        from datamill.modalities.image.preview import browser_shows, cached_display

        fmt = attributes.get("format")
        if not isinstance(fmt, str):
            from PIL import Image, UnidentifiedImageError

            try:
                with Image.open(path) as image:
                    fmt = image.format
            except (UnidentifiedImageError, OSError, ValueError):
                return None  # the file as it is: the page says it cannot show it
        return None if browser_shows(fmt) else cached_display(path, sha256, cache_dir)

    def compare(self, before: Any, after: Any) -> dict[str, Any]:
        """Object-by-object differences of two annotation payloads (see :mod:`.compare`)."""
        from datamill.modalities.image.compare import compare_annotations

        a, b = _as_annotation(before), _as_annotation(after)
        return {"before": a.model_dump(mode="json"), "after": b.model_dump(mode="json"),
                **compare_annotations(a, b)}

    def statistics(self) -> ImageStatistics:
        return ImageStatistics()

    def effect_evaluator(
        self, requirements: Mapping[str, Any], language: str
    ) -> ImageEffectEvaluator:
        """Application-effect verification: a classifier trained and cross-validated on the
        sample's labelled objects (:mod:`.effect`)."""
        from datamill.modalities.image.effect import ImageEffectEvaluator

        return ImageEffectEvaluator(requirements)


#: Pillow's modes of 32-bit samples (a float or 32-bit integer TIFF): delivered as they are
#: (the customer's data), and stated in the datasheet: OpenCV's ``imread`` opens them only
#: with ``IMREAD_UNCHANGED``, which Ultralytics and supervision do not pass
_WIDE_MODES: Final = frozenset({"I", "F"})


class ImageStatistics:
    """Images, objects per label and kind, image classes, formats, sizes, devices, scenes."""

    def __init__(self) -> None:
        self.images = 0
        self.counts: dict[str, Counter[str]] = {
            k: Counter() for k in ("labels", "kinds", "classes", "formats", "devices", "scenes")
        }
        self.objects = 0
        self.pixels: list[int] = []
        #: images of 32-bit samples (Pillow modes I and F: float or 32-bit integer TIFFs)
        self.wide = 0

    def add(self, item: ItemRecord, payload: Any) -> None:
        a = item.attributes
        for obj in _parse(payload or {}).objects:
            self.objects += 1
            self.counts["labels"][obj.label] += 1
            self.counts["kinds"][obj.kind] += 1
        for cls in _parse(payload or {}).classes:
            self.counts["classes"][cls] += 1
        self.images += 1
        self.counts["formats"][str(a.get("format") or "unknown")] += 1
        self.wide += a.get("mode") in _WIDE_MODES
        self.counts["devices"][str(a.get("device") or "unknown")] += 1
        self.counts["scenes"][str(a.get("scene") or "unknown")] += 1
        w, h = int(a.get("width") or 0), int(a.get("height") or 0)
        self.pixels = [min(self.pixels[0], w * h), max(self.pixels[1], w * h)] if self.pixels \
            else [w * h, w * h]

    def result(self) -> dict[str, Any]:
        c = self.counts
        return {
            "images": self.images, "objects": self.objects, "labels": dict(c["labels"]),
            "object_kinds": dict(c["kinds"]), "image_classes": dict(c["classes"]),
            "formats": dict(c["formats"]),
            "pixels": {"min": self.pixels[0], "max": self.pixels[1]} if self.pixels else None,
            # OpenCV's imread without IMREAD_UNCHANGED (Ultralytics, supervision) opens none
            **({"images_32_bit_samples": self.wide} if self.wide else {}),
            "collection": {"devices": dict(c["devices"]), "scenes": dict(c["scenes"])},
            "units": {"images": "images", "objects": "annotated objects",
                      "labels": "objects per label"},
        }
