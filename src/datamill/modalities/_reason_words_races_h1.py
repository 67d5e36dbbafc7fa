"""The words of refusals a race between two requests of one person ends in (two tabs, windows
or clients deciding one task at once), English and zh-CN, for the reason-code registry."""

from __future__ import annotations

__all__ = ["RACE_REFUSALS_EN", "RACE_REFUSALS_ZH_CN"]

RACE_REFUSALS_EN: dict[str, str] = {
    # production.annotating.review_task: the review was decided meanwhile (another tab)
    "review_decided": "Task {task_id} was already reviewed (in another tab, window or client); "
                      "open your next task.",
    # production.annotating.review_task: an accept or reject of a version no longer current
    "review_stale": "Item {item} is at version {current_version}; the page you reviewed "
                    "showed version {base_version}: reload it and review it again.",
}

RACE_REFUSALS_ZH_CN: dict[str, str] = {
    "review_decided": "任务 {task_id} 已经审核过（在另一个标签页、窗口或客户端中）；请打开下一个任务。",
    "review_stale": "条目 {item} 当前为第 {current_version} 版，您审核的页面显示的是第 {base_version} "
                    "版：请重新加载后再次审核。",
}
