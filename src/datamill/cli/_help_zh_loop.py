"""The Chinese of the help pages of the loop's later commands (``qc``, ``quality``,
``delivery``, ``collect``, ``corpus``, ``text``, ``retention``) and of ``serve``, ``demo`` and
``db-upgrade``, keyed by the English help text (its words joined by single spaces), merged into
:data:`datamill.cli._usage_words.ZH_CN_HELP`. ``tests/unit/cli/test_cli_help_zh.py`` fails when
one has help with no Chinese here."""

from __future__ import annotations

__all__ = ["LOOP_HELP_ZH_CN"]

LOOP_HELP_ZH_CN: dict[str, str] = {
    # serve, db-upgrade, demo
    "Run the HTTP API (and web UI) on loopback (127.0.0.1:8000). Another --host needs "
    "--tls-cert and --tls-key (or --allow-plain-http). SIGTERM lets the requests in flight "
    "finish; GET /healthz answers while the process runs, GET /readyz while it can reach its "
    "database.":
        "在本机回环地址（127.0.0.1:8000）运行 HTTP API（及网页界面）。使用其他 --host 时须提供 "
        "--tls-cert 与 --tls-key（或 --allow-plain-http）。收到 SIGTERM 时会等正在处理的请求完成；"
        "进程运行期间 GET /healthz 有应答，能连上数据库时 GET /readyz 有应答。",
    "Server processes (PostgreSQL: one per core).": "服务进程数（PostgreSQL：每个 CPU 核一个）。",
    "PEM certificate: serve HTTPS (with --tls-key).": "PEM 证书：以 HTTPS 提供服务（与 --tls-key 一起）。",
    "PEM private key of --tls-cert.": "--tls-cert 的 PEM 私钥。",
    "Serve plain HTTP on a --host other than loopback (only behind a TLS proxy on a trusted "
    "network).": "在回环地址以外的 --host 上提供明文 HTTP（仅限在可信网络中的 TLS 代理之后）。",
    "Bring the configured database to the latest schema (Alembic). A new home is started where "
    "there is none.": "把所配置的数据库升级到最新结构（Alembic）。没有主目录时会新建一个。",
    "Build real projects: ASR from espeak-ng speech, rendered images, NER sentences, LLM "
    "preference pairs and rendered lidar frames; each is imported, checked, pre-annotated and "
    "packaged (with --full also a TTS corpus and a browser collection from a corpus design). "
    "With --full the scripted annotators, reviewers and inspectors take each to an accepted "
    "delivery (locations printed), then the catalog licenses datasets and the money story runs "
    "from contract to period close.":
        "构建真实的项目：espeak-ng 合成语音的 ASR、渲染的图像、NER 句子、LLM 偏好对与渲染的激光"
        "雷达帧；每个项目都经过导入、检查、预标注与打包（--full 时还有 TTS 语料及按语料设计进行的"
        "浏览器采集）。使用 --full 时，脚本化的标注员、审核员与质检员把每个项目推进到交付验收（打印"
        "所在位置），随后目录数据集发放许可，资金流程从合同一直走到期末结账。",
    "Run scripted people through to an accepted delivery.": "让脚本化的人员一直做到交付验收。",
    "Delete the demo's database and blobs first.": "先删除演示的数据库与文件。",
    "Good recordings to synthesise.": "要合成的合格录音数。",
    "Where the demo's raw data and deliveries go (default: demo-data in DATAMILL_HOME).":
        "演示的原始数据与交付的存放位置（默认：DATAMILL_HOME 下的 demo-data）。",
    "Comma-separated projects to build: speech, image, text, llm, pointcloud; with --full also "
    "collect (corpus design + browser collection) and tts.":
        "要构建的项目，以逗号分隔：speech、image、text、llm、pointcloud；--full 时还可有 collect"
        "（语料设计 + 浏览器采集）与 tts。",
    "With --full: the catalog and the money story too.": "与 --full 一起：同时运行目录与资金流程。",
    # qc
    "Group reviewed items into a batch for inspection.": "把已审核的条目组成批次以供质检。",
    "Most items in the batch (1 or more; default: the spec's batch_size).":
        "批次的最大条目数（1 或以上；默认：规格中的 batch_size）。",
    "Start (or show) the sampling inspection of a batch: draws the sample.":
        "开始（或查看）批次的抽样检验：抽取样本。",
    "Record the inspector's version of one sampled item: a transcript (speech) or the "
    "corrected annotation (other modalities).":
        "记录质检员对一个样本条目的版本：转写（语音）或更正后的标注（其他模态）。",
    "Speech: what the inspector heard. Text, LLM, image ...: the corrected annotation as JSON "
    "(the form 'qc inspect' shows as delivered); or give --file.":
        "语音：质检员听到的内容。文本、LLM、图像……：以 JSON 表示的更正后标注（即 'qc inspect' "
        "显示的交付形式）；或用 --file 给出。",
    "Read the correction from this UTF-8 file (e.g. the corrected JSON); --annotation is the "
    "same option, the name 'work submit' and 'work review' use.":
        "从此 UTF-8 文件读取更正（例如更正后的 JSON）；--annotation 是同一选项，即 'work submit' 与 "
        "'work review' 使用的名称。",
    "A sampled recording's delivered segments, each with its part of the inspector's "
    "correction; a segment disagrees where the correction differs or the annotator flagged it "
    "(what the inspection page steps through).":
        "样本录音的交付片段，每段附质检员更正的相应部分；更正不同或标注员做了标记的片段即为不一致"
        "（质检页面逐段查看的内容）。",
    "Only this sampled item.": "只看此样本条目。",
    "Only the segments that disagree.": "只看不一致的片段。",
    "Confirm one sampled item as delivered (\"no change\"): the delivered version becomes the "
    "inspector's, however large, without retyping it.":
        "确认一个样本条目与交付一致（“无修改”）：交付版本即成为质检员的版本，无论多长都无须重新"
        "输入。",
    "Score the sample and accept or reject the batch.": "为样本评分，并判定批次合格或不合格。",
    ("Show an inspection, open or completed: its plan, verdict, scores and each sampled "
     "item's delivered and inspector's versions (who may view the project; the API's GET "
     "/inspections/{id}). A reworked item's \"their version is in inspection N\" is read here."):
        "显示一次质检（进行中或已完成）：抽样方案、判定、评分，以及每个抽样条目的交付版本和质检员版本"
        "（可查看该项目者；即 API 的 GET /inspections/{id}）。返工条目所说的“其版本见质检 N”在此查看。",
    "Application-effect verification of a batch: the modality's model evaluated on a sample "
    "(speech: the packaged recogniser's word error rate per speaker, gender, age band, accent) "
    "or trained and cross-validated on it (text classification: macro-F1 against a baseline, a "
    "learning curve), and the items it disagrees with most (a project manager or inspector). "
    "Where the spec has an effect section (threshold, min_sample) the run is judged pass or "
    "fail against it, and keeps that verdict.":
        "批次的应用效果验证：在样本上评估该模态的模型（语音：随附识别器按说话人、性别、年龄段、"
        "口音的词错误率），或在样本上训练并交叉验证（文本分类：与基线对比的 macro-F1、学习曲线），"
        "并列出模型最不认同的条目（项目经理或质检员）。规格中有 effect 部分（threshold、min_sample）"
        "时，按其判定通过或不通过，并保留该结论。",
    "Items to evaluate, a seeded sample of the batch (default: the modality's, 40 recordings or "
    "2,000 texts)": "要评估的条目数，按种子从批次中抽样（默认：按模态，40 条录音或 2,000 条文本）",
    "Which sample: the same seed draws the same items": "抽样种子：相同的种子抽到相同的条目",
    "A batch's application-effect verifications, newest first (anyone who views the project); "
    "qc evaluation ID shows one whole.":
        "批次的应用效果验证，最新的在前（能查看项目的人均可）；qc evaluation ID 显示其中一次的"
        "全部内容。",
    "One application-effect verification with its whole report.": "一次应用效果验证及其完整报告。",
    "Calibrate the prompt check's thresholds from labelled clips and store the report.":
        "用已标记的片段校准提示文本检查的阈值，并保存报告。",
    "CSV: label (good|bad) and item (external id), or file (beside the CSV) and prompt":
        "CSV：label（good|bad）与 item（外部编号），或 file（与 CSV 同目录）与 prompt",
    "Most good clips rejected": "被拒绝的合格片段比例上限",
    "Least bad clips stopped": "被拦下的不合格片段比例下限",
    "Lower the reject threshold by this much (default: automatic; 0: none)":
        "把拒绝阈值降低此值（默认：自动；0：不降低）",
    "The project's prompt-check calibrations, newest (in force) first.":
        "项目的提示文本检查校准记录，最新的（生效中）在前。",
    "Claim the next clip waiting for a listener (or the one you hold).":
        "领取下一个等待试听的片段（或您已占用的片段）。",
    "Answer a listen task you hold: the item passes on to annotation or is rejected.":
        "回答您占用的试听任务：条目进入标注或被拒绝。",
    "Whether the clip reads its prompt": "片段是否读的是其提示文本",
    "What you heard": "您听到的内容",
    # quality
    "Re-aggregate every overlapped item of a project (idempotent). Items past review (accepted "
    "or edited by a reviewer, batched, accepted, delivered) are skipped with the reason; an "
    "item whose aggregate already holds the same answer is counted unchanged, whatever the "
    "method.":
        "重新汇总项目中每个有重叠作答的条目（幂等）。已过审核的条目（审核员已通过或修改、已组批、"
        "已验收、已交付）会被跳过并说明原因；汇总结果已是相同答案的条目计为未变化，无论采用何种"
        "方法。",
    "majority_vote, dawid_skene, glad or bradley_terry (default: the spec's)":
        "majority_vote、dawid_skene、glad 或 bradley_terry（默认：规格中的）",
    "Krippendorff's alpha, Cohen's/Fleiss' kappa, pairwise scores and per-annotator agreement, "
    "as first submitted and now (--round picks the one --json leads with).":
        "Krippendorff alpha、Cohen/Fleiss kappa、两两评分及每位标注员的一致性，分首次提交时与当前"
        "两种（--round 选择 --json 首先给出哪一种）。",
    "Only this batch's items.": "只看此批次的条目。",
    "current: each annotator's latest answer (agreement now); first: their first submitted "
    "answer of each item (agreement as first submitted, before any rework). The table shows "
    "both side by side.":
        "current：每位标注员的最新答案（当前一致性）；first：其对每个条目首次提交的答案（首次提交、"
        "返工之前的一致性）。表格并排显示两者。",
    "Username of the person looking: checked like an API caller (they may view the project). "
    "Unnamed: the operator's view.":
        "查看者的用户名：按 API 调用者检查（须能查看该项目）。不指定时为操作员视角。",
    # delivery
    "Export an accepted batch with a sha256 manifest and a datasheet.":
        "导出已验收的批次，附 sha256 清单与数据说明书。",
    "Where delivery packages go.": "交付数据包的存放位置。",
    "Export format, repeatable (default: the modality's formats that hold the project's work).":
        "导出格式，可重复（默认：该模态中能容纳项目工作成果的格式）。",
    "Write one encrypted archive (default: when a master key is configured); the customer gets "
    "it decrypted with 'datamill delivery download' (or GET /api/v1/deliveries/ID/package).":
        "写成一个加密归档（默认：已配置主密钥时）；客户用 'datamill delivery download'（或 GET "
        "/api/v1/deliveries/ID/package）获取解密后的内容。",
    "Record the customer's acceptance report by accepted items and volume (or --all).":
        "按验收条目数与量（或 --all）记录客户的验收报告。",
    "Accepted items (--utterances: the older name).": "验收条目数（--utterances：旧名称）。",
    "Accepted volume in the modality's base unit: milliseconds of audio (speech, TTS), "
    "characters (text), images, dialogues (LLM), frames (point clouds); 'delivery create' "
    "prints the delivered volume. Where every item counts one (images, dialogues, frames) it "
    "defaults to --items. --duration-ms: the older name.":
        "以模态基本单位计的验收量：音频毫秒数（语音、TTS）、字符数（文本）、图像数、对话数（LLM）、"
        "帧数（点云）；'delivery create' 会打印交付量。每个条目计为一的模态（图像、对话、帧）默认"
        "等于 --items。--duration-ms：旧名称。",
    "Everything delivered: its items and volume as the delivery recorded them (instead of "
    "--items and --volume).": "全部交付内容：按交付记录的条目数与量（代替 --items 与 --volume）。",
    "A delivered item the customer refused, by its name in the package (its delivery key) or "
    "its external id (repeat it); the rest is accepted, the refused items go back to rework "
    "and are delivered again.":
        "客户拒收的交付条目，按其在数据包中的名称（交付键）或外部编号指定（可重复）；其余的验收，"
        "拒收的条目退回返工并再次交付。",
    "Record the customer's rejection of a whole delivery: nothing is accepted or paid; the "
    "batch's items go back to their annotators with the reason, to be batched and delivered "
    "again.":
        "记录客户拒收整个交付：不验收也不付款；批次的条目附原因退回给各自的标注员，之后重新组批"
        "并再次交付。",
    "The customer's reason (what was wrong).": "客户的理由（哪里有问题）。",
    "A project's deliveries: delivered, accepted (items and volume) or rejected.":
        "项目的交付：已交付、已验收（条目数与量）或被拒收。",
    "Project name or id.": "项目名称或编号。",
    "One delivery with its datasheet: the speakers, scoring conventions and the "
    "application-effect line (the run on the largest sample, its measure, seed and verdict); "
    "--json gives the whole datasheet (its effect_evaluation key).":
        "一次交付及其数据说明书：说话人、评分约定与应用效果行（样本最大的一次运行、其指标、种子与"
        "结论）；--json 输出完整的数据说明书（其 effect_evaluation 键）。",
    "Get a delivery's package (the project's customer, or its manager): decrypted when it was "
    "written encrypted (no key needed), every file checked against manifest.json; audited.":
        "获取交付数据包（项目的客户或项目经理）：加密写入的会被解密（无需密钥），每个文件都按 "
        "manifest.json 校验；记入审计。",
    "New (or empty) folder to write the package's files to.": "写入数据包文件的新（或空）文件夹。",
    "Rewrite the absolute paths inside a package copied elsewhere (Kaldi wav.scp, JSONL and "
    "Parquet audio paths) to where it lies now, and update its manifest's sha256 sums. Needs "
    "no database: run it wherever the package is. A package whose files hold no absolute path "
    "(image, point-cloud and text packages) has nothing to relocate and is left as it is.":
        "把复制到别处的数据包内的绝对路径（Kaldi wav.scp、JSONL 与 Parquet 中的音频路径）改写为"
        "其现在的位置，并更新清单中的 sha256 校验和。无需数据库：在数据包所在之处运行即可。文件中"
        "没有绝对路径的数据包（图像、点云与文本数据包）无需改写，保持原样。",
    "The delivery package's folder, where it lies now.": "交付数据包现在所在的文件夹。",
    "The folder it was written to (only for packages whose files name no media file by "
    "absolute path, which would tell it).":
        "数据包最初写入的文件夹（仅用于文件中没有以绝对路径指明媒体文件的数据包，否则可由路径"
        "得知）。",
    # text
    "Validate the whole source (errors name the file, line/row and byte) and write it; a bad "
    "source leaves nothing behind. Then: datamill data import PROJECT "
    "OUT_DIR/manifest.jsonl. A labelled .jsonl (text_jsonl rows) with --normalize becomes "
    "OUT_DIR/data.jsonl, its spans moved with the normalised text (import it with --format "
    "text_jsonl).":
        "校验整个来源（错误会指明文件、行号与字节）并写出；来源有误时不留下任何文件。之后执行："
        "datamill data import PROJECT OUT_DIR/manifest.jsonl。带标注的 .jsonl（text_jsonl 行）"
        "加 --normalize 时写为 OUT_DIR/data.jsonl，标注片段随规范化后的文本移动（用 --format "
        "text_jsonl 导入）。",
    "The sample's correction_tag (qc inspect --json) this starts from: a correction another "
    "inspector saved since is refused (exit 4), not overwritten.":
        "本次更正所基于的样本 correction_tag（见 qc inspect --json）：若其间另一位质检员已保存"
        "更正，本次会被拒绝（退出码 4），不会覆盖。",
    "A .txt/.csv/.jsonl/.parquet file or a folder of them.":
        "一个 .txt/.csv/.jsonl/.parquet 文件，或存放这些文件的文件夹。",
    "New folder for texts/ and manifest.jsonl.": "存放 texts/ 与 manifest.jsonl 的新文件夹。",
    "'line' (each line an item) or 'document'.": "'line'（每行一个条目）或 'document'（每个文档一个）。",
    "Text column (CSV/JSONL/Parquet).": "文本列（CSV/JSONL/Parquet）。",
    "Id column (CSV/JSONL/Parquet).": "编号列（CSV/JSONL/Parquet）。",
    "NFKC + full/half-width normalisation.": "NFKC 及全角/半角规范化。",
    "With --normalize, also turn Chinese full-width punctuation into ASCII.":
        "与 --normalize 一起：同时把中文全角标点转为 ASCII。",
    "Remove emoji.": "删除表情符号。",
    # retention
    "Delete custom-project backups past their retention period (certificates logged).":
        "删除超过保存期限的定制项目备份（记录删除证明）。",
    "The approving backup admin / security officer.": "批准的备份管理员/安全官。",
    "Run as of this day (YYYY-MM-DD; today or earlier, later only with --dry-run).":
        "以此日期为准运行（YYYY-MM-DD；今天或更早，更晚的日期只能与 --dry-run 一起用）。",
    "Put a project (or one item) under a dispute / legal hold.": "把项目（或单个条目）置于争议/法律冻结之下。",
    "Lift a hold.": "解除冻结。",
    "Set a contract's backup retention period in months (default 6).": "设置合同备份的保存期限（月，默认 6）。",
    "Deletion certificates.": "删除证明。",
    # corpus
    "Choose up to --n prompts that cover the most (rare) units per syllable read. The filters "
    "apply first; the prompts go to --out, the details to --details and, with --report, an "
    "HTML report.":
        "挑选至多 --n 条提示文本，使每朗读一个音节覆盖的（稀有）单元最多。先应用过滤条件；提示文本"
        "写入 --out，详情写入 --details，使用 --report 时另写一份 HTML 报告。",
    "Candidate sentences, one a line (see --encoding).": "候选句子，每行一句（见 --encoding）。",
    "Language: en or zh.": "语言：en 或 zh。",
    "How many prompts to choose.": "要挑选的提示文本数。",
    "Unit kinds to cover with optional weights, e.g. 'syllable,diphone:0.5'. en: phone, "
    "diphone; zh: syllable, initial, final, phone, diphone.":
        "要覆盖的单元类型，可附权重，例如 'syllable,diphone:0.5'。en：phone、diphone；zh："
        "syllable、initial、final、phone、diphone。",
    "Sensitive-word file, one word a line (a small built-in list always applies).":
        "敏感词文件，每行一个词（一个小型内置词表始终生效）。",
    "Chosen prompts, one a line.": "选出的提示文本，每行一条。",
    "JSON details (units, readability, rejections, curves); default: --out with .json.":
        "JSON 详情（单元、易读性、拒绝原因、曲线）；默认：--out 改为 .json 后缀。",
    "Also write an HTML report here.": "同时把 HTML 报告写到此处。",
    "Fewest words (en) / characters (zh); default 3 / 4.": "最少词数（en）/字数（zh）；默认 3 / 4。",
    "Most words (en) / characters (zh); default 30 / 40.": "最多词数（en）/字数（zh）；默认 30 / 40。",
    "zh: reject characters beyond this frequency rank.": "zh：拒绝字频排名超过此值的汉字。",
    "Jaccard similarity at which a sentence is a near-duplicate (1 = exact only).":
        "判定句子近似重复的 Jaccard 相似度（1 = 仅完全相同）。",
    "Keep sentences with words the lexicon lacks.": "保留含有词典中没有的词的句子。",
    "Keep sentences with digits.": "保留含有数字的句子。",
    "Stop once every kind covers this share (0-1] of the units the pool offers.":
        "每种类型都覆盖了候选池所含单元的此比例（0-1]后停止。",
    "Weigh rare units higher (1 + ln(M/df)).": "提高稀有单元的权重（1 + ln(M/df)）。",
    "Once all is covered, keep choosing (a new round) up to --n.": "全部覆盖后继续挑选（新一轮），直到 --n。",
    "Seed of the random baseline.": "随机基线的种子。",
    "The file's encoding (UTF-8 with or without BOM by default; gbk, gb18030, big5 for files "
    "from Chinese Windows editors).":
        "文件的编码（默认 UTF-8，带或不带 BOM；来自中文 Windows 编辑器的文件可用 gbk、gb18030、"
        "big5）。",
    # collect
    "Progress of every speaker-quota cell: targets, accepted, in progress, fill (the "
    "least-filled target, each target's own beside it), full (every target met).":
        "每个说话人配额格的进度：目标、已验收、进行中、完成度（完成度最低的目标，旁列各目标自己的）、"
        "已满（所有目标均已达成）。",
    "Add the next version of the project's consent text.": "添加项目知情同意书文本的下一个版本。",
    "The consent text.": "知情同意书文本。",
    "An invitation link for one subject (shown once: send it to them).":
        "为一位采集对象生成邀请链接（只显示一次：请发送给对方）。",
    "The subject's id (their speaker id).": "采集对象的编号（其说话人编号）。",
    "Days the link lives.": "链接的有效天数。",
    "Revoke an invitation link by its id (datamill collect invites PROJECT lists them).":
        "按编号撤销邀请链接（datamill collect invites PROJECT 可列出）。",
    "The invitation's number, as datamill collect invites PROJECT lists it (not a project or "
    "subject).": "邀请的编号，即 datamill collect invites PROJECT 列出的编号（不是项目或采集对象的）。",
    "Every invitation of the project and its state.": "项目的全部邀请及其状态。",
    "Clear a subject's demographics so they answer again on their page (answers once sent, a "
    "quota refusal included, are fixed; only a subject with no recording may be reset).":
        "清除采集对象的人口信息，让其在页面上重新填写（已提交的回答，包括被配额拒绝的，不可更改；"
        "只有尚无录音的采集对象可以重置）。",
    "Subjects: demographics, consent version signed (or withdrawn), recordings (current takes, "
    "and the earlier takes a re-recording retired), open re-record requests.":
        "采集对象：人口信息、已签署（或已撤回）的知情同意书版本、录音（当前录音及因重录而停用的"
        "早先录音）、未处理的重录要求。",
    "Ask the subject to record an item's prompt again (shown on their collection page).":
        "要求采集对象重新录制某条目的提示文本（显示在其采集页面上）。",
    "The collected item.": "采集到的条目。",
    "What is wrong with the recording.": "录音的问题。",
    "review, inspection or manual.": "review（审核）、inspection（质检）或 manual（人工）。",
    "The project's prompt list.": "项目的提示文本列表。",
    "Append prompts from a file (blank lines and prompts already listed are skipped).":
        "从文件追加提示文本（跳过空行和已在列表中的提示文本）。",
    "Text, one prompt a line.": "文本，每行一条提示文本。",
    "The prompt list in order.": "按顺序列出提示文本。",
    "The day the customer's acceptance report was signed (YYYY-MM-DD; default: today): the "
    "revenue is recognised in its period.":
        "客户签署验收报告的日期（YYYY-MM-DD；默认：今天）：收入确认在该日期所属期间。",
}
