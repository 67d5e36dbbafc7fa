"""The volume units the CLI's zh-CN catalogue did not word (a licence order's ``licences``, an
order in ``databases``, a budget line in ``subjects`` or ``points``, a datasheet's
``milliseconds``): shown as the raw code after a number. The words are the pages' and the
settlement sheet's (``web.i18n_zh_deliveries``, ``workforce.sheet_print``); English shows
the code, which is its plural. Merged into :mod:`datamill.cli._words`."""

from __future__ import annotations

__all__ = ["UNITS_H9_EN", "UNITS_H9_ZH_CN"]

UNITS_H9_EN: dict[str, str] = {
    "unit.databases": "databases", "unit.licences": "licences",
    "unit.milliseconds": "milliseconds", "unit.subjects": "subjects", "unit.points": "points",
}

UNITS_H9_ZH_CN: dict[str, str] = {
    "unit.databases": "个数据库", "unit.licences": "份授权",
    "unit.milliseconds": "毫秒", "unit.subjects": "名被采集人", "unit.points": "工时点",
}
