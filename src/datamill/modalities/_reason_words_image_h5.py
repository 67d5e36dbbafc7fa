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
    "pc_bad_pose": "pose: {why}",
}

IMAGE_H5_REFUSALS_ZH_CN: dict[str, str] = {
    "img_grabcut_small": "框为 {w}×{h} 像素：框选转多边形至少需要 {least}×{least} 像素",
    "masked_copy_sideways": "项目 {project} 已脱敏，但本批次有 {images} 张图片的脱敏副本是旧版本"
                            "按侧躺方向生成的（{items}）：请再次运行 `datamill security "
                            "desensitize {project} --as <你的用户名>`（会按正向重新脱敏），"
                            "然后再交付；本次未写出任何文件",
    "pc_bad_pose": "传感器位姿（pose）无效：{why}（可填 4×4 或 3×4 矩阵，或 tx ty tz qw qx qy qz）",
}
