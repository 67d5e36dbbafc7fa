"""The cross-border export guard for catalog sales (数据出境): a licence is an export too.

A catalog licence hands a release's data to a licensee. The data goes abroad when the
licensee's registered country (``LedgerCustomer.country``) is not the home country
(``LedgerSettings.home_country``, CN), or when the licence's territory names a foreign country
by its ISO alpha-2 code (``"US"``; in a list, ``"US, JP"`` or ``"PRC; US"``, each code written
in capitals). A ``worldwide`` (or any other free-text) territory granted
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

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.catalog.models import CatalogLicence, CatalogSource
from datamill.compliance.export import check_transfer_allowed
from datamill.core.iso import COUNTRIES
from datamill.production.models import Batch

__all__ = ["export_destinations", "require_export_allowed", "require_licence_export"]

#: what separates the codes of a territory naming several ("US, JP", "US/JP", "美国、US")
_TOKENS = re.compile(r"[^A-Za-z]+")


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
    code = (territory or "").strip().upper()
    if len(code) == 2 and code.isascii() and code.isalpha() and code != home:
        found.add(code)
    # a list of codes ("US, JP", "PRC; US", "HK/MO"): each code written in capitals counts
    # (lower-case two-letter words of a free text, "to", "in", are no codes)
    found |= {tok for tok in _TOKENS.split(territory or "")
              if len(tok) == 2 and tok.isupper() and tok in COUNTRIES and tok != home}
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
