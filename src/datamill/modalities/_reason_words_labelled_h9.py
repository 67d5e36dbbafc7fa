"""The words of a pre-labelled source's refusals added by h9 (round of 2026-12-07), English and
zh-CN: a COCO annotations JSON (``modalities.image.importers.coco``), a Pascal VOC XML file
(``.voc``), a COCO or VOC image size that is not the image's (``._common``), a YOLO
``data.yaml`` (``.yolo``: its ``names`` and ``kpt_shape``) and an OpenPCDet label file
(``modalities.pointcloud.importers``). They were refused in English whatever the reader's
language; each is now coded with the file and the place in it."""

from __future__ import annotations

__all__ = ["LABELLED_H9_EN", "LABELLED_H9_ZH_CN"]

_COCO = "{file}: annotations[{index}] (id {id})"
_COCO_ZH = "{file}：annotations[{index}]（id {id}）"
_VOC = "{file}: object {object}"
_VOC_ZH = "{file}：object {object}"
_PCDET = "{file} line {line}: "
_PCDET_ZH = "{file} 第 {line} 行："
_LINE = " (x y z dx dy dz heading_angle category_name)"

LABELLED_H9_EN: dict[str, str] = {
    # COCO (modalities.image.importers.coco)
    "coco_no_json": "{file}: no COCO annotations JSON found (annotations.json, "
                    "instances_default.json, or the same in annotations/)",
    "coco_json": "{file}: not valid JSON at line {line}, column {column} ({detail})",
    "coco_layout": "{file}: a COCO file needs the lists 'images', 'annotations' and "
                   "'categories'; missing or not a list: {missing}",
    "coco_not_object": "{file}: {list}[{index}] is a JSON {kind}, not an object",
    "coco_image_unknown": _COCO + " refers to image id {given}, which is not in images",
    "coco_category_unknown": _COCO + " refers to category id {given}, which is not in "
                                     "categories",
    "coco_bbox": _COCO + " is not a valid object: bbox {given} is not [x, y, width, height] (4 numbers, width and "
                         "height above 0)",
    "coco_ring": _COCO + " is not a valid object: segmentation ring {ring} has {size} numbers: a polygon is x, y pairs "
                         "of at least 3 points (6 numbers, an even count)",
    "coco_object_invalid": _COCO + " is not a valid object: {detail}",
    "coco_file_name": "{file}: images[{index}] has no file_name",
    # a declared image size (COCO images[].width/height, VOC <size>: importers._common)
    "labels_size_rotated": "{file} declares {declared} for {image}, the size of its stored "
                           "pixels, but its EXIF orientation {orientation} shows it rotated, as "
                           "{displayed}: the labels were drawn on the unrotated pixels and would "
                           "land in the wrong place. Remove the orientation tag (exiftool "
                           "-Orientation=1 -n FILE) to import them as drawn, or convert them to "
                           "the displayed image",
    "labels_size_other": "{file} declares {declared} for {image}, but it is {displayed} (as "
                         "displayed, EXIF orientation applied): its coordinates were measured on "
                         "another image",
    "labels_image_unreadable": "{file}: cannot read the image size ({detail})",
    "labels_outside_source": "{file} lies outside the source folder (a link out of it?)",
    # Pascal VOC (modalities.image.importers.voc)
    "voc_xml": "{file}: malformed XML at line {line}, column {column} ({detail})",
    "voc_root": "{file}: root element is <{root}>, not <annotation>",
    "voc_no_name": _VOC + " has no <name>",
    "voc_bndbox": _VOC + " ({label}): bndbox/{tag} is missing or not a number",
    "voc_box_inverted": _VOC + " ({label}): xmax/ymax must not be below xmin/ymin (xmin {xmin}, "
                               "xmax {xmax}, ymin {ymin}, ymax {ymax})",
    # YOLO data.yaml (modalities.image.importers.yolo)
    "yolo_no_yaml": "{file}: no data.yaml (or dataset.yaml) naming the classes",
    "yolo_yaml": "{file}: not valid YAML at line {line} ({detail})",
    "yolo_names": "{file}: 'names' must be a list or an index -> name mapping",
    "yolo_names_keys": "{file}: the keys of names must be 0..{last}",
    "yolo_kpt_shape": "{file}: kpt_shape must be [keypoints, 2 or 3], got {given}",
    # OpenPCDet labels/*.txt (modalities.pointcloud.importers)
    "pcdet_field_count": _PCDET + "{count} fields, expected 8" + _LINE,
    "pcdet_not_a_number": _PCDET + "field {position} ({given}) is not a number" + _LINE,
    "pcdet_not_finite": _PCDET + "a value is not a finite number",
    "pcdet_cuboid_invalid": _PCDET + "{detail}",
    "pcdet_too_many": _PCDET + "more than {most} cuboids in one frame",
    "pcdet_not_utf8": "{file} is not UTF-8 text (byte {byte})",
    "pcdet_no_points": "{file} has no points/ folder: not an OpenPCDet dataset",
    "pcdet_label_orphan": "{shown}: no point cloud of that name in points/; each "
                          "labels/<id>.txt belongs to points/<id>.*",
}

LABELLED_H9_ZH_CN: dict[str, str] = {
    "coco_no_json": "{file}：找不到 COCO 标注 JSON（annotations.json、instances_default.json，"
                    "或 annotations/ 下的同名文件）",
    "coco_json": "{file} 不是有效的 JSON：第 {line} 行第 {column} 列（{detail}）",
    "coco_layout": "{file}：COCO 文件须有列表 images、annotations 和 categories；缺少或不是列表的："
                   "{missing}",
    "coco_not_object": "{file}：{list}[{index}] 是 JSON {kind}，不是对象",
    "coco_image_unknown": _COCO_ZH + "引用的图像 id {given} 不在 images 中",
    "coco_category_unknown": _COCO_ZH + "引用的类别 id {given} 不在 categories 中",
    "coco_bbox": _COCO_ZH + "：bbox {given} 不是 [x, y, w, h]（须为 4 个数字，宽 w 和高 h 大于 0）",
    "coco_ring": _COCO_ZH + "：segmentation 第 {ring} 个环有 {size} 个数字；多边形须为 x、y 成对的"
                            "至少 3 个点（6 个数字，偶数个）",
    "coco_object_invalid": _COCO_ZH + "不是有效的标注对象：{detail}",
    "coco_file_name": "{file}：images[{index}] 没有 file_name",
    "labels_size_rotated": "{file} 为 {image} 声明的尺寸是 {declared}，即其存储像素的尺寸，但其 EXIF "
                           "方向 {orientation} 表示图像经旋转后显示为 {displayed}：这些标注是在未旋转的"
                           "像素上画的，导入后会落在错误的位置。请删除方向标记（exiftool "
                           "-Orientation=1 -n FILE）后按原样导入，或把标注换算到显示的图像上",
    "labels_size_other": "{file} 为 {image} 声明的尺寸是 {declared}，但该图像为 {displayed}（按显示"
                         "方向，已应用 EXIF 方向）：其坐标是在另一张图像上量得的",
    "labels_image_unreadable": "{file}：无法读取图像尺寸（{detail}）：请确认它是完好的图像文件",
    "labels_outside_source": "{file} 位于导入来源文件夹之外（是指向外部的链接？）",
    "voc_xml": "{file} 不是格式正确的 XML：第 {line} 行第 {column} 列（{detail}）",
    "voc_root": "{file}：根元素是 <{root}>，不是 <annotation>",
    "voc_no_name": _VOC_ZH + " 没有 <name>（类别名）",
    "voc_bndbox": _VOC_ZH + "（{label}）：bndbox/{tag} 缺失或不是数字",
    "voc_box_inverted": _VOC_ZH + "（{label}）：xmax/ymax 不能小于 xmin/ymin（xmin {xmin}，xmax "
                                  "{xmax}，ymin {ymin}，ymax {ymax}）",
    "yolo_no_yaml": "{file}：没有给出类别名的 data.yaml（或 dataset.yaml）",
    "yolo_yaml": "{file} 不是有效的 YAML：第 {line} 行（{detail}）",
    "yolo_names": "{file}：names 须为列表，或“编号 -> 名称”的映射",
    "yolo_names_keys": "{file}：names 的键须为 0..{last}",
    "yolo_kpt_shape": "{file}：kpt_shape 须为 [k, 2] 或 [k, 3]（k 为关键点数），实际为 {given}",
    "pcdet_field_count": _PCDET_ZH + "有 {count} 个字段，应为 8 个（x y z dx dy dz heading_angle "
                                     "category_name）",
    "pcdet_not_a_number": _PCDET_ZH + "第 {position} 个字段（{given}）不是数字（x y z dx dy dz "
                                      "heading_angle category_name）",
    "pcdet_not_finite": _PCDET_ZH + "有数值不是有限数",
    "pcdet_cuboid_invalid": _PCDET_ZH + "{detail}",
    "pcdet_too_many": _PCDET_ZH + "一帧中的长方体超过 {most} 个",
    "pcdet_not_utf8": "{file} 不是 UTF-8 文本（第 {byte} 字节）：请转换为 UTF-8 后再导入",
    "pcdet_no_points": "{file} 没有 points/ 文件夹：不是 OpenPCDet 数据集",
    "pcdet_label_orphan": "{shown}：points/ 中没有同名的点云；每个 labels/<id>.txt 都对应 "
                          "points/<id>.*",
}
