"""The contract pieces of pre-annotation and review a modality may offer (beside
:mod:`datamill.modalities.base`, which is near its size limit): the loop asks through these
functions and never names a modality.

``labels_proposed(payload) -> int`` (optional): how many labels one pre-annotation proposes
(text: spans and tokens; image: objects and image classes; point cloud: cuboids, scene classes
and point classes). ``data preannotate`` then says "no label proposed" where an engine found
nothing, instead of "pre-annotated 5 items".

``preannotation_metrics`` (optional, default none): the metrics of the plugin's ``score`` that
measure a pre-annotation against the annotation accepted for the item (speech: WER and
character accuracy; image: region accuracy, box IoU matching; text: span F1, token and label
accuracy; point cloud: cuboid accuracy, 3D IoU matching). A modality without them says its
pre-annotations are not measured (:func:`preannotation_metrics_of`). ``prompt_is_reference``
(optional, default False): where no annotation is accepted yet, the item's read prompt stands for
it (read speech: the prompt is the transcript).

``review_reasons`` (optional): the codes a reviewer rejects a task of the modality with, each
worded in the web catalogue as ``rv.reason.<code>`` (English and zh-CN). A modality without
them gets :data:`GENERIC_REVIEW_REASONS`, never another modality's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["GENERIC_REVIEW_REASONS", "labels_proposed_of", "preannotation_metrics_of",
           "prompt_is_reference_of", "review_reasons_of"]

#: the reasons every modality can reject with (no audio, transcript or box words)
GENERIC_REVIEW_REASONS: tuple[str, ...] = ("guidelines", "other")


def labels_proposed_of(plugin: object) -> Callable[[Any], int] | None:
    """The plugin's ``labels_proposed`` counter, or None where the modality counts none."""
    return getattr(plugin, "labels_proposed", None)


def preannotation_metrics_of(plugin: object) -> tuple[str, ...]:
    """The metrics a pre-annotation of the modality is measured by (empty: not measured)."""
    return tuple(getattr(plugin, "preannotation_metrics", ()))


def prompt_is_reference_of(plugin: object) -> bool:
    """Whether an item's read prompt stands for its accepted annotation (read speech)."""
    return bool(getattr(plugin, "prompt_is_reference", False))


def review_reasons_of(plugin: object) -> tuple[str, ...]:
    """The reasons a reviewer of the modality's tasks chooses from."""
    return tuple(getattr(plugin, "review_reasons", GENERIC_REVIEW_REASONS))
