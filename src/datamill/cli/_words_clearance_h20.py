"""The words of ``datamill security clearance`` about the work a lowered clearance released
(the tasks held above the new level, back in the pool, and the work packages unassigned), in
English and zh-CN; merged into the CLI's catalogue through :mod:`datamill.cli._words_security`."""

from __future__ import annotations

__all__ = ["CLEARANCE_H20_EN", "CLEARANCE_H20_ZH_CN"]

CLEARANCE_H20_EN: dict[str, str] = {
    "sec.cleared_released": "; released {tasks} held task(s) classified above it (ids "
                            "{task_ids}) back to the pool",
    "sec.cleared_unassigned": "; {packages} work package(s) unassigned, back to the pool",
}

CLEARANCE_H20_ZH_CN: dict[str, str] = {
    "sec.cleared_released": "；已把其持有的 {tasks} 个密级高于该许可的任务（编号 {task_ids}）"
                            "放回任务池",
    "sec.cleared_unassigned": "；已取消分配 {packages} 个工作包，放回任务池",
}
