""""Not found" in the CLI's language: the services say ``no project with id 7`` or ``no user
named 'bob'`` in English (the API answers a 404 with a generic sentence in Chinese; a person at
the command line needs the id or name they typed back). The shapes
:func:`datamill.db.lookup.not_found` and the lookups by name write are worded here, the object
by :data:`ZH_CN_OBJECTS`; any other "not found" keeps its English after a Chinese head.

Examples:
    >>> not_found_sentence("no project with id 7", "zh-CN")
    '没有编号为 7 的项目'
    >>> not_found_sentence("no user named 'bob'", "zh-CN")
    "没有名为 'bob' 的用户"
    >>> not_found_sentence("project 3 has no item 9", "zh-CN")
    '项目 3 中没有条目 9'
    >>> not_found_sentence("no project with id 7", "en")
    'no project with id 7'
"""

from __future__ import annotations

import re

from datamill.modalities._reason_words_catalog import OBJECT_WORDS_ZH_CN

__all__ = ["ZH_CN_OBJECTS", "not_found_sentence"]

#: the objects the services look up, in Chinese: the one table the coded ``object_not_found``
#: refusal words them by too
ZH_CN_OBJECTS = OBJECT_WORDS_ZH_CN

_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), said) for pattern, said in (
        (r"^no (?P<what>[a-z -]+?) with id (?P<id>\d+)$", "没有编号为 {id} 的{what}"),
        (r"^no (?P<what>[a-z -]+?) named (?P<name>'.*')(?P<rest>;.*)?$",
         "没有名为 {name} 的{what}"),
        (r"^(?P<owner>[a-z -]+?) (?P<oid>\d+) has no (?P<what>[a-z -]+?) (?P<id>\S+)$",
         "{owner} {oid} 中没有{what} {id}"),
        (r"^no (?P<what>[a-z -]+?) (?P<id>\d+) in (?P<owner>[a-z -]+?) (?P<oid>\d+)$",
         "{owner} {oid} 中没有{what} {id}"),
    ))


#: :class:`datamill.cli._common.NoHome`'s two sentences (the current folder's, or a
#: ``DATAMILL_HOME`` naming no folder), by the start of the English
_NO_HOME_ZH = (
    ("no datamill home at ", "(the current folder's .datamill)",
     "{home} 没有 datamill 主目录（当前文件夹的 .datamill）：请进入项目所在的文件夹，或把 "
     "DATAMILL_HOME 设为它的主目录；也可以用 `datamill demo` 或 `datamill user create NAME "
     "--role admin` 在此新建一个"),
    ("no datamill home at ", "(DATAMILL_HOME names a folder that does not exist)",
     "{home} 没有 datamill 主目录（DATAMILL_HOME 指向的文件夹不存在）：请检查 DATAMILL_HOME "
     "是否拼错，或用 `datamill db-upgrade` 或 `datamill user create NAME --role admin` "
     "在那里新建一个"),
)


def not_found_sentence(message: str, lang: str, home: object = None) -> str:
    """``message`` (a service's English "not found"; ``home``: where a ``no_home`` refusal
    looked) as a reader of ``lang`` reads it."""
    if lang == "en":
        return message
    for head, mark, said in _NO_HOME_ZH:
        if home is not None and message.startswith(head) and mark in message:
            return said.format(home=home)
    for pattern, said in _SHAPES:
        found = pattern.match(message)
        if found is None:
            continue
        values = found.groupdict()
        nouns = [values.get(k) for k in ("what", "owner") if values.get(k) is not None]
        if all(n in ZH_CN_OBJECTS for n in nouns):
            for key in ("what", "owner"):
                if values.get(key) is not None:
                    values[key] = ZH_CN_OBJECTS[values[key]]
            return said.format(**values)
    return f"未找到：{message}"
