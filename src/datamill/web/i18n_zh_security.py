"""zh-CN strings of the data-security page's item-classification and encrypt-existing forms
and of the audit page's record table, merged into ``i18n_zh.ZH_CN`` (the English ones are in ``i18n_security``)."""

from __future__ import annotations

__all__ = ["ZH_CN_SECURITY"]

ZH_CN_SECURITY: dict[str, str] = {
    "sec.items_h": "密级高于所属项目的条目",
    "sec.item": "条目",
    "sec.external_id": "外部编号",
    "sec.set_by": "定级人",
    "sec.set_at": "时间",
    "sec.import": "（导入）",
    "sec.items_none": "没有密级高于所属项目的条目。",
    "sec.classify_item": "为条目定级",
    "sec.items_help": "条目只能定为高于其项目的密级：许可级别低于该密级的人不会领取该条目，也无法读取。",
    "sec.ok.item_classified": "条目密级已保存。",
    "sec.encrypt_h": "加密已有数据块",
    "sec.encrypt": "立即加密已有数据块",
    "sec.encrypt_help": "就地加密设置主密钥之前存储的所有数据块；已加密的会跳过，可重复运行。数据量大时耗时较长：可在服务器上运行 `datamill security encrypt-existing --as admin`（显示进度）。",
    "sec.ok.encrypted": "数据块已加密。",
    "sec.enc.total": "数据块",
    "sec.enc.encrypted": "本次加密",
    "sec.enc.skipped": "已加密（跳过）",
    "sec.enc.mismatched": "未加密：内容与名称不符",
    # 审计页的记录表（谁做了什么）
    "audit.log_h": "操作记录",
    "audit.f.actor": "操作人（用户名）",
    "audit.f.action": "操作（前缀）",
    "audit.f.object_type": "对象类型",
    "audit.f.object_id": "对象编号",
    "audit.f.project": "项目编号",
    "audit.f.since": "起始日期",
    "audit.f.until": "截止日期",
    "audit.filter": "筛选",
    "audit.clear": "清除筛选",
    "audit.filter_error": "筛选条件无效：",
    "audit.col.at": "时间（UTC）",
    "audit.col.actor": "操作人",
    "audit.col.action": "操作",
    "audit.col.object": "对象",
    "audit.col.project": "项目",
    "audit.col.data": "详情",
    "audit.system": "系统",
    "audit.log_empty": "没有符合筛选条件的记录。",
    "audit.showing": "记录",
    "audit.newer": "较新",
    "audit.older": "较早",
    "audit.log_help": "最新的在前。日期采用 ISO 格式（2024-05-01），包含当天全天；详情中的个人信息已脱敏。同样的列表：`datamill audit list --as 用户名` 与 GET /api/v1/audit/records。",
}
