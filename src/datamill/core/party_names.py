"""One key for the ways people write a company's name, so two records naming the same supplier
are matched however the name was typed.

A claim's supplier is free text, a vendor's name is what procurement registered: "Huayu Data
Services", "huayu  data services", "Huayu Data Services Co., Ltd." and "HUAYU DATA SERVICES
LTD" are one company, and the paid-once rule (a vendor's work is paid by claims or by sheets,
never both) must see that. :func:`party_key` folds width and case (NFKC, casefold), turns
punctuation into spaces, collapses runs of spaces and drops trailing legal forms ("Co., Ltd.",
"Inc.", "GmbH", "有限公司" ...). Written here rather than taken from a library: the rule is a few
lines and a fuzzy matcher (rapidfuzz) would also join different companies with close names
("Huayu Data" and "Huayu Date"), which a paid-once check must not do.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["LEGAL_FORMS", "name_key", "party_key"]

LEGAL_FORMS: Final = frozenset({
    "co", "company", "corp", "corporation", "inc", "incorporated", "limited", "ltd", "llc",
    "llp", "plc", "gmbh", "ag", "sa", "sas", "srl", "bv", "nv", "pte", "pty", "kk",
})
"""Legal-form words dropped from the end of a Latin-script name."""
_CJK_FORMS: Final = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司")
"""Legal forms dropped from the end of a Chinese name (longest first)."""
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


def party_key(name: str) -> str:
    """The comparison key of a company name (empty for a blank one).

    Examples:
        >>> party_key("Huayu Data Services Co., Ltd.") == party_key(" huayu  DATA services ")
        True
        >>> party_key("华宇数据服务有限公司") == party_key("华宇数据服务")
        True
        >>> party_key("Huayu Data") == party_key("Huayu Date")
        False
    """
    text = _PUNCT.sub(" ", unicodedata.normalize("NFKC", name).casefold().replace("_", " "))
    words = text.split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    key = " ".join(words)
    for form in _CJK_FORMS:
        if key.endswith(form) and len(key) > len(form):
            key = key[: -len(form)].rstrip()
            break
    return key


def name_key(name: str) -> str:
    """The key two registrations of one party share however the name was typed: width and case
    folded (NFKC, casefold), blanks collapsed and trimmed; punctuation and legal forms kept
    ("Acme Inc" and "Acme Ltd" may be two companies, which a registry must not join).

    Examples:
        >>> name_key(" ACME  Data ") == name_key("acme data")
        True
        >>> name_key("Acme Inc") == name_key("Acme Ltd")
        False
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
