"""What the catalog's services return (the API serialises these; the CLI prints them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

__all__ = [
    "BandQuoteOut",
    "DatasetOut",
    "DatasetReportOut",
    "DeletionOut",
    "DownloadOut",
    "HoldOut",
    "LicenceOut",
    "LicenceView",
    "PipelineOut",
    "QuoteRequestOut",
    "ReleaseOut",
    "RetentionRunOut",
    "SourceOut",
    "ThirdPartyOut",
    "TransferLinkOut",
    "VerifyOut",
    "VolumeOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class VolumeOut(BaseModel):
    """A volume in a modality's own unit (hours of speech, images, frames, dialogues, …)."""

    value: int | float
    unit: str


class DatasetOut(_Out):
    id: int
    name: str
    title: str
    modality: str
    languages: list[str]
    scenario: str
    description: str
    status: str
    #: in hours: shown only for a modality counted in hours (speech); ``planned_volume`` for all
    planned_hours: Decimal | None = None
    budget: Decimal | None = None
    market_survey: str = ""
    #: prices and bands are shown to sales and staff only (None for a customer)
    price: Decimal | None = None
    price_low: Decimal | None = None
    price_high: Decimal | None = None
    price_band: str | None = None
    currency: str
    copyright_no: str | None = None
    devices: list[str]
    listed: bool
    created_at: datetime
    released_at: datetime | None = None
    latest_release: int | None = None
    #: in hours: shown only for a modality counted in hours (speech); ``volume`` for all
    hours: float | None = None
    items: int | None = None
    #: shown only for a modality whose items have speakers
    speakers: int | None = None
    #: the latest release's volume in the modality's own unit (None before a release)
    volume: VolumeOut | None = None
    #: the planned volume in the modality's own unit (hours of speech, images, …)
    planned_volume: VolumeOut | None = None

    @model_serializer(mode="wrap")
    # no return annotation: the schema (OpenAPI) stays the model's, these keys optional
    def _modality_keys(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        """Hour and speaker keys only where the modality is counted in hours / has speakers
        (its plugin says which: :mod:`datamill.catalog.modality_facts`)."""
        from datamill.catalog.modality_facts import modality_facts

        data: dict[str, Any] = handler(self)
        facts = modality_facts(self.modality)
        if facts.unit != "hours":
            data.pop("hours", None)
            data.pop("planned_hours", None)
        if not facts.speakers:
            data.pop("speakers", None)
        return data


class SourceOut(_Out):
    id: int
    dataset_id: int
    kind: str
    batch_id: int | None = None
    third_party_id: int | None = None


class ThirdPartyOut(_Out):
    id: int
    name: str
    supplier: str
    contract_ref: str
    permanent: bool
    sublicensable: bool
    consent_basis: str
    cost: Decimal
    files: int = 0


class ReleaseOut(_Out):
    id: int
    dataset_id: int
    version: int
    manifest_sha256: str
    path: str
    items: int
    volume: int
    entry: dict[str, Any]
    created_at: datetime
    withdrawn_on: date | None = None
    withdraw_reason: str | None = None


class VerifyOut(BaseModel):
    release_id: int
    manifest_sha256: str
    intact: bool
    files: int
    problems: list[str]


class LicenceView(_Out):
    """A licence as its customer sees it: the terms, dates and state, without the seller's
    internal fields (the ledger order, the out-of-band reason); staff get :class:`LicenceOut`."""

    id: int
    number: str
    dataset_id: int
    #: the dataset's name and title and the customer's name, beside their ids
    dataset_name: str = ""
    dataset_title: str = ""
    release_id: int
    customer_id: int
    customer_name: str = ""
    price: Decimal
    currency: str
    territory: str
    term: str
    usage_scope: str
    acceptance_criteria: str
    status: str
    issued_on: date
    delivered_on: date | None = None
    accepted_on: date | None = None
    #: the last day the licensee may download (None: no end date)
    expires_on: date | None = None
    #: the licence this one renews
    renews_id: int | None = None
    revoked_on: date | None = None
    revoke_reason: str | None = None
    #: the end date has passed
    expired: bool = False
    #: neither revoked nor expired: links may be issued and used
    active: bool = True


class LicenceOut(LicenceView):
    """A licence as staff see it: with its ledger order and the reason recorded for a price
    outside the dataset's band."""

    order_id: int | None = None
    band_reason: str | None = None


class TransferLinkOut(BaseModel):
    id: int
    licence_id: int
    url: str
    expires_at: datetime
    max_downloads: int
    downloads: int
    package_sha256: str
    revoked: bool = False


class DownloadOut(BaseModel):
    link_id: int
    licence_id: int
    path: str
    sha256: str
    downloads: int
    max_downloads: int


class DatasetReportOut(BaseModel):
    dataset_id: int
    name: str
    licences: int
    #: licences the buyer accepted (a revoked one that was accepted first too)
    accepted: int
    revenue: Decimal
    development_cost: Decimal
    margin: Decimal
    #: margin / revenue as a fraction (0.35 for 35 %), as every ``margin_pct`` of the ledger's
    #: reports; faces show it as a percentage (it was a percent here: 100.0 beside the ledger's 1)
    margin_pct: Decimal | None
    #: revenue, cost and margin are the ledger's: CNY (a foreign-currency licence at its rate)
    currency: str = "CNY"
    #: what the licences were priced at, per currency (``{"USD": "50000.00"}``), without
    #: those revoked before acceptance (their contracts were cancelled)
    licensed: dict[str, Decimal] = Field(default_factory=dict)
    #: licences revoked (before or after acceptance)
    revoked: int = 0


class PipelineOut(BaseModel):
    #: year → new releases that year, and datasets in development at its end
    years: list[dict[str, int]]
    in_development: int
    released: int


class HoldOut(_Out):
    id: int
    project_id: int
    item_id: int | None = None
    reason: str
    active: bool


class DeletionOut(_Out):
    id: int
    project_id: int
    kind: str
    what: str
    sha256: str
    size_bytes: int
    reason: str
    approved_by: int
    deleted_at: datetime


class RetentionRunOut(BaseModel):
    deleted: list[DeletionOut]
    kept: list[dict[str, Any]]
    dry_run: bool


class BandQuoteOut(BaseModel):
    """A licence price quoted outside its dataset's band, and its second person's decision:
    ``pending`` → ``approved`` → ``used`` (``licence_id`` issued on it), or ``rejected``;
    ``withdrawn`` by its maker or a catalog manager, ``void`` once the dataset's band changed,
    ``expired`` (shown, not stored) when pending or approved past ``expires_on``."""

    id: int
    dataset_id: int
    dataset_name: str
    customer_id: int
    customer_name: str
    price: Decimal
    currency: str
    fx_rate: Decimal | None = None
    #: the band the quote was made against, in ``band_currency``
    band_low: Decimal | None = None
    band_high: Decimal | None = None
    band_currency: str
    reason: str
    status: str
    quoted_by: int
    quoted_by_name: str
    quoted_at: datetime
    decided_by: int | None = None
    decided_by_name: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    licence_id: int | None = None
    #: the last day the quote is decided or licenses
    expires_on: date
    withdrawn_by: int | None = None
    withdrawn_by_name: str | None = None
    withdrawn_at: datetime | None = None
    withdraw_reason: str | None = None
    #: when a change of the dataset's band voided the quote
    voided_at: datetime | None = None


class QuoteRequestOut(BaseModel):
    """A customer's request for a quote and its answer (:mod:`datamill.catalog.quote_requests`).

    ``status``: ``open`` (no answer yet), ``awaiting_approval`` (staff only: the offer's price
    lies outside the band and awaits a second person; the customer sees ``open``),
    ``offered``, ``expired`` (the offer passed ``valid_until``), ``declined``, ``accepted``,
    ``licensed``, ``withdrawn`` (by the customer). The offer's fields are empty for the customer until it is ``offered``;
    ``band_quote_id``, ``band_quote_status`` and ``offer_note``'s author are staff's."""

    id: int
    customer_id: int
    customer_name: str
    dataset_id: int | None = None
    dataset_name: str | None = None
    dataset_title: str | None = None
    intended_use: str
    scope: str
    message: str
    custom_work: str
    status: str
    requested_by_name: str
    requested_at: datetime
    price: Decimal | None = None
    currency: str | None = None
    fx_rate: Decimal | None = None
    territory: str | None = None
    term: str | None = None
    acceptance_criteria: str | None = None
    offer_note: str | None = None
    valid_until: date | None = None
    answered_by_name: str | None = None
    answered_at: datetime | None = None
    decline_reason: str | None = None
    accepted_by_name: str | None = None
    accepted_at: datetime | None = None
    licence_id: int | None = None
    licence_number: str | None = None
    #: custom work: the contract drafted for sales when the customer accepted the offer
    contract_id: int | None = None
    contract_number: str | None = None
    contract_status: str | None = None
    band_quote_id: int | None = None
    band_quote_status: str | None = None
    withdrawn_at: datetime | None = None
    withdraw_reason: str | None = None
