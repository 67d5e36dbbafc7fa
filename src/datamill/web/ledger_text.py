"""Why a budget needs the approval levels it needs, in the page's language (display only).

:func:`datamill.ledger.budgets.submit_budget` stores its reasons as English sentences
(``LedgerBudget.level_reasons``: a major project, a large budget or order, a budgeted margin
outside the normal band); pages word them with the catalogue's ``fin.reason.*`` sentences, the
margin and its band as percentages. A sentence the patterns do not know is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import InvalidOperation

from datamill.core.shown_numbers import shown_percent

__all__ = ["level_reason", "percent"]

_NUM = r"-?[0-9]+(?:\.[0-9]+)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fin.reason.major", re.compile(r"^major project → level 5 \(CFO\)$")),
    ("fin.reason.budget", re.compile(rf"^budget (?P<amount>{_NUM}) ≥ (?P<limit>{_NUM})$")),
    ("fin.reason.order", re.compile(rf"^order (?P<amount>{_NUM}) ≥ (?P<limit>{_NUM})$")),
    ("fin.reason.margin", re.compile(
        rf"^budgeted margin (?P<margin>{_NUM}) outside \[(?P<low>{_NUM}), (?P<high>{_NUM})\]$")),
)
_PERCENT_KEYS = ("margin", "low", "high")


def percent(value: str) -> str:
    """A ratio as a percentage, by the one rule of every face
    (:func:`~datamill.core.shown_numbers.shown_percent`).

    Examples:
        >>> percent("-0.049674"), percent("0.20"), percent("0.125")
        ('-4.97%', '20%', '12.50%')
    """
    return shown_percent(value)


def level_reason(tr: Callable[[str], str]) -> Callable[[object], str]:
    """``tlevel(text)`` for templates: one stored level reason worded by the catalogue."""

    def reason(text: object) -> str:
        raw = "" if text is None else str(text)
        for key, pattern in _PATTERNS:
            m = pattern.match(raw)
            if m is None:
                continue
            sentence = tr(key)
            if sentence == key:
                return raw
            values = m.groupdict()
            try:
                for name in _PERCENT_KEYS:
                    if name in values:
                        values[name] = percent(values[name])
            except InvalidOperation:
                return raw
            return sentence.format(**values)
        return raw

    return reason
