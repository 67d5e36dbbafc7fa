"""The words of the image and point-cloud files' refusals (``ImageDecodeError``,
``CloudDecodeError``: a file that cannot be read at import, check, preview or assist), English
and zh-CN: the reason-code registry words them for the API, the CLI and the import page."""

from __future__ import annotations

__all__ = ["MEDIA_REFUSALS_EN", "MEDIA_REFUSALS_ZH_CN"]

MEDIA_REFUSALS_EN: dict[str, str] = {
    # point clouds (modalities.pointcloud.cloud)
    "pc_unreadable": "{file} cannot be read: {why}",
    "pc_not_cloud_file": "{file} is not a point-cloud file (use {suffixes})",
    "pc_too_many_points": "{file} declares {count} points, more than the {limit} one frame may "
                          "hold",
    "pc_no_xyz": "{file} has no {missing} field (fields: {fields})",
    "pc_header_line_long": "{file}: a PCD header line is longer than {limit} bytes",
    "pc_header_not_utf8": "{file}: the PCD header is not UTF-8 text",
    "pc_no_data_line": "{file}: the PCD header has no DATA line",
    "pc_bad_header": "{file}: bad PCD header ({problem})",
    "pc_points_not_width_height": "{file}: the PCD header declares WIDTH {width} x HEIGHT "
                                  "{height} but POINTS {points}",
    "pc_too_many_bytes": "{file} declares {bytes} bytes of points, more than {limit}",
    "pc_truncated": "{file} is truncated: its header declares {points} points ({need} bytes) "
                    "but {left} bytes follow it",
    "pc_truncated_text": "{file} is truncated: its header declares {points} points of ASCII "
                         "text but only {left} bytes follow it",
    "pc_no_compressed": "{file} is truncated: no compressed data follow its header",
    "pc_compressed_sizes": "{file}: its compressed data do not fit its header (a corrupt or "
                           "hostile binary_compressed PCD)",
    "pc_corrupt": "{file} is not a readable {format} file (truncated or corrupt?): {why}",
    "pc_data_not_header": "{file}: PCD data do not match its header (truncated?)",
    "pc_bin_size": "{file} is {size} bytes, not a whole number of KITTI points (16 bytes) nor "
                   "of nuScenes points (20 bytes); the file is truncated or not a lidar .bin",
    "pc_ply_rows": "{file}: PLY element {element} declares {rows} rows, more than the {left} "
                   "bytes after the header hold (truncated or hostile)",
    "pc_ply_lists": "{file}: PLY element {element} has list properties ({names}); a point "
                    "cloud is vertices of single values (is it a mesh?)",
    "pc_ply_no_vertex": "{file}: PLY file without vertices",
    "pc_npy_shape": "{file} holds a {dtype} array of shape {shape}; a point cloud is N x 3 or "
                    "N x 4 floats (x, y, z[, intensity]; at most {limit} columns)",
    # images (modalities.image.checks)
    "img_not_found": "{name}: file not found",
    "img_unknown_format": "{name}: not an image format Pillow can read",
    "img_bomb": "{name}: refused as a decompression bomb",
    "img_header": "{name}: unreadable header ({why})",
    "img_too_many_pixels": "{name}: declares {pixels} pixels, above the limit of {limit} "
                           "(decompression-bomb guard); not decoded",
    "img_decode": "{name}: cannot decode {format} data ({why})",
    # the point-cloud workbench's assisted tools (modalities.pointcloud.plugin)
    "pc_unknown_tool": "unknown assisted tool {tool}; use {tools}",
    "pc_fit_needs_numbers": "fit_cuboid needs numbers x, y, yaw, length and width",
    "pc_fit_out_of_range": "fit_cuboid: finite numbers, and length/width in (0, {limit}] m",
    "pc_fit_no_points": "no point stands above the ground inside that box; draw it around the "
                        "object's points",
    "pc_no_point_classes": "this project's spec has no point classes to label points with "
                           "(requirements.labels.point_classes)",
    # the image workbench's assisted tool (modalities.image.assist)
    "img_unknown_tool": "unknown assisted tool {tool}; available: {tools}",
    "img_grabcut_box": "grabcut: {problem}",
    "img_grabcut_outside": "the box lies outside the {width}x{height} image",
    "img_grabcut_nothing": "GrabCut found no object in the box",
    # a folder's file the import does not take (production._import_rows)
    "file_not_taken": "not a file this project imports ({kind})",
    "manifest_not_taken": "not a file this project imports ({kind}); a manifest is read when it "
                          "is imported by name",
}

MEDIA_REFUSALS_ZH_CN: dict[str, str] = {
    "pc_unreadable": "无法读取 {file}：{why}",
    "pc_not_cloud_file": "{file} 不是点云文件（请使用 {suffixes}）",
    "pc_too_many_points": "{file} 声明了 {count} 个点，超过一帧上限 {limit} 个",
    "pc_no_xyz": "{file} 缺少 {missing} 字段（现有字段：{fields}）",
    "pc_header_line_long": "{file}：PCD 文件头有一行超过 {limit} 字节",
    "pc_header_not_utf8": "{file}：PCD 文件头不是 UTF-8 文本",
    "pc_no_data_line": "{file}：PCD 文件头缺少 DATA 行",
    "pc_bad_header": "{file}：PCD 文件头有误（{problem}）",
    "pc_points_not_width_height": "{file}：PCD 文件头声明 WIDTH {width} × HEIGHT {height}，"
                                  "但 POINTS 为 {points}",
    "pc_too_many_bytes": "{file} 声明的点数据有 {bytes} 字节，超过上限 {limit} 字节",
    "pc_truncated": "{file} 已截断：文件头声明 {points} 个点（{need} 字节），其后只有 {left} 字节",
    "pc_truncated_text": "{file} 已截断：文件头声明 {points} 个 ASCII 文本点，其后只有 {left} 字节",
    "pc_no_compressed": "{file} 已截断：文件头之后没有压缩数据",
    "pc_compressed_sizes": "{file}：压缩数据与文件头不符（binary_compressed PCD 已损坏或被篡改）",
    "pc_corrupt": "{file} 不是可读取的 {format} 文件（可能已截断或损坏）：{why}",
    "pc_data_not_header": "{file}：PCD 数据与文件头不符（可能已截断）",
    "pc_bin_size": "{file} 大小为 {size} 字节，既不是 KITTI 点（16 字节）也不是 nuScenes 点"
                   "（20 字节）的整数倍；文件已截断或不是激光雷达 .bin 文件",
    "pc_ply_rows": "{file}：PLY 元素 {element} 声明 {rows} 行，超过文件头之后的 {left} 字节所能容纳"
                   "（已截断或被篡改）",
    "pc_ply_lists": "{file}：PLY 元素 {element} 含列表属性（{names}）；点云应由单值顶点组成"
                    "（这是网格文件吗？）",
    "pc_ply_no_vertex": "{file}：PLY 文件没有顶点",
    "pc_npy_shape": "{file} 是 {dtype} 类型、形状为 {shape} 的数组；点云应为 N × 3 或 N × 4 的浮点数"
                    "（x、y、z[、强度]；最多 {limit} 列）",
    "img_not_found": "{name}：文件不存在",
    "img_unknown_format": "{name}：不是 Pillow 能读取的图像格式",
    "img_bomb": "{name}：疑似解压炸弹，已拒绝",
    "img_header": "{name}：无法读取文件头（{why}）",
    "img_too_many_pixels": "{name}：声明 {pixels} 像素，超过上限 {limit}（防解压炸弹），未解码",
    "img_decode": "{name}：无法解码 {format} 数据（{why}）",
    "pc_unknown_tool": "未知的辅助工具 {tool}；可用：{tools}",
    "pc_fit_needs_numbers": "拟合三维框需要数值 x、y、yaw、length 和 width",
    "pc_fit_out_of_range": "拟合三维框：须为有限数值，且长、宽大于 0、不超过 {limit} 米",
    "pc_fit_no_points": "框内地面以上没有点；请围绕目标的点画框",
    "pc_no_point_classes": "本项目规格未定义点类别，无法标注点（requirements.labels.point_classes）",
    "img_unknown_tool": "未知的辅助工具 {tool}；可用：{tools}",
    "img_grabcut_box": "框选转多边形：{problem}",
    "img_grabcut_outside": "框在 {width}×{height} 的图像之外",
    "img_grabcut_nothing": "框内没有找到对象",
    "file_not_taken": "不是本项目导入的文件类型（{kind}）",
    "manifest_not_taken": "不是本项目导入的文件类型（{kind}）；清单文件须按文件名单独导入才会读取",
}
