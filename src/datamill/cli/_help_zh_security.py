"""The Chinese of each ``datamill audit`` and ``datamill security`` command's help page and
their options, keyed by the English help text (its words joined by single spaces), merged into
:data:`datamill.cli._usage_words.ZH_CN_HELP`. ``tests/unit/cli/test_cli_help_zh.py`` fails when
one has help with no Chinese here."""

from __future__ import annotations

__all__ = ["SECURITY_HELP_ZH_CN"]

SECURITY_HELP_ZH_CN: dict[str, str] = {
    # datamill audit
    "Check every record's hash and HMAC, the signed checkpoints and the journal of deleted "
    "records (exit 7 when broken): the audit trail's readers (admins, auditors, data-security "
    "officers), as GET /audit/verify. The check is recorded (audit.verified).":
        "校验每条记录的哈希与 HMAC、已签名的检查点及已删除记录的日志（损坏时退出码为 7）：限审计"
        "记录的查阅者（管理员、审计、数据安全官），与 GET /audit/verify 相同。校验本身也会记录"
        "（audit.verified）。",
    "Print the report as JSON.": "以 JSON 输出报告。",
    "Sign the chain's current head, so that deleting any record up to it is detected: admins "
    "and data-security officers, as POST /audit/checkpoint.":
        "签署记录链当前的末端，此后删除其之前的任何记录都会被发现：限管理员与数据安全官，与 POST "
        "/audit/checkpoint 相同。",
    "Print the checkpoint as JSON.": "以 JSON 输出检查点。",
    "Who did what: audit records newest first, filtered (admins, auditors, data-security "
    "officers). Personal data in the records' data is masked.":
        "谁做了什么：按条件筛选的审计记录，最新的在前（管理员、审计、数据安全官）。记录数据中的"
        "个人信息已脱敏。",
    "Username of the person who acted.": "操作人的用户名。",
    "Action prefix, e.g. 'annotation.' or 'security.export_'.":
        "操作代码前缀，例如 'annotation.' 或 'security.export_'。",
    "Object type, e.g. 'project'.": "对象类型，例如 'project'。",
    "Object id.": "对象编号。",
    "From (inclusive): ISO date or datetime; dates and naive times are on the business clock "
    "(DATAMILL_BUSINESS_TIMEZONE), as the table shows times.":
        "起始（含）：ISO 日期或日期时间；日期及未带时区的时间按业务时区"
        "（DATAMILL_BUSINESS_TIMEZONE）计，与表中显示的时间一致。",
    "To (inclusive; a date includes the whole day).": "截止（含；日期包含当天全天）。",
    "Only records below this id (the previous page's next_before).":
        "只列出编号小于此值的记录（上一页的 next_before）。",
    "Page size (at most 200).": "每页条数（最多 200）。",
    "Rows to skip.": "跳过的行数。",
    "Every record the filters match as CSV, newest first (at most 100,000; personal data "
    "masked), as the /audit page's download: the same readers, and the export is itself "
    "recorded (audit.exported). With --json: {\"rows\", \"path\"} when written to --output, "
    "else {\"rows\", \"csv\"}.":
        "把符合筛选条件的全部记录导出为 CSV，最新的在前（最多 100,000 条；个人信息已脱敏），与 "
        "/audit 页面的下载相同：查阅者相同，导出本身也会记录（audit.exported）。使用 --json 时："
        "写入 --output 则输出 {\"rows\", \"path\"}，否则输出 {\"rows\", \"csv\"}。",
    "Write the CSV here (default: standard output).": "把 CSV 写到此处（默认：标准输出）。",
    # datamill security
    "Write a fresh random master key (base64) for DATAMILL_MASTER_KEY_FILE.":
        "为 DATAMILL_MASTER_KEY_FILE 写入新的随机主密钥（base64）。",
    "New key file (written 0600; never overwritten).": "新的密钥文件（权限 0600；从不覆盖）。",
    "The stored (wrapped) data keys and the master key that wraps each.":
        "已保存的（已封装的）数据密钥及封装各密钥的主密钥。",
    "Re-wrap every data key under a new master key (the data is not re-encrypted); then point "
    "DATAMILL_MASTER_KEY_FILE at the new key.":
        "用新主密钥重新封装每个数据密钥（数据本身不重新加密）；随后把 DATAMILL_MASTER_KEY_FILE "
        "指向新密钥。",
    "File holding the new master key.": "存放新主密钥的文件。",
    "The current master key (default: the configured one).": "当前的主密钥（默认：已配置的主密钥）。",
    "Encrypt the blobs stored before the master key was set (idempotent; re-run to resume).":
        "加密设置主密钥之前保存的文件（幂等；可重新运行以继续）。",
    "Decrypt an encrypted delivery package and check every file against its manifest.":
        "解密加密的交付数据包，并按清单校验每个文件。",
    "The encrypted delivery package folder.": "加密交付数据包所在的文件夹。",
    "New (or empty) folder to extract to.": "解压到的新（或空）文件夹。",
    "The master key (default: the configured one).": "主密钥（默认：已配置的主密钥）。",
    "Delete the decrypted copies the encrypting blob store keeps for local readers.":
        "删除加密文件存储为本地读取者保留的解密副本。",
    "Set a project's sensitivity: public, internal, confidential or secret (its managers or the "
    "data-security office; only the office lowers a level it set).":
        "设置项目的密级：public、internal、confidential 或 secret（项目经理或数据安全部门；数据"
        "安全部门设定的密级只有其本身能降低）。",
    "Classify one item above the rest of its project (at most the project's level).":
        "把单个条目定为高于项目其他条目的密级（最高不超过项目的密级）。",
    "Set a person's clearance (the data-security office; never your own unless admin).":
        "设置人员的涉密许可级别（数据安全部门；除管理员外不能设置自己的）。",
    "Let a batch of a project never desensitized be delivered with the personal data its "
    "checks found (the data-security office, with a reason; audited). Delivery refuses it "
    "otherwise (personal_data_unmasked).":
        "允许从未脱敏的项目的批次连同检查发现的个人信息一起交付（数据安全部门，附原因；记入审计）。"
        "否则交付会拒绝（personal_data_unmasked）。",
    "Why the batch may leave unmasked (who owns the data, which consent covers it).":
        "该批次可以不脱敏交付的原因（数据归谁所有，由哪份知情同意涵盖）。",
    "Delete the stored recordings (and masked copies) of a subject who withdrew every consent "
    "in the project, each with a deletion certificate (the data-security office; audited); the "
    "delivered packages holding them are written again without them.":
        "删除在项目中撤回了全部知情同意的数据主体的已存录音（及脱敏副本），每项附删除证明（数据"
        "安全部门；记入审计）；含有这些录音的已交付数据包会去掉它们后重新生成。",
    "List what would be deleted.": "列出将被删除的内容。",
    "A project's classification, export state, surveying flag and consent flags (its viewers, "
    "as GET /security/projects/{id}).":
        "项目的密级、出境状态、测绘标记与知情同意标记（项目的查看者，与 GET "
        "/security/projects/{id} 相同）。",
    "Flag a project's deliveries as leaving the country (or --domestic).":
        "把项目的交付标记为出境（或 --domestic：境内）。",
    "Customer's country (ISO alpha-2).": "客户所在国家（ISO 两位字母代码）。",
    "Clear the flag.": "清除该标记。",
    "Record an export risk assessment (admins and data-security officers).":
        "记录出境风险评估（管理员与数据安全官）。",
    "approved or rejected": "approved（通过）或 rejected（不通过）",
    "self_assessment or security_assessment":
        "self_assessment（风险自评估）或 security_assessment（安全评估）",
    "List a destination ('*': all) whose exports need an approved assessment.":
        "登记出境需经评估通过的目的地（'*'：全部）。",
    "Remove a destination rule.": "移除目的地规则。",
    "Destinations that need an assessment (settings + rules table): for the data-security "
    "office, auditors and project managers, as the API.":
        "需要评估的目的地（配置与规则表）：供数据安全部门、审计与项目经理查看，与 API 相同。",
    "Flag a project as surveying-and-mapping data (only qualified people may handle it).":
        "把项目标记为测绘数据（只有具备资质的人员可以处理）。",
    "Record a surveying qualification of a person or a vendor (admins).":
        "记录人员或供应商的测绘资质（管理员）。",
    "Username holding it.": "持有资质的用户名。",
    "Vendor id holding it.": "持有资质的供应商编号。",
    "Revoke a surveying qualification (admins).": "撤销测绘资质（管理员）。",
    "Record a data subject's consent (subject = the items' speaker/subject id).":
        "记录数据主体的知情同意（主体 = 条目的说话人/主体编号）。",
    "Withdraw consent: the subject's items leave undelivered batches; delivered ones are "
    "flagged.": "撤回知情同意：该主体的条目移出未交付的批次；已交付的条目被标记。",
    "One scope (default: all).": "某一范围（默认：全部）。",
    "Close withdrawal flags once the customer confirmed deleting the flagged delivered items "
    "(the project's managers or the data-security office; audited).":
        "客户确认删除被标记的已交付条目后，关闭撤回标记（项目经理或数据安全部门；记入审计）。",
    "How the customer confirmed deleting the delivered items (a mail, a certificate).":
        "客户如何确认删除已交付条目（邮件、证明）。",
    "One open flag's id (repeatable; default: every open flag).":
        "某个未处理标记的编号（可重复；默认：全部未处理的标记）。",
    "A project's consent records and withdrawal flags (its managers, the data-security office and auditors, as the API).":
        "项目的知情同意记录与撤回标记（项目经理、数据安全办公室与审计员可看，与 API 相同）。",
    "Write masked derivatives of every item's texts and images (originals kept).":
        "为每个条目的文本与图像生成脱敏副本（保留原件）。",
    "Detect faces and plates in images.": "检测图像中的人脸与车牌。",
    "Processes or Ray CPUs, 1 to 256 (default: all; DATAMILL_ENGINE picks local or ray).":
        "进程数或 Ray CPU 数，1 到 256（默认：全部；DATAMILL_ENGINE 选择 local 或 ray）。",
    "Read an original prompt/transcript (cleared people only; audited).":
        "读取原始提示文本/转写（仅限有许可级别的人员；记入审计）。",
}
