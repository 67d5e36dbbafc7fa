"""The words of a degenerate image object that draws nothing (``modalities.image.schema``): a
mask with no pixel set and a polyline whose points all coincide, English and zh-CN: the problem
catalogue (``prob.<code>``) words each coded record in the reader's language; and of a YOLO
label line a pre-labelled import cannot read (``modalities.image.importers.yolo``), for the
reason-code registry (h1)."""

from __future__ import annotations

__all__ = ["IMAGE_H1_PROBLEMS_EN", "IMAGE_H1_PROBLEMS_ZH_CN", "IMAGE_H1_REFUSALS_EN",
           "IMAGE_H1_REFUSALS_ZH_CN"]

IMAGE_H1_PROBLEMS_EN: dict[str, str] = {
    "prob.mask_empty": "the mask has no pixel set: paint it or delete it",
    "prob.polyline_zero_length": "all {count} points of the polyline are at ({x}, {y}), so it "
                                 "has no length: draw it longer or delete it",
}

IMAGE_H1_PROBLEMS_ZH_CN: dict[str, str] = {
    "prob.mask_empty": "该掩码没有任何像素：请涂画区域或删除它",
    "prob.polyline_zero_length": "折线的 {count} 个点都在（{x}，{y}），长度为零：请画长一些或删除它",
}

IMAGE_H1_REFUSALS_EN: dict[str, str] = {
    "yolo_field_count": "{file} line {line}: {count} fields; a YOLO line is 5 (class cx cy w h) "
                        "or an odd count of at least 7 (class x1 y1 x2 y2 x3 y3 ...)",
    "yolo_class_not_integer": "{file} line {line}: the class index {given} is not a whole number",
    "yolo_class_unknown": "{file} line {line}: the class index {given} is not in data.yaml's "
                          "names (0..{last})",
    "yolo_not_a_number": "{file} line {line}: field {position} ({given}) is not a number",
    "yolo_outside": "{file} line {line}: field {position} = {given} is outside [0, 1] "
                    "(coordinates are normalised by the image size)",
    "yolo_box_size": "{file} line {line}: a box's width and height must be greater than 0",
    "yolo_pose_count": "{file} line {line}: kpt_shape [{keypoints}, {dim}] needs {need} fields "
                       "(class cx cy w h, then the keypoints), the line has {count}",
    "yolo_visibility": "{file} line {line}: field {position} = {given} is a keypoint's "
                       "visibility: 0 (not labelled), 1 (occluded) or 2 (visible)",
}

IMAGE_H1_REFUSALS_ZH_CN: dict[str, str] = {
    "yolo_field_count": "{file} 第 {line} 行有 {count} 个字段；YOLO 标注行应为 5 个（class cx cy w "
                        "h）或不少于 7 的奇数个（class x1 y1 x2 y2 x3 y3 …）",
    "yolo_class_not_integer": "{file} 第 {line} 行：类别编号 {given} 不是整数",
    "yolo_class_unknown": "{file} 第 {line} 行：类别编号 {given} 不在 data.yaml 的 names 中"
                          "（0..{last}）",
    "yolo_not_a_number": "{file} 第 {line} 行：第 {position} 个字段（{given}）不是数字",
    "yolo_outside": "{file} 第 {line} 行：第 {position} 个字段 = {given} 超出 [0, 1]（坐标须按图像"
                    "尺寸归一化）",
    "yolo_box_size": "{file} 第 {line} 行：框的宽和高必须大于 0",
    "yolo_pose_count": "{file} 第 {line} 行：kpt_shape [{keypoints}, {dim}] 需要 {need} 个字段"
                       "（class cx cy w h，然后是各关键点），该行有 {count} 个",
    "yolo_visibility": "{file} 第 {line} 行：第 {position} 个字段 = {given} 是关键点的可见性，"
                       "只能为 0（未标注）、1（被遮挡）或 2（可见）",
}
