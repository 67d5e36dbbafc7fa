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
}
