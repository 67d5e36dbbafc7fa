"""The words of ``datamill security erase-subject`` about the delivered packages it did not
write again, in English and zh-CN; merged into the CLI's catalogue (:mod:`datamill.cli._words`)."""

from __future__ import annotations

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
    **SECURITY_EN,
    **AUDIT_EN,
    **CODES_EN,
    **QUALITY_EN,
}

ERASURE_ZH_CN: dict[str, str] = {
    "security.already_redelivered": "；交付 {deliveries} 已不含其条目（未再次生成）",
    "security.package_gone": "；交付 {deliveries} 的数据包已不存在（已按保留期删除），无需重新生成",
    **SECURITY_ZH_CN,
    **AUDIT_ZH_CN,
    **CODES_ZH_CN,
    **QUALITY_ZH_CN,
}
