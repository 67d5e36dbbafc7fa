"""Two writers of one SFT conversation: do they agree, and which answer is the item's?

Under overlap every annotator writes (or corrects) the conversation. Before, an SFT answer had
no question at all: the aggregate was the first writer's conversation at no confidence, the
second annotator's different answer was never seen by the reviewer, and the accept went through.
Now an SFT answer is one free-text question, ``sft`` (:data:`SFT_KEY`, a
:func:`datamill.qc.aggregating.free_text_key`: majority vote whatever the method, left to the
pair scores by the agreement report):

* each turn is compared as ``role: content`` (and its reasoning), NFKC, case-folded and with
  whitespace collapsed (:func:`folded`);
* two answers **agree** when those texts are equal or near-identical: rapidfuzz's Indel ratio at
  least :data:`SFT_AGREE_RATIO` (98: a typo or a stray character in a long answer; "Paris" and
  "Lyon" differ), the same numbers, and every stretch where they differ, by words (Chinese
  and Japanese by character), a typo: spacing or punctuation, or one word of 4+ letters for
  another at most 2 edits away; a word added or dropped ("is not safe") or a Chinese character
  changed (北京 / 上海) is a difference however long the answer. Texts over
  :data:`FUZZY_MAX_CHARS` are compared for equality only (a ratio of two 1,000,000-character
  texts takes ~2 s);
* answers are grouped in the annotators' order, each joining the first group it agrees with;
  every annotator's label is their group's first answer as written (:func:`shown`), so that
  agreeing answers share one label and a 1-1 is a split the reviewer adjudicates (the review
  page shows both conversations; the accept is refused until an edit decides it);
* the merged payload is the decided group's first answer (the one its label is written from).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Final

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from datamill.core.text_units import has_ideograph, is_filler, units
from datamill.modalities.llm.schema import SftAnnotation, parse_annotation

__all__ = ["FUZZY_MAX_CHARS", "SFT_AGREE_RATIO", "SFT_KEY", "agree", "folded", "merge_sft",
           "sft_units", "shown"]

SFT_KEY: Final = "sft"
SFT_AGREE_RATIO: Final = 98.0
FUZZY_MAX_CHARS: Final = 200_000


def _collapse(text: str) -> str:
    return " ".join(text.split())


def shown(doc: SftAnnotation) -> str:
    """The conversation as the reviewer reads it: one line per turn, whitespace collapsed.

    Examples:
        >>> shown(SftAnnotation(turns=[{"role": "user", "content": "Hi  there"},
        ...                            {"role": "assistant", "content": "Hello!\\n"}]))
        'user: Hi there\\nassistant: Hello!'
    """
    lines = []
    for turn in doc.turns:
        line = f"{turn.role}: {_collapse(unicodedata.normalize('NFC', turn.content))}"
        if turn.reasoning:
            line += f" [{_collapse(unicodedata.normalize('NFC', turn.reasoning))}]"
        lines.append(line)
    return "\n".join(lines)


def folded(doc: SftAnnotation) -> str:
    """What is compared: :func:`shown`, NFKC and case-folded (full-width ＡＢ = ab)."""
    return _collapse(unicodedata.normalize("NFKC", shown(doc)).casefold())


#: a number with its minus sign ("-5", "−5"; not the hyphen of "1-2" or "x-5")
_NUMBER = re.compile(r"(?<!\w)[-\u2212]?\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*")


def agree(left: str, right: str) -> bool:
    """Two folded answers say the same (equal, or near-identical: ratio >= 98, with the same
    numbers in the same order: "... is 42." and "... is 43." differ however long the answer).

    Examples:
        >>> agree("the answer is 42, as shown " * 20, "the answer is 42, as shown " * 20 + "!")
        True
        >>> agree("the answer is 42, as shown " * 20, "the answer is 43, as shown " * 20)
        False
    """
    if left == right:
        return True
    if max(len(left), len(right)) > FUZZY_MAX_CHARS:
        return False
    if _NUMBER.findall(left) != _NUMBER.findall(right):
        return False
    return fuzz.ratio(left, right, score_cutoff=SFT_AGREE_RATIO) > 0 and _only_typos(left, right)


#: a word shorter than this is never a typo of another ("is" / "it", "cat" / "car")
_TYPO_MIN_CHARS: Final = 4
#: the most characters a typo changes in one word
_TYPO_MAX_EDITS: Final = 2


def _typo(removed: str, added: str) -> bool:
    """One changed stretch of two answers is a typo: spacing or punctuation only, or one word
    for another a character or two away; never a Chinese or Japanese character (one carries a
    word's meaning: 北京 / 上海), never a word added or dropped ("is safe" / "is not safe"),
    never a prefix ("safe" / "unsafe", "possible" / "impossible")."""
    if is_filler(removed) and is_filler(added):
        return True
    if has_ideograph(removed) or has_ideograph(added):
        return False
    old, new = removed.strip(), added.strip()
    if not old or not new or " " in old or " " in new:
        return False
    if old.endswith(new) or new.endswith(old):  # a prefix: "safe" / "unsafe", "legal" / "illegal"
        return False
    return (min(len(old), len(new)) >= _TYPO_MIN_CHARS
            and Levenshtein.distance(old, new) <= _TYPO_MAX_EDITS)


def _only_typos(left: str, right: str) -> bool:
    """Every stretch where ``left`` and ``right`` differ, by words (Chinese: by character),
    is a typo (:func:`_typo`). A ratio of 98 alone let a long answer lose a negation
    ("The drug is safe" / "is not safe" in 1,400 characters: 99.9) or name another city
    (北京 / 上海 in a 300-character conversation: 98.1)."""
    a, b = units(left), units(right)
    removed: list[str] = []
    added: list[str] = []
    for op in [*Indel.opcodes(a, b), None]:
        if op is None or op.tag == "equal":
            if (removed or added) and not _typo("".join(removed), "".join(added)):
                return False
            removed, added = [], []
            continue
        removed += a[op.src_start:op.src_end]
        added += b[op.dest_start:op.dest_end]
    return True


def _groups(docs: Sequence[SftAnnotation]) -> list[int]:
    """For each answer, the index of its group's first answer."""
    firsts: list[int] = []
    texts = [folded(d) for d in docs]
    out = []
    for i, text in enumerate(texts):
        leader = next((f for f in firsts if agree(texts[f], text)), None)
        if leader is None:
            firsts.append(i)
            leader = i
        out.append(leader)
    return out


def sft_units(payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
    """``(author, "sft", label)`` per SFT answer (``[]`` for other tasks' answers)."""
    docs = {a: parse_annotation(p) for a, p in payloads.items()}
    sft = [(a, d) for a, d in docs.items() if isinstance(d, SftAnnotation)]
    if len(sft) < 2:  # noqa: PLR2004 - one writer asks nobody anything
        return []
    leaders = _groups([d for _a, d in sft])
    return [(a, SFT_KEY, shown(sft[leader][1])) for (a, _d), leader in zip(sft, leaders,
                                                                            strict=True)]


def merge_sft(docs: Sequence[SftAnnotation], decided: Mapping[str, str]) -> SftAnnotation:
    """The answer the decided label was written from (else the first that agrees with it, else
    the first answer: nothing decided)."""
    chosen = decided.get(SFT_KEY)
    if chosen is None:
        return docs[0]
    target = _collapse(unicodedata.normalize("NFKC", chosen).casefold())
    texts = [folded(d) for d in docs]
    exact = next((d for d, t in zip(docs, texts, strict=True) if t == target), None)
    return exact or next((d for d, t in zip(docs, texts, strict=True) if agree(t, target)),
                         docs[0])
