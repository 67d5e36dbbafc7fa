"""Helper h11: the catalog export guard passed destinations it had no name for: "欧盟", "EU",
"European Union", "Europe", and every country off its hand-kept list (巴西, Kenya) read as no
destination, and a territory it could not read at all ("for use in Atlantis") passed as
domestic. Names now come from CLDR (Babel) in English and Chinese; a region is checked
against every country the office rules on; unreadable text is refused (422
``territory_unreadable``) while export rules are in force."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.catalog import licences
from datamill.catalog.export_guard import export_destinations
from datamill.compliance.export import ExportNotAssessed
from datamill.core.errors import InvalidInput
from datamill.ledger.orders import create_customer
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from tests.unit.catalog.test_export_guard import TERMS, _world

#: what was tuned on (each gave [] before)
TUNED = {"欧盟": ["EU"], "EU": ["EU"], "European Union": ["EU"], "Europe": ["150"],
         "Brazil": ["BR"], "巴西": ["BR"], "Kenya": ["KE"], "肯尼亚": ["KE"], "亚洲": ["142"],
         "Latin America": ["419"], "刚果（金）": ["CD"], "印度尼西亚": ["ID"]}
#: held out: written before the first run and not tuned on; 76 of 83 map. The 7 that do not
#: (names CLDR lacks) name no place, so the guard refuses them rather than passing them
HELD_OUT = {
    "Norway": "NO", "Argentina": "AR", "South Africa": "ZA", "Egypt": "EG", "Poland": "PL",
    "Chile": "CL", "Pakistan": "PK", "Nigeria": "NG", "Ukraine": "UA", "Portugal": "PT",
    "Greece": "GR", "Denmark": "DK", "Finland": "FI", "Austria": "AT", "Belgium": "BE",
    "Czechia": "CZ", "Kazakhstan": "KZ", "Mongolia": "MN", "Qatar": "QA", "Peru": "PE",
    "Colombia": "CO", "Bangladesh": "BD", "Sri Lanka": "LK", "Nepal": "NP", "Cambodia": "KH",
    "Laos": "LA", "Myanmar": "MM", "Iceland": "IS", "Morocco": "MA", "Ethiopia": "ET",
    "挪威": "NO", "阿根廷": "AR", "南非": "ZA", "埃及": "EG", "波兰": "PL", "智利": "CL",
    "巴基斯坦": "PK", "尼日利亚": "NG", "乌克兰": "UA", "葡萄牙": "PT", "希腊": "GR",
    "丹麦": "DK", "芬兰": "FI", "奥地利": "AT", "比利时": "BE", "哈萨克斯坦": "KZ",
    "蒙古": "MN", "卡塔尔": "QA", "秘鲁": "PE", "哥伦比亚": "CO", "孟加拉国": "BD",
    "斯里兰卡": "LK", "尼泊尔": "NP", "柬埔寨": "KH", "老挝": "LA", "缅甸": "MM", "冰岛": "IS",
    "摩洛哥": "MA", "埃塞俄比亚": "ET", "土耳其": "TR", "非洲": "002", "Africa": "002",
    "Southeast Asia": "035", "东南亚": "035", "北美洲": "003", "North America": "003",
    "南美洲": "005", "Oceania": "009", "Eurozone": "EZ", "欧元区": "EZ", "北欧": "154",
    "Republic of Korea": "KR", "朝鲜": "KP", "Türkiye": "TR", "Vatican City": "VA",
    "梵蒂冈": "VA",
    "Scandinavia": "DK,NO,SE", "港澳台": "HK,MO,TW", "北韩": "KP",  # h3: groups CLDR lacks
    # regions with no fixed list of countries: no destination; the guard asks (h3)
    "中东": "", "Middle East": "", "APAC": "", "亚太地区": "",
}


def test_countries_and_regions_in_words_are_destinations(runtime: Runtime) -> None:
    with runtime.session() as s:
        home = create_customer(s, "Home AI", customer_type="ai_company", country="CN").id
        tuned = {t: export_destinations(s, home, t) for t in TUNED}
        held = {t: export_destinations(s, home, t) for t in HELD_OUT}
        inner = export_destinations(s, home, "内蒙古")  # a province of China, not Mongolia
    assert tuned == TUNED
    mapped = [t for t, code in HELD_OUT.items() if code and held[t] == code.split(",")]
    assert len(mapped) == 79 and len(HELD_OUT) == 83, set(HELD_OUT) - set(mapped)
    assert all(held[t] == [] for t, code in HELD_OUT.items() if not code)
    assert inner == []


def test_a_region_or_unreadable_territory_under_export_rules(
    runtime: Runtime, tmp_path: Path,
) -> None:
    who, ds_id, _project, _abroad, home = _world(runtime, tmp_path)  # a rule lists US
    for territory in ("欧盟", "Europe", "European Union"):  # may reach the US: assessed first
        with runtime.session() as s, pytest.raises(ExportNotAssessed) as err:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=home,
                                    territory=territory, **TERMS)
        assert err.value.details["destination"] == "US"
    with runtime.session() as s, pytest.raises(InvalidInput) as bad:
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=home,
                                territory="for use in Atlantis", **TERMS)
    assert bad.value.details["reason_code"] == "territory_unreadable"
    assert "未写明可识别的国家或地区" in (word_reason(bad.value.details, "zh-CN") or "")
    with runtime.session() as s:  # readable domestic territories still pass
        for territory in ("中国大陆", "worldwide"):
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=home,
                                    territory=territory, **TERMS)
