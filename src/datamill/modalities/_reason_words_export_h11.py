"""The words of the catalog export guard's refusal of a territory it cannot read (helper h11),
English and zh-CN: the reason-code registry words them for the API, the CLI and the web."""

from __future__ import annotations

__all__ = ["EXPORT_H11_REFUSALS_EN", "EXPORT_H11_REFUSALS_ZH_CN"]

EXPORT_H11_REFUSALS_EN: dict[str, str] = {
    "territory_unreadable": "territory {value!r} names no country or region datamill can "
                            "read: name the countries (ISO codes such as CN, US, or names such "
                            "as 中国, United States), a region (欧盟, Europe) or worldwide, so the "
                            "export guard can check the destinations",
}

EXPORT_H11_REFUSALS_ZH_CN: dict[str, str] = {
    "territory_unreadable": "授权地域 {value!r} 未写明可识别的国家或地区：请写明国家（如 CN、US 等 ISO "
                            "代码，或“中国”“美国”等名称）、地区（如“欧盟”“欧洲”）或“全球”，以便"
                            "数据出境检查核对目的地",
}
