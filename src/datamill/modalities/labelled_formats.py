"""The pre-labelled formats each modality imports (``datamill data import --format``, the API's
``format``), as the help pages list them, in English and zh-CN.

Kept here, without importing a plugin, so that the CLI's help costs nothing at start-up (a scan
of the ``datamill.importers`` entry points costs ~40 ms; loading the plugins far more). The
list is the plugins' ``importer_names``; ``tests/unit/modalities/test_labelled_formats.py``
fails when an importer registered under the ``datamill.importers`` entry points, or one a
plugin names, is missing from it (the ``tts_textgrid`` importer was missing from the help).

Examples:
    >>> formats_line("en")
    'image: coco, yolo, voc; speech: kaldi, textgrid; TTS: tts_textgrid; text: conll, spacy_json, text_jsonl; point cloud: openpcdet; auto: detect'
    >>> formats_line("zh-CN").split("；")[2]
    '语音合成：tts_textgrid'
"""

from __future__ import annotations

from typing import Final

__all__ = ["LABELLED_FORMATS", "all_formats", "formats_line"]

#: modality (its entry-point name) -> the pre-labelled formats it imports, in the order shown
LABELLED_FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "image": ("coco", "yolo", "voc"),
    "speech.asr": ("kaldi", "textgrid"),
    "speech.tts": ("tts_textgrid",),
    "text": ("conll", "spacy_json", "text_jsonl"),
    "pointcloud": ("openpcdet",),
}

_WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {"image": "image", "speech.asr": "speech", "speech.tts": "TTS", "text": "text",
           "pointcloud": "point cloud", "auto": "auto: detect"},
    "zh-CN": {"image": "图像", "speech.asr": "语音", "speech.tts": "语音合成", "text": "文本",
              "pointcloud": "点云", "auto": "auto：自动识别"},
}


def all_formats() -> set[str]:
    """Every format listed."""
    return {name for names in LABELLED_FORMATS.values() for name in names}


def formats_line(lang: str) -> str:
    """The formats by modality, in ``lang`` (``en`` or ``zh-CN``), ending with ``auto``."""
    words = _WORDS.get(lang, _WORDS["en"])
    sep, pair, comma = ("；", "：", "、") if lang == "zh-CN" else ("; ", ": ", ", ")
    parts = [f"{words[m]}{pair}{comma.join(names)}" for m, names in LABELLED_FORMATS.items()]
    return sep.join([*parts, words["auto"]])
