"""The QC scorer of text annotations.

* ``span_f1`` / ``span_precision`` / ``span_recall``: micro-averaged over the corpus with
  seqeval's conventions: an entity counts only when its label and both boundaries match exactly
  (seqeval's default IOB2 entity matching, here on character offsets); precision is correct /
  predicted, recall correct / reference, F1 their harmonic mean, 0 when a denominator is 0. A
  corpus where neither side has a span scores 1 (nothing to disagree on).
* ``token_accuracy``: reference words (segmentation) found with the same boundaries and POS tag
  in the hypothesis, over reference words (1 when there are none).
* ``label_accuracy``: items whose classes (as a set) and sentiment equal the reference's, over
  items where either side has a class or a sentiment (1 when there are none).

Labels, classes, sentiments and tags compare as their look-alike spellings share them
(:func:`datamill.core.lookalike.fold_label`: ``‹新闻>`` and full-width ``＜新闻＞`` are ``<新闻>``).

A metric with nothing to measure (no reference words; no item with a class or a sentiment:
an NER-only project) scores 1 for the decisions made on it, and :func:`unmeasured_metrics`
names it so that an inspection shows it as not measured rather than as a perfect score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from datamill.core.lookalike import fold_label
from datamill.modalities.text.schema import TextAnnotation

__all__ = ["TextScores", "score_annotations", "unmeasured_metrics"]


@dataclass(frozen=True)
class TextScores:
    span_precision: float
    span_recall: float
    span_f1: float
    token_accuracy: float
    label_accuracy: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def _spans(a: TextAnnotation) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, fold_label(s.label)) for s in a.spans}


def _same(value: str | None) -> str | None:
    """A label as its look-alike spellings share it (``‹新闻>`` is ``<新闻>``)."""
    return None if value is None else fold_label(value)


def score_annotations(
    reference: Sequence[TextAnnotation], hypothesis: Sequence[TextAnnotation]
) -> TextScores:
    """Corpus scores of ``hypothesis`` against ``reference`` (paired by position)."""
    tp = n_ref = n_hyp = 0
    tok_ok = tok_ref = 0
    lab_ok = lab_n = 0
    for ref, hyp in zip(reference, hypothesis, strict=True):
        r, h = _spans(ref), _spans(hyp)
        tp, n_ref, n_hyp = tp + len(r & h), n_ref + len(r), n_hyp + len(h)
        hyp_tokens = {(t.start, t.end, _same(t.pos)) for t in hyp.tokens}
        tok_ref += len(ref.tokens)
        tok_ok += sum(1 for t in ref.tokens if (t.start, t.end, _same(t.pos)) in hyp_tokens)
        if ref.classes or hyp.classes or ref.sentiment or hyp.sentiment:
            lab_n += 1
            lab_ok += ({fold_label(c) for c in ref.classes} == {fold_label(c) for c in hyp.classes}
                       and _same(ref.sentiment) == _same(hyp.sentiment))
    if n_ref == n_hyp == 0:
        precision = recall = f1 = 1.0
    else:
        precision = tp / n_hyp if n_hyp else 0.0
        recall = tp / n_ref if n_ref else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TextScores(
        span_precision=precision, span_recall=recall, span_f1=f1,
        token_accuracy=tok_ok / tok_ref if tok_ref else 1.0,
        label_accuracy=lab_ok / lab_n if lab_n else 1.0,
    )


def unmeasured_metrics(
    reference: Sequence[TextAnnotation], hypothesis: Sequence[TextAnnotation]
) -> frozenset[str]:
    """The metrics of :func:`score_annotations` with nothing to measure in these pairs:
    ``token_accuracy`` without reference words, ``label_accuracy`` without an item where
    either side has a class or a sentiment."""
    pairs = list(zip(reference, hypothesis, strict=True))
    out = set()
    if not any(ref.tokens for ref, _ in pairs):
        out.add("token_accuracy")
    if not any(r.classes or h.classes or r.sentiment or h.sentiment for r, h in pairs):
        out.add("label_accuracy")
    return frozenset(out)
