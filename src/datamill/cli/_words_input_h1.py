"""The words of input the CLI cannot read because of its shape (a JSON or YAML document nested
thousands of levels deep, a number of thousands of digits), English and zh-CN, merged into the
CLI's catalogue through :mod:`datamill.cli._words_data`; and :func:`input_refusal`, which tells
such an error from a bug. Before, ``--json`` answered ``internal`` with Python's words
("RecursionError: maximum recursion depth exceeded while decoding a JSON array") and exit 1."""

from __future__ import annotations

from typing import Any

__all__ = ["INPUT_H1_EN", "INPUT_H1_ZH_CN", "input_refusal"]

INPUT_H1_EN: dict[str, str] = {
    "input.too_deep": "the input is nested too deeply to read (a JSON or YAML document nested "
                      "hundreds of levels deep?): give a flatter document",
    "input.too_many_digits": "a number in the input has more than 4,300 digits: give numbers of "
                             "ordinary size",
}

INPUT_H1_ZH_CN: dict[str, str] = {
    "input.too_deep": "输入的嵌套层级过深，无法读取（JSON 或 YAML 文档嵌套了数百层？）：请提供层级较浅的文档",
    "input.too_many_digits": "输入中的某个数字超过 4,300 位：请提供常规大小的数字",
}


def input_refusal(err: BaseException, lang: str, as_json: bool
                  ) -> tuple[str, dict[str, Any]] | None:
    """For an error that says the input's shape could not be read: the sentence to print and
    the details of the answer (with ``--json`` the English sentence, the one in ``lang`` as
    ``detail``; without, the one in ``lang``); None for any other error."""
    if isinstance(err, RecursionError):
        key = "input.too_deep"
    elif isinstance(err, ValueError) and "integer string conversion" in str(err):
        key = "input.too_many_digits"
    else:
        return None
    english = INPUT_H1_EN[key]
    said = INPUT_H1_ZH_CN[key] if lang == "zh-CN" else english
    if not as_json:
        return said, {}
    return english, ({"detail": said} if said != english else {})
