"""The buyer refuses a licence's delivery: the package they downloaded does not meet the
licence's acceptance criteria (files missing, a manifest that does not verify, the wrong
release).

:func:`reject_licence_delivery` records the refusal with its reason (``catalog.licence.
rejected``, audited with the day it was delivered): the licence goes back to ``rejected``, not
delivered, so it cannot be accepted (and no revenue recognised) until it is delivered again:
the seller fixes the package (a corrected release: ``licence-upgrade``; or a new transfer
link) and the buyer's next download delivers it anew. Nothing reaches the ledger; the licence,
its price and its order stay. Refused: an accepted, a revoked, or a not (or no longer)
delivered licence, and a refusal without a reason.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from datamill.catalog.licences import _customer_view, _named, buyer_licence
from datamill.catalog.schemas import LicenceOut, LicenceView
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.storable import check_note

__all__ = ["MAX_REASON_CHARS", "reject_licence_delivery"]

MAX_REASON_CHARS = 2_000


def reject_licence_delivery(
    session: Session, user: User, licence_id: int, *, reason: str,
) -> LicenceOut | LicenceView:
    """The buyer's refusal of licence ``licence_id``'s delivery, with ``reason`` (their own
    licence for a customer account; a seller records it on the buyer's behalf). The customer
    gets their view of the licence, a seller the full one."""
    lic, seller = buyer_licence(session, user, licence_id, "refuse licence {number}'s delivery")
    why = (reason or "").strip()
    if not why or len(why) > MAX_REASON_CHARS or "\x00" in why:
        raise InvalidInput(f"refusing licence {lic.number}'s delivery says why (1 to "
                           f"{MAX_REASON_CHARS} characters): what the package lacks",
                           field="reason", reason_code="licence_rejection_reason",
                           number=lic.number, most=MAX_REASON_CHARS)
    # read by the seller and kept in the audit trail: no control or text-direction character
    # (U+202E showed it in another order), no lone surrogate (PostgreSQL: a 500)
    check_note(why, "reason", most=MAX_REASON_CHARS)
    if lic.status == "accepted":
        raise Conflict(f"licence {lic.number} was accepted on {lic.accepted_on}: an accepted "
                       "delivery is not refused", reason_code="licence_rejection_accepted",
                       number=lic.number, accepted_on=str(lic.accepted_on))
    if lic.status == "revoked" or lic.revoked_on is not None:
        raise Conflict(f"licence {lic.number} was revoked on {lic.revoked_on}: there is no "
                       "delivery to refuse", reason_code="licence_rejection_revoked",
                       number=lic.number, revoked_on=str(lic.revoked_on))
    if lic.delivered_on is None:
        raise Conflict(f"licence {lic.number} is not delivered (again) yet: a delivery is "
                       "refused after its download", reason_code="licence_rejection_undelivered",
                       number=lic.number, status=lic.status)
    delivered = lic.delivered_on
    lic.status, lic.delivered_on = "rejected", None
    record_audit(session, actor_id=user.id, action="catalog.licence.rejected",
                 object_type="catalog_licence", object_id=lic.id,
                 data={"number": lic.number, "reason": why,
                       "delivered_on": delivered.isoformat(), "release_id": lic.release_id,
                       "on_behalf": seller})
    session.flush()
    out = _named(session, [lic])
    return out[0] if seller else _customer_view(out)[0]
