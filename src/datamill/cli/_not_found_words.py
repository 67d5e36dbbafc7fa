""""Not found" in the CLI's language, for a refusal no reason code words: every lookup the CLI
meets by id or by name (``object_not_found``, ``project_name_unknown``, ``user_name_unknown``,
``item_not_in_project``) and the missing home (``no_home_here`` ...) are coded and worded from
the reason-code registry; the English of any other "not found" is kept after a head in the
reader's language (never parsed: a service's sentence may change).

Examples:
    >>> not_found_sentence("no draft of task 7", "zh-CN")
    '未找到：no draft of task 7'
    >>> not_found_sentence("no draft of task 7", "en")
    'no draft of task 7'
"""

from __future__ import annotations

__all__ = ["not_found_sentence"]


def not_found_sentence(message: str, lang: str) -> str:
    """``message`` (a service's English "not found" with no reason code) as a reader of
    ``lang`` reads it."""
    if lang == "en":
        return message
    return f"未找到：{message}"
