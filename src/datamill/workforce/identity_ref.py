"""The masked reference of an identity document that a worker's identity check keeps.

Only a masked reference is ever stored (``ID ****1234``, ``passport E****5678``): at most
:data:`MAX_VISIBLE_DIGITS` digits of the number show, the rest are masked. Before counting,
the reference is normalised the way a person could write a number to slip past a plain
``\\d{6,}`` check: any Unicode decimal digit (full-width ``１２３``, Arabic-Indic ...) and the
Chinese numerals (``〇一二三四五六七八九``, ``零``, ``两``, the financial ``壹贰叁...``) become
ASCII digits, and separators between them (spaces of any kind, dashes, dots, slashes,
underscores, letters) hide nothing: the digits shown are counted wherever they stand.
Whatever :func:`datamill.compliance.pii.find_pii` recognises in
the normalised text (a resident ID, a bank card, a phone number, an e-mail address) is refused
by name.
"""

from __future__ import annotations

import unicodedata

from datamill.compliance.pii import find_pii
from datamill.core.errors import InvalidInput

__all__ = ["EXAMPLE", "MAX_REF_CHARS", "MAX_VISIBLE_DIGITS", "masked_reference", "normalise"]

MAX_VISIBLE_DIGITS = 5
MAX_REF_CHARS = 64  # the column's width
EXAMPLE = "'ID ****1234' or 'passport E****5678'"
_CHINESE = {ch: str(value) for value, chars in enumerate((
    "〇零", "一壹", "二两兩贰貳", "三叁參", "四肆", "五伍", "六陆陸", "七柒", "八捌", "九玖"))
    for ch in chars}
_KINDS = {"id_card": "a resident ID number", "bank_card": "a bank card number",
          "phone": "a phone number", "email": "an e-mail address"}


def _digit(ch: str) -> str | None:
    if ch in _CHINESE:
        return _CHINESE[ch]
    value = unicodedata.decimal(ch, None)
    return None if value is None else str(value)


def normalise(ref: str) -> str:
    """``ref`` with every digit (any script, Chinese numerals) as an ASCII digit and every
    other character as it was (NFKC-folded)."""
    return "".join(_digit(ch) or ch for ch in unicodedata.normalize("NFKC", ref))


def _visible_digits(text: str) -> str:
    """The digits ``text`` shows, wherever they stand (separators and letters between them
    hide nothing; only masking does)."""
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())


def masked_reference(document_ref: str) -> str:
    """``document_ref`` stripped, once checked to be a masked reference; InvalidInput (saying
    what a masked reference looks like) when it could still hold the document's number."""
    ref = document_ref.strip()
    if len(ref) < 4 or len(ref) > MAX_REF_CHARS:  # noqa: PLR2004 - "ID *" at least
        raise InvalidInput(
            f"give the checked document's masked reference (4 to {MAX_REF_CHARS} characters), "
            f"e.g. {EXAMPLE}", field="document_ref",
            reason_code="identity_ref_form", MAX_REF_CHARS=MAX_REF_CHARS, EXAMPLE=str(EXAMPLE))
    text = normalise(ref)
    compact = "".join(ch for ch in text if not (ch.isspace() or ch in "-‐‑‒–—―.·/_,"))
    found = {span.kind for t in (text, compact) for span in find_pii(t, _KINDS)}
    digits = _visible_digits(text)
    if found or len(digits) > MAX_VISIBLE_DIGITS:
        what = " and ".join(_KINDS[k] for k in sorted(found)) or (
            f"{len(digits)} digits of the document's number")
        raise InvalidInput(
            f"the reference holds {what} (digits are counted whatever the separators, spaces, "
            f"full-width or Chinese numerals): store only a masked reference that shows at "
            f"most {MAX_VISIBLE_DIGITS} digits, e.g. {EXAMPLE}", field="document_ref",
            reason_code="identity_ref_digits", what=str(what),
            MAX_VISIBLE_DIGITS=MAX_VISIBLE_DIGITS, EXAMPLE=str(EXAMPLE))
    return ref
