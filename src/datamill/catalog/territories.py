"""What places a licence's territory names: every country and region in English and Chinese
(simplified and traditional), from the Unicode CLDR names Babel ships, plus the short forms
sales write (``USA``, ``UK``, ``香港``, ``澳洲``).

:func:`places` answers the ISO alpha-2 codes of the countries a text names and the CLDR codes
of the regions (``EU`` 欧盟, ``150`` Europe 欧洲, ``142`` Asia 亚洲: many countries at once),
and whether it names any place at all, so that the export guard can refuse a territory it
cannot read (``for use in Atlantis``) instead of letting it pass as domestic. Names of
several territories (港澳台, Greater China) count each; a name of two places (Georgia) and a
region with no fixed list of countries (中东, APAC) are reported for the guard to ask about
(:mod:`datamill.catalog._territory_words`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from datamill.catalog._territory_words import AMBIGUOUS, GROUPS, NOT_NAMES, UNDEFINED_REGIONS

__all__ = ["Places", "places"]

#: short forms and other names sales write that CLDR's standard names do not cover
_ALIASES = {
    "美國": "US", "韩国": "KR", "韓國": "KR", "香港": "HK", "澳门": "MO", "澳門": "MO",
    "台湾": "TW", "台灣": "TW", "臺灣": "TW", "澳洲": "AU", "印尼": "ID", "阿联酋": "AE",
    "沙特": "SA", "内蒙古": "CN", "中国大陆": "CN", "中國大陸": "CN", "大陆": "CN", "内地": "CN", "境内": "CN",
    "中华人民共和国": "CN", "usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
    "united states of america": "US", "korea": "KR", "south korea": "KR", "hongkong": "HK",
    "macao": "MO", "macau": "MO", "taiwan": "TW", "uk": "GB", "britain": "GB",
    "great britain": "GB", "england": "GB", "russia": "RU", "viet nam": "VN", "uae": "AE",
    "prc": "CN", "mainland china": "CN", "people's republic of china": "CN", "holland": "NL",
    "czech republic": "CZ", "turkey": "TR", "burma": "MM", "ivory coast": "CI",
    "european union": "EU", "欧洲联盟": "EU", "歐洲聯盟": "EU", "歐盟": "EU",
}
#: words that name everywhere: the licensee's own country decides where the data goes
_EVERYWHERE = ("worldwide", "world-wide", "world wide", "global", "globally", "world",
               "all countries", "all territories", "全球", "全世界", "世界", "世界各地", "境内外",
               "不限地域", "不限")
_CLDR_LOCALES = ("en", "zh", "zh_Hant", "zh_Hant_HK")
#: CLDR codes that name no place a licence is granted for
_NOT_PLACES = {"ZZ", "XA", "XB", "QO", "UN", "001"}


@dataclass
class Places:
    """What a territory names: ``countries`` (alpha-2), ``regions`` (CLDR codes of groups of
    countries), ``everywhere`` (worldwide), and ``any`` (it names at least one of these);
    ``ambiguous`` (a name of two places -> their codes) and ``undefined`` (regions with no fixed
    list of countries, as written) are what the guard must ask about."""

    countries: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    everywhere: bool = False
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    undefined: set[str] = field(default_factory=set)

    @property
    def any(self) -> bool:
        return bool(self.countries or self.regions or self.everywhere)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'")


def _variants(name: str) -> set[str]:
    """A CLDR name and the forms a person writes it in: ``Myanmar (Burma)`` also ``Myanmar``
    and ``Burma``; ``St. Kitts & Nevis`` also ``Saint Kitts and Nevis``; ``Hong Kong SAR
    China`` also ``Hong Kong``."""
    out = {name}
    if m := re.fullmatch(r"(.+?)\s*\((.+)\)", name):
        out |= {m.group(1), m.group(2)}
    for n in list(out):
        out |= {n.replace("&", "and"), n.replace("st. ", "saint "), n.replace("st. ", "st ")}
        if " sar china" in n:
            out.add(n.replace(" sar china", ""))
        if n.endswith("特别行政区") or n.endswith("特別行政區"):
            out.add(n[:-5])
    return {n.strip() for n in out if n.strip() and n.strip() not in NOT_NAMES}


#: a folded name -> the codes it names (empty: a name the guard asks about)
_Index = dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _names() -> tuple[_Index, re.Pattern[str], list[str]]:
    """Folded name -> codes; a regex over the Latin-script names (word-bounded); the CJK names,
    longest first (a substring is a match: 印度尼西亚 before 印度)."""
    from babel import Locale

    index: _Index = {}
    for loc in _CLDR_LOCALES:
        for code, name in Locale.parse(loc).territories.items():
            if code in _NOT_PLACES:
                continue
            for variant in _variants(_fold(name)):
                index.setdefault(variant, (code,))
    index.update({_fold(k): (v,) for k, v in _ALIASES.items()})
    index.update({_fold(k): v for k, v in GROUPS.items()})
    index.update({_fold(k): () for k in (*AMBIGUOUS, *UNDEFINED_REGIONS)})
    latin = sorted((n for n in index if n.isascii()), key=len, reverse=True)
    cjk = sorted((n for n in index if not n.isascii()), key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z0-9])(" + "|".join(map(re.escape, latin)) + r")(?![a-z0-9])")
    return index, pattern, cjk


def _hits(text: str) -> list[str]:
    """The names ``text`` holds: CJK ones longest first, each taken out of the text, then the
    Latin ones."""
    _, latin, cjk = _names()
    hits: list[str] = []
    for name in cjk:
        if name in text:
            hits.append(name)
            text = text.replace(name, " ")
    return hits + [m.group(1) for m in latin.finditer(text)]


def places(territory: str, codes: set[str] | None = None) -> Places:
    """The places ``territory`` names in words (every CLDR country and region, en and zh), with
    ``codes`` (the alpha-2 codes the caller read from it) counted as countries."""
    index = _names()[0]
    text = _fold(territory)
    found = Places(countries=set(codes or ()))
    for word in sorted(_EVERYWHERE, key=len, reverse=True):
        if (word.isascii() and re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text)) or \
                (not word.isascii() and word in text):
            found.everywhere = True
            text = text.replace(word, " ")
    for name in _hits(text):
        if name in UNDEFINED_REGIONS:
            found.undefined.add(name)
        elif name in AMBIGUOUS:
            found.ambiguous[name] = AMBIGUOUS[name]
        for code in index[name]:
            (found.countries if len(code) == 2 and code.isalpha() and code != "EU"
             and code != "EZ" else found.regions).add(code)
    return found
