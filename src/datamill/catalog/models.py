"""Tables of the catalog: owned datasets, their immutable releases, third-party sources,
licences with transfer links, and the retention of custom-project backups.

Money is ``Decimal`` stored as integer cents (the ledger's :class:`Money` column type).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.core.money import Money, Scaled
from datamill.db.base import Base

__all__ = [
    "CatalogBandQuote",
    "CatalogCustomerAccount",
    "CatalogDataset",
    "CatalogLicence",
    "CatalogQuoteRequest",
    "CatalogRelease",
    "CatalogReleaseFile",
    "CatalogSource",
    "RetentionDeletion",
    "RetentionHold",
    "RetentionSetting",
    "ThirdPartyDataset",
    "ThirdPartyFile",
    "TransferLink",
]


class CatalogDataset(Base):
    """A standard dataset product (标准化数据集产品): in development → released (→ retired).

    ``price`` is the standard price and ``price_low``..``price_high`` its band (价格区间);
    ``listed`` entries are what customers may browse."""

    __tablename__ = "catalog_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    modality: Mapped[str] = mapped_column(String(32))
    languages: Mapped[list[Any]] = mapped_column(default=list)
    scenario: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="in_development")
    planned_hours: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    budget: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    market_survey: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    price_low: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    price_high: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    copyright_no: Mapped[str | None] = mapped_column(String(64), default=None)
    devices: Mapped[list[Any]] = mapped_column(default=list)
    listed: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(default=None)


class ThirdPartyDataset(Base):
    """A bought dataset with recorded rights: only ``sublicensable`` ones enter a release."""

    __tablename__ = "catalog_third_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    supplier: Mapped[str] = mapped_column(String(200))
    contract_ref: Mapped[str] = mapped_column(String(100))
    permanent: Mapped[bool] = mapped_column(default=False)
    sublicensable: Mapped[bool] = mapped_column(default=False)
    consent_basis: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThirdPartyFile(Base):
    """One file of a third-party dataset (bytes in the blob store by hash)."""

    __tablename__ = "catalog_third_party_files"
    __table_args__ = (UniqueConstraint("third_party_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    third_party_id: Mapped[int] = mapped_column(ForeignKey("catalog_third_party.id"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    volume: Mapped[int | None] = mapped_column(BigInteger, default=None)


class CatalogSource(Base):
    """What a dataset is built from: an accepted batch of a product-development project, or a
    third-party dataset."""

    __tablename__ = "catalog_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("catalog_datasets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), default=None)
    third_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_third_party.id"), default=None)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogRelease(Base):
    """An immutable, content-addressed release: ``manifest_sha256`` (of the manifest's
    canonical JSON) names it. ``entry`` is the catalog entry as released."""

    __tablename__ = "catalog_releases"
    __table_args__ = (UniqueConstraint("dataset_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("catalog_datasets.id"), index=True)
    version: Mapped[int] = mapped_column()
    manifest_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    entry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    datasheet: Mapped[dict[str, Any]] = mapped_column(default=dict)
    items: Mapped[int] = mapped_column(default=0)
    volume: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: withdrawn (a defect, a rights problem …): neither licensed nor delivered any more
    withdrawn_on: Mapped[date | None] = mapped_column(Date, default=None)
    withdraw_reason: Mapped[str | None] = mapped_column(Text, default=None)


class CatalogReleaseFile(Base):
    """One data file of a release and where it came from (provenance per file)."""

    __tablename__ = "catalog_release_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("catalog_releases.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), default=None)
    third_party_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_third_party_files.id"), default=None)
    owner: Mapped[str] = mapped_column(String(16))


class CatalogLicence(Base):
    """A licence (授权), numbered ``YYMMDD/ABC``: issued → delivered → accepted, or revoked.

    ``order_id`` is the ledger's product-licence order the revenue is recognised on.
    ``expires_on`` (optional) is the last day the licensee may download; ``renews_id`` names the
    licence a renewal follows; a revoked licence records when and why."""

    __tablename__ = "catalog_licences"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("catalog_datasets.id"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("catalog_releases.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ledger_customers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_orders.id"), default=None)
    price: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    territory: Mapped[str] = mapped_column(String(200))
    term: Mapped[str] = mapped_column(String(200))
    usage_scope: Mapped[str] = mapped_column(Text)
    acceptance_criteria: Mapped[str] = mapped_column(Text)
    band_reason: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    issued_on: Mapped[date] = mapped_column(Date)
    delivered_on: Mapped[date | None] = mapped_column(Date, default=None)
    accepted_on: Mapped[date | None] = mapped_column(Date, default=None)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    #: the licence this one renews (its id; no foreign key: the column was added to a table
    #: other tables reference, which SQLite cannot rebuild in place)
    renews_id: Mapped[int | None] = mapped_column(default=None)
    revoked_on: Mapped[date | None] = mapped_column(Date, default=None)
    revoke_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogBandQuote(Base):
    """A licence price quoted outside its dataset's band (价格区间), awaiting a second person's
    approval: pending → approved → used (a licence was issued on it), or pending → rejected;
    a pending or approved, unused quote may be ``withdrawn`` (by its maker or a catalog
    manager) or ``void`` (the dataset's band changed), and licenses nothing after
    ``expires_on`` (shown as expired).

    ``band_low``..``band_high`` (in ``band_currency``) is the band the quote was made against;
    ``reason`` is the salesperson's, ``decision_reason`` the approver's. The decision itself is
    one step of the ledger's approval chain (``ledger_approvals``, subject ``band_quote``)."""

    __tablename__ = "catalog_band_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("catalog_datasets.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ledger_customers.id"), index=True)
    price: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    #: CNY per unit of ``currency`` when it is not CNY (as the licence would give it)
    fx_rate: Mapped[Decimal | None] = mapped_column(Scaled(6), default=None)
    band_low: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    band_high: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    band_currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    quoted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quoted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decision_reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: the licence issued on the approved quote (one licence per quote)
    licence_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_licences.id"),
                                                   unique=True, default=None)
    #: the last day the quote is decided or licenses (its validity, set when quoted)
    expires_on: Mapped[date] = mapped_column(Date)
    #: a withdrawal by the quote's maker or a catalog manager (status ``withdrawn``)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdraw_reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: when a change of the dataset's price band voided the quote (status ``void``)
    voided_at: Mapped[datetime | None] = mapped_column(default=None)


class CatalogQuoteRequest(Base):
    """A customer's request for a quote (询价): a catalog dataset's licence, or custom work
    described in text (``dataset_id`` none, ``custom_work`` given).

    ``open`` → ``answered`` (a salesperson's offer: ``price`` … ``acceptance_criteria``; a price
    outside the dataset's band rides on the out-of-band quote ``band_quote_id``, and the
    customer sees the offer only once that is approved) → ``accepted`` (by the customer) →
    ``licensed`` (``licence_id`` issued on it; custom work: ``contract_id``, the contract
    drafted on acceptance, stays ``accepted``); or ``declined`` with its reason, or
    ``withdrawn`` by the customer before accepting. A pending
    band quote shows as ``awaiting_approval``, an offer past ``valid_until`` as ``expired``
    (both shown, never stored)."""

    __tablename__ = "catalog_quote_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ledger_customers.id"), index=True)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_datasets.id"),
                                                   index=True, default=None)
    intended_use: Mapped[str] = mapped_column(Text)
    #: how much and how wide: seats, teams, territory, term as the customer puts it
    scope: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, default="")
    custom_work: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    price: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    fx_rate: Mapped[Decimal | None] = mapped_column(Scaled(6), default=None)
    territory: Mapped[str | None] = mapped_column(String(200), default=None)
    term: Mapped[str | None] = mapped_column(String(200), default=None)
    acceptance_criteria: Mapped[str | None] = mapped_column(Text, default=None)
    offer_note: Mapped[str | None] = mapped_column(Text, default=None)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    band_quote_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_band_quotes.id"),
                                                      default=None)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    decline_reason: Mapped[str | None] = mapped_column(Text, default=None)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    licence_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_licences.id"),
                                                   unique=True, default=None)
    #: the customer withdrew the request (status ``withdrawn``), with an optional reason
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdraw_reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: the ledger contract drafted when the customer accepted an offer for custom work
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_contracts.id"),
                                                    unique=True, default=None)


class TransferLink(Base):
    """An expiring, signed, download-counted link to a packaged release (electronic delivery)."""

    __tablename__ = "catalog_transfer_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("catalog_licences.id"), index=True)
    package_path: Mapped[str] = mapped_column(Text)
    package_sha256: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column()
    max_downloads: Mapped[int] = mapped_column()
    downloads: Mapped[int] = mapped_column(default=0)
    revoked: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogCustomerAccount(Base):
    """A user with the customer role acting for a ledger customer (sees its licences)."""

    __tablename__ = "catalog_customer_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ledger_customers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetentionSetting(Base):
    """The backup retention period of one contract's custom projects (default 6 months)."""

    __tablename__ = "retention_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("ledger_contracts.id"), unique=True)
    months: Mapped[int] = mapped_column()
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetentionHold(Base):
    """A dispute / legal hold on a project (or one item): nothing under it is deleted."""

    __tablename__ = "retention_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), default=None)
    reason: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(default=None)


class RetentionDeletion(Base):
    """A deletion certificate: what was deleted, why, who approved it, and its hash."""

    __tablename__ = "retention_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogInboxMark(Base):
    """How far a customer account has read its inbox (:mod:`datamill.catalog.inbox`): what
    happened after ``seen_at`` is unread."""

    __tablename__ = "catalog_inbox_marks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
