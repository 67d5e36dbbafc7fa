"""The Chinese of the help pages a new user reads first: every command of ``datamill project``,
``data``, ``work`` and ``user`` and their options, keyed by the English help text (its words
joined by single spaces), merged into :data:`datamill.cli._usage_words.ZH_CN_HELP`.
``tests/unit/cli/test_cli_help_zh.py`` fails when one of those commands or options has help
with no Chinese here (an English docstring changed, or a command added)."""

from __future__ import annotations

from datamill.compliance.roles import Role
from datamill.modalities.labelled_formats import formats_line

__all__ = ["CORE_HELP_ZH_CN"]

_AS_VIEWER = ("Username of the person looking: they see what the API shows them (their projects, "
              "cleared for their level; a customer only the basics). Unnamed: the default "
              "clearance.")
_TYPED_IN_HELP = ("The password itself (kept by the shell history and visible in ps: prefer "
                  "the hidden prompt, asked for twice when neither this nor --password-stdin "
                  "is given, or --password-stdin).")

CORE_HELP_ZH_CN: dict[str, str] = {
    # datamill project
    "Create a project from a dataset spec file (the creator becomes a member).":
        "按数据集规格文件创建项目（创建者自动成为成员）。",
    "Dataset spec (YAML or JSON).": "数据集规格（YAML 或 JSON）。",
    "List projects (never those classified above the viewer's clearance; a named viewer's own "
    "projects).": "列出项目（不含定级高于查看者许可级别的项目；指定查看者时只列其本人的项目）。",
    _AS_VIEWER: "查看者的用户名：看到的内容与 API 向其展示的相同（其本人的项目、其许可级别内的项目；"
                "客户只看到基本信息）。不指定时按默认许可级别。",
    "Show a project's item counts by status and total volume (its customer: the basics).":
        "显示项目各状态的条目数与总量（项目的客户只看到基本信息）。",
    "What the project's dashboard shows: progress by status, work per day and per worker, "
    "check failures (volumes in the modality's unit).":
        "项目看板的内容：各状态的进度、每天与每人的工作量、检查未通过的情况（量以该模态的单位计）。",
    "Add a user to a project (required before they can work on it).":
        "把用户加入项目（加入后才能在该项目上工作）。",
    "Change a project's dataset spec: description, package size, sampling, acceptance, the "
    "modality's requirements ... (name, modality, language and type never; stages and overlap "
    "only before its first tasks).":
        "修改项目的数据集规格：说明、数据包大小、抽样、验收标准、模态的要求……（名称、模态、语言和"
        "类型不可修改；环节和重叠数只能在生成第一批任务之前修改）。",
    "KEY=VALUE changes; KEY may be dotted (acceptance.character_accuracy=0.95), VALUE is read "
    "as YAML (10, true, [annotate], null removes the key).":
        "KEY=VALUE 形式的修改；KEY 可用点号分隔（acceptance.character_accuracy=0.95），VALUE "
        "按 YAML 读取（10、true、[annotate]；null 删除该键）。",
    "A YAML or JSON merge patch of the spec (applied before KEY=VALUE).":
        "规格的 YAML 或 JSON 合并补丁（先于 KEY=VALUE 应用）。",
    "A project's speaker list: list, set, add, remove.": "项目的说话人列表：查看、设置、添加、移除。",
    "Show the project's speaker list.": "显示项目的说话人列表。",
    "Replace the speaker list from a JSON file (an empty list removes it).":
        "用 JSON 文件替换说话人列表（空列表即删除列表）。",
    "JSON list of {code, name, colour, hotkey}.": "由 {code, name, colour, hotkey} 组成的 JSON 列表。",
    "Add one speaker to the list.": "向列表添加一位说话人。",
    "The code segments store.": "片段中保存的说话人代码。",
    "Display name (default: the code).": "显示名称（默认：代码）。",
    "#rrggbb (default: from a palette).": "#rrggbb（默认：从调色板中选取）。",
    "Digit 1-9 (Alt+Shift+digit).": "数字 1-9（Alt+Shift+数字）。",
    "Take one speaker off the list (submitted segments keep their code).":
        "从列表中移除一位说话人（已提交的片段保留其代码）。",
    "The speaker's code.": "说话人的代码。",
    # datamill data
    "Import media files (re-running skips what is already in; an interrupted import resumes). "
    "Symbolic links that point outside the named folder are never followed (reported per "
    "file). With --format, the source's labels become each new item's first version.":
        "导入媒体文件（重复运行会跳过已导入的文件；中断的导入会继续）。指向所给文件夹之外的符号链接"
        "一律不跟随（逐个文件报告）。使用 --format 时，来源中的标注成为每个新条目的第一个版本。",
    "Folder of the modality's media files, a .csv/.jsonl manifest, a .zip archive (imported "
    "like a folder), or a pre-labelled source (with --format; a folder or a .zip).":
        "该模态媒体文件所在的文件夹、.csv/.jsonl 清单、.zip 压缩包（按文件夹导入），或已带标注的来源"
        "（配合 --format；文件夹或 .zip）。",
    "Resume the interrupted import with this id.": "继续这个编号的中断导入。",
    "Register the files where they are (nothing copied; the check stage hashes and probes "
    "them).": "就地登记文件（不复制；检查环节计算其哈希并探测）。",
    "With --in-place: an fsspec URL prefix (s3://bucket/raw/) manifest rows may name files "
    "under.": "配合 --in-place：清单各行可引用其下文件的 fsspec URL 前缀（s3://bucket/raw/）。",
    f"Import a pre-labelled source with its labels ({formats_line('en')}). Nothing is "
    "imported when any file or label is unusable.":
        f"连同标注导入已带标注的来源（{formats_line('zh-CN')}）。只要有一个文件或标注不可用，就什么也不导入。",
    "The vendor who delivered the source (a collection vendor's recordings; qualified): its "
    "items record it, and its settlement sheets pay their accepted volume on the collect "
    "stage.": "交付该来源的供应商（采集供应商的录音；须已通过资格审核）：条目记下该供应商，其验收"
              "结算单按采集环节的验收量付款。",
    "List a project's imports (for whoever may import into it); runs whose process died are "
    "marked interrupted (resumable).":
        "列出项目的导入记录（供有权导入该项目的人查看）；进程已终止的导入标为“已中断”（可继续）。",
    "Run the automatic checks; failing items are set aside (importing a corrected file under "
    "the same id replaces one).":
        "运行自动检查；未通过的条目被搁置（以相同编号导入修正后的文件即可替换）。",
    "Re-check items already checked.": "重新检查已检查过的条目。",
    "Pre-annotate every item that passed its checks with a packaged model (the modality's "
    "default, or --engine): its suggestion becomes the item's first version.":
        "用随包提供的模型（模态默认的，或 --engine 指定的）预标注每个通过检查的条目：其建议成为条目"
        "的第一个版本。",
    "Pre-annotator name (default: the modality's).": "预标注器名称（默认：该模态的）。",
    "How far the model's pre-annotations are from the annotations accepted for their items, "
    "by the modality's measure (speech: WER, else against read prompts; image: regions by IoU; "
    "text: spans and labels; point cloud: cuboids by 3D IoU); a modality without one says so.":
        "模型预标注与其条目已验收标注的差距，按模态的衡量方法计算（语音：词错误率，无验收标注时对照朗读"
        "文本；图像：按 IoU 匹配区域；文本：片段与标签；点云：按三维 IoU 匹配立体框）；没有衡量方法的"
        "模态会说明。",
    "List items with their status and, for rejected ones, the reasons (for whoever may view "
    "the project, like the API's caller; never an item classified above their clearance).":
        "列出条目及其状态，被驳回的附上原因（供可查看该项目的人使用，与 API 调用者相同；不含定级高于"
        "其许可级别的条目）。",
    "Only items in this status.": "只列此状态的条目。",
    "Only the items this import imported (its id: see datamill data imports).":
        "只列此次导入的条目（导入编号：见 datamill data imports）。",
    "Only items whose external id contains this text (case-insensitive).":
        "只列外部编号包含此文本的条目（不区分大小写）。",
    "Only this item (its id), exactly.": "只列这一个条目（按其编号精确匹配）。",
    "Most items to list: 1 to 1000.": "最多列出的条目数：1 到 1000。",
    # datamill work
    "Create work packages of the spec's package size for a stage. Only checked items get "
    "tasks: when items still wait for 'datamill data check', it says so (with --json: on "
    "stderr, the list on stdout stays as it is).":
        "按规格中的数据包大小为某个环节创建工作包。只有检查过的条目才会生成任务：仍有条目等待 "
        "'datamill data check' 时会提示（使用 --json 时提示在标准错误输出，标准输出的列表不变）。",
    "List work packages (whoever may view the project, like the API's caller; an annotator or "
    "a reviewer who is a member: the packages assigned to them).":
        "列出工作包（可查看该项目的人，与 API 调用者相同；身为成员的标注员或审核员：分配给自己的工作包）。",
    "Assign a work package to a person.": "把工作包分配给某人。",
    'Claim the next task (or show the one you already hold). Exit 10 when no task is left at '
    'this stage (with --json: {"task": null, "reason": ...}). With --json the task carries '
    '"content": what is judged, for text the item\'s text ({"type": "text_item", '
    '"schema_version": 1, "text"}), for LLM the record ({"type": "llm_record", '
    '"schema_version": 1, "id", "messages", "responses", "meta"}); null for other modalities.':
        '领取下一个任务（或显示您已持有的任务）。该环节没有剩余任务时退出码为 10（使用 --json 时输出 '
        '{"task": null, "reason": ...}）。使用 --json 时任务带有 "content"：要评判的内容，文本为条目'
        '的文本（{"type": "text_item", "schema_version": 1, "text"}），LLM 为记录（{"type": '
        '"llm_record", "schema_version": 1, "id", "messages", "responses", "meta"}）；其他模态为 '
        'null。',
    "Submit your annotation of a task you hold (the version it starts from: --base-version).":
        "提交您所持任务的标注（它所基于的版本：--base-version）。",
    "The version your edit starts from.": "您的修改所基于的版本。",
    "The annotation as a JSON file: the modality's document (image, point cloud, text, LLM "
    "...) or a list of segments (speech). --segments is the older name.":
        "JSON 文件形式的标注：该模态的文档（图像、点云、文本、LLM……）或片段列表（语音）。"
        "--segments 是旧名称。",
    "Speech: one segment spanning the whole audio.": "语音：一个覆盖整段音频的片段。",
    "A comment to the reviewer.": "给审核员的备注。",
    "The item cannot be annotated: one of its modality's item flags (speech: unintelligible, "
    "noise_only, other_language, other).":
        "条目无法标注：填该模态的一个条目标记（语音：unintelligible、noise_only、other_language、"
        "other）。",
    "Hand a task you hold back to the pool; it is never offered to you again.":
        "把您持有的任务放回任务池；之后不会再分给您。",
    "Why you hand the task back.": "放回任务的原因。",
    "Accept, edit or reject (with a reason) a review task you hold.":
        "对您持有的审核任务作出通过、修改或驳回（须说明原因）。",
    "accept, edit or reject": "accept（通过）、edit（修改）或 reject（驳回）",
    "edit, speech: one segment spanning the whole audio.": "edit，语音：一个覆盖整段音频的片段。",
    "edit: the corrected annotation as a JSON file (see work submit).":
        "edit：JSON 文件形式的修正后标注（见 work submit）。",
    "Run an assisted tool of the item's modality (what the workbench's tool proposes; nothing "
    "is stored): for people who annotate, review or inspect.":
        "运行条目所属模态的辅助工具（即工作台工具给出的建议；不保存任何内容）：供标注、审核或质检"
        "人员使用。",
    "The modality's tool: grabcut (image), fit_cuboid or label_points (point cloud).":
        "模态的工具：grabcut（图像）、fit_cuboid 或 label_points（点云）。",
    "The tool's parameters as a JSON object, e.g. '{\"x\": 12, \"y\": -3, \"yaw\": 0, "
    "\"length\": 5, \"width\": 2}' for fit_cuboid.":
        "工具参数，JSON 对象，例如 fit_cuboid 的 '{\"x\": 12, \"y\": -3, \"yaw\": 0, "
        "\"length\": 5, \"width\": 2}'。",
    "The parameters from a JSON file (label_points: an annotation document; its objects are "
    "the boxes).": "从 JSON 文件读取参数（label_points：一个标注文档，其对象即各个框）。",
    # datamill user
    "Create a user (password stored as an argon2 hash): asked for hidden, twice, unless "
    "--password-stdin (one line of stdin) or --password gives it.":
        "创建用户（密码以 argon2 哈希保存）：以隐藏方式询问两次，除非用 --password-stdin（标准输入的"
        "一行）或 --password 给出。",
    ", ".join(r.value for r in Role) + " (see 'datamill user roles')":
        ", ".join(r.value for r in Role) + "（见 'datamill user roles'）",
    _TYPED_IN_HELP: "密码本身（会留在 shell 历史中且在 ps 中可见：建议用隐藏提示——两者都未给出时询问"
               "两次——或 --password-stdin）。",
    "Read the password as one line from stdin (for scripts).": "从标准输入读取一行作为密码（供脚本使用）。",
    "Username of the admin acting (needed once an admin exists).":
        "执行操作的管理员用户名（已有管理员后必填）。",
    "The name shown on pages (default: the username).": "页面上显示的名称（默认：用户名）。",
    "The accounts, by username (admins: the manage_users permission).":
        "按用户名列出账号（管理员：manage_users 权限）。",
    "Deactivated accounts too.": "也列出已停用的账号。",
    "The permission matrix: what each role may do, and where (any, member, own).":
        "权限矩阵：每个角色可以做什么，以及在哪里（any 任意、member 所属项目、own 本人的）。",
    "Print the matrix as JSON.": "以 JSON 输出权限矩阵。",
    "Issue an API token for a user (shown once), or revoke tokens with --revoke.":
        "为用户签发 API 令牌（只显示一次），或用 --revoke 吊销令牌。",
    "Lifetime in days (default DATAMILL_TOKEN_DAYS, 30).":
        "有效天数（默认 DATAMILL_TOKEN_DAYS，30）。",
    "Revoke instead: a token id (see 'datamill user tokens'), the token itself, or 'all'.":
        "改为吊销：令牌编号（见 'datamill user tokens'）、令牌本身，或 'all'。",
    "List a user's API tokens (ids, names, expiry; never the secrets): one's own, or an "
    "admin's.": "列出用户的 API 令牌（编号、名称、到期时间；从不显示密钥）：本人的，或由管理员查看。",
    "Set a user's password; all their web sessions and API tokens are revoked. The new "
    "password is asked for hidden, twice, unless --password-stdin (one line of stdin) or "
    "--password gives it.":
        "设置用户的密码；其全部网页会话和 API 令牌都被吊销。新密码以隐藏方式询问两次，除非用 "
        "--password-stdin（标准输入的一行）或 --password 给出。",
    "Block a user from signing in; all their web sessions and API tokens are revoked, and the "
    "open work they held (claimed tasks, unfinished packages) goes back to the pool.":
        "禁止用户登录；其全部网页会话和 API 令牌都被吊销，其持有的未完成工作（已领取的任务、未完成"
        "的数据包）放回任务池。",
    "Let a deactivated user sign in again (no session, token or work comes back).":
        "允许已停用的用户重新登录（会话、令牌和工作都不会恢复）。",
    "Change a user's role (admins: manage_users), audited. Their API tokens and web sessions "
    "act with the new role at once; open work the new role may not do goes back to the pool. "
    "The last active admin keeps the role.":
        "修改用户的角色（管理员：manage_users），记入审计。其 API 令牌和网页会话即刻按新角色生效；"
        "新角色不能处理的未完成工作放回任务池。最后一位在用的管理员不能改为其他角色。",
    "The frame before a task's item in its sequence (items imported with sequence and frame "
    "columns) and its current annotation, to start this frame from its objects, as the "
    "workbench's \"Copy previous frame\" does; for the task's holder.":
        "任务条目在其序列中的上一帧（导入时带 sequence 和 frame 列的条目）及其当前标注，用于从上一帧的"
        "对象开始标注本帧，与工作台的“复制上一帧”相同；仅限任务的持有人。",
    "Write the previous frame's annotation (a JSON document) to this file, to edit and submit "
    "with --annotation.": "把上一帧的标注（JSON 文档）写入此文件，修改后用 --annotation 提交。",
    "End a user's membership of a project; the work they held on it goes back to the pool.":
        "结束用户在项目中的成员身份；其在该项目上持有的工作退回任务池。",
}
