"""The cross-border export guard for catalog sales (数据出境): a licence is an export too.

A catalog licence hands a release's data to a licensee. The data goes abroad when the
licensee's registered country (``LedgerCustomer.country``) is not the home country
(``LedgerSettings.home_country``, CN), or when the licence's territory names a foreign country
by its ISO alpha-2 code (``"US"``; in a list, ``"US, JP"`` or ``"PRC; US"``, each code written
in capitals, full-width ``ＵＳ`` too) or by name (``美国``, ``United States``, ``香港``: the
destinations sales license most to, :data:`_ZH_NAMES`, :data:`_EN_NAMES`). A ``worldwide`` (or any other free-text) territory granted
to a licensee abroad counts as abroad through the licensee's country; granted to a domestic
licensee it adds no destination (the data is handed over at home).

For every destination abroad, each production project whose batches the dataset is built
from must pass :func:`datamill.compliance.export.check_transfer_allowed`: the same rules and
assessments as the project's own deliveries, with the same coded error (403, ``reason``
``export_not_assessed``). Issuing a licence, issuing a transfer link and every download run
this guard; the audit records of those three carry the destinations checked.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.catalog._territory_words import UNDEFINED_REGIONS
from datamill.catalog.models import CatalogLicence, CatalogSource
from datamill.catalog.territories import Places, places
from datamill.compliance.export import check_transfer_allowed
from datamill.core.errors import InvalidInput
from datamill.core.iso import COUNTRIES
from datamill.production.models import Batch

__all__ = ["export_destinations", "require_export_allowed", "require_licence_export"]

#: what separates the codes of a territory naming several ("US, JP", "US/JP", "美国、US")
_TOKENS = re.compile(r"[^A-Za-z]+")
#: CLDR codes of groups of countries a territory may name by code ("EU", "EZ")
_REGION_CODES = frozenset({"EU", "EZ"})


def _home() -> str:
    from datamill.ledger.settings import LedgerSettings

    return LedgerSettings().home_country.strip().upper()


def export_destinations(session: Session, customer_id: int, territory: str) -> list[str]:
    """The foreign countries a licence to ``customer_id`` for ``territory`` sends data to
    (empty: a domestic sale)."""
    from datamill.ledger.models import LedgerCustomer

    home = _home()
    found: set[str] = set()
    cust = session.get(LedgerCustomer, customer_id)
    country = (cust.country if cust is not None else "").strip().upper()
    if country and country != home:
        found.add(country)
    return sorted(_read(territory, home)[0] | found)


def _read(territory: str, home: str) -> tuple[set[str], Places]:
    """The foreign countries and regions ``territory`` names (codes; each place a name of two
    places may mean), and what it names (home, worldwide, the names to ask about included)."""
    # full-width letters as a Chinese input method types them (ＵＳ) are their ASCII selves
    territory = unicodedata.normalize("NFKC", territory or "")
    codes: set[str] = set()
    code = territory.strip().upper()
    if len(code) == 2 and code.isascii() and code.isalpha():
        codes.add(code)
    # a list of codes ("US, JP", "PRC; US", "HK/MO"): each code written in capitals counts
    # (lower-case two-letter words of a free text, "to", "in", are no codes)
    codes |= {tok for tok in _TOKENS.split(territory)
              if len(tok) == 2 and tok.isupper() and (tok in COUNTRIES or tok in _REGION_CODES)}
    named = places(territory, codes - _REGION_CODES)
    named.regions |= codes & _REGION_CODES
    either = {c for options in named.ambiguous.values() for c in options}
    return (named.countries | named.regions | either) - {home}, named


def _region_countries(session: Session, home: str) -> list[str]:
    """The countries a region (欧盟, Europe, 亚洲) may send data to, as far as the rules go:
    every country the office keeps an export rule for (datamill keeps no table of which
    country lies in which region, so a region passes only where every ruled country would)."""
    from datamill.compliance.security_models import ExportRule

    ruled = set(session.scalars(select(ExportRule.country)).all())
    return sorted(ruled - {home, "*"}) + (["*"] if "*" in ruled else [])


def _source_projects(session: Session, dataset_id: int) -> list[int]:
    return sorted(set(session.scalars(
        select(Batch.project_id).join(CatalogSource, CatalogSource.batch_id == Batch.id)
        .where(CatalogSource.dataset_id == dataset_id)).all()))


def require_export_allowed(session: Session, dataset_id: int, customer_id: int,
                           territory: str) -> list[str]:
    """Refuse (:class:`~datamill.compliance.export.ExportNotAssessed`) a catalog sale abroad
    whose source projects lack the approved export assessment of its destination; return the
    destinations checked (for the audit record)."""
    from datamill.compliance.security_models import ExportRule

    dests = export_destinations(session, customer_id, territory)
    projects = _source_projects(session, dataset_id)
    named = _read(territory, _home())[1]
    if projects and session.scalar(select(ExportRule.country).limit(1)) is not None:
        _require_readable(territory, named)
    home = _home()
    checks = sorted({c for d in dests for c in (
        [d] if d in COUNTRIES else _region_countries(session, home))})
    for project_id in projects if checks else []:
        for dest in checks:
            check_transfer_allowed(session, project_id, dest)
    return dests


def _require_readable(territory: str, named: Places) -> None:
    """Under export rules, refuse a territory the guard cannot check: a region with no fixed
    list of countries (中东, APAC), a name of two places (Georgia), or no place at all."""
    if named.undefined:
        region = sorted(named.undefined)[0]
        en, zh = UNDEFINED_REGIONS[region]
        raise InvalidInput(
            f"territory {territory!r} names {region!r}, a region with no fixed list of "
            f"countries the export guard could check: write {en} instead",
            field="territory", value=territory, region=region, instead=en, instead_zh=zh,
            reason_code="territory_region_undefined")
    if named.ambiguous:
        word, options = sorted(named.ambiguous.items())[0]
        said = {"US": "the US state", "GE": "the country", "CD": "Congo - Kinshasa",
                "CG": "Congo - Brazzaville"}
        choices = " or ".join(f"{code} ({said.get(code, code)})" for code in options)
        raise InvalidInput(
            f"territory {territory!r}: {word!r} may mean {choices}; write the ISO code of the "
            "one meant (or 'Georgia, US' for the state, 格鲁吉亚 for the country)",
            field="territory", value=territory, name=word, options=", ".join(options),
            reason_code="territory_ambiguous")
    if not named.any:
        # export rules are in force: a territory the guard cannot read is no domestic one
        raise InvalidInput(
            f"territory {territory!r} names no country or region datamill can read: name the "
            "countries (ISO codes such as CN, US, or names such as 中国, United States), a "
            "region (欧盟, Europe) or worldwide, so the export guard can check the "
            "destinations", field="territory", value=territory,
            reason_code="territory_unreadable")


def require_licence_export(session: Session, lic: CatalogLicence) -> list[str]:
    """:func:`require_export_allowed` for an issued licence."""
    return require_export_allowed(session, lic.dataset_id, lic.customer_id, lic.territory)
