"""The Chinese of each ``datamill ledger`` command's own help page (its body and its options),
keyed by the English help text (its words joined by single spaces), merged into
:data:`datamill.cli._usage_words.ZH_CN_HELP`; the group's listing lines are
:data:`datamill.cli._help_zh_ledger.LEDGER_SHORT_ZH_CN`. ``tests/unit/cli/test_cli_help_zh.py``
fails when a ledger command or option has help with no Chinese here."""

from __future__ import annotations

__all__ = ["LEDGER_HELP_ZH_CN"]

LEDGER_HELP_ZH_CN: dict[str, str] = {
    "Register a customer. CUSTOMER_TYPE is one of big_tech, ai_company, research_institute, "
    "other; COUNTRY the ISO 3166 alpha-2 code of its registered location (CN, US ...); the "
    "credit grade one of special, 1, 2, 3, 4. Sales may register customers; the credit grade "
    "is finance's (left out, the default 3 applies).":
        "登记客户。CUSTOMER_TYPE 为 big_tech、ai_company、research_institute、other 之一；"
        "COUNTRY 为注册地的 ISO 3166 两位字母代码（CN、US……）；信用等级为 special、1、2、3、4 "
        "之一。销售可以登记客户；信用等级由财务设定（不填时按默认的 3 级）。",
    "special, 1, 2, 3 or 4 (finance only; default 3)":
        "special、1、2、3 或 4（仅限财务；默认 3）",
    "Record a contract signed outside datamill (amount excl. VAT caps its orders). It waits as "
    "pending_record until a second person with a signing approval role (VP, CFO, president) "
    "confirms it: contract-approve ID signing --as THEM; orders are split off it only then. The "
    "controlled path is contract-draft → contract-approve price/signing → contract-sign.":
        "登记在 datamill 之外签订的合同（不含税金额为其订单的上限）。合同处于 pending_record "
        "状态，直到另一位具有签约审批角色（副总裁、财务总监、总裁）的人确认：contract-approve ID "
        "signing --as 该人；此后才能从中拆分订单。受控流程为 contract-draft → contract-approve "
        "price/signing → contract-sign。",
    "Add a performance order (amount excl. VAT, in the contract currency). BUSINESS_LINE is "
    "one of speech, vision, language, application_service; OFFERING custom or product_licence; "
    "acceptance type 1 (one delivery, one acceptance), 2 (batches, one final acceptance) or 3 "
    "(each batch accepted on its own). The volume unit is hours, utterances, items, images, "
    "databases, licences or an installed modality's own unit (dialogues, frames, kchars); left "
    "out, the business line's own (speech hours, vision images, language kchars, else items).":
        "添加履约订单（不含税金额，按合同币种）。BUSINESS_LINE 为 speech、vision、language、"
        "application_service 之一；OFFERING 为 custom 或 product_licence；验收类型 1（一次交付"
        "一次验收）、2（分批交付，一次最终验收）或 3（每批单独验收）。量的单位为 hours、"
        "utterances、items、images、databases、licences，或已安装模态自己的单位（dialogues、"
        "frames、kchars）；不填时取业务线自己的单位（speech 为 hours、vision 为 images、"
        "language 为 kchars，其余为 items）。",
    "The contract's currency (the default); another is refused.":
        "合同的币种（默认）；其他币种会被拒绝。",
    "Output VAT as a fraction (default: DATAMILL_SERVICE_VAT_RATE, 0.06, for custom work; "
    "DATAMILL_CATALOG_VAT_RATE, 0.13, for a product licence).":
        "销项增值税率，以小数表示（默认：定制服务按 DATAMILL_SERVICE_VAT_RATE，即 0.06；产品许可"
        "按 DATAMILL_CATALOG_VAT_RATE，即 0.13）。",
    "Open the ledger accounts of a production project (by id or name) for its order.":
        "为生产项目（编号或名称）开立其订单的台账。",
    "Give a user a ledger approval role (dept_manager, vp, finance_reviewer, …); admins only.":
        "授予用户台账审批角色（dept_manager、vp、finance_reviewer……）；仅限管理员。",
    "Create a draft budget from a JSON list of lines (stage, category, quantity, unit_price). "
    "Each line's category is data_service, labour, equipment or other; unit (default hours) is "
    "what quantity counts; one line per stage and category.":
        "由 JSON 预算行列表（stage、category、quantity、unit_price）创建预算草稿。每行的类别为 "
        "data_service、labour、equipment 或 other；unit（默认 hours）是 quantity 的计量单位；"
        "每个环节与类别各一行。",
    "Submit a draft budget for approval.": "提交预算草稿审批。",
    "Sign the next approval level of a budget (as the holder of that level's role).":
        "签批预算的下一审批级别（以该级别角色持有人的身份）。",
    "Book a cost to a project stage (checked against its budget line). A data-service claim "
    "names a qualified vendor (--supplier, as registered) and gives --quantity and "
    "--unit-price (AMOUNT must be their product to the fen); it is refused for work a "
    "settlement sheet of its supplier already pays.":
        "把成本记入项目环节（按其预算行检查）。数据服务费用须指明合格供应商（--supplier，与登记"
        "名称一致），并给出 --quantity 与 --unit-price（AMOUNT 须精确到分等于二者之积）；该供应商"
        "的结算单已支付的工作不能再记。",
    "Sign an over-budget cost: the VP in charge, then the finance head (--reject refuses it; "
    "never the person who posted it), as POST /ledger/costs/ID/approvals.":
        "签批超预算成本：先由分管副总裁，再由财务负责人（--reject 驳回；入账人本人不能签批），"
        "与 POST /ledger/costs/ID/approvals 相同。",
    "Reverse a posted cost: a negative entry linked to it (once; into an open period).":
        "冲销已入账的成本：记一笔与之关联的负数分录（仅一次；记入未关闭的期间）。",
    "Process new delivery acceptances into revenue and carried cost.":
        "把新的交付验收处理为收入与结转成本。",
    "The finance reviewer checks a project before its final accounts (refused while its "
    "domain events are pending); the close then needs this review, by another person.":
        "财务审核在决算前检查项目（其领域事件尚待处理时会被拒绝）；决算需要这一审核，且由另一人"
        "完成。",
    "Final accounts: lock the project; recognise a type 1/2 order once it is also finally "
    "accepted (refused for a type-1 order accepted in part only: ledger final-accept or "
    "order-amend first), carry a type-3 project's remaining WIP.":
        "决算：锁定项目；1/2 类订单在最终验收后确认收入（1 类订单仅部分验收时会被拒绝：请先执行 "
        "ledger final-accept 或 order-amend），并结转 3 类项目剩余的在制品。",
    "The customer's final acceptance report of a type 1/2 order (once): revenue = accepted "
    "volume / order volume × the order amount, recognised once final accounts are complete.":
        "客户对 1/2 类订单的最终验收报告（仅一次）：收入 = 验收量 / 订单量 × 订单金额，在决算"
        "完成后确认。",
    "Acceptance date YYYY-MM-DD (default today).": "验收日期 YYYY-MM-DD（默认今天）。",
    "Volume the report accepts (default: what the deliveries accepted, or the whole order when "
    "none was).": "报告验收的量（默认：各次交付已验收的量；都未验收时为整个订单）。",
    "Cost-plus price from a budget and a guidance margin.": "按预算与指导毛利率计算成本加成报价。",
    "Output VAT as a fraction (default: DATAMILL_SERVICE_VAT_RATE, 0.06).":
        "销项增值税率，以小数表示（默认：DATAMILL_SERVICE_VAT_RATE，即 0.06）。",
    "A ledger project's approved budget against posted spend, per stage and category, with the "
    "spend held awaiting over-budget approval as pending (as GET "
    "/ledger/projects/{id}/budget-vs-actual; readers of the books cleared for the project).":
        "台账项目的已批预算与已入账支出对比，按环节与类别列出，等待超预算审批的支出列为待定（与 "
        "GET /ledger/projects/{id}/budget-vs-actual 相同；限对该项目有许可级别的账簿查阅者）。",
    "Report as a table (with --json: the rows): margin, wip, units (per audio hour), monthly "
    "(year of date_from) or vat (output VAT by tax point).":
        "以表格输出报表（--json 时输出各行）：margin（毛利）、wip（在制品）、units（每音频小时）、"
        "monthly（date_from 所在年份的月度）或 vat（按纳税义务发生时点的销项增值税）。",
    "Export the double-entry journal as CSV (to a new file unless --force).":
        "把复式记账日记账导出为 CSV（写入新文件，除非使用 --force）。",
    "key,code,name CSV": "key,code,name 格式的 CSV",
    "Process every pending event: workforce costs first, then customer acceptances (what it "
    "tells back leaves out the books above the person's clearance, as the API).":
        "处理所有待处理事件：先人力成本，再客户验收（回报的内容不含高于操作者许可级别的账簿，与 "
        "API 相同）。",
    "Events the ledger could not book yet, with the reason (they stay pending); those of "
    "projects classified above the reader's clearance left out, as the API.":
        "台账暂不能入账的事件及原因（仍待处理）；定级高于查看者许可级别的项目的事件不列出，与 API "
        "相同。",
    "Book a pending over-budget cost event with its reason (then it awaits approval).":
        "附原因登记一条待处理的超预算成本事件（随后等待审批）。",
    "Draft a contract (amount excl. VAT); it then needs price and signing approvals by two "
    "other people. Sales may draft.":
        "起草合同（不含税金额）；随后须由另外两人完成价格与签约审批。销售可以起草。",
    "Sign the contract's price (reasonableness) or signing approval.":
        "签批合同的价格（合理性）审批或签约审批。",
    "Record the signature of an approved contract.": "记录已批准合同的签署。",
    "Ask to change a signed contract's amount, with the reason: the new amount waits for the "
    "contract's price and signing approvals (contract-approve ID price / signing) before it "
    "takes effect.":
        "申请修改已签合同的金额并附原因：新金额须经合同的价格与签约审批（contract-approve ID "
        "price / signing）后才生效。",
    "Why the amount changes.": "金额变更的原因。",
    "Change an open order's total volume, with the reason (then ledger sync takes the "
    "acceptances that were set aside for exceeding it).":
        "修改未关闭订单的总量并附原因（随后 ledger sync 会处理此前因超量而搁置的验收）。",
    "Why the volume changes.": "总量变更的原因。",
    "Cancel a contract: a signed one is asked for, and cancelled once two other people sign "
    "its price and signing approvals (contract-approve ID price / signing); its unfinished "
    "projects' WIP is then written off in full. One never signed is cancelled at once.":
        "取消合同：已签合同先提出申请，待另外两人签批价格与签约审批（contract-approve ID price / "
        "signing）后取消，其未完成项目的在制品随即全额核销。未签署的合同立即取消。",
    "Why it is cancelled.": "取消的原因。",
    "A contract with its orders, the remainder, approvals and changes (orders whose project is "
    "classified above the reader's clearance left out and counted, as in the API).":
        "合同及其订单、余额、审批与变更（项目定级高于查看者许可级别的订单不列出，只计数，与 API "
        "相同）。",
    "Contract id or number (e.g. K-2026-001).": "合同编号或合同号（例如 K-2026-001）。",
    "Every contract, newest first: customer, status, amount and signed date (the web's "
    "contracts page, GET /ledger/contracts).":
        "全部合同，最新的在前：客户、状态、金额与签署日期（即网页的合同页面，GET "
        "/ledger/contracts）。",
    "Only contracts in this status: draft, price_approved, signing_approved, signed, rejected "
    "or cancelled.":
        "只列出此状态的合同：draft、price_approved、signing_approved、signed、rejected 或 "
        "cancelled。",
    "Who did what to a contract, when (business time), from the audit trail: drafted, each "
    "approval or rejection (of its amendment and cancellation requests too), signed, "
    "cancelled.":
        "取自审计记录的合同操作（谁在何时——业务时间——做了什么）：起草、每次批准或驳回（包括修改与"
        "取消申请的）、签署、取消。",
    "Every customer with its type, country and credit grade (GET /ledger/customers).":
        "全部客户及其类型、国家与信用等级（GET /ledger/customers）。",
    "Change a customer's credit grade (special, 1, 2, 3 or 4: its credit limit and term), with "
    "the reason, audited. Finance's: sales are refused.":
        "修改客户的信用等级（special、1、2、3 或 4：决定其信用额度与账期），附原因并记入审计。"
        "由财务操作：销售会被拒绝。",
    "Why the grade changes.": "等级变更的原因。",
    "Set the language a customer's people read datamill in: en, zh-CN, or none (each reader's "
    "browser decides). Their pages follow it where their browser chose none.":
        "设置客户人员阅读 datamill 的语言：en、zh-CN 或 none（由各人的浏览器决定）。其浏览器未选择"
        "语言时，页面按此设置显示。",
    "A customer's invoices and receipts with what is still open (CNY): the customer's own "
    "accounts read it, as readers of the books do.":
        "客户的发票、收款及未结金额（人民币）：客户自己的账号与账簿查阅者均可查看。",
    "Invoice an order (amount excl. VAT): with --acceptance-id, that accepted delivery's share "
    "unless --amount says otherwise; without it an advance, whose --amount is required. The "
    "amount is in the order's currency unless --currency CNY; the books keep CNY at the "
    "order's fx rate. An invoice never creates revenue.":
        "为订单开票（不含税金额）：指定 --acceptance-id 时按该次已验收交付的份额开票，除非 "
        "--amount 另行指定；不指定时为预收款发票，须给出 --amount。金额按订单币种，除非使用 "
        "--currency CNY；账簿按订单汇率以人民币记账。开票从不产生收入。",
    "Record cash received on an order (incl. VAT); before acceptance it is an advance. The "
    "amount is in the order's currency unless --currency CNY; the books keep CNY.":
        "记录订单的收款（含税）；验收前为预收款。金额按订单币种，除非使用 --currency CNY；账簿以"
        "人民币记账。",
    "Receivables and advances net per customer, ageing and expected credit loss (the orders of "
    "projects classified above the reader's clearance left out and counted, as in the API).":
        "按客户列出应收与预收净额、账龄及预期信用损失（定级高于查看者许可级别的项目的订单不列出，"
        "只计数，与 API 相同）。",
    "The auditor's trace of a contract (id or number): order → project → delivery → acceptance "
    "→ invoice → payment, with the revenue recognised (the orders of projects classified above "
    "the reader's clearance left out and counted, as in the API).":
        "审计追溯合同（编号或合同号）：订单 → 项目 → 交付 → 验收 → 发票 → 收款，并列出已确认的"
        "收入（定级高于查看者许可级别的项目的订单不列出，只计数，与 API 相同）。",
    "Write CSV here.": "把 CSV 写到此处。",
    "Register a fixed asset in use on a project (depreciated monthly at period close).":
        "登记在项目上使用的固定资产（期末结账时按月折旧）。",
    "Month end: depreciation, impairment test, WIP roll-forward and reports (idempotent; a "
    "period already run needs --rerun, which must give the identical result). By a person "
    "cleared for every project with books, as the API (the report covers them all).":
        "月末结账：折旧、减值测试、在制品结转与报表（幂等；已结账的期间须用 --rerun，且结果必须"
        "完全相同）。须由对所有有账簿的项目都有许可级别的人执行，与 API 相同（报表涵盖全部项目）。",
    "Write period-close-YYYY-MM.json, .txt and .html here.":
        "把 period-close-YYYY-MM.json、.txt 与 .html 写到此处。",
    "The reviewer's step: a second person confirms a prepared period (it is then closed); "
    "cleared for every project with books, as the API.":
        "复核步骤：由第二人确认已准备的期间（随后关闭）；须对所有有账簿的项目都有许可级别，与 API "
        "相同。",
    "Reopen the latest closed period (a finance lead or an admin, with a reason): it takes "
    "postings again, and is run (period-close --rerun) and confirmed by a second person anew. "
    "Refused when a later period was run.":
        "重新打开最近关闭的期间（财务负责人或管理员，附原因）：该期间重新接受入账，须再次结账"
        "（period-close --rerun）并由第二人确认。其后的期间已结账时会被拒绝。",
    "Why the period is reopened (required).": "重新打开期间的原因（必填）。",
    "Margin by line (custom / catalog / services) and the speech cost per hour.":
        "按业务线（定制/目录/服务）的毛利及语音每小时成本。",
    "Budgets from planned volume, loss rate and annotation-output ratio; variance of actual vs "
    "plan per stage.": "按计划量、损耗率与标产比编制预算；各环节实际与计划的差异。",
    "Compute the budget lines of a plan (nothing is saved).": "计算计划的预算行（不保存）。",
    "Deliverable volume in hours": "可交付量（小时）",
    "Loss rate, e.g. 0.05 (plan = deliverable × (1+loss))": "损耗率，例如 0.05（计划量 = 可交付量 × (1+损耗率)）",
    "Annotation-output ratio: work hours per data hour": "标产比：每小时数据所需的工时",
    "Price date YYYY-MM-DD (default today)": "价格日期 YYYY-MM-DD（默认今天）",
    "Create a draft budget version from the plan (then submit it as usual).":
        "按计划创建预算草稿版本（随后照常提交）。",
    "Actual against the approved budget, per stage (quantity and amount).":
        "各环节实际与已批预算的对比（数量与金额）。",
    "Open a self-test: the named workers annotate the sample in the workbench.":
        "开始试标：指定人员在工作台标注样本。",
    "Item ids of the sample: 12,13,14": "样本的条目编号：12,13,14",
    "In-house workers' usernames: ann1,ann2": "内部人员的用户名：ann1,ann2",
    "The annotation stage the ratio is for": "比值适用的标注环节",
    "Measure a running self-test from the time its workers' submissions recorded.":
        "按试标人员提交记录的用时测算进行中的试标。",
    "Record a ratio agreed with the customer instead of a self-test.":
        "记录与客户约定的比值（代替试标）。",
    "Work hours per unit, e.g. 2.5": "每单位工时，例如 2.5",
    "Where it was agreed": "约定的出处",
    "Unit (default the modality's)": "单位（默认为该模态的单位）",
    "Set the draft budget's annotation line from the ratio (never a submitted or approved "
    "budget).": "按比值设置预算草稿的标注行（已提交或已批准的预算不可）。",
    "Budget id (default the latest)": "预算编号（默认最新的）",
    "The line whose quantity the ratio multiplies": "按比值计算数量的预算行",
    "The project's self-tests and agreed ratios, newest first.": "项目的试标与约定比值，最新的在前。",
    "Pre-start self-test (试标) of the annotation-output ratio, or a customer-agreed ratio, "
    "applied to the draft budget.":
        "开工前的标产比试标，或与客户约定的比值，用于预算草稿。",
    "Reverse an invoice issued in error, in full, by red-letter invoice NUMBER (its figures "
    "negated), with the reason; the order may then be invoiced again.":
        "以红字发票 NUMBER 全额冲销开错的发票（金额取原发票的相反数），并写明原因；"
        "之后可重新为该订单开票。",
    "Why it is reversed.": "冲红的原因。",
    "YYYY-MM: the costs incurred up to that month's end.": "YYYY-MM：只计该月末及以前发生的成本。",
    "Foreign cash: the day's rate it came in at (CNY per unit); the difference from the "
    "order's rate is booked as a realised exchange gain or loss.":
        "外币收款：收款当日的汇率（每单位外币折合人民币）；与订单汇率的差额记为已实现汇兑损益。",
    "Reverse a receipt recorded in error, in full, by reversing receipt REFERENCE (its "
    "figures negated), with the reason.":
        "以冲销收款 REFERENCE 全额冲销记错的收款（金额取原收款的相反数），并写明原因。",
}
