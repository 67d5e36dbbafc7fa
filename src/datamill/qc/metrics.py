"""Transcript accuracy metrics for inspecting transcription work (any text compared with a
reference text: an utterance's transcript, an OCR line, a sentence).

Both sides are normalised with :func:`normalize_transcript` before scoring, so case, Unicode
compatibility forms, punctuation, spacing and bracketed noise tags (``[noise]``, ``<unk>``,
``{breath}``) do not count as errors.

Definitions (all corpus-level, i.e. summed over the scored texts before dividing, so the scores
do not depend on the order of the (reference, hypothesis) pairs):

* **Character errors** are the substitutions, deletions and insertions of a character-level
  alignment (jiwer) between the normalised reference and hypothesis. Characters include the
  single spaces between words (jiwer's CER convention); ``reference_characters`` counts them too.
* **character_accuracy** = ``max(0, 1 - character_errors / reference_characters)``, i.e.
  ``1 - CER`` clamped at 0 (CER exceeds 1 when a hypothesis inserts more characters than
  the references hold).
* **word_error_rate** = word-level (S + D + I) / reference words (not clamped).
* **sentence_accuracy** = share of texts whose normalised hypothesis equals the normalised
  reference.
* An **empty reference** (after normalisation) is scored explicitly: an empty hypothesis is
  correct; otherwise every hypothesis character (word) is an insertion. When the whole corpus
  has no reference characters (words), the error rate divides by 1 instead of 0, so an all-empty
  corpus with empty hypotheses scores 1.0 accuracy and 0.0 WER.

Examples:
    >>> score = score_transcripts(["Hello, world!"], ["hello word [noise]"])
    >>> score.character_errors, score.reference_characters, score.sentence_accuracy
    (1, 11, 0.0)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from datamill.core.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["TranscriptScore", "normalize_transcript", "score_transcripts"]

# Bracketed annotation tags: [noise], [laughter], <unk>, <sil>, {breath} ...
_TAG: Final = re.compile(r"\[[^\[\]]*\]|<[^<>]*>|\{[^{}]*\}")
_WHITESPACE: Final = re.compile(r"\s+")
# Typographic apostrophes folded to ASCII "'" before punctuation is stripped.
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})


def _strip_punctuation(text: str) -> str:
    """Replace Unicode punctuation (category P*) with spaces, keeping word-internal apostrophes."""
    out: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if char == "'" and 0 < i < last and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(char)
        elif unicodedata.category(char).startswith("P"):
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def normalize_transcript(text: str, *, drop_symbols: bool = True) -> str:
    """Normalise a transcript for comparison.

    Steps: Unicode NFKC, case folding, typographic apostrophes to ``'``, bracketed tags
    (``[...]``, ``<...>``, ``{...}``) removed when ``drop_symbols`` (kept verbatim as tokens
    otherwise), punctuation (Unicode category P*) replaced by spaces except apostrophes between
    two letters or digits (``don't``), and whitespace collapsed to single spaces and stripped.
    Symbols (category S*: ``$``, ``+``, ``€`` ...) are kept; note that ``%``, ``&``, ``#`` and
    ``@`` are punctuation in Unicode and are stripped.

    Args:
        text: The transcript.
        drop_symbols: Drop bracketed noise/annotation tags such as ``[noise]`` or ``<unk>``.

    Returns:
        The normalised transcript (``""`` when nothing is left).

    Raises:
        InvalidInput: ``text`` is not a string.

    Examples:
        >>> normalize_transcript("  Don't   STOP -- [noise] ok?! ")
        "don't stop ok"
        >>> normalize_transcript("Hi [laughter] there", drop_symbols=False)
        'hi [laughter] there'
    """
    if not isinstance(text, str):
        raise InvalidInput(
            f"transcript must be a string, got {type(text).__name__}",
            field="text",
        )
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    folded = folded.translate(_APOSTROPHES)
    pieces: list[str] = []
    position = 0
    for match in _TAG.finditer(folded):
        pieces.append(_strip_punctuation(folded[position : match.start()]))
        pieces.append(" " if drop_symbols else f" {_WHITESPACE.sub(' ', match.group())} ")
        position = match.end()
    pieces.append(_strip_punctuation(folded[position:]))
    return _WHITESPACE.sub(" ", "".join(pieces)).strip()


@dataclass(frozen=True)
class TranscriptScore:
    """Accuracy of a set of transcript hypotheses against their references.

    Attributes:
        character_accuracy: ``max(0, 1 - CER)``, corpus-level, spaces between words included.
        sentence_accuracy: Share of texts transcribed exactly (after normalisation).
        utterances: Number of (reference, hypothesis) pairs scored (the name is historical:
            a pair is one item's text, an utterance in speech).
        utterances_with_error: Pairs whose normalised hypothesis differs from the reference.
        character_errors: Character substitutions + deletions + insertions, summed.
        reference_characters: Characters of the normalised references, spaces included.
        word_error_rate: Corpus-level WER (may exceed 1 with many insertions).
    """

    character_accuracy: float
    sentence_accuracy: float
    utterances: int
    utterances_with_error: int
    character_errors: int
    reference_characters: int
    word_error_rate: float

    def to_dict(self) -> dict[str, Any]:
        """Return the score as a JSON-ready dict of its fields."""
        return asdict(self)


def _check_inputs(references: Sequence[str], hypotheses: Sequence[str]) -> None:
    if isinstance(references, str) or isinstance(hypotheses, str):
        raise InvalidInput(
            "references and hypotheses must be sequences of strings, not a single string",
            field="references" if isinstance(references, str) else "hypotheses",
        )
    if len(references) != len(hypotheses):
        raise InvalidInput(
            f"got {len(references)} references but {len(hypotheses)} hypotheses",
            field="hypotheses",
            references=len(references),
            hypotheses=len(hypotheses),
        )
    if not references:
        raise InvalidInput("cannot score zero utterances", field="references")


def score_transcripts(references: Sequence[str], hypotheses: Sequence[str]) -> TranscriptScore:
    """Score hypotheses against references (see the module docstring for the definitions).

    Args:
        references: Reference (gold) transcripts, one per item.
        hypotheses: Transcripts under inspection, aligned with ``references``.

    Returns:
        The corpus-level :class:`TranscriptScore`.

    Raises:
        InvalidInput: The sequences differ in length, are empty, or hold a non-string.

    Examples:
        >>> s = score_transcripts(["the cat sat", ""], ["the bat sat", ""])
        >>> s.character_errors, s.reference_characters, s.utterances_with_error
        (1, 11, 1)
        >>> round(s.character_accuracy, 4), s.sentence_accuracy, round(s.word_error_rate, 4)
        (0.9091, 0.5, 0.3333)
    """
    # Imported on use (~45 ms): keeps `import datamill.qc.metrics` cheap.
    import jiwer

    _check_inputs(references, hypotheses)
    refs = [normalize_transcript(text) for text in references]
    hyps = [normalize_transcript(text) for text in hypotheses]

    utterances_with_error = sum(ref != hyp for ref, hyp in zip(refs, hyps, strict=True))
    char_errors = word_errors = ref_chars = ref_words = 0
    scored = [(ref, hyp) for ref, hyp in zip(refs, hyps, strict=True) if ref]
    for ref, hyp in zip(refs, hyps, strict=True):
        if not ref:  # jiwer needs a non-empty reference: every hypothesis unit is an insertion
            char_errors += len(hyp)
            word_errors += len(hyp.split())
    if scored:
        scored_refs = [ref for ref, _ in scored]
        scored_hyps = [hyp for _, hyp in scored]
        chars = jiwer.process_characters(scored_refs, scored_hyps)
        words = jiwer.process_words(scored_refs, scored_hyps)
        char_errors += chars.substitutions + chars.deletions + chars.insertions
        ref_chars = chars.hits + chars.substitutions + chars.deletions
        word_errors += words.substitutions + words.deletions + words.insertions
        ref_words = words.hits + words.substitutions + words.deletions

    count = len(refs)
    return TranscriptScore(
        character_accuracy=max(0.0, 1.0 - char_errors / max(ref_chars, 1)),
        sentence_accuracy=(count - utterances_with_error) / count,
        utterances=count,
        utterances_with_error=utterances_with_error,
        character_errors=char_errors,
        reference_characters=ref_chars,
        word_error_rate=word_errors / max(ref_words, 1),
    )
