"""Internationalized email addresses in text (RFC 6531 local parts, IDNA domains).

Internal to :mod:`datamill.compliance.pii`. ``张伟@例子.中国``, ``user@bücher.de`` and
``иван@пример.рф`` are addresses a mail server accepts (SMTPUTF8), which the ASCII pattern
missed (or cut: ``josé@x.es`` was masked as ``jos@x.es``'s tail). Around each ``@``:

* the local part is the run of letters, marks and digits of any script (and ``._%+-``) before
  it; where that run holds Chinese or Japanese, written without spaces, it is its ASCII tail
  where it ends in one (``邮箱是wang@…`` is ``wang@…``), else it starts after the last cue that
  introduces an address (``请联系张伟@…`` is ``张伟@…``);
* the domain is the run of dot-separated labels after it, each a valid IDNA label (checked by
  the ``idna`` package, UTS 46), ending in a top-level domain: ASCII letters (or ``xn--``),
  a known top-level domain of a script written without spaces (``中国``, ``公司``, ``ไทย``: the
  text after it is not part of it, ``例子.中国谢谢``), or a whole label of another script
  (``рф``, ``ελ``, ``भारत``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import idna

__all__ = ["intl_emails"]

_LOCAL_PUNCT = frozenset("._%+-")
_ASCII_LOCAL = "".join(map(chr, range(0x30, 0x3A))) + "".join(
    chr(c) for c in range(0x41, 0x7B) if chr(c).isalpha()) + "._%+-"
#: top-level domains in scripts written without spaces (so the text after an address runs on)
_UNSPACED_TLDS = tuple(sorted((
    "中国", "中國", "公司", "网络", "網絡", "在线", "中文网", "网址", "网站", "商城", "商店", "集团",
    "我爱你", "手机", "移动", "游戏", "企业", "信息", "香港", "台湾", "台灣", "澳門", "澳门", "新加坡",
    "政务", "公益", "时尚", "购物", "广东", "佛山", "慈善", "机构", "组织机构", "ไทย", "みんな",
    "コム", "セール", "ストア", "ファッション", "ポイント", "닷컴", "닷넷", "한국", "삼성",
), key=len, reverse=True))
#: what introduces an address in Chinese text run straight onto it
_CUES = re.compile(r"(邮箱地址|电子邮箱|电子邮件|邮件地址|邮箱|邮件|电邮|地址|联系|发到|发至|寄到|"
                   r"写信给|是|为|為|至|到|给|給|：)")
_ASCII_TLD = re.compile(r"xn--[A-Za-z0-9-]{1,59}[A-Za-z0-9]|[A-Za-z]{2,24}(?![A-Za-z0-9-])")


def _unspaced(c: str) -> bool:
    """A character of a script written without spaces (CJK, kana, Thai)."""
    o = ord(c)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xF900 <= o <= 0xFAFF or 0x0E00 <= o <= 0x0E7F or 0x20000 <= o <= 0x3FFFF)


def _word(c: str) -> bool:
    cat = unicodedata.category(c)
    return cat[0] in "LM" or cat == "Nd"


def _local_start(folded: str, at: int) -> int | None:
    start = at
    while start > 0 and (_word(folded[start - 1]) or folded[start - 1] in _LOCAL_PUNCT):
        start -= 1
    local = folded[start:at]
    if any(_unspaced(c) for c in local):
        if local[-1].isascii():  # ASCII run on from Chinese: "一wang@x.cn" is wang's
            start = at - len(local) + len(local.rstrip(_ASCII_LOCAL))
        elif cues := list(_CUES.finditer(local)):
            start += cues[-1].end()
    while start < at and folded[start] in _LOCAL_PUNCT:
        start += 1
    if start == at or folded[at - 1] == "." or at - start > 64:
        return None
    return start


def _tld_length(label: str) -> int:
    """How much of the domain's last label (and what runs on after it) is the top-level
    domain; 0 for none."""
    m = _ASCII_TLD.match(label)
    if m:
        return m.end()
    if not label or label[0].isascii():
        return 0
    if _unspaced(label[0]) or (0xAC00 <= ord(label[0]) <= 0xD7AF):
        return next((len(t) for t in _UNSPACED_TLDS if label.startswith(t)), 0)
    n = 0
    while n < len(label) and _word(label[n]) and not label[n].isascii():
        n += 1
    return n if n >= 2 and (n == len(label) or not _word(label[n])) else 0


def _domain_end(folded: str, at: int) -> int | None:
    end = at + 1
    labels: list[tuple[int, int]] = []
    while True:
        s = end
        while end < len(folded) and (_word(folded[end]) or folded[end] == "-"):
            end += 1
        if end == s:
            break
        labels.append((s, end))
        if end + 1 < len(folded) and folded[end] == "." and _word(folded[end + 1]):
            end += 1
            continue
        break
    if len(labels) < 2:
        return None
    s, e = labels[-1]
    tld = _tld_length(folded[s:e])
    if tld == 0:
        return None
    end = s + tld
    try:
        idna.encode(folded[at + 1:end], uts46=True)
    except (idna.IDNAError, UnicodeError):
        return None
    return end


def intl_emails(folded: str) -> Iterable[tuple[str, int, int]]:
    """``("email", start, end)`` for each address in ``folded`` (full-width forms folded)."""
    at = folded.find("@")
    while at != -1:
        start = _local_start(folded, at)
        end = _domain_end(folded, at) if start is not None else None
        if start is not None and end is not None:
            yield "email", start, end
        at = folded.find("@", at + 1)
