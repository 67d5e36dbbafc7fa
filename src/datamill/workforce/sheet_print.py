"""The printable acceptance-settlement sheet (验收结算单): its words in en and zh-CN, and the
self-contained HTML page the API and the CLI write.

The words are one catalogue for every face: the web's catalogues (``web/i18n_codes.py`` and
``web/i18n_zh_codes.py``) merge :data:`SHEET_EN` and :data:`SHEET_ZH_CN`, so the web's printed
page, ``GET /api/v1/settlements/{id}/html?lang=zh-CN`` and ``datamill workforce sheet-export
--lang zh-CN`` print the same translation. Keys are the web's (``ss.*``, the sheet statuses
``wf.status.*``, settlement cycles ``vcycle.*``, stages ``stage.*``, units ``unit.*`` and the
punctuation ``sp.colon`` / ``sp.paren``: full-width in zh-CN).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from datamill.business_clock import business_time
from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.core.languages import ranked_language_tags
from datamill.core.shown_numbers import shown_money, shown_price, shown_volume
from datamill.core.unit_words import PRICE_UNIT_ONE, UNIT_ONE
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.views import project_names, vendor_names, worker_names

__all__ = [
    "SHEET_CATALOGUES",
    "SHEET_EN",
    "SHEET_LANGUAGES",
    "SHEET_ZH_CN",
    "fee_percent",
    "line_description",
    "render_sheet_html",
    "sheet_language",
]

SHEET_EN: dict[str, str] = {
    "ss.title": "Acceptance-settlement sheet 验收结算单",
    "ss.vendor": "Vendor",
    "ss.days": "Days of work",
    "ss.cycle": "Settlement cycle",
    "ss.status": "Status",
    "ss.lines": "Lines",
    "ss.col.project": "Project",
    "ss.col.stage": "Stage",
    "ss.col.worker": "Worker",
    "ss.col.unit": "Pricing unit",
    "ss.col.items": "Tasks",
    "ss.col.volume": "Accepted volume",
    "ss.col.quantity": "Quantity billed",
    "ss.col.unit_price": "Unit price (CNY)",
    "ss.col.amount": "Amount (CNY)",
    "ss.col.description": "Description",
    "ss.totals": "Totals",
    "ss.amount": "Amount (accepted volume × unit price)",
    "ss.fee": "of which management fee ({rate}, included)",
    "ss.gross": "Gross (management fee included)",
    "ss.tax": "Income tax withheld",
    "ss.net": "Net payable (CNY)",
    "ss.vendor_confirmed": "Confirmed by the vendor",
    "ss.business_confirmed": "Confirmed by the business side",
    "ss.not_yet": "not yet",
    "ss.vendor_signature": "Vendor signature",
    "ss.business_signature": "Business signature",
    "ss.date": "Date",
    "ss.note": "Note",
    "ss.corrects": "Corrects sheet",
    "ss.pro_rata": "paid pro rata: {notes}",
    "ss.pro_rata_note": "delivery {delivery}: {accepted} of {delivered} items accepted by the customer",
    "ss.correction_of": "correction of {number}: {reason}",
    "wf.status.draft": "draft",
    "wf.status.vendor_confirmed": "confirmed by vendor",
    "wf.status.confirmed": "confirmed by both sides",
    "wf.status.settled": "paid",
    "wf.status.voided": "voided",
    "ss.voided": "VOID: this sheet pays nothing; its work is payable again",
    "ss.void_reason": "Voided",
    "vcycle.weekly": "weekly",
    "vcycle.half_monthly": "half-monthly",
    "vcycle.monthly": "monthly",
    "stage.annotate": "annotation",
    "stage.annotation": "annotation",
    "stage.review": "review",
    "stage.collection": "collection",
    "stage.collect": "collection",
    "stage.staff": "staff",
    "stage.equipment": "equipment",
    "stage.preannotate": "pre-annotation",
    "stage.inspection": "inspection",
    "unit.hours": "hours",
    "unit.images": "images",
    "unit.kchars": "thousand characters",
    "unit.dialogues": "dialogues",
    "unit.hour": "hours",
    "unit.item": "items",
    "unit.volume": "volume units",
    "unit.adjustment": "adjustment",
    "unit.licences": "licences",
    "unit.speakers": "speakers",
    "unit.items": "items",
    "unit.frames": "frames",
    "unit.subjects": "subjects",
    "unit.points": "points",
    "sp.paren": " ({})",
    "sp.colon": ": ",
    "ss.recovered": "deduction: the customer refused {items} item(s) of delivery {delivery} "
                    "after sheet {number} paid them; their pay is recovered",
    "ss.recovered_pro_rata": "deduction: the customer accepted {accepted} of {delivered} items "
                             "of delivery {delivery}, which sheet {number} paid in full; the "
                             "refused share of their pay is recovered",
    "ss.debt_offset": "Less the vendor's debt on sheet {sheet}",
    "ss.debt_outstanding": "The vendor's debt still to offset",
    "ss.debt_offset_by": "Offset on sheet {sheet}",
}

SHEET_ZH_CN: dict[str, str] = {
    "ss.title": "验收结算单",
    "ss.vendor": "供应商",
    "ss.days": "作业日期",
    "ss.cycle": "结算周期",
    "ss.status": "状态",
    "ss.lines": "明细",
    "ss.col.project": "项目",
    "ss.col.stage": "环节",
    "ss.col.worker": "作业人员",
    "ss.col.unit": "计价单位",
    "ss.col.items": "任务数",
    "ss.col.volume": "验收量",
    "ss.col.quantity": "结算数量",
    "ss.col.unit_price": "单价（元）",
    "ss.col.amount": "金额（元）",
    "ss.col.description": "说明",
    "ss.totals": "合计",
    "ss.amount": "金额（验收量 × 单价）",
    "ss.fee": "其中：管理费（{rate}，已含）",
    "ss.gross": "应付合计（含管理费）",
    "ss.tax": "代扣个人所得税",
    "ss.net": "应付净额（元）",
    "ss.vendor_confirmed": "供应商确认时间",
    "ss.business_confirmed": "业务方确认时间",
    "ss.not_yet": "尚未确认",
    "ss.vendor_signature": "供应商签字",
    "ss.business_signature": "业务方签字",
    "ss.date": "日期",
    "ss.note": "备注",
    "ss.corrects": "更正结算单",
    "ss.pro_rata": "按比例结算：{notes}",
    "ss.pro_rata_note": "交付 {delivery}：客户验收了 {delivered} 条中的 {accepted} 条",
    "ss.correction_of": "更正 {number}：{reason}",
    "wf.status.draft": "草稿",
    "wf.status.vendor_confirmed": "供应商已确认",
    "wf.status.confirmed": "双方已确认",
    "wf.status.settled": "已付款",
    "wf.status.voided": "已作废",
    "ss.voided": "已作废：本结算单不付款，其所含工作可重新结算",
    "ss.void_reason": "作废",
    "vcycle.weekly": "按周",
    "vcycle.half_monthly": "按半月",
    "vcycle.monthly": "按月",
    "stage.annotate": "标注",
    "stage.annotation": "标注",
    "stage.review": "审核",
    "stage.collection": "采集",
    "stage.collect": "采集",
    "stage.staff": "人员",
    "stage.equipment": "设备",
    "stage.preannotate": "预标注",
    "stage.inspection": "质检",
    "unit.hours": "小时",
    "unit.images": "张",
    "unit.kchars": "千字符",
    "unit.dialogues": "段对话",
    "unit.hour": "小时",
    "unit.item": "条",
    "unit.volume": "个数据量单位",
    "unit.adjustment": "调整",
    "unit.licences": "份授权",
    "unit.speakers": "名说话人",
    "unit.items": "个条目",
    "unit.frames": "帧",
    "unit.subjects": "名被采集人",
    "unit.points": "工时点",
    "sp.paren": "（{}）",
    "sp.colon": "：",
    "ss.recovered": "扣款：结算单 {number} 已付款的 {items} 个条目被客户在交付 {delivery} 中拒收，"
                    "扣回其报酬（返工）",
    "ss.recovered_pro_rata": "扣款：客户只验收了交付 {delivery} 的 {delivered} 条中的 {accepted} "
                             "条，结算单 {number} 已全额付款，按比例扣回未验收部分的报酬",
    "ss.debt_offset": "减：抵扣结算单 {sheet} 的供应商欠款",
    "ss.debt_outstanding": "供应商尚待抵扣的欠款",
    "ss.debt_offset_by": "已在结算单 {sheet} 中抵扣",
}

# a unit after a volume or a quantity shown as "1": "1 hour", not "1 hours" (a pricing unit's
# too: hour, item, volume); Chinese reads as after any number
SHEET_EN.update({**{f"unit.{code}.one": one for code, one in PRICE_UNIT_ONE.items()},
                 **{f"unit.{code}.one": one for code, one in UNIT_ONE.items()
                    if f"unit.{code}" in SHEET_EN}})
SHEET_ZH_CN.update({key: SHEET_ZH_CN[key.removesuffix(".one")] for key in SHEET_EN
                    if key.startswith("unit.") and key.endswith(".one")})

SHEET_CATALOGUES: dict[str, dict[str, str]] = {"en": SHEET_EN, "zh-CN": SHEET_ZH_CN}
SHEET_LANGUAGES = tuple(SHEET_CATALOGUES)


def _match(tag: str) -> str | None:
    """The catalogue a language tag names: ``zh``, ``zh-CN``, ``zh-Hans`` … → zh-CN; ``en-*`` → en."""
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    return {"zh": "zh-CN", "en": "en"}.get(primary)


def sheet_language(lang: str | None = None, accept_language: str | None = None) -> str:
    """The sheet's language: ``lang`` when given (InvalidInput when no catalogue matches it),
    else the best ``Accept-Language`` entry by q-value (ties keep header order), else English."""
    if lang is not None and lang.strip():
        code = _match(lang)
        if code is None:
            raise InvalidInput(f"no settlement-sheet language {lang!r}; use one of "
                               f"{', '.join(SHEET_LANGUAGES)}", field="lang",
                               reason_code="sheet_language_unknown", lang_value=str(lang),
                               value=', '.join(SHEET_LANGUAGES))
        return code
    for tag in ranked_language_tags(accept_language):
        if code := _match(tag):
            return code
    return "en"


def _translator(lang: str) -> Callable[[str], str]:
    table = SHEET_CATALOGUES[lang]
    return lambda key: table.get(key, SHEET_EN.get(key, key))


_PRO_RATA_NOTE = re.compile(
    r"^delivery (?P<delivery>\d+): (?P<accepted>\d+) of (?P<delivered>\d+) items accepted by "
    r"the customer$")
#: a deduction line (:data:`datamill.workforce.settlement_recovery.RECOVERED`)
_RECOVERED = re.compile(r"^recovered: customer refused (?P<items>\d+) item\(s\) of delivery "
                        r"(?P<delivery>[\d, ]+), paid on (?P<number>.+)$")
#: a pro-rata deduction line (:data:`datamill.workforce.settlement_recovery.RECOVERED_PRO_RATA`)
_RECOVERED_PRO_RATA = re.compile(
    r"^recovered pro rata: customer accepted (?P<accepted>\d+) of (?P<delivered>\d+) items of "
    r"delivery (?P<delivery>\d+), paid in full on (?P<number>.+)$")
_CORRECTION = re.compile(r"^correction of (?P<number>\S+): (?P<reason>.*)$", re.DOTALL)


def line_description(text: str | None, stage: str | None, t: Callable[[str], str]) -> str:
    """A sheet line's stored (English) description in the sheet's language.

    A regular line's ``<project> <stage>`` repeats the line's project and stage columns (and
    would name a project the reader is not cleared for): only its pro-rata note is kept. A
    correction's ``correction of <sheet>: <reason>`` keeps the reason as written. Other text is
    shown as stored.

    Examples:
        >>> en = SHEET_EN.get
        >>> line_description("demo-asr-en annotate", "annotate", lambda k: en(k, k))
        ''
        >>> line_description("p annotate (pro rata: delivery 3: 4 of 5 items accepted by the "
        ...                  "customer)", "annotate", lambda k: SHEET_ZH_CN.get(k, k))
        '按比例结算：交付 3：客户验收了 5 条中的 4 条'
    """
    raw = text or ""
    if stage:
        head, sep, notes = raw.partition(" (pro rata: ")
        if head.endswith(f" {stage}") and (not sep or notes.endswith(")")):
            if not sep:
                return ""
            worded = []
            for note in notes.removesuffix(")").split("; "):
                m = _PRO_RATA_NOTE.match(note)
                worded.append(t("ss.pro_rata_note").format(**m.groupdict()) if m else note)
            sep = t("sp.list_sep")
            return t("ss.pro_rata").format(
                notes=("; " if sep == "sp.list_sep" else sep).join(worded))
    if m := _RECOVERED_PRO_RATA.match(raw):
        return t("ss.recovered_pro_rata").format(**m.groupdict())
    if m := _RECOVERED.match(raw):
        return t("ss.recovered").format(**m.groupdict())
    if m := _CORRECTION.match(raw):
        return t("ss.correction_of").format(**m.groupdict())
    return raw


def fee_percent(rate: object) -> str:
    """A fee rate as the sheet prints it, a percentage: 0.08 → "8%", 0.115 → "11.5%"
    (it printed "0.0800", which reads as a fraction of a per cent to a vendor)."""
    value = (Decimal(str(rate)) * 100).normalize()
    return f"{value:f}%"


def _when(at: datetime | None, t: Callable[[str], str]) -> str:
    return business_time(at) if at else t("ss.not_yet")


def render_sheet_html(
    session: Session, actor: User, sheet: SettlementSheetOut, lang: str = "en",
    corrects: str | None = None,
) -> str:
    """The sheet as one self-contained printable page in ``lang`` (the web's printed page, for
    the API and the CLI): projects and workers by name (a project above the reader's clearance
    by its id only), codes translated, times to the minute, signature boxes for both sides.
    The caller has read ``sheet`` through :func:`datamill.workforce.settlement.get_sheet` (the
    vendor wall)."""
    t = _translator(lang)
    e = html.escape
    colon = t("sp.colon")

    def code(kind: str, value: str | None) -> str:
        """A code in the sheet's language; an unknown code as itself (never hidden)."""
        if value is None:
            return ""
        return t(f"{kind}.{value}") if f"{kind}.{value}" in SHEET_EN else value

    hidden = hidden_project_ids(session, actor)
    projects = project_names(
        session, {ln.project_id for ln in sheet.lines if ln.project_id is not None} - hidden)
    workers = worker_names(session, {ln.worker_id for ln in sheet.lines if ln.worker_id is not None})
    vendor = vendor_names(session).get(sheet.vendor_id, str(sheet.vendor_id))
    heads = ("project", "stage", "worker", "unit", "items", "volume", "quantity", "unit_price",
             "amount", "description")
    rows = []
    for ln in sheet.lines:
        shown = shown_volume(ln.volume) if ln.volume is not None else ""
        one = shown == "1" and f"unit.{ln.volume_unit}.one" in SHEET_EN
        volume = (f"{shown} {code('unit', f'{ln.volume_unit}.one' if one else ln.volume_unit)}"
                  if ln.volume is not None else "")
        cells = (
            "" if ln.project_id is None else projects.get(ln.project_id, str(ln.project_id)),
            code("stage", ln.stage),
            "" if ln.worker_id is None else workers.get(ln.worker_id, str(ln.worker_id)),
            code("unit", ln.unit), str(ln.items), volume, shown_volume(ln.quantity),
            shown_price(ln.unit_price), shown_money(ln.amount),
            line_description(ln.description, ln.stage, t))
        rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    totals = "".join(
        f"<tr><th>{e(label)}</th><td>{e(shown_money(value))}</td></tr>"
        for label, value in (
            (t("ss.amount"), sheet.amount),
            (t("ss.fee").format(rate=fee_percent(sheet.fee_rate)), sheet.fee),
            (t("ss.gross"), sheet.gross),
            (t("ss.tax"), sheet.tax_withheld),
            # the vendor's debts taken off after the tax, then what the vendor still owes
            *((t("ss.debt_offset").format(sheet=o.debt_sheet), -o.amount)
              for o in sheet.offsets),
            (t("ss.net"), sheet.net_payable),
            *([(t("ss.debt_outstanding"), sheet.debt_outstanding)]
              if sheet.debt_outstanding is not None else []),
            *((t("ss.debt_offset_by").format(sheet=o.sheet), o.amount)
              for o in sheet.offset_by),
        ))
    period = f"{sheet.period_start} – {sheet.last_day}"  # the days it pays for, both included
    facts = " · ".join(f"{e(t(key))}{e(colon)}{e(value)}" for key, value in (
        ("ss.vendor", vendor), ("ss.days", period), ("ss.cycle", code("vcycle", sheet.cycle)),
        ("ss.status", code("wf.status", sheet.status))))
    voided = (f"{_when(sheet.voided_at, t)}, {sheet.void_reason}"
              if sheet.status == "voided" else None)
    extra = "".join(f"<p>{e(t(key))}{e(colon)}{e(value)}</p>" for key, value in (
        ("ss.corrects", corrects), ("ss.note", sheet.note), ("ss.void_reason", voided)) if value)
    if voided:
        extra = f"<p><b>{e(t('ss.voided'))}</b></p>" + extra
    confirmed = (f"{e(t('ss.vendor_confirmed'))}{e(colon)}{e(_when(sheet.vendor_confirmed_at, t))}"
                 f" · {e(t('ss.business_confirmed'))}{e(colon)}{e(_when(sheet.confirmed_at, t))}")
    head = "".join(f"<th>{e(t('ss.col.' + h))}</th>" for h in heads)
    return (
        f"<!doctype html><html lang='{e(lang)}'><head><meta charset='utf-8'>"
        f"<title>{e(t('ss.title'))} {e(sheet.number)}</title><style>body{{font-family:sans-serif}}"
        "table{border-collapse:collapse}td,th{border:1px solid #444;padding:4px}"
        "@media print{.noprint{display:none}}</style></head><body>"
        f"<h1>{e(t('ss.title'))} {e(sheet.number)}</h1><p>{facts}</p>{extra}"
        f"<h2>{e(t('ss.lines'))}</h2>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<h2>{e(t('ss.totals'))}</h2><table>{totals}</table><p>{confirmed}</p>"
        f"<table><tr><th>{e(t('ss.vendor_signature'))}</th><th>{e(t('ss.business_signature'))}</th>"
        "</tr><tr><td style='height:4em;width:20em'></td><td style='width:20em'></td></tr>"
        f"<tr><th>{e(t('ss.date'))}</th><th>{e(t('ss.date'))}</th></tr>"
        "<tr><td style='height:2em'></td><td></td></tr></table></body></html>"
    )
