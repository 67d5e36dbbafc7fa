"""The modality contract: what the production loop asks of every modality, and nothing more.

The loop (import, checks, pre-annotation, annotation, review, inspection, delivery) is written
against these protocols only; a modality (``speech.asr``, ``image`` ...) is a
``datamill.modalities`` entry point implementing :class:`ModalityPlugin`. Modalities depend only
on this module and ``datamill.core``; they never see the database: the loop hands them an
:class:`ItemRecord` (a stored item's generic fields, its ``attributes`` and the media file) and
stores what they return (attributes, a JSON annotation payload, check outcomes).

Plugin kinds and their entry-point groups:

* ``datamill.modalities`` — :class:`ModalityPlugin` classes;
* ``datamill.importers`` — :class:`Importer` classes (``detect()`` a labelled source, then
  ``iter_items()``);
* ``datamill.preannotators`` — :class:`Preannotator` classes (``predict(path, language)``);
* ``datamill.exporters`` — :class:`Exporter` classes (``export(items, out_dir)``).

Speech's own value objects (``Segment``, word timings, the speech export item) live in
:mod:`datamill.modalities.speech.types`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeAlias, TypeVar, cast, runtime_checkable

from pydantic import BaseModel

from datamill.core.errors import InvalidInput

__all__ = [
    "Aggregatable",
    "AnnotationDoc",
    "CheckOutcome",
    "CheckVerdicts",
    "CollectionLimits",
    "CollectionRefusal",
    "ConventionAwareScoring",
    "DatasheetStatistics",
    "EffectEvaluator",
    "ExportManifest",
    "Exporter",
    "Importer",
    "ItemFlagging",
    "ItemRecord",
    "JsonValue",
    "LanguageAwareScoring",
    "MediaMasking",
    "ModalityPlugin",
    "Preannotator",
    "PromptAwareValidation",
    "RegionUnits",
    "RequirementAwareScoring",
    "acceptance_metrics_for",
    "check_verdicts_of",
    "collection_refusal_of",
    "defect_score_names",
    "effect_evaluator_of",
    "flag_item_in",
    "is_defective_in",
    "manifest_field_aliases_of",
    "manifest_file_columns_of",
    "prompt_sidecars_of",
    "score_in",
    "scoring_normalization_in",
    "selectable_metrics",
    "unmeasurable_metrics_in",
    "unmeasured_in",
    "validate_annotation_in",
]

E_contra = TypeVar("E_contra", contravariant=True)
P_co = TypeVar("P_co", covariant=True)

JsonValue: TypeAlias = "dict[str, JsonValue] | list[JsonValue] | str | int | float | bool | None"
"""What json.dumps accepts (and JSON columns store): an annotation payload is one."""


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one automatic check on one item.

    ``value`` is the measured number (stored per item even when the check passes);
    ``reason`` is a sentence a collection coordinator can act on when ``passed`` is False.
    """

    name: str
    passed: bool
    value: float | None = None
    reason: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemRecord:
    """What a modality sees of a stored item: generic fields, its attributes, its media file.

    In a delivery ``path`` is where the media file will be once the package is in place (for
    references written into an export) and ``source`` where it can be read now; elsewhere both
    are the same file. In a delivery ``external_id`` is the item's delivery key: its id, or
    where that holds a space, a slash or a control character a name without them
    (``production.delivery_keys``; the package's ``id_map.tsv`` maps it back).
    """

    external_id: str
    sha256: str
    filename: str
    path: Path
    attributes: Mapping[str, Any]
    language: str
    prompt: str | None = None
    source: Path | None = None

    @property
    def readable(self) -> Path:
        return self.source or self.path


@dataclass(frozen=True)
class AnnotationDoc:
    """An annotation as the loop stores it: the JSON ``payload``, a flat ``text`` (what
    transcript-style scoring and search read) and, for a model's suggestion, the ``model``."""

    payload: JsonValue
    text: str = ""
    model: str | None = None
    dropped: Mapping[str, int] = field(default_factory=dict)  # predicted class → left out


@dataclass(frozen=True)
class ExportManifest:
    """Files an exporter wrote, relative to its output folder, with their sha256; and the
    objects (by kind) the format cannot hold, left out of it (the delivery's datasheet lists
    them, so nothing goes missing without a word)."""

    format: str
    files: Mapping[str, str]
    items: int
    left_out: Mapping[str, int] = field(default_factory=dict)


@runtime_checkable
class Exporter(Protocol[E_contra]):
    """Writes delivered items (the modality's export items) into ``out_dir``."""

    name: ClassVar[str]

    def export(self, items: Iterable[E_contra], out_dir: Path) -> ExportManifest: ...


@runtime_checkable
class Preannotator(Protocol[P_co]):
    """A model that suggests an annotation for one item (the modality turns the prediction
    into an :class:`AnnotationDoc` with ``ModalityPlugin.from_prediction``). It reads what it
    needs of the item: the media file (``item.readable``), the project's ``language``, the
    ``prompt`` (e.g. TTS forced alignment) and the ``attributes``."""

    name: ClassVar[str]

    def predict(self, item: ItemRecord) -> P_co: ...


@runtime_checkable
class Importer(Protocol[P_co]):
    """Reads a labelled source (a COCO file, a VOC folder ...) of its modality.

    ``detect`` is a confidence in [0, 1] that ``path`` holds the importer's format, reading as
    little as possible; ``iter_items`` yields (media file, annotation) one item at a time, or
    (media file, annotation, item id) where the format names its items (Kaldi's recording ids;
    otherwise the item id is the media file's name without its suffix), or (media file,
    annotation, item id, where) where a place in the source says more than the media file
    (``data.jsonl:7``: problems are named by it). An importer reads nothing outside ``path``.
    """

    name: ClassVar[str]

    def detect(self, path: Path) -> float: ...

    def iter_items(
        self, path: Path
    ) -> Iterator[tuple[Path, P_co]] | Iterator[tuple[Path, P_co, str]]: ...


class DatasheetStatistics(Protocol):
    """Collects a delivered batch's statistics one item at a time (constant memory)."""

    def add(self, item: ItemRecord, payload: JsonValue) -> None: ...

    def result(self) -> dict[str, JsonValue]: ...


class EffectEvaluator(Protocol):
    """OPTIONAL: application-effect verification (domain §4.6, 数据应用效果验证) of a sample of
    a batch: a model the modality ships is evaluated on the data, or trained and tested on it,
    so the customer sees the data does what it was made for and the PM sees the items a model
    disagrees with most. A plugin offers it with ``effect_evaluator(requirements, language)``
    (raising :class:`~datamill.core.errors.InvalidInput` with a ``reason_code`` when this
    spec's data has none, e.g. a language its model does not read). A run bounded by its cost
    sets ``max_sample``; the plugin states the same cap as ``effect_max_sample``, so a spec's
    ``effect.min_sample`` above it is refused before any run (``effect_min_sample_cap``).

    The loop hands it the sampled items one at a time (``add``), then stores ``result()``,
    a JSON object with at least ``measure`` (``{"name", "value", "better": "lower"|"higher"}``),
    ``items_scored``, ``groups`` (group kind → group → ``{"items", "value"}``) and
    ``second_look`` (at most 20 ``{"external_id", "value", "why"}``, worst first); a modality
    may add more (a baseline, a learning curve)."""

    #: what was run, e.g. ``pocketsphinx-5.0.4/en-us`` or ``tf-idf + logistic regression``
    method: str
    #: how many items a run samples unless the caller says (decoding speech costs more than
    #: fitting a text classifier); a modality may also bound it with ``max_sample``
    default_sample: int
    #: the run's seed (0..2**32-1), set by the loop before the first ``add``: an evaluator that
    #: splits or shuffles (cross-validation folds) draws with it; one that does not ignores it
    seed: int

    def add(self, item: ItemRecord, payload: JsonValue) -> None: ...

    def result(self) -> dict[str, JsonValue]: ...


def effect_evaluator_of(
    plugin: ModalityPlugin, requirements: Mapping[str, JsonValue], language: str
) -> EffectEvaluator:
    """The plugin's :class:`EffectEvaluator` for this spec; ``InvalidInput``
    (``reason_code`` ``effect_no_evaluation``) when the modality offers none."""
    make = getattr(plugin, "effect_evaluator", None)
    if make is None:
        raise InvalidInput(
            f"modality {plugin.name} has no application-effect evaluation yet",
            reason_code="effect_no_evaluation", modality=plugin.name)
    evaluator: EffectEvaluator = make(requirements, language)
    return evaluator


@runtime_checkable
class Aggregatable(Protocol):
    """OPTIONAL: a modality whose answers can be aggregated when a spec sets ``overlap > 1``.

    The loop checks ``isinstance(plugin, Aggregatable)`` (all three methods present); a modality
    without them keeps every parallel answer as its own version and the last one is current.
    The engine (:mod:`datamill.qc.aggregating`) calls ``aggregation_units`` and
    ``pairwise_units`` on every submitted answer of an item, runs the spec's
    ``aggregation.method`` and stores ``merge_aggregate(payloads, decided)`` as the item's
    current version of kind ``aggregate`` (with the method and a per-item confidence). Region
    answers (spans, boxes) are merged with :mod:`datamill.qc.regions`. Optional
    ``free_text_questions``: the question keys answered in free text (a key ending in ``:``:
    every key it begins), decided by majority vote whatever the method and left out of the
    categorical agreement (:func:`datamill.qc.aggregating.free_text_key`).
    """

    def aggregation_units(self, payload: JsonValue) -> dict[str, str]:
        """The payload's categorical answers as question key -> label.

        Keys are identical for the same question across annotators of one item: e.g.
        ``"class"`` (single-label), ``"label:sports"`` -> ``"yes"``/``"no"`` (multi-label, one
        key per label of the schema), ``"sentiment"``, ``"rubric:helpfulness"`` -> ``"4"``.
        Region-like answers are not units (``merge_aggregate`` merges them), nor are pairwise
        preferences (they are ``pairwise_units`` only: one question is one unit, or agreement
        and aggregation count each answer twice). ``{}`` when the payload has no categorical
        answer."""
        ...

    def pairwise_units(self, payload: JsonValue) -> list[tuple[str, str, str]]:
        """Pairwise preferences as ``(left_id, right_id, outcome)``, outcome in ``left``,
        ``right``, ``tie``; a k-way ranking expands to its k*(k-1)/2 pairs. ``[]`` if none.
        The engine decides each pair under the key ``pair:<left_id>|<right_id>``."""
        ...

    def merge_aggregate(
        self, payloads: Sequence[JsonValue], decided: Mapping[str, str]
    ) -> JsonValue:
        """The item's aggregated payload, valid under the modality's annotation schema: the
        ``decided`` answers (unit key -> winning label; pairs under ``pair:<left>|<right>``)
        applied, region answers merged across ``payloads`` (kept when more than half of the
        annotators drew a matching one, IoU >= 0.5, median geometry), free text from the
        first payload."""
        ...


@runtime_checkable
class RegionUnits(Protocol):
    """OPTIONAL, beside :class:`Aggregatable`: region answers (text spans, image boxes) as questions.

    ``region_units({author: payload})`` groups the regions of one item's answers across
    annotators and returns ``(author, key, label)`` rows, one per annotator and group (a label
    such as ``O`` for an annotator who drew none there). The engine adds them to the
    categorical units, so agreement, the aggregate's confidence and split detection (a group
    labelled three ways by three annotators) count them; ``merge_aggregate`` still merges the
    regions themselves. Optional ``question_place(key)``: where a split question lies, for its
    reviewer (:mod:`datamill.modalities._question_places`)."""

    def region_units(self, payloads: Mapping[int, JsonValue]) -> list[tuple[int, str, str]]:
        ...


class ModalityPlugin(Protocol):
    """What the production loop asks of a modality.

    Inspection: ``score`` returns at least every metric in ``acceptance_metrics`` (the spec's
    ``acceptance`` sets a required threshold for each, or for one of its optional
    ``metric_alternatives``; see :func:`acceptance_metrics_for`) and every alternative;
    ``is_defective`` decides per item.

    Volume: ``volume(attributes)`` is an integer in ``volume_base_unit`` (speech: milliseconds
    of audio; image: images); ``volume_per_unit`` base units make one ``volume_unit`` (speech:
    3,600,000 per hour; image: 1 per image), the unit prices and deliveries are counted in.
    A modality whose items have speakers says so with the optional ``has_speakers = True``
    (speech, TTS): only then do catalog entries and datasheets count speakers.

    Web: ``workbench_template`` names the annotator's workbench page (a template of
    ``datamill/web/templates``); the web UI mounts it for the modality's tasks. Optional:
    ``review_template`` and ``inspection_template`` name the reviewer's and the inspector's
    pages (default: the speech-style ``review.html`` and ``inspection.html``), and
    ``compare(before, after)`` describes the differences of two annotation payloads for them;
    ``assist_tools`` names server-side helpers of the editor that ``assist(tool, path, params)``
    runs on one item's media (the image modality's ``grabcut``: box → polygon).
    ``sample_template`` (optional) names a template that shows one catalog sample read-only
    from ``preview(path, sha256, cache_dir)`` at ``preview_url`` (a point cloud's viewer);
    without it a sample that is no audio or picture is a download link.

    Pre-labelled import: ``importer_names`` (optional) names the ``datamill.importers`` whose
    sources a project of the modality imports with their labels (image: COCO, YOLO, VOC); the
    labels become each new item's first version (a pre-annotation). ``prompt_sidecars``
    (optional, default False; speech and TTS say True): a folder import takes a ``.txt`` beside
    a media file as its prompt (:func:`prompt_sidecars_of`).
    ``manifest_file_columns`` (optional, default none): the columns, besides ``path`` and
    ``file``, a manifest row of the modality names its file by (speech: ``audio``,
    ``audio_path``; image: ``image``, ``image_path``); an import reads every installed
    modality's, and a row naming no file is told the project's modality's
    (:func:`manifest_file_columns_of`). ``manifest_field_aliases`` (optional, default none):
    other names a manifest of the modality gives a row's fields by, read after the field's
    own (speech: ``utterance_id`` for ``id``, ``region`` for ``accent``, Common Voice's
    ``sentence`` and vendors' ``transcript`` for ``prompt``); an import reads every installed
    modality's (:func:`manifest_field_aliases_of`).
    ``prompt_problem(prompt) -> str | None`` (optional): why a collection prompt cannot be
    recorded as written (TTS: a word with no pronunciation); adding it to a collection fails.

    Optional loop hooks: ``checks_need_isolation(requirements) -> bool`` (default True):
    whether a file can crash the checks (a native decoder), so an isolating caller (the CLI)
    runs them in a worker process; text and LLM say False. ``cross_checker(requirements)``
    returns an object with
    ``check(attributes) -> Sequence[CheckOutcome]`` and ``add(key, attributes)``: checks that
    compare an item with the project's earlier items (e.g. near-duplicates), with
    ``lacks_fingerprints(attributes) -> bool`` and ``fill_fingerprints(path, attributes,
    requirements) -> dict`` (optional) measuring what an item stored before a fingerprint the
    checker compares existed lacks (kept in its attributes); a checker with ``reads_outcomes``
    true also gets each item's check outcomes, ``check(attributes, outcomes)`` and
    ``add(key, attributes, outcomes)`` (an earlier item's stored ones, those its
    ``outcome_names`` lists: speech's ``speaker_rate``); one with a ``group_key`` is primed
    with the earlier items whose attribute of that name is one of the checked items'; and
    ``map_prediction(prediction, requirements)``, used instead of ``from_prediction`` when
    present, maps a pre-annotator's classes onto the spec's labels (``AnnotationDoc.dropped``
    counts, per predicted class, the predictions it had to leave out);
    ``preannotation_skipped(requirements) -> str | None`` names why a project of this spec has
    nothing to pre-annotate (the run then labels nothing and says so).
    """

    name: ClassVar[str]
    requirements_model: ClassVar[type[BaseModel]]
    item_model: ClassVar[type[BaseModel]]
    default_preannotator: ClassVar[str]
    volume_unit: ClassVar[str]
    volume_base_unit: ClassVar[str]
    volume_per_unit: ClassVar[int]
    media_suffixes: ClassVar[tuple[str, ...]]
    media_folder: ClassVar[str]
    acceptance_metrics: ClassVar[tuple[str, ...]]
    workbench_template: ClassVar[str]

    # -- import
    def describe(
        self, path: Path, meta: Mapping[str, JsonValue], requirements: Mapping[str, JsonValue]
    ) -> BaseModel:
        """The item attributes of a new file (an ``item_model``); raises a DatamillError
        whose message is the rejection reason when the file is unusable."""
        ...

    def volume(self, attributes: Mapping[str, JsonValue]) -> int: ...

    def summary(self, attributes: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
        """The few attributes a person is shown about an item (lists, task views)."""
        ...

    # -- checks
    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]: ...

    def checks_are_heavy(self, requirements: Mapping[str, JsonValue]) -> bool: ...

    # -- annotation
    def validate_annotation(
        self, payload: JsonValue, attributes: Mapping[str, JsonValue], requirements: BaseModel
    ) -> AnnotationDoc:
        """The clean payload, or InvalidInput naming every problem."""
        ...

    def from_prediction(self, prediction: object) -> AnnotationDoc: ...

    # -- quality (sampling inspection compares texts: the delivered and the inspector's)
    def inspection_text(self, payload: JsonValue, text: str) -> str:
        """The form of a delivered annotation an inspector corrects and ``score`` compares."""
        ...

    def normalize_correction(self, corrected: str) -> str:
        """The inspector's correction checked and in canonical form (InvalidInput if unusable).
        A modality whose correction is an annotation document (JSON) says so with the optional
        ``corrections_are_annotations = True``: the loop then holds it to the spec as it holds
        an annotator's submission (``validate_annotation`` on the item's attributes)."""
        ...

    def score(self, reference: Sequence[str], hypothesis: Sequence[str]) -> Mapping[str, float]: ...

    def is_defective(self, reference: str, hypothesis: str) -> bool: ...

    # -- delivery (a modality may add ``default_exporter_names(requirements) -> list[str]``:
    # the formats a delivery without named formats writes; by default every one; and
    # ``delivery_slot(external_id, attributes, requirements) -> str | None``: the one place an
    # item's files take in a delivery, which the import keeps unique in the project and
    # refuses with InvalidInput's reason when the item can take none; see
    # production._delivery_slots)
    def exporter_names(self) -> list[str]: ...

    # The exporter takes what ``export_item`` makes: one type per modality, which the loop never
    # names (it hands one to the other), so the protocol cannot say which: ``Exporter[Any]``.
    def make_exporter(self, name: str, requirements: Mapping[str, JsonValue]) -> Exporter[Any]: ...

    def export_item(self, item: ItemRecord, payload: JsonValue) -> object: ...

    def statistics(self) -> DatasheetStatistics: ...


class LanguageAwareScoring(Protocol):
    """Optional: a plugin whose ``score``/``is_defective`` take the project's language (BCP-47)
    says so with ``scores_by_language = True`` (speech: locale-aware case folding)."""

    scores_by_language: ClassVar[bool]

    def score(
        self, reference: Sequence[str], hypothesis: Sequence[str], *, language: str | None = None
    ) -> Mapping[str, float]: ...

    def is_defective(
        self, reference: str, hypothesis: str, *, language: str | None = None
    ) -> bool: ...


class RequirementAwareScoring(Protocol):
    """Optional: a plugin whose ``score``/``is_defective`` take the project's requirements (the
    spec's ``requirements`` mapping) says so with ``scores_by_requirements = True`` (image: the
    IoU at which two objects are the same, keypoint falloffs, polyline tolerance)."""

    scores_by_requirements: ClassVar[bool]

    def score(
        self, reference: Sequence[str], hypothesis: Sequence[str], *,
        requirements: Mapping[str, JsonValue] | None = None,
    ) -> Mapping[str, float]: ...

    def is_defective(
        self, reference: str, hypothesis: str, *,
        requirements: Mapping[str, JsonValue] | None = None,
    ) -> bool: ...


class ConventionAwareScoring(Protocol):
    """Optional: a plugin whose ``score``/``is_defective`` compare text under the project's
    transcription conventions (the spec's ``text_normalization``: Chinese script and numerals,
    :mod:`datamill.qc.text_conventions`) says so with ``scores_by_text_normalization = True``
    (speech); it gets the spec's mapping, or None when the spec names none."""

    scores_by_text_normalization: ClassVar[bool]

    def score(
        self, reference: Sequence[str], hypothesis: Sequence[str], *,
        text_normalization: Mapping[str, JsonValue] | None = None,
    ) -> Mapping[str, float]: ...

    def is_defective(
        self, reference: str, hypothesis: str, *,
        text_normalization: Mapping[str, JsonValue] | None = None,
    ) -> bool: ...


def _scoring_options(
    plugin: ModalityPlugin, language: str | None, requirements: Mapping[str, JsonValue] | None,
    text_normalization: Mapping[str, JsonValue] | None = None,
) -> dict[str, Any]:
    """The keyword arguments the plugin's scorer takes (see :class:`LanguageAwareScoring`,
    :class:`RequirementAwareScoring` and :class:`ConventionAwareScoring`)."""
    options: dict[str, Any] = {}
    if getattr(plugin, "scores_by_language", False):
        options["language"] = language
    if getattr(plugin, "scores_by_requirements", False):
        options["requirements"] = requirements
    if getattr(plugin, "scores_by_text_normalization", False):
        options["text_normalization"] = text_normalization
    return options


def score_in(
    plugin: ModalityPlugin, reference: Sequence[str], hypothesis: Sequence[str],
    language: str | None, requirements: Mapping[str, JsonValue] | None = None,
    text_normalization: Mapping[str, JsonValue] | None = None,
) -> Mapping[str, float]:
    """``plugin.score``, told the project's language, requirements and text conventions (the
    spec's ``text_normalization``) when it scores by them."""
    options = _scoring_options(plugin, language, requirements, text_normalization)
    if options:
        return cast("Any", plugin).score(reference, hypothesis, **options)  # type: ignore[no-any-return]
    return plugin.score(reference, hypothesis)


def selectable_metrics(plugin: ModalityPlugin) -> tuple[str, ...]:
    """Every metric a project of the modality may set an acceptance threshold for: its
    ``acceptance_metrics`` and their ``metric_alternatives`` (optional: a mapping from an
    acceptance metric to the metrics a project may judge by instead, e.g. speech's
    ``character_accuracy`` → ``mixed_accuracy`` for code-switched Mandarin), and its
    ``optional_metrics`` (optional: metrics a contract may add a threshold for, judged only where
    the spec sets one, e.g. image's ``keypoint_accuracy`` for pose data)."""
    alternatives: Mapping[str, tuple[str, ...]] = getattr(plugin, "metric_alternatives", {})
    out = list(plugin.acceptance_metrics)
    for metric in plugin.acceptance_metrics:
        out += [m for m in alternatives.get(metric, ()) if m not in out]
    out += [m for m in getattr(plugin, "optional_metrics", ()) if m not in out]
    return tuple(out)


def acceptance_metrics_for(
    plugin: ModalityPlugin, acceptance: Mapping[str, object] | None
) -> tuple[str, ...]:
    """The metrics a project's inspections judge by, given its spec's ``acceptance``: each of
    the modality's ``acceptance_metrics``, or, where the spec sets a threshold for one of its
    ``metric_alternatives``, the alternatives (and the metric itself too when the spec sets it
    as well), then each of its ``optional_metrics`` the spec sets a threshold for. A spec that
    names no alternative is judged exactly as before alternatives existed.

    >>> class P:
    ...     acceptance_metrics = ("character_accuracy", "sentence_accuracy")
    ...     metric_alternatives = {"character_accuracy": ("mixed_accuracy",)}
    >>> acceptance_metrics_for(P(), {"character_accuracy": 0.97, "sentence_accuracy": 0.9})
    ('character_accuracy', 'sentence_accuracy')
    >>> acceptance_metrics_for(P(), {"mixed_accuracy": 0.97, "sentence_accuracy": 0.9})
    ('mixed_accuracy', 'sentence_accuracy')
    """
    given = {k for k, v in (acceptance or {}).items() if v is not None}
    alternatives: Mapping[str, tuple[str, ...]] = getattr(plugin, "metric_alternatives", {})
    # a metric some projects cannot measure (image's character_accuracy without text lines):
    # the spec sets it wherever it can be measured (parse_spec), so one it leaves out is not
    # judged
    conditional: tuple[str, ...] = getattr(plugin, "conditional_metrics", ())
    out: list[str] = []
    for metric in plugin.acceptance_metrics:
        chosen = [m for m in (metric, *alternatives.get(metric, ())) if m in given]
        out += chosen or ([] if metric in conditional else [metric])
    out += [m for m in getattr(plugin, "optional_metrics", ()) if m in given and m not in out]
    return tuple(out)


def manifest_file_columns_of(plugin: ModalityPlugin) -> tuple[str, ...]:
    """The manifest columns besides ``path`` and ``file`` that name a file of the modality
    (``manifest_file_columns``, optional: none)."""
    return tuple(str(c) for c in getattr(plugin, "manifest_file_columns", ()))


def prompt_sidecars_of(plugin: object) -> bool:
    """Whether a folder import takes the ``.txt`` beside a media file as its prompt (the text
    read aloud: speech, TTS); optional ``prompt_sidecars``, by default not (an LLM record's or
    an image's ``.txt`` is something else, listed as not imported)."""
    return bool(getattr(plugin, "prompt_sidecars", False))


def manifest_field_aliases_of(plugin: ModalityPlugin) -> dict[str, tuple[str, ...]]:
    """The other manifest column names of each row field, after the field's own
    (``manifest_field_aliases``, optional: none)."""
    aliases: Mapping[str, Sequence[str]] = getattr(plugin, "manifest_field_aliases", {})
    return {str(f): tuple(str(n) for n in names) for f, names in aliases.items()}


def unmeasurable_metrics_in(
    plugin: ModalityPlugin, requirements: BaseModel | Mapping[str, Any]
) -> dict[str, str]:
    """The selectable metrics a project under ``requirements`` has nothing to measure by, each
    with the requirement it lacks (``unmeasurable_metrics_for(requirements)``, optional: a
    point-cloud project without point classes labels no point, so its point metrics measure
    nothing). The spec may not set a threshold for one of them (an inspection would show it
    unmeasured and judge by the others alone), and need not set one for an acceptance metric
    the modality lists in ``conditional_metrics`` (an image project without text lines and
    ``character_accuracy``; a text project's metrics its tasks do not measure). A project
    stored with one of those all the same (every spec had to set them, before) keeps loading;
    its inspections show it not measured and its datasheets state it as no acceptance basis.
    ``requirements`` may be the spec's mapping: the plugin reads its labels alone (and raises
    when they are invalid)."""
    tell = getattr(plugin, "unmeasurable_metrics_for", None)
    return dict(tell(requirements)) if tell is not None else {}


def scoring_normalization_in(
    plugin: ModalityPlugin, language: str | None,
    text_normalization: Mapping[str, JsonValue] | None,
) -> dict[str, str] | None:
    """How the plugin normalises texts before scoring, as codes for the datasheet
    (``scoring_normalization(language, text_normalization)``, optional: a plugin that compares
    transcripts tells, see :func:`datamill.qc.text_norm.normalization_codes`); None when it does
    not tell."""
    tell = getattr(plugin, "scoring_normalization", None)
    return dict(tell(language, text_normalization)) if tell is not None else None


def unmeasured_in(
    plugin: ModalityPlugin, reference: Sequence[str], hypothesis: Sequence[str],
    requirements: BaseModel | Mapping[str, Any] | None = None,
) -> frozenset[str]:
    """The metrics ``plugin.score`` had nothing to measure in (``unmeasured_metrics``, where the
    modality tells), and, given the project's ``requirements``, those its requirements leave
    nothing to measure by (:func:`unmeasurable_metrics_in`: a box-only image project's
    ``character_accuracy``, which would score 1 on no text): an inspection shows them as not
    measured (null) and judges nothing by them."""
    tell = getattr(plugin, "unmeasured_metrics", None)
    out = set(tell(reference, hypothesis)) if tell is not None else set()
    if requirements:
        try:
            out |= set(unmeasurable_metrics_in(plugin, requirements))
        except (ValueError, InvalidInput):  # a stored spec's requirements no longer valid
            pass
    return frozenset(out)


def is_defective_in(
    plugin: ModalityPlugin, reference: str, hypothesis: str, language: str | None,
    requirements: Mapping[str, JsonValue] | None = None,
    text_normalization: Mapping[str, JsonValue] | None = None,
) -> bool:
    """``plugin.is_defective``, told the project's language, requirements and text conventions
    when it scores by them."""
    options = _scoring_options(plugin, language, requirements, text_normalization)
    if options:
        return bool(cast("Any", plugin).is_defective(reference, hypothesis, **options))
    return plugin.is_defective(reference, hypothesis)


def defect_score_names(plugin: ModalityPlugin) -> tuple[str, ...]:
    """The score names an inspection stores its defective-item count under: ``defective_items``,
    and the older names a modality's clients still read (``defect_score_aliases``; speech:
    ``defective_utterances``). Other modalities carry no speech word in their scores."""
    return ("defective_items", *getattr(plugin, "defect_score_aliases", ()))


class PromptAwareValidation(Protocol):
    """Optional: a plugin whose annotations must agree with the item's prompt (TTS: the words
    tier reads the prompt) says so with ``validates_with_prompt = True``; its
    ``validate_annotation`` then also takes the item's ``prompt`` and the spec's
    ``text_normalization`` (None when the item has none, or the spec names none)."""

    validates_with_prompt: ClassVar[bool]

    def validate_annotation(
        self, payload: JsonValue, attributes: Mapping[str, JsonValue], requirements: BaseModel,
        *, prompt: str | None = None, text_normalization: Mapping[str, JsonValue] | None = None,
    ) -> AnnotationDoc: ...


def validate_annotation_in(
    plugin: ModalityPlugin, payload: JsonValue, attributes: Mapping[str, JsonValue],
    requirements: BaseModel, *, prompt: str | None = None,
    text_normalization: Mapping[str, JsonValue] | None = None,
) -> AnnotationDoc:
    """``plugin.validate_annotation``, told the item's prompt and the spec's text conventions
    when it validates by them (:class:`PromptAwareValidation`)."""
    if getattr(plugin, "validates_with_prompt", False):
        return cast("PromptAwareValidation", plugin).validate_annotation(
            payload, attributes, requirements, prompt=prompt,
            text_normalization=text_normalization)
    return plugin.validate_annotation(payload, attributes, requirements)


class CheckVerdicts(Protocol):
    """Optional: a plugin whose checks may hold an item for a person instead of passing or
    rejecting it names those verdicts (``CheckOutcome.extra["verdict"]``) in
    ``check_verdicts`` (speech: ``listen``, a listener hears a recording the prompt check was
    unsure of). The loop offers a verdict's stage (its page, its claims) only on projects whose
    modality names it."""

    check_verdicts: ClassVar[tuple[str, ...]]


def check_verdicts_of(plugin: ModalityPlugin) -> tuple[str, ...]:
    """The verdicts ``plugin``'s checks may give beyond pass and reject (:class:`CheckVerdicts`;
    none when it declares none)."""
    verdicts: tuple[str, ...] = tuple(getattr(plugin, "check_verdicts", ()))
    return verdicts


class ItemFlagging(Protocol):
    """Optional: a plugin whose annotators may flag a whole item as one they cannot annotate
    names the flags in ``item_flags`` (speech: ``unintelligible``, ``noise_only`` ...) and
    records one on a payload with ``flag_payload`` (speech: on every segment)."""

    item_flags: ClassVar[tuple[str, ...]]

    def flag_payload(self, payload: JsonValue, flag: str) -> JsonValue: ...


@runtime_checkable
class MediaMasking(Protocol):
    """Optional: a plugin whose media carries what its annotation says, so personal data
    named in the annotation is in the file too (speech: a segment whose transcript holds a
    phone number says it aloud). ``mask_media`` returns the file's bytes with every stretch
    whose annotated text ``holds_pii`` masked, and how many stretches it masked; None when
    nothing in ``payload`` holds personal data (the file is delivered as it is). It raises
    InvalidInput when the file cannot be read or written back."""

    def mask_media(
        self, path: Path, payload: JsonValue, holds_pii: Callable[[str], bool],
    ) -> tuple[bytes, int] | None: ...


def flag_item_in(plugin: ModalityPlugin, payload: JsonValue, flag: str | None) -> JsonValue:
    """``payload`` with the item flag ``flag`` recorded by the plugin (no flag: as it is);
    InvalidInput when the modality has no such flag."""
    if flag is None:
        return payload
    flags: tuple[str, ...] = getattr(plugin, "item_flags", ())
    if flag not in flags:
        allowed = f"use one of {', '.join(flags)}" if flags else f"{plugin.name} items take no flags"
        raise InvalidInput(f"unknown item flag {flag!r}; {allowed}", field="item_flag")
    return cast("ItemFlagging", plugin).flag_payload(payload, flag)


@dataclass(frozen=True)
class CollectionRefusal:
    """What a spec with a ``collection`` section asks of its recordings that the collection
    page cannot record: the ``requirement`` (its field's dotted path), the English ``message``
    told with the spec's other problems, and the refusal's ``reason_code`` with its
    ``params``."""

    requirement: str
    message: str
    reason_code: str
    params: Mapping[str, JsonValue] = field(default_factory=dict)


class CollectionLimits(Protocol):
    """Optional: a plugin whose requirements may ask for what the collection page (a browser
    recording people) cannot give says so in ``collection_refusal`` (speech and TTS: more than
    one channel; the page records one), else None."""

    def collection_refusal(self, requirements: BaseModel) -> CollectionRefusal | None: ...


def collection_refusal_of(
    plugin: ModalityPlugin, requirements: BaseModel | None
) -> CollectionRefusal | None:
    """Why a project of ``plugin`` under ``requirements`` cannot collect through the collection
    page (:class:`CollectionLimits`; None when it can, when the plugin sets no limits, or when
    the requirements did not validate)."""
    refuse = getattr(plugin, "collection_refusal", None)
    if refuse is None or requirements is None:
        return None
    return cast("CollectionRefusal | None", refuse(requirements))
