"""What a Chinese catalogue entry must not hold: half-width , : ; ! ? ( ) beside a Chinese
character, or a space between two Chinese characters (a space beside a number, an id or a
Latin word stays, as in ``第 3 个对象``). Shared by the catalogue tests of the CLI
(``tests/unit/cli/test_cli_language.py``) and the web (``tests/e2e/test_i18n.py``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["half_width_in_chinese"]

_HAN = r"[\u4e00-\u9fff]"
#: (a ``)`` before Chinese may close a half-open interval, ``[{start}, {end}) 超出``)
_HALF_WIDTH = re.compile(rf"{_HAN}\s*[,:;!?()]|[,:;!?(]\s*{_HAN}")
_SPACED = re.compile(rf"{_HAN} +{_HAN}")
#: a key named on its own (``· ? 本帮助``: press ?), not punctuation
_LONE_KEY = re.compile(r"(?<=\s)[?!;:,](?=\s)")


def half_width_in_chinese(table: Mapping[str, str], allowed: Iterable[str] = ()) -> dict[str, str]:
    """The entries of ``table`` (key → Chinese text) that break the rule, ``allowed`` aside."""
    skip = set(allowed)
    return {key: text for key, text in table.items()
            if key not in skip and (_HALF_WIDTH.search(_LONE_KEY.sub("", text))
                                    or _SPACED.search(text))}
