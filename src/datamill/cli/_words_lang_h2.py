"""CLI words a zh-CN reader still met in English (h2's walk): a contract's history and its
amendment and cancellation requests (``ledger contract-history``, ``ledger contract-show``),
``db-upgrade`` and the lines ``demo`` ends on. Merged into :mod:`datamill.cli._words`. A
contract step's words are the contract page's (:mod:`datamill.core.contract_step_words`), an
approval step's and a decision's the page's ``astep.*`` and ``decision.*``."""

from __future__ import annotations

from datamill.core.code_words import EVENT_WORDS
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
    # datamill demo: the speech project's lines, each project's end, who to sign in as, what next
    "demo.bar.synth": "synthesising speech (espeak-ng)", "demo.bar.import": "importing",
    "demo.bar.checks": "automatic checks", "demo.bar.preannotate": "pre-annotating (pocketsphinx)",
    "demo.imported": "imported {imported} files, {rejected} rejected at import:",
    "demo.checked": "checked {checked}: {passed} passed, {rejected} set aside:",
    "demo.refused": "  - {what}: {reason}",
    "demo.preannotated": "pre-annotated {items} with {model}",
    "demo.accuracy": "pre-annotation vs prompts: WER {wer}, character accuracy {accuracy} over "
                     "{items}",
    "demo.packages_ready": "{project}: {n} annotation packages are ready.",
    "demo.project": "project {project}: {counts}",
    "demo.count": "{n} {status}", "demo.sep": ", ",
    "demo.delivered": "{project}: delivery written to",
    "demo.not_accepted": "{project}: the batch was not accepted; see the inspection above",
    "demo.users": "Users (password {password}): admin, pm, alice, bob (annotators), rita "
                  "(reviewer), ivan (inspector){more}",
    "demo.users_business": ", fiona and frank (finance), catalog-sales (catalog).",
    "demo.users_end": ".",
    "demo.next_work": "Next: datamill work next {project} --as alice   or   datamill serve",
    "demo.next_serve": "Next: datamill serve, then open http://127.0.0.1:8000/ and sign in",
    # a ledger event's type (ledger event-problems), as the finance page words it
    **{f"event.{code}": code for code in EVENT_WORDS["en"]},
    "agr.name.first": "first", "agr.name.current": "current",
    "agr.level.nominal": "nominal", "agr.level.ordinal": "ordinal",
    "agr.level.interval": "interval", "agr.level.ratio": "ratio",
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
    "demo.bar.synth": "合成语音（espeak-ng）", "demo.bar.import": "导入",
    "demo.bar.checks": "自动检查", "demo.bar.preannotate": "预标注（pocketsphinx）",
    "demo.imported": "已导入 {imported} 个文件，导入时拒收 {rejected} 个：",
    "demo.checked": "已检查 {checked} 个条目：{passed} 个通过，{rejected} 个被搁置：",
    "demo.refused": "  - {what}：{reason}",
    "demo.preannotated": "已用 {model} 预标注 {items}",
    "demo.accuracy": "预标注与提示文本对比：{items}的词错误率 {wer}，字符准确率 {accuracy}",
    "demo.packages_ready": "{project}：{n} 个标注数据包已就绪。",
    "demo.project": "项目 {project}：{counts}",
    "demo.count": "{status} {n} 个", "demo.sep": "，",
    "demo.delivered": "{project}：交付已写入",
    "demo.not_accepted": "{project}：批次未通过验收，请查看上面的质检结果",
    "demo.users": "用户（密码 {password}）：admin、pm、alice 和 bob（标注员）、rita（审核员）、"
                  "ivan（质检员）{more}",
    "demo.users_business": "、fiona 和 frank（财务）、catalog-sales（数据集销售）。",
    "demo.users_end": "。",
    "demo.next_work": "下一步：datamill work next {project} --as alice，或 datamill serve",
    "demo.next_serve": "下一步：运行 datamill serve，然后打开 http://127.0.0.1:8000/ 登录",
    **{f"event.{code}": w for code, w in EVENT_WORDS["zh-CN"].items()},
    "agr.name.first": "首次提交", "agr.name.current": "当前",
    "agr.level.nominal": "定类", "agr.level.ordinal": "定序",
    "agr.level.interval": "定距", "agr.level.ratio": "定比",
    "agr.no_units": "已有 {n} 个条目由两人以上标注，但其中没有本项目一致性可比较的答案（类别、标签、实体、"
                    "成对偏好或评分）",
    "agr.no_units.one": "已有 1 个条目由两人以上标注，但其中没有本项目一致性可比较的答案（类别、标签、"
                        "实体、成对偏好或评分）",
}
