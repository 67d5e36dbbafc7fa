"""The words of a pre-labelled import's objects left out (``data import --format``): how many of
the source's objects were left out, per reason, in English and zh-CN; each reason's words are
the pages' too (:data:`datamill.core.code_words.IMPORT_LEFT_OUT_WORDS`). Merged into the CLI's
catalogue through :mod:`datamill.cli._words_data`."""

from __future__ import annotations

from datamill.core.code_words import IMPORT_LEFT_OUT_WORDS

__all__ = ["IMPORT_H18_EN", "IMPORT_H18_ZH_CN"]

IMPORT_H18_EN: dict[str, str] = {
    "import.left_out": "{n} object(s) of the {format} labels left out: {why}",
    **{f"import.left_out.{k}": w for k, w in IMPORT_LEFT_OUT_WORDS["en"].items()},
}

IMPORT_H18_ZH_CN: dict[str, str] = {
    "import.left_out": "{format} 标注中有 {n} 个对象未采用：{why}",
    **{f"import.left_out.{k}": w for k, w in IMPORT_LEFT_OUT_WORDS["zh-CN"].items()},
}
