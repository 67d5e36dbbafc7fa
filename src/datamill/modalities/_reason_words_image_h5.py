"""The words of the image workbench's assisted-tool refusals added in trial h5 (round 3), and
of the image deliveries' refusals (h5, round 4), English and zh-CN (the reason-code registry words them for the API, the CLI and the pages)."""

from __future__ import annotations

__all__ = ["IMAGE_H5_REFUSALS_EN", "IMAGE_H5_REFUSALS_ZH_CN"]

IMAGE_H5_REFUSALS_EN: dict[str, str] = {
    "img_grabcut_small": "the box is {w}x{h} pixels: GrabCut needs at least {least}x{least}",
    # deliveries of a desensitized project (compliance.delivery_masking)
    "masked_copy_sideways": "project {project} is desensitized, but {images} image(s) of this "
                            "batch have a masked copy an older release made sideways ({items}): "
                            "run `datamill security desensitize {project} --as <you>` again (it "
                            "masks them again, upright), then deliver; nothing was written",
    # a point-cloud frame's sensor pose in the manifest (modalities.pointcloud.pose)
    "pc_pose_text": "pose: {why}",
    "pc_pose_count": "pose: {count} numbers; give 16 (a 4x4 matrix), 12 (3x4) or 7 "
                     "(tx ty tz qw qx qy qz)",
    "pc_pose_last_row": "pose: the last row of a 4x4 pose must be 0 0 0 1",
    "pc_pose_not_rotation": "pose: its 3x3 part is not a rotation (orthonormal, determinant +1)",
    "pc_pose_numbers": "pose: {part} must be a list of finite numbers",
    "pc_pose_quaternion": "pose: the quaternion's length is {length}, not 1",
    "pc_pose_far": "pose: its translation is beyond {limit} m",
}

IMAGE_H5_REFUSALS_ZH_CN: dict[str, str] = {
    "img_grabcut_small": "框为 {w}×{h} 像素：框选转多边形至少需要 {least}×{least} 像素",
    "masked_copy_sideways": "项目 {project} 已脱敏，但本批次有 {images} 张图片的脱敏副本是旧版本"
                            "按侧躺方向生成的（{items}）：请再次运行 `datamill security "
                            "desensitize {project} --as <您的用户名>`（会按正向重新脱敏），"
                            "然后再交付；本次未写出任何文件",
    "pc_pose_text": "传感器位姿（pose）既不是 JSON 也不是一串数字：{why}",
    "pc_pose_count": "传感器位姿（pose）有 {count} 个数：请填 16 个（4×4 矩阵）、12 个（3×4）"
                     "或 7 个（tx ty tz qw qx qy qz）",
    "pc_pose_last_row": "传感器位姿（pose）：4×4 矩阵的最后一行必须是 0 0 0 1",
    "pc_pose_not_rotation": "传感器位姿（pose）：其 3×3 部分不是旋转矩阵（须正交且行列式为 +1）",
    "pc_pose_numbers": "传感器位姿（pose）：{part} 必须是一组有限数值",
    "pc_pose_quaternion": "传感器位姿（pose）：四元数的模为 {length}，不是 1",
    "pc_pose_far": "传感器位姿（pose）：平移量超出 {limit} 米",
}
