"""``zh-CN`` twins of :data:`~datamill.modalities.problem_words.EN_PROBLEMS` (full-width
punctuation)."""

from __future__ import annotations

__all__ = ["ZH_CN_PROBLEMS"]

_SPLITS = ("{side} {offset} 把字符「{character}」拆开了（带附加符号的字母、国旗、表情符号序列、"
           "谚文音节、印度文字连写或 CR LF 换行）；请把边界移到它之前或之后")

ZH_CN_PROBLEMS: dict[str, str] = {
    "prob.unknown_label": "第 {number} 个片段：未知标签「{label}」（本项目的标签：{allowed}）",
    "prob.span_outside": "第 {number} 个片段 [{start}, {end}) 超出了文本范围（共 {length} 个字符）",
    "prob.splits_surrogate": "第 {number} 个片段 [{start}, {end}) 拆开了一个代理对",
    "prob.start_splits_character": "第 {number} 个片段 [{start}, {end})："
                                   + _SPLITS.replace("{side}", "起点"),
    "prob.end_splits_character": "第 {number} 个片段 [{start}, {end})："
                                 + _SPLITS.replace("{side}", "终点"),
    "prob.span_text_mismatch": "第 {number} 个片段：「{given}」不是 [{start}, {end}) 处的文本"
                               "（「{actual}」）；位置按 Unicode 码位计算，不是 UTF-16 单元或字节",
    "prob.span_id_twice": "第 {number} 个片段：编号「{id}」用了两次",
    "prob.span_repeated": "第 {number} 个片段与第 {other} 个相同（[{start}, {end}) {label}）；请删去一个",
    "prob.spans_overlap": "第 {number} 个与第 {other} 个片段重叠；本项目不允许嵌套片段",
    "prob.unknown_relation_label": "第 {number} 个关系：未知标签「{label}」",
    "prob.relation_without_span": "第 {number} 个关系：没有编号为「{id}」的片段",
    "prob.token_outside": "第 {number} 个词 [{start}, {end}) 为空或超出了文本范围",
    "prob.token_order": "第 {number} 个词在前一个词结束之前开始",
    "prob.token_gap": "第 {number} 个词：它前面的文本「{gap}」不属于任何词",
    "prob.unknown_pos": "第 {number} 个词：未知词性标记「{tag}」",
    "prob.token_tail": "最后一个词之后的文本不属于任何词",
    "prob.not_a_task": "{field}：不是本项目的任务（{tasks}）",
    "prob.classes_required": "请选择类别",
    "prob.sentiment_required": "请选择情感",
    "prob.one_class": "单标签分类只能选一个类别，当前选了 {count} 个",
    "prob.class_twice": "同一类别选了两次",
    "prob.unknown_class": "未知类别「{value}」",
    "prob.unknown_sentiment": "未知情感「{value}」（可选：{allowed}）",
    "prob.unknown_attribute": "「{name}」不是本项目的属性",
    "prob.reason_too_short": "理由至少需要 {least} 个字母或数字（空格和标点不计）",
    "prob.comment_too_short": "评语至少需要 {least} 个字母或数字（空格和标点不计）",
    "prob.reasoning_not_assistant": "第 {number} 轮（{role}）：只有助手轮次才有推理过程",
    "prob.reasoning_required": "第 {number} 轮：助手的推理过程为必填",
    "prob.same_response": "a 和 b 必须是两个不同的回答",
    "prob.response_twice": "回答 {responses} 被列出了不止一次",
    "prob.response_unknown": "该条目没有回答 {responses}（它的回答：{allowed}）",
    "prob.response_omitted": "遗漏了回答 {responses}",
    "prob.scores_missing": "请为评分项 {criteria} 打分",
    "prob.scores_unknown": "{criteria}：不是评分细则中的打分项",
    "prob.checks_missing": "请判定检查项 {criteria}",
    "prob.checks_unknown": "{criteria}：不是评分细则中的通过/不通过项",
    "prob.score_out_of_range": "{name} 的分数（{value}）超出 {low}..{high} 的范围",
    "prob.attribute_required": "必填属性“{name}”未填写",
    "prob.attribute_unknown": "属性“{name}”不属于该标签",
    "prob.attribute_invalid": "属性“{name}”的取值不允许",
    "prob.label_unknown": "标签“{label}”不在标签体系中",
    "prob.kind_not_allowed": "该标签不能绘制为{kind}",
    "prob.outside_image": "超出图像范围",
    "prob.outside_cloud": "中心 {axis} = {value} m 超出点云范围（{low} .. {high} m）",
    "prob.polygon_zero_area": "多边形面积为零（各点在一条直线上）",
    "prob.polygon_self_intersecting": "多边形自相交",
    "prob.transcription_required": "转写内容为空",
    "prob.mask_size": "掩码尺寸与图像不符",
    "prob.mask_invalid": "掩码数据无效",
    "prob.skeleton_mismatch": "骨架与该标签不符",
    "prob.skeleton_unknown": "未知骨架",
    "prob.keypoint_count": "关键点数量与骨架不符",
    "prob.duplicate_id": "与另一个对象的编号重复",
    "prob.class_unknown": "类别“{name}”不在标签体系中",
    "prob.kind.box": "矩形框",
    "prob.kind.rotated_box": "旋转框",
    "prob.kind.polygon": "多边形",
    "prob.kind.polyline": "折线",
    "prob.kind.keypoints": "关键点",
    "prob.kind.mask": "掩码",
    "prob.kind.text_line": "文本行",
    "prob.object": "第 {number} 个对象（{label}）：{reason}",
    "prob.object_id": "对象 {object_id}（{label}）：{reason}",
    "prob.list_sep": "；",
}
