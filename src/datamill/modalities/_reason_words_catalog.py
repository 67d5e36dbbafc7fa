"""The words of refusals met by customers and the catalog's people (trial h7, round 3), English
and zh-CN: an id that names nothing the reader may see (``object_not_found``, raised by
:func:`datamill.db.lookup.not_found` for every object kind, its ``object`` named in the
reader's language by :data:`OBJECT_WORDS_ZH_CN`), a licence number that names none."""

from __future__ import annotations

from typing import Any

__all__ = ["CATALOG_REFUSALS_EN", "CATALOG_REFUSALS_ZH_CN", "OBJECT_WORDS_ZH_CN",
           "QUOTE_STATUS_WORDS_ZH_CN", "object_noun", "quote_status"]

CATALOG_REFUSALS_EN: dict[str, str] = {
    "object_not_found": "There is no {object} with id {object_id} that you may see.",
    "licence_number_unknown": "There is no licence numbered {licence} that you may see: give "
                              "its number (YYMMDD/ABC) or its id.",
}

CATALOG_REFUSALS_ZH_CN: dict[str, str] = {
    "object_not_found": "没有您可以查看的编号为 {object_id} 的{object}。",
    "licence_number_unknown": "没有您可以查看的编号为 {licence} 的授权：请填写授权编号"
                              "（YYMMDD/ABC）或其 id。",
}

#: the object kinds ``not_found`` names, in Chinese (a kind not here is shown as it is)
OBJECT_WORDS_ZH_CN: dict[str, str] = {
    "project": "项目", "production project": "生产项目", "vendor": "供应商", "batch": "批次",
    "delivery": "交付", "item": "条目", "user": "用户", "customer": "客户",
    "work package": "数据包", "inspection": "抽检", "task": "任务", "budget": "预算",
    "settlement sheet": "验收结算单", "out-of-band quote": "区间外报价",
    "framework agreement": "框架协议", "contract": "合同", "worker": "人员",
    "transfer link": "下载链接", "third-party dataset": "第三方数据集",
    "surveying qualification": "测绘资质", "purchase request": "采购申请",
    "performance order": "履约订单", "licence": "授权", "invitation": "邀请",
    "import run": "导入记录", "hold": "保全", "effect evaluation": "应用效果验证",
    "cost": "费用", "catalog release": "数据集版本", "catalog dataset": "标准化数据集",
    "annotation": "标注", "quote request": "询价", "ratio test": "标产比测试",
    "procurement budget": "采购预算", "cost event": "成本事件", "grade": "等级",
    "export rule": "出境规则",
    "ledger project": "财务项目",
}


def object_noun(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """The ``object`` of an ``object_not_found`` refusal in ``lang`` (zh-CN: in Chinese)."""
    if lang == "zh-CN" and isinstance(values.get("object"), str):
        return {**values, "object": OBJECT_WORDS_ZH_CN.get(values["object"], values["object"])}
    return values


#: a quote request's statuses as a customer reads them (``quote_request_state``)
QUOTE_STATUS_WORDS_ZH_CN: dict[str, str] = {
    "open": "待报价", "offered": "已报价", "awaiting_approval": "报价待区间外审批",
    "expired": "报价已过期", "declined": "已婉拒", "accepted": "已接受", "licensed": "已授权",
    "withdrawn": "已撤回",
}


def quote_status(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """The ``status`` of a ``quote_request_state`` refusal in ``lang`` (zh-CN: in Chinese)."""
    if lang == "zh-CN" and isinstance(values.get("status"), str):
        return {**values, "status": QUOTE_STATUS_WORDS_ZH_CN.get(values["status"],
                                                                 values["status"])}
    return values
