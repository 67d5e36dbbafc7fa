"""The words of refusals met around a data subject's withdrawal of consent and erasure (trial
h1): a catalog release's sample that is a withdrawn subject's data, no longer shown to anyone.
English and zh-CN, for the reason-code registry."""

from __future__ import annotations

__all__ = ["ERASURE_REFUSALS_EN", "ERASURE_REFUSALS_ZH_CN"]

ERASURE_REFUSALS_EN: dict[str, str] = {
    "sample_consent_withdrawn": "Sample {index} of release {release_id} is no longer shown: "
                                "the person it records withdrew their consent. The other "
                                "samples and the next release, which leaves their data out, "
                                "can be viewed.",
}

ERASURE_REFUSALS_ZH_CN: dict[str, str] = {
    "sample_consent_withdrawn": "版本 {release_id} 的第 {index} 个样例已不再展示：其中记录的数据主体"
                                "已撤回同意。可查看其他样例，或下一个版本（不含其数据）。",
}
