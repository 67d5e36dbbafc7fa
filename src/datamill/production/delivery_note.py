"""The delivery note (交付单) a custom delivery package carries: what is in it, how much, in
which formats, which checks and which inspection it passed, and whose data it is — for the
people who receive it, in their organisation's language (en or zh-CN; domain §5: custom work
goes out "with a delivery note").

:func:`write_delivery_note` renders it from the delivery's datasheet (the same facts, so the
note never says anything the datasheet does not) into ``DELIVERY-NOTE.md`` beside
``datasheet.json``; the manifest lists it with its sha256 like every other file. Which
language is the caller's to say (the faces ask the ledger for the customer's,
:func:`datamill.ledger.customers.project_customer_language`); none is English.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from datamill.core.check_words import check_name_words
from datamill.core.code_words import METRIC_WORDS, VERDICT_WORDS
from datamill.production._left_out_words import LEFT_OUT_EN, LEFT_OUT_ZH_CN

__all__ = ["DELIVERY_NOTE", "NOTE_LANGUAGES", "render_delivery_note", "write_delivery_note"]

#: the note's file name in the package
DELIVERY_NOTE = "DELIVERY-NOTE.md"
#: the languages a note is written in
NOTE_LANGUAGES = ("en", "zh-CN")

_EN: dict[str, str] = {
    "title": "# Delivery note: {project} / {batch}",
    "intro": "Delivered {day} (UTC). This note is part of the package: `manifest.json` lists "
             "every file with its sha256, and `datasheet.json` holds the same facts for "
             "machines.",
    "contents": "## What is in it",
    "project": "- Project: {project} ({modality}, language {language})",
    "items": "- Items: {items:,}",
    "volume": "- Volume: {volume} {unit}",
    "formats": "- Formats: {formats}",
    "files": "- Files: {files:,} (media, exports and this note, each in `manifest.json`)",
    "left_out": "- Left out by a format that cannot hold them: {what}",
    "id_map": "- Items renamed for the package: {renamed:,} (their ids in `{file}`)",
    "checks": "## Checks passed",
    "checks_intro": "Every delivered item passed the automatic checks:",
    "checks_head": "| check | items | mean | min | max |",
    "no_checks": "No automatic check ran on these items.",
    "inspection": "## Sampling inspection",
    "inspection_plan": "- Plan: ISO 2859-1, level {level}, AQL {aql}: {sample:,} of {lot:,} items "
                       "inspected, accepted with at most {accept} defects",
    "inspection_verdict": "- Verdict: {verdict}",
    "inspection_score": "- {name}: {value}",
    "no_inspection": "No sampling inspection is on record for this batch.",
    "rights": "## Licence and rights",
    "rights_custom": "Custom service: the delivered data belongs to the customer once accepted "
                     "and never enters a catalog dataset.",
    "rights_product": "Product development: owned by the company and licensed per catalog "
                      "licence.",
    "classification": "- Classification: {level}",
    "masked": "- Personal data masked before delivery: {strings:,} strings, {files:,} text "
              "files, {images:,} images, {media:,} media files",
    "redelivery": "- Re-delivered without {items:,} items whose subjects withdrew consent (their "
                  "data was erased); first delivered {first} (UTC). Delete those items from "
                  "every copy of the earlier package.",
    "acceptance": "## Acceptance",
    "acceptance_text": "Please check the package against `manifest.json` (`sha256sum`), then "
                       "report your acceptance (or what was wrong) to your project manager.",
    "empty_formats": "- No file for {formats}: none of the {items:,} items gives a row there "
                     "(why: the line above), so the package leaves the empty file out",
    "kind.tie": "tied choices", "kind.other_task": "items of another task type",
    "kind.nested_span": "spans inside or across another span (the outer one kept)",
    "speaker_ids": "- Speakers named as one person each: {merged:,} other spellings of an id "
                   "(another letter case) merged into the first seen; {prefixed:,} ids shared "
                   "by two vendors written `v<vendor id>_<id>` (the rule in `datasheet.json`)",
    "checks_intro_apart": "Every delivered item passed the automatic checks that judged it. "
                          "\"Not judged\" counts the items a check could not judge yet (a "
                          "speaker's first takes, before their usual speaking rate is known): "
                          "they did not pass that check, and \"items\" leaves them out:",
    "checks_head_apart": "| check | items | not judged | mean | min | max |",
    **LEFT_OUT_EN,
}

_ZH: dict[str, str] = {
    "title": "# 交付单：{project} / {batch}",
    "intro": "交付时间 {day}（UTC）。本交付单是交付包的一部分：`manifest.json` 列出每个文件及其 "
             "sha256，`datasheet.json` 以机器可读的形式记录相同的信息。",
    "contents": "## 交付内容",
    "project": "- 项目：{project}（{modality}，语言 {language}）",
    "items": "- 条目：{items:,} 条",
    "volume": "- 数据量：{volume} {unit}",
    "formats": "- 格式：{formats}",
    "files": "- 文件：{files:,} 个（媒体、导出文件和本交付单，均列于 `manifest.json`）",
    "left_out": "- 因格式无法容纳而未导出：{what}",
    "id_map": "- 交付包中重命名的条目：{renamed:,} 条（其编号见 `{file}`）",
    "checks": "## 已通过的检查",
    "checks_intro": "每条交付的条目均已通过自动检查：",
    "checks_head": "| 检查 | 条目 | 平均值 | 最小值 | 最大值 |",
    "no_checks": "这些条目未运行自动检查。",
    "inspection": "## 抽样检验",
    "inspection_plan": "- 方案：ISO 2859-1，检验水平 {level}，AQL {aql}：从 {lot:,} 条中抽检 "
                       "{sample:,} 条，不合格数不超过 {accept} 即判合格",
    "inspection_verdict": "- 结论：{verdict}",
    "inspection_score": "- {name}：{value}",
    "no_inspection": "本批次没有抽样检验记录。",
    "rights": "## 授权与权利",
    "rights_custom": "定制服务：交付的数据经验收后归客户所有，且永不进入标准化数据集产品。",
    "rights_product": "产品开发：数据归公司所有，按标准化数据集授权使用。",
    "classification": "- 密级：{level}",
    "masked": "- 交付前已脱敏的个人信息：{strings:,} 处文字、{files:,} 个文本文件、{images:,} 张"
              "图像、{media:,} 个媒体文件",
    "redelivery": "- 本交付包为重新交付：已剔除 {items:,} 条其数据主体撤回了同意的条目（其数据已删除）；"
                  "首次交付于 {first}（UTC）。请从早先交付包的所有副本中删除这些条目。",
    "acceptance": "## 验收",
    "acceptance_text": "请您对照 `manifest.json` 核对交付包（`sha256sum`），然后向项目经理报告"
                       "验收结果（或存在的问题）。",
    "unit.hours": "小时", "unit.images": "张图像", "unit.frames": "帧",
    "unit.dialogues": "段对话", "unit.kchars": "千字符", "unit.characters": "字符",
    # the classification levels (compliance.classification.LEVELS), as the web says them
    "level.public": "公开", "level.internal": "内部", "level.confidential": "机密",
    "level.secret": "绝密",
    "empty_formats": "- {formats} 无文件：{items:,} 条条目均无法写成该格式的行（原因见上一行），"
                     "交付包因此不含该空文件",
    "kind.tie": "平局选择", "kind.other_task": "其他任务类型的条目",
    "kind.nested_span": "嵌套于或交叉于另一实体的实体（保留外层实体）",
    "speaker_ids": "- 说话人按人命名：{merged:,} 个仅大小写不同的编号已并入首次出现的写法；"
                   "{prefixed:,} 个由两家供应商共用的编号写作 `v<供应商编号>_<编号>`"
                   "（规则见 `datasheet.json`）",
    "checks_intro_apart": "每条交付的条目均已通过评判了它的自动检查。“未评判”为检查尚无法评判的"
                          "条目数（发音人的头几条录音，其平常语速尚不知道）：这些条目并未通过该"
                          "检查，“条目”一栏也不计入它们：",
    "checks_head_apart": "| 检查 | 条目 | 未评判 | 平均值 | 最小值 | 最大值 |",
    **LEFT_OUT_ZH_CN,
}

_WORDS = {"en": _EN, "zh-CN": _ZH}


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return "–" if value is None else str(value)


def _checks(say: Mapping[str, str], checks: Mapping[str, Any], lang: str) -> list[str]:
    """The checks table; where a check stored items as not judged (a speaker's first takes)
    a "not judged" column counts them apart and the intro says they did not pass it."""
    if not checks:
        return [say["no_checks"]]
    apart = any(int(c.get("not_judged") or 0) for c in checks.values())
    lines = [say["checks_intro_apart" if apart else "checks_intro"], "",
             say["checks_head_apart" if apart else "checks_head"],
             "|---|---:|---:|---:|---:|" + ("---:|" if apart else "")]
    for name, c in sorted(checks.items()):
        lines.append(f"| {check_name_words(lang, name)} | {c.get('items', 0):,} | "
                     + (f"{int(c.get('not_judged') or 0):,} | " if apart else "")
                     + f"{_number(c.get('mean'))} | "
                     f"{_number(c.get('min'))} | {_number(c.get('max'))} |")
    return lines


def _inspection(say: Mapping[str, str], insp: Mapping[str, Any] | None,
                lang: str) -> list[str]:
    if not insp:
        return [say["no_inspection"]]
    plan = insp.get("plan") or {}
    lines = []
    if plan:
        lines.append(say["inspection_plan"].format(
            level=plan.get("level", ""), aql=_number(plan.get("aql")),
            sample=plan.get("sample_size", 0), lot=plan.get("lot_size", 0),
            accept=plan.get("accept", 0)))
    verdict = str(insp.get("verdict") or "")
    lines.append(say["inspection_verdict"].format(
        verdict=VERDICT_WORDS[lang].get(verdict, verdict)))
    for name, value in sorted((insp.get("scores") or {}).items()):
        if isinstance(value, int | float) and not isinstance(value, bool):
            lines.append(say["inspection_score"].format(
                name=METRIC_WORDS[lang].get(name, name), value=_number(value)))
    return lines


def left_out_words(left_out: Mapping[str, Mapping[str, int]], language: str | None,
                   formats: list[str] | None = None) -> str:
    """What each format left out (``{format: {code: count}}``, of ``formats`` or all), in
    ``language`` (en or zh-CN): ``llm_dpo: tied choices 3``, a code without words as it is."""
    say = _WORDS[language if language in _WORDS else "en"]
    return "; ".join(f"{fmt}: " + ", ".join(f"{say.get(f'kind.{k}', k)} {v:,}"
                                             for k, v in left_out.get(fmt, {}).items())
                     for fmt in (formats if formats is not None else list(left_out)))


def render_delivery_note(datasheet: Mapping[str, Any], files: int, language: str | None) -> str:
    """The note for a delivery whose datasheet is ``datasheet`` and whose manifest lists
    ``files`` files (the note among them), in ``language`` (en or zh-CN; anything else:
    English)."""
    lang = language if language in _WORDS else "en"
    say = _WORDS[lang]
    volume = datasheet.get("volume") or {}
    unit = str(volume.get("unit", ""))
    lines = [
        say["title"].format(project=datasheet.get("project", ""),
                            batch=datasheet.get("batch", "")), "",
        say["intro"].format(day=str(datasheet.get("created_at", ""))[:10]), "",
        say["contents"], "",
        say["project"].format(project=datasheet.get("project", ""),
                              modality=datasheet.get("modality", ""),
                              language=datasheet.get("language", "")),
        say["items"].format(items=int(datasheet.get("items", 0))),
        say["volume"].format(volume=_number(volume.get("in_units")),
                             unit=say.get(f"unit.{unit}", unit)),
        say["formats"].format(formats=", ".join(datasheet.get("formats", []))),
        say["files"].format(files=files),
    ]
    if isinstance(redo := datasheet.get("redelivery"), dict):
        lines.append(say["redelivery"].format(items=int(redo.get("items_left_out", 0)),
                                              first=str(redo.get("first_delivered_at", ""))[:10]))
    left_out = datasheet.get("left_out") or {}
    if left_out:
        lines.append(say["left_out"].format(what=left_out_words(left_out, lang)))
    if empty := datasheet.get("empty_formats"):
        lines.append(say["empty_formats"].format(formats=", ".join(empty),
                                                 items=int(datasheet.get("items", 0))))
    if id_map := datasheet.get("id_map"):
        lines.append(say["id_map"].format(renamed=int(id_map.get("renamed", 0)),
                                          file=id_map.get("file", "")))
    spk = datasheet.get("speaker_ids")
    if isinstance(spk, dict) and (spk.get("merged_spellings") or spk.get("vendor_prefixed")):
        lines.append(say["speaker_ids"].format(merged=int(spk.get("merged_spellings") or 0),
                                               prefixed=int(spk.get("vendor_prefixed") or 0)))
    lines += ["", say["checks"], "", *_checks(say, datasheet.get("checks") or {}, lang), "",
              say["inspection"], "", *_inspection(say, datasheet.get("inspection"), lang), "",
              say["rights"], "",
              say["rights_custom" if datasheet.get("project_type") != "product_development"
                  else "rights_product"], ""]
    if datasheet.get("classification"):
        level = str(datasheet["classification"])
        lines.append(say["classification"].format(level=say.get(f"level.{level}", level)))
    if masked := datasheet.get("desensitization"):
        lines.append(say["masked"].format(
            strings=int(masked.get("strings_masked", 0)),
            files=int(masked.get("text_files_masked", 0)),
            images=int(masked.get("images_masked", 0)), media=int(masked.get("media_masked", 0))))
    lines += ["", say["acceptance"], "", say["acceptance_text"], ""]
    return "\n".join(lines)


def write_delivery_note(folder: Path, datasheet: Mapping[str, Any], files: int,
                        language: str | None) -> Path:
    """Write :func:`render_delivery_note` into ``folder``/``DELIVERY-NOTE.md`` (UTF-8)."""
    path = folder / DELIVERY_NOTE
    path.write_text(render_delivery_note(datasheet, files, language), encoding="utf-8")
    return path
