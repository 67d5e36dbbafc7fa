"""The Chinese of each ``datamill workforce`` command's help page (with ``qualification``,
``golden`` and ``procurement``) and their options, keyed by the English help text (its words
joined by single spaces), merged into :data:`datamill.cli._usage_words.ZH_CN_HELP`.
``tests/unit/cli/test_cli_help_zh.py`` fails when one has help with no Chinese here."""

from __future__ import annotations

__all__ = ["WORKFORCE_HELP_ZH_CN"]

WORKFORCE_HELP_ZH_CN: dict[str, str] = {
    "Add a vendor (company, studio or individual) with its framework agreement.":
        "添加供应商（公司、工作室或个人）及其框架协议。",
    "Management fee rate as a fraction, 0.06 to 0.115 for a company or studio (default 0.08); "
    "an individual supplier charges none (default 0).":
        "管理费率，以小数表示：公司或工作室为 0.06 到 0.115（默认 0.08）；个人供应商不收取（默认 0）。",
    "Framework agreement number": "框架协议编号",
    "Put a vendor on (or, with --revoke, take it off) the qualified-supplier list.":
        "把供应商列入合格供应商名单（--revoke：移出名单）。",
    "File (or replace) a vendor's framework agreement (needed before it can be qualified).":
        "登记（或替换）供应商的框架协议（列入合格名单前必须具备）。",
    "Day signed, YYYY-MM-DD": "签署日期，YYYY-MM-DD",
    "List vendors (a vendor manager sees only their own).": "列出供应商（供应商负责人只看到自己的）。",
    "Register a user as an in-house worker (with --grade) or a vendor's worker (--vendor).":
        "把用户登记为内部人员（--grade）或供应商人员（--vendor）。",
    "BCP-47, repeatable": "BCP-47 语言代码，可重复",
    "repeatable": "可重复",
    "Record a completed identity check (a masked reference only, e.g. 'ID ****1234').":
        "记录已完成的身份核验（只记脱敏的证件号，例如 'ID ****1234'）。",
    "Add an in-house grade with the price of one hour point.": "添加内部职级及每个工时点的价格。",
    "Append a unit price version; more than 10% off its reference needs --reason. "
    "LANGUAGE_GROUP is chinese, minority or foreign; UNIT is hour (per hour of audio), item "
    "(per item) or volume (per the modality's volume unit, e.g. 1,000 characters of text); "
    "UNIT_PRICE is in CNY per unit. HALF_YEAR is like 2026H1; STAGE a production stage "
    "(collect, annotate, review ...); MODALITY a registered one (speech.asr, image, text ...).":
        "追加一个单价版本；偏离参考价超过 10% 时须给出 --reason。LANGUAGE_GROUP 为 chinese、"
        "minority 或 foreign；UNIT 为 hour（每小时音频）、item（每条）或 volume（按模态的量的单位，"
        "例如每 1,000 个文本字符）；UNIT_PRICE 为每单位的人民币价格。HALF_YEAR 形如 2026H1；STAGE "
        "为生产环节（collect、annotate、review……）；MODALITY 为已注册的模态（speech.asr、image、"
        "text……）。",
    "Hand a work package to a qualified vendor with someone for its stage. The vendor's workers "
    "who may do that stage become members of its project, so they can claim it.":
        "把工作包交给有人员可做该环节的合格供应商。该供应商中可做此环节的人员成为项目成员，以便领取"
        "任务。",
    "Take it back from the vendor it is handed to, even one that still qualifies (one off the "
    "list gives it up anyway).":
        "从已交付的供应商处收回，即使该供应商仍然合格（已移出名单的供应商会自动交回）。",
    "Assign a package to a worker (vendor wall, skills and qualification checked).":
        "把工作包分配给人员（检查供应商隔离、技能与资格）。",
    "Draw up a vendor's acceptance-settlement sheet for the period starting PERIOD_START. The "
    "sheet takes everything accepted up to the period's end that is on no sheet yet (earlier "
    "weeks' unpaid work included). Run again while that sheet is still a draft, it redraws the "
    "draft with what was accepted since; a sheet the vendor has confirmed is never redrawn: "
    "later work goes on the next period's sheet.":
        "为供应商编制自 PERIOD_START 起的期间的验收结算单。结算单包含截至期末已验收、且尚未列入"
        "任何结算单的全部工作（含此前各周未付的工作）。结算单仍为草稿时再次运行，会按此后验收的"
        "工作重新生成草稿；供应商已确认的结算单不再重新生成：之后的工作列入下一期间的结算单。",
    "Confirm a sheet: --vendor-side by the vendor's manager first, then by the business.":
        "确认结算单：先由供应商负责人确认（--vendor-side），再由本公司确认。",
    "Record the bank transfer that paid a confirmed sheet. Never one with a negative net "
    "payable: that is a recovery from the vendor.":
        "记录支付已确认结算单的银行转账。净应付为负数的结算单不能如此记录：那是向供应商追回款项。",
    "Void a sheet drawn or confirmed but not paid: it stays, marked voided with the reason, and "
    "the work it covered is payable again (a new sheet or a claim). A paid sheet is refused: "
    "correct it instead.":
        "作废已生成或已确认但未付款的结算单：结算单保留并标记为已作废（附原因），其涵盖的工作可"
        "再次结算（新的结算单或报销）。已付款的结算单不能作废：请改为更正。",
    "Why the sheet is voided (required).": "作废结算单的原因（必填）。",
    "Correct a confirmed or paid sheet: a new draft sheet with one adjustment line, confirmed "
    "and paid as every sheet is, as POST /settlements/ID/corrections. A deduction never takes "
    "the line below zero; additions never add more than the sheet paid for the line (its "
    "accepted volume × price), and someone other than their maker confirms them.":
        "更正已确认或已付款的结算单：生成一张只含一行调整的新草稿结算单，与其他结算单一样确认和"
        "付款，与 POST /settlements/ID/corrections 相同。扣减不会使该行低于零；增加的总额不超过"
        "原结算单为该行支付的金额（验收量 × 单价），且须由创建人以外的人确认。",
    "The adjustment, + to pay more, - to deduct": "调整金额：+ 为多付，- 为扣减",
    "Why the sheet is corrected (required).": "更正结算单的原因（必填）。",
    "The stage of the line corrected (when the sheet covers several)":
        "所更正行的环节（结算单涵盖多个环节时）",
    "The project id of the line corrected (when the sheet covers several)":
        "所更正行的项目 ID（结算单涵盖多个项目时）",
    "Write a sheet as CSV (dest ending .csv) or printable HTML (anything else, in --lang), to a "
    "new file unless --force.":
        "把结算单写成 CSV（目标以 .csv 结尾）或可打印的 HTML（其他情况，语言按 --lang），写入"
        "新文件，除非使用 --force。",
    "Language of the printable HTML sheet: en or zh-CN.": "可打印 HTML 结算单的语言：en 或 zh-CN。",
    "Book an in-house person's hour points on a project for a month (cap: 8 × working days).":
        "登记内部人员某月在项目上的工时点（上限：8 × 工作日数）。",
    "The project's id or name": "项目编号或名称",
    "Record a month's real working days (after public holidays): each person's hour points "
    "that month are capped at 8 × them (Monday to Friday until recorded). A count below what "
    "someone already booked that month is refused.":
        "记录某月实际的工作日数（扣除法定节假日）：每人当月的工时点上限为 8 × 该天数（未记录时按"
        "周一至周五计）。少于某人当月已登记量的天数会被拒绝。",
    "Show or set the share of annotate claims served as silent golden checks.":
        "查看或设置标注领取中作为暗中黄金题检查的比例。",
    "New rate 0-0.5 (omit to show).": "新比例 0-0.5（不填则只显示）。",
    "Each worker's running accuracy on golden checks and qualification standing.":
        "每位人员在黄金题检查上的累计准确率及资格状态。",
    "Also write the report as CSV.": "同时把报告写成 CSV。",
    "Vendor throughput per vendor, project and stage (a vendor manager sees their own).":
        "按供应商、项目与环节统计的供应商产量（供应商负责人只看到自己的）。",
    "The settlement periods (months), newest first: open, prepared, closed or reopened (by "
    "whom, when), their sheets the person sees (a vendor manager: their own vendor's) and "
    "totals, as GET /settlement-periods.":
        "结算期间（按月），最新的在前：未关闭、已准备、已关闭或已重新打开（由谁、何时），查看者能"
        "看到的结算单（供应商负责人：本供应商的）及合计，与 GET /settlement-periods 相同。",
    "Only this vendor's sheets.": "只列出该供应商的结算单。",
    "List registered workers with their ids, vendor, grade and languages. The ids and usernames "
    "listed are what the other workforce commands take.":
        "列出已登记的人员及其编号、供应商、职级与语言。其他 workforce 命令接受这里列出的编号与"
        "用户名。",
    "Only this vendor's workers (a vendor manager sees only their own).":
        "只列出该供应商的人员（供应商负责人只看到自己的）。",
    "Take a package back from its vendor: the vendor's people's holds on its open tasks are "
    "released (submitted work stays) and it is in-house work again.":
        "从供应商处收回工作包：该供应商人员对其未完成任务的占用被释放（已提交的工作保留），工作包"
        "重新成为内部工作。",
    "Change a registered worker's languages, modalities, domains, devices or grade (what is not "
    "given stays): e.g. a worker registered without --language gets one here.":
        "修改已登记人员的语言、模态、领域、设备或职级（未给出的保持不变）：例如登记时没有 "
        "--language 的人员可在此补上。",
    "BCP-47, repeatable: replaces the worker's languages": "BCP-47 语言代码，可重复：替换人员的语言",
    "Repeatable: replaces the worker's modalities": "可重复：替换人员的模态",
    "Repeatable: replaces the worker's expert domains": "可重复：替换人员的专业领域",
    "Repeatable: replaces the worker's devices": "可重复：替换人员的设备",
    "In-house grade (hour points).": "内部职级（工时点）。",
    "Deactivate a worker (their task holds are released and the packages assigned to them go "
    "back to the pool), or with --reactivate put them back to work.":
        "停用人员（其占用的任务被释放，分配给其的工作包退回任务池），或用 --reactivate 使其恢复"
        "工作。",
    "Put the worker back to work instead.": "改为让该人员恢复工作。",
    "Name a vendor's worker its manager, or with --drop take the flag away (a vendor manager "
    "may drop it within their own vendor; only the business names managers).":
        "指定供应商人员为其负责人，或用 --drop 取消该标记（供应商负责人可在本供应商内取消；只有本"
        "公司能指定负责人）。",
    "Drop the vendor-manager flag instead of setting it.": "取消供应商负责人标记，而不是设置。",
    "Move a worker to another vendor (--vendor N) or in-house (--in-house): what they held goes "
    "back to its pool and a manager flag is dropped (procurement, project managers).":
        "把人员调到另一个供应商（--vendor N）或内部（--in-house）：其占用的任务退回任务池，负责人"
        "标记被取消（采购、项目经理可操作）。",
    "The vendor to move them to.": "调入的供应商。",
    "Move them in-house.": "调为内部人员。",
    # workforce qualification
    "A project's qualification test: define or revise it, show it, require it.":
        "项目的资格测试：定义或修订、查看、设为必需。",
    "Define the qualification test, or revise it (its owner or an admin).":
        "定义资格测试，或修订它（由其创建者或管理员）。",
    "JSON object: item id or utterance name -> known answer.": "JSON 对象：条目编号或语句名称 -> 已知答案。",
    "Pass threshold in (0, 1], e.g. 0.95.": "通过阈值，取值 (0, 1]，例如 0.95。",
    "Attempts a worker may make (default 3; a revision without it keeps the test's); a manager "
    "may grant more.":
        "每位人员可尝试的次数（默认 3；修订时不给出则保持原值）；经理可再准许更多次。",
    "Minutes between two attempts of one worker (default 0: none).":
        "同一人员两次尝试之间的间隔分钟数（默认 0：无间隔）。",
    "Show the test (golden item ids, never the answers) and whether it is required.":
        "查看测试（黄金题条目编号，从不显示答案）及是否必需。",
    "Require a passed qualification test before anyone takes the project's annotate tasks.":
        "要求先通过资格测试，才能领取该项目的标注任务。",
    "Stop requiring it.": "不再要求。",
    "The items the test asks about (never their answers), for the worker taking it.":
        "测试所问的条目（从不显示答案），供参加测试的人员查看。",
    "Take the qualification test (a registered worker): your answers are scored at once.":
        "参加资格测试（须为已登记人员）：答案立即评分。",
    "JSON object: item id or name -> your answer, one for every question.":
        "JSON 对象：条目编号或名称 -> 您的答案，每道题一个。",
    "Grant a worker one more attempt at the test, lifting a cool-down (the project's manager, "
    "or the worker's vendor manager).":
        "准许人员再尝试一次测试，并解除冷却时间（项目经理或该人员的供应商负责人）。",
    "The worker's id.": "人员编号。",
    "Qualification attempts: a worker sees their own, a vendor manager their workers'.":
        "资格测试记录：人员看到自己的，供应商负责人看到其人员的。",
    "Only this worker's attempts.": "只列出该人员的尝试。",
    # workforce golden
    "Golden (known-answer) items: add them with their answers, list, remove.":
        "黄金题（已知答案）条目：连同答案添加、列出、移除。",
    "Make items golden with their known answers (a new revision of the test).":
        "把条目连同已知答案设为黄金题（测试的新修订版）。",
    "JSON object: item name or id -> known answer; these items (checked, not yet worked on) "
    "leave production.":
        "JSON 对象：条目名称或编号 -> 已知答案；这些条目（已检查、尚未作业）退出生产。",
    "An accepted item (name or id) whose annotation is the answer; repeatable.":
        "以其标注为答案的已验收条目（名称或编号）；可重复。",
    "Pass threshold of the qualification test (needed to define it).": "资格测试的通过阈值（定义测试时必需）。",
    "The test's metric.": "测试的指标。",
    "The golden items with their answers; production: no = never production volume.":
        "黄金题条目及其答案；production: no 表示从不计入生产量。",
    "Take items out of the golden set; one set aside returns to production.":
        "把条目移出黄金题集；此前被搁置的条目回到生产。",
    "Golden items (name or id).": "黄金题条目（名称或编号）。",
    # workforce procurement
    "Procurement: annual budget, purchase requests (3 levels), agreements, orders.":
        "采购：年度预算、采购申请（三级审批）、协议、订单。",
    "Give USERNAME the procurement approval role (the last level of a request).":
        "授予 USERNAME 采购审批角色（采购申请的最后一级）。",
    "Submit a department's annual procurement budget (collection and labelling apart).":
        "提交部门的年度采购预算（采集与标注分列）。",
    "Collection quantity": "采集数量", "Collection unit price": "采集单价",
    "Labelling quantity": "标注数量", "Labelling unit price": "标注单价",
    "Sign the next level of an annual budget (dept. manager, then Finance).":
        "签批年度预算的下一级（先部门经理，再财务）。",
    "Reject instead of approving.": "驳回，而不是批准。",
    "List annual procurement budgets.": "列出年度采购预算。",
    "Raise a purchase request; a price >10% off the price system needs --reason, a date more "
    "than 7 days back --backdate-reason.":
        "提出采购申请；价格偏离价格体系超过 10% 时须给出 --reason，日期早于 7 天前须给出 "
        "--backdate-reason。",
    "Default: the price system's": "默认：价格体系中的价格",
    "The request's date (YYYY-MM-DD, default today) for the price lookup":
        "申请日期（YYYY-MM-DD，默认今天），用于查询价格",
    "Why the price is >10% off": "价格偏离超过 10% 的原因",
    "Why --on is more than 7 days before today": "--on 早于今天 7 天以上的原因",
    "Sign the next level: dept. manager → VP (→ finance head when over budget) → procurement.":
        "签批下一级：部门经理 → 副总裁（超预算时 → 财务负责人）→ 采购。",
    "List purchase requests with their approval state.": "列出采购申请及其审批状态。",
    "Combine similar unsigned requests into one.": "把相似的未签批申请合并为一个。",
    "Record a framework agreement; PRICES_FILE is a JSON list of {stage, modality, "
    "language_group, unit, unit_price}.":
        "登记框架协议；PRICES_FILE 为由 {stage, modality, language_group, unit, unit_price} 组成"
        "的 JSON 列表。",
    "Approve a framework agreement (once, by procurement).": "批准框架协议（仅一次，由采购批准）。",
    "List framework agreements.": "列出框架协议。",
    "Place a purchase order with a qualified vendor against an approved request.":
        "按已批准的申请向合格供应商下采购订单。",
    "List purchase orders with the volume settled and remaining.": "列出采购订单及已结算量与剩余量。",
    "Match a settlement sheet's volume against the vendor's purchase orders.":
        "把结算单的量与该供应商的采购订单核对。",
    "Annotation-output ratio (标产比) achieved: hours of work per unit of data, per project and "
    "stage, beside the ratio the approved budget used (self-test, agreement or plan).":
        "实际达到的标产比：每单位数据的工时，按项目与环节列出，并列出已批预算所用的比值（试标、约定"
        "或计划）。",
}
