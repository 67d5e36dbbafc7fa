"""Who sees what in the catalog, from the permission matrix (``view_catalog``):

* scope ``any`` (sales, PMs, finance, auditors, …): every entry, with prices and bands, every
  licence;
* scope ``own`` (the customer role): listed, released entries only, without prices, and the
  licences of the customer the user acts for (:class:`CatalogCustomerAccount`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.catalog.models import CatalogCustomerAccount, CatalogLicence
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize, check
from datamill.compliance.roles import Action, Role
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise

__all__ = ["Viewer", "customer_language", "licensed_releases", "link_customer_user",
           "require_statement_reader", "viewer"]


@dataclass(frozen=True)
class Viewer:
    user_id: int
    everything: bool
    customer_id: int | None

    @property
    def sees_prices(self) -> bool:
        return self.everything


def viewer(session: Session, user: User) -> Viewer:
    """The caller's view of the catalog (403 when the matrix gives none)."""
    authorize(session, user, Action.VIEW_CATALOG)
    # scope ``any`` passes a check outside any vendor; scope ``own`` does not
    everything = check(session, user, Action.VIEW_CATALOG, vendor_id=None) is None
    customer = session.scalar(select(CatalogCustomerAccount.customer_id).where(
        CatalogCustomerAccount.user_id == user.id))
    return Viewer(user.id, everything, customer)


def link_customer_user(
    session: Session, actor: User, user: User, customer_id: int
) -> dict[str, int]:
    """Let a customer-role user see the licences of ledger customer ``customer_id``."""
    from datamill.ledger.models import LedgerCustomer

    authorize(session, actor, Action.SELL_CATALOG)
    if user.role != Role.CUSTOMER:
        raise InvalidInput(f"{user.username!r} has role {user.role!r}, not customer",
                           field="username")
    get_or_raise(session, LedgerCustomer, customer_id, "customer", customer_id=customer_id)
    if session.scalar(select(CatalogCustomerAccount.id).where(
            CatalogCustomerAccount.user_id == user.id)) is not None:
        raise Conflict(f"{user.username!r} already acts for a customer")
    session.add(CatalogCustomerAccount(user_id=user.id, customer_id=customer_id))
    session.flush()
    record_audit(session, actor_id=actor.id, action="catalog.customer_account.linked",
                 object_type="user", object_id=user.id, data={"customer_id": customer_id})
    return {"user_id": user.id, "customer_id": customer_id}


def customer_language(session: Session, user: User) -> str | None:
    """The language of the ledger customer a customer-role ``user`` acts for
    (:func:`datamill.ledger.customers.set_customer_language`), or None (staff, an account not
    linked, a customer without one): what its pages follow where the browser chose none."""
    from datamill.ledger.models import LedgerCustomer

    if user.role != Role.CUSTOMER:
        return None
    return session.scalar(select(LedgerCustomer.language).join(
        CatalogCustomerAccount, CatalogCustomerAccount.customer_id == LedgerCustomer.id).where(
        CatalogCustomerAccount.user_id == user.id))


def require_statement_reader(session: Session, user: User, customer_id: int) -> bool:
    """Who reads customer ``customer_id``'s statement (its invoices and receipts,
    :func:`datamill.ledger.statements.customer_statement`): a customer account, its own
    organisation's only (another's is not found, as none); anyone else, a reader of the books
    (``view_ledger``). True for the customer's own account (it reads every order of its
    own), False for a reader of the books (who sees what its clearance allows)."""
    from datamill.ledger.access import require_ledger_access

    if user.role == Role.CUSTOMER:
        own = session.scalar(select(CatalogCustomerAccount.customer_id).where(
            CatalogCustomerAccount.user_id == user.id))
        if own != customer_id:
            raise NotFound(f"no customer {customer_id}", customer_id=customer_id)
        return True
    require_ledger_access(session, user, write=False)
    return False


def licensed_releases(session: Session, view: Viewer, dataset_id: int) -> set[int]:
    """The releases of ``dataset_id`` the viewer's customer holds a licence on (expired ones
    too, revoked ones not): what a licensee still sees of a dataset taken off the catalog
    (unlisted, retired), its entry, datasheet and samples."""
    if view.customer_id is None:
        return set()
    return set(session.scalars(select(CatalogLicence.release_id).where(
        CatalogLicence.dataset_id == dataset_id, CatalogLicence.customer_id == view.customer_id,
        CatalogLicence.status != "revoked")))
