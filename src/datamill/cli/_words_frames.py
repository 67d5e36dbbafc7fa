"""The words of ``datamill work previous-frame`` (the frame before a task's item in its
sequence, as the point-cloud workbench's "Copy previous frame" takes it) for people, in English
and zh-CN; merged into the CLI's catalogue through :mod:`datamill.cli._words_data`."""

from __future__ import annotations

__all__ = ["FRAMES_EN", "FRAMES_ZH_CN"]

FRAMES_EN: dict[str, str] = {
    "frame.no_sequence": "task {task}: its item is not part of a sequence (no sequence and "
                         "frame columns): there is no previous frame",
    "frame.none": "task {task} (frame {frame} of {sequence}): no earlier frame has a version yet",
    "frame.found": "task {task} (frame {frame} of {sequence}): the previous frame is {frame_before}"
                   " (item {item}, version {version})",
    "frame.written": "its annotation is written to {path}: edit it, then datamill work submit "
                     "{task} --annotation {path}",
    "frame.moved": "its objects are moved into this frame's coordinates by the two frames' "
                   "sensor poses",
}

FRAMES_ZH_CN: dict[str, str] = {
    "frame.no_sequence": "任务 {task}：其条目不属于任何序列（没有 sequence 和 frame 列），"
                         "没有上一帧",
    "frame.none": "任务 {task}（{sequence} 的第 {frame} 帧）：更早的帧都还没有版本",
    "frame.found": "任务 {task}（{sequence} 的第 {frame} 帧）：上一帧是第 {frame_before} 帧"
                   "（条目 {item}，版本 {version}）",
    "frame.written": "其标注已写入 {path}：修改后运行 datamill work submit {task} --annotation "
                     "{path}",
    "frame.moved": "已按两帧的传感器位姿把其中的对象换算到本帧坐标",
}
