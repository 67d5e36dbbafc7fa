"""English strings of the collection page (``/collect/<token>``) and the dashboard's quota
table, merged into ``i18n.EN`` (zh-CN in ``i18n_zh_collect``)."""

from __future__ import annotations

__all__ = ["EN_COLLECT", "JS_KEYS"]

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
    "collect.demo_intro": "These answers decide which speaker group you record for.",
    "collect.gender": "Gender",
    "collect.gender.female": "female",
    "collect.gender.male": "male",
    "collect.gender.other": "other",
    "collect.age": "Age",
    "collect.accent": "Native region or accent",
    "collect.device": "Microphone or device",
    "collect.save": "Continue",
    "collect.record_h": "3. Record the prompts",
    "collect.record_intro": "Read each prompt aloud in a quiet room. Press Record, read, then press Stop; the recording is checked at once.",
    "collect.record": "Record",
    "collect.stop": "Stop",
    "collect.level": "Input level",
    "collect.uploading": "Uploading and checking…",
    "collect.passed": "Passed the checks. Thank you!",
    "collect.failed": "Did not pass the checks; please record it again:",
    "collect.state.todo": "to record",
    "collect.state.checking": "checking",
    "collect.state.done": "done",
    "collect.state.rerecord": "record again",
    "collect.all_done": "All prompts are recorded. Thank you!",
    "collect.closed": "Collection is closed for you:",
    "collect.no_mic": "The microphone could not be opened:",
    "collect.no_consent_text": "The project has no consent text yet; please come back later.",
    "collect.error": "Something went wrong:",
    "collect.prompt": "Prompt",
    "collect.attempt": "attempt",
    # the project dashboard's quota table
    "collect.quotas_h": "Speaker quotas",
    "collect.cell": "Cell",
    "collect.target": "Target",
    "collect.accepted": "Accepted",
    "collect.in_progress": "In progress",
    "collect.fill": "Fill",
    "collect.full": "full",
    "collect.open": "open",
    "collect.quotas_help": "Cells from the spec's collection section; a full cell takes no new speakers and imports from it are flagged. `datamill collect quotas` shows the same.",
}

#: the strings the page's script shows (handed to it as JSON)
JS_KEYS = tuple(k for k in EN_COLLECT if not k.startswith(
    ("collect.quotas", "collect.cell", "collect.target", "collect.fill")))
