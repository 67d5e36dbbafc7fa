"""Samples that are not numbers: a 32/64-bit float WAV or FLAC may hold NaN or infinite values
(a faulty export or effect chain). They made every measure NaN: a NaN DC offset passed its
check, the values stored (and the API's JSON) held NaN, and the TTS checks raised ValueError.
Such a file is refused as undecodable (``audio_not_finite``), at import and by the checks.

Examples:
    >>> import numpy as np
    >>> not_finite(np.array([0.1, np.nan, np.inf, -0.2], dtype=np.float32), "FLOAT")
    2
    >>> not_finite(np.array([0.1, -0.2], dtype=np.float32), "PCM_16")
    0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from datamill.modalities._reason_words_speech_h5 import SPEECH_H5_REFUSALS_EN

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["FLOAT_SUBTYPES", "not_finite", "not_finite_reason"]

#: libsndfile's subtypes whose samples are floats (integer PCM is always a number)
FLOAT_SUBTYPES: Final = frozenset({"FLOAT", "DOUBLE"})


def not_finite(block: NDArray[np.float32], subtype: str) -> int:
    """How many samples of ``block`` are NaN or infinite (0 for an integer ``subtype``)."""
    if subtype not in FLOAT_SUBTYPES:
        return 0
    return int(block.size - np.count_nonzero(np.isfinite(block)))


def not_finite_reason(samples: int) -> str:
    """The refusal's English sentence."""
    return SPEECH_H5_REFUSALS_EN["audio_not_finite"].format(samples=f"{samples:,}")
