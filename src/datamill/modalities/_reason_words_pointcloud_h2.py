"""The words of the OpenPCDet file-level refusals coded by helper h2 (round 2 of 2026-12-07):
a label file that is not a regular file or is too large, and a cloud or label file reached
through a link that leaves the dataset folder (``modalities.pointcloud.importers``), English
and zh-CN. They were refused in English only, with no reason code."""

from __future__ import annotations

__all__ = ["POINTCLOUD_H2_EN", "POINTCLOUD_H2_ZH_CN"]

POINTCLOUD_H2_EN: dict[str, str] = {
    "pcdet_not_regular": "{file} is not a regular file",
    "pcdet_too_large": "{file} is {size} bytes, more than the {most} a frame's cuboids take",
    "pcdet_link_outside": "{file} links outside the dataset folder",
}

POINTCLOUD_H2_ZH_CN: dict[str, str] = {
    "pcdet_not_regular": "{file} 不是普通文件（可能是管道或设备）：标注文件须为普通文本文件",
    "pcdet_too_large": "{file} 有 {size} 字节，超过一帧长方体标注的上限 {most} 字节",
    "pcdet_link_outside": "{file} 是指向数据集文件夹之外的链接：请把文件本身放入数据集文件夹",
}
