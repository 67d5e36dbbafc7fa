"""The words of ``datamill text prepare``'s refusals that read English under zh-CN until they
had a code (an id used twice, no such source, a column missing ...), English and zh-CN."""

from __future__ import annotations

__all__ = ["TEXT_H3_EN", "TEXT_H3_ZH_CN"]

TEXT_H3_EN: dict[str, str] = {
    "text_row_not_object": "{where}: a row must be an object",
    "text_no_text": "{where}: no text in column {column}",
    "text_malformed_json": "{where}: malformed JSON at column {column} ({why})",
    "text_no_column": "{where}: no {column} column (the columns: {header})",
    "text_cells_count": "{where}: {cells} cells, the header has {columns}",
    "text_too_long": "{where}: {chars} characters, more than {most}",
    "text_id_twice": "{where}: item id {id} is used twice (first at {first})",
    "text_source_missing": "{path}: no such file or folder",
    "text_source_kind": "{path}: not a .txt/.csv/.jsonl/.parquet source",
    "text_out_is_file": "{path} is a file, not a folder: name a new or empty folder",
    "text_out_not_empty": "{path} exists and is not empty: name a new or empty folder",
    "text_empty": "{where}: empty text",
}

TEXT_H3_ZH_CN: dict[str, str] = {
    "text_row_not_object": "{where}：每一行必须是一个 JSON 对象。",
    "text_no_text": "{where}：列 {column} 中没有文本。",
    "text_malformed_json": "{where}：第 {column} 列附近的 JSON 格式错误。",
    "text_no_column": "{where}：没有 {column} 列（现有的列：{header}）。",
    "text_cells_count": "{where}：该行有 {cells} 个单元格，表头有 {columns} 列。",
    "text_too_long": "{where}：{chars} 个字符，超过上限 {most}。",
    "text_id_twice": "{where}：条目编号 {id} 重复使用（首次出现在 {first}）。",
    "text_source_missing": "{path}：没有这个文件或文件夹。",
    "text_source_kind": "{path}：不是 .txt/.csv/.jsonl/.parquet 来源。",
    "text_out_is_file": "{path} 是一个文件而不是文件夹：请指定一个新的或空的文件夹。",
    "text_out_not_empty": "{path} 已存在且不为空：请指定一个新的或空的文件夹。",
    "text_empty": "{where}：文本为空。",
}
