"""The CLI's words for people: what ``work``, ``qc``, ``collect`` and ``catalog`` print to an
annotator, a reviewer, an inspector, a listener, a collection manager or a catalog manager, in
``DATAMILL_LANG`` (en or zh-CN), as its refusals already are
(:func:`datamill.cli._common.handle_errors` words those from the refusal registry).

One catalogue per language, looked up by key (:func:`say`); a code a command shows (a status,
a verdict, a metric) is worded from :mod:`datamill.core.code_words`, the table the web pages
word it from too (:func:`code`). ``--json`` never goes through here: it keeps its keys and
English values. Chinese entries use full-width punctuation and no spaces between Chinese words
(a space stays beside a number, an id or a Latin word); ``tests/unit/cli/test_cli_language.py``
checks both catalogues have the same keys and values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datamill.cli._common import cli_language, counted
from datamill.cli._words_catalog import CATALOG_EN, CATALOG_ZH_CN
from datamill.cli._words_data import DATA_EN, DATA_ZH_CN
from datamill.cli._words_erasure import ERASURE_EN, ERASURE_ZH_CN
from datamill.cli._words_lang_h2 import LANG_H2_EN, LANG_H2_ZH_CN
from datamill.cli._words_ledger import LEDGER_EN, LEDGER_ZH_CN
from datamill.cli._words_units_h9 import UNITS_H9_EN, UNITS_H9_ZH_CN
from datamill.cli._words_user import USER_EN, USER_ZH_CN
from datamill.cli._words_workforce import WORKFORCE_EN, WORKFORCE_ZH_CN
from datamill.core.code_words import (
    INSPECTION_REASON_WORDS,
    ITEM_STATUS_WORDS,
    METRIC_WORDS,
    STATUS_WORDS,
    VERDICT_WORDS,
    inspection_reason_key,
    parse_inspection_reason,
)

__all__ = ["CLI_WORDS", "EN_CLI", "ZH_CN_CLI", "code", "count_items", "inspection_reason",
           "return_reason", "say", "say_count", "summary_line", "view_words"]

EN_CLI: dict[str, str] = {
    # every command's one line on failure (its message worded by the refusal registry)
    "cli.error": "error",
    "cli.error_tail": " ({code}): {message}",
    # work next (an annotator's or a reviewer's next task)
    "work.task": "task {task} ({stage}) item {item}{about}, version {version}",
    "work.about": " ({about})",
    "work.assist_unmatched": "no point class is named like the box labels {labels}: the points "
                             "in those boxes ({boxes}) stay unlabelled",
    "work.about_sep": ", ",
    "work.returned": "returned: ",
    "work.prompt": "prompt: {prompt}",
    "work.current": "current ({kind}{model}):",
    "work.current_inline": "current ({kind}{model}): {shown}",
    "work.model": ", {model}",
    "work.next": "next: ",
    "work.nothing_left": "no task left for you at this stage",
    "work.submitted": "saved version {version} of item {item}",
    "work.skipped": "skipped task {task}: {reason}",
    "work.reviewed": "{verdict}: item {item} is now {status}",
    # the stages and the kinds of annotation a task shows
    "stage.annotate": "annotate", "stage.review": "review", "stage.listen": "listen",
    "stage.collect": "collect", "stage.collection": "collection",
    "stage.annotation": "annotation",
    "kind.annotation": "annotation", "kind.check": "check", "kind.review_edit": "review_edit",
    "kind.preannotation": "preannotation", "kind.aggregate": "aggregate",
    # qc inspect / complete / correct / confirm (an inspector)
    "qc.plan": "inspection {inspection} of batch {batch}: lot {lot}, level {level}, AQL {aql} "
               "→ code {letter}, sample {sample}, Ac {accept} Re {reject}",
    "qc.score": "{name} {value}",
    "qc.not_measured": "{name} not measured",
    "qc.score_sep": ", ",
    "qc.verdict_tail": ": {scores} (sample of {sample})",
    "qc.sample_item": "item {item} ({external}):",
    "qc.col.item": "item", "qc.col.external": "external id", "qc.col.delivered": "delivered",
    "qc.col.inspector": "inspector",
    "qc.delivered": "delivered:",
    "qc.delivered_text": "delivered: {text}",
    "qc.inspector": "inspector:",
    "qc.delivered_json": "delivered as JSON: {text}",
    # one line per sampled answer where the modality summarises it (a point-cloud frame)
    "qc.summary.cuboids": "{count} cuboids ({labels})",
    "qc.summary.objects": "{count} objects ({labels})",
    "qc.summary.kinds": "by kind: {kinds}",
    "qc.summary.scene": "scene: {classes}",
    "qc.summary.points": "points per class: {counts}",
    "qc.summary.unlabelled": "unlabelled",
    "qc.summary.list_sep": ", ",
    "qc.summary.sep": "; ",
    "qc.summary.whole": "the whole documents (the form 'qc correct' takes): datamill qc inspect "
                        "{batch} --as {user} --json",
    "qc.corrected": "recorded the inspector's correction of item {item}",
    "qc.confirmed": "confirmed item {item} as delivered (no change)",
    # qc evaluate / evaluations (application-effect verification)
    "qc.effect_progress": "evaluating",
    "qc.effect": "effect evaluation {id} of batch {batch}: {method}",
    "qc.effect_measure": "{name} {value} over {scored} items (a sample of {sample} of the "
                         "batch's {items}, seed {seed})",
    "qc.effect_baseline": "baseline ({name}): {metric} {value}",
    "qc.effect_curve": "learning curve (share of training data → {metric}): {points}",
    "qc.effect_groups": "by {kind}",
    "qc.effect_unreadable": "left out, their file could not be read: {items}",
    "qc.baseline.most_frequent_class": "always the most frequent class",
    "qc.baseline.longer_response_wins": "the longer response always wins",
    "qc.effect_position": "the response shown first was chosen in {share}% of {pairs} pairwise "
                          "choices (about 50% when the order is shuffled)",
    "qc.effect_second_look": "second look (worst first)",
    "qc.effect_none_second": "no item stands out for a second look",
    "qc.col.group": "group", "qc.col.items": "items", "qc.col.value": "value",
    "qc.col.detail": "detail",
    "qc.effect_read": "reference: {reference} | model: {model}",
    "qc.effect_label": "labelled {label}, the model says {model}",
    "qc.effect_row": "{id}  {at}  {method}  {name} {value}  ({scored} items)",
    "qc.effect_no_rows": "batch {batch} has no effect evaluation yet",
    "group.speaker": "speaker", "group.gender": "gender", "group.age_band": "age band",
    "group.accent": "accent", "group.class": "class", "group.chosen_model": "model of the chosen response",
    "group.label": "label",
    # qc listen-next / listen (a listener)
    "listen.task": "listen task {task}: item {item} ({seconds} s)",
    "listen.prompt": "prompt: {prompt}",
    "listen.doubtful": "doubtful words: {words}",
    "listen.word_sep": ", ",
    "listen.nothing_left": "no clip is waiting for a listener",
    "listen.answered": ": item {item}",
    # collect (a collection project's manager)
    "collect.col.cell": "cell", "collect.col.target": "target",
    "collect.col.accepted": "accepted", "collect.col.in_progress": "in progress",
    "collect.col.fill": "fill", "collect.col.state": "state",
    "collect.full": "full", "collect.open": "open",
    "collect.sep": ", ",
    "collect.no_quotas": "this project's spec has no collection section (no quotas)",
    "collect.prompts_added": "{added} prompts added, {skipped} already listed; {total} in all",
    "collect.consent_saved": "consent text version {version} saved",
    "collect.invited": "invitation {id} for {subject}, until {until} UTC: {path}",
    "collect.invite_revoked": "invitation {id} revoked",
    "collect.invite_row": "{id}  {subject}  {state}  until {until}",
    "collect.reset": "demographics of {subject} cleared (were {previous}); they answer again "
                     "on their page",
    "collect.none": "none",
    "collect.consent": "consent v{version}",
    "collect.no_consent": "no consent",
    "collect.withdrawn": "consent WITHDRAWN {date} (counts toward no quota cell)",
    "collect.subject_row": "{subject}  {consent}  {recordings} recordings{retired}, {rerecords} to "
                           "re-record",
    "collect.retired_takes": " ({current} current, {retired} retired)",
    "collect.take": "take {attempt} (item {item})",
    "collect.rerecorded": "  prompt {position}: take {attempt} (item {item}) is current; retired: {earlier}",
    "collect.rerecord": "re-record request {id} for item {item}",
    "unit.speakers": "speakers", "unit.hours": "hours", "unit.utterances": "utterances",
    "invite_state.active": "active", "invite_state.revoked": "revoked",
    "invite_state.expired": "expired",
    # a task's item summary (the modality's ``summary`` keys) and why it came back
    **{f"summary.{k}": k for k in (
        "points", "format", "sensor", "scene", "sequence", "frame", "width", "height", "turns",
        "responses", "characters", "duration_ms", "sample_rate_hz", "speaker_id", "gender",
        "chars", "preview", "session_id", "speech_level_dbfs")},
    "ret.review": "review: {reason}",
    "ret.note_sep": ": ",
    "ret.batch_rejected": "{batch} rejected: {reasons}",
    "ret.reason_sep": "; ",
    "ret.defective": ". The inspector found this item defective; their version: {shown}",
    "ret.defective_see": ". The inspector found this item defective (their version is in "
                         "inspection {inspection})",
    "ret.delivery_rejected": "delivery {delivery} ({batch}) rejected by the customer: {reason}",
    "ret.customer_refused": "refused by the customer in the acceptance of delivery {delivery}",
    # counts and volume units (qc batch, delivery)
    "count.items": "{n} items",
    "unit.images": "images", "unit.characters": "characters",
    "unit.dialogues": "dialogues", "unit.frames": "frames", "unit.kchars": "kchars",
    "qc.batch": "batch {id} ({name}) with {items}",
    # delivery create / accept / reject
    "delivery.created": "delivery {id}: {items}, {volume} {unit} → {path}",
    "delivery.accepted": "delivery {id} accepted: {items}, {volume} {unit}{refused}",
    "delivery.refused": "\n  refused, back to rework: {names}{more}",
    "delivery.refused_more": " and {more} more",
    "delivery.name_sep": ", ",
    "delivery.rejected": "delivery {id} rejected: {items} back to rework",
    "delivery.row": "{id:>4} batch {batch} · {status} · {items}, {volume} {unit}{took}{where}",
    "delivery.row_took": " · accepted {items}, {volume} {unit}",
    "delivery.none": "no deliveries",
    "delivery.shown": "delivery {id} (batch {batch}) {status}: {items}, {volume} {unit}{where}"
                      "{refused}",
    "delivery.note": "\n  customer's note: {note}",
    "delivery.downloaded": "delivery {id}: {files} file(s) written to {out} and checked against "
                           "manifest.json{decrypted}",
    "delivery.decrypted": " (decrypted)",
    "qc.effect_pass": "verdict: pass ({rule})",
    "qc.effect_fail": "verdict: fail ({rule}; {why})",
    "qc.effect_no_threshold": "verdict: no threshold set when it ran",
    "qc.effect_rule_higher": "threshold: {metric} at least {threshold}",
    "qc.effect_rule_lower": "threshold: {metric} at most {threshold}",
    "qc.effect_rule_sample": ", on at least {least} items",
    "qc.effect_why_measure": "it is {value}",
    "qc.effect_why_sample": "{scored} items scored",
    "qc.effect_why_no_measure": "the run has no measure",
    "qc.effect_status.pass": "pass", "qc.effect_status.fail": "fail",
    "qc.effect_status.no_threshold": "no threshold",
    "delivery.effect": "  application effect: {metric} {value} over {scored} items of the "
                       "batch's {items} (seed {seed}){runs}, {method}",
    "delivery.effect_verdict": "; {verdict}",
    "delivery.effect_runs": "; the largest of {runs} runs (their range {range})",
    "delivery.nothing_to_relocate": "nothing to relocate: no file in {path} holds an absolute path (image, point-cloud and text packages name their media files relatively); it can be used where it lies",
    "qc.summary.document": "JSON, {chars} characters: {head}…",
    "qc.summary.whole_done": "the whole documents (shortened here): --json prints them, "
                             "later too: datamill qc show {inspection} --as {user} --json; so "
                             "do GET /api/v1/inspections/{inspection} and the web page "
                             "/inspections/{inspection}",
    "project.basics_customer": "its deliveries: datamill delivery list {project} --as {user}",
    "project.basics_worker": "your tasks: datamill work next {project} --as {user}{stage} (its "
                             "items, progress and people are for its project managers)",
    "project.none_member": "no projects: {user} is a member of none; a project manager adds "
                           "them with datamill project add-member PROJECT {user} --as MANAGER",
    "collect.fill_parts": "{fill} ({parts})",
    "collect.fill_part": "{unit} {share}",
    "security.texts_skipped": "{n} item(s) skipped: {why}",
    "security.skipped.no_text_yet": "no text to mask yet (no prompt, own text or annotation: an LLM record or a recording gets one when pre-annotated or annotated); run desensitize again after pre-annotation",
    "view.role.system": "system: {text}", "view.role.user": "user: {text}",
    "view.role.assistant": "assistant: {text}", "view.response": "response {id}: {text}",
    "view.answer": "answer: {text}", "view.text": "text: {text}",
    "view.span": "span: {text} [{start}, {end}) {label}", "view.classes": "classes: {text}",
    "view.sentiment": "sentiment: {text}",
    "qc.seg.item": "item {item}: {count} segments, {disagree} disagree (*: the correction "
                   "differs, or the annotator flagged it)",
    "qc.seg.none": "no sampled item of this inspection has segments",
    # an LLM task's answer form under the dialogue (work next): rubric criteria and the JSON
    "view.criterion": "criterion {name}{label}: {scale}{about}",
    "view.likert": "score {low}–{high}", "view.pass_fail": "true (pass) or false (fail)",
    "view.form": "write: {text}",
    "view.relation": "relation: {head} → {tail} {label}",
    # a catalog entry of a modality this installation has no plugin for counts items (h7)
    "unit.items": "items",
    # a speech delivery's speakers in delivery show (cli._datasheet; English before, h7)
    "ds.speakers": "  speakers: {n} identified{without}{per}",
    "ds.per_speaker": "; minutes per speaker: min {min}, mean {mean}, max {max}",
    "ds.without": "; {items} without a speaker",
    "ds.split": "  {name} (speakers): {shares}",
    "ds.split.gender": "gender", "ds.split.age_bands": "age band", "ds.split.accent": "accent",
    "ds.col.speaker": "speaker", "ds.col.gender": "gender", "ds.col.age_band": "age band",
    "ds.col.accent": "accent", "ds.col.utterances": "utterances", "ds.col.minutes": "minutes",
    "ds.title": "Speakers",
    "ds.more": "  and {n} more speakers (--json, or the package's datasheet.json, lists them "
               "all)",
    "ds.scoring": "  scoring conventions:",
    "delivery.personal_data_released": "\n  note: {items} with personal data the checks found left unmasked, released by the data-security office ({by}: {reason})",
    "security.personal_data_released": "batch {batch} may be delivered with its personal data unmasked (released by {by}; audited)",
    "security.subject_erased": "subject {subject}: {deleted} stored file(s) deleted with certificates, {kept} kept (shared or under hold)",
    # a quota target's amount (a count of one: the ".one" sentence)
    "collect.amount.speakers": "{n} speakers", "collect.amount.speakers.one": "{n} speaker",
    "collect.amount.hours": "{n} hours", "collect.amount.hours.one": "{n} hour",
    "collect.amount.items": "{n} items", "collect.amount.items.one": "{n} item",
    "corpus.chosen": "{n} prompts chosen", "corpus.chosen.one": "{n} prompt chosen",
    "corpus.from": " from {n} sentences ({eligible} eligible; stopped: {stopped})",
    "corpus.from.one": " from {n} sentence ({eligible} eligible; stopped: {stopped})",
    "corpus.rejected": "  rejected {code}: {n}",
    "corpus.inventory": ", {covered}/{inventory} of the target inventory",
    "corpus.coverage": "  {kind}: {covered}/{available} available units covered{inv} (a random set of the same size: {random})",
    "corpus.readability": "  mean readability: chosen {chosen}, pool {pool}",
    # data import: the rows the import refused, each with its reason
    "import.report": "Import report", "import.rejected": "rejected", "import.reason": "reason",
    "import.file": "file", "import.not_imported": "Not imported: {files} of the {whole}",
    "import.folder": "folder", "import.archive": "archive",
    "import.files": "{n} files", "import.files.one": "{n} file",
    "import.rows": "{n} rows", "import.rows.one": "{n} row",
    "import.summary": "{rows}: {imported} imported, {present} already present, {rejected} "
                      "rejected (import {run})",
    "import.vendor": "delivered by vendor {vendor}: its settlement sheets pay the accepted "
                     "volume (collect stage)",
    "import.replaced": "{n} of them replace the files of items the checks had rejected "
                       "(re-collected; checked again by \"datamill data check\")",
    "import.labelled": "{n} new items start from their {format} labels",
    "sheet.more": " (and {n} more)",
    "security.redelivered": "; delivery {deliveries} re-delivered without them (the customer is told in its inbox to delete its copies)",
    "ledger.cost_status": "cost {id}: {amount} ({status})",
    "ledger.cost_pending": "cost {id}: {amount} (pending_approval): over its budget line, it "
                           "is booked once the VP in charge, then the finance head sign it "
                           "(datamill ledger cost-approve {id} --as ...)",
    **CATALOG_EN,
    **DATA_EN,
    **ERASURE_EN,
    **LEDGER_EN,
    **UNITS_H9_EN,
    **LANG_H2_EN,
    **WORKFORCE_EN,
    **USER_EN,
}

ZH_CN_CLI: dict[str, str] = {
    "cli.error": "错误",
    "cli.error_tail": "（{code}）：{message}",
    "work.task": "任务 {task}（{stage}）条目 {item}{about}，版本 {version}",
    "work.about": "（{about}）",
    "work.assist_unmatched": "没有与框标签 {labels} 同名的点类别：这 {boxes} 个框内的点保持未标注",
    "work.about_sep": "，",
    "work.returned": "已退回：",
    "work.prompt": "提示文本：{prompt}",
    "work.current": "当前答案（{kind}{model}）：",
    "work.current_inline": "当前答案（{kind}{model}）：{shown}",
    "work.model": "，{model}",
    "work.next": "下一步：",
    "work.nothing_left": "此环节已没有可分给您的任务。",
    "work.submitted": "已保存条目 {item} 的第 {version} 版。",
    "work.skipped": "已跳过任务 {task}：{reason}",
    "work.reviewed": "{verdict}：条目 {item} 现为“{status}”。",
    "stage.annotate": "标注", "stage.review": "审核", "stage.listen": "听音",
    "stage.collect": "采集", "stage.collection": "采集", "stage.annotation": "标注",
    "kind.annotation": "标注", "kind.check": "检查", "kind.review_edit": "审核修改",
    "kind.preannotation": "预标注", "kind.aggregate": "聚合",
    "qc.plan": "批次 {batch} 的质检 {inspection}：批量 {lot}，检验水平 {level}，AQL {aql}"
               "→样本量字码 {letter}，样本量 {sample}，Ac {accept}，Re {reject}",
    "qc.score": "{name} {value}",
    "qc.not_measured": "{name}未测",
    "qc.score_sep": "，",
    "qc.verdict_tail": "：{scores}（样本量 {sample}）",
    "qc.sample_item": "条目 {item}（{external}）：",
    "qc.col.item": "条目", "qc.col.external": "外部编号", "qc.col.delivered": "交付内容",
    "qc.col.inspector": "质检员",
    "qc.delivered": "交付内容：",
    "qc.delivered_text": "交付内容：{text}",
    "qc.inspector": "质检员修正：",
    "qc.delivered_json": "交付内容（JSON）：{text}",
    "qc.summary.cuboids": "{count} 个立方体（{labels}）",
    "qc.summary.objects": "{count} 个对象（{labels}）",
    "qc.summary.kinds": "按类型：{kinds}",
    "qc.summary.scene": "场景：{classes}",
    "qc.summary.points": "各类点数：{counts}",
    "qc.summary.unlabelled": "未标注",
    "qc.summary.list_sep": "、",
    "qc.summary.sep": "；",
    "qc.summary.whole": "完整文档（qc correct 所用格式）：datamill qc inspect {batch} --as {user} --json",
    "qc.corrected": "已记录质检员对条目 {item} 的修正。",
    "qc.confirmed": "已确认条目 {item} 与交付内容一致（无修改）。",
    "qc.effect_progress": "正在验证",
    "qc.effect": "批次 {batch} 的数据应用效果验证 {id}：{method}",
    "qc.effect_measure": "{name} {value}，共 {scored} 条（从批次 {items} 条中抽样 {sample} 条，"
                         "随机种子 {seed}）",
    "qc.effect_baseline": "基线（{name}）：{metric} {value}",
    "qc.effect_curve": "学习曲线（训练数据占比 → {metric}）：{points}",
    "qc.effect_groups": "按{kind}",
    "qc.effect_unreadable": "以下条目的文件无法读取，未计入：{items}",
    "qc.baseline.most_frequent_class": "总是判为最常见的类别",
    "qc.baseline.longer_response_wins": "总是判较长的回答更好",
    "qc.effect_position": "在 {pairs} 次两两比较中，先展示的回答被选中的比例为 {share}%（顺序随机时约为 50%）",
    "qc.effect_second_look": "建议复查（最差的在前）",
    "qc.effect_none_second": "没有需要复查的条目。",
    "qc.col.group": "分组", "qc.col.items": "条数", "qc.col.value": "数值",
    "qc.col.detail": "说明",
    "qc.effect_read": "参考文本：{reference}｜模型识别：{model}",
    "qc.effect_label": "标注为 {label}，模型判为 {model}",
    "qc.effect_row": "{id}  {at}  {method}  {name} {value}（{scored} 条）",
    "qc.effect_no_rows": "批次 {batch} 尚无数据应用效果验证。",
    "group.speaker": "说话人", "group.gender": "性别", "group.age_band": "年龄段",
    "group.accent": "口音", "group.class": "类别", "group.chosen_model": "被选回答的模型",
    "group.label": "标签",
    "listen.task": "听音任务 {task}：条目 {item}（{seconds} 秒）",
    "listen.prompt": "提示文本：{prompt}",
    "listen.doubtful": "存疑词：{words}",
    "listen.word_sep": "、",
    "listen.nothing_left": "没有等待听音的音频。",
    "listen.answered": "：条目 {item}",
    "collect.col.cell": "配额单元", "collect.col.target": "目标",
    "collect.col.accepted": "已验收", "collect.col.in_progress": "进行中",
    "collect.col.fill": "完成度", "collect.col.state": "状态",
    "collect.full": "已满", "collect.open": "未满",
    "collect.sep": "，",
    "collect.no_quotas": "此项目的规格没有 collection 部分（没有配额）。",
    "collect.prompts_added": "已添加 {added} 条提示文本，{skipped} 条已在列表中；共 {total} 条。",
    "collect.consent_saved": "已保存知情同意书第 {version} 版。",
    "collect.invited": "已为被采集人 {subject} 创建邀请 {id}，有效期至 {until} UTC：{path}",
    "collect.invite_revoked": "已撤销邀请 {id}。",
    "collect.invite_row": "{id}  {subject}  {state}  有效期至 {until}",
    "collect.reset": "已清除被采集人 {subject} 的个人信息（原为 {previous}）；被采集人将在其页面上重新填写。",
    "collect.none": "无",
    "collect.consent": "知情同意第 {version} 版",
    "collect.no_consent": "未签知情同意",
    "collect.withdrawn": "已于 {date} 撤回同意（不计入任何配额单元）",
    "collect.subject_row": "{subject}  {consent}  录音 {recordings} 条{retired}，待重录 {rerecords} 条",
    "collect.retired_takes": "（当前 {current} 条，已替换 {retired} 条）",
    "collect.take": "第 {attempt} 次录音（条目 {item}）",
    "collect.rerecorded": "  提示 {position}：当前为第 {attempt} 次录音（条目 {item}）；已替换：{earlier}",
    "collect.rerecord": "已为条目 {item} 创建重录请求 {id}。",
    "unit.speakers": "人", "unit.hours": "小时", "unit.utterances": "条语音",
    "invite_state.active": "有效", "invite_state.revoked": "已撤销",
    "invite_state.expired": "已过期",
    "summary.points": "点数", "summary.format": "格式", "summary.sensor": "传感器",
    "summary.scene": "场景", "summary.sequence": "序列", "summary.frame": "帧",
    "summary.width": "宽", "summary.height": "高", "summary.turns": "轮次",
    "summary.responses": "回复数", "summary.characters": "字符数",
    "summary.duration_ms": "时长（毫秒）", "summary.sample_rate_hz": "采样率（Hz）",
    "summary.speaker_id": "说话人", "summary.gender": "性别", "summary.chars": "字符数",
    "summary.preview": "预览", "summary.session_id": "录音场次",
    "summary.speech_level_dbfs": "语音电平（dBFS）",
    "ret.review": "审核：{reason}",
    "ret.note_sep": "：",
    "ret.batch_rejected": "{batch} 未通过质检：{reasons}",
    "ret.reason_sep": "；",
    "ret.defective": "。质检员判定此条目不合格，其版本：{shown}",
    "ret.defective_see": "。质检员判定此条目不合格（其版本见质检 #{inspection}）",
    "ret.delivery_rejected": "交付 {delivery}（{batch}）被客户拒收：{reason}",
    "ret.customer_refused": "在交付 {delivery} 的验收中被客户拒收",
    "count.items": "{n} 个条目",
    "unit.images": "张", "unit.characters": "字符",
    "unit.dialogues": "段对话", "unit.frames": "帧", "unit.kchars": "千字符",
    "qc.batch": "批次 {id}（{name}），共 {items}",
    "delivery.created": "交付 {id}：{items}，{volume} {unit} → {path}",
    "delivery.accepted": "交付 {id} 已验收：{items}，{volume} {unit}{refused}",
    "delivery.refused": "\n  拒收并退回返工：{names}{more}",
    "delivery.refused_more": "，另有 {more} 条",
    "delivery.name_sep": "、",
    "delivery.rejected": "交付 {id} 已拒收：{items}退回返工",
    "delivery.row": "{id:>4} 批次 {batch} · {status} · {items}，{volume} {unit}{took}{where}",
    "delivery.row_took": " · 已验收 {items}，{volume} {unit}",
    "delivery.none": "尚无交付。",
    "delivery.shown": "交付 {id}（批次 {batch}）{status}：{items}，{volume} {unit}{where}{refused}",
    "delivery.note": "\n  客户备注：{note}",
    "delivery.downloaded": "交付 {id}：已写入 {files} 个文件到 {out}，并已按 manifest.json 校验"
                           "{decrypted}",
    "delivery.decrypted": "（已解密）",
    "qc.effect_pass": "结论：通过（{rule}）",
    "qc.effect_fail": "结论：未通过（{rule}；{why}）",
    "qc.effect_no_threshold": "结论：验证时未设验收标准",
    "qc.effect_rule_higher": "验收标准：{metric} 不低于 {threshold}",
    "qc.effect_rule_lower": "验收标准：{metric} 不高于 {threshold}",
    "qc.effect_rule_sample": "，至少评测 {least} 条",
    "qc.effect_why_measure": "实测为 {value}",
    "qc.effect_why_sample": "仅评测 {scored} 条",
    "qc.effect_why_no_measure": "本次验证没有指标值",
    "qc.effect_status.pass": "通过", "qc.effect_status.fail": "未通过",
    "qc.effect_status.no_threshold": "未设标准",
    "delivery.effect": "  数据应用效果验证：{metric} {value}，评测 {scored} 条（批次共 {items} 条，"
                       "随机种子 {seed}）{runs}，{method}",
    "delivery.effect_verdict": "；{verdict}",
    "delivery.effect_runs": "；取 {runs} 次验证中样本最大的一次（各次结果范围 {range}）",
    "delivery.nothing_to_relocate": "无需迁移：{path} 中的文件均未使用绝对路径（图像、点云和文本交付包以相对路径引用媒体文件），原样即可使用。",
    "qc.summary.document": "JSON，{chars} 个字符：{head}…",
    "qc.summary.whole_done": "完整文档（此处已缩略）：加 --json 可输出，之后也可用 "
                             "datamill qc show {inspection} --as {user} --json；也可通过 "
                             "GET /api/v1/inspections/{inspection} 或网页 /inspections/{inspection} "
                             "查看",
    "project.basics_customer": "交付记录：datamill delivery list {project} --as {user}",
    "project.basics_worker": "您的任务：datamill work next {project} --as {user}{stage}"
                             "（条目、进度和人员仅向项目经理显示）",
    "project.none_member": "没有项目：{user} 尚未加入任何项目；项目经理可这样将其加入："
                           "datamill project add-member 项目 {user} --as 项目经理",
    "collect.fill_parts": "{fill}（{parts}）",
    "collect.fill_part": "{unit}数 {share}",
    "security.texts_skipped": "跳过 {n} 个条目：{why}",
    "security.skipped.no_text_yet": "尚无可脱敏的文本（没有提示、自身文本或标注：LLM 记录或录音在预标注或标注后才有），请在预标注后再次运行 desensitize",
    "view.role.system": "系统：{text}", "view.role.user": "用户：{text}",
    "view.role.assistant": "助手：{text}", "view.response": "回复 {id}：{text}",
    "view.answer": "答案：{text}", "view.text": "文本：{text}",
    "view.span": "片段：{text} [{start}, {end}) {label}", "view.classes": "类别：{text}",
    "view.sentiment": "情感：{text}",
    "qc.seg.item": "条目 {item}：{count} 段，{disagree} 段不一致（*：更正与交付文本不同，或标注员标记了该段）",
    "qc.seg.none": "本次质检抽样的条目都没有分段",
    "view.criterion": "评分项 {name}{label}：{scale}{about}",
    "view.likert": "打分 {low}–{high}", "view.pass_fail": "true（通过）或 false（不通过）",
    "view.form": "请按此格式填写：{text}",
    "view.relation": "关系：{head} → {tail} {label}",
    # a catalog entry of a modality this installation has no plugin for counts items (h7)
    "unit.items": "个条目",
    # a speech delivery's speakers in delivery show (cli._datasheet; English before, h7)
    "ds.speakers": "  说话人：已识别 {n} 人{without}{per}",
    "ds.per_speaker": "；每位说话人的分钟数：最少 {min}，平均 {mean}，最多 {max}",
    "ds.without": "；{items}没有说话人",
    "ds.split": "  {name}（按说话人）：{shares}",
    "ds.split.gender": "性别", "ds.split.age_bands": "年龄段", "ds.split.accent": "口音",
    "ds.col.speaker": "说话人", "ds.col.gender": "性别", "ds.col.age_band": "年龄段",
    "ds.col.accent": "口音", "ds.col.utterances": "语句数", "ds.col.minutes": "分钟",
    "ds.title": "说话人",
    "ds.more": "  另有 {n} 位说话人（--json 或交付包的 datasheet.json 列出全部）",
    "ds.scoring": "  评分约定：",
    "delivery.personal_data_released": "\n  注意：{items} 含自动检查发现的个人信息，未脱敏交付，已由数据安全部门放行（{by}：{reason}）",
    "security.personal_data_released": "批次 {batch} 可不脱敏交付其个人信息（由 {by} 放行，已记入审计）",
    "security.subject_erased": "主体 {subject}：已删除 {deleted} 个存储文件并出具删除证明，保留 {kept} 个（与他处共用或处于保全中）",
    "collect.amount.speakers": "{n} 名说话人", "collect.amount.speakers.one": "{n} 名说话人",
    "collect.amount.hours": "{n} 小时", "collect.amount.hours.one": "{n} 小时",
    "collect.amount.items": "{n} 个条目", "collect.amount.items.one": "{n} 个条目",
    "corpus.chosen": "选出 {n} 句提示语", "corpus.chosen.one": "选出 {n} 句提示语",
    "corpus.from": "，候选 {n} 句（合格 {eligible} 句；停止原因：{stopped}）",
    "corpus.from.one": "，候选 {n} 句（合格 {eligible} 句；停止原因：{stopped}）",
    "corpus.rejected": "  剔除（{code}）：{n} 句",
    "corpus.inventory": "，目标清单 {inventory} 个中覆盖 {covered} 个",
    "corpus.coverage": "  {kind}：可用单元 {available} 个中覆盖 {covered} 个{inv}（同样大小的随机集合：{random}）",
    "corpus.readability": "  平均可读性：选中 {chosen}，候选池 {pool}",
    "import.report": "导入报告", "import.rejected": "被拒文件", "import.reason": "原因",
    "import.file": "文件", "import.not_imported": "未导入：{whole}中的 {files}",
    "import.folder": "文件夹", "import.archive": "压缩包",
    "import.files": "{n} 个文件", "import.files.one": "{n} 个文件",
    "import.rows": "{n} 行", "import.rows.one": "{n} 行",
    "import.summary": "共 {rows}：导入 {imported}，已存在 {present}，拒绝 {rejected}（导入批次 {run}）",
    "import.vendor": "由供应商 {vendor} 交付：其结算单按验收量付款（采集阶段）",
    "import.replaced": "其中 {n} 个替换了自动检查拒收条目的文件（已重新采集；请用 datamill data check 重新检查）",
    "import.labelled": "{n} 个新条目以其 {format} 标注为起点",
    "sheet.more": "（另有 {n} 项）",
    "security.redelivered": "；交付 {deliveries} 已剔除该主体后重新交付（客户已在收件箱中收到删除通知）",
    "ledger.cost_status": "成本 {id}：{amount}（{status}）",
    "ledger.cost_pending": "成本 {id}：{amount}（超预算，待审批）：须由分管副总裁、再由财务负责人"
                           "签批后入账（datamill ledger cost-approve {id} --as …）",
    **CATALOG_ZH_CN,
    **DATA_ZH_CN,
    **ERASURE_ZH_CN,
    **LEDGER_ZH_CN,
    **UNITS_H9_ZH_CN,
    **LANG_H2_ZH_CN,
    **WORKFORCE_ZH_CN,
    **USER_ZH_CN,
}

CLI_WORDS: dict[str, dict[str, str]] = {"en": EN_CLI, "zh-CN": ZH_CN_CLI}

_CODES: dict[str, dict[str, dict[str, str]]] = {
    "item_status": ITEM_STATUS_WORDS, "metric": METRIC_WORDS, "status": STATUS_WORDS,
    "verdict": VERDICT_WORDS,
}


def say(key: str, **values: Any) -> str:
    """The sentence ``key`` in the CLI's language, its ``{names}`` filled from ``values``."""
    return CLI_WORDS[cli_language()].get(key, EN_CLI[key]).format(**values)


def say_count(key: str, n: float, **values: Any) -> str:
    """:func:`say` of ``key`` with ``{n}`` (``%g``), its ``<key>.one`` for a count of one when
    the CLI's language has it ("1 speaker", "2 speakers")."""
    words = CLI_WORDS[cli_language()]
    one = f"{key}.one"
    text = words.get(one, words.get(key, EN_CLI[key])) if n == 1 and one in words \
        else words.get(key, EN_CLI[key])
    return text.format(n=f"{n:g}", **values)


def code(kind: str, value: str) -> str:
    """A code a command shows (``kind`` ``item_status``, ``metric``, ``status``, ``verdict``,
    ``stage``, ``kind``, ``unit``, ``invite_state``, ``licence_status``) in the CLI's
    language. English shows the code as the CLI always has (``accept``, ``in_review``; a
    metric with spaces for underscores), which scripts may look for; another language words
    it, and a code its table lacks is shown as it is, never hidden."""
    lang = cli_language()
    if lang == "en":
        return value.replace("_", " ") if kind == "metric" else value
    if kind in _CODES:
        return _CODES[kind][lang].get(value, value)
    return CLI_WORDS[lang].get(f"{kind}.{value}", value)


def inspection_reason(text: str) -> str:
    """A completed inspection's stored reason (English, as ``production.inspection`` writes
    it) in the CLI's language, as the pages word it; English and unknown shapes as stored."""
    lang = cli_language()
    parsed = parse_inspection_reason(text) if lang != "en" else None
    if parsed is None:
        return text
    reason, values = parsed
    if reason == "metric_below":
        values = {**values, "metric": code("metric", values["metric"])}
    return INSPECTION_REASON_WORDS[lang][inspection_reason_key(reason, values)].format(**values)


def count_items(n: int) -> str:
    """``5 items`` (English, as the CLI always printed it), ``5 条`` (zh-CN)."""
    return counted(n, "item") if cli_language() == "en" else say("count.items", n=n)


def view_words() -> dict[str, str]:
    """The labels of a modality's terminal view (``readable_task``'s ``words``: roles,
    responses, answers, spans) in the CLI's language."""
    table = CLI_WORDS[cli_language()]
    return {k.removeprefix("view."): table.get(k, v) for k, v in EN_CLI.items()
            if k.startswith("view.")}


def summary_line(summary: Mapping[str, Any]) -> str:
    """A task's item summary (the modality's ``summary``: ``points 4107, format bin``) with
    its keys in the CLI's language; the values as they are."""
    return say("work.about_sep").join(
        f"{code('summary', str(k))} {v}" for k, v in summary.items() if v is not None)


def _coded_inspection_reason(r: Mapping[str, Any]) -> str:
    lang = cli_language()
    if r["code"] == "metric_below":
        return INSPECTION_REASON_WORDS[lang]["metric_below"].format(
            metric=code("metric", str(r["metric"])), value=float(r["value"]),
            need=float(r["need"]))
    return INSPECTION_REASON_WORDS[lang][inspection_reason_key("defects_over", dict(r))].format(
        defects=r["defects"], sample=r["sample"], accept=r["accept"])


def _coded_return(text: str, kind: str, params: Mapping[str, Any]) -> str:
    if kind == "review_rejected":
        if params.get("reason_code"):  # the reason's label (in the reviewer's language), a note
            head = str(params.get("reason") or "").partition(": ")[0].strip()
            note = str(params.get("note") or "").strip()
            said = head + (say("ret.note_sep") + note if note else "")
        else:
            said = str(params.get("reason") or "")
        return say("ret.review", reason=said)
    if kind == "batch_rejected":
        out = say("ret.batch_rejected", batch=params["batch"], reasons=say("ret.reason_sep").join(
            _coded_inspection_reason(r) for r in params["reasons"]))
        if params.get("defective") and "shown" in params:
            out += say("ret.defective", shown=params["shown"])
        elif params.get("defective"):
            out += say("ret.defective_see", inspection=params["inspection_id"])
        return out
    if kind == "customer_rejected":
        return say("ret.delivery_rejected", delivery=params["delivery_id"],
                   batch=params["batch"], reason=params["reason"])
    if kind == "customer_refused":
        said = say("ret.customer_refused", delivery=params["delivery_id"])
        return said + (say("ret.note_sep") + str(params["note"]) if params.get("note") else "")
    return text


def return_reason(text: str, kind: object = None, params: object = None) -> str:
    """Why a task came back to its annotator (``return_reason`` with its ``return_code`` and
    ``return_params``) in the CLI's language, as the pages word it; English, and a return
    without values, as stored (a stored ``review: <reason>`` gets the stage's word)."""
    if cli_language() == "en":
        return text
    if isinstance(kind, str) and isinstance(params, Mapping):
        try:
            return _coded_return(text, kind, params)
        except (KeyError, IndexError, TypeError, ValueError):
            return text
    if text.startswith("review: "):
        head, _sep, note = text.removeprefix("review: ").partition(": ")
        return say("ret.review", reason=head + (say("ret.note_sep") + note if note else ""))
    return text
