"""The words of ``datamill audit`` (verify, checkpoint, list, export) for people, in English and
zh-CN; merged into the CLI's catalogue through :mod:`datamill.cli._words_erasure`. An action's
and a role's words come from :mod:`datamill.core.record_words` (the pages' too)."""

from __future__ import annotations

__all__ = ["AUDIT_EN", "AUDIT_ZH_CN"]

AUDIT_EN: dict[str, str] = {
    "audit.intact": "audit trail intact",
    "audit.intact_tail": ": {records} records, {signed} signed{anchored}",
    "audit.anchored": "; latest signed checkpoint at #{record}",
    "audit.broken": "audit trail BROKEN",
    "audit.broken_tail": ": {records} records",
    "audit.checkpoint": "checkpoint at record #{record} ({count} records)",
    "audit.empty": "the audit trail is empty; nothing to sign",
    "audit.col.id": "id", "audit.col.at": "at", "audit.col.actor": "actor",
    "audit.col.action": "action", "audit.col.object": "object", "audit.col.project": "project",
    "audit.col.data": "data",
    "audit.system": "(system)",
    "audit.action": "{word} ({code})",
    "audit.page": "{first}-{last} of {total} record(s){more}",
    "audit.older": "; older: --before {before}",
    "audit.wrote": "wrote {rows} audit record(s) to {path}",
}

AUDIT_ZH_CN: dict[str, str] = {
    "audit.intact": "审计记录完好",
    "audit.intact_tail": "：共 {records} 条记录，{signed} 条已签名{anchored}",
    "audit.anchored": "；最近的签名检查点在 #{record}",
    "audit.broken": "审计记录已损坏",
    "audit.broken_tail": "：共 {records} 条记录",
    "audit.checkpoint": "检查点位于记录 #{record}（共 {count} 条记录）",
    "audit.empty": "审计记录为空，无需签署",
    "audit.col.id": "编号", "audit.col.at": "时间", "audit.col.actor": "操作人",
    "audit.col.action": "操作", "audit.col.object": "对象", "audit.col.project": "项目",
    "audit.col.data": "详情",
    "audit.system": "（系统）",
    "audit.action": "{word}（{code}）",
    "audit.page": "第 {first}-{last} 条，共 {total} 条{more}",
    "audit.older": "；更早的：--before {before}",
    "audit.wrote": "已把 {rows} 条审计记录写入 {path}",
}
