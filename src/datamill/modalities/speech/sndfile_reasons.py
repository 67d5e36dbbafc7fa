"""libsndfile's refusals worded: its own message (``Internal error : SF_INFO struct
incomplete.`` for a WAV header stating 0 Hz) stayed English inside a zh-CN sentence, and one
said "File does not exist" of an MP3 renamed ``.wav`` that was there. The common ones map to a
reason code of their own (words in :mod:`datamill.modalities._reason_words_import_h16`): the
English keeps libsndfile's message after "file is not decodable audio:" and adds what it means;
others stay ``audio_not_audio`` with the message as it is."""

from __future__ import annotations

from typing import Final

from datamill.modalities._reason_words_import_h16 import IMPORT_H16_REFUSALS_EN

__all__ = ["sndfile_reason"]

#: (a piece of libsndfile's message, the reason code): first match wins
_CODES: Final = (
    ("SF_INFO struct incomplete", "audio_header_incomplete"),  # 0 Hz (or no frames' size)
    ("Channel count is zero", "audio_header_incomplete"),
    ("unimplemented format", "audio_encoding_unsupported"),
    ("Malformed", "audio_header_malformed"),
    ("No 'data' chunk", "audio_header_malformed"),
    ("Format not recognised", "audio_format_unknown"),
    ("not a regular file", "audio_format_unknown"),  # said of an MP3's bytes in a .wav
)


def sndfile_reason(why: str) -> tuple[str, str]:
    """(reason code, English sentence) of a libsndfile error message ``why``."""
    for piece, code in _CODES:
        if piece in why:
            return code, IMPORT_H16_REFUSALS_EN[code].format(why=why)
    return "audio_not_audio", f"file is not decodable audio: {why}"
