"""The words of ``datamill quality aggregate`` and ``quality agreement`` for people, in English
and zh-CN; merged into the CLI's catalogue through :mod:`datamill.cli._words_erasure`. The
service's own reasons (why an item was skipped, why a figure is missing) stay its English."""

from __future__ import annotations

__all__ = ["QUALITY_EN", "QUALITY_ZH_CN"]

QUALITY_EN: dict[str, str] = {
    "agg.line": "{method}: {aggregated} aggregated, {unchanged} unchanged, {routed} routed to an "
                "extra annotator, {split} split (review adjudicates), {skipped} skipped",
    "agg.skip": "  - item {item}: {reason}",
    "agg.notice": "notice [{code}]: {message}",
    "agr.round": "round: {round} ({what})",
    "agr.round.first": "each annotator's first submitted answer",
    "agr.round.current": "each annotator's current answer",
    "agr.line": "  {name:<7} {units} {units_w}, {annotators} {annotators_w} ({level}): percent agreement "
                "{percent}, Krippendorff's alpha {alpha}, Cohen's kappa {cohen}, Fleiss' kappa "
                "{fleiss}",
    "agr.pairs": ", {metric} between annotators {value} ({pairs} {pairs_w})",
    "agr.na": "n/a",
    "agr.reason": "  ({reason})",
    "agr.no_answers": "no item has answers from two or more annotators yet",
    "agr.col.annotator": "annotator", "agr.col.with_first": "with aggregate first",
    "agr.col.with_now": "with aggregate now", "agr.col.metric_first": "{metric} first",
    "agr.col.metric_now": "{metric} now", "agr.col.answers_first": "answers first",
    "agr.col.answers_now": "answers now", "agr.col.resubmitted": "items resubmitted",
}

QUALITY_ZH_CN: dict[str, str] = {
    "agg.line": "{method}：汇总 {aggregated} 个条目，{unchanged} 个未变，{routed} 个转给另一位标注员，"
                "{split} 个意见分歧（由审核裁决），跳过 {skipped} 个",
    "agg.skip": "  - 条目 {item}：{reason}",
    "agg.notice": "提示［{code}］：{message}",
    "agr.round": "轮次：{round}（{what}）",
    "agr.round.first": "每位标注员首次提交的答案",
    "agr.round.current": "每位标注员当前的答案",
    "agr.line": "  {name:<7} {units} {units_w}，{annotators} {annotators_w}（{level}）：一致率 {percent}，"
                "Krippendorff alpha {alpha}，Cohen kappa {cohen}，Fleiss kappa {fleiss}",
    "agr.pairs": "，标注员之间的 {metric} {value}（{pairs} {pairs_w}）",
    "agr.na": "无",
    "agr.reason": "  （{reason}）",
    "agr.no_answers": "尚无条目有两位或以上标注员的答案",
    "agr.col.annotator": "标注员", "agr.col.with_first": "与汇总一致（首次）",
    "agr.col.with_now": "与汇总一致（当前）", "agr.col.metric_first": "{metric}（首次）",
    "agr.col.metric_now": "{metric}（当前）", "agr.col.answers_first": "答案数（首次）",
    "agr.col.answers_now": "答案数（当前）", "agr.col.resubmitted": "重新提交的条目",
}
