"""The words of ``datamill ledger ratio-test`` (the pre-start self-test, 试标, of the
annotation-output ratio, 标产比) for people, in English and zh-CN; merged into the CLI's
catalogue through :mod:`datamill.cli._words_ledger`."""

from __future__ import annotations

__all__ = ["RATIO_EN", "RATIO_ZH_CN"]

RATIO_EN: dict[str, str] = {
    "rt.self_test": "self-test", "rt.agreed": "agreed ratio",
    "rt.status.running": "running", "rt.status.measured": "measured", "rt.status.agreed": "agreed",
    "rt.ratio": "{ratio} h per {unit}", "rt.ratio_short": "{ratio} h/{unit}",
    "rt.head": "{what} #{id} ({stage}, {status}): {ratio}",
    "rt.sample": "sample {n} items; workers {workers}",
    "rt.measured": "measured {items} items, {volume} {unit}, {hours} work hours; took part: "
                   "{participants}",
    "rt.untimed": "; {n} submission(s) without recorded time left out",
    "rt.note": "note: {note}",
    "rt.budget": "budget {id} v{version} ({status}): {total}",
    "rt.col.source": "source", "rt.col.stage": "stage", "rt.col.status": "status",
    "rt.col.sample": "sample", "rt.col.workers": "workers", "rt.col.ratio": "ratio",
    "rt.col.note": "note",
}

RATIO_ZH_CN: dict[str, str] = {
    "rt.self_test": "试标", "rt.agreed": "约定标产比",
    "rt.status.running": "进行中", "rt.status.measured": "已测定", "rt.status.agreed": "已约定",
    "rt.ratio": "每{unit} {ratio} 工时", "rt.ratio_short": "每{unit} {ratio} 工时",
    "rt.head": "{what} #{id}（{stage}，{status}）：{ratio}",
    "rt.sample": "样本 {n} 个条目；参与人员 {workers}",
    "rt.measured": "已测定 {items} 个条目，{volume} {unit}，{hours} 工时；实际参与：{participants}",
    "rt.untimed": "；未计入 {n} 次没有记录用时的提交",
    "rt.note": "备注：{note}",
    "rt.budget": "预算 {id} 第 {version} 版（{status}）：{total}",
    "rt.col.source": "来源", "rt.col.stage": "环节", "rt.col.status": "状态",
    "rt.col.sample": "样本", "rt.col.workers": "参与人员", "rt.col.ratio": "标产比",
    "rt.col.note": "备注",
}
