"""The catalog over HTTP: datasets (search, entry, pipeline), sources, releases (datasheet,
samples, verification), licences, transfer links and downloads, the per-dataset report, and
retention (holds, runs, certificates). The services decide who may do what (403 otherwise); a
customer sees listed entries and its own licences. The download is authorised by its signed
link, not by a token; a request made as another customer downloads too (audited as such).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, RuntimeDep, SessionDep, get_current_user
from datamill.api.params import NOTE, Day, Flag, Id, IdQuery, IdRef
from datamill.api.problem import problem_responses
from datamill.api.schemas import media_response
from datamill.catalog import band_quotes, datasets, licence_upgrade, licences, releases, retention
from datamill.catalog.access import link_customer_user
from datamill.catalog.schemas import (
    BandQuoteOut,
    DatasetOut,
    DatasetReportOut,
    DeletionOut,
    DownloadOut,
    HoldOut,
    LicenceOut,
    LicenceView,
    PipelineOut,
    ReleaseOut,
    RetentionRunOut,
    SourceOut,
    TransferLinkOut,
    VerifyOut,
)
from datamill.compliance.models import User
from datamill.compliance.users import get_user
from datamill.http_deps import cookie_session_token

__all__ = ["router"]

router = APIRouter(prefix="/catalog", tags=["catalog"])
Num = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^\d{1,14}(\.\d{1,2})?$",
                           description="A decimal string")]
Short = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=5000)]
Lang = Annotated[str, Field(min_length=2, max_length=35)]


class DatasetCreate(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    title: Short
    modality: Annotated[str, Field(min_length=1, max_length=32)]
    languages: list[Lang] = Field(min_length=1, max_length=50)
    scenario: Annotated[str, Field(max_length=64)] = ""
    description: Text = ""
    #: the older name of ``planned_volume``, for a modality counted in hours (speech)
    planned_hours: Num | None = None
    budget: Num | None = None
    market_survey: Text = ""
    price: Num | None = None
    price_low: Num | None = None
    price_high: Num | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "CNY"
    copyright_no: Annotated[str, Field(max_length=64)] | None = None
    devices: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list,
                                                                  max_length=50)
    listed: Flag = True
    #: the planned volume in the modality's own unit (hours of speech, images, frames, …)
    planned_volume: Num | None = None


class DatasetUpdate(BaseModel):
    title: Short | None = None
    scenario: Annotated[str, Field(max_length=64)] | None = None
    description: Text | None = None
    planned_hours: Num | None = None
    budget: Num | None = None
    market_survey: Text | None = None
    price: Num | None = None
    price_low: Num | None = None
    price_high: Num | None = None
    copyright_no: Annotated[str, Field(max_length=64)] | None = None
    listed: Flag | None = None
    #: in the modality's own unit; ``planned_hours`` is its older name for speech
    planned_volume: Num | None = None


class SourceAdd(BaseModel):
    batch_id: IdRef | None = None
    third_party_id: IdRef | None = None


class LicenceCreate(BaseModel):
    dataset_id: IdRef
    customer_id: IdRef
    number: Annotated[str, Field(min_length=1, max_length=16, description=(
        "YYMMDD/ABC, starting with the issue date; omitted: the issue day's first free one"))
    ] | None = None
    price: Num
    currency: Annotated[str, Field(min_length=3, max_length=3, description=(
        "ISO 4217 code of the price; default: the dataset's price currency"))] | None = None
    fx_rate: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^\d{1,6}(\.\d{1,6})?$",
                                  description="CNY per unit of a foreign currency on the issue "
                                              "date (needed unless CNY)")] | None = None
    territory: Short
    term: Short
    usage_scope: Text
    acceptance_criteria: Text
    release_id: IdRef | None = None
    issued_on: Day | None = None  # default: the number's date, else today
    band_reason: Text | None = None
    expires_on: Day | None = Field(None, description="The licence's last day (none: no end)")
    band_quote_id: IdRef | None = Field(None, description=(
        "The approved out-of-band quote a price outside the band is issued on (default: the "
        "approved, unused quote of the same dataset, customer, price and currency)"))


class LicenceRenewal(BaseModel):
    price: Num
    expires_on: Day | None = Field(None, description="The renewal's last day (none: no end)")
    number: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    release_id: IdRef | None = Field(None, description="Default: the dataset's latest release")
    issued_on: Day | None = None
    territory: Short | None = None
    term: Short | None = None
    usage_scope: Text | None = None
    acceptance_criteria: Text | None = None
    fx_rate: Annotated[str, Field(min_length=1, max_length=20,
                                  pattern=r"^\d{1,6}(\.\d{1,6})?$")] | None = None
    band_reason: Text | None = None
    band_quote_id: IdRef | None = None


class BandQuoteCreate(BaseModel):
    dataset_id: IdRef
    customer_id: IdRef
    price: Num
    currency: Annotated[str, Field(min_length=3, max_length=3, description=(
        "ISO 4217 code of the price; default: the dataset's price currency"))] | None = None
    fx_rate: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^\d{1,6}(\.\d{1,6})?$",
                                  description="CNY per unit of a foreign currency")] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=5000, description=(
        "Why the price lies outside the band (8 letters or digits at least)")), NOTE]
    valid_days: int | None = Field(None, description=(
        "Days the quote stays valid from today (default 30, 1 to 90; 422 "
        "band_quote_validity otherwise)"))


class BandQuoteDecision(BaseModel):
    decision: Literal["approve", "reject"]
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]


class BandQuoteWithdrawal(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]


class Revocation(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]
    on: Day | None = None


class LicenceUpgrade(BaseModel):
    release_id: Annotated[int, Field(ge=1)]
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]


class LinkCreate(BaseModel):
    hours: int = Field(72, ge=1, le=24 * 90)
    max_downloads: int = Field(3, ge=1, le=100)


class Acceptance(BaseModel):
    accepted_on: Day | None = None
    note: Text = ""


class CustomerLink(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    customer_id: IdRef


class HoldCreate(BaseModel):
    project_id: IdRef
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]
    item_id: IdRef | None = None


class RetentionRun(BaseModel):
    today: Day | None = None
    dry_run: Flag = False


class RetentionPeriod(BaseModel):
    months: int = Field(ge=0, le=1200)


_SAMPLE_TYPES = {".wav": "audio/wav", ".png": "image/png", ".jpg": "image/jpeg",
                 ".jpeg": "image/jpeg", ".json": "application/json"}


def _root(runtime: Any) -> Any:
    return (runtime.settings.home / "catalog").resolve()


@router.get("/datasets")
def search_endpoint(
    session: SessionDep, user: CurrentUser,
    modality: Annotated[str | None, Query(max_length=32)] = None,
    language: Annotated[str | None, Query(max_length=35)] = None,
    scenario: Annotated[str | None, Query(max_length=64)] = None,
    min_hours: Annotated[float | None, Query(ge=0, le=1e9)] = None,
    price_band: Literal["low", "mid", "high"] | None = None,
    status_: Annotated[Literal["in_development", "released", "retired"] | None,
                       Query(alias="status")] = None,
    text: Annotated[str | None, Query(max_length=200)] = None,
    min_volume: Annotated[float | None, Query(ge=0, le=1e12, description=(
        "at least this volume, in the unit of the modality filtered by (hours, images, …)"))
    ] = None,
) -> list[DatasetOut]:
    """Search and browse (a customer sees listed, released entries, without prices).
    ``min_hours`` keeps datasets counted in hours; ``min_volume`` is in the unit of the
    ``modality`` it needs."""
    return [releases.with_volume(session, d) for d in datasets.search_datasets(
        session, user, modality=modality, language=language, scenario=scenario,
        min_hours=min_hours, price_band=price_band, status=status_, text=text,
        min_volume=min_volume)]


@router.post("/datasets", status_code=status.HTTP_201_CREATED)
def create_endpoint(body: DatasetCreate, session: SessionDep, user: CurrentUser) -> DatasetOut:
    """Register a dataset in development, with its entry fields."""
    return datasets.create_dataset(session, user, **body.model_dump())


@router.get("/datasets/{dataset_id}")
def get_endpoint(dataset_id: Id, session: SessionDep, user: CurrentUser) -> DatasetOut:
    return releases.with_volume(session, datasets.get_dataset(session, user, dataset_id))


@router.patch("/datasets/{dataset_id}")
def update_endpoint(dataset_id: Id, body: DatasetUpdate, session: SessionDep,
                    user: CurrentUser) -> DatasetOut:
    """Change an entry's metadata or price (audited)."""
    return releases.with_volume(
        session, datasets.update_dataset(session, user, dataset_id, **body.model_dump()))


@router.get("/datasets/{dataset_id}/sources")
def sources_endpoint(dataset_id: Id, session: SessionDep, user: CurrentUser) -> list[SourceOut]:
    return datasets.list_sources(session, user, dataset_id)


@router.post("/datasets/{dataset_id}/sources", status_code=status.HTTP_201_CREATED)
def add_source_endpoint(dataset_id: Id, body: SourceAdd, session: SessionDep,
                        user: CurrentUser) -> SourceOut:
    """Add an accepted product-development batch or a sub-licensable third-party dataset (409
    ``ip_wall`` naming the items when it holds customer data)."""
    return datasets.add_source(session, user, dataset_id, batch_id=body.batch_id,
                               third_party_id=body.third_party_id)


@router.delete("/datasets/{dataset_id}/sources/{source_id}")
def remove_source_endpoint(dataset_id: Id, source_id: Id, session: SessionDep,
                           user: CurrentUser) -> SourceOut:
    """Take a source out of a dataset no release was built from it yet (409 once released)."""
    return datasets.remove_source(session, user, dataset_id, source_id)


@router.post("/datasets/{dataset_id}/releases", status_code=status.HTTP_201_CREATED)
def release_endpoint(dataset_id: Id, session: SessionDep, runtime: RuntimeDep,
                     user: CurrentUser) -> ReleaseOut:
    """Build the next release (409 naming the items when any is customer data)."""
    return releases.build_release(session, runtime.blobs, user, dataset_id, _root(runtime))


@router.get("/datasets/{dataset_id}/releases")
def releases_endpoint(dataset_id: Id, session: SessionDep, user: CurrentUser) -> list[ReleaseOut]:
    return releases.list_releases(session, user, dataset_id)


@router.get("/releases/{release_id}")
def get_release_endpoint(release_id: Id, session: SessionDep, user: CurrentUser) -> ReleaseOut:
    return releases.get_release(session, user, release_id)


class Withdrawal(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]
    on: Day | None = None


@router.post("/releases/{release_id}/withdrawal")
def withdraw_endpoint(release_id: Id, body: Withdrawal, session: SessionDep,
                      user: CurrentUser) -> ReleaseOut:
    """Withdraw a release: no new licence or link names it and its links stop downloading."""
    return releases.withdraw_release(session, user, release_id, reason=body.reason, on=body.on)


@router.get("/releases/{release_id}/datasheet")
def datasheet_endpoint(release_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The datasheet generated from the release's items."""
    return releases.datasheet(session, user, release_id)


@router.get("/releases/{release_id}/verify")
def verify_endpoint(release_id: Id, session: SessionDep, user: CurrentUser) -> VerifyOut:
    """Re-hash the release against its manifest (catalog staff only)."""
    return releases.verify_release_as(session, user, release_id)


@router.get("/releases/{release_id}/listing", responses=problem_responses(409))
def listing_endpoint(release_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The public data-exchange listing of a release (the fields an exchange asks for)."""
    from datamill.catalog.listing import listing

    return listing(session, user, release_id)


@router.get("/releases/{release_id}/samples/{index}", response_class=FileResponse,
            responses=media_response("A sample file", "audio/wav", "image/png", "image/jpeg",
                                     "application/octet-stream", "application/json",
                                     binary=True))
def sample_endpoint(
    release_id: Id, index: Annotated[int, Path(ge=0, le=100)], session: SessionDep,
    user: CurrentUser,
) -> FileResponse:
    """Listen to / look at one of the release's sample files."""
    path = releases.sample_path(session, user, release_id, index)
    return FileResponse(path, media_type=_SAMPLE_TYPES.get(path.suffix.lower(),
                                                           "application/octet-stream"),
                        content_disposition_type="inline")


@router.get("/releases/{release_id}/samples/{index}/preview", response_class=FileResponse,
            responses=media_response("The sample's preview rendition (a point cloud's valid "
                                     "points as float32 x, y, z, intensity)",
                                     "application/octet-stream", binary=True))
def sample_preview_endpoint(
    release_id: Id, index: Annotated[int, Path(ge=0, le=100)], session: SessionDep,
    runtime: RuntimeDep, user: CurrentUser,
) -> FileResponse:
    """What the dataset page's sample viewer draws (404 for a modality without one)."""
    preview = releases.sample_preview(session, user, release_id, index, runtime.blobs.cache_dir)
    return FileResponse(preview.path, media_type=preview.media_type,
                        content_disposition_type="inline")


@router.get("/licences")
def licences_endpoint(session: SessionDep, user: CurrentUser,
                      dataset_id: IdQuery = None) -> list[LicenceOut | LicenceView]:
    """Licences: staff see every licence whole (``LicenceOut``); a customer sees its own, in
    the customer's view (``LicenceView``: without the ledger order and the band reason)."""
    return licences.list_licences(session, user, dataset_id)


@router.post("/licences", status_code=status.HTTP_201_CREATED)
def create_licence_endpoint(body: LicenceCreate, session: SessionDep,
                            user: CurrentUser) -> LicenceOut:
    """License a released dataset to a customer (number YYMMDD/ABC, unique)."""
    return licences.create_licence(session, user, **body.model_dump())


@router.get("/band-quotes")
def band_quotes_endpoint(
    session: SessionDep, user: CurrentUser, dataset_id: IdQuery = None,
    status_: Annotated[Literal["pending", "approved", "rejected", "used", "withdrawn", "void",
                               "expired"] | None, Query(alias="status")] = None,
) -> list[BandQuoteOut]:
    """Out-of-band quotes, newest first (staff only); a pending or approved quote past its
    ``expires_on`` shows as ``expired``, one made against a band since changed as ``void``."""
    return band_quotes.list_band_quotes(session, user, dataset_id=dataset_id, status=status_)


@router.post("/band-quotes", status_code=status.HTTP_201_CREATED)
def band_quote_endpoint(body: BandQuoteCreate, session: SessionDep,
                        user: CurrentUser) -> BandQuoteOut:
    """Quote a licence price outside the dataset's band, with its reason: a licence is issued
    at that price once a second person approved the quote (422 ``band_quote_in_band`` for a
    price inside the band, which needs no approval)."""
    return band_quotes.request_band_quote(session, user, **body.model_dump())


@router.get("/band-quotes/{quote_id}")
def get_band_quote_endpoint(quote_id: Id, session: SessionDep,
                            user: CurrentUser) -> BandQuoteOut:
    return band_quotes.get_band_quote(session, user, quote_id)


@router.post("/band-quotes/{quote_id}/approvals")
def decide_band_quote_endpoint(quote_id: Id, body: BandQuoteDecision, session: SessionDep,
                               user: CurrentUser) -> BandQuoteOut:
    """Approve or reject a pending out-of-band quote with a reason: a catalog manager or
    finance (``manage_catalog`` or ``ledger``), never its maker (403 ``band_quote_own``)."""
    return band_quotes.decide_band_quote(session, user, quote_id, decision=body.decision,
                                         reason=body.reason)


@router.post("/band-quotes/{quote_id}/withdrawal")
def withdraw_band_quote_endpoint(quote_id: Id, body: BandQuoteWithdrawal, session: SessionDep,
                                 user: CurrentUser) -> BandQuoteOut:
    """Withdraw a pending or approved, unused out-of-band quote with a reason: its maker or a
    catalog manager (403 ``band_quote_withdrawer``); a withdrawn quote is decided no more and
    licenses nothing (409 ``band_quote_withdrawn``)."""
    return band_quotes.withdraw_band_quote(session, user, quote_id, reason=body.reason)


@router.get("/licences/{licence_id}")
def get_licence_endpoint(licence_id: Id, session: SessionDep,
                         user: CurrentUser) -> LicenceOut | LicenceView:
    """One licence (a customer sees its own, in the customer's view)."""
    return licences.get_licence(session, user, licence_id)


@router.post("/licences/{licence_id}/links", status_code=status.HTTP_201_CREATED)
def link_endpoint(licence_id: Id, body: LinkCreate, session: SessionDep, runtime: RuntimeDep,
                  user: CurrentUser) -> TransferLinkOut:
    """Package the release and issue an expiring, signed, download-counted link."""
    return licences.issue_transfer_link(session, runtime.settings, user, licence_id,
                                        _root(runtime), hours=body.hours,
                                        max_downloads=body.max_downloads)


@router.post("/licences/{licence_id}/revocation")
def revoke_endpoint(licence_id: Id, body: Revocation, session: SessionDep,
                    user: CurrentUser) -> LicenceOut:
    """End a licence now: its links stop; an unaccepted one's ledger contract is cancelled."""
    return licences.revoke_licence(session, user, licence_id, reason=body.reason, on=body.on)


@router.post("/licences/{licence_id}/upgrade")
def upgrade_endpoint(licence_id: Id, body: LicenceUpgrade, session: SessionDep,
                     user: CurrentUser) -> LicenceOut:
    """Move a live licence to a newer release of its dataset at no charge (same price, end
    date and ledger order), audited with the reason; its links issued so far stop."""
    return licence_upgrade.upgrade_licence(session, user, licence_id,
                                           release_id=body.release_id, reason=body.reason)


@router.post("/licences/{licence_id}/renewal", status_code=status.HTTP_201_CREATED)
def renew_endpoint(licence_id: Id, body: LicenceRenewal, session: SessionDep,
                   user: CurrentUser) -> LicenceOut:
    """The next licence of the same customer and terms (unless changed), priced and booked
    again, on the dataset's latest release unless ``release_id`` is given."""
    return licences.renew_licence(session, user, licence_id, **body.model_dump())


@router.get("/licences/{licence_id}/links")
def links_endpoint(licence_id: Id, session: SessionDep, runtime: RuntimeDep,
                   user: CurrentUser) -> list[TransferLinkOut]:
    """A licence's transfer links with their signed URLs (a customer sees its own)."""
    return licences.list_links(session, runtime.settings, user, licence_id)


@router.post("/transfers/{link_id}/revocation")
def revoke_link_endpoint(link_id: Id, session: SessionDep, runtime: RuntimeDep,
                         user: CurrentUser) -> TransferLinkOut:
    """Stop one transfer link (the licence stays)."""
    return licences.revoke_link(session, runtime.settings, user, link_id)


@router.post("/licences/{licence_id}/acceptance")
def accept_endpoint(licence_id: Id, body: Acceptance, session: SessionDep,
                    user: CurrentUser) -> LicenceOut | LicenceView:
    """The buyer's acceptance; the ledger recognises the revenue at its next sync."""
    return licences.accept_licence(session, user, licence_id, accepted_on=body.accepted_on,
                                   note=body.note)


class DeliveryRejection(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2_000)]


@router.post("/licences/{licence_id}/rejection", responses=problem_responses(404, 409, 422))
def reject_endpoint(licence_id: Id, body: DeliveryRejection, session: SessionDep,
                    user: CurrentUser) -> LicenceOut | LicenceView:
    """The buyer refuses the licence's delivery, saying why (their own licence; a seller on
    their behalf): the licence is ``rejected``, accepted only once delivered again (the next
    download). 409 for an accepted, revoked or undelivered licence."""
    from datamill.catalog.licence_rejection import reject_licence_delivery

    return reject_licence_delivery(session, user, licence_id, reason=body.reason)


_bearer = HTTPBearer(auto_error=False)


def _download_caller(request: Request, session: Any, runtime: Any,
                     credentials: HTTPAuthorizationCredentials | None) -> User | None:
    """Who a download request is made as: the bearer token's user (a bad token: 401), else
    the user of a live web session in its cookie, else nobody."""
    from datamill.compliance.sessions import lookup_session

    if credentials is not None and credentials.credentials:
        return get_current_user(session, credentials)
    token = cookie_session_token(request, runtime.settings)
    grant = lookup_session(session, token) if token else None
    return grant.user if grant is not None else None


@router.get("/transfers/{link_id}/download", response_class=FileResponse,
            responses={**media_response("The packaged release (tar)", "application/x-tar",
                                        binary=True), **problem_responses(403, 409)})
def download_endpoint(  # noqa: PLR0913 - the link's parameters and who asks
    link_id: Id, session: SessionDep, runtime: RuntimeDep, request: Request,
    expires: Annotated[int, Query(ge=0, le=2**40)],
    signature: Annotated[str, Query(min_length=1, max_length=128)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> FileResponse:
    """Download through a transfer link (signed, unexpired, within its count; audited with the
    caller and the client address). The link is the credential: no sign-in is needed, and a
    request made as another customer (their bearer token or web session) downloads too, its
    audit record marked ``not_licensee``."""
    caller = _download_caller(request, session, runtime, credentials)
    got: DownloadOut = licences.download(
        session, runtime.settings, link_id, expires=expires, signature=signature,
        caller=caller, client=request.client.host if request.client is not None else "")
    return FileResponse(got.path, media_type="application/x-tar",
                        filename=got.path.rsplit("/", 1)[-1],
                        headers={"X-Content-SHA256": got.sha256})


@router.get("/report")
def report_endpoint(session: SessionDep, user: CurrentUser) -> list[DatasetReportOut]:
    """Per dataset: licences, revenue, development cost, margin."""
    return licences.dataset_report(session, user)


@router.get("/pipeline")
def pipeline_endpoint(session: SessionDep, user: CurrentUser) -> PipelineOut:
    """New datasets per year and datasets in development (catalog staff only: a customer is
    refused ``catalog_pipeline_staff``, 403)."""
    return datasets.pipeline_counts(session, user)


@router.post("/customer-accounts", status_code=status.HTTP_201_CREATED)
def customer_account_endpoint(body: CustomerLink, session: SessionDep,
                              user: CurrentUser) -> dict[str, int]:
    """Let a customer-role user see a ledger customer's licences."""
    return link_customer_user(session, user, get_user(session, body.username), body.customer_id)


@router.post("/retention/holds", status_code=status.HTTP_201_CREATED)
def hold_endpoint(body: HoldCreate, session: SessionDep, user: CurrentUser) -> HoldOut:
    """Put a project (or one item) under a dispute / legal hold."""
    return retention.set_hold(session, user, body.project_id, body.reason, item_id=body.item_id)


@router.post("/retention/holds/{hold_id}/release")
def release_hold_endpoint(hold_id: Id, session: SessionDep, user: CurrentUser) -> HoldOut:
    return retention.release_hold(session, user, hold_id)


@router.put("/retention/contracts/{contract_id}")
def period_endpoint(contract_id: Id, body: RetentionPeriod, session: SessionDep,
                    user: CurrentUser) -> dict[str, int]:
    """A contract's backup retention period in months (default 6)."""
    return retention.set_retention_months(session, user, contract_id, body.months)


@router.post("/retention/runs")
def retention_run_endpoint(body: RetentionRun, session: SessionDep, runtime: RuntimeDep,
                           user: CurrentUser) -> RetentionRunOut:
    """Delete custom backups past their period, approved by the caller (certificates logged)."""
    return retention.run_retention(session, runtime.blobs, user, today=body.today,
                                   dry_run=body.dry_run)


@router.get("/retention/certificates")
def certificates_endpoint(session: SessionDep, user: CurrentUser,
                          project_id: IdQuery = None) -> list[DeletionOut]:
    return retention.list_deletions(session, user, project_id)

