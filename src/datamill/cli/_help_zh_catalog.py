"""The Chinese of each ``datamill catalog`` command's help page and its options, keyed by the
English help text (its words joined by single spaces), merged into
:data:`datamill.cli._usage_words.ZH_CN_HELP`. ``tests/unit/cli/test_cli_help_zh.py`` fails when
one has help with no Chinese here."""

from __future__ import annotations

__all__ = ["CATALOG_HELP_ZH_CN"]

CATALOG_HELP_ZH_CN: dict[str, str] = {
    "Register a catalog dataset (in development) with its entry fields.":
        "登记目录数据集（开发中）及其条目字段。",
    "Entry title.": "条目标题。",
    "e.g. speech.asr, speech.tts, image.": "例如 speech.asr、speech.tts、image。",
    "BCP-47 tag (repeat).": "BCP-47 语言代码（可重复）。",
    "ISO 4217 code of the price and band.": "价格与价格区间的 ISO 4217 币种代码。",
    "Recording device (repeat).": "录音设备（可重复）。",
    "Planned hours (speech; older name of --planned-volume).": "计划时长（语音；--planned-volume 的旧名称）。",
    "Market-survey note.": "市场调研说明。",
    "Planned volume in the modality's unit (hours, images, frames, dialogues).":
        "以模态单位计的计划量（小时、图像、帧、对话）。",
    "Change an entry's price, band, title, scenario, listing or survey note (audited).":
        "修改条目的价格、价格区间、标题、场景、上架状态或调研说明（记入审计）。",
    "Search and browse the catalog (a customer sees listed entries only, without prices).":
        "搜索与浏览目录（客户只看到已上架的条目，不含价格）。",
    "At least these hours (datasets counted in hours).": "至少这么多小时（以小时计量的数据集）。",
    "low, mid or high.": "low（低）、mid（中）或 high（高）。",
    "At least this volume in the unit of --modality (hours, images, frames, ...).":
        "按 --modality 的单位计至少这么多量（小时、图像、帧……）。",
    "One catalog entry.": "一个目录条目。",
    "Record a bought dataset with its rights (only sub-licensable ones enter a release).":
        "登记购入的数据集及其权利（只有可转授权的才能进入发布版本）。",
    "Build the dataset from an accepted product-development batch or a third-party dataset.":
        "用已验收的产品开发批次或第三方数据集构建数据集。",
    "Take a source out of a dataset no release was built from it yet (audited).":
        "从尚未据以生成发布版本的数据集中移除来源（记入审计）。",
    "Build the next immutable release (refused if any item is customer data).":
        "生成下一个不可变的发布版本（含有客户数据的条目时会被拒绝）。",
    "Release/transfer folder (default: <home>/catalog).": "发布/传输文件夹（默认：<home>/catalog）。",
    "Withdraw a release: no new licence or link names it and its links stop downloading; "
    "licences issued on it stay (renew them onto a later release).":
        "撤回发布版本：不能再据此签发新许可或链接，其链接停止下载；已据此签发的许可保留（可续期到"
        "更新的发布版本）。",
    "A dataset's releases.": "数据集的发布版本。",
    "Re-hash a release against its manifest (exit 4 when it no longer matches); catalog staff "
    "only.": "按清单重新计算发布版本的哈希（不再一致时退出码为 4）；仅限目录人员。",
    "The datasheet generated from a release's items (counts, distributions, labels).":
        "由发布版本的条目生成的数据说明书（计数、分布、标签）。",
    "License a released dataset to a customer (number YYMMDD/ABC, from the issue date); a "
    "price outside the band needs an approved out-of-band quote (catalog band-quote).":
        "把已发布的数据集许可给客户（编号 YYMMDD/ABC，以签发日期开头）；价格在区间之外时须有已批准"
        "的区间外报价（catalog band-quote）。",
    "YYMMDD/ABC, starting with the issue date (default: the issue day's first free number).":
        "YYMMDD/ABC，以签发日期开头（默认：签发当天第一个未用的编号）。",
    "Acceptance criteria.": "验收标准。",
    "ISO 4217 code the price is in (default: the dataset's price currency).":
        "价格的 ISO 4217 币种代码（默认：数据集的定价币种）。",
    "CNY per unit of a foreign currency on the issue date (needed unless CNY).":
        "签发日每单位外币折合的人民币（非人民币时必填）。",
    "YYYY-MM-DD (default: the number's date, else today).": "YYYY-MM-DD（默认：编号中的日期，否则今天）。",
    "The licence's last day, YYYY-MM-DD (default: no end date).": "许可的最后一天，YYYY-MM-DD（默认：无结束日期）。",
    "The approved out-of-band quote a price outside the band is issued on (default: the "
    "approved quote of the same customer, price and currency).":
        "区间外价格所依据的已批准区间外报价（默认：同一客户、价格与币种的已批准报价）。",
    "End a licence now: its links stop; an unaccepted one's ledger contract is cancelled.":
        "立即终止许可：其链接停止；尚未验收的许可的台账合同被取消。",
    "The licence's number (YYMMDD/ABC, as its package prints it) or id.":
        "许可编号（YYMMDD/ABC，与数据包上印的一致）或内部编号。",
    "YYYY-MM-DD (default: today).": "YYYY-MM-DD（默认：今天）。",
    "Renew a licence: a new licence (priced and booked again) on the same terms unless changed, "
    "on the dataset's latest release unless --release says otherwise.":
        "续期许可：按相同条款（除非修改）签发新许可（重新定价与入账），默认基于数据集最新的发布"
        "版本，除非 --release 另行指定。",
    "The renewal's last day, YYYY-MM-DD (default: no end date).": "续期许可的最后一天，YYYY-MM-DD（默认：无结束日期）。",
    "YYMMDD/ABC (default: the next free).": "YYMMDD/ABC（默认：下一个未用的编号）。",
    "Release id (default: the latest).": "发布版本编号（默认：最新的）。",
    "The approved out-of-band quote a price outside the band is issued on.":
        "区间外价格所依据的已批准区间外报价。",
    "Move a live licence to a newer release of its dataset at no charge (same price, end date "
    "and ledger order; nothing booked), audited; its links issued so far stop.":
        "把有效许可免费转到其数据集更新的发布版本（价格、结束日期与台账订单不变；不入账），记入"
        "审计；此前签发的链接停止。",
    "The newer release of the same dataset.": "同一数据集更新的发布版本。",
    "Why (a corrected release ...).": "原因（已更正的发布版本……）。",
    "A licence's transfer links (a customer sees its own licence's).":
        "许可的传输链接（客户只看到自己许可的）。",
    "Stop one transfer link (the licence stays).": "停止一个传输链接（许可保留）。",
    "Licences (a customer sees its own): dataset and customer by name, price and currency.":
        "许可（客户只看到自己的）：数据集与客户名称、价格与币种。",
    "One licence (a customer sees its own).": "一个许可（客户只看到自己的）。",
    "Package the licensed release and issue an expiring, signed, download-counted link.":
        "打包已许可的发布版本，并签发有期限、已签名、计下载次数的链接。",
    "Fetch through a transfer link (as the customer would): prints the package's path, or "
    "copies it to --out and prints that path.":
        "通过传输链接获取（与客户相同）：打印数据包的路径，或复制到 --out 并打印该路径。",
    "Write the package to this file (or into this folder under its own name); the folder must "
    "exist. Default: print where the package is.":
        "把数据包写入此文件（或以其自身名称写入此文件夹）；文件夹必须已存在。默认：打印数据包所在"
        "位置。",
    "Record the buyer's acceptance (revenue follows at the next \"datamill ledger sync\").":
        "记录买方的验收（下一次 \"datamill ledger sync\" 时确认收入）。",
    "Record the buyer's refusal of a licence's delivery, with its reason: the licence is "
    "accepted only once delivered again (its next download).":
        "记录买方拒收授权交付及其原因：该授权须重新交付（下一次下载）后才能验收。",
    "What the delivered package lacks.": "所交付的数据包缺少什么。",
    "Let a customer-role user see ledger customer CUSTOMER_ID's licences.":
        "让客户角色的用户查看台账客户 CUSTOMER_ID 的许可。",
    "Per dataset: licences, revenue, development cost, margin.": "按数据集：许可、收入、开发成本、毛利。",
    "New datasets per year and datasets in development (catalog staff only).":
        "每年新增的数据集与开发中的数据集（仅限目录人员）。",
    "Write a public data-exchange listing file for a release.": "为发布版本写出公开的数据交易挂牌文件。",
    "Quote a licence price outside the dataset's band: the licence is issued at that price "
    "once a second person approved it (catalog band-quote-approve), while the quote is valid "
    "and the band unchanged.":
        "报出数据集价格区间之外的许可价格：经第二人批准（catalog band-quote-approve）后，在报价有效"
        "且区间未变期间，可按该价格签发许可。",
    "Why the price lies outside the band (8 letters or digits at least).":
        "价格在区间之外的原因（至少 8 个字母或数字）。",
    "CNY per unit of a foreign currency.": "每单位外币折合的人民币。",
    "Days the quote stays valid from today (default 30, at most 90).": "报价自今天起的有效天数（默认 30，最多 90）。",
    "Out-of-band quotes, newest first (staff only).": "区间外报价，最新的在前（仅限员工）。",
    "pending, approved, rejected, used, withdrawn, void or expired.":
        "pending、approved、rejected、used、withdrawn、void 或 expired。",
    "Approve a pending out-of-band quote (a catalog manager or finance, never its maker).":
        "批准待定的区间外报价（目录经理或财务，报价人本人不可）。",
    "Why the price is acceptable.": "价格可以接受的原因。",
    "Reject a pending out-of-band quote: no licence is issued on it.": "驳回待定的区间外报价：不据此签发许可。",
    "Why the price is refused.": "价格被拒绝的原因。",
    "Withdraw a pending or approved, unused out-of-band quote (its maker or a catalog manager): "
    "it is decided no more and licenses nothing.":
        "撤回待定或已批准但未使用的区间外报价（报价人或目录经理）：不再审批，也不据此签发许可。",
    "Why the quote is withdrawn.": "撤回报价的原因。",
    "Ask for a quote on a catalog dataset, or for custom work (a customer's account).":
        "为目录数据集或定制工作询价（客户账号）。",
    "What the data is for (intended use).": "数据的用途（预期用途）。",
    "How much and how wide: seats, teams, territory, term.": "使用规模与范围：席位、团队、地域、期限。",
    "The catalog dataset's id (none: custom work, described with --custom-work).":
        "目录数据集的编号（不填：定制工作，用 --custom-work 描述）。",
    "Anything else sales should know.": "销售还应了解的其他情况。",
    "Custom work wanted, described in words.": "所需定制工作的文字描述。",
    "Quote requests, newest first: every one for staff, your organisation's for a customer.":
        "询价请求，最新的在前：员工看到全部，客户看到本组织的。",
    "open, awaiting_approval, offered, expired, declined, accepted, licensed or withdrawn.":
        "open、awaiting_approval、offered、expired、declined、accepted、licensed 或 withdrawn。",
    "One quote request with its answer (a customer sees its own organisation's).":
        "一个询价请求及其答复（客户只看到本组织的）。",
    "Answer a quote request with a price (sales); outside the band the customer sees it once a "
    "second person approved its out-of-band quote (catalog band-quote-approve).":
        "以价格答复询价请求（销售）；价格在区间之外时，须经第二人批准其区间外报价（catalog "
        "band-quote-approve）后客户才能看到。",
    "The licence's territory.": "许可的地域范围。",
    "The licence's term.": "许可的期限。",
    "The licence's acceptance criteria.": "许可的验收标准。",
    "ISO 4217 code of the price.": "价格的 ISO 4217 币种代码。",
    "A word to the customer.": "给客户的留言。",
    "Why a price outside the band (a second person approves it first).":
        "价格在区间之外的原因（须先经第二人批准）。",
    "Days the offer stays valid (default 30, at most 90).": "报价的有效天数（默认 30，最多 90）。",
    "Decline a quote request with a reason (sales).": "附原因谢绝询价请求（销售）。",
    "Why (the customer reads it).": "原因（客户会看到）。",
    "Accept the offer on your organisation's quote request (the customer).":
        "接受本组织询价请求的报价（客户）。",
    "Withdraw your organisation's quote request before accepting an offer (the customer).":
        "在接受报价之前撤回本组织的询价请求（客户）。",
    "Why (optional).": "原因（可选）。",
    "Issue the licence on an accepted quote request at its offered terms (sales).":
        "按已接受的询价请求的报价条款签发许可（销售）。",
    "Default: the latest release.": "默认：最新的发布版本。",
    "The licence's last day, YYYY-MM-DD (default: none).": "许可的最后一天，YYYY-MM-DD（默认：无）。",
    "An account's notices, newest first: for a customer deliveries ready, quotes answered, "
    "licences issued or revoked, invoices and payments on its statement; for staff what waits "
    "on their role (quote requests, rejected deliveries, licences about to end, withdrawals of "
    "consent, releases of personal data).":
        "账号的通知，最新的在前：客户看到可取的交付、已答复的报价、已签发或撤销的许可、对账单上的"
        "发票与付款；员工看到等待其角色处理的事项（询价请求、被拒收的交付、即将到期的许可、知情同意"
        "的撤回、个人信息的放行）。",
    "Mark everything in the inbox read.": "把收件箱中的全部通知标为已读。",
}
