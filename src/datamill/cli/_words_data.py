"""The words of ``datamill data`` (import, imports, check, preannotate, items) and of ``project
list|dashboard`` for people, in English and zh-CN; merged into the CLI's catalogue (:mod:`datamill.cli._words`). A check's
reason for setting an item aside is the service's English sentence (stored with the item)."""

from __future__ import annotations

from datamill.cli._words_frames import FRAMES_EN, FRAMES_ZH_CN
from datamill.cli._words_import_h18 import IMPORT_H18_EN, IMPORT_H18_ZH_CN
from datamill.cli._words_input_h1 import INPUT_H1_EN, INPUT_H1_ZH_CN
from datamill.cli._words_preaccuracy_h4 import PREACCURACY_H4_EN, PREACCURACY_H4_ZH_CN
from datamill.cli._words_preannotate_h11 import PREANNOTATE_H11_EN, PREANNOTATE_H11_ZH_CN
from datamill.cli._words_qc_h7 import QC_H7_EN, QC_H7_ZH_CN
from datamill.cli._words_speech_h5 import SPEECH_H5_EN, SPEECH_H5_ZH_CN

__all__ = ["DATA_EN", "DATA_ZH_CN"]

DATA_EN: dict[str, str] = {
    "data.importing": "importing", "data.resuming": "resuming import",
    "data.checking": "checking", "data.preannotating": "pre-annotating",
    "data.col.rejected": "rejected",
    "data.col.id": "id", "data.col.status": "status", "data.col.source": "source",
    "data.col.total": "total", "data.col.imported": "imported", "data.col.present": "present",
    "data.col.started": "started",
    "data.resume": "resume with: datamill data import --resume <id>",
    "data.checked": "{checked} checked: {passed} passed, {rejected} set aside",
    "data.recollect": "import a corrected file under the same id to replace one "
                      "(re-collection)",
    "data.col.item": "item", "data.col.reasons": "reasons", "data.set_aside": "Set aside",
    "data.nothing_preannotated": "nothing pre-annotated: {reason}",
    "data.preannotated": "pre-annotated {n} items with {model}",
    "data.preannotated.one": "pre-annotated {n} item with {model}",
    "data.dropped": "; left out (no label for them in the spec): {labels}",
    "data.col.volume": "volume", "data.col.attributes": "attributes",
    # project list | dashboard
    "proj.col.id": "id", "proj.col.name": "name", "proj.col.modality": "modality",
    "proj.col.language": "language", "proj.col.type": "type", "proj.col.status": "status",
    "proj.progress": "{project}: progress", "proj.col.items": "items",
    "proj.per.day": "submitted per day", "proj.per.worker": "submitted per worker",
    "proj.col.day": "day", "proj.col.worker": "worker", "proj.col.annotated": "annotated",
    "proj.col.reviewed": "reviewed", "proj.col.both": "work (both)",
    "proj.checks": "check failures", "proj.col.check": "check",
    "proj.col.failing": "items failing",
    # work packages
    "pkg.col.id": "id", "pkg.col.name": "name", "pkg.col.stage": "stage",
    "pkg.col.assignee": "assignee", "pkg.col.status": "status", "pkg.col.done": "done",
    **FRAMES_EN,
    **INPUT_H1_EN,
    **PREANNOTATE_H11_EN,
    **PREACCURACY_H4_EN,
    **SPEECH_H5_EN,
    **QC_H7_EN,
    **IMPORT_H18_EN,
}

DATA_ZH_CN: dict[str, str] = {
    "data.importing": "导入中", "data.resuming": "继续导入中",
    "data.checking": "检查中", "data.preannotating": "预标注中",
    "data.col.rejected": "拒收",
    "data.col.id": "编号", "data.col.status": "状态", "data.col.source": "来源",
    "data.col.total": "总数", "data.col.imported": "已导入", "data.col.present": "已存在",
    "data.col.started": "开始时间",
    "data.resume": "继续导入：datamill data import --resume <编号>",
    "data.checked": "已检查 {checked} 个：通过 {passed}，搁置 {rejected}",
    "data.recollect": "以相同编号导入更正后的文件即可替换（重新采集）",
    "data.col.item": "条目", "data.col.reasons": "原因", "data.set_aside": "已搁置",
    "data.nothing_preannotated": "没有预标注任何条目：{reason}",
    "data.preannotated": "已用 {model} 预标注 {n} 个条目",
    "data.preannotated.one": "已用 {model} 预标注 {n} 个条目",
    "data.dropped": "；未采用（规格中没有对应的标签）：{labels}",
    "data.col.volume": "数据量", "data.col.attributes": "属性",
    "proj.col.id": "编号", "proj.col.name": "名称", "proj.col.modality": "模态",
    "proj.col.language": "语言", "proj.col.type": "类型", "proj.col.status": "状态",
    "proj.progress": "{project}：进度", "proj.col.items": "条目数",
    "proj.per.day": "每日提交", "proj.per.worker": "每人提交",
    "proj.col.day": "日期", "proj.col.worker": "人员", "proj.col.annotated": "已标注",
    "proj.col.reviewed": "已审核", "proj.col.both": "工作量（两者合计）",
    "proj.checks": "检查未通过", "proj.col.check": "检查项",
    "proj.col.failing": "未通过条目数",
    "pkg.col.id": "编号", "pkg.col.name": "名称", "pkg.col.stage": "环节",
    "pkg.col.assignee": "分配给", "pkg.col.status": "状态", "pkg.col.done": "完成数",
    **FRAMES_ZH_CN,
    **INPUT_H1_ZH_CN,
    **PREANNOTATE_H11_ZH_CN,
    **PREACCURACY_H4_ZH_CN,
    **SPEECH_H5_ZH_CN,
    **QC_H7_ZH_CN,
    **IMPORT_H18_ZH_CN,
}
