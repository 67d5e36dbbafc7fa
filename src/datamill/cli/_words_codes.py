"""The CLI's words for the codes ``project`` and ``user roles`` show (a project's type, a
permission's scope, a unit price's unit) and their lines, in English and zh-CN; merged into the CLI's catalogue
through :mod:`datamill.cli._words_erasure`. English keeps showing the codes (``code()``)."""

from __future__ import annotations

__all__ = ["CODES_EN", "CODES_ZH_CN"]

CODES_EN: dict[str, str] = {
    "ptype.custom_service": "custom service", "ptype.product_development": "product development",
    "ptype.processing_only": "processing only",
    "proj.created_head": "created project {id} ",
    "proj.created_tail": " ({modality}, {type})",
    "roles.role": "role",
    "scope.any": "any", "scope.member": "member", "scope.own": "own",
    "punit.hour": "hour", "punit.item": "item", "punit.volume": "volume unit",
}

CODES_ZH_CN: dict[str, str] = {
    "ptype.custom_service": "定制服务", "ptype.product_development": "产品研发",
    "ptype.processing_only": "仅加工",
    "proj.created_head": "已创建项目 {id} ",
    "proj.created_tail": "（{modality}，{type}）",
    "roles.role": "角色",
    "scope.any": "全部", "scope.member": "所在项目", "scope.own": "本人/本供应商",
    "punit.hour": "小时", "punit.item": "条", "punit.volume": "个数据量单位",
}
