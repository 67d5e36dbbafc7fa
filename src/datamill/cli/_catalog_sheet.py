"""A catalog release's datasheet as ``datamill catalog datasheet`` prints it: indented
``key: value`` lines, in the CLI's language (under zh-CN the keys, the speakers' values, the
owners and the units in Chinese; ``--json`` keeps the codes)."""

from __future__ import annotations

from typing import Any

from datamill.cli._common import cli_language, esc, json_text, out
from datamill.cli._words import CLI_WORDS, say
from datamill.core.check_words import speaker_value_words

__all__ = ["print_sheet"]

#: a list longer than this prints its length (``--json`` has every entry)
_SHOWN_ENTRIES = 12


def print_sheet(value: dict[str, Any], depth: int = 0) -> None:
    """A datasheet as indented ``key: value`` lines (was its JSON, --json or not): a block of
    counts on one line ("gender: female 12, male 18"), nested blocks indented below their key;
    under zh-CN its keys, speakers' values, owners and units in Chinese (性别：女 12, 男 18)."""
    pad = "  " * depth
    for key, item in value.items():
        if isinstance(item, dict) and item and all(
                isinstance(v, int | float | str) for v in item.values()):
            line = ", ".join(_sheet_pair(key, k, v) for k, v in item.items())
            out.print(f"{pad}{esc(_sheet_word(key))}: {esc(line)}", highlight=False)
        elif isinstance(item, dict) and item:
            out.print(f"{pad}{esc(_sheet_word(key))}:", highlight=False)
            print_sheet(item, depth + 1)
        elif isinstance(item, list):
            shown = ", ".join(json_text(v, indent=None) if isinstance(v, dict | list) else str(v)
                              for v in item[:_SHOWN_ENTRIES])
            more = (say("sheet.more", n=len(item) - _SHOWN_ENTRIES)
                    if len(item) > _SHOWN_ENTRIES else "")
            out.print(f"{pad}{esc(_sheet_word(key))}: {esc(shown or '-')}{more}",
                      highlight=False)
        else:
            out.print(f"{pad}{esc(_sheet_word(key))}: {esc('-' if item in (None, {}) else item)}",
                      highlight=False)


def _sheet_word(key: str) -> str:
    """A datasheet key in the CLI's language (English: the key itself)."""
    return CLI_WORDS[cli_language()].get(f"sheet.{key}", key)


_SPEAKER_FIELDS = {"gender": "gender", "age_bands": "age_band", "accent": "accent"}


def _sheet_pair(block: str, key: str, value: object) -> str:
    """One ``key value`` of a one-line block: a speaker value, an owner or a unit worded."""
    lang = cli_language()
    if block in _SPEAKER_FIELDS:
        key = speaker_value_words(lang, _SPEAKER_FIELDS[block], key)
    elif block == "owners":
        key = CLI_WORDS[lang].get(f"sheet.owner.{key}", key)
    if key in ("unit", "base_unit") and isinstance(value, str):
        value = CLI_WORDS[lang].get(f"sheet.unit.{value}", value)
    return f"{_sheet_word(key) if block == 'volume' else key} {value}"
