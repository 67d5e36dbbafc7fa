"""English strings of the speech workbench's speaker list, typed times, undo/redo, skip,
"cannot transcribe" flags, comment to the reviewer, spectrogram and gain, and of the review
page's waveform block; merged into ``i18n.EN``."""

from __future__ import annotations

__all__ = ["EN_SPEECH"]

EN_SPEECH: dict[str, str] = {
    "sp.speaker_none": "(none)",
    "sp.speaker_keys": "Speakers (Alt+Shift+digit sets the segment's speaker)",
    "sp.start": "Start",
    "sp.end": "End",
    "sp.time_hint": "seconds (1.250), m:ss.mmm (1:02.500) or milliseconds (1250ms)",
    "sp.err.format": "Type seconds like 1.250, m:ss.mmm like 1:02.500 or milliseconds like 1250ms.",
    "sp.err.order": "The end must come after the start.",
    "sp.err.bounds": "The time lies outside the audio (0 to {dur}).",
    "sp.err.overlap": "The segment would overlap its neighbour.",
    "sp.list_sep": "; ",
    "sp.comma": ", ",
    "rv.reason.recording": "Recording problem (the speaker records it again)",
    # the server's segment problems (web.segment_text fills them from its sentences)
    "sp.problem.required": "A transcript is required: type what is said, or a noise symbol.",
    "sp.problem.outside": "Segment {n} ({start}–{end} ms) lies outside the audio (0–{duration} ms).",
    "sp.problem.order": "Segment {n} ({start}–{end} ms) ends before it starts.",
    "sp.problem.speaker_long": "Segment {n}: the speaker has {chars} characters; a speaker id has at most {most}.",
    "sp.problem.speaker_chars": "Segment {n}: speaker {speaker} holds a space, a control character or a slash, which no delivery format can name; write it as {spelling}.",
    "sp.problem.flag": "Segment {n}: unknown flag {flag}; allowed: {allowed}.",
    "sp.problem.noise": "Segment {n}: unknown noise symbols {symbols}; allowed: {allowed}.",
    "sp.problem.unclosed": "Segment {n}: a bracket is not closed ({fragment}); type a noise symbol whole, like {example}.",
    "sp.problem.overlap": "Segments {n} and {m} overlap ({start} < {end} ms).",
    "sp.problem.speaker": "Segment {n}: speaker {speaker} is not on the project's list ({allowed}).",
    "sp.undo": "Undo",
    "sp.redo": "Redo",
    "sp.skip": "Skip…",
    "sp.skip_reason": "Why do you skip this item? (it goes to someone else)",
    "sp.skip_confirm": "Skip the item",
    "sp.skip_cancel": "Cancel",
    "sp.skip_needs_reason": "Say why you skip the item.",
    "sp.flag": "Cannot transcribe",
    "sp.flag.none": "(transcribed)",
    "sp.flag.unintelligible": "unintelligible",
    "sp.flag.noise_only": "noise only",
    "sp.flag.other_language": "other language",
    "sp.flag.other": "other",
    "sp.item_flag": "The whole item cannot be transcribed",
    "sp.comment": "Comment to the reviewer",
    "sp.spectrogram": "Spectrogram",
    "sp.gain": "Gain",
    "sp.rv.segments": "Segments",
    "sp.rv.play": "Play",
    "sp.rv.comment": "The annotator's comment",
    "sp.rv.item_flag": "The annotator flagged the whole item",
    "sp.help.undo": "Undo the last split, merge, delete, time or text edit",
    "sp.help.redo": "Redo",
    "sp.help.speaker": "Set the segment's speaker (the project's list)",
    # the inspection page: the spec's text_normalization, what scoring counts as the same
    "in.conventions": "Compared as",
    "in.conv.script.simplified": "simplified characters (後 = 后)",
    "in.conv.script.traditional": "traditional characters (后 = 後)",
    "in.conv.numerals.hanzi": "numbers in Chinese numerals (2026年 = 二〇二六年, 3.5 = 三点五; "
                              "两 counts as 二 where it is a number: 两百 = 200; a number read "
                              "digit by digit equals its digits: 一三八 = 138; only 4 digits "
                              "before 年 are a year: 30年 = 三十年; a numeral inside a word "
                              "stays: 一起 ≠ 1起, 星期一 ≠ 星期1; 50% ≠ 50, -5 ≠ 5)",
    "in.conv.numerals.arabic": "numbers in digits (二〇二六年 = 2026年, 三点五 = 3.5; "
                               "两 counts as 二 where it is a number: 两百 = 200; a number read "
                               "digit by digit equals its digits: 一三八 = 138; only 4 digits "
                               "before 年 are a year: 三十年 = 30年; a numeral inside a word "
                               "stays: 一起 ≠ 1起, 星期一 ≠ 星期1; 50% ≠ 50, -5 ≠ 5)",
    # the inspection page: a recording's segments, stepped through one by one
    "in.seg.title": "Segments ({n})",
    "in.seg.prev": "Previous segment",
    "in.seg.next": "Next segment",
    "in.seg.prev_diff": "Previous disagreement",
    "in.seg.next_diff": "Next disagreement",
    "in.seg.play": "Play",
    "in.seg.keys": "Alt+↓ / Alt+↑: next / previous segment · Alt+Shift+↓ / Alt+Shift+↑: next / "
                   "previous disagreement (your correction differs, or the annotator flagged "
                   "the segment) · Alt+P: play the segment",
    "in.seg.none": "No further disagreement",
    "in.seg.count": "Disagreements: {n}",
}
