"""English strings of the collection page (``/collect/<token>``) and the dashboard's quota
table, merged into ``i18n.EN`` (zh-CN in ``i18n_zh_collect``)."""

from __future__ import annotations

from datamill.collection._take_advice_words import TAKE_ADVICE_EN
from datamill.modalities.problem_words import COLLECT_CODES, REASON_WORDS

__all__ = ["EN_COLLECT", "EN_SUBJECTS", "JS_KEYS"]

EN_COLLECT: dict[str, str] = {
    "collect.title": "Recording",
    "collect.hello": "Subject",
    "collect.progress": "recorded",
    "collect.consent_h": "1. Consent",
    "collect.consent_intro": "Please read the consent text. Type your full name to sign it; we store your name and the time, not your address.",
    "collect.version": "Version",
    "collect.signature": "Your full name",
    "collect.agree": "I have read the text and agree",
    "collect.sign": "Sign",
    "collect.signed": "Signed",
    "collect.demo_h": "2. About you",
    "collect.demo_intro": "These answers decide which speaker group you record for. Check them before you continue: once sent they cannot be changed on this page (only the project manager can reset them).",
    "collect.gender": "Gender",
    "collect.gender.female": "female",
    "collect.gender.male": "male",
    "collect.gender.other": "other",
    "collect.age": "Age",
    "collect.accent": "Native region or accent",
    "collect.device": "Microphone or device",
    "collect.save": "Continue",
    "collect.none_of_these": "none of these",
    "collect.record_h": "3. Record the prompts",
    "collect.record_intro": "Read each prompt aloud in a quiet room. Press Record, read, then press Stop; the recording is checked at once.",
    "collect.record": "Record",
    "collect.stop": "Stop",
    "collect.level": "Input level",
    "collect.uploading": "Uploading and checking…",
    "collect.passed": "Passed the checks. Thank you!",
    "collect.failed": "Did not pass the checks; please record it again:",
    "collect.asked_again": "The project asks you to record it again:",
    "collect.signed_by": "{name} (version {version})",
    "collect.with_reasons": "{text} ({reasons})",
    "collect.state.todo": "to record",
    "collect.state.checking": "checking",
    "collect.state.done": "done",
    "collect.state.rerecord": "record again",
    "collect.take_current": "take {attempt} is the one kept; {retired} earlier take(s) replaced",
    "collect.all_done": "All prompts are recorded. Thank you!",
    "collect.closed": "Collection is closed for you:",
    "collect.no_mic": "The microphone could not be opened:",
    "collect.no_consent_text": "The project has no consent text yet; please come back later.",
    "collect.error": "Something went wrong:",
    "collect.prompt": "Prompt",
    "collect.attempt": "attempt",
    # errors the collection service names with a reason_code (the page shows these)
    # the refusals a speaker meets, and the staff's, worded once for every face
    # (datamill.modalities.problem_words.REASON_WORDS)
    **{f"collect.err.{c}": REASON_WORDS["en"][c] for c in COLLECT_CODES},
    "subj.err.demographics_recorded": REASON_WORDS["en"]["demographics_recorded"],
    "error.code.collect_link": "This recording link cannot be used",
    # what a subject should do about a failed check (pages in other languages than English;
    # English pages show the check's own sentence with its figures)
    **{f"collect.fix.{code}": words for code, words in TAKE_ADVICE_EN.items()},
    # the project dashboard's quota table
    "collect.quotas_h": "Speaker quotas",
    "collect.cell": "Cell",
    "collect.target": "Target",
    "collect.accepted": "Accepted",
    "collect.in_progress": "In progress",
    "collect.fill": "Fill",
    "collect.full": "full",
    "collect.open": "open",
    "collect.quotas_help": "Cells from the spec's collection section. Fill is the least-filled target's, each target's own below it; a cell is full when every target is met. A cell whose speaker target is met takes no new speakers, a full cell takes nothing more, and imports beyond it are flagged. The command datamill collect quotas shows the same.",
    # a quota target's amount ("{n} speakers", one: "{n} speaker") and its name as a label
    "collect.quotas_unit.speakers": "{n} speakers",
    "collect.quotas_unit.speakers.one": "{n} speaker",
    "collect.quotas_unit.hours": "{n} hours",
    "collect.quotas_unit.hours.one": "{n} hour",
    "collect.quotas_unit.items": "{n} items",
    "collect.quotas_unit.items.one": "{n} item",
    "collect.quotas_target.speakers": "speakers",
    "collect.quotas_target.hours": "hours",
    "collect.quotas_target.items": "items",
}

#: the collection staff's subjects page (``/projects/<id>/subjects``; not sent to a subject)
EN_SUBJECTS: dict[str, str] = {
    "subj.link": "Collection subjects",
    "subj.title": "Collection subjects",
    "subj.help": "Everyone invited to record for this project. A subject's answers about themselves are fixed once sent; reset them here when they were wrong (or a full quota cell refused the subject): the subject answers again on their page. Once the subject has recorded, the answers stay, as their items carry them.",
    "subj.none": "No subject has been invited yet.",
    "subj.col.subject": "Subject",
    "subj.col.demographics": "Answers about themselves",
    "subj.col.consent": "Consent",
    "subj.col.recordings": "Recordings",
    "subj.col.rerecords": "Open re-record requests",
    "subj.not_answered": "not answered yet",
    "subj.signed": "signed",
    "subj.not_signed": "not signed",
    "subj.withdrawn": "consent withdrawn on {date}: counts toward no quota cell",
    "subj.reset": "Reset answers…",
    "subj.recorded": "has recorded",
    "subj.confirm_h": "Reset the answers?",
    "subj.confirm_q": "Clear the answers of subject {subject}? They answer again on their page; the answers cleared are kept in the audit trail.",
    "subj.reset_confirm": "Reset the answers",
    "subj.cancel": "Cancel",
    "subj.done": "The answers of subject {subject} were reset: they answer again on their page.",
    "subj.failed": "Not reset",
    "subj.retired_takes": "{current} current, {retired} replaced by a re-recording",
    "subj.take_current": "prompt {position}: take {attempt} is current; replaced: {retired}",
    "subj.take": "take {attempt}",
}


#: the strings the page's script shows (handed to it as JSON)
JS_KEYS = tuple(k for k in EN_COLLECT if not k.startswith(
    ("collect.quotas", "collect.cell", "collect.target", "collect.fill")))
