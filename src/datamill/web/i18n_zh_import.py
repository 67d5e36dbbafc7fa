"""zh-CN strings of the project's data-import page (twins of ``i18n_import``)."""

from __future__ import annotations

from datamill.core.code_words import IMPORT_LEFT_OUT_WORDS

__all__ = ["ZH_CN_IMPORT"]

ZH_CN_IMPORT: dict[str, str] = {
    "imp.link": "导入数据",
    "imp.title": "导入数据",
    "imp.intro": "请上传本项目媒体文件的 .zip 压缩包（按文件夹导入）、模态可直接读取的 .jsonl 记录文件（大模型对话），或整体压缩并注明格式的预标注数据。"
                 ".csv/.jsonl 清单指向服务器上的文件，请通过 API 或命令行导入。项目中已有的文件不会重复导入；"
                 "每个被拒绝的文件都会列出原因，压缩包中未解压的条目（绝对路径、“..”、链接）也会说明原因。",
    "imp.file": "文件",
    "imp.max": "不超过 {size}",
    "imp.vendor": "采集供应商",
    "imp.vendor_none": "无（非供应商交付）",
    "imp.vendor_help": "交付这批数据的合格供应商：导入的每个条目都会记录该供应商，其结算单按验收量付款。",
    "imp.format": "标注",
    "imp.format_none": "无（原始数据）",
    "imp.format_auto": "自动识别格式",
    "imp.format_help": "预标注数据：每个新条目以其标注为起点；任一文件或标注不可用时，整批导入将被拒绝。",
    "imp.submit": "导入",
    "imp.takes_time": "导入在页面等待期间完成。",
    "imp.failed": "未导入",
    "imp.too_large": "{name} 大小为 {size}，超过本服务器导入接受的 {limit} 上限；请拆分为较小的压缩包。",
    "imp.too_large_sent": "上传的内容超过本服务器导入接受的 {limit} 字节上限"
                          "（DATAMILL_MAX_UPLOAD_BYTES），未导入任何内容。请拆分为较小的压缩包。",
    "imp.no_file": "请选择要导入的文件。",
    "imp.empty": "{name} 为空文件（0 字节），未导入任何内容。",
    "imp.bad_vendor": "请从列表中选择供应商。",
    "imp.report": "导入报告",
    "imp.summary": "{source}：共 {total} 行，导入 {imported} 条，项目中已有 {duplicates} 条，"
                   "拒绝 {rejected} 条（导入批次 {run}）。",
    "imp.vendor_done": "由 {vendor} 交付：其结算单按验收量付款（采集环节）。",
    "imp.labelled": "{labelled} 个新条目以其 {format} 标注为起点。",
    "imp.replaced": "其中 {replaced} 条替换了自动检查曾拒绝的条目文件（重新采集；将再次检查）。",
    "imp.refused": "已拒绝",
    "imp.col.source": "文件或行",
    "imp.col.file": "文件",
    "imp.col.reason": "原因",
    "imp.stored": "导入记录的原文（英文）：{stored}",
    "imp.skipped": "上传内容中未导入的文件（{n} 个）",
    "imp.items": "新条目",
    "imp.items_more": "显示前 {shown} 条，共 {total} 条。",
    "imp.no_items": "没有新条目。",
    "imp.to_project": "返回项目（按状态查看条目与检查结果）",
    "imp.intro_prompts": "录音项目中，录音旁的同名 .txt 文件即为该录音的提示文本。",
    "imp.left_out": "{format} 标注中有 {n} 个对象未采用：",
    **{f"imp.left_out.{k}": w for k, w in IMPORT_LEFT_OUT_WORDS["zh-CN"].items()},
}
