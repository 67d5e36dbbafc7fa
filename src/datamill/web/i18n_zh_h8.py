"""Chinese strings trial h8's walk through a new installation found missing, merged into
``i18n_zh.ZH_CN``."""

from __future__ import annotations

__all__ = ["ZH_CN_H8"]

ZH_CN_H8: dict[str, str] = {
    "home.no_projects_at_all": "还没有任何项目。",
    "home.create_project_hint": (
        "请根据数据集规格（YAML 或 JSON，字段见 README 的“概念”表）创建项目：{command}，"
        "或以规格为请求体调用 {api}。创建者自动成为项目成员。"
    ),
    "wb.draft_outdated": (
        "您的草稿保存后，此条目已被他人修改（草稿基于版本 {old}，条目现为版本 {new}）。"
        "此处显示的是您的草稿：请对照修改内容检查后再提交。"
    ),
    "llm.choose_first": "未提交：请先选出更好的回答（按 1 或 2，持平按 =）。",
    "llm.sft_hint": "按 Ctrl+Z 可恢复删除的轮次或改动的角色（Ctrl+Shift+Z 或 Ctrl+Y 重做）；Ctrl+Enter 提交。",
    "tx.text_keys": "文本：← 和 → 选中一个字符，按住 Shift 可扩展选区；再按标签的数字键标注",
    "llm.rate_first": "未提交：请先为每项标准打分：{names}。",
    "llm.list_sep": "、",
}
