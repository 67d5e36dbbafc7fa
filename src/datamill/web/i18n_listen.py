"""English strings of the listener's page (prompt check), merged into ``i18n.EN``."""

from __future__ import annotations

__all__ = ["EN_LISTEN"]

EN_LISTEN: dict[str, str] = {
    "listen.title": "Listen",
    "listen.help": "Play the clip and read the prompt: does the speaker read exactly this prompt?",
    "listen.prompt": "Prompt",
    "listen.doubtful": "Words the check doubted",
    "listen.note": "Note (optional)",
    "listen.reads": "Reads the prompt",
    "listen.not": "Does not read the prompt",
    "listen.next": "Listen to the next clip",
    "listen.none": "No clip is waiting for a listener.",
    "listen.ok.passed": "Thank you: the clip goes on to annotation.",
    "listen.ok.rejected": "Thank you: the clip is set aside.",
}
