"""Compliance refusals of helper h3, English and zh-CN, for the API, the CLI and the web: the
catalog export guard's questions about a territory (a region with no fixed list of countries,
中东, APAC; a name of two places, Georgia) and removing someone who is no project member."""

from __future__ import annotations

__all__ = ["COMPLIANCE_H3_REFUSALS_EN", "COMPLIANCE_H3_REFUSALS_ZH_CN"]

COMPLIANCE_H3_REFUSALS_EN: dict[str, str] = {
    "territory_region_undefined": "territory {value!r} names {region!r}, a region with no "
                                  "fixed list of countries the export guard could check: "
                                  "write {instead} instead",
    "territory_ambiguous": "territory {value!r}: {name!r} may mean more than one place "
                           "({options}); write the ISO code of the one meant (or 'Georgia, "
                           "US' for the state, 格鲁吉亚 for the country)",
    "not_a_member": "{username!r} is no member of project {project_id}",
}

COMPLIANCE_H3_REFUSALS_ZH_CN: dict[str, str] = {
    "territory_region_undefined": "授权地域 {value!r} 中的“{region}”没有固定的国家范围，数据出境检查"
                                  "无法核对：请改写为{instead}",
    "territory_ambiguous": "授权地域 {value!r} 中的“{name}”可能指不同的地方（{options}）：请写明所指"
                           "地方的 ISO 代码（美国佐治亚州写“佐治亚州”或 US，格鲁吉亚国写“格鲁吉亚”"
                           "或 GE）",
    "not_a_member": "{username!r} 不是项目 {project_id} 的成员",
}
