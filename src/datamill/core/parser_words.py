"""A file parser's own message (JSON, CSV, XML, YAML: what the standard library, expat or
PyYAML says is wrong) in a reader's language.

A coded refusal names the parser's message as a value (``manifest_csv``'s ``{detail}``:
"第 3 行不是有效的 CSV：{detail}"), and a zh-CN reader read "field larger than field limit
(131072)" inside the Chinese sentence. :func:`parser_phrase` words the messages these parsers
give (with the place they name: "at line 3 column 1", ": line 1 column 5 (char 4)"); a message
it does not know stays as the parser wrote it. :func:`parser_values` does so for a refusal's
``detail``, ``why`` and ``error`` values, as the refusal registry adjusts values before it
words them (:mod:`datamill.modalities.problem_words`).

Examples:
    >>> parser_phrase("Expecting value at line 2 column 7", "zh-CN")
    '此处应有一个值（第 2 行第 7 列）'
    >>> parser_phrase("field larger than field limit (131072)", "zh-CN")
    '单元格超过 131072 个字符的上限'
    >>> parser_phrase("field larger than field limit (131072)", "en")
    'field larger than field limit (131072)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["PARSER_CODES", "PARSER_VALUE_NAMES", "parser_phrase", "parser_values"]

#: the refusal codes whose values hold a parser's message (a manifest's line, a pre-labelled
#: source's file, an LLM record, a tool's parameters, a point cloud's pose)
PARSER_CODES = ("manifest_json", "manifest_csv", "coco_json", "voc_xml", "yolo_yaml",
                "record_json", "params_not_json", "pc_pose_text", "price_list_json",
                "file_unreadable")

#: the values of a refusal that hold a parser's message
PARSER_VALUE_NAMES = ("detail", "why", "error")

#: where the message says it stopped: JSON's ``at line 3 column 1`` / ``at column 7`` (as
#: :func:`datamill.core.jsontext.describe_json_error` writes it) or ``: line 1 column 5 (char 4)``
_PLACE = re.compile(r"(?:: | at )(?:line (\d+) column (\d+)(?: \(char \d+\))?|column (\d+))$")

#: (message, words): the message matched whole (after its place), its groups filled in as
#: ``{0}``, ``{1}``; ``{at}`` is the place where the words name it (else it follows them)
_ZH_CN: tuple[tuple[str, str], ...] = (
    # JSON (json.JSONDecodeError.msg)
    (r"Expecting value", "此处应有一个值"),
    (r"Expecting ',' delimiter", "此处缺少逗号“,”"),
    (r"Expecting ':' delimiter", "此处缺少冒号“:”"),
    (r"Expecting property name enclosed in double quotes", "此处应有用双引号括起的键名"),
    (r"Illegal trailing comma before end of object", "对象末尾多了一个逗号"),
    (r"Illegal trailing comma before end of array", "数组末尾多了一个逗号"),
    (r"Extra data", "值的后面还有多余的内容"),
    (r"Unterminated string starting(?: at)?", "字符串没有结束"),
    (r"Invalid control character(?: '(.+)')?(?: at)?", "字符串中有不允许的控制字符"),
    (r"Invalid \\escape", "无效的转义符“\\”"),
    (r"Invalid \\uXXXX escape", "无效的 \\uXXXX 转义"),
    (r'the string is not closed on that line \(a closing " is missing\): it starts',
     "字符串在该行没有结束（缺少收尾的双引号），它开始于{at}"),
    (r"nested too deeply", "嵌套层数过多"),
    (r"Exceeds the limit \((\d+) digits\) for integer string conversion.*",
     "整数超过 {0} 位的上限"),
    # CSV (csv.Error)
    (r"field larger than field limit \((\d+)\)", "单元格超过 {0} 个字符的上限"),
    (r"line contains NUL", "该行含有 NUL 字符"),
    (r"new-line character seen in unquoted field.*", "未加引号的单元格中有换行符"),
    (r"'(.)' expected after '\"'", "引号后应为“{0}”"),
    (r"unexpected end of data", "数据意外结束"),
    # XML (expat, as xml.etree's ParseError says it, its place apart)
    (r"not well-formed \(invalid token\)", "格式不正确（无效的记号）"),
    (r"mismatched tag", "开始标签与结束标签不匹配"),
    (r"unclosed token", "记号没有结束"),
    (r"no element found", "没有找到任何元素（文件为空或提前结束）"),
    (r"syntax error", "语法错误"),
    (r"junk after document element", "根元素之后还有多余的内容"),
    (r"undefined entity", "未定义的实体"),
    (r"duplicate attribute", "属性重复"),
    (r"unbound prefix", "未声明的命名空间前缀"),
    (r"unclosed CDATA section", "CDATA 段没有结束"),
    (r"reference to invalid character number", "引用了无效的字符编号"),
    (r"XML or text declaration not at start of entity", "XML 声明不在文件开头"),
    (r"XML declaration not well-formed", "XML 声明格式不正确"),
    (r"encoding specified in XML declaration is incorrect", "XML 声明中的编码不正确"),
    (r"unknown encoding", "未知的编码"),
    # the system's (OSError.strerror): a file named on the command line
    (r"No such file or directory", "文件不存在"),
    (r"Permission denied", "没有读取权限"),
    (r"Is a directory", "这是一个文件夹，不是文件"),
    (r"Not a directory", "路径中的某一段不是文件夹"),
    (r"Too many levels of symbolic links", "符号链接层数过多（可能有循环）"),
    # YAML (PyYAML's problem)
    (r"mapping values are not allowed here", "此处不能有映射值（冒号后的值位置不对，或缺少空格）"),
    (r"could not find expected ':'", "找不到应有的冒号“:”"),
    (r"found character '(.+)' that cannot start any token", "字符“{0}”不能作为记号的开头"),
    (r"did not find expected key", "找不到应有的键"),
    (r"did not find expected node content", "找不到应有的节点内容"),
    (r"did not find expected '-' indicator", "找不到应有的“-”列表标记"),
    (r"did not find expected ',' or '\]'", "找不到应有的“,”或“]”"),
    (r"did not find expected ',' or '}'", "找不到应有的“,”或“}”"),
    (r"found unexpected end of stream", "文件意外结束"),
    (r"found undefined alias '(.+)'", "别名“{0}”未定义"),
    (r"found unknown escape character '(.+)'", "未知的转义字符“{0}”"),
    (r"expected '(.)' or '(.)', but got '<stream end>'", "文件在应有“{0}”或“{1}”处意外结束"),
    (r"expected <block end>, but found '(.+)'", "缩进不一致：此处应结束上一块，却出现了“{0}”"),
    (r"expected (.+), but found '?([^']+)'?", "此处应为 {0}，却出现了“{1}”"),
)

_WORDS: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "zh-CN": tuple((re.compile(pattern, re.DOTALL), words) for pattern, words in _ZH_CN),
}

#: a place as each language writes it: (line, column) and column alone
_PLACES: dict[str, tuple[str, str]] = {"zh-CN": ("第 {line} 行第 {column} 列", "第 {column} 列")}


def parser_phrase(text: str, lang: str) -> str:
    """A parser's message ``text`` in ``lang`` (the place it names with it); ``text`` as it is
    in English, another language without words, or a message not known here."""
    table = _WORDS.get(lang)
    if table is None or not text:
        return text
    body, at = text.strip(), ""
    place = _PLACE.search(body)
    if place is not None:
        both, alone = _PLACES[lang]
        at = both.format(line=place[1], column=place[2]) if place[1] \
            else alone.format(column=place[3])
        body = body[:place.start()]
    for pattern, words in table:
        found = pattern.fullmatch(body)
        if found is None:
            continue
        said = words.format(*found.groups(), at=at)
        return said if not at or "{at}" in words else f"{said}（{at}）"
    return text


def parser_values(values: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A refusal's ``values`` with the parser's message (``detail``, ``why``, ``error``) in
    ``lang``, as the refusal registry adjusts them before wording the refusal."""
    out = dict(values)
    for name in PARSER_VALUE_NAMES:
        value = out.get(name)
        if isinstance(value, str):
            out[name] = parser_phrase(value, lang)
    return out
