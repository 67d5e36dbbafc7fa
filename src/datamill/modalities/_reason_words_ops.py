"""The words of the security and operations refusals (trial h4, round 3), English and zh-CN:
the reason-code registry words them for the API and the CLI."""

from __future__ import annotations

__all__ = ["OPS_REFUSALS_EN", "OPS_REFUSALS_ZH_CN"]

OPS_REFUSALS_EN: dict[str, str] = {
    "source_is_url": "{source} is a URL: an import reads a local folder, .csv/.jsonl manifest "
    "or .zip archive; a manifest's rows may name objects at such URLs with --in-place and "
    "--url-root (their prefix).",
}

OPS_REFUSALS_ZH_CN: dict[str, str] = {
    "source_is_url": "{source} 是一个网址：导入只读取本地的文件夹、.csv/.jsonl 清单或 .zip 压缩包；"
    "清单中的行可以借助 --in-place 和 --url-root（网址前缀）指向这类网址上的对象。",
}
