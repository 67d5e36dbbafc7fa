"""CLI words a zh-CN reader still met in English (h2's walk): a contract's history and its
amendment and cancellation requests (``ledger contract-history``, ``ledger contract-show``),
``db-upgrade`` and the lines ``demo`` ends on. Merged into :mod:`datamill.cli._words`. A
contract step's words are the contract page's (:mod:`datamill.core.contract_step_words`), an
approval step's and a decision's the page's ``astep.*`` and ``decision.*``."""

from __future__ import annotations

from datamill.core.unit_words import UNIT_ZH_CN

__all__ = ["LANG_H2_EN", "LANG_H2_ZH_CN"]

LANG_H2_EN: dict[str, str] = {
    # a unit after a number: English shows its code (the plural), as the CLI always has
    **{f"unit.{unit}": unit for unit in UNIT_ZH_CN},
    "ledger.history_line": "{at} {actor} {what} ({code})",
    "ledger.history_reason": ": {reason}",
    "ledger.req_amend": "  amendment {old} → {new} ({status}{signed}): {reason}",
    "ledger.req_cancel": "  cancellation on {on} ({status}{signed}): {reason}",
    "ledger.req_signed": "; {approvals}",
    "ledger.req_approval": "{step} {decision} by {approver}",
    "ledger.req_sep": ", ",
    "astep.price": "price", "astep.signing": "signing",
    "decision.approve": "approved", "decision.reject": "rejected",
    "db.upgraded": "database is at the latest schema; applied {n} migration(s): {names}",
    "db.current": "database is at the latest schema (nothing to apply)",
    "agr.no_units": "{n} items have answers from two or more annotators, but none of them holds "
                    "an answer this project's agreement compares (a class, label, span, pair or "
                    "score)",
    "agr.no_units.one": "1 item has answers from two or more annotators, but none of them is an "
                        "answer this project's agreement compares (a class, label, span, pair or "
                        "score)",
}

LANG_H2_ZH_CN: dict[str, str] = {
    # a unit after a number: the words every face reads (core.unit_words)
    **{f"unit.{unit}": words for unit, words in UNIT_ZH_CN.items()},
    "ledger.history_line": "{at} {actor} {what}（{code}）",
    "ledger.history_reason": "：{reason}",
    "ledger.req_amend": "  金额变更 {old} → {new}（{status}{signed}）：{reason}",
    "ledger.req_cancel": "  于 {on} 取消（{status}{signed}）：{reason}",
    "ledger.req_signed": "；{approvals}",
    "ledger.req_approval": "{step}{decision}（{approver}）",
    "ledger.req_sep": "，",
    "astep.price": "价格审批", "astep.signing": "签约审批",
    "decision.approve": "已批准", "decision.reject": "已驳回",
    "db.upgraded": "数据库已是最新结构；已执行 {n} 个迁移：{names}",
    "db.current": "数据库已是最新结构（无需迁移）",
    "agr.no_units": "已有 {n} 个条目由两人以上标注，但其中没有本项目一致性可比较的答案（类别、标签、实体、"
                    "成对偏好或评分）",
    "agr.no_units.one": "已有 1 个条目由两人以上标注，但其中没有本项目一致性可比较的答案（类别、标签、"
                        "实体、成对偏好或评分）",
}
