"""English strings for automatic-check and inspection outcomes shown on the pages, merged into
``i18n.EN``. ``check.name.<name>`` names a check; ``check.fail.<name>`` is the sentence for a
failed check, a ``str.format`` template over ``{value}`` (the stored measured value); see
:mod:`datamill.web.check_text`. English pages keep the services' stored sentences; these are the
fallback for a catalogue without its own entry."""

from __future__ import annotations

from datamill.core.check_words import CHECK_NAME_WORDS
from datamill.core.code_words import INSPECTION_REASON_WORDS
from datamill.modalities._reason_words_records import RECORD_REFUSALS_EN
from datamill.modalities._reason_words_signal import SIGNAL_CHECK_FAIL_EN

__all__ = ["EN_CHECKS"]

EN_CHECKS: dict[str, str] = {
    "check.failed": "{check} check failed",
    # tooltips on pages not in English: the stored English sentence, named as such
    "check.tip": "{check} check; stored text: {stored}",
    "insp.tip": "stored text: {stored}",
    # the checks' names: one table with the datasheets and delivery notes (core.check_words)
    **{f"check.name.{code}": words for code, words in CHECK_NAME_WORDS["en"].items()},
    "check.fail.snr": "SNR {value:.1f} dB, below the project's requirement",
    "check.fail.hum": "mains hum at {value:.1f} dB relative to the speech, above the project's limit",
    "check.fail.clipping": "{value:.4%} of samples clipped, above the project's limit",
    "check.fail.level": "level {value:.1f} dBFS RMS, quieter than the project requires",
    "check.fail.dc_offset": "DC offset {value:+.3f} of full scale, above the project's limit",
    "check.fail.format": "audio format does not match the project's specification",
    "check.fail.decodable": "the file cannot be decoded",
    "check.fail.duration": "duration {value:.0f} ms, outside the project's range",
    "check.fail.leading_silence": "leading silence {value:.0f} ms, outside the project's range",
    "check.fail.trailing_silence": "trailing silence {value:.0f} ms, outside the project's range",
    "check.fail.audio_text_consistency": "the recording does not match its prompt text",
    "check.fail.prompt_pronounceable": "{value:.0f} word(s) of the prompt have no pronunciation: the project manager must write numbers, symbols and foreign words out",
    "check.fail.noise_floor": "noise floor {value:.1f} dBFS in pauses, above the project's limit",
    "check.fail.reverberation": "reverberation time {value:.0f} ms, above the project's limit",
    "check.fail.session_level": "speech level {value:+.1f} dB from the session's median, outside the project's limit",
    "check.fail.resolution": "shorter side {value:.0f} px, below the project's minimum resolution",
    "check.fail.aspect_ratio": "aspect ratio {value:.3g}, outside the project's range",
    "check.fail.sharpness": "sharpness {value:.1f}, below the project's minimum",
    "check.fail.overexposure": "{value:.1%} of pixels blown out, above the project's limit",
    "check.fail.underexposure": "{value:.1%} of pixels crushed to black, above the project's limit",
    "check.fail.mean_luminance": "mean luminance {value:.1f}, outside the project's range",
    "check.fail.near_duplicate": "near-duplicate of an earlier item",
    "check.fail.duplicate": "same text as an earlier item",
    "check.fail.same_bytes": "the same file (same bytes) as item {kept}, which is kept",
    "check.fail.encoding": "the text is not valid in the required encoding",
    "check.fail.normalized": "{value:.0f} characters change under normalisation: prepare the"
                             " source with datamill text prepare --normalize, or set"
                             " require_normalized: false in the spec",
    "check.fail.control_chars": "{value:.0f} control characters, above the project's limit",
    "check.fail.emoji": "{value:.0f} emoji, not allowed by the project",
    "check.fail.length": "{value:.0f} characters, outside the project's range",
    "check.fail.language": "language not the project's (confidence {value:.2f})",
    "check.fail.personal_data": "{value:.0f} pieces of personal data found",
    "check.fail.points": "{value:,.0f} valid points, fewer than the project requires",
    "check.fail.invalid_points": "{value:.1%} of the points have a NaN or infinite coordinate, above the project's limit",
    "check.fail.range": "99% of the points lie within {value:,.1f} m, beyond the project's limit (millimetres instead of metres?)",
    "check.fail.height_extent": "the points span only {value:.3f} m in height, below the project's minimum (a flat plane, or mixed-up axes?)",
    "check.fail.intensity": "the file has no intensity field, which the project requires",
    "check.fail.empty_turns": "{value:.0f} empty turn(s) or response(s)",
    "check.fail.turn_length": "the longest turn or response has {value:.0f} characters, above the project's maximum",
    "check.fail.role_order": "turn {value:.0f} is out of the expected role order",
    "check.fail.duplicate_turns": "{value:.0f} turn(s) or response(s) repeat an earlier one",
    "check.fail.responses": "{value:.0f} candidate response(s), outside the project's range",
    "check.fail.banned_content": "{value:.0f} match(es) of the project's banned words",
    "ret.batch_rejected": "{batch} rejected: {reasons}",
    "ret.defective": ". The inspector found this item defective; their version: {shown}",
    "ret.defective_see": ". The inspector found this item defective (their version is in inspection {inspection})",
    "ret.delivery_rejected": "delivery {delivery} ({batch}) rejected by the customer: {reason}",
    "ret.customer_refused": "refused by the customer in the acceptance of delivery {delivery}",
    "check.fail.dropouts": "{value:.0f} dropout(s) of digital silence inside the speech (a recorder or transmission fault)",
    "check.fail.speaker_rate": "read {value:.1f} times faster than the speaker's usual rate ({speaker_median:.1f} syllables/s): the take seems to stop before the end of the prompt",
    **{f"insp.{k}": v for k, v in INSPECTION_REASON_WORDS["en"].items()},
    # an LLM record refused at import (modalities.llm.records.split_records)
    **{f"check.fail.{code}": words for code, words in RECORD_REFUSALS_EN.items()},
    **{f"check.fail.{code}": words for code, words in SIGNAL_CHECK_FAIL_EN.items()},
}
