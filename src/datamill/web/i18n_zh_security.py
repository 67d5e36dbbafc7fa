"""zh-CN strings of the data-security page's item-classification and encrypt-existing forms,
merged into ``i18n_zh.ZH_CN`` (the English ones are in ``i18n_security``)."""

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
}
