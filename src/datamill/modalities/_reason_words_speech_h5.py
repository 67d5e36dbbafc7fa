"""The words of speech refusals added by h5, English and zh-CN: a float WAV whose samples are
not numbers (NaN or infinite: a faulty export or effect chain), refused as undecodable
(:mod:`datamill.modalities.speech.samples`)."""

from __future__ import annotations

__all__ = ["SPEECH_H5_REFUSALS_EN", "SPEECH_H5_REFUSALS_ZH_CN"]

SPEECH_H5_REFUSALS_EN: dict[str, str] = {
    "audio_not_finite": "file holds {samples} samples that are not numbers (NaN or infinite), "
                        "which no level can be measured over: a faulty export or effect; export "
                        "the recording again as PCM WAV or FLAC",
}

SPEECH_H5_REFUSALS_ZH_CN: dict[str, str] = {
    "audio_not_finite": "文件中有 {samples} 个采样值不是数字（NaN 或无穷大），无法测量电平：导出或音效处理"
                        "出错；请把录音重新导出为 PCM WAV 或 FLAC",
}
