"""The words of the import refusals of round 3's import trial (h6), English and zh-CN:
a pre-labelled import's media file over the copy limit (such an import copies every file: it
cannot register one in place, as the plain import's ``import_file_too_large`` advises)."""

from __future__ import annotations

__all__ = ["IMPORT_H6_EN", "IMPORT_H6_ZH_CN"]

IMPORT_H6_EN: dict[str, str] = {
    # production.labelled_import: a media file over DATAMILL_MAX_ARCHIVE_BYTES
    "labelled_file_too_large": "{file} is {size} bytes, more than the {limit} one import copies "
                               "(DATAMILL_MAX_ARCHIVE_BYTES); a pre-labelled import copies every "
                               "file (it cannot register one in place): split the file, or raise "
                               "DATAMILL_MAX_ARCHIVE_BYTES for this import",
    # cli.data: data import --format … --in-place
    "labelled_in_place": "a pre-labelled import copies its files (it cannot register them in "
                         "place): drop --in-place",
    # production._import_rows: a Mac's ._x.wav beside x.wav (or under __MACOSX/ in its zip)
    "apple_double": "macOS Finder metadata (an AppleDouble '._' file), not a file's content",
}

IMPORT_H6_ZH_CN: dict[str, str] = {
    "labelled_file_too_large": "{file} 有 {size} 字节，超过一次导入可复制的上限 {limit} 字节"
                               "（DATAMILL_MAX_ARCHIVE_BYTES）；带标注的导入会复制每个文件"
                               "（不能原位登记）：请拆分该文件，或为本次导入调高 "
                               "DATAMILL_MAX_ARCHIVE_BYTES",
    "labelled_in_place": "带标注的导入会复制其文件（不能原位登记）：请去掉 --in-place",
    "apple_double": "macOS 访达的元数据（AppleDouble “._” 文件），不是文件内容",
}
