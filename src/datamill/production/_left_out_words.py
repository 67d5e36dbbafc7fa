"""The delivery note's words for what an exporter leaves out (the codes a format's manifest
counts under ``left_out``, which the datasheet carries per format): English and zh-CN, merged
into the note's catalogue (``kind.<code>``) beside ``tie``, ``other_task`` and
``nested_span``. ``tests/unit/production/test_left_out_words_h20.py`` reads the exporters for
the codes they write, so a new one without words fails there.
"""

from __future__ import annotations

__all__ = ["LEFT_OUT_EN", "LEFT_OUT_ZH_CN"]

LEFT_OUT_EN: dict[str, str] = {
    # image objects a format has no shape for (the object's kind)
    "kind.box": "boxes", "kind.rotated_box": "rotated boxes", "kind.polygon": "polygons",
    "kind.polyline": "polylines", "kind.keypoints": "keypoint sets", "kind.mask": "masks",
    "kind.text_line": "text lines",
    # image formats (YOLO, Pascal VOC, PaddleOCR, COCO)
    "kind.image_classes": "image-level classes",
    "kind.crowd_regions": "crowd regions (COCO iscrowd objects)",
    "kind.instance_parts": "parts of one instance written as separate instances",
    # point clouds (OpenPCDet, KITTI, SemanticKITTI, nuScenes)
    "kind.attributes": "objects' attributes", "kind.track_ids": "objects' track ids",
    "kind.scene_classes": "frame-level classes", "kind.point_labels": "frames' point labels",
    "kind.cuboids": "cuboids",
    "kind.unsegmented_frames": "frames without point labels (written all unlabelled)",
    "kind.float32_rounded_frames": "frames whose coordinates float32 moves by over 1 mm",
}

LEFT_OUT_ZH_CN: dict[str, str] = {
    "kind.box": "矩形框", "kind.rotated_box": "旋转框", "kind.polygon": "多边形",
    "kind.polyline": "折线", "kind.keypoints": "关键点组", "kind.mask": "掩码",
    "kind.text_line": "文本行",
    "kind.image_classes": "图像级类别",
    "kind.crowd_regions": "人群区域（COCO iscrowd 对象）",
    "kind.instance_parts": "按多个实例写出的同一实例的各部分",
    "kind.attributes": "对象属性", "kind.track_ids": "对象跟踪编号",
    "kind.scene_classes": "帧级类别", "kind.point_labels": "帧的逐点标签",
    "kind.cuboids": "三维框",
    "kind.unsegmented_frames": "无逐点标签的帧（全部写为未标注）",
    "kind.float32_rounded_frames": "坐标按 float32 写出会移动 1 毫米以上的帧",
}
