"""English strings for codes the pages show (statuses, verdicts, roles, error kinds) and for
the error pages and the earnings page, merged into ``i18n.EN``.

Templates show a code through ``tc(kind, value)`` (``web.routes._common.render``): the entry
``<kind>.<value>`` in the page's language, else the code itself (an unknown code is never
hidden). Add a code here and in ``i18n_zh_codes.py`` when a service starts using it.
"""

from __future__ import annotations

from datamill.core.code_words import (
    EVENT_WORDS,
    ITEM_STATUS_WORDS,
    METRIC_WORDS,
    SEGMENT_WORDS,
    STATUS_WORDS,
    VENDOR_KIND_WORDS,
    VERDICT_WORDS,
)
from datamill.core.record_words import ACTION_WORDS, OBJECT_WORDS, ROLE_WORDS
from datamill.workforce.sheet_print import SHEET_EN

__all__ = ["EN_CODES"]

_STATUSES = STATUS_WORDS["en"]
_ROLES = ROLE_WORDS["en"]
_VERDICTS = VERDICT_WORDS["en"]
_ERROR_CODES = {
    "not_found": "Not found", "forbidden": "Not allowed", "unauthorized": "Not signed in",
    "not_signed_in": "Not signed in", "conflict": "Conflict", "invalid_input": "Invalid input",
    "annotation_file_invalid": "Annotation file invalid",
    "audio_not_decodable": "Audio not decodable", "image_not_decodable": "Image not decodable",
    "text_not_decodable": "Text not decodable", "text_source_invalid": "Text source invalid",
    "decryption_failed": "Decryption failed", "engine_unavailable": "Engine unavailable",
    "preannotator_unavailable": "Pre-annotator unavailable", "weak_secret": "Weak secret",
    "wrong_password": "Wrong current password",
    "blob_missing": "Stored file missing", "audit_key_missing": "Audit key missing",
}
_ERROR_STATUSES = {
    "400": "Bad request", "401": "Not signed in", "403": "Not allowed",
    "404": "Page not found", "405": "Method not allowed", "409": "Conflict",
    "413": "Request too large", "422": "Invalid input", "500": "Internal error",
}

#: what a kind of error generally means, under its heading (the error page)
_ERROR_EXPLAINED = {
    "forbidden": "Your role, your project memberships or your clearance do not allow this. "
                 "If you need it, ask a project manager or an administrator.",
    "not_found": "It does not exist, was removed, or is not visible to you.",
    "conflict": "It changed in the meantime or is not in a state that allows this; reload the "
                "page and try again.",
    "invalid_input": "What was sent cannot be accepted as given; correct it and try again.",
}
_MISC = {  # kind.code → English, for the codes the finance and workforce pages show
    "ptype.custom_service": "custom service", "ptype.product_development": "product development",
    "ptype.processing_only": "processing only",
    **SEGMENT_WORDS["en"],
    "category.data_service": "data service", "category.labour": "labour",
    "category.equipment": "equipment", "category.other": "other",
    "basis.batch_acceptance": "batch acceptance", "basis.final_acceptance": "final acceptance",
    "basis.final_accounts": "final accounts", "basis.licence": "licence",
    "basis.write_off": "write-off", "basis.completion": "completion",
    "basis.period_carry": "month-end carry", "basis.cost_reduction": "cost reduction",
    "atype.1": "one delivery, one acceptance", "atype.2": "batches, one final acceptance",
    "atype.3": "each batch accepted on its own",
    **{f"vkind.{k}": w for k, w in VENDOR_KIND_WORDS["en"].items()},
    "ckind.custom": "custom", "ckind.licence": "licence",
    "ckind.technical_service": "technical service",
    # domain events the ledger consumes (the finance overview's pending list)
    **{f"event.{code}": w for code, w in EVENT_WORDS["en"].items()},
    "decision.approve": "approved", "decision.reject": "rejected",
    "astep.price": "price approval", "astep.signing": "signing approval",
}
# metric names (inspection scores and thresholds, qualification tests, the dashboard)
_METRICS = METRIC_WORDS["en"]

# an item's or a batch's status (tc('item_status', ...)): there "accepted" means the batch
# passed the sampling inspection, not the customer's acceptance of a delivery
# (``status.accepted``), which comes later
_ITEM_STATUSES = ITEM_STATUS_WORDS["en"]

EN_CODES: dict[str, str] = {
    **_MISC,
    # a project's modality: English pages show its code, as the spec names it
    "modality.speech.asr": "speech.asr",
    "modality.speech.tts": "speech.tts",
    "modality.image": "image",
    "modality.text": "text",
    "modality.llm": "llm",
    "modality.pointcloud": "pointcloud",
    # BCP 47's special language codes (tc('language', ...)); any other tag shows as it is
    "language.und": "undetermined (und)",
    "language.mul": "several languages (mul)",
    "language.zxx": "no linguistic content (zxx)",
    "modality.speech": "speech",
    # a purchase price's language group (workforce.pricing), tc('lgroup', ...)
    "lgroup.chinese": "Chinese", "lgroup.minority": "minority languages",
    "lgroup.foreign": "foreign languages",
    # the source of a ledger cost (its source_ref's prefix), tsrc(ref) on the finance pages
    "fin.src.claim": "expense claim", "fin.src.settlement": "settlement sheet",
    "fin.src.depreciation": "depreciation", "fin.src.hour_points": "hour points",
    "fin.src.golden": "golden checks", "fin.src.reversal": "reversal of cost",
    "fin.src.void": "voided",
    **{f"status.{k}": v for k, v in _STATUSES.items()},
    **{f"item_status.{k}": v for k, v in _ITEM_STATUSES.items()},
    **{f"metric.{k}": v for k, v in _METRICS.items()},
    **{f"role.{k}": v for k, v in _ROLES.items()},
    **{f"verdict.{k}": v for k, v in _VERDICTS.items()},
    **{f"error.code.{k}": v for k, v in _ERROR_CODES.items()},
    **{f"error.status.{k}": v for k, v in _ERROR_STATUSES.items()},
    "error.id": "error id",
    "error.no_page": "There is no page at this address.",
    "error.body_too_large": "What was sent is larger than the {limit} bytes this server "
                            "accepts.",
    **{f"error.explain.{k}": v for k, v in _ERROR_EXPLAINED.items()},
    "error.in_english": "Details:",
    # the earnings page (web/routes/workforce.py: /workforce/me)
    "wf.earn.not_worker": "You are not registered as a worker yet, so no earnings are recorded "
                          "for you. Your project manager or vendor registers you.",
    "wf.earn.lines": "Earnings per settlement period",
    "wf.earn.none": "No settlement sheet pays you anything yet.",
    "wf.earn.project": "Project",
    "wf.earn.stage": "Stage",
    "wf.earn.items": "Tasks",
    "wf.earn.volume": "Accepted volume",
    "wf.earn.unit_price": "Unit price",
    "wf.earn.sheet_status": "Sheet status",
    # a company's or studio's worker: paid by their vendor, shown their accepted work, no money
    "wf.worker.title_vendor": "My accepted work",
    "wf.worker.paid_by_vendor": "You work for {vendor}. The company pays {vendor} for the work "
                                "accepted; your pay comes from {vendor}, so this page shows your "
                                "accepted work and no money. Ask your vendor about your pay.",
    "wf.worker.paid_by_vendor_other": "A worker of {vendor}: the company pays the vendor for the "
                                      "work accepted, and the vendor pays the worker.",
    "wf.worker.accepted_work": "Accepted on confirmed sheets",
    "wf.worker.tasks": "tasks",
    "wf.worker.vendor_amount": "The vendor's amount for this work (CNY)",
    "wf.worker.accepted_chart": "Accepted tasks per period",
    "wf.earn.lines_volume": "Accepted work per settlement period",
    "wf.earn.none_volume": "No settlement sheet lists accepted work of yours yet.",
    "db.no_accounts": "This project has no accounts yet.",
    "db.finance_overview": "Finance overview",
    # required annotation fields (every workbench)
    "wb.required_missing": "Fill in the required field before submitting",
    "rv.reason_choose": "Choose a reason…",
    "rv.reason_required": "Choose a reason before rejecting.",
    "in.cancel": "Cancel",
    "in.confirm": "Confirm the verdict",
    "in.confirm_q": "Record this verdict for the batch? It cannot be changed afterwards.",
    "in.diff": "Correction vs delivered text",
    # a label in parentheses after a name (the header's role, "(manager)")
    #: an opening bracket after a word: " (" in English, "（" (no space) in Chinese
    "sp.lparen_after": " (",
    #: the quotes around a label or a quoted text in a comparison: «» in English, “” in Chinese
    "sp.lquote": "«",
    "sp.rquote": "»",
    "sp.lparen": "(",
    "sp.rparen": ")",
    # a vendor manager's navigation (base.html)
    "nav.my_vendor": "My vendor",
    "nav.vendor_people": "People",
    "nav.vendor_packages": "Packages",
    # the printable acceptance-settlement sheet (workforce_sheet_print.html), its codes (stages,
    # units, cycles, sheet statuses) and the punctuation: one catalogue with the API and the CLI
    **SHEET_EN,
    # an audit action (tc('action', ...) on /audit): core.record_words, as the CLI's
    **{f"action.{k}": v for k, v in ACTION_WORDS["en"].items()},
    **{f"object.{k}": v for k, v in OBJECT_WORDS["en"].items()},
}
