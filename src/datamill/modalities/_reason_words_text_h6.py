"""The words of the text corpus preparation's coded refusals (``text prepare`` of a labelled
source, and the inspection sample's stale corrections), English and zh-CN."""

from __future__ import annotations

__all__ = ["TEXT_H6_REFUSALS_EN", "TEXT_H6_REFUSALS_ZH_CN"]

TEXT_H6_REFUSALS_EN: dict[str, str] = {
    "text_row_labelled": "{where}: the row is labelled ({field_name}); text prepare would keep"
                         " its text and lose the labels: import the file with `datamill data"
                         " import PROJECT FILE --format text_jsonl`, or normalise it with"
                         " `text prepare --normalize`, which moves the spans with the text",
    "text_row_not_labelled": "{where}: the row has no annotation; in a labelled source every"
                             " row has one",
    "text_offsets_not_kept": "{where}: normalising the text would move the label offset"
                             " {offset} into a character; move the span boundary before or"
                             " after that character",
    "text_labelled_drop_emoji": "{where}: the rows are labelled, and removing emoji would cut"
                                " characters out of their spans: prepare it without"
                                " --drop-emoji",
    "correction_changed": "{item}: its correction changed after you opened it (saved since by"
                          " another inspector or from another page); reload it and apply your"
                          " changes again",
    "text_lone_surrogate": "{field} contains a lone surrogate ({char}), which has no UTF-8: a"
                           " broken escape (an emoji takes a pair, e.g. \\ud83d\\ude00);"
                           " write the whole character or remove it",
    "text_nul": "{field} contains a NUL character (U+0000): remove it",
    "document_not_finite": "{field} has a number JSON cannot hold ({value})",
    "document_too_deep": "{field} nests deeper than {most} levels",
}

TEXT_H6_REFUSALS_ZH_CN: dict[str, str] = {
    "text_row_labelled": "{where}：该行带有标注（{field_name}）；text prepare 只保留文本，标注会丢失："
                         "请用 `datamill data import <项目> <文件> --format text_jsonl` 导入，"
                         "或用 `text prepare --normalize` 规范化（标注片段随文本一起移动）。",
    "text_row_not_labelled": "{where}：该行没有标注；带标注的来源每一行都必须有标注。",
    "text_offsets_not_kept": "{where}：规范化文本会把标注偏移 {offset} 移到一个字符内部；"
                             "请把片段边界移到该字符之前或之后。",
    "text_labelled_drop_emoji": "{where}：各行带有标注，删除表情符号会从标注片段中删去字符："
                                "请去掉 --drop-emoji 再准备。",
    "correction_changed": "{item}：打开后该条目的修正已被更改（其他质检员或其他页面已保存修正）；"
                          "请重新加载后再应用您的修改。",
    "text_lone_surrogate": "{field} 含有孤立的 UTF-16 代理项（{char}），UTF-8 无法表示：转义已损坏"
                           "（表情符号需成对转义，如 \\ud83d\\ude00）；请写出完整字符或删除它。",
    "text_nul": "{field} 含有 NUL 字符（U+0000）：请删除它。",
    "document_not_finite": "{field} 含有 JSON 无法表示的数值（{value}）。",
    "document_too_deep": "{field} 的嵌套超过 {most} 层。",
}
