"""The words of the refusals added in round h7 for the modality contract (what the loop may no
longer assume of every modality: that it is counted in time), English and zh-CN."""

from __future__ import annotations

__all__ = ["CONTRACT_H7_EN", "CONTRACT_H7_ZH_CN"]

CONTRACT_H7_EN: dict[str, str] = {
    "price_hour_untimed": "A price per hour is per hour of audio, but {modality} is counted in "
                          "{volume_unit}: set the price per item, or per volume "
                          "({volume_unit}).",
}

CONTRACT_H7_ZH_CN: dict[str, str] = {
    "price_hour_untimed": "按小时计价指按音频时长（小时）计价，但 {modality} 的数据量按 {volume_unit} "
                          "计：请您改为按条（item）计价，或按数据量（{volume_unit}）计价。",
}
