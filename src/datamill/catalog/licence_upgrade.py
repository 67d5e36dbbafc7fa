"""Moving a licence onto a newer release of its dataset (a corrected release), at no charge.

A licensee who paid for release v1 keeps what they bought when v1 is withdrawn or refused (a
subject withdrew consent, a defect was found): :func:`upgrade_licence` moves the live licence to
a later release of the SAME dataset within its term. Nothing is sold again: the price, the
currency, the end date, the ledger contract and order stay as they are and no revenue is booked
(renewal, :func:`~datamill.catalog.licences.renew_licence`, is the priced path). The move is
audited (``catalog.licence.upgraded``) with its reason and both releases; every transfer link
of the licence issued so far stops (they carry the old release's package), and links issued
afterwards package the new release.

Refused: a release of another dataset, the current or an older release, a revoked or expired
licence, a release that is not intact (:func:`~datamill.catalog.releases.require_intact`), the
export-control rules that licensing applies
(:func:`~datamill.catalog.export_guard.require_licence_export`), and a move that would make
the customer hold two live licences of one release on the same terms (checked under the lock
licence issue takes, so a move and an issue, or two moves, at once cannot both pass).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from datamill.catalog.export_guard import require_licence_export
from datamill.catalog.licences import _issue_lock, _named, _require_active, _same_terms
from datamill.catalog.models import CatalogLicence, TransferLink
from datamill.catalog.releases import release_row, require_intact
from datamill.catalog.schemas import LicenceOut
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.lookup import lock_or_raise

__all__ = ["upgrade_licence"]


def upgrade_licence(
    session: Session, user: User, licence_id: int, *, release_id: int, reason: str,
) -> LicenceOut:
    """Move live licence ``licence_id`` to the newer release ``release_id`` of its dataset at
    no charge (same price, end date and ledger order; no revenue booked), audited with
    ``reason``; the licence's transfer links issued so far stop."""
    authorize(session, user, Action.SELL_CATALOG)
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("moving a licence to another release names its reason",
                           field="reason")
    # the lock an issue takes, first (as there): the duplicate check below is a read, and an
    # issue of the new release to the same customer on the same terms, or a second move, under
    # way at once both passed it (two identical live licences; r4 h4)
    _issue_lock(session)
    lic = lock_or_raise(session, CatalogLicence, licence_id, "licence", licence_id=licence_id)
    _require_active(lic, "it is not moved to another release")
    old = release_row(session, lic.release_id)
    new = release_row(session, release_id)
    if new.dataset_id != lic.dataset_id:
        raise InvalidInput(
            f"release {new.id} belongs to another dataset: licence {lic.number} moves only to a "
            "release of its own dataset", field="release_id", reason_code="upgrade_other_dataset",
            release_id=new.id, number=lic.number)
    if new.version <= old.version:
        raise InvalidInput(
            f"licence {lic.number} is on v{old.version}: it moves only to a newer release, not "
            f"to v{new.version}", field="release_id", reason_code="upgrade_not_newer",
            number=lic.number, current_version=old.version, version=new.version)
    require_intact(session, new.id)
    abroad = require_licence_export(session, lic)
    same = _same_terms(session, lic.customer_id, new.id, lic.territory, lic.usage_scope, lic.id)
    if same is not None:
        raise Conflict(
            f"the customer already holds licence {same.number} of v{new.version} on the same "
            "terms: revoke one of the two instead of moving this one", licence_id=lic.id,
            reason_code="upgrade_duplicate", other=same.number, version=new.version)
    links = session.execute(
        update(TransferLink).where(TransferLink.licence_id == lic.id,
                                   TransferLink.revoked.is_(False))
        .values(revoked=True).execution_options(synchronize_session=False))
    lic.release_id = new.id
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.licence.upgraded",
                 object_type="catalog_licence", object_id=lic.id,
                 data={"number": lic.number, "reason": why, "from_release_id": old.id,
                       "from_version": old.version, "from_release": old.manifest_sha256,
                       "to_release_id": new.id, "to_version": new.version,
                       "to_release": new.manifest_sha256, "price": str(lic.price),
                       "currency": lic.currency, "order_id": lic.order_id,
                       "expires_on": lic.expires_on.isoformat() if lic.expires_on else None,
                       "charged": "0", "links_revoked": int(getattr(links, "rowcount", 0) or 0),
                       "export_destinations": abroad})
    return _named(session, [lic])[0]
