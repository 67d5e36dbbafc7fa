"""Why ``datamill data check|items`` set an item aside, in ``DATAMILL_LANG``: each failed
check's sentence from the table the pages use too (:mod:`datamill.core.check_fail_words`);
English, and a stored reason no failed check accounts for, as stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from datamill.cli._common import cli_language
from datamill.core.check_fail_words import check_fail_sentence

__all__ = ["reason_lines"]


def reason_lines(reasons: Iterable[str], checks: Iterable[Mapping[str, Any]] | None,
                 quota: Mapping[str, Any] | None = None) -> list[str]:
    """The reasons an item was set aside: ``reasons`` (the stored ``<check>: <English>``) worded
    from ``checks`` (the failed checks' ``name``, ``value``, ``extra``) and ``quota`` (the
    item's quota mark: code and parameters) where the CLI's language is not English."""
    stored = list(reasons)
    lang = cli_language()
    failed = list(checks or ())
    if lang == "en":
        return stored
    from datamill.production.quota_words import quota_reason  # a full quota cell's reason

    if not failed:
        return [quota_reason(lang, r, quota) for r in stored]
    from datamill.modalities.check_fail_more import MODALITY_CHECK_FAIL_WORDS

    more = MODALITY_CHECK_FAIL_WORDS.get(lang, {})
    said = [check_fail_sentence(c, lang, more) for c in failed]
    names = {str(c.get("name")) for c in failed}
    return [s or f"{c.get('name')}: {c.get('reason') or 'failed'}" for s, c in zip(said, failed, strict=True)
            ] + [quota_reason(lang, r, quota) for r in stored if r.partition(":")[0] not in names]
