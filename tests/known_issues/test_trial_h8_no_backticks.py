"""Trial h8: the dashboard's quota help read "`datamill collect quotas` 显示相同内容。" with the
backticks shown as they are (the pages show catalogue text as plain text, no Markdown), and the
security and audit pages' help did the same. No catalogue entry, English or Chinese, holds a
backtick: a command is named in quotes or after the word "command"."""

from __future__ import annotations

from datamill.modalities.problem_words import LANGUAGES
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN


def test_no_catalogue_entry_holds_a_backtick() -> None:
    catalogues = {"web en": EN, "web zh-CN": ZH_CN,
                  **{f"words {lang}": words for lang, words in LANGUAGES.items()}}
    found = sorted(f"{name}: {key}" for name, words in catalogues.items()
                   for key, text in words.items() if "`" in text)
    assert not found
    assert "datamill collect quotas" in EN["collect.quotas_help"]
    assert "datamill collect quotas" in ZH_CN["collect.quotas_help"]
