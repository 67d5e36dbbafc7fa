"""The words of the point-cloud refusals added by helper h4 (round of 2026-12-07): a PCD
file's ``VIEWPOINT`` that cannot place its points, English and zh-CN."""

from __future__ import annotations

__all__ = ["POINTCLOUD_H4_REFUSALS_EN", "POINTCLOUD_H4_REFUSALS_ZH_CN"]

POINTCLOUD_H4_REFUSALS_EN: dict[str, str] = {
    # a PCD header's VIEWPOINT tx ty tz qw qx qy qz (modalities.pointcloud.cloud)
    "pc_viewpoint_numbers": "{file}: its VIEWPOINT ({viewpoint}) holds a number that is not "
                            "finite or a translation beyond {limit} m",
    "pc_viewpoint_quaternion": "{file}: its VIEWPOINT's quaternion has length {length}, not 1 "
                               "(VIEWPOINT {viewpoint}): the file's points cannot be placed",
}

POINTCLOUD_H4_REFUSALS_ZH_CN: dict[str, str] = {
    "pc_viewpoint_numbers": "{file}：其 VIEWPOINT（{viewpoint}）含非有限数值，或平移量超出 "
                            "{limit} 米",
    "pc_viewpoint_quaternion": "{file}：其 VIEWPOINT 的四元数模为 {length}，不是 1"
                               "（VIEWPOINT {viewpoint}）：无法放置文件中的点",
}
