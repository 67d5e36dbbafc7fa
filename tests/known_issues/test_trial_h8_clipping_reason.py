"""Trial h8: a take with a few clipped samples was refused with "clipping: 0.00% of samples are
clipped, spec allows 0.00%", a limit it seemed to meet. The reason now counts the clipped
samples and gives their share with as many decimals as it takes to read above the limit (and
the limit not as 0 when it is not); a Chinese page shows the share to four decimals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.web.check_text import check_sentence
from datamill.web.i18n_zh import ZH_CN


@pytest.mark.parametrize(("limit", "said"), [
    (0.0, "3 of 480,000 samples are clipped (0.001%), spec allows none"),
    (0.000004, "3 of 480,000 samples are clipped (0.0006%), spec allows at most 0.0004%"),
    (0.001, None),  # 0.1% allowed: passes
])
def test_the_clipping_reason_counts_the_samples(tmp_path: Path, limit: float,
                                                said: str | None) -> None:
    t = np.arange(480000) / 48000  # 10 s
    x = 0.3 * np.sin(2 * np.pi * 220 * t)
    x[[1000, 200000, 300000]] = 1.0
    path = tmp_path / "take.wav"
    sf.write(path, x, 48000, subtype="PCM_24")
    req = SpeechAsrRequirements(audio={"sample_rate_hz": 48000, "bit_depth": 24},
                                max_clipping_ratio=limit)
    clipping = next(o for o in run_audio_checks(path, req) if o.name == "clipping")
    assert clipping.reason == said
    assert clipping.extra["clipped_samples"] == 3
    if said is not None:  # a Chinese page words it from the value: not "0.00% 的采样点削波"
        zh = check_sentence(lambda k: ZH_CN[k], "zh-CN")(
            {"name": "clipping", "value": clipping.value, "reason": clipping.reason,
             "extra": clipping.extra})
        assert zh.startswith("0.0006% 的采样点削波"), zh
