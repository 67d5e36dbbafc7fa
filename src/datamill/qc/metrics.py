"""Transcript accuracy metrics for inspecting transcription work (any text compared with a
reference text: an utterance's transcript, an OCR line, a sentence).

Both sides are normalised with :func:`normalize_transcript` (the rules of
:mod:`datamill.qc.text_norm`) before scoring, so case (locale-aware with ``language``), Unicode
compatibility forms, punctuation (CJK full-width punctuation too), spacing, spaces next to CJK
characters and bracketed noise tags (``[noise]``, ``<unk>``, ``{breath}``) do not count as
errors; with the project's ``conventions`` (the spec's ``text_normalization``), neither do
traditional vs simplified characters nor digits vs Chinese numerals
(:mod:`datamill.qc.text_conventions`).

Definitions (all corpus-level, i.e. summed over the scored texts before dividing, so the scores
do not depend on the order of the (reference, hypothesis) pairs):

* **Character errors** are the substitutions, deletions and insertions of a character-level
  alignment (jiwer) between the normalised reference and hypothesis. Characters include the
  single spaces between words (jiwer's CER convention); ``reference_characters`` counts them too.
* **character_accuracy** = ``max(0, 1 - character_errors / reference_characters)``, i.e.
  ``1 - CER`` clamped at 0 (CER exceeds 1 when a hypothesis inserts more characters than
  the references hold).
* **word_error_rate** = word-level (S + D + I) / reference words (not clamped). Words are
  :func:`datamill.qc.text_norm.word_tokens`: whitespace-separated words, but every CJK
  character is a word of its own, so for Chinese and Japanese the default "WER" is the
  character error rate over the ideographs (and kana); with ``segmenter="jieba"`` it is the
  error rate over jieba's words.
* **mixed_accuracy** = ``max(0, 1 - MER)``: the mixed error rate of code-switched Mandarin,
  word-level (S + D + I) / reference tokens over :func:`datamill.qc.text_norm.mixed_tokens`
  (every CJK character a token, every Latin or digit run one token: ``iPhone 15`` is two
  tokens, not nine characters). It ignores the project's segmenter. On pure CJK text it equals
  ``character_accuracy``; on text without CJK characters it is ``1 - WER`` (clamped).
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

import functools
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from datamill.core.errors import InvalidInput
from datamill.qc.text_norm import Segmenter, mixed_tokens, normalize_text, word_tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from datamill.qc.text_conventions import TextNormalization

__all__ = ["TranscriptScore", "normalize_transcript", "score_transcripts"]

#: distinct texts whose normalised form and tokens :func:`score_transcripts` keeps (the agreement
#: report scores at most 1,000 items' answers, each text several times: see :func:`_prepared`)
_PREPARED_TEXTS = 8192


def normalize_transcript(
    text: str, *, drop_symbols: bool = True, language: str | None = None,
    conventions: TextNormalization | None = None,
) -> str:
    """Normalise a transcript for comparison (:func:`datamill.qc.text_norm.normalize_text`).

    Steps: Unicode NFKC, case folding (Turkish/Azeri dotted and dotless i with ``language``
    ``tr``/``az``), typographic apostrophes to ``'``, bracketed tags (``[...]``, ``<...>``,
    ``{...}``) removed when ``drop_symbols`` (kept verbatim as tokens otherwise), punctuation
    (Unicode category P*, CJK full-width punctuation included, and ``~``) replaced by spaces
    except apostrophes between two letters or digits (``don't``), whitespace collapsed to
    single spaces and stripped, and spaces next to CJK characters removed (``你 好`` is
    ``你好``). Symbols (category S*: ``$``, ``+``, ``€`` ...) are kept, and so are ``%``, ``‰`` and a
    minus sign before a digit (``-5``); ``&``, ``#`` and ``@`` are punctuation in Unicode and
    are stripped.

    Args:
        text: The transcript.
        drop_symbols: Drop bracketed noise/annotation tags such as ``[noise]`` or ``<unk>``.
        language: BCP-47 tag of the transcript's language (locale-aware case folding).
        conventions: The project's Chinese script and numeral conventions: both converted to
            the named form (``後`` to ``后``, ``3.5`` to ``三点五``) before punctuation goes.

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
    return normalize_text(text, language=language, drop_symbols=drop_symbols,
                          conventions=conventions)


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
        mixed_error_rate: Corpus-level MER over :func:`~datamill.qc.text_norm.mixed_tokens`
            (may exceed 1).
        mixed_accuracy: ``max(0, 1 - MER)``.
    """

    character_accuracy: float
    sentence_accuracy: float
    utterances: int
    utterances_with_error: int
    character_errors: int
    reference_characters: int
    word_error_rate: float
    mixed_error_rate: float
    mixed_accuracy: float

    def to_dict(self) -> dict[str, Any]:
        """Return the score as a JSON-ready dict of its fields."""
        return asdict(self)


@functools.lru_cache(maxsize=_PREPARED_TEXTS)
def _prepared(text: str, language: str | None, conventions: TextNormalization | None,
              segmenter: Segmenter | None) -> tuple[str, str, str]:
    """A text as scoring compares it: normalised, its words and its mixed tokens (each joined
    by spaces). Folded once per distinct text: the agreement report scores each answer as a
    reference and a hypothesis against every other answer of its item, over all pairs and
    again per annotator (three transcribers: eight normalisations of every text, about half
    the pairs' scoring time)."""
    folded = normalize_text(text, language=language, conventions=conventions)
    return (folded, " ".join(word_tokens(folded, segmenter=segmenter)),
            " ".join(mixed_tokens(folded)))


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
    for text in (*references, *hypotheses):
        if not isinstance(text, str):  # as normalize_transcript says it (before the cache)
            raise InvalidInput(f"transcript must be a string, got {type(text).__name__}",
                               field="text")


def score_transcripts(
    references: Sequence[str],
    hypotheses: Sequence[str],
    *,
    language: str | None = None,
    segmenter: Segmenter | None = None,
    conventions: TextNormalization | None = None,
) -> TranscriptScore:
    """Score hypotheses against references (see the module docstring for the definitions).

    Args:
        references: Reference (gold) transcripts, one per item.
        hypotheses: Transcripts under inspection, aligned with ``references``.
        language: BCP-47 tag of the transcripts (locale-aware case folding). CJK text is
            scored by characters whatever the language.
        segmenter: ``"jieba"``: word-level metrics over jieba's words instead of CJK
            characters (Chinese).
        conventions: The project's Chinese script and numeral conventions (the spec's
            ``text_normalization``), applied to references and hypotheses alike.

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
        >>> s = score_transcripts(["用iPhone 15打电话"], ["用爱疯15打电话"])
        >>> round(s.character_accuracy, 4), round(s.mixed_accuracy, 4)
        (0.4615, 0.6667)
    """
    # Imported on use (~45 ms): keeps `import datamill.qc.metrics` cheap.
    import jiwer

    _check_inputs(references, hypotheses)
    prepare = functools.partial(_prepared, language=language, conventions=conventions,
                                segmenter=segmenter)
    refs, ref_words, ref_mixed = (list(column) for column in zip(
        *(prepare(text) for text in references), strict=True))
    hyps, hyp_words, hyp_mixed = (list(column) for column in zip(
        *(prepare(text) for text in hypotheses), strict=True))

    utterances_with_error = sum(ref != hyp for ref, hyp in zip(refs, hyps, strict=True))
    char_errors = word_errors = ref_chars = ref_word_count = mixed_errors = ref_mixed_count = 0
    scored = [i for i, ref in enumerate(refs) if ref]
    for ref, hyp, hyp_w, hyp_m in zip(refs, hyps, hyp_words, hyp_mixed, strict=True):
        if not ref:  # jiwer needs a non-empty reference: every hypothesis unit is an insertion
            char_errors += len(hyp)
            word_errors += len(hyp_w.split())
            mixed_errors += len(hyp_m.split())
    if scored:
        chars = jiwer.process_characters([refs[i] for i in scored], [hyps[i] for i in scored])
        words = jiwer.process_words([ref_words[i] for i in scored], [hyp_words[i] for i in scored])
        char_errors += chars.substitutions + chars.deletions + chars.insertions
        ref_chars = chars.hits + chars.substitutions + chars.deletions
        word_errors += words.substitutions + words.deletions + words.insertions
        ref_word_count = words.hits + words.substitutions + words.deletions
        mixed = jiwer.process_words([ref_mixed[i] for i in scored],
                                    [hyp_mixed[i] for i in scored])
        mixed_errors += mixed.substitutions + mixed.deletions + mixed.insertions
        ref_mixed_count = mixed.hits + mixed.substitutions + mixed.deletions

    count = len(refs)
    mer = mixed_errors / max(ref_mixed_count, 1)
    return TranscriptScore(
        character_accuracy=max(0.0, 1.0 - char_errors / max(ref_chars, 1)),
        sentence_accuracy=(count - utterances_with_error) / count,
        utterances=count,
        utterances_with_error=utterances_with_error,
        character_errors=char_errors,
        reference_characters=ref_chars,
        word_error_rate=word_errors / max(ref_word_count, 1),
        mixed_error_rate=mer,
        mixed_accuracy=max(0.0, 1.0 - mer),
    )
