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

from datamill.catalog.models import CatalogLicence, CatalogSource
from datamill.compliance.export import check_transfer_allowed
from datamill.core.iso import COUNTRIES
from datamill.production.models import Batch

__all__ = ["export_destinations", "require_export_allowed", "require_licence_export"]

#: what separates the codes of a territory naming several ("US, JP", "US/JP", "美国、US")
_TOKENS = re.compile(r"[^A-Za-z]+")
#: countries and regions a territory names in words, in Chinese and English, where sales
#: license most abroad (Hong Kong, Macao and Taiwan are outbound transfers too); a name not here
#: is caught only by its code or the licensee's country
_ZH_NAMES = {
    "美国": "US", "美國": "US", "日本": "JP", "韩国": "KR", "韓國": "KR", "新加坡": "SG",
    "香港": "HK", "澳门": "MO", "澳門": "MO", "台湾": "TW", "台灣": "TW", "臺灣": "TW",
    "英国": "GB", "英國": "GB", "德国": "DE", "德國": "DE", "法国": "FR", "法國": "FR",
    "加拿大": "CA", "澳大利亚": "AU", "澳洲": "AU", "俄罗斯": "RU", "印度": "IN", "马来西亚": "MY",
    "泰国": "TH", "越南": "VN", "印度尼西亚": "ID", "印尼": "ID", "阿联酋": "AE", "沙特": "SA",
    "以色列": "IL", "荷兰": "NL", "瑞士": "CH", "意大利": "IT", "西班牙": "ES", "巴西": "BR",
    "墨西哥": "MX", "菲律宾": "PH", "新西兰": "NZ", "爱尔兰": "IE", "瑞典": "SE",
}
_EN_NAMES = {
    "united states": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
    "japan": "JP", "korea": "KR", "singapore": "SG", "hong kong": "HK", "hongkong": "HK",
    "macao": "MO", "macau": "MO", "taiwan": "TW", "united kingdom": "GB", "uk": "GB",
    "britain": "GB", "england": "GB", "germany": "DE", "france": "FR", "canada": "CA",
    "australia": "AU", "russia": "RU", "india": "IN", "malaysia": "MY", "thailand": "TH",
    "vietnam": "VN", "viet nam": "VN", "indonesia": "ID", "israel": "IL", "netherlands": "NL",
    "switzerland": "CH", "italy": "IT", "spain": "ES", "brazil": "BR", "mexico": "MX",
    "philippines": "PH", "new zealand": "NZ", "ireland": "IE", "sweden": "SE",
    "united arab emirates": "AE", "saudi arabia": "SA",
}
_EN_NAME = re.compile(r"(?<![a-z])(" + "|".join(
    re.escape(n) for n in sorted(_EN_NAMES, key=len, reverse=True)) + r")(?![a-z])")


def _named(territory: str) -> set[str]:
    """The codes of the countries ``territory`` names in words (``美国``, ``United States``)."""
    folded = territory.casefold()
    return ({code for name, code in _ZH_NAMES.items() if name in territory}
            | {_EN_NAMES[m.group(1)] for m in _EN_NAME.finditer(folded)})


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
    # full-width letters as a Chinese input method types them (ＵＳ) are their ASCII selves
    territory = unicodedata.normalize("NFKC", territory or "")
    code = territory.strip().upper()
    if len(code) == 2 and code.isascii() and code.isalpha() and code != home:
        found.add(code)
    # a list of codes ("US, JP", "PRC; US", "HK/MO"): each code written in capitals counts
    # (lower-case two-letter words of a free text, "to", "in", are no codes)
    found |= {tok for tok in _TOKENS.split(territory)
              if len(tok) == 2 and tok.isupper() and tok in COUNTRIES and tok != home}
    found |= {c for c in _named(territory) if c != home}
    return sorted(found)


def _source_projects(session: Session, dataset_id: int) -> list[int]:
    return sorted(set(session.scalars(
        select(Batch.project_id).join(CatalogSource, CatalogSource.batch_id == Batch.id)
        .where(CatalogSource.dataset_id == dataset_id)).all()))


def require_export_allowed(session: Session, dataset_id: int, customer_id: int,
                           territory: str) -> list[str]:
    """Refuse (:class:`~datamill.compliance.export.ExportNotAssessed`) a catalog sale abroad
    whose source projects lack the approved export assessment of its destination; return the
    destinations checked (for the audit record)."""
    dests = export_destinations(session, customer_id, territory)
    for project_id in _source_projects(session, dataset_id) if dests else []:
        for dest in dests:
            check_transfer_allowed(session, project_id, dest)
    return dests


def require_licence_export(session: Session, lic: CatalogLicence) -> list[str]:
    """:func:`require_export_allowed` for an issued licence."""
    return require_export_allowed(session, lic.dataset_id, lic.customer_id, lic.territory)
