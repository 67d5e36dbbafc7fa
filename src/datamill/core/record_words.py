"""The words for the codes a person reads in a listing of people and of the audit trail: roles
(``user list``, the pages), audit actions (``audit list``, the /audit page) and the kinds of
export assessment a destination needs, in English and zh-CN, for the CLI and the web alike.
``--json`` and the API keep the codes; a code no table knows is shown as it is, never hidden.

Examples:
    >>> role_word("project_manager", "zh-CN")
    '项目经理'
    >>> action_word("project.member_added", "en")
    'member added to project'
    >>> action_word("ledger.budget.reject", "zh-CN")
    '驳回预算'
    >>> action_word("some.new_code", "zh-CN")
    'some.new_code'
"""

from __future__ import annotations

__all__ = ["ACTION_WORDS", "EXPORT_REQUIREMENT_WORDS", "OBJECT_WORDS", "ROLE_WORDS",
           "action_word", "legacy_action", "object_word", "role_word"]

#: a role's words (``role.<code>`` on the pages)
ROLE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "admin": "administrator", "project_manager": "project manager",
        "corpus_designer": "corpus designer", "collection_coordinator": "collection coordinator",
        "annotator": "annotator", "reviewer": "reviewer", "inspector": "inspector",
        "vendor_manager": "vendor manager", "vendor_worker": "vendor worker",
        "procurement": "procurement", "finance": "finance",
        "data_security_officer": "data security officer", "auditor": "auditor",
        "customer": "customer", "sales": "sales",
        "dept_manager": "department manager", "vp": "vice president",
        "finance_reviewer": "finance reviewer", "finance_manager": "finance manager",
        "cfo": "CFO", "finance_head": "head of finance",
    },
    "zh-CN": {
        "admin": "管理员", "project_manager": "项目经理", "corpus_designer": "语料设计",
        "collection_coordinator": "采集协调", "annotator": "标注员", "reviewer": "审核员",
        "inspector": "质检员", "vendor_manager": "供应商负责人", "vendor_worker": "供应商人员",
        "procurement": "采购", "finance": "财务", "data_security_officer": "数据安全官",
        "auditor": "审计", "customer": "客户", "sales": "销售",
        "dept_manager": "部门经理", "vp": "副总裁", "finance_reviewer": "财务审核",
        "finance_manager": "财务经理", "cfo": "首席财务官", "finance_head": "财务负责人",
    },
}

#: what a destination's exports need (``security export-rules``)
EXPORT_REQUIREMENT_WORDS: dict[str, dict[str, str]] = {
    "en": {"self_assessment": "self-assessment", "security_assessment": "security assessment"},
    "zh-CN": {"self_assessment": "风险自评估", "security_assessment": "安全评估"},
}

#: each audit action: (English, Chinese)
_ACTIONS: dict[str, tuple[str, str]] = {
    "aggregate.chunk": ("aggregates stored (part of a run)", "保存汇总结果（一次汇总的一部分）"),
    "aggregate.project": ("overlapping answers aggregated", "汇总重叠答案"),
    "aggregate.routed": ("disagreement routed to review", "分歧转交审核"),
    "aggregate.unresolved": ("disagreement left unresolved", "分歧未解决"),
    "annotation.submitted": ("annotation submitted", "提交标注"),
    "audit.exported": ("audit trail exported", "导出审计记录"),
    "audit.verified": ("audit trail verified", "校验审计记录"),
    "auth.password_change_failed": ("password change failed", "修改密码失败"),
    "auth.sign_in_failed": ("sign-in failed", "登录失败"),
    "auth.signed_in": ("signed in", "登录"),
    "auth.signed_out": ("signed out", "退出登录"),
    "batch.created": ("batch created", "创建批次"),
    "batch.accepted": ("batch accepted", "批次验收通过"),
    "batch.rejected": ("batch rejected", "批次验收不通过"),
    "calendar.working_days": ("working days set", "设置工作日"),
    "catalog.band_quote.requested": ("out-of-band quote requested", "申请区间外报价"),
    "catalog.band_quote.approved": ("out-of-band quote approved", "批准区间外报价"),
    "catalog.band_quote.rejected": ("out-of-band quote rejected", "驳回区间外报价"),
    "catalog.band_quote.voided": ("out-of-band quote voided", "作废区间外报价"),
    "catalog.band_quote.withdrawn": ("out-of-band quote withdrawn", "撤回区间外报价"),
    "catalog.customer_account.linked": ("customer account linked", "关联客户账号"),
    "catalog.dataset.created": ("catalog dataset created", "创建目录数据集"),
    "catalog.dataset.updated": ("catalog dataset updated", "更新目录数据集"),
    "catalog.licence.accepted": ("licence accepted", "接受许可"),
    "catalog.licence.issued": ("licence issued", "签发许可"),
    "catalog.licence.revoked": ("licence revoked", "撤销许可"),
    "catalog.licence.upgraded": ("licence upgraded", "升级许可"),
    "catalog.quote_request.accepted": ("quote accepted", "接受报价"),
    "catalog.quote_request.answered": ("quote request answered", "答复询价"),
    "catalog.quote_request.declined": ("quote request declined", "谢绝询价"),
    "catalog.quote_request.licensed": ("quote request licensed", "询价已签发许可"),
    "catalog.quote_request.requested": ("quote requested", "提交询价"),
    "catalog.quote_request.withdrawn": ("quote request withdrawn", "撤回询价"),
    "catalog.release.built": ("release built", "生成发布版本"),
    "catalog.release.withdrawn": ("release withdrawn", "撤回发布版本"),
    "catalog.source.added": ("source added", "添加来源"),
    "catalog.source.removed": ("source removed", "移除来源"),
    "catalog.third_party.registered": ("third-party dataset registered", "登记第三方数据集"),
    "catalog.transfer.download": ("transfer downloaded", "下载传输文件"),
    "catalog.transfer_link.issued": ("transfer link issued", "签发传输链接"),
    "catalog.transfer_link.revoked": ("transfer link revoked", "撤销传输链接"),
    "collection.consent_signed": ("consent signed", "签署知情同意书"),
    "collection.consent_text": ("consent text set", "设置知情同意书文本"),
    "collection.demographics_refused": ("demographics refused", "拒绝提供人口信息"),
    "collection.demographics_reset": ("demographics reset", "重置人口信息"),
    "collection.enrolled": ("speaker enrolled", "说话人报名"),
    "collection.invite_revoked": ("invitation revoked", "撤销邀请"),
    "collection.invited": ("speaker invited", "邀请说话人"),
    "collection.prompts_added": ("prompts added", "添加提示文本"),
    "collection.rerecord_requested": ("re-recording requested", "要求重录"),
    "collection.subjects_read": ("subjects' personal data read", "查阅采集对象个人信息"),
    "delivery.accepted": ("delivery accepted", "交付验收通过"),
    "delivery.created": ("delivery created", "创建交付"),
    "delivery.download_refused": ("delivery download refused", "拒绝下载交付"),
    "delivery.file_downloaded": ("delivery file downloaded", "下载交付文件"),
    "delivery.package_decrypted": ("delivery package decrypted", "解密交付数据包"),
    "delivery.package_downloaded": ("delivery package downloaded", "下载交付数据包"),
    "delivery.redelivered": ("delivery written again", "重新生成交付"),
    "delivery.rejected": ("delivery rejected", "交付验收不通过"),
    "effect.evaluate": ("model effect evaluated", "评估模型效果"),
    "golden.answered": ("golden task answered", "回答黄金题"),
    "golden.rate_set": ("golden task rate set", "设置黄金题比例"),
    "grade.created": ("grade created", "创建职级"),
    "hour_points.booked": ("hour points booked", "登记工时点"),
    "inspection.sample_confirmed": ("inspection sample confirmed", "确认质检样本"),
    "item.listened": ("item listened to", "试听条目"),
    "item.superseded": ("item superseded", "条目被取代"),
    "items.check_failed": ("items failed checks", "条目检查未通过"),
    "items.checked": ("items checked", "检查条目"),
    "items.imported": ("items imported", "导入条目"),
    "items.labels_imported": ("labels imported", "导入标签"),
    "items.preannotated": ("items pre-annotated", "预标注条目"),
    "ledger.acceptance.recorded": ("acceptance recorded", "记录验收"),
    "ledger.approver.registered": ("ledger approver registered", "登记台账审批人"),
    "ledger.asset.registered": ("asset registered", "登记固定资产"),
    "ledger.budget.created": ("budget created", "创建预算"),
    "ledger.budget.approve": ("budget approved", "批准预算"),
    "ledger.budget.reject": ("budget rejected", "驳回预算"),
    "ledger.budget.ratio_applied": ("ratio applied to budget", "按比值设置预算"),
    "ledger.budget.submitted": ("budget submitted", "提交预算"),
    "ledger.contract.amended": ("contract amended", "修改合同"),
    "ledger.contract.amendment_requested": ("contract amendment requested", "申请修改合同"),
    "ledger.contract.cancellation_requested": ("contract cancellation requested",
                                               "申请取消合同"),
    "ledger.contract.cancelled": ("contract cancelled", "取消合同"),
    "ledger.contract.created": ("contract created", "创建合同"),
    "ledger.contract.signed": ("contract signed", "签署合同"),
    "ledger.contract.record_approved": ("contract record approved", "确认合同登记"),
    "ledger.contract.record_rejected": ("contract record rejected", "驳回合同登记"),
    "ledger.contract.price_approved": ("contract price approved", "批准合同价格"),
    "ledger.contract.price_rejected": ("contract price rejected", "驳回合同价格"),
    "ledger.contract.signing_approved": ("contract signing approved", "批准合同签约"),
    "ledger.contract.signing_rejected": ("contract signing rejected", "驳回合同签约"),
    "ledger.cost.over_budget_approve": ("over-budget cost approved", "批准超预算成本"),
    "ledger.cost.over_budget_reject": ("over-budget cost rejected", "驳回超预算成本"),
    "ledger.cost.posted": ("cost posted", "成本入账"),
    "ledger.cost.reduced": ("cost reduced", "调减成本"),
    "ledger.cost.reversed": ("cost reversed", "冲销成本"),
    "ledger.customer.created": ("customer created", "登记客户"),
    "ledger.customer.credit_grade_changed": ("customer credit grade changed", "修改客户信用等级"),
    "ledger.customer.language_changed": ("customer language changed", "修改客户语言"),
    "ledger.final_accounts.reviewed": ("final accounts reviewed", "审核决算"),
    "ledger.impairment.tested": ("impairment tested", "减值测试"),
    "ledger.invoice.issued": ("invoice issued", "开具发票"),
    "ledger.licence.recognised": ("licence revenue recognised", "确认许可收入"),
    "ledger.order.amended": ("order amended", "修改订单"),
    "ledger.order.created": ("order created", "创建订单"),
    "ledger.order.final_acceptance": ("order finally accepted", "订单最终验收"),
    "ledger.order.total_reached": ("order total reached", "订单总量已满"),
    "ledger.period.confirmed": ("period confirmed", "确认期间"),
    "ledger.period.reopened": ("period reopened", "重新打开期间"),
    "ledger.period.run": ("period closed", "期末结账"),
    "ledger.project.closed": ("project accounts closed", "项目决算"),
    "ledger.project.opened": ("project ledger opened", "开立项目台账"),
    "ledger.ratio_test.agreed": ("ratio agreed", "约定比值"),
    "ledger.ratio_test.measured": ("ratio test measured", "测算试标"),
    "ledger.ratio_test.started": ("ratio test started", "开始试标"),
    "ledger.receipt.recorded": ("receipt recorded", "记录收款"),
    "ledger.recognition.carry_capped": ("cost carry capped", "结转成本受限"),
    "ledger.recognition.period_carry": ("costs carried in period", "期间结转成本"),
    "package.assigned": ("package assigned", "分配工作包"),
    "package.handed_to_vendor": ("package handed to vendor", "工作包交给供应商"),
    "package.taken_back": ("package taken back", "收回工作包"),
    "package.unassigned": ("package unassigned", "取消分配工作包"),
    "packages.created": ("packages created", "创建工作包"),
    "price.set": ("price set", "设置价格"),
    "procurement.agreement.approved": ("vendor agreement approved", "批准供应商协议"),
    "procurement.agreement.created": ("vendor agreement created", "创建供应商协议"),
    "procurement.approver.registered": ("procurement approver registered", "登记采购审批人"),
    "procurement.budget.approve": ("procurement budget approved", "批准采购预算"),
    "procurement.budget.reject": ("procurement budget rejected", "驳回采购预算"),
    "procurement.budget.submitted": ("procurement budget submitted", "提交采购预算"),
    "procurement.order.created": ("purchase order created", "创建采购订单"),
    "procurement.request.approve": ("purchase request approved", "批准采购申请"),
    "procurement.request.reject": ("purchase request rejected", "驳回采购申请"),
    "procurement.request.combined": ("purchase requests combined", "合并采购申请"),
    "procurement.request.submitted": ("purchase request submitted", "提交采购申请"),
    "project.accounts_closed": ("project accounts closed", "项目决算"),
    "project.created": ("project created", "创建项目"),
    "project.member_added": ("member added to project", "添加项目成员"),
    "project.member_removed": ("member removed from project", "移除项目成员"),
    "project.speakers_set": ("speaker list set", "设置说话人列表"),
    "project.spec_changed": ("project spec changed", "修改项目规格"),
    "prompt_check.calibrated": ("prompt check calibrated", "校准提示文本检查"),
    "qualification.attempt_granted": ("qualification attempt granted", "准许资格考试补考"),
    "qualification.attempted": ("qualification attempted", "参加资格考试"),
    "qualification.defined": ("qualification test defined", "定义资格考试"),
    "qualification.revised": ("qualification test revised", "修订资格考试"),
    "qualification.required_set": ("qualification requirement set", "设置资格要求"),
    "retention.deleted": ("backup deleted (retention)", "按保留期删除备份"),
    "retention.hold.released": ("retention hold released", "解除保留冻结"),
    "retention.hold.set": ("retention hold set", "设置保留冻结"),
    "retention.period.set": ("retention period set", "设置保留期"),
    "review.accept": ("review: accepted", "审核通过"),
    "review.edit": ("review: edited", "审核修改"),
    "review.reject": ("review: rejected", "审核驳回"),
    "security.blobs_encrypted": ("stored files encrypted", "加密已存文件"),
    "security.clearance_set": ("clearance set", "设置许可级别"),
    "security.consent_flags_resolved": ("consent flags resolved", "处理撤回同意标记"),
    "security.consent_given": ("consent recorded", "记录知情同意"),
    "security.consent_withdrawn": ("consent withdrawn", "撤回知情同意"),
    "security.consents_read": ("consent register read", "查阅知情同意登记"),
    "security.data_key_created": ("data key created", "创建数据密钥"),
    "security.export_assessed": ("export assessed", "出境评估"),
    "security.export_flag_set": ("export flag set", "设置出境标记"),
    "security.export_rule_removed": ("export rule removed", "移除出境规则"),
    "security.export_rule_set": ("export rule set", "设置出境规则"),
    "security.images_desensitized": ("images desensitized", "图像脱敏"),
    "security.item_classified": ("item classified", "条目定级"),
    "security.items_classified_at_import": ("items classified at import", "导入时条目定级"),
    "security.master_key_rotated": ("master key rotated", "轮换主密钥"),
    "security.original_read": ("original read", "读取原始数据"),
    "security.personal_data_released": ("personal data released", "放行个人信息"),
    "security.project_classified": ("project classified", "项目定级"),
    "security.subject_erased": ("data subject erased", "删除数据主体"),
    "security.surveying_flag_set": ("surveying flag set", "设置测绘标记"),
    "security.surveying_granted": ("surveying qualification granted", "授予测绘资质"),
    "security.surveying_revoked": ("surveying qualification revoked", "撤销测绘资质"),
    "security.texts_desensitized": ("texts desensitized", "文本脱敏"),
    "settlement.confirmed": ("settlement confirmed", "确认结算单"),
    "settlement.correction_created": ("settlement correction created", "创建结算更正单"),
    "settlement.created": ("settlement created", "创建结算单"),
    "settlement.redrawn": ("settlement redrawn", "重新生成结算单"),
    "settlement.settled": ("settlement paid", "结算单已付款"),
    "settlement.vendor_confirmed": ("settlement confirmed by vendor", "供应商确认结算单"),
    "settlement.voided": ("settlement voided", "作废结算单"),
    "task.hold_released": ("task hold released", "解除任务暂挂"),
    "task.skipped": ("task skipped", "跳过任务"),
    "user.created": ("user created", "创建用户"),
    "user.deactivated": ("user deactivated", "停用用户"),
    "user.password_changed": ("password changed", "修改密码"),
    "user.reactivated": ("user reactivated", "重新启用用户"),
    "user.token.issued": ("API token issued", "签发 API 令牌"),
    "user.token_revoked": ("API token revoked", "撤销 API 令牌"),
    "vendor.agreement_recorded": ("vendor agreement recorded", "记录供应商协议"),
    "vendor.created": ("vendor created", "创建供应商"),
    "vendor.disqualified": ("vendor disqualified", "取消供应商资格"),
    "vendor.evaluated": ("vendor evaluated", "评价供应商"),
    "vendor.qualified": ("vendor qualified", "供应商资格认定"),
    "worker.deactivated": ("worker deactivated", "停用人员"),
    "worker.identity_verified": ("worker identity verified", "核验人员身份"),
    "worker.manager_dropped": ("worker no longer a manager", "取消人员的经理身份"),
    "worker.manager_named": ("worker named a manager", "指定人员为经理"),
    "worker.moved": ("worker moved", "调动人员"),
    "worker.profile_changed": ("worker profile changed", "修改人员资料"),
    "worker.reactivated": ("worker reactivated", "重新启用人员"),
    "worker.registered": ("worker registered", "登记人员"),
}
for _kind in ("amendment", "cancellation"):
    for _step, (_en, _zh) in {"price": ("price", "价格"), "signing": ("signing", "签约")}.items():
        _what = ("修改" if _kind == "amendment" else "取消")
        _ACTIONS[f"ledger.contract.{_kind}_{_step}_approved"] = (
            f"contract {_kind}: {_en} approved", f"批准合同{_what}（{_zh}）")
        _ACTIONS[f"ledger.contract.{_kind}_{_step}_rejected"] = (
            f"contract {_kind}: {_en} rejected", f"驳回合同{_what}（{_zh}）")

# codes the /audit page and ``audit list`` showed raw, in both languages (h2's zh-CN walk)
_ACTIONS.update({
    "catalog.licence.erased_data": ("licence's copy of an erased subject's data dropped",
                                    "删除授权副本中被删除主体的数据"),
    "catalog.licence.rejected": ("licence delivery refused by the customer", "客户拒收授权交付"),
    "catalog.release.erased_data": ("release's copy of an erased subject's data dropped",
                                    "删除发布版本中被删除主体的数据"),
    "ledger.invoice.reversed": ("invoice reversed", "红冲发票"),
    "ledger.receipt.reversed": ("receipt reversed", "冲销收款"),
    "security.clearance_holds_released": ("work above the new clearance released",
                                          "释放超出新许可级别的工作"),
    "settlement.debt_offset": ("settlement debt offset", "抵扣结算欠款"),
    "user.role_changed": ("user's role changed", "修改用户角色"),
})

#: an audit action's words (``action.<code>``), by language
ACTION_WORDS: dict[str, dict[str, str]] = {
    "en": {code: en for code, (en, _zh) in _ACTIONS.items()},
    "zh-CN": {code: zh for code, (_en, zh) in _ACTIONS.items()},
}


def role_word(code: str, lang: str) -> str:
    """A role's words in ``lang`` (English where ``lang`` has none; the code where neither
    knows it)."""
    return ROLE_WORDS.get(lang, ROLE_WORDS["en"]).get(code, code)


def legacy_action(code: str) -> str:
    """``code`` as written now: a contract step rejected before h2 was written
    ``ledger.contract.<step>_rejectd`` (``ledger.contract.<step>_rejected`` since)."""
    return code[:-len("rejectd")] + "rejected" if code.endswith("_rejectd") else code


def action_word(code: str, lang: str) -> str:
    """An audit action's words in ``lang`` (English where ``lang`` has none; the code where
    neither knows it)."""
    return ACTION_WORDS.get(lang, ACTION_WORDS["en"]).get(legacy_action(code), code)


#: the kind of object an audit record is about (``object.<code>`` on /audit): (English, Chinese)
_OBJECTS: dict[str, tuple[str, str]] = {
    "project": ("project", "项目"), "user": ("user", "用户"), "item": ("item", "条目"),
    "worker": ("worker", "人员"), "ledger_order": ("order", "履约订单"),
    "ledger_contract": ("contract", "合同"), "delivery": ("delivery", "交付"),
    "settlement_sheet": ("settlement sheet", "验收结算单"),
    "catalog_quote_request": ("quote request", "询价"),
    "catalog_band_quote": ("out-of-band quote", "区间外报价"),
    "work_package": ("work package", "数据包"), "vendor": ("vendor", "供应商"),
    "ledger_project": ("ledger project", "财务项目"), "ledger_cost": ("cost", "费用"),
    "ledger_budget": ("budget", "预算"), "catalog_licence": ("licence", "授权"),
    "catalog_dataset": ("catalog dataset", "标准化数据集"), "subject": ("subject", "采集对象"),
    "purchase_request": ("purchase request", "采购申请"),
    "ledger_ratio_test": ("ratio test", "标产比测试"),
    "ledger_period_close": ("period close", "期末结账"), "ledger_customer": ("customer", "客户"),
    "consent": ("consent", "知情同意"), "catalog_transfer_link": ("transfer link", "下载链接"),
    "batch": ("batch", "批次"), "task": ("task", "任务"),
    "surveying_qualification": ("surveying qualification", "测绘资质"),
    "project_key": ("project key", "项目密钥"), "procurement_budget": ("procurement budget", "采购预算"),
    "invite": ("invitation", "邀请"), "import_run": ("import run", "导入记录"),
    "framework_agreement": ("framework agreement", "框架协议"),
    "export_rule": ("export rule", "出境规则"), "catalog_release": ("catalog release", "数据集版本"),
    "audit": ("audit trail", "审计记录"), "purchase_order": ("purchase order", "采购订单"),
    "price": ("price", "价格"), "ledger_fixed_asset": ("fixed asset", "固定资产"),
    "inspection": ("inspection", "抽检"), "grade": ("grade", "等级"),
    "export_assessment": ("export assessment", "出境评估"),
    "effect_evaluation": ("effect evaluation", "应用效果验证"),
    "catalog_third_party": ("third-party dataset", "第三方数据集"), "calendar": ("calendar", "日历"),
    "blob_store": ("file store", "文件存储"),
}
OBJECT_WORDS: dict[str, dict[str, str]] = {
    "en": {code: en for code, (en, _zh) in _OBJECTS.items()},
    "zh-CN": {code: zh for code, (_en, zh) in _OBJECTS.items()},
}


def object_word(code: str, lang: str) -> str:
    """The kind of object an audit record is about, in ``lang`` (the code where unknown)."""
    return OBJECT_WORDS.get(lang, OBJECT_WORDS["en"]).get(code, code)
