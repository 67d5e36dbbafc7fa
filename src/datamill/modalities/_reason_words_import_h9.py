"""The words of import refusals added by h9, English and zh-CN: a manifest's JSONL line that is
not JSON, named by the file's line and the column in it (``production._json_line``; the
parser's own "line 2 column 1" counted inside the one-line value), a pre-labelled import
refused whole (``production.labelled_import``: "nothing imported: N problem(s)"), and an
audio file refused at import (empty, truncated, not audio: ``modalities.speech.audio``)."""

from __future__ import annotations

__all__ = ["IMPORT_H9_REFUSALS_EN", "IMPORT_H9_REFUSALS_ZH_CN"]

_AT = "malformed JSON on line {line}: "

IMPORT_H9_REFUSALS_EN: dict[str, str] = {
    "manifest_json_ends": _AT + "the line ends after column {column} before the JSON object "
                                "is complete (a closing }} or ] is missing)",
    "manifest_json_comma": _AT + "a comma (,) is missing between two values at column {column}",
    "manifest_json_colon": _AT + "a colon (:) is missing after the key at column {column}",
    "manifest_json_key": _AT + "a key in straight double quotes is expected at column {column} "
                               "(or a comma stands before the closing }})",
    "manifest_json_value": _AT + "a value is expected at column {column} (text takes straight "
                                 "double quotes; true, false and null are lower case)",
    "manifest_json_extra": _AT + "more text follows the JSON object at column {column} (one "
                                 "object a line)",
    "manifest_json_unclosed": _AT + "the string is not closed on that line (a closing \" is "
                                    "missing): it starts at column {column}",
    "manifest_json_escape": _AT + "a backslash escape JSON does not know at column {column} "
                                  "(write \\\\ for a backslash, as in a Windows path)",
    "manifest_json_control": _AT + "a control character (a tab?) inside a string at column "
                                   "{column} (write it as \\t)",
    "manifest_json_full_width": _AT + "{char} at column {column} is full-width punctuation, as "
                                      "a Chinese input method types it: JSON takes only "
                                      "half-width marks (\" : , {{ }} [ ]); switch the input "
                                      "method to half-width punctuation",
    "manifest_json": _AT + "{detail}",
    "labelled_nothing_imported": "nothing imported: {problems} problem(s) in the {format} "
                                 "source: {listed}",
    # an audio file refused at import (modalities.speech.audio)
    "file_empty": "file is empty (0 bytes)",
    "audio_truncated": "file is truncated: the WAV header declares {declared} bytes of audio but "
                       "only {present} are present",
    "audio_not_audio": "file is not decodable audio: {why}",
    "audio_frames_missing": "file is truncated or corrupt: header declares {declared} frames, "
                            "only {read} could be decoded",
    "audio_no_samples": "file contains no audio samples",
    # a manifest's row that is JSON or CSV but no row (production._import_rows)
    "manifest_not_object": "each JSONL line must be an object ({{\"path\": ...}}); line {line} "
                           "is a JSON {kind}",
    "manifest_csv": "malformed CSV on line {line}: {detail}",
    "manifest_cells": "row has {cells} cells, the header has {header}",
    "file_missing": "file {file} does not exist",
    "file_not_regular": "{file} is not a regular file",
}

_AT_ZH = "第 {line} 行不是有效的 JSON："

IMPORT_H9_REFUSALS_ZH_CN: dict[str, str] = {
    "manifest_json_ends": _AT_ZH + "该行到第 {column} 列就结束了，JSON 对象尚不完整（缺少右括号 }} "
                                   "或 ]）",
    "manifest_json_comma": _AT_ZH + "第 {column} 列处两个值之间缺少半角逗号（,）",
    "manifest_json_colon": _AT_ZH + "第 {column} 列处键名后缺少半角冒号（:）",
    "manifest_json_key": _AT_ZH + "第 {column} 列处应为用半角双引号括起的键名（或右括号 }} 前多了一个"
                                  "逗号）",
    "manifest_json_value": _AT_ZH + "第 {column} 列处缺少值（文本须用半角双引号括起；true、false、"
                                    "null 须小写）",
    "manifest_json_extra": _AT_ZH + "第 {column} 列起 JSON 对象之后还有多余内容（每行只能有一个对象）",
    "manifest_json_unclosed": _AT_ZH + "从第 {column} 列开始的字符串在该行内没有结束（缺少右侧的 \"）",
    "manifest_json_escape": _AT_ZH + "第 {column} 列处的反斜杠转义 JSON 不认识（反斜杠本身须写成 "
                                     "\\\\，如 Windows 路径）",
    "manifest_json_control": _AT_ZH + "第 {column} 列处的字符串中有控制字符（制表符？），请写成 \\t",
    "manifest_json_full_width": _AT_ZH + "第 {column} 列的 {char} 是中文输入法输入的全角标点：JSON "
                                         "只认半角符号（\" : , {{ }} [ ]），请把输入法切换为半角标点",
    "manifest_json": _AT_ZH + "{detail}",
    "labelled_nothing_imported": "未导入任何内容：{format} 来源中有 {problems} 个问题：{listed}",
    "file_empty": "文件为空（0 字节）",
    "audio_truncated": "文件不完整：WAV 文件头声明有 {declared} 字节音频，实际只有 {present} 字节"
                       "（传输或复制中断？请重新导出或重新复制该文件）",
    "audio_not_audio": "文件不是可解码的音频（{why}）：请确认它是 WAV、FLAC 等音频文件，且未损坏",
    "audio_frames_missing": "文件不完整或已损坏：文件头声明有 {declared} 帧，只能解码 {read} 帧",
    "audio_no_samples": "文件中没有音频采样",
    "manifest_not_object": "JSONL 的每一行都须是一个对象（{{\"path\": ...}}）；第 {line} 行是 "
                           "JSON {kind}",
    "manifest_csv": "第 {line} 行不是有效的 CSV：{detail}",
    "manifest_cells": "该行有 {cells} 个单元格，表头有 {header} 个",
    "file_missing": "文件 {file} 不存在",
    "file_not_regular": "{file} 不是普通文件（是文件夹或设备？）",
}
