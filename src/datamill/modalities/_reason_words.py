"""The words of the coded refusals (a service error's ``reason_code``), English and zh-CN.

Data only: :mod:`datamill.modalities.problem_words` keeps the registry these seed
(:data:`~datamill.modalities.problem_words.REASON_WORDS`); a domain above the modalities adds
its own codes there (:func:`~datamill.modalities.problem_words.register_reason_words`, as
:mod:`datamill.paid_once` does). ``{name}`` is one of the error's details; ``{action}`` is the
refused action's phrase (``EN_ACTIONS``).
"""

from __future__ import annotations

__all__ = ["CATALOG_CODES", "COLLECT_CODES", "EN_ACTIONS", "EN_REASONS", "LEDGER_CODES",
           "ZH_CN_ACTIONS",
           "ZH_CN_REASONS"]

#: the codes a speaker's recording page words (``collect.err.<code>``, web)
COLLECT_CODES = ("bad_wav", "cell_full", "consent_changed", "consent_first", "consent_withdrawn",
                 "demographics_first", "demographics_locked", "duplicate_recording", "expired",
                 "invalid_link", "no_cell", "no_consent_text", "recorded_already", "refused",
                 "revoked", "signature", "upload_failed", "uploading")
#: the ledger's codes, which its pages word for a booking problem too (``fin.reason.<code>``)
LEDGER_CODES = ("no_ledger_project", "no_budget_type3", "no_budget", "no_accounts",
                "over_budget", "project_closed", "order_not_open", "over_total_volume")

#: the catalog's codes (licences, transfer links, moving a licence to a newer release)
CATALOG_CODES = ("export_not_assessed", "licence_revoked", "licence_expired", "link_revoked",
                 "link_expired", "link_used_up", "link_signature", "upgrade_other_dataset",
                 "upgrade_not_newer", "upgrade_duplicate")

EN_REASONS: dict[str, str] = {
    # the permission refusals (compliance.permissions' Refusal and the like); {action}: ``ACTIONS``
    "clearance": "This project is classified above your clearance.",
    "csrf": "The form has expired or did not come from this site; reload the page and try again.",
    "inactive": "Your account is deactivated.",
    "member": "You are not a member of this project; a project manager can add you.",
    "no_listening": "This project has no listening stage: its checks never send an item to a listener.",
    "owner": "You may {action} only on your own records.",
    "qualification": "You do not yet meet this project's requirements for this work (a qualified vendor, the skills, a passed qualification test).",
    "qualification_test_missing": "This project requires a qualification test that it does not have yet, so nobody can pass it; its project manager defines one or lifts the requirement.",
    "role": "Your role may not {action}.",
    "surveying": "This project holds surveying-and-mapping data: its work needs a valid surveying qualification, your own or your vendor's.",
    "task_submitted": "This task was already submitted (in another tab, window or client); this draft was not saved.",
    # the production loop's conflicts (annotating, task notes, inspection)
    "already_submitted": "Task {task_id} is already submitted; open your next task.",
    "task_not_open": "Task {task_id} is already {status}: it takes no more work.",
    "stale_version": "Item {item} is at version {current_version}, your edit is based on version {base_version}: reload it and apply your changes again.",
    "inspection_completed": "Inspection {inspection_id} is already completed; its results can no longer change.",
    "nothing_to_batch": "No reviewed items are waiting for a batch.",
    # a customer's acceptance of a delivery (production.delivery_acceptance)
    "refused_not_delivered": "{count} refused item(s) are not in delivery {delivery_id}: {names} (name delivered items as the package's files do, or by their external id).",
    "accepted_items_over": "{items} accepted items exceed the {delivered} delivered.",
    "accepted_volume_over": "The accepted volume {volume} exceeds the {delivered} delivered ({unit}).",
    "vendor": "You may {action} only within your own vendor.",
    # the speaker's recording pages (collection.subject); shown to the speaker
    "bad_wav": "The browser sent a recording in the wrong format; reload the page and record again.",
    "cell_full": "The speaker group you belong to ({cell}) is full: no more recordings are needed from it. Thank you!",
    "consent_changed": "The consent text has changed: reload the page and read it again.",
    "consent_first": "Please sign the consent text first.",
    "consent_withdrawn": "You have withdrawn your consent to this project, so this link can no longer be used to sign it again. If you want to take part again, please contact the project.",
    "bad_subject_id": "A subject id may not hold whitespace, control characters or path separators (nor be '.' or '..'): no delivery format can name a speaker by it. Use e.g. {suggestion}.",
    "demographics_first": "Please answer the questions about you first.",
    "demographics_locked": "Your answers about you were sent already and cannot be changed on this page; ask the project manager to change them.",
    "duplicate_recording": "This recording is an exact copy of one this project already has. Please read the prompt aloud and record it anew.",
    "expired": "This recording link has expired; ask the project manager for a new one.",
    "invalid_link": "This recording link is not valid: check that it was copied whole, or ask the project manager for a new one.",
    "no_cell": "This project is not recording speakers of your group. Thank you for your interest!",
    "no_consent_text": "The project has no consent text yet; please come back later.",
    "recorded_already": "This prompt is recorded already.",
    "refused": "The recording could not be accepted; please record it again.",
    "revoked": "This recording link was withdrawn; ask the project manager for a new one.",
    "signature": "Type your full name (2 to 200 characters) to sign.",
    "upload_failed": "The recording could not be saved (a server error, not your recording); please record it again.",
    "uploading": "This prompt is being uploaded already; wait a moment and reload the page.",
    # the collection staff's refusals (collection.staff)
    "demographics_recorded": "the subject has recorded already; their items carry the answers they gave, which therefore stay.",
    "take_superseded": "item {item_id} is an earlier take, superseded by item {superseded_by} (a re-recording of the same prompt); ask for that take to be recorded again.",
    # reopening an accounting period (ledger.period_reopen, period_close)
    "period_busy": "A month-end close is being run or confirmed right now; try again in a moment (nothing was booked).",
    "period_not_closed": "Period {period} is {status}, not closed: only a closed period is reopened (a prepared one is run again before its confirmation).",
    "later_period_run": "Period {period} cannot be reopened: the later period(s) {later} were run after it, and its closing figures open them; only the latest period run is reopened.",
    "earlier_period_reopened": "Period {reopened_period} was reopened and is not closed again: its closing figures open {period}, so {period} is run and confirmed after it.",
    "period_reopened": "Period {period} was reopened: run it again (period-close --rerun) and a second person confirms the new report.",
    # the ledger's refusals (ledger errors, and ledger events' booking problems)
    "no_accounts": "production project {project_id} has no ledger project: open its accounts (datamill ledger project-open) and sync again",
    "no_budget": "project {project_id} has no approved budget: budget first, spend later",
    "no_budget_type3": "project {project_id} has no approved budget: type-3 recognition needs the estimated total cost",
    "no_ledger_project": "production project {project_id} has no ledger project with a performance order: revenue waits until its accounts are opened",
    "order_not_open": "order {order} is already {status}; it accepts no more volume",
    "over_budget": "{amount} on {stage}/{category} brings spend to {total}, over the budget line of {budget_line}: give over_budget_reason; it then awaits VP + finance-head approval",
    "over_total_volume": "accepting {volume} {unit} brings order {order} to {total}, above its total volume {limit}; correct the acceptance report or amend the order",
    "project_closed": "project {project_id} is closed (final accounts {closed_on}); it accepts no more costs",
    # the paid-once checks' ledger half (ledger.sheet_costs; paid_once registers the rest)
    "sheet_cost_not_booked": "Sheet {sheet} cannot be settled: its cost is not booked in the ledger, so paying it would pay the vendor for work the budget never took (paid twice, e.g. through a manual cost claim as well); book the workforce events and have any over-budget cost approved first.",
    "vendor_not_qualified": "Vendor {vendor} is not on the qualified-supplier list: only a qualified vendor supplies data or takes work; qualify it first, then import its delivery.",
    "period_not_ended": "period {period} has not ended yet: a month is run and closed after its last day; run it on {first_day} or later",
    "before_closed_period": "period {period} lies before {closed_period}, which is closed: it counts as closed and takes no run of its own (a closed period is not reopened)",
    # the workforce's refusals (workforce.qualification, workforce.retakes)
    "not_a_worker": "You are not registered as a worker yet: the qualification test is for registered workers, whom a vendor manager or project manager registers.",
    "qualification_attempts_used": "You have used {attempts_used} of {attempts_allowed} attempts at the qualification test of project {project_id}; no more are allowed unless the project's manager or your vendor's manager grants another.",
    "qualification_cooldown": "You have used {attempts_used} of {attempts_allowed} attempts at the qualification test of project {project_id}; the next is allowed from {next_attempt_at}.",
    # the production loop's refusals (production.drafts, production.annotating, collection.staff)
    "stale_draft": "Task {task_id} was not submitted: a newer draft (revision {current_revision}) was saved meanwhile from another tab, window or client; reload the task to continue from the stored draft.",
    "unresolved_split": "Item {item_id}: the annotators split with no majority; adjudicate it (edit the answer), then it is accepted.",
    "no_collection_spec": "This project cannot invite subjects: its spec has no collection section (speaker quotas); add one to the spec first.",
    # the catalog's refusals (catalog.licences, catalog.export_guard via compliance.export)
    "export_not_assessed": "Project {project_id}'s data would go abroad ({destination}) without the approved export assessment that destination needs; the data-security office records the assessment first.",
    "licence_revoked": "Licence {number} was revoked on {revoked_on}: it gets no transfer link, no download and no move to another release.",
    "licence_expired": "Licence {number} expired after {expires_on}: it gets no transfer link, no download and no move to another release; renew it first.",
    "link_revoked": "Transfer link {link_id} was revoked; ask the seller for a new one.",
    "link_expired": "Transfer link {link_id} has expired; ask the seller for a new one.",
    "link_used_up": "Transfer link {link_id} was used {downloads} of {max_downloads} times; ask the seller for a new one.",
    "link_signature": "This transfer link is not valid: check that it was copied whole, or ask the seller for a new one.",
    "upgrade_other_dataset": "Release {release_id} belongs to another dataset: licence {number} moves only to a release of its own dataset (sell a new licence for another dataset).",
    "upgrade_not_newer": "Licence {number} is on v{current_version}; it moves only to a newer release, not to v{version}.",
    "upgrade_duplicate": "The customer already holds licence {other} of v{version} on the same terms: revoke one of the two instead.",
    # application-effect verification (production.effect_evaluation)
    "effect_no_evaluation": "Modality {modality} has no application-effect evaluation yet.",
    "effect_language": "The packaged recogniser reads English only; this project's language is {language}.",
    "effect_task": "Application-effect verification trains a classifier: the spec needs the classification or sentiment task (it has {tasks}).",
    "effect_too_few": "The sample is too small to evaluate: at least {needed} labelled items are needed (in at least 2 classes of 2 items or more); it has {found}.",
    "effect_empty_batch": "Batch {batch} holds no items to evaluate.",
}

EN_ACTIONS: dict[str, str] = {
    "this": "do this",
    "manage_users": "manage users",
    "create_project": "create projects",
    "manage_project": "manage this project",
    "view_project": "view this project",
    "annotate": "annotate",
    "review": "review",
    "inspect": "inspect",
    "deliver": "deliver",
    "accept_delivery": "record customer acceptance",
    "ledger": "write the books",
    "view_ledger": "read the books",
    "manage_workforce": "manage suppliers and settlement",
    "manage_vendor": "manage a vendor's people and work",
    "view_workforce": "view the workforce",
    "pay_vendors": "pay vendors' settlement sheets",
    "manage_data_security": "manage data security",
    "sign_audit": "sign audit checkpoints",
    "view_audit": "read the audit trail",
    "manage_catalog": "manage the catalog",
    "sell_catalog": "sell catalog licences",
    "view_catalog": "view the catalog",
}

ZH_CN_REASONS: dict[str, str] = {
    # the permission refusals (compliance.permissions' Refusal and the like); {action}: ``ACTIONS``
    "clearance": "该项目的密级高于你的密级许可。",
    "csrf": "表单已过期或并非来自本站；请刷新页面后重试。",
    "inactive": "你的账户已停用。",
    "member": "你不是该项目的成员；项目经理可以把你加入项目。",
    "no_listening": "该项目没有试听环节：其自动检查从不把条目交给试听员。",
    "owner": "你只能对自己的记录{action}。",
    "qualification": "你尚未满足该项目此项作业的要求（合格的供应商、所需技能、通过资格测试）。",
    "qualification_test_missing": "该项目要求资格测试，但尚未设置，因此暂时无人能够通过；请由项目经理设置测试或取消该要求。",
    "role": "你的角色不能{action}。",
    "surveying": "该项目含测绘地理信息数据：其作业需要有效的测绘资质（你本人或你所属供应商的）。",
    "task_submitted": "该任务已经提交（在另一个标签页、窗口或客户端中）；本次草稿未保存。",
    "already_submitted": "任务 {task_id} 已经提交；请打开下一个任务。",
    "task_not_open": "任务 {task_id} 的状态为 {status}，不再接受工作。",
    "stale_version": "条目 {item} 当前为第 {current_version} 版，你的修改基于第 {base_version} 版：请重新加载后再次修改。",
    "inspection_completed": "质检 {inspection_id} 已经完成，其结果不能再更改。",
    "nothing_to_batch": "没有等待组批的已审核条目。",
    "refused_not_delivered": "交付 {delivery_id} 中没有这 {count} 个拒收条目：{names}（请按交付包文件中的名称或外部编号填写）。",
    "accepted_items_over": "验收条数 {items} 超过了交付的 {delivered} 条。",
    "accepted_volume_over": "验收数量 {volume} 超过了交付的 {delivered}（单位：{unit}）。",
    "vendor": "你只能在自己所属的供应商范围内{action}。",
    # the speaker's recording pages (collection.subject); shown to the speaker
    "bad_wav": "浏览器发送的录音格式不正确，请刷新页面后重新录制。",
    "cell_full": "您所属的说话人组（{cell}）已满，不再需要更多录音。感谢您的参与！",
    "consent_changed": "知情同意书已更新：请刷新页面后重新阅读。",
    "consent_first": "请先签署知情同意书。",
    "consent_withdrawn": "您已撤回对本项目的同意，此链接不能再用于重新签署。如希望重新参与，请联系项目方。",
    "bad_subject_id": "受试者编号不能包含空白、控制字符或路径分隔符（也不能是“.”或“..”）：任何交付格式都无法以此命名说话人。请改用例如 {suggestion}。",
    "demographics_first": "请先填写个人信息。",
    "demographics_locked": "您的个人信息已经提交，本页面无法修改；如需修改，请联系项目经理。",
    "duplicate_recording": "这段录音与本项目已有的某段录音完全相同。请朗读提示文本，重新录音。",
    "expired": "该录音链接已过期，请向项目经理索取新的链接。",
    "invalid_link": "录音链接无效：请确认链接复制完整，或向项目经理索取新的链接。",
    "no_cell": "本项目不招募您所属类别的说话人。感谢您的关注！",
    "no_consent_text": "项目尚未提供知情同意书，请稍后再来。",
    "recorded_already": "这条提示语已经录制过了。",
    "refused": "录音未被接收，请重新录制。",
    "revoked": "该录音链接已被撤销，请向项目经理索取新的链接。",
    "signature": "请输入您的全名（2 至 200 个字符）作为签名。",
    "upload_failed": "录音未能保存（服务器错误，与您的录音无关），请重新录制。",
    "uploading": "这条提示语正在上传，请稍候并刷新页面。",
    # the collection staff's refusals (collection.staff)
    "demographics_recorded": "该被采集人已经录音，其条目记录了所填信息，因此保留不变。",
    "take_superseded": "条目 {item_id} 是较早的录音，已被条目 {superseded_by}（同一提示语的补录）替换；请对该条目提出补录请求。",
    # reopening an accounting period (ledger.period_reopen, period_close)
    "period_busy": "月末结账正在运行或确认中；请稍后再试（未记入任何内容）。",
    "period_not_closed": "期间 {period} 的状态为 {status}，尚未结账：只有已结账的期间才能重新打开（已准备的期间在确认前重新运行即可）。",
    "later_period_run": "期间 {period} 不能重新打开：其后的期间 {later} 已经运行，而本期的期末数据是它们的期初数据；只有最近运行的期间才能重新打开。",
    "earlier_period_reopened": "期间 {reopened_period} 已重新打开且尚未再次结账：其期末数据是 {period} 的期初数据，须在它之后再运行并确认 {period}。",
    "period_reopened": "期间 {period} 已重新打开：请重新运行（period-close --rerun），并由另一人确认新的报告。",
    # the ledger's refusals (ledger errors, and ledger events' booking problems)
    "no_accounts": "生产项目 {project_id} 尚无财务项目：请先为其建账（datamill ledger project-open），再同步",
    "no_budget": "财务项目 {project_id} 尚无已批准的预算：先有预算，后有支出",
    "no_budget_type3": "财务项目 {project_id} 尚无已批准的预算：按批次验收（验收方式 3）确认收入需要预计总成本",
    "no_ledger_project": "生产项目 {project_id} 尚无带履约订单的财务项目：收入待该项目建账后确认",
    "order_not_open": "订单 {order} 已结束（已验收或已关闭），不再接受验收量",
    "over_budget": "{stage}/{category} 计入 {amount} 后支出达 {total}，超出预算行 {budget_line}：请填写超预算原因，之后待副总裁与财务负责人审批",
    "over_total_volume": "本次验收量 {volume} 将使订单 {order} 累计达 {total}，超过其总量 {limit}：请更正验收报告或变更订单",
    "project_closed": "财务项目 {project_id} 已决算关闭（{closed_on}），不再接受成本",
    # the paid-once checks' ledger half (ledger.sheet_costs; paid_once registers the rest)
    "sheet_cost_not_booked": "结算单 {sheet} 暂不能结算：其成本尚未在账上入账，此时付款会为预算从未承担的工作向供应商付款（例如同时经手工成本报销，造成重复支付）；请先入账人力资源事件，超预算的成本须先获批准。",
    "vendor_not_qualified": "供应商 {vendor} 不在合格供应商名录中：只有合格供应商才能交付数据或承接作业；请先将其列入名录，再导入其交付的数据。",
    "period_not_ended": "期间 {period} 尚未结束：月度结账须在该月最后一天之后进行；请于 {first_day} 或之后运行",
    "before_closed_period": "期间 {period} 早于已关账的期间 {closed_period}：视为已关闭，不单独运行（已关闭的期间不再重新打开）",
    # the workforce's refusals (workforce.qualification, workforce.retakes)
    "not_a_worker": "你尚未登记为作业人员：资格测试仅供已登记的作业人员参加，由供应商经理或项目经理为其登记。",
    "qualification_attempts_used": "你已用掉项目 {project_id} 资格测试 {attempts_allowed} 次机会中的 {attempts_used} 次，不能再考；除非项目经理或你所属供应商的经理再给一次机会。",
    "qualification_cooldown": "你已用掉项目 {project_id} 资格测试 {attempts_allowed} 次机会中的 {attempts_used} 次；下一次可从 {next_attempt_at} 起参加。",
    # the production loop's refusals (production.drafts, production.annotating, collection.staff)
    "stale_draft": "任务 {task_id} 未提交：其间另一个标签页、窗口或客户端保存了更新的草稿（第 {current_revision} 版）；请重新加载任务，从已保存的草稿继续。",
    "unresolved_split": "条目 {item_id}：标注员意见分歧且无多数；请先裁定（编辑答案），之后即可验收。",
    "no_collection_spec": "该项目不能邀请被采集人：其规格中没有 collection 部分（说话人配额）；请先在规格中添加。",
    "export_not_assessed": "项目 {project_id} 的数据将出境（{destination}），但尚无该目的地所需的已批准出境评估；请先由数据安全部门记录评估。",
    "licence_revoked": "授权 {number} 已于 {revoked_on} 撤销：不再签发传输链接、不能下载，也不能改用其他版本。",
    "licence_expired": "授权 {number} 已于 {expires_on} 之后到期：不再签发传输链接、不能下载，也不能改用其他版本；请先续期。",
    "link_revoked": "传输链接 {link_id} 已撤销；请向销售方索取新链接。",
    "link_expired": "传输链接 {link_id} 已过期；请向销售方索取新链接。",
    "link_used_up": "传输链接 {link_id} 已使用 {downloads}/{max_downloads} 次；请向销售方索取新链接。",
    "link_signature": "该传输链接无效：请检查链接是否完整复制，或向销售方索取新链接。",
    "upgrade_other_dataset": "版本 {release_id} 属于另一个数据集：授权 {number} 只能改用其本数据集的版本（其他数据集请另行签订授权）。",
    "upgrade_not_newer": "授权 {number} 当前为 v{current_version}，只能改用更新的版本，不能改用 v{version}。",
    "upgrade_duplicate": "该客户已持有相同条款下 v{version} 的授权 {other}：请撤销其中之一。",
    "effect_no_evaluation": "模态 {modality} 尚无数据应用效果验证。",
    "effect_language": "内置识别模型只能识别英语；本项目的语言是 {language}。",
    "effect_task": "数据应用效果验证需训练分类模型：规格须包含分类或情感任务（现有任务：{tasks}）。",
    "effect_too_few": "样本太少，无法验证：至少需要 {needed} 条已标注数据（至少 2 个类别，每类至少 2 条）；现有 {found} 条。",
    "effect_empty_batch": "批次 {batch} 没有可验证的数据。",
}

ZH_CN_ACTIONS: dict[str, str] = {
    "this": "执行此操作",
    "manage_users": "管理用户",
    "create_project": "创建项目",
    "manage_project": "管理该项目",
    "view_project": "查看该项目",
    "annotate": "标注",
    "review": "审核",
    "inspect": "质检",
    "deliver": "交付",
    "accept_delivery": "登记客户验收",
    "ledger": "记账",
    "view_ledger": "查看账目",
    "manage_workforce": "管理供应商与结算",
    "manage_vendor": "管理供应商的人员与作业",
    "view_workforce": "查看人力资源",
    "pay_vendors": "支付供应商结算单",
    "manage_data_security": "管理数据安全",
    "sign_audit": "签署审计检查点",
    "view_audit": "查看审计记录",
    "manage_catalog": "管理产品目录",
    "sell_catalog": "销售目录许可",
    "view_catalog": "查看产品目录",
}
