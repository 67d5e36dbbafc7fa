"""The words of refusals a race between two requests of one person ends in (two tabs, windows
or clients deciding one task at once), English and zh-CN, for the reason-code registry."""

from __future__ import annotations

__all__ = ["RACE_REFUSALS_EN", "RACE_REFUSALS_ZH_CN"]

RACE_REFUSALS_EN: dict[str, str] = {
    # production.annotating.review_task: the review was decided meanwhile (another tab)
    "review_decided": "Task {task_id} was already reviewed (in another tab, window or client); "
                      "open your next task.",
}

RACE_REFUSALS_ZH_CN: dict[str, str] = {
    "review_decided": "任务 {task_id} 已经审核过（在另一个标签页、窗口或客户端中）；请打开下一个任务。",
}
