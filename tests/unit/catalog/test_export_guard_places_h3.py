"""Helper h3: territory names the export guard misread or could not read. US states read as
other countries ("New Mexico" -> MX, "New Jersey" -> JE) and Northern Ireland as Ireland, so a
licence for them skipped the US / UK assessment; "Greater China" read as domestic CN only;
CLDR's "刚果（金）" made every 金 (gold) and 布 (cloth) a Congo; "Georgia" read as the
country though a US user may mean the state. Groups (港澳台, Scandinavia) now count each
territory; a name of two places asks (422 ``territory_ambiguous``) and a region with no fixed
list of countries (中东, APAC) says what to write instead (422 ``territory_region_undefined``),
in English and zh-CN."""

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

#: territory -> destinations (customer at home, CN)
READS = {
    "New Mexico": ["US"], "New Jersey": ["US"], "Northern Ireland": ["GB"], "Scotland": ["GB"],
    "北爱尔兰": ["GB"], "Greater China": ["HK", "MO", "TW"], "大中华区": ["HK", "MO", "TW"],
    "港澳台": ["HK", "MO", "TW"], "中美两国": ["US"], "中美洲": ["013"], "金山": [],
    "布鲁塞尔": [], "刚果（金）": ["CD"], "Georgia, USA": ["US"], "佐治亚州": ["US"],
    "格鲁吉亚": ["GE"], "Georgia (country)": ["GE"], "Georgia": ["GE", "US"],
    "Scandinavia": ["DK", "NO", "SE"], "LATAM": ["419"],
}


def test_territory_names_read_as_a_compliance_officer_reads_them(runtime: Runtime) -> None:
    with runtime.session() as s:
        home = create_customer(s, "Home AI", customer_type="ai_company", country="CN").id
        got = {t: export_destinations(s, home, t) for t in READS}
    assert got == READS


def test_a_us_state_named_like_a_country_needs_the_us_assessment(
    runtime: Runtime, tmp_path: Path,
) -> None:
    who, ds_id, _project, _abroad, home = _world(runtime, tmp_path)  # a rule lists US
    for territory in ("New Mexico", "New Jersey", "Georgia, US", "佐治亚州"):
        with runtime.session() as s, pytest.raises(ExportNotAssessed) as err:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=home,
                                    territory=territory, **TERMS)
        assert err.value.details["destination"] == "US", territory


#: territory -> (reason code, words of the English refusal, words of the zh-CN one)
ASKS = {
    "Georgia": ("territory_ambiguous", "'Georgia, US' for the state", "佐治亚州"),
    "乔治亚": ("territory_ambiguous", "GE (the country) or US (the US state)", "格鲁吉亚"),
    "中东": ("territory_region_undefined", "Western Asia", "西亚、北非"),
    "APAC": ("territory_region_undefined", "Southeast Asia", "亚洲、东南亚"),
    "亚太地区": ("territory_region_undefined", "Oceania", "大洋洲"),
}


def test_an_ambiguous_name_or_open_region_asks_what_to_write(
    runtime: Runtime, tmp_path: Path,
) -> None:
    who, ds_id, _project, _abroad, home = _world(runtime, tmp_path)
    for territory, (code, en, zh) in ASKS.items():
        with runtime.session() as s, pytest.raises(InvalidInput) as bad:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=home,
                                    territory=territory, **TERMS)
        details = bad.value.details
        assert details["reason_code"] == code and en in str(bad.value), territory
        assert word_reason(details, "en"), territory
        assert zh in (word_reason(details, "zh-CN") or ""), word_reason(details, "zh-CN")
