"""A unit after a number shown as "1" reads alike in the CLI and on the pages ("1 hour",
"1 frame"): both take the English singular from one table,
:data:`datamill.core.unit_words.UNIT_ONE`, where the CLI's ``UNIT_ONE`` and the web
catalogue's ``unit.<code>.one`` entries were two copies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datamill.cli._unit_words import UNIT_ONE as CLI_UNIT_ONE
from datamill.cli._unit_words import unit_after
from datamill.config import get_settings
from datamill.core.unit_words import PRICE_UNIT_ONE, UNIT_ONE
from datamill.web.i18n import CATALOGUES, translator
from datamill.web.i18n_deliveries import PAGE_UNITS
from datamill.web.routes._common import code_label


@pytest.fixture
def english_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATAMILL_LANG", "en")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_cli_and_the_pages_say_one_unit_alike(english_cli: None) -> None:
    assert CLI_UNIT_ONE is UNIT_ONE
    page = code_label(translator("en"))
    for unit in PAGE_UNITS:
        assert page("unit", unit, "1") == unit_after("1", unit) == UNIT_ONE[unit]
        assert page("unit", unit, "2") != UNIT_ONE[unit]


def test_the_english_catalogue_takes_its_singulars_from_the_table() -> None:
    en = {k: v for k, v in CATALOGUES["en"].items()
          if k.startswith("unit.") and k.endswith(".one")}
    # the volume units' singulars, and the pricing units' the settlement sheet adds (h2)
    assert en == {**{f"unit.{u}.one": UNIT_ONE[u] for u in PAGE_UNITS},
                  **{f"unit.{u}.one": one for u, one in PRICE_UNIT_ONE.items()}}
    zh = CATALOGUES["zh-CN"]
    assert all(f"unit.{u}.one" in zh for u in PAGE_UNITS)
