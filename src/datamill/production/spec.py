"""The dataset spec: what a project must produce, validated with precise error paths.

A spec is data only (YAML or JSON). The modality-specific part lives under ``requirements``
and is validated by the modality plugin's ``requirements_model``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import full_width_mark, json_refusal
from datamill.production.collection_spec import CollectionSpec
from datamill.qc.sampling import AQL_VALUES
from datamill.qc.text_conventions import TextNormalization

__all__ = [
    "EFFECT_MAX_SAMPLE",
    "AcceptanceCriteria",
    "AggregationSpec",
    "DatasetSpec",
    "EffectSpec",
    "SamplingSpec",
    "load_spec",
    "parse_spec",
    "read_spec_file",
]

SPEC_SCHEMA_VERSION = 1
ProjectType = Literal["custom_service", "product_development", "processing_only"]
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
#: the most items an application-effect run samples (``production.effect_evaluation``'s
#: ``MAX_SAMPLE`` is this), so the most a spec's ``effect.min_sample`` may ask for
EFFECT_MAX_SAMPLE = 5000


class SamplingSpec(BaseModel):
    """ISO 2859-1 single sampling, normal inspection.

    The inspection level and the AQL are agreed per project: there are no defaults.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    inspection_level: Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
    aql: float = Field(gt=0)
    seed: int = 0

    @field_validator("aql")
    @classmethod
    def _tabulated(cls, value: float) -> float:
        """Only the AQLs of ISO 2859-1's tables have a plan: refuse any other when the project
        is created, not at its first inspection after all the work is done."""
        if not any(math.isclose(value, known, rel_tol=1e-9) for known in AQL_VALUES):
            shown = ", ".join(f"{known:g}" for known in AQL_VALUES)
            raise ValueError(f"{value:g} is not an AQL of ISO 2859-1; use one of {shown}")
        return value


class AcceptanceCriteria(BaseModel):
    """Batch-level thresholds: one value in [0, 1] for each metric the modality scores an
    inspection by (its ``acceptance_metrics``: e.g. speech's ``character_accuracy`` and
    ``sentence_accuracy``, image's ``region_accuracy``, text's ``span_f1``). Every one is
    required, with no defaults: a batch is judged only against thresholds someone set. The
    names are the modality's, so none is declared here (a text project's spec stored
    ``character_accuracy: null`` and its datasheet showed it)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    @model_validator(mode="after")
    def _fractions(self) -> AcceptanceCriteria:
        for name, value in (self.model_extra or {}).items():
            if value is None:  # as specs stored before the names were the modality's hold
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number from 0 to 1")
        return self

    def thresholds(self) -> dict[str, float]:
        """Every threshold set, by metric name."""
        return {k: float(v) for k, v in self.model_dump().items() if v is not None}


class AggregationSpec(BaseModel):
    """How overlapping answers (``overlap > 1``) become the item's result.

    ``method``: ``majority_vote`` (per item, as soon as its last answer arrives), or a
    dataset-level ``dawid_skene`` / ``glad`` (categorical) / ``bradley_terry`` (pairwise) run
    by ``datamill quality aggregate`` (items get a majority vote until then). Items whose
    confidence falls below ``min_confidence`` go to one extra annotator (0, the default, turns
    this off); so do items split with no majority (a 1-1) while it is on. A tie is never decided
    by submission order: split with routing off, or still split after the extra answer, the item
    reaches review unresolved and the reviewer adjudicates it (an edit; a plain accept is
    refused); a project without review leaves it out of batches until it is decided.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["majority_vote", "dawid_skene", "glad", "bradley_terry"] = "majority_vote"
    min_confidence: float = Field(0.0, ge=0, le=1)


class EffectSpec(BaseModel):
    """What the customer accepts of an application-effect verification (domain §4.6,
    数据应用效果验证; ``production.effect_evaluation``): the run's headline measure against
    ``threshold``, a number from 0 to 1 -- at least it where higher is better (macro-F1 of text
    classes, image and point-cloud labels; LLM preference accuracy), at most it where lower is
    (speech's corpus word error rate) -- and, when ``min_sample`` is set, at least that many
    items scored. Each run stores its verdict with the threshold it was judged by, so a later
    change of the spec never re-judges an old run. No section: runs say "no threshold set".

    Strict: ``true``, ``"0.9"`` or ``100.0`` are refused, not read as numbers; an unknown key
    is refused (each with a coded reason: ``effect_*`` in ``modalities/_reason_words.py``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    threshold: float = Field(ge=0, le=1)
    min_sample: int | None = Field(None, ge=1, le=EFFECT_MAX_SAMPLE)


class DatasetSpec(BaseModel):
    """A project's dataset spec (schema version 1).

    ``sampling`` (inspection level, AQL) and ``acceptance`` (thresholds on the modality's
    metrics: speech's character and sentence accuracy, an image's region accuracy, ...) are
    required: thresholds are project settings with no defaults. With
    ``qualification_required`` nobody takes the project's annotate tasks before passing its
    qualification test (and nobody at all until the test is defined).

    ``text_normalization`` states the project's transcription conventions for Chinese:
    ``chinese_script`` (``simplified`` or ``traditional``: 後 and 后 count as the same) and
    ``numerals`` (``hanzi`` or ``arabic``: 2026年 and 二〇二六年, 3.5 and 三点五 count as the same).
    Both sides of every transcript comparison (inspection and acceptance scores, defects,
    qualification and golden checks, pre-annotation accuracy against read prompts, the review
    diff) are converted before they are compared; what annotators wrote is never rewritten.
    Omitted or null: every character counts as written (see :mod:`datamill.qc.text_conventions`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1
    name: str = Field(min_length=1, max_length=200)
    modality: str
    language: str
    project_type: ProjectType
    description: str = ""
    stages: tuple[str, ...] = ("annotate", "review")
    overlap: int = Field(1, ge=1, le=10)
    aggregation: AggregationSpec = AggregationSpec.model_validate({})
    package_size: int = Field(20, ge=1, le=10000)
    batch_size: int = Field(200, ge=1)
    sampling: SamplingSpec
    acceptance: AcceptanceCriteria
    qualification_required: bool = False
    requirements: dict[str, Any] = Field(default_factory=dict)
    #: speaker quotas and collection rules (any modality; see production.collection_spec)
    collection: CollectionSpec | None = None
    #: Chinese script and numeral conventions for comparing text (qc.text_conventions)
    text_normalization: TextNormalization | None = None
    #: what the customer accepts of an application-effect verification (EffectSpec)
    effect: EffectSpec | None = None

    @field_validator("language")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        if not _BCP47.match(value):
            raise ValueError(f"{value!r} is not a BCP-47 language tag (e.g. en-US, zh-CN)")
        return value

    @field_validator("stages")
    @classmethod
    def _stages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or value[0] != "annotate":
            raise ValueError("stages must start with 'annotate'")
        allowed = {"annotate", "review"}
        unknown = [s for s in value if s not in allowed]
        if unknown or len(set(value)) != len(value):
            raise ValueError(f"stages must be distinct and among {sorted(allowed)}; got {list(value)}")
        return value

    @model_validator(mode="after")
    def _known_modality(self) -> DatasetSpec:
        from datamill.modalities.registry import modality_names

        if self.modality not in modality_names():
            raise ValueError(
                f"unknown modality {self.modality!r}; available: {', '.join(modality_names())}"
            )
        return self

    @property
    def data_owner(self) -> str:
        return "company" if self.project_type == "product_development" else "customer"


def _format_errors(err: ValidationError, prefix: tuple[str | int, ...] = ()) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in (*prefix, *e["loc"])) or "(spec)"
        msg = "required (a project setting with no default)" if e["type"] == "missing" else e["msg"]
        lines.append(f"{loc}: {msg}")
    return "; ".join(lines)


def _shown(value: Any) -> str:
    """A refused value as the spec wrote it (JSON, 80 characters at most)."""
    try:
        said = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        said = repr(value)
    return said if len(said) <= 80 else said[:79] + "…"  # noqa: PLR2004 - one line


def _check_effect(section: Any) -> None:
    """Refuse a bad ``effect`` section with a coded reason (the first problem found): not a
    mapping, an unknown key, no threshold, a threshold or a minimum sample out of range or of
    the wrong type."""
    try:
        EffectSpec.model_validate(section)
    except ValidationError as err:
        first = err.errors()[0]
        loc, given = first["loc"], first.get("input")
        key = str(loc[0]) if loc else ""
        if not loc:
            code, words = "effect_spec_form", (
                f"effect: must be a mapping with threshold (and optionally min_sample), not "
                f"{_shown(section)}")
        elif first["type"] == "extra_forbidden":
            code, words = "effect_spec_key", (
                f"effect.{key}: not a key of effect (it takes threshold and min_sample)")
        elif key == "threshold" and first["type"] == "missing":
            code, words = "effect_threshold_missing", (
                "effect.threshold: required (the value of the run's measure the customer "
                "accepts: at least it for macro-F1 or preference accuracy, at most it for "
                "word error rate)")
        elif key == "threshold":
            code, words = "effect_threshold_range", (
                f"effect.threshold: must be a number from 0 to 1, not {_shown(given)}")
        else:
            code, words = "effect_min_sample_range", (
                f"effect.min_sample: must be a whole number from 1 to {EFFECT_MAX_SAMPLE}, not "
                f"{_shown(given)}")
        raise InvalidInput(f"invalid dataset spec: {words}", reason_code=code,
                           field=".".join(["effect", *map(str, loc)]), key=key,
                           value=_shown(given if loc else section),
                           most=EFFECT_MAX_SAMPLE) from err


def _check_effect_cap(spec: DatasetSpec, plugin: Any) -> None:
    """Refuse an ``effect.min_sample`` above what one run of the modality samples (its
    evaluator's cap, the plugin's ``effect_max_sample``: speech decodes at most 400 clips a
    run): no run could score that many, so every verdict would fail (``effect_min_sample_cap``,
    naming the cap)."""
    least = spec.effect.min_sample if spec.effect is not None else None
    cap = getattr(plugin, "effect_max_sample", None)
    if least is None or not isinstance(cap, int) or least <= cap:
        return
    raise InvalidInput(
        f"invalid dataset spec: effect.min_sample: a {spec.modality} run samples at most {cap}"
        f" items, so no run could score {least}; ask for {cap} or fewer",
        reason_code="effect_min_sample_cap", field="effect.min_sample", key="min_sample",
        value=least, most=cap, modality=spec.modality)


def parse_spec(
    data: Any, *, kept: Mapping[str, Any] | None = None
) -> tuple[DatasetSpec, BaseModel]:
    """Validate a spec mapping; returns the spec and its typed modality requirements.

    ``kept``: the acceptance thresholds a stored spec already held (a project loaded or
    changed): one of them on a metric the project cannot measure is kept as it was (every spec
    once had to set image's ``character_accuracy`` and all three text metrics) rather than
    refused; a new spec, or a changed threshold, is refused (``metric_not_measurable``).

    Raises:
        InvalidInput: naming every offending key as a dotted path, e.g.
            ``requirements.audio.sample_rate_hz: Input should be greater than or equal to 8000``,
            all of them in one answer (the acceptance's and the requirements' alike).
    """
    if not isinstance(data, dict):
        raise InvalidInput("a dataset spec must be a mapping of keys to values")
    if data.get("effect") is not None:
        _check_effect(data["effect"])
    try:
        spec = DatasetSpec.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(f"invalid dataset spec: {_format_errors(err)}") from err
    from datamill.modalities.base import collection_refusal_of
    from datamill.modalities.registry import get_modality

    plugin = get_modality(spec.modality)
    _check_effect_cap(spec, plugin)
    invalid: ValidationError | None = None
    try:
        requirements: BaseModel | None = plugin.requirements_model.model_validate(
            spec.requirements)
    except ValidationError as err:
        requirements, invalid = None, err
    problems, unmeasured = _acceptance_problems(spec, plugin, requirements, kept)
    if invalid is not None:
        problems.append(_format_errors(invalid, ("requirements",)))
    # what the collection page cannot record (the modality says: speech, more than one channel)
    uncollectable = (collection_refusal_of(plugin, requirements)
                     if kept is None and spec.collection is not None else None)
    if uncollectable is not None:  # a new spec: told with its other problems, if any
        problems.append(uncollectable.message)
    if kept is None and spec.collection is not None:
        problems += _untimed_hours(spec.collection, plugin)
    if problems or requirements is None:
        message = f"invalid dataset spec: {'; '.join(problems)}"
        if uncollectable is not None and len(problems) == 1:
            raise InvalidInput(message, reason_code=uncollectable.reason_code,
                               field=uncollectable.requirement, **uncollectable.params)
        if unmeasured and len(problems) == len(unmeasured):  # only those: coded, for the faces
            raise InvalidInput(message, reason_code="metric_not_measurable",
                               field=f"acceptance.{unmeasured[0]}", metric=", ".join(unmeasured))
        raise InvalidInput(message) from invalid
    return spec, requirements


def _untimed_hours(collection: CollectionSpec, plugin: Any) -> list[str]:
    """A quota cell's ``hours`` target where the modality's items are not counted in time: the
    quotas count hours of the items' ``duration_ms`` (speech, TTS), so such a cell never
    filled (an image project's 0 hours, whatever was collected)."""
    if plugin.volume_base_unit == "milliseconds":
        return []
    return [f"collection.cells[{i}]" + (f" ({cell.name})" if cell.name else "")
            + f" sets an hours target, but {plugin.name} items are counted in "
            f"{plugin.volume_unit}, not time: set speakers or items instead"
            for i, cell in enumerate(collection.cells) if cell.hours is not None]


def _acceptance_problems(
    spec: DatasetSpec, plugin: Any, requirements: BaseModel | None,
    kept: Mapping[str, Any] | None,
) -> tuple[list[str], list[str]]:
    """The spec's acceptance problems (thresholds missing, of another modality, on a metric the
    project cannot measure) and the unmeasurable metrics it sets anew."""
    from datamill.modalities.base import (
        acceptance_metrics_for,
        selectable_metrics,
        unmeasurable_metrics_in,
    )

    metrics = selectable_metrics(plugin)
    given = spec.acceptance.thresholds()
    # what this spec's requirements leave nothing to measure by (image: character_accuracy
    # without text lines; point metrics without point classes): not required, and refused as a
    # threshold. Requirements that do not validate are read for their labels alone; labels that
    # do not validate either tell nothing, so no conditional metric is demanded
    unknown = False
    try:
        unmeasurable = unmeasurable_metrics_in(
            plugin, requirements if requirements is not None else spec.requirements)
    except (ValidationError, InvalidInput, AttributeError, TypeError, KeyError):
        unmeasurable, unknown = {}, True
    alternatives = getattr(plugin, "metric_alternatives", {})
    conditional = getattr(plugin, "conditional_metrics", ())
    needed = [*acceptance_metrics_for(plugin, given), *(  # what it leaves out is not judged
        m for m in conditional if not any(a in given for a in (m, *alternatives.get(m, ()))))]
    problems = [f"acceptance.{m}: required (a project setting with no default)"
                for m in needed if m not in given and m not in unmeasurable
                and not (unknown and m in conditional)]
    problems += [f"acceptance.{m}: not a metric of modality {spec.modality} (it scores by"
                 f" {', '.join(metrics)})" for m in given if m not in metrics]
    before = kept or {}
    unmeasured = [m for m in given if m in unmeasurable and before.get(m) != given[m]]
    problems += [f"acceptance.{m}: this project cannot measure it: {unmeasurable[m]}; remove"
                 " the threshold" for m in unmeasured]
    return problems, unmeasured


def read_spec_file(path: Path) -> Any:
    """The raw mapping in a YAML or JSON spec file (not yet validated)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"cannot read spec {path}: {err}") from err
    if text.lstrip()[:1] in ("{", "[", "\uff5b", "\uff3b"):  # a JSON spec, typed by a person
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:  # YAML would read “name” as a key: said instead
            if full_width_mark(err) is not None:
                raise json_refusal(f"spec {path} is not valid JSON: {err}", err) from err
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InvalidInput(f"spec {path} is not valid YAML/JSON: {err}") from err


def load_spec(path: Path) -> tuple[DatasetSpec, BaseModel]:
    """Read a YAML or JSON spec file and validate it."""
    return parse_spec(read_spec_file(path))
