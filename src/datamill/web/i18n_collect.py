"""English strings of the collection page (``/collect/<token>``) and the dashboard's quota
table, merged into ``i18n.EN`` (zh-CN in ``i18n_zh_collect``)."""

from __future__ import annotations

__all__ = ["EN_COLLECT", "JS_KEYS"]

EN_COLLECT: dict[str, str] = {
    "col.title": "Recording",
    "col.hello": "Subject",
    "col.progress": "recorded",
    "col.consent_h": "1. Consent",
    "col.consent_intro": "Please read the consent text. Type your full name to sign it; we store your name and the time, not your address.",
    "col.version": "Version",
    "col.signature": "Your full name",
    "col.agree": "I have read the text and agree",
    "col.sign": "Sign",
    "col.signed": "Signed",
    "col.demo_h": "2. About you",
    "col.demo_intro": "These answers decide which speaker group you record for.",
    "col.gender": "Gender",
    "col.gender.female": "female",
    "col.gender.male": "male",
    "col.gender.other": "other",
    "col.age": "Age",
    "col.accent": "Native region or accent",
    "col.device": "Microphone or device",
    "col.save": "Continue",
    "col.record_h": "3. Record the prompts",
    "col.record_intro": "Read each prompt aloud in a quiet room. Press Record, read, then press Stop; the recording is checked at once.",
    "col.record": "Record",
    "col.stop": "Stop",
    "col.level": "Input level",
    "col.uploading": "Uploading and checking…",
    "col.passed": "Passed the checks. Thank you!",
    "col.failed": "Did not pass the checks; please record it again:",
    "col.state.todo": "to record",
    "col.state.checking": "checking",
    "col.state.done": "done",
    "col.state.rerecord": "record again",
    "col.all_done": "All prompts are recorded. Thank you!",
    "col.closed": "Collection is closed for you:",
    "col.no_mic": "The microphone could not be opened:",
    "col.no_consent_text": "The project has no consent text yet; please come back later.",
    "col.error": "Something went wrong:",
    "col.prompt": "Prompt",
    "col.attempt": "attempt",
    # the project dashboard's quota table
    "col.quotas_h": "Speaker quotas",
    "col.cell": "Cell",
    "col.target": "Target",
    "col.accepted": "Accepted",
    "col.in_progress": "In progress",
    "col.fill": "Fill",
    "col.full": "full",
    "col.open": "open",
    "col.quotas_help": "Cells from the spec's collection section; a full cell takes no new speakers and imports from it are flagged. `datamill collect quotas` shows the same.",
}

#: the strings the page's script shows (handed to it as JSON)
JS_KEYS = tuple(k for k in EN_COLLECT if not k.startswith(("col.quotas", "col.cell", "col.target",
                                                           "col.fill")))
