"""A vendor's work is paid once: by settlement sheet or by data-service claim, never both.

Vendor work is paid either by a manual ledger **claim** (a ``data_service`` cost naming the
vendor as its supplier) or by a workforce **settlement sheet**, and a sheet is paid only once
the ledger booked its cost. Each check needs both the ledger and workforce, which never import
each other, so they meet here, one layer above both (below the faces and the demo; see
``.importlinter``). The CLI, the API, the web pages and the demo call these functions instead
of the services they wrap:

* :func:`draw_sheet`: workforce's ``create_settlement_sheet``, refused while a live claim of the
  vendor on the sheet's projects is dated before the period's end
  (:func:`~datamill.ledger.sheet_costs.require_no_vendor_claims`);
* :func:`pay_sheet`: workforce's ``settle_sheet``, refused while the ledger has not booked and
  posted the sheet's cost (:func:`~datamill.ledger.sheet_costs.require_sheet_cost_booked`);
* :func:`post_claim` / :func:`submit_claim`: the ledger's ``post_cost`` (as a claim) and
  ``submit_expense_claim``, refused while a settlement sheet of the supplier pays work on the
  project accepted before the claim's day
  (:func:`~datamill.workforce.sheet_claims.require_no_sheets`).

A voided sheet (:func:`~datamill.workforce.settlement_void.void_sheet`) pays nothing: it
refuses no claim, and the work it covered may go on a new sheet or be paid by claim. A paid
sheet is never voided (``reason_code`` ``sheet_paid``, worded here with the other refusals).

The claim and the sheet refuse each other by one rule (the claim's day is before the sheet's
period end), so whichever comes second is refused. Each function is all or nothing: a refused
sheet is undone (a savepoint) whatever the caller does with its session. A claim's posting and
a sheet's drawing lock the ledger projects involved, so two at once cannot both pass.

The refusals carry a ``reason_code``; this module registers :data:`REFUSAL_WORDS`, their
English and Chinese, in the one registry of the coded refusals' words
(:func:`~datamill.modalities.problem_words.register_reason_words`), from which every face words
them (the API by ``Accept-Language``, the web pages in the page's language, the CLI in
``DATAMILL_LANG``).

Examples:
    >>> from datamill.modalities.problem_words import word_reason
    >>> word_reason({"reason_code": "paid_by_sheet", "source_ref": "claim:L-1",
    ...     "supplier": "Huayu", "sheet": "WF-0001-20240506", "sheet_status": "confirmed",
    ...     "period_start": "2024-05-06", "last_day": "2024-05-12", "sheet_id": 1},
    ...     "zh-CN").split("。")[0]
    '报销 claim:L-1：Huayu 在该项目上的工作已由结算单 WF-0001-20240506（已确认，2024-05-06 至 2024-05-12）支付'
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.ledger.costs import check_claim, post_cost, submit_expense_claim
from datamill.ledger.schemas import CostOut
from datamill.ledger.sheet_costs import (
    PAID_BY_CLAIMS,
    PAID_BY_CLAIMS_EN,
    claim_project,
    require_no_vendor_claims,
    require_sheet_cost_booked,
)
from datamill.modalities.problem_words import register_reason_words
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.settlement import create_settlement_sheet, settle_sheet
from datamill.workforce.sheet_claims import (
    NOT_A_VENDOR,
    NOT_A_VENDOR_EN,
    NOT_QUALIFIED,
    NOT_QUALIFIED_EN,
    PAID_BY_SHEET,
    PAID_BY_SHEET_EN,
    claim_vendor,
    require_no_sheets,
    sheet_supplier,
)

__all__ = ["REFUSAL_WORDS", "draw_sheet", "pay_sheet", "post_claim", "require_claim_alone",
           "submit_claim"]

#: the paid-once refusals by ``reason_code``, per language (``{name}``: the error's detail); the
#: English is the refusals' own message, registered with the Chinese in the words of the coded
#: refusals (:data:`datamill.modalities.problem_words.REASON_WORDS`) that every face words from
REFUSAL_WORDS: dict[str, dict[str, str]] = {
    "en": {
        PAID_BY_SHEET: PAID_BY_SHEET_EN, PAID_BY_CLAIMS: PAID_BY_CLAIMS_EN,
        NOT_A_VENDOR: NOT_A_VENDOR_EN, NOT_QUALIFIED: NOT_QUALIFIED_EN,
        "sheet_paid": "Sheet {sheet} was paid on {paid_on} (bank transfer {reference}): a paid "
                      "sheet cannot be voided. To take money back from the vendor, draw a "
                      "correction sheet of {sheet} (POST /api/v1/settlements/{sheet_id}/"
                      "corrections).",
        "sheet_corrected": "Sheet {sheet} has live correction sheets ({corrections}): they "
                           "correct its lines; void them first (a paid correction cannot be "
                           "voided, and then neither can the sheet it corrects).",
    },
    "zh-CN": {
        NOT_A_VENDOR: "报销 {source_ref}：供应商 {supplier} 不是已登记的供应商。数据服务报销须"
                      "填写合格供应商名录中的供应商，名称与登记一致（datamill workforce "
                      "vendors）；请先登记（datamill workforce vendor-add，再 vendor-qualify）。"
                      "合格供应商：{qualified}。",
        NOT_QUALIFIED: "报销 {source_ref}：供应商 {supplier} 不在合格供应商名录中：数据服务只能"
                       "向合格供应商采购；请先将其评为合格（datamill workforce vendor-qualify "
                       "{vendor_id} 说明），或填写合格的供应商。",
        PAID_BY_SHEET: "报销 {source_ref}：{supplier} 在该项目上的工作已由结算单 {sheet}"
                       "（{sheet_status}，{period_start} 至 {last_day}）支付。供应商的工作"
                       "只能通过报销或结算单之一支付，不能两者兼用：请让结算单支付这部分"
                       "工作；如要改为报销支付，须先将其从结算单中去除（结算单确认后，以"
                       "更正单将 {sheet} 在该项目上的金额冲减为零：POST "
                       "/api/v1/settlements/{sheet_id}/corrections；结算单未付款时，也可将"
                       "整张结算单作废：POST /api/v1/settlements/{sheet_id}/void）；之后的"
                       "工作，报销日期应晚于结算单的最后一天 {last_day}。",
        PAID_BY_CLAIMS: "结算单 {sheet}：{supplier} 在其项目上的工作已由指名其为供应商的"
                        "数据服务报销支付（{claims}）。供应商的工作只能通过报销或结算单之一"
                        "支付，不能两者兼用：如按结算单支付，请先冲销这些报销（datamill "
                        "ledger cost-reverse COST --reason ...）；否则继续以报销支付这部分"
                        "工作。",
        "sheet_paid": "结算单 {sheet} 已于 {paid_on} 付款（银行转账 {reference}）：已付款的结算单"
                      "不能作废。如需向供应商追回款项，请为 {sheet} 开具更正单（POST "
                      "/api/v1/settlements/{sheet_id}/corrections）。",
        "sheet_corrected": "结算单 {sheet} 仍有有效的更正单（{corrections}），它们更正该单的"
                           "明细：请先作废这些更正单（已付款的更正单不能作废，其所更正的结算单"
                           "也就不能作废）。",
    },
}
_STATUS_ZH = {"draft": "草稿", "vendor_confirmed": "供应商已确认", "confirmed": "已确认",
              "settled": "已结算", "voided": "已作废"}


def _sheet_status(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """A refused claim's details for wording in ``lang``: the sheet's status named in Chinese."""
    status = values.get("sheet_status")
    if lang == "zh-CN" and isinstance(status, str):
        return {**values, "sheet_status": _STATUS_ZH.get(status, status)}
    return values


register_reason_words(REFUSAL_WORDS, _sheet_status)


def draw_sheet(
    session: Session, actor: User, vendor_id: int, period_start: date
) -> SettlementSheetOut:
    """Draw up (or redraw the draft of) a vendor's settlement sheet, refused for work a live
    data-service claim naming the vendor already pays (the sheet is then not drawn)."""
    with session.begin_nested():
        sheet = create_settlement_sheet(session, actor, vendor_id, period_start)
        require_no_vendor_claims(session, *sheet_supplier(session, sheet))
    return sheet


def pay_sheet(
    session: Session, actor: User, sheet_id: int, *, reference: str,
    method: str = "bank_transfer", paid_on: date | None = None,
) -> SettlementSheetOut:
    """Record the payment of a confirmed sheet, refused (and not recorded) while the ledger has
    not booked and posted its cost (its events not synced yet are booked first)."""
    with session.begin_nested():
        sheet = settle_sheet(session, actor, sheet_id, method=method, reference=reference,
                             paid_on=paid_on)
        require_sheet_cost_booked(session, sheet_id, sheet.number, actor_id=actor.id)
    return sheet


def require_claim_alone(
    session: Session, project_id: int, category: str, supplier: str | None, incurred_on: date,
    source_ref: str,
) -> str | None:
    """The supplier of a data-service claim on ledger project ``project_id`` dated
    ``incurred_on`` as its vendor is registered: refused when it is no registered vendor or
    one off the qualified-supplier list (:func:`~datamill.workforce.sheet_claims.claim_vendor`),
    and while a settlement sheet of that vendor pays the project's work from before that day.
    Other categories and claims naming no supplier pass (``supplier`` back as given; the ledger
    refuses a data-service claim without one)."""
    if category != "data_service" or not (supplier or "").strip():
        return supplier
    name = claim_vendor(session, supplier or "", source_ref)
    production = claim_project(session, project_id, lock=True)  # as post_cost locks it
    require_no_sheets(session, name, production, incurred_on, source_ref)
    return name


def post_claim(  # noqa: PLR0913 - post_cost's fields, keyword-only
    session: Session, project_id: int, stage: str, category: str, amount: Decimal | str | None,
    source_ref: str, *, incurred_on: date, supplier: str | None = None,
    quantity: Decimal | str | None = None, unit_price: Decimal | str | None = None,
    over_budget_reason: str | None = None, actor_id: int | None = None,
) -> CostOut:
    """A cost typed in by a person (``datamill ledger cost-post``, ``POST
    /ledger/projects/{id}/costs``): the ledger's ``post_cost`` as a claim. A data-service one
    names a qualified vendor and gives quantity and unit price (the amount, when given, must be
    their product to the fen), and is refused for work a settlement sheet of its supplier pays
    (:func:`require_claim_alone`)."""
    check_claim(category, amount, incurred_on=incurred_on, source_ref=source_ref,
                supplier=supplier, quantity=quantity, unit_price=unit_price)
    supplier = require_claim_alone(session, project_id, category, supplier, incurred_on,
                                   source_ref)
    return post_cost(session, project_id, stage, category, amount, source_ref,
                     incurred_on=incurred_on, supplier=supplier, quantity=quantity,
                     unit_price=unit_price, over_budget_reason=over_budget_reason,
                     actor_id=actor_id, claim=True)


def submit_claim(  # noqa: PLR0913 - the claim's fields, keyword-only
    session: Session, project_id: int, *, stage: str, supplier: str,
    quantity: Decimal | str, unit_price: Decimal | str, claim_no: str, incurred_on: date,
    over_budget_reason: str | None = None, actor_id: int | None = None,
) -> CostOut:
    """The ledger's ``submit_expense_claim`` (a data-service claim: supplier, quantity × unit
    price), its supplier a qualified vendor, refused for work a settlement sheet of the
    supplier pays (:func:`require_claim_alone`)."""
    name = require_claim_alone(session, project_id, "data_service", supplier, incurred_on,
                               f"claim:{claim_no}")
    return submit_expense_claim(session, project_id, stage=stage, supplier=name or supplier,
                                quantity=quantity, unit_price=unit_price, claim_no=claim_no,
                                incurred_on=incurred_on, over_budget_reason=over_budget_reason,
                                actor_id=actor_id)
