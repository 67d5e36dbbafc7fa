"""English strings of the collection page (``/collect/<token>``) and the dashboard's quota
table, merged into ``i18n.EN`` (zh-CN in ``i18n_zh_collect``)."""

from __future__ import annotations

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
    "collect.fix.decodable": "The recording could not be read; please record it again.",
    "collect.fix.format": "The recording is not in the format the project needs; reload the page and record again.",
    "collect.fix.duration": "The recording is too short or too long; read the whole prompt once.",
    "collect.fix.clipping": "Too loud (distorted): move away from the microphone or speak more softly.",
    "collect.fix.level": "Too quiet: move closer to the microphone or speak louder.",
    "collect.fix.snr": "Too much background noise: record in a quieter place.",
    "collect.fix.hum": "A mains hum is audible: check the microphone cable or use another device.",
    "collect.fix.leading_silence": "Wait about half a second after pressing Record before you start reading, and do not wait too long.",
    "collect.fix.trailing_silence": "Wait about half a second after reading before you press Stop, and do not wait too long.",
    "collect.fix.dc_offset": "The microphone gives a distorted signal: try another microphone.",
    "collect.fix.audio_text_consistency": "The recording does not seem to read the prompt: read exactly the text shown, once.",
    "collect.fix.check_failed": "The check of your recording failed on our side (not your recording's fault); please record it again.",
    "collect.fix.quota": "Your speaker group is full: no more recordings are needed from it.",
    "collect.fix.readable": "The recording could not be read; please record it again.",
    "collect.fix.noise_floor": "The room is not quiet enough in the pauses: record in a quieter room, away from fans and traffic.",
    "collect.fix.reverberation": "The room echoes: record in a room with curtains or carpet, or closer to the microphone.",
    "collect.fix.session_level": "This take is much louder or quieter than your others: keep the same distance from the microphone and the same loudness.",
    "collect.fix.prompt_pronounceable": "This prompt is written in a way that cannot be checked (a number or a foreign word); the project will correct it, so record the other prompts first.",
    "collect.fix.dropouts": "Parts of the recording are missing (the sound cut out): close other programs, check the microphone connection, and record again.",
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
    "collect.fix.speaker_rate": "This take is much faster than your other takes, so it seems to stop before the end of the prompt: read the whole text shown, at your usual pace.",
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
    "collect.fix.prompt_coverage": "The take seems to stop before the end of the prompt: read the whole text shown, to its last word, and press Stop only after it.",
    "collect.fix.phase": "The two channels cancel each other (one is wired with its polarity flipped): check the microphone cable or the interface's phase switch, or record one channel, and record again.",
    "collect.fix.prompt_overspoken": "The take says more than the prompt: read exactly the text shown, once, and nothing before or after it.",
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
