"""Helper h8 round 3: a licence's territory naming foreign countries in a list ("US, JP",
"PRC; US") sent nothing abroad to a domestic licensee, while "US" alone did: the guard read
only a territory that was one code. Each code written in capitals now counts; lower-case words
of a free text ("to", "in") and the home country do not."""

from __future__ import annotations

from datamill.catalog.export_guard import export_destinations
from datamill.ledger.orders import create_customer
from datamill.runtime import Runtime

CASES = {"US": ["US"], "us": ["US"], "US, JP": ["JP", "US"], "PRC; US": ["US"],
         "CN/HK/MO": ["HK", "MO"], "中国大陆、US": ["US"], "worldwide": [], "PRC": [],
         "licensed to use in China": [], "CN": []}


def test_every_foreign_code_of_a_territory_is_a_destination(sqlite_runtime: Runtime) -> None:
    with sqlite_runtime.session() as s:
        home = create_customer(s, "Home AI", customer_type="ai_company", country="CN").id
        found = {territory: export_destinations(s, home, territory) for territory in CASES}
    assert found == CASES  # before: "US, JP", "PRC; US", "CN/HK/MO", "中国大陆、US" gave []


#: helper h6: a territory written with a Chinese input method in full-width letters, or naming
#: the country in words, sent nothing abroad to a domestic licensee (all of these gave [])
NAMED = {"ＵＳ": ["US"], "ＵＳ，ＪＰ": ["JP", "US"], "美国": ["US"], "中国香港": ["HK"],
         "United States": ["US"], "USA and Japan": ["JP", "US"], "台灣、日本": ["JP", "TW"],
         "U.S.": ["US"], "中国大陆": [], "mainland China only": [], "全球": [],
         "for use in Beijing": [], "Indiana University campus": []}


def test_a_territory_naming_a_country_in_words_or_full_width_is_a_destination(
    sqlite_runtime: Runtime,
) -> None:
    with sqlite_runtime.session() as s:
        home = create_customer(s, "Home AI", customer_type="ai_company", country="CN").id
        found = {territory: export_destinations(s, home, territory) for territory in NAMED}
    assert found == NAMED
