"""A qualification test's questions as the candidate sees them: never a field that gives the
answer away (:mod:`datamill.workforce.qualification`).

A field whose value, given as the answer, scores at least :data:`GIVEAWAY_SCORE` on the test's
metric is withheld (named in ``withheld``); so are fields that give it away together (a
transcript split across two attributes, each half scoring under it). The item's own name and
file name are never shown: a file named after its sentence (``the_cat_sat.wav``) is the answer.
A question is named by its place in the test (``question-3``), and its media is served under
that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import PurePosixPath
from typing import Any

from datamill.core.errors import DatamillError
from datamill.modalities.base import score_in
from datamill.modalities.registry import get_modality
from datamill.production.models import Item, Project

__all__ = ["GIVEAWAY_SCORE", "TestQuestion", "build_question", "question_name"]

#: a field of a question whose value, given as the answer, scores this much or more on the
#: test's metric gives the answer away and is withheld from the candidate
GIVEAWAY_SCORE = 0.5


@dataclass(frozen=True)
class TestQuestion:
    """One golden item as the person tested sees it: never its answer, nor a field that gives
    it away (``withheld`` names those left out, e.g. ``prompt`` of a read-speech item whose
    transcript is the answer); ``media`` is where the candidate fetches the item's file.
    ``external_id`` and ``filename`` are the question's neutral name (``question-3``,
    ``question-3.wav``), not the item's: those can spell the answer."""

    item_id: int
    external_id: str
    filename: str
    prompt: str | None
    attributes: dict[str, Any]
    media: str = ""
    withheld: tuple[str, ...] = ()


def question_name(number: int, filename: str | None) -> tuple[str, str]:
    """The neutral name and file name of question ``number`` (1-based): ``question-3`` and
    ``question-3.wav`` (the item's extension kept, lower case, when it looks like one)."""
    suffix = PurePosixPath(filename or "").suffix.lower()
    if not (1 < len(suffix) <= 8 and suffix[1:].isalnum() and suffix[1:].isascii()):
        suffix = ""
    name = f"question-{number}"
    return name, name + suffix


def _strings(value: object) -> list[str]:
    """Every string in ``value`` (nested lists and dicts too), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for v in value for text in _strings(v)]
    return []


def _score(project: Project, metric: str, reference: str, text: str) -> float:
    """``text`` given as the answer, scored against the known answer on the test's metric."""
    if not text.strip():
        return 0.0
    if text.strip() == reference.strip():
        return 1.0
    try:
        scores = score_in(get_modality(project.modality), [reference], [text],
                          project.language, project.spec.get("requirements", {}),
                          project.spec.get("text_normalization"))
    except (DatamillError, ValueError, TypeError):  # not an answer of this modality at all
        return 0.0
    score = scores.get(metric)
    return float(score) if isinstance(score, int | float) else 0.0


def _joined(project: Project, metric: str, reference: str, parts: list[str]) -> float:
    """The best score of ``parts`` put together (by a space, or by nothing for scripts
    without spaces), each in the order it appears in the known answer."""
    if len(parts) < 2:
        return 0.0

    def place(part: str) -> int:
        at = reference.find(part.strip())
        if at >= 0:
            return at
        m = SequenceMatcher(None, reference, part, autojunk=False).find_longest_match()
        return m.a

    ordered = sorted(parts, key=place)
    return max(_score(project, metric, reference, sep.join(ordered)) for sep in (" ", ""))


def _gives_away(project: Project, metric: str, reference: str, value: object) -> bool:
    """Whether ``value`` (a field of a question), given as the answer, would score at least
    :data:`GIVEAWAY_SCORE` against the known answer: every string in it is tried, and the
    strings of a list or mapping joined (a transcript kept as its words, characters or
    segments' texts gave away whole, while no piece of it scored alone)."""
    if isinstance(value, dict | list):
        parts = _strings(value)
        return any(_gives_away(project, metric, reference, v) for v in parts) or (
            _joined(project, metric, reference, parts) >= GIVEAWAY_SCORE)
    if not isinstance(value, str):
        return False
    return _score(project, metric, reference, value) >= GIVEAWAY_SCORE


def _together(project: Project, metric: str, reference: str, texts: dict[str, str]) -> float:
    """The best joined score of the fields that add to it (an unrelated field, a channel
    name, only dilutes the join), taken greedily from the one scoring most alone."""
    alone = {k: _score(project, metric, reference, t) for k, t in texts.items()}
    chosen: list[str] = []
    best = 0.0
    for key in sorted(alone, key=lambda k: (-alone[k], k)):
        if alone[key] <= 0:
            break
        score = max(alone[key], _joined(project, metric, reference,
                                        [texts[k] for k in [*chosen, key]]))
        if score > best:
            chosen.append(key)
            best = score
    return best


def _withhold_together(project: Project, metric: str, reference: str,
                       fields: dict[str, object]) -> list[str]:
    """The fields (of those shown) that give the answer away together: while the text of
    the fields that add to it, joined in the answer's order, scores :data:`GIVEAWAY_SCORE` or
    more, the field scoring most alone is withheld (a transcript split across attributes)."""
    texts = {k: " ".join(_strings(v)) for k, v in fields.items()}
    texts = {k: t for k, t in texts.items() if t.strip()}
    withheld: list[str] = []
    while len(texts) > 1 and _together(project, metric, reference, texts) >= GIVEAWAY_SCORE:
        worst = max(sorted(texts), key=lambda k: _score(project, metric, reference, texts[k]))
        withheld.append(worst)
        del texts[worst]
    return withheld


def build_question(project: Project, metric: str, item: Item, reference: str, number: int,
                   media: str) -> TestQuestion:
    """Question ``number`` of the test (``item``) as the candidate sees it: what gives the
    answer away left out, alone or together, and the item's names replaced by the question's."""
    prompt = item.prompt
    fields: dict[str, object] = {}
    withheld: list[str] = []
    if prompt is not None:
        fields["prompt"] = prompt
    for key, value in sorted((item.attributes or {}).items()):
        fields[f"attributes.{key}"] = value
    shown: dict[str, object] = {}
    for key, value in fields.items():
        if _gives_away(project, metric, reference, value):
            withheld.append(key)
        else:
            shown[key] = value
    withheld += _withhold_together(project, metric, reference, shown)
    name, filename = question_name(number, item.filename)
    attributes = {key.removeprefix("attributes."): value for key, value in shown.items()
                  if key.startswith("attributes.") and key not in withheld}
    return TestQuestion(
        item_id=item.id, external_id=name, filename=filename,
        prompt=None if "prompt" in withheld else prompt, attributes=attributes,
        withheld=tuple(withheld), media=media)
