"""More words of ``datamill workforce`` (vendor kinds and settlement cycles, workers, the
qualification test and golden items), in English and zh-CN; merged into the CLI's catalogue
through :mod:`datamill.cli._words_workforce`. The vendor kinds and cycles are the pages' words
(``vkind.*`` from core.code_words, as the web's code catalogues; ``vcycle.*`` as on the printed
settlement sheet, written here because importing ``workforce.sheet_print`` loads the ORM at
the CLI's start-up)."""

from __future__ import annotations

from datamill.core.code_words import VENDOR_KIND_WORDS

__all__ = ["WF_MORE_EN", "WF_MORE_ZH_CN"]

WF_MORE_EN: dict[str, str] = {
    **{f"vkind.{k}": w for k, w in VENDOR_KIND_WORDS["en"].items()},
    "vcycle.weekly": "weekly", "vcycle.half_monthly": "half-monthly", "vcycle.monthly": "monthly",
    # workers
    "wf.worker_registered": "worker {id} ({username}) registered",
    "wf.identity_verified": "identity of {username} verified",
    "wf.grade_added": "grade {grade} at {rate} per point",
    "wf.wrote": "wrote {path}",
    "wf.working_days": "{month}: {days} working days, cap {cap} points a person",
    "wf.working_days_sofar": " ({cap_to_date} bookable so far: {worked} days worked)",
    "wf.col.username": "username", "wf.col.manager": "manager", "wf.col.grade": "grade",
    "wf.col.languages": "languages", "wf.col.identity": "identity", "wf.col.active": "active",
    "wf.none": "none", "wf.checked": "checked",
    "wf.taken_back": "package {package} taken back; {n} held task(s) released",
    "wf.worker_set": "worker {id} ({username}): languages {languages}; modalities "
                     "{modalities}; grade {grade}",
    "wf.reactivated": "worker {id} ({username}) reactivated",
    "wf.deactivated": "worker {id} ({username}) deactivated",
    "wf.manager_now": "worker {id} ({username}) is now a manager of vendor {vendor}",
    "wf.manager_no_longer": "worker {id} ({username}) is no longer a manager of vendor {vendor}",
    "wf.moved_in_house": "worker {id} ({username}) moved in-house",
    "wf.moved_to_vendor": "worker {id} ({username}) moved to vendor {vendor}",
    # qualification test and golden items
    "wq.none": "no qualification test yet",
    "wq.none_required": "no qualification test yet; required: {required}",
    "wq.test": "qualification test of project {project} (revision {revision}): {metric} >= "
               "{threshold}, {golden} golden items; required: {required}; {attempts} attempts "
               "a worker",
    "wq.apart": ", {minutes} minutes apart",
    "wq.golden_rate": "golden rate of project {project}: {rate}",
    "wq.requires": "project {project} requires qualification: {required}",
    "wq.col.item": "item", "wq.col.name": "name", "wq.col.file": "file", "wq.col.prompt": "prompt",
    "wq.col.withheld": "withheld",
    "wq.media": "each item's file: GET <server>/api/v1/projects/<id>/qualification-test/"
                "questions/<item>/media (the 'media' of --json); a field that would give the "
                "answer away (e.g. a read-speech prompt) is withheld",
    "wq.answer": 'answer every one: a JSON file {{"<name or item id>": "<answer>", ...}} for '
                 "`datamill workforce qualification take`",
    "wq.passed": "passed", "wq.not_passed": "not passed", "wq.failed": "failed",
    "wq.taken": "{result}: {metric} {score} (pass at {threshold}); attempt {used}, {left} left",
    "wq.granted": "worker {worker}: {used} of {allowed} attempts used, {left} left",
    "wq.no_attempts": "no attempts yet",
    "wq.col.attempt": "attempt", "wq.col.worker": "worker", "wq.col.user": "user",
    "wq.col.vendor": "vendor", "wq.col.score": "score", "wq.col.result": "result",
    "wq.col.revision": "revision", "wq.col.at": "at", "wq.col.status": "status",
    "wq.col.production": "production", "wq.col.checks": "checks", "wq.col.accuracy": "accuracy",
    "wq.col.answer": "answer", "wq.col.answered": "golden answered",
    "wq.col.qualification": "qualification",
}

WF_MORE_ZH_CN: dict[str, str] = {
    **{f"vkind.{k}": w for k, w in VENDOR_KIND_WORDS["zh-CN"].items()},
    "vcycle.weekly": "按周", "vcycle.half_monthly": "按半月", "vcycle.monthly": "按月",
    "wf.worker_registered": "人员 {id}（{username}）已登记",
    "wf.identity_verified": "{username} 的身份已核验",
    "wf.grade_added": "职级 {grade}：每工时点 {rate}",
    "wf.wrote": "已写入 {path}",
    "wf.working_days": "{month}：工作日 {days} 天，每人上限 {cap} 工时点",
    "wf.working_days_sofar": "（截至目前可登记 {cap_to_date}：已过工作日 {worked} 天）",
    "wf.col.username": "用户名", "wf.col.manager": "管理员", "wf.col.grade": "职级",
    "wf.col.languages": "语言", "wf.col.identity": "身份核验", "wf.col.active": "在职",
    "wf.none": "无", "wf.checked": "已核验",
    "wf.taken_back": "数据包 {package} 已收回；释放了 {n} 个已领取的任务",
    "wf.worker_set": "人员 {id}（{username}）：语言 {languages}；模态 {modalities}；职级 {grade}",
    "wf.reactivated": "人员 {id}（{username}）已重新启用",
    "wf.deactivated": "人员 {id}（{username}）已停用",
    "wf.manager_now": "人员 {id}（{username}）现为供应商 {vendor} 的管理员",
    "wf.manager_no_longer": "人员 {id}（{username}）不再是供应商 {vendor} 的管理员",
    "wf.moved_in_house": "人员 {id}（{username}）已转为内部人员",
    "wf.moved_to_vendor": "人员 {id}（{username}）已转到供应商 {vendor}",
    "wq.none": "尚未设置资格测试",
    "wq.none_required": "尚未设置资格测试；是否必需：{required}",
    "wq.test": "项目 {project} 的资格测试（第 {revision} 版）：{metric} >= {threshold}，"
               "{golden} 个黄金条目；是否必需：{required}；每人可测 {attempts} 次",
    "wq.apart": "，间隔 {minutes} 分钟",
    "wq.golden_rate": "项目 {project} 的黄金题比例：{rate}",
    "wq.requires": "项目 {project} 是否要求资格测试：{required}",
    "wq.col.item": "条目", "wq.col.name": "名称", "wq.col.file": "文件", "wq.col.prompt": "提示文本",
    "wq.col.withheld": "未提供",
    "wq.media": "各条目的文件：GET <服务器>/api/v1/projects/<编号>/qualification-test/"
                "questions/<条目>/media（即 --json 中的 'media'）；会泄露答案的字段（如朗读提示"
                "文本）不提供",
    "wq.answer": '请逐条作答：写一个 JSON 文件 {{"<名称或条目编号>": "<答案>", ...}}，用于 '
                 "`datamill workforce qualification take`",
    "wq.passed": "通过", "wq.not_passed": "未通过", "wq.failed": "未通过",
    "wq.taken": "{result}：{metric} {score}（及格线 {threshold}）；第 {used} 次，还剩 {left} 次",
    "wq.granted": "人员 {worker}：已用 {used} 次（共 {allowed} 次），还剩 {left} 次",
    "wq.no_attempts": "尚无测试记录",
    "wq.col.attempt": "测试", "wq.col.worker": "人员", "wq.col.user": "用户",
    "wq.col.vendor": "供应商", "wq.col.score": "得分", "wq.col.result": "结果",
    "wq.col.revision": "版本", "wq.col.at": "时间", "wq.col.status": "状态",
    "wq.col.production": "计入生产", "wq.col.checks": "作答次数", "wq.col.accuracy": "准确率",
    "wq.col.answer": "答案", "wq.col.answered": "黄金题作答数",
    "wq.col.qualification": "资格测试",
}
