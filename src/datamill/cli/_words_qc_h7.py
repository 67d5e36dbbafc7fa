"""The words of ``datamill qc complete``'s next step (what follows an accepted or a rejected
batch) and of ``work next``'s transcript option, for people, in English and zh-CN; merged into
the CLI's catalogue through :mod:`datamill.cli._words_data`."""

from __future__ import annotations

__all__ = ["QC_H7_EN", "QC_H7_ZH_CN"]

QC_H7_EN: dict[str, str] = {
    "qc.next_accepted": "next: datamill delivery create {batch} --out DIR --as PM (the "
                        "project's manager)",
    "qc.next_rejected": "next: the batch's {items} items went back to rework: the annotators "
                        "take them with datamill work next {project} --as NAME; reviewed "
                        "again, they go into a new batch: datamill qc batch {project} --as "
                        "PM (the project's manager)",
    "qc.next_rejected_one": "next: the batch's item went back to rework: its annotator takes "
                            "it with datamill work next {project} --as NAME; reviewed again, it "
                            "goes into a new batch: datamill qc batch {project} --as PM (the "
                            "project's manager)",
    # one object or cuboid is not "1 objects" (trial h7); Chinese has one form
    "qc.summary.objects_one": "1 object ({labels})",
    "qc.summary.cuboids_one": "1 cuboid ({labels})",
    # work next's command for a transcript: typed on the line, the segment list the other way
    "work.answer_text": ' --text "TRANSCRIPT" (or --annotation FILE.json: a list of segments)',
    # work next: where the item's file is served (image, point cloud, speech: no terminal view)
    "work.media": "media: {url}",
    # quality agreement's counted nouns (1 unit, 2 units)
    "agr.w.unit": "unit", "agr.w.units": "units",
    "agr.w.annotator": "annotator", "agr.w.annotators": "annotators",
    "agr.w.pair": "pair", "agr.w.pairs": "pairs",
}

QC_H7_ZH_CN: dict[str, str] = {
    "qc.next_accepted": "下一步：datamill delivery create {batch} --out DIR --as PM"
                        "（由项目经理执行）",
    "qc.next_rejected": "下一步：该批次的 {items} 个条目已退回返工：标注员用 datamill work "
                        "next {project} --as NAME 领取；重新审核后进入新批次：datamill qc "
                        "batch {project} --as PM（由项目经理执行）",
    "qc.next_rejected_one": "下一步：该批次的 1 个条目已退回返工：标注员用 datamill work next "
                            "{project} --as NAME 领取；重新审核后进入新批次：datamill qc batch "
                            "{project} --as PM（由项目经理执行）",
    "qc.summary.objects_one": "1 个对象（{labels}）",
    "qc.summary.cuboids_one": "1 个立方体（{labels}）",
    "work.answer_text": ' --text "TRANSCRIPT"（或 --annotation FILE.json：分段列表）',
    "work.media": "媒体：{url}",
    "agr.w.unit": "个单元", "agr.w.units": "个单元",
    "agr.w.annotator": "位标注员", "agr.w.annotators": "位标注员",
    "agr.w.pair": "对", "agr.w.pairs": "对",
}
