"""The words of the import's own refusal for a file whose probe crashed the worker process
(``production._import_probe``), English and zh-CN: an isolating import (the CLI's ``data
import``) reads new files' headers in a worker process, and a file whose decoder segfaults or
exits there on its own is refused while every other file is imported."""

from __future__ import annotations

__all__ = ["IMPORT_H1_REFUSALS_EN", "IMPORT_H1_REFUSALS_ZH_CN"]

IMPORT_H1_REFUSALS_EN: dict[str, str] = {
    "import_decoder_crashed": "reading this file crashed the import's worker process ({tries} "
                              "tries, the last alone): the file is probably corrupt or of a "
                              "variant the decoder cannot handle; convert or replace it, then "
                              "import it again",
    # production._import_rows.confine: a named file the import never opens
    "path_link_outside": "{what} is a symbolic link that points outside the import folder",
    "path_outside": "{what} escapes the import folder",
}

IMPORT_H1_REFUSALS_ZH_CN: dict[str, str] = {
    "import_decoder_crashed": "读取此文件时导入的工作进程崩溃（共尝试 {tries} 次，最后一次单独运行）："
                              "文件可能已损坏，或是解码器无法处理的格式变体；请转换或替换该文件后重新导入",
    "path_link_outside": "{name} 是指向导入文件夹之外的符号链接：不予读取",
    "path_outside": "{name} 位于导入文件夹之外（绝对路径或含 ..）：不予读取，请给出导入文件夹内的相对路径",
}
