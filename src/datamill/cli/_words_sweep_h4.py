"""CLI lines the zh-CN sweep (helper h4) found English under ``DATAMILL_LANG=zh-CN``: a project
member added, the speaker list, ``text prepare``'s summary, an order's volume amended, a
customer's language and a period reopened. English keeps what the commands printed. Merged
into the CLI's catalogue through :mod:`datamill.cli._words_procurement_h4`."""

from __future__ import annotations

__all__ = ["SWEEP_H4_EN", "SWEEP_H4_ZH_CN"]

SWEEP_H4_EN: dict[str, str] = {
    "sw.member_added": "{username} is a member of {project}",
    "sw.no_speakers": "no speaker list: speakers are free text",
    "sw.col.code": "code", "sw.col.name": "name", "sw.col.colour": "colour",
    "sw.col.hotkey": "hotkey",
    "sw.prepared": "{n} items", "sw.prepared.one": "{n} item",
    "sw.warning": "warning", "sw.colon": ": ",
    "sw.prepare_next": "next: datamill data import PROJECT {manifest}{fmt} --as USER",
    "sw.order_volume": "order {number} total volume {volume} {unit}",
    "sw.customer_language": "customer {id} {name} language {language}",
    "sw.no_language": "none",
    "sw.period_reopened": "period {period} reopened: {reason}",
}

SWEEP_H4_ZH_CN: dict[str, str] = {
    "sw.member_added": "{username} 已是项目 {project} 的成员",
    "sw.no_speakers": "没有说话人列表：说话人可自由填写",
    "sw.col.code": "代码", "sw.col.name": "名称", "sw.col.colour": "颜色",
    "sw.col.hotkey": "快捷键",
    "sw.prepared": "{n} 个条目", "sw.prepared.one": "{n} 个条目",
    "sw.warning": "警告", "sw.colon": "：",
    "sw.prepare_next": "下一步：datamill data import PROJECT {manifest}{fmt} --as USER",
    "sw.order_volume": "订单 {number} 的总量已改为 {volume} {unit}",
    "sw.customer_language": "客户 {id}（{name}）的语言：{language}",
    "sw.no_language": "未设置",
    "sw.period_reopened": "期间 {period} 已反结账：{reason}",
}
