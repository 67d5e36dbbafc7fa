"""The words of a year refused as outside the business calendar (``core.days``: 1900..2999),
English and zh-CN: a vendor's yearly evaluation asked for year 0 or 10000 on the supplier
list's form (it answered 500 before, then an English-only 422)."""

from __future__ import annotations

__all__ = ["YEARS_EN", "YEARS_ZH_CN"]

YEARS_EN: dict[str, str] = {
    "year_out_of_range": "year {year} is not a calendar year {MIN_YEAR}..{MAX_YEAR}; "
                         "give a year in that range",
}

YEARS_ZH_CN: dict[str, str] = {
    "year_out_of_range": "年份 {year} 不在 {MIN_YEAR}..{MAX_YEAR} 之内，请填写此范围内的年份。",
}
