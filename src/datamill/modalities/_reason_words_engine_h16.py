"""The words of the local engine's refusals found by helper h16, English and zh-CN: a file whose
checks crashed the worker process on their own (a decoder that segfaults or exits, a memory
kill), the ``decoder_crashed`` check (``production.checking``) the item then fails while every
other item of the run gets its own results. The reason-code registry words it for the API and
the CLI; the check pages' and ``datamill data check``'s ``check.fail.decoder_crashed`` words come
from the same tables (``modalities.check_fail_more``)."""

from __future__ import annotations

__all__ = ["ENGINE_H16_REFUSALS_EN", "ENGINE_H16_REFUSALS_ZH_CN"]

ENGINE_H16_REFUSALS_EN: dict[str, str] = {
    "decoder_crashed": "checking this file crashed the worker process ({tries} tries, the last"
                       " alone): the file is probably corrupt or of a variant the decoder cannot"
                       " handle; convert or replace it, then check it again",
}

ENGINE_H16_REFUSALS_ZH_CN: dict[str, str] = {
    "decoder_crashed": "检查此文件时工作进程崩溃（共尝试 {tries} 次，最后一次单独运行）：文件可能已损坏，"
                       "或是解码器无法处理的格式变体；请转换或替换该文件后重新检查",
}
