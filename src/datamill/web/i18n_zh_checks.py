"""Simplified-Chinese strings for automatic-check and inspection outcomes, merged into
``i18n_zh.ZH_CN`` (the counterpart of :mod:`datamill.web.i18n_checks`)."""

from __future__ import annotations

from datamill.core.check_fail_words import CHECK_FAIL_WORDS, CHECK_FAILED
from datamill.core.check_words import CHECK_NAME_WORDS
from datamill.core.code_words import INSPECTION_REASON_WORDS
from datamill.modalities.check_fail_more import MODALITY_CHECK_FAIL_WORDS

__all__ = ["ZH_CN_CHECKS"]

ZH_CN_CHECKS: dict[str, str] = {
    "check.tip": "{check}检查；原始记录（英文）：{stored}",
    "insp.tip": "原始记录（英文）：{stored}",
    # the checks' names: one table with the datasheets and delivery notes (core.check_words)
    **{f"check.name.{code}": words for code, words in CHECK_NAME_WORDS["zh-CN"].items()},
    # a failed check's sentence: one table with the CLI (core.check_fail_words)
    "check.failed": CHECK_FAILED["zh-CN"],
    **{f"check.fail.{code}": words for code, words in CHECK_FAIL_WORDS["zh-CN"].items()},
    "ret.batch_rejected": "{batch} 未通过质检：{reasons}",
    "ret.defective": "。质检员判定此条目不合格，其版本：{shown}",
    "ret.defective_see": "。质检员判定此条目不合格（其版本见质检 #{inspection}）",
    "ret.delivery_rejected": "交付 {delivery}（{batch}）被客户拒收：{reason}",
    "ret.customer_refused": "在交付 {delivery} 的验收中被客户拒收",
    **{f"insp.{k}": v for k, v in INSPECTION_REASON_WORDS["zh-CN"].items()},
    **{f"check.fail.{code}": words
       for code, words in MODALITY_CHECK_FAIL_WORDS["zh-CN"].items()},
}
