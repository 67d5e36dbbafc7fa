"""The words of import refusals added by h16, English and zh-CN: a manifest's line that is not
UTF-8 (with the file's likely encoding and the ``iconv`` line that converts it, once) or longer
than the import reads (``production._import_rows``), and audio files whose decoder's own
message (libsndfile's) said why in English inside a zh-CN sentence (``modalities.speech.audio``)."""

from __future__ import annotations

__all__ = ["IMPORT_H16_REFUSALS_EN", "IMPORT_H16_REFUSALS_ZH_CN"]

_NOT_UTF8 = "line is not UTF-8 ({why} at byte {byte})"

IMPORT_H16_REFUSALS_EN: dict[str, str] = {
    "manifest_line_long": "line is longer than {limit} bytes",
    "manifest_not_utf8_guessed": _NOT_UTF8 + ": {file} is not UTF-8; it reads as {shown}: "
                                 "convert it with `iconv -f {iconv} -t UTF-8 {file} > "
                                 "{converted}` and import that",
    "manifest_not_utf8_unknown": _NOT_UTF8 + ": {file} is not UTF-8: save it as UTF-8 (find its "
                                 "encoding with `file -i {file}`, then `iconv -f <encoding> -t "
                                 "UTF-8 {file} > {converted}`) and import that",
    "manifest_not_utf8_again": _NOT_UTF8 + "; see line {advised} for the file's encoding",
    # libsndfile's message (modalities.speech.sndfile_reasons)
    "audio_header_incomplete": "file is not decodable audio: {why} (its header states a sample "
                               "rate or a channel count of 0: export the file again)",
    "audio_encoding_unsupported": "file is not decodable audio: {why} (its encoding is none the "
                                  "reader knows, e.g. 0 bits a sample: export it as PCM WAV or "
                                  "FLAC)",
    "audio_header_malformed": "file is not decodable audio: {why} (its WAV header is damaged: "
                              "export or copy the file again)",
    "audio_format_unknown": "file is not decodable audio: {why} (it is no WAV, FLAC or OGG file: "
                            "an MP3 or a text renamed? Convert it to WAV or FLAC)",
    # production._import_rows: the csv module kept the line break inside the open cell
    "manifest_csv_unclosed_quote": "malformed CSV on line {line}: the quote that opens cell "
                                   "{cell} is never closed (a quoted cell must end with \" on "
                                   "its own line; a quote inside it is written \"\")",
    # production._import_files: a copied file over DATAMILL_MAX_ARCHIVE_BYTES
    "import_file_too_large": "{file} is {size} bytes, more than the {limit} one import copies "
                             "(DATAMILL_MAX_ARCHIVE_BYTES): split it, or register it in place",
    # production._import_probe: the probe's worker process could not start (no file to blame)
    "import_worker_unavailable": "the import's worker process could not start, so no file was "
                                 "read; nothing of this chunk was stored (the run is "
                                 "interrupted: resume it once the environment is fixed): {why}",
}

_NOT_UTF8_ZH = "该行不是 UTF-8 编码（第 {byte} 字节）"

IMPORT_H16_REFUSALS_ZH_CN: dict[str, str] = {
    "manifest_line_long": "该行超过 {limit} 字节，无法读取",
    "manifest_not_utf8_guessed": _NOT_UTF8_ZH + "：{file} 看起来是 {iconv} 编码，请用 "
                                 "`iconv -f {iconv} -t UTF-8 {file} > {converted}` 转换为 UTF-8 "
                                 "后导入转换后的文件",
    "manifest_not_utf8_unknown": _NOT_UTF8_ZH + "：请把 {file} 另存为 UTF-8（用 `file -i {file}` "
                                 "查出其编码，再用 `iconv -f <编码> -t UTF-8 {file} > {converted}` "
                                 "转换）后导入",
    "manifest_not_utf8_again": _NOT_UTF8_ZH + "；文件的编码见第 {advised} 行",
    "audio_header_incomplete": "文件不是可解码的音频：文件头中的采样率或声道数为 0（文件头损坏或未写完），"
                               "请重新导出该文件",
    "audio_encoding_unsupported": "文件不是可解码的音频：其编码格式无法读取（如每个采样 0 位），"
                                  "请导出为 PCM WAV 或 FLAC",
    "audio_header_malformed": "文件不是可解码的音频：WAV 文件头已损坏（fmt 块格式错误或缺少 data 块），"
                              "请重新导出或重新复制该文件",
    "audio_format_unknown": "文件不是可解码的音频：无法识别其格式（不是 WAV、FLAC 或 OGG 文件，"
                            "是改了扩展名的 MP3 或文本？），请转换为 WAV 或 FLAC",
    "manifest_csv_unclosed_quote": "第 {line} 行不是有效的 CSV：第 {cell} 个单元格的左引号没有闭合"
                                   "（带引号的单元格须在同一行内以 \" 结束；单元格内的引号写作 \"\"）",
    "import_file_too_large": "{file} 有 {size} 字节，超过一次导入可复制的上限 {limit} 字节"
                             "（DATAMILL_MAX_ARCHIVE_BYTES）：请拆分该文件，或以原位登记（--in-place）方式导入",
    "import_worker_unavailable": "导入的工作进程无法启动，因此没有读取任何文件；本批内容均未保存"
                                 "（导入任务已中断：修复运行环境后可继续导入）：{why}",
}
