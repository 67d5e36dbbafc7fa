"""zh-CN strings of the deliveries page, merged into ``i18n_zh.ZH_CN``."""

from __future__ import annotations

__all__ = ["ZH_CN_DELIVERIES"]

ZH_CN_DELIVERIES: dict[str, str] = {
    "dlv.title": "交付",
    "dlv.link": "交付",
    "dlv.help": "先下载文件（每个文件的 SHA-256 见 manifest.json），再填写验收结果；"
                "或说明原因拒收整批交付：其中条目退回返工后重新交付。",
    "dlv.none": "尚无交付。",
    "dlv.delivery": "交付",
    "dlv.batch": "批次",
    "dlv.delivered": "已交付",
    "dlv.accepted": "已验收",
    "dlv.files": "文件",
    "dlv.more_files": "个文件未列出：见 manifest.json",
    "dlv.package": "下载交付包（已解密）",
    "dlv.package_help": "整个交付包打成一个 tar 归档；加密交付的包在下载时为您解密（无需密钥）；包内 manifest.json 列出每个文件的 sha256",
    "dlv.items": "条数",
    "dlv.n_item": "{} 条",
    "dlv.n_items": "{} 条",
    "dlv.volume": "数量",
    "dlv.note": "备注（可选）",
    "dlv.accept": "登记验收结果",
    "dlv.refused": "拒收条目（按交付包中的名称或外部编号，每行一个）",
    "dlv.refused_shown": "拒收（返工中）",
    "dlv.more_refused": "个未列出",
    "dlv.accept_refusing": "验收其余条目",
    "dlv.partial_hint": "验收条数或数量少于交付时，本次交付按客户验收的比例与供应商结算；"
                        "也可在下方列出拒收条目：这些条目返工后重新交付，其余条目全额结算。",
    "dlv.reason": "原因",
    "dlv.reject": "拒收整批交付",
    "dlv.withheld.clearance": "暂不可下载：本次交付含有密级高于您的许可级别的条目，"
                              "请数据安全部门（管理员或数据安全专员）为您授予相应级别。",
    "dlv.withheld.clearance_admin": "暂不可下载：本次交付含有密级高于您的许可级别的条目，"
                                    "您是管理员，可在安全页面自行提升您的许可级别。",
    "dlv.withheld.export": "暂不可下载：该项目的数据出境尚未通过评估，评估批准后即可下载。",
    "dlv.ok.accepted": "验收结果已登记。",
    "dlv.ok.rejected": "已拒收：条目已退回返工。",
    "unit.milliseconds": "毫秒",
    "unit.characters": "字符",
    "pb.criteria": "验收标准",
    "pb.help": "您的交付列在“交付”中：下载后逐一验收或拒收。",
}
