"""Which stored check rows judged their item: a check that could not judge an item yet stores
a passed row with no value and ``extra["judged"]`` false (a speaker's first takes under
``speaker_rate`` / ``speaker_overspoken``, :class:`~datamill.modalities.speech.prompt_rate.SpeakerRateChecker`).
Summaries a customer reads (a delivery's datasheet, a catalog release's) count such rows apart,
as ``not_judged``, never as passed (:attr:`~datamill.production.schemas.CheckSummary.not_judged`
is the check run's own list)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, false

from datamill.production.models import CheckResult

__all__ = ["not_judged_column"]


def not_judged_column() -> Any:
    """A column true for a row stored as not judged, labelled ``not_judged`` (group by the
    label: the JSON path is a bound parameter, so the expression repeated in GROUP BY would
    not be the select's on PostgreSQL). A row without ``judged`` judged its item."""
    judged = CheckResult.extra["judged"].as_boolean()
    return case((judged == false(), True), else_=False).label("not_judged")
