"""English strings for automatic-check and inspection outcomes shown on the pages, merged into
``i18n.EN``. ``check.name.<name>`` names a check; ``check.fail.<name>`` is the sentence for a
failed check, a ``str.format`` template over ``{value}`` (the stored measured value); see
:mod:`datamill.web.check_text`. English pages keep the services' stored sentences; these are the
fallback for a catalogue without its own entry."""

from __future__ import annotations

from datamill.core.check_fail_words import CHECK_FAIL_WORDS, CHECK_FAILED
from datamill.core.check_words import CHECK_NAME_WORDS
from datamill.core.code_words import INSPECTION_REASON_WORDS
from datamill.modalities.check_fail_more import MODALITY_CHECK_FAIL_WORDS

__all__ = ["EN_CHECKS"]

EN_CHECKS: dict[str, str] = {
    # tooltips on pages not in English: the stored English sentence, named as such
    "check.tip": "{check} check; stored text: {stored}",
    "insp.tip": "stored text: {stored}",
    # the checks' names: one table with the datasheets and delivery notes (core.check_words)
    **{f"check.name.{code}": words for code, words in CHECK_NAME_WORDS["en"].items()},
    # a failed check's sentence: one table with the CLI (core.check_fail_words)
    "check.failed": CHECK_FAILED["en"],
    **{f"check.fail.{code}": words for code, words in CHECK_FAIL_WORDS["en"].items()},
    "ret.batch_rejected": "{batch} rejected: {reasons}",
    "ret.defective": ". The inspector found this item defective; their version: {shown}",
    "ret.defective_see": ". The inspector found this item defective (their version is in inspection {inspection})",
    "ret.delivery_rejected": "delivery {delivery} ({batch}) rejected by the customer: {reason}",
    "ret.customer_refused": "refused by the customer in the acceptance of delivery {delivery}",
    **{f"insp.{k}": v for k, v in INSPECTION_REASON_WORDS["en"].items()},
    # the modalities' own: an LLM record refused at import, the speech phase check
    **{f"check.fail.{code}": words for code, words in MODALITY_CHECK_FAIL_WORDS["en"].items()},
}
