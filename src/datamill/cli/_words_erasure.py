"""The words of ``datamill security erase-subject`` about the delivered packages it did not
write again, in English and zh-CN; merged into the CLI's catalogue (:mod:`datamill.cli._words`)."""

from __future__ import annotations

from datamill.cli._words_acceptance_h9 import ACCEPTANCE_H9_EN, ACCEPTANCE_H9_ZH_CN
from datamill.cli._words_audit import AUDIT_EN, AUDIT_ZH_CN
from datamill.cli._words_codes import CODES_EN, CODES_ZH_CN
from datamill.cli._words_quality import QUALITY_EN, QUALITY_ZH_CN
from datamill.cli._words_security import SECURITY_EN, SECURITY_ZH_CN

__all__ = ["ERASURE_EN", "ERASURE_ZH_CN"]

ERASURE_EN: dict[str, str] = {
    "security.already_redelivered": "; delivery {deliveries} already leaves them out (not "
                                    "written again)",
    "security.package_gone": "; delivery {deliveries} has no package left to write again "
                             "(removed by retention)",
    "security.releases": "; catalog release {deliveries} withdrawn and its files deleted",
    "security.licences": "; licence {deliveries} recorded as holding the subject's data (the "
                         "licensee is asked to delete it)",
    **SECURITY_EN,
    **AUDIT_EN,
    **CODES_EN,
    **QUALITY_EN,
    **ACCEPTANCE_H9_EN,
}

ERASURE_ZH_CN: dict[str, str] = {
    "security.already_redelivered": "；交付 {deliveries} 已不含其条目（未再次生成）",
    "security.package_gone": "；交付 {deliveries} 的数据包已不存在（已按保留期删除），无需重新生成",
    "security.releases": "；目录发布版 {deliveries} 已撤回并删除其文件",
    "security.licences": "；授权 {deliveries} 已记录为含该主体的数据（已请被授权方删除）",
    **SECURITY_ZH_CN,
    **AUDIT_ZH_CN,
    **CODES_ZH_CN,
    **QUALITY_ZH_CN,
    **ACCEPTANCE_H9_ZH_CN,
}
