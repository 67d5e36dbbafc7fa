"""zh-CN strings for the codes the pages show (statuses, verdicts, roles, error kinds), the
error pages and the earnings page, merged into ``i18n_zh.ZH_CN`` (English: ``i18n_codes``)."""

from __future__ import annotations

from datamill.core.code_words import (
    EVENT_WORDS,
    ITEM_STATUS_WORDS,
    METRIC_WORDS,
    SEGMENT_WORDS,
    STATUS_WORDS,
    VENDOR_KIND_WORDS,
    VERDICT_WORDS,
)
from datamill.core.record_words import ACTION_WORDS, OBJECT_WORDS, ROLE_WORDS
from datamill.workforce.sheet_print import SHEET_ZH_CN

__all__ = ["ZH_CN_CODES"]

_STATUSES = STATUS_WORDS["zh-CN"]
_ROLES = ROLE_WORDS["zh-CN"]
_VERDICTS = VERDICT_WORDS["zh-CN"]
_ERROR_CODES = {
    "not_found": "找不到", "forbidden": "无权操作", "unauthorized": "未登录",
    "not_signed_in": "未登录", "conflict": "冲突", "invalid_input": "输入无效",
    "annotation_file_invalid": "标注文件无效", "audio_not_decodable": "音频无法解码",
    "image_not_decodable": "图像无法解码", "text_not_decodable": "文本无法解码",
    "text_source_invalid": "文本来源无效", "decryption_failed": "解密失败",
    "engine_unavailable": "引擎不可用", "preannotator_unavailable": "预标注模型不可用",
    "weak_secret": "密钥强度不足", "wrong_password": "当前密码错误",
    "blob_missing": "存储的文件缺失", "audit_key_missing": "审计密钥缺失",
}
_ERROR_STATUSES = {
    "400": "请求有误", "401": "未登录", "403": "无权访问", "404": "找不到页面",
    "405": "不支持该请求方法", "409": "冲突", "413": "请求过大", "422": "输入无效",
    "500": "服务器内部错误",
}

_ERROR_EXPLAINED = {
    "forbidden": "您的角色、项目成员身份或密级许可不允许此操作。如确有需要，请联系项目经理或管理员。",
    "not_found": "该对象不存在、已被删除，或您无权查看。",
    "conflict": "数据已被改动，或当前状态不允许此操作；请刷新页面后重试。",
    "invalid_input": "提交的内容无法按原样接受；请修改后重试。",
}
_MISC = {
    "ptype.custom_service": "定制服务", "ptype.product_development": "产品研发",
    "ptype.processing_only": "仅加工",
    **SEGMENT_WORDS["zh-CN"],
    "category.data_service": "数据服务采购", "category.labour": "直接人工",
    "category.equipment": "场地设备", "category.other": "其他",
    "basis.batch_acceptance": "批次验收", "basis.final_acceptance": "终验",
    "basis.final_accounts": "决算", "basis.licence": "授权许可",
    "basis.write_off": "核销", "basis.completion": "完工进度",
    "basis.period_carry": "期末结转", "basis.cost_reduction": "成本冲减",
    "atype.1": "一次交付、一次验收", "atype.2": "分批交付、一次终验",
    "atype.3": "分批交付、逐批验收",
    **{f"vkind.{k}": w for k, w in VENDOR_KIND_WORDS["zh-CN"].items()},
    "ckind.custom": "定制", "ckind.licence": "授权许可",
    "ckind.technical_service": "技术服务",
    **{f"event.{code}": w for code, w in EVENT_WORDS["zh-CN"].items()},
    "decision.approve": "已批准", "decision.reject": "已驳回",
    "astep.price": "价格审批", "astep.signing": "签约审批",
}
_METRICS = METRIC_WORDS["zh-CN"]

# an item's or a batch's status: 已验收 is the customer's acceptance (of a delivery); an item
# or batch that passed the sampling inspection is not yet accepted by anyone
_ITEM_STATUSES = ITEM_STATUS_WORDS["zh-CN"]

ZH_CN_CODES: dict[str, str] = {
    **_MISC,
    "modality.speech.asr": "语音识别",
    "modality.speech.tts": "语音合成",
    "modality.image": "图像",
    "modality.text": "文本",
    "modality.llm": "大模型对话",
    "modality.pointcloud": "点云",
    "language.und": "未确定语言（und）",
    "language.mul": "多种语言（mul）",
    "language.zxx": "无语言内容（zxx）",
    "modality.speech": "语音",
    "lgroup.chinese": "中文", "lgroup.minority": "少数民族语言", "lgroup.foreign": "外语",
    "fin.src.claim": "报销单", "fin.src.settlement": "结算单", "fin.src.depreciation": "折旧",
    "fin.src.hour_points": "工时积分", "fin.src.golden": "金标检查",
    "fin.src.reversal": "冲销成本", "fin.src.void": "作废",
    **{f"status.{k}": v for k, v in _STATUSES.items()},
    **{f"item_status.{k}": v for k, v in _ITEM_STATUSES.items()},
    **{f"metric.{k}": v for k, v in _METRICS.items()},
    **{f"role.{k}": v for k, v in _ROLES.items()},
    **{f"verdict.{k}": v for k, v in _VERDICTS.items()},
    **{f"error.code.{k}": v for k, v in _ERROR_CODES.items()},
    **{f"error.status.{k}": v for k, v in _ERROR_STATUSES.items()},
    "error.id": "错误编号",
    "error.no_page": "此地址没有页面。",
    "error.body_too_large": "提交的内容超过了本服务器接受的 {limit} 字节上限。",
    **{f"error.explain.{k}": v for k, v in _ERROR_EXPLAINED.items()},
    "error.in_english": "详细信息（英文）：",
    "wf.earn.not_worker": "您尚未登记为作业人员，因此没有收入记录。请由项目经理或供应商为您登记。",
    "wf.earn.lines": "各结算期收入",
    "wf.earn.none": "目前还没有结算单向您付款。",
    "wf.earn.project": "项目",
    "wf.earn.stage": "环节",
    "wf.earn.items": "任务数",
    "wf.earn.volume": "验收量",
    "wf.earn.unit_price": "单价",
    "wf.earn.sheet_status": "结算单状态",
    "wf.worker.title_vendor": "我的验收工作量",
    "wf.worker.paid_by_vendor": "您是供应商“{vendor}”的作业人员。公司按验收量向“{vendor}”结算，"
                                "您的报酬由“{vendor}”支付，因此本页只显示您的验收工作量，不显示金额。"
                                "报酬问题请咨询您的供应商。",
    "wf.worker.paid_by_vendor_other": "供应商“{vendor}”的作业人员：公司按验收量向该供应商结算，"
                                      "由供应商向作业人员支付报酬。",
    "wf.worker.accepted_work": "已确认结算单上的验收量",
    "wf.worker.tasks": "个任务",
    "wf.worker.vendor_amount": "供应商就此工作量的结算金额（元）",
    "wf.worker.accepted_chart": "各结算期验收任务数",
    "wf.earn.lines_volume": "各结算期验收工作量",
    "wf.earn.none_volume": "目前还没有结算单列出您的验收工作量。",
    "db.no_accounts": "该项目尚未建账。",
    "db.finance_overview": "财务总览",
    "wb.required_missing": "提交前请填写必填项",
    "rv.reason_choose": "请选择原因…",
    "rv.reason_required": "驳回前请选择原因。",
    "in.cancel": "取消",
    "in.confirm": "确认结论",
    "in.confirm_q": "确定为该批次记录此结论吗？记录后无法更改。",
    "in.diff": "修改稿与交付文本对比",
    "sp.lparen_after": "（",
    "sp.lquote": "“",
    "sp.rquote": "”",
    "sp.lparen": "（",
    "sp.rparen": "）",
    "nav.my_vendor": "我的供应商",
    "nav.vendor_people": "人员",
    "nav.vendor_packages": "任务包",
    **SHEET_ZH_CN,  # the printable settlement sheet (workforce.sheet_print, with the API and CLI)
    # an audit action (tc('action', ...) on /audit): core.record_words, as the CLI's
    **{f"action.{k}": v for k, v in ACTION_WORDS["zh-CN"].items()},
    **{f"object.{k}": v for k, v in OBJECT_WORDS["zh-CN"].items()},
}
