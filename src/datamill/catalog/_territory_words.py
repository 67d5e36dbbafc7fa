"""Territory words CLDR has no code for, or reads wrongly (helper h3): groups of territories
sales write (港澳台, Greater China, Scandinavia), parts of a country that CLDR's names would
read as another country (New Mexico is no Mexico, Northern Ireland no Ireland), names that
mean two places (Georgia: the country or the US state), and regions with no fixed list of
countries (中东, APAC), which the guard cannot check and asks to be written out.

Keys are folded (NFKC, case-folded) as :func:`datamill.catalog.territories._fold` folds text.
"""

from __future__ import annotations

__all__ = ["AMBIGUOUS", "GROUPS", "NOT_NAMES", "UNDEFINED_REGIONS"]

_CHINA_HK_MO_TW = ("CN", "HK", "MO", "TW")
_US = ("US",)
_GB = ("GB",)
_GE = ("GE",)

#: a name -> the territories it names (every one is a destination); these win over CLDR's
GROUPS: dict[str, tuple[str, ...]] = {
    "港澳台": ("HK", "MO", "TW"), "港澳臺": ("HK", "MO", "TW"),
    "港澳": ("HK", "MO"), "hk/mo/tw": ("HK", "MO", "TW"),
    "大中华区": _CHINA_HK_MO_TW, "大中華區": _CHINA_HK_MO_TW, "大中华": _CHINA_HK_MO_TW,
    "大中華": _CHINA_HK_MO_TW, "greater china": _CHINA_HK_MO_TW,
    "两岸三地": ("CN", "HK", "TW"), "兩岸三地": ("CN", "HK", "TW"),
    "两岸四地": _CHINA_HK_MO_TW, "兩岸四地": _CHINA_HK_MO_TW,
    # Chinese writes 中美 for "China and the US" (Central America is 中美洲)
    "中美": ("CN", "US"),
    "scandinavia": ("DK", "NO", "SE"), "斯堪的纳维亚": ("DK", "NO", "SE"),
    "斯堪的納維亞": ("DK", "NO", "SE"),
    "nordics": ("DK", "FI", "IS", "NO", "SE"), "nordic countries": ("DK", "FI", "IS", "NO", "SE"),
    "北欧五国": ("DK", "FI", "IS", "NO", "SE"), "北歐五國": ("DK", "FI", "IS", "NO", "SE"),
    "benelux": ("BE", "LU", "NL"), "比荷卢": ("BE", "LU", "NL"), "比荷盧": ("BE", "LU", "NL"),
    "dach": ("AT", "CH", "DE"), "latam": ("419",),
    "北韩": ("KP",), "南韩": ("KR",), "north korea": ("KP",),
    # parts of a country whose names hold another country's
    "new mexico": _US, "新墨西哥": _US, "new jersey": _US, "新泽西": _US, "新澤西": _US,
    "northern ireland": _GB, "北爱尔兰": _GB, "北愛爾蘭": _GB, "scotland": _GB,
    "苏格兰": _GB, "蘇格蘭": _GB, "wales": _GB, "威尔士": _GB, "威爾斯": _GB,
    "south georgia": ("GS",),
    # Georgia, said which
    "georgia (us)": _US, "georgia, us": _US, "georgia, usa": _US, "georgia (usa)": _US,
    "georgia, united states": _US, "state of georgia": _US, "georgia state": _US,
    "us state of georgia": _US, "georgia (u.s. state)": _US, "georgia (us state)": _US,
    "佐治亚州": _US, "乔治亚州": _US, "喬治亞州": _US, "佐治亞州": _US,
    "georgia (country)": _GE, "republic of georgia": _GE, "country of georgia": _GE,
    "格鲁吉亚": _GE, "格魯吉亞": _GE,
    # Congo, said which
    "刚果（金）": ("CD",), "刚果（布）": ("CG",), "剛果（金）": ("CD",), "剛果（布）": ("CG",),
    "刚果(金)": ("CD",), "刚果(布)": ("CG",), "剛果(金)": ("CD",), "剛果(布)": ("CG",),
}

#: a name that means two places -> the places (the guard asks which)
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "georgia": ("GE", "US"), "乔治亚": ("GE", "US"), "喬治亞": ("GE", "US"),
    "congo": ("CD", "CG"), "刚果": ("CD", "CG"), "剛果": ("CD", "CG"),
}

#: regions with no fixed list of countries -> what to write instead (en, zh)
UNDEFINED_REGIONS: dict[str, tuple[str, str]] = {
    name: ("the countries (JP, KR, SG, AU …) or a region with a fixed list: Asia, "
           "Southeast Asia, East Asia, Oceania",
           "具体国家（JP、KR、SG、AU 等）或有固定范围的地区：亚洲、东南亚、东亚、大洋洲")
    for name in ("apac", "asia pacific", "asia-pacific", "亚太", "亚太地区", "亞太", "亞太地區")
} | {
    name: ("the countries (AE, SA, IL, TR …) or a region with a fixed list: Western Asia, "
           "Northern Africa",
           "具体国家（AE、SA、IL、TR 等）或有固定范围的地区：西亚、北非")
    for name in ("中东", "中東", "middle east", "mena", "中东北非", "中東北非")
} | {
    name: ("the countries (GB, DE, AE, ZA …) or regions with a fixed list: Europe, Western "
           "Asia, Africa",
           "具体国家（GB、DE、AE、ZA 等）或有固定范围的地区：欧洲、西亚、非洲")
    for name in ("emea",)
} | {
    name: ("the countries (US, JP, DE …) or a region with a fixed list (Europe, Asia), or "
           "worldwide",
           "具体国家（US、JP、DE 等）、有固定范围的地区（欧洲、亚洲）或“全球”")
    for name in ("海外", "境外", "overseas", "abroad")
}

#: CLDR name variants that are no names alone (刚果（金） gives 金 "gold", 刚果（布） 布 "cloth")
NOT_NAMES = frozenset({"金", "布"})
