"""The demo's data-service suppliers as registered, qualified vendors.

A data-service claim names a vendor on the qualified-supplier list (domain §5.2 / §6.4,
:func:`datamill.workforce.sheet_claims.claim_vendor`), so the demo registers each supplier it
claims for (once, whichever story runs first) before its claims.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.workforce.models import Vendor
from datamill.workforce.vendors import create_vendor, set_vendor_qualified

__all__ = ["qualified_supplier"]


def qualified_supplier(s: Session, actor: User, name: str) -> str:
    """``name``, registered as a qualified company vendor (8 % fee) if it is not yet."""
    vendor = s.scalars(select(Vendor).where(Vendor.name == name)).first()
    if vendor is None:
        count = len(s.scalars(select(Vendor.id)).all())
        made = create_vendor(s, actor, name=name, kind="company", fee_rate="0.08",
                             agreement_no=f"FA-DEMO-{count + 1:02d}")
        set_vendor_qualified(s, actor, made.id, True,
                             "licence, services, after-sales and price level assessed")
    elif not vendor.qualified:
        set_vendor_qualified(s, actor, vendor.id, True,
                             "licence, services, after-sales and price level assessed")
    return name
