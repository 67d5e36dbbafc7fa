"""The web UI's strings: one catalogue per language, looked up by key (``t`` in templates).

Add a language by adding a dict with the same keys in its own module (``i18n_zh.py`` holds
``zh-CN``). ``tests/e2e/test_catalogue.py`` checks that every key a template uses exists in ``en``;
``tests/e2e/test_i18n.py`` that every ``en`` key has a ``zh-CN`` entry (no exceptions).
Strings live in this module and in ``i18n_<area>.py`` modules merged into ``EN`` below (their
zh-CN twins ``i18n_zh_<area>.py`` are merged in ``i18n_zh``). Any key missing from a catalogue falls back to ``en`` at runtime. The page language comes from
the ``lang`` cookie, else the ``Accept-Language`` header (``negotiate``).
"""

from __future__ import annotations

from collections.abc import Callable

from datamill.core.languages import ranked_language_tags
from datamill.modalities.problem_words import EN_PROBLEMS, PAGE_LANG_COOKIE
from datamill.web.i18n_catalog import EN_CATALOG
from datamill.web.i18n_checks import EN_CHECKS
from datamill.web.i18n_codes import EN_CODES
from datamill.web.i18n_collect import EN_COLLECT, EN_SUBJECTS
from datamill.web.i18n_contracts import EN_CONTRACTS
from datamill.web.i18n_corpus import EN_CORPUS
from datamill.web.i18n_deliveries import EN_DELIVERIES
from datamill.web.i18n_effect import EN_EFFECT
from datamill.web.i18n_fx import FX_EN
from datamill.web.i18n_h2 import EN_H2
from datamill.web.i18n_h8 import EN_H8
from datamill.web.i18n_image import EN_IMAGE
from datamill.web.i18n_import import EN_IMPORT
from datamill.web.i18n_items import EN_ITEMS
from datamill.web.i18n_listen import EN_LISTEN
from datamill.web.i18n_newcomer import EN_NEWCOMER
from datamill.web.i18n_pages import EN_PAGES
from datamill.web.i18n_security import EN_SECURITY
from datamill.web.i18n_speech import EN_SPEECH
from datamill.web.i18n_tts import EN_TTS
from datamill.web.i18n_users import EN_USERS
from datamill.web.i18n_wf_debt import WF_DEBT_EN
from datamill.web.i18n_zh import ZH_CN

__all__ = [
    "CATALOGUES",
    "DEFAULT_LANGUAGE",
    "LANGUAGE_NAMES",
    "LANG_COOKIE",
    "negotiate",
    "t",
    "translator",
]

DEFAULT_LANGUAGE = "en"

EN: dict[str, str] = {
    "app.name": "datamill",
    "nav.home": "Home",
    "nav.signout": "Sign out",
    "nav.signed_in_as": "Signed in as",
    "nav.suppliers": "Suppliers",
    "nav.sheets": "Settlement sheets",
    "nav.finance": "Finance",
    "nav.earnings": "My earnings",
    "db.finance_link": "Project accounts",
    "login.title": "Sign in",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.failed": "Wrong username or password.",
    "login.throttled": "Too many refused sign-ins from this address (any usernames): try again "
                       "in {seconds} s.",
    "login.throttled_account": "Too many refused sign-ins for this username from this address: "
                               "try again in {seconds} s.",
    "error.title": "Something went wrong",
    "error.back": "Back to your home page",
    "home.my_tasks": "My tasks",
    "home.review_queue": "My review queue",
    "home.inspection_batches": "My inspection batches",
    "home.projects": "Projects",
    "home.no_projects": "You are not a member of any project yet.",
    "home.next_task": "Next task",
    "home.next_review": "Next review",
    "home.nothing_left": "Nothing is left for you in that project right now.",
    "home.open": "Open",
    "home.waiting_reviews": "waiting for review",
    "home.earlier_tasks": "{n} earlier task(s) you finished are not listed here.",
    "home.held": "held by you",
    "home.returned": "Returned to you",
    "col.task": "Task",
    "col.item": "Item",
    "col.status": "Status",
    "col.project": "Project",
    "col.modality": "Modality",
    "col.language": "Language",
    "col.batch": "Batch",
    "col.items": "Items",
    "col.volume": "Volume",
    "col.verdict": "Verdict",
    "col.sample": "Sample",
    "col.char_acc": "Character accuracy",
    "col.sent_acc": "Sentence accuracy",
    "col.reasons": "Reasons",
    "col.worker": "Worker",
    "col.check": "Check",
    "col.failed": "Failed checks",
    "col.audio": "Audio",
    "col.file": "File",
    "col.delivery": "Delivery",
    "col.delivered": "Delivered",
    "col.accepted": "Accepted",
    "col.note": "Note",
    "action.inspect": "Inspect",
    "action.dashboard": "Dashboard",
    "wb.title": "Transcribe",
    "wb.image_title": "Annotate the image",
    "cmp.differs": "Differs",
    "cmp.differences": "Differences",
    "cmp.none": "No differences.",
    "cmp.status.added": "Added",
    "cmp.status.removed": "Removed",
    "cmp.status.changed": "Changed",
    "cmp.change.label": "class",
    "cmp.change.geometry": "position/shape",
    "cmp.change.transcription": "text",
    "cmp.change.attributes": "attributes",
    "cmp.change.kind": "kind",
    "cmp.image_class": "image class",
    "cmp.kind.box": "box",
    "cmp.kind.rotated_box": "rotated box",
    "cmp.kind.polygon": "polygon",
    "cmp.kind.polyline": "polyline",
    "cmp.kind.keypoints": "keypoints",
    "cmp.kind.mask": "mask",
    "cmp.kind.text_line": "text line",
    "cmp.pre": "Model's pre-annotation",
    "cmp.rejected": "Rejected version",
    "cmp.submitted": "Submitted",
    "cmp.delivered": "Delivered",
    "cmp.inspector": "Inspector's version",
    "cmp.no_baseline": "No earlier version to compare with: everything is new.",
    "cmp.edit": "Correct it yourself and accept",
    "cmp.edit_hint": "Correct the objects, then submit: your version becomes a new version and the item is accepted.",
    "cmp.back": "Back to the inspection",
    "cmp.correcting": "Correcting",
    "cmp.correct": "Correct this image",
    "cmp.not_corrected": "Not corrected yet",
    "rv.reason.missing_objects": "Objects missing",
    "rv.reason.wrong_class": "Wrong class",
    "rv.reason.geometry": "Boxes or outlines misplaced",
    "rv.reason.wrong_text": "Text transcribed wrong",
    "wb.returned": "Returned to you",
    "wb.submitted_title": "Submitted",
    "wb.submitted_note": "You submitted this task (version {version}, {at} UTC); it is read-only now. Were it returned to you, it opens for rework again.",
    "wb.play": "Play/pause",
    "wb.play_segment": "Play segment",
    "wb.loop": "Loop",
    "wb.speed": "Speed",
    "wb.zoom_in": "Zoom in",
    "wb.zoom_out": "Zoom out",
    "wb.add": "New segment",
    "wb.split": "Split",
    "wb.merge": "Merge with next",
    "wb.delete": "Delete segment",
    "wb.submit": "Submit",
    "wb.help": "Shortcuts",
    "wb.speaker": "Speaker",
    "wb.transcript": "Transcript",
    "wb.noise": "Noise symbols",
    "wb.prompt": "Prompt",
    "wb.save.saved": "Saved",
    "wb.save.saving": "Saving…",
    "wb.save.last_saved": "last saved",
    "wb.save.local": "Offline: held in this browser until the server confirms",
    "wb.save.error": "Not saved",
    "wb.save.stale": "Saved from another tab or window meanwhile, so this one was not saved: reload the page to continue from the latest draft.",
    "wb.save.submitted": "Not saved: this task was already submitted in another tab or window. Open your next task from My tasks.",
    "wb.errors": "Fix the marked segments before submitting.",
    "wb.time": "Time on task",
    "help.title": "Keyboard shortcuts",
    "help.close": "Close (Esc)",
    "help.play": "Play / pause",
    "help.play_segment": "Play the current segment",
    "help.loop": "Loop the current segment on / off",
    "help.next_seg": "Next segment",
    "help.prev_seg": "Previous segment",
    "help.add": "New segment at the cursor",
    "help.split": "Split the current segment at the cursor",
    "help.merge": "Merge the current segment with the next",
    "help.delete": "Delete the current segment",
    "help.start": "Move the segment start (Shift: end) by 100 ms",
    "help.noise": "Insert noise symbol 1-9 at the caret",
    "help.speaker": "Set the speaker of the current segment",
    "help.zoom": "Zoom in / out",
    "help.speed": "Slower / faster (0.5×–2×)",
    "help.seek": "Seek back / forward 1 s",
    "help.submit": "Submit and open the next task",
    "help.help": "Show / hide this help",
    "rv.title": "Review",
    "rv.annotation": "Annotation",
    "rv.vs_pre": "Changes against the model's pre-annotation",
    "rv.vs_prev": "Changes against the previous version",
    "rv.accept": "Accept",
    "rv.edit": "Save edit and accept",
    "rv.reject": "Reject",
    "rv.reason": "Reason",
    "rv.reason_text": "Explain (the annotator sees this)",
    "rv.reason.wrong_words": "Wrong or missing words",
    "rv.reason.noise": "Noise symbols missing or wrong",
    "rv.reason.segmentation": "Segment boundaries wrong",
    "rv.reason.speaker": "Speaker wrong",
    "rv.reason.guidelines": "Does not follow the guidelines",
    "rv.reason.other": "Other",
    "rv.no_pre": "No pre-annotation for this item.",
    "rv.split_title": "Annotators split with no majority",
    "rv.split_hint": "The aggregate decides nothing here: choose the answer (edit), then it is accepted.",
    "rv.split_question": "Question",
    "rv.split_label": "Answer",
    "rv.split_no_span": "(no span)",
    "in.title": "Inspection",
    "in.plan": "Sampling plan",
    "in.plan_numbers": "lot {lot}, sample {sample}, AQL {aql}, accept ≤ {accept}",
    "in.delivered": "Delivered transcript",
    "in.corrected": "Your transcript",
    "in.save": "Save",
    "in.saved": "Saved",
    "in.scores": "Scores so far",
    "in.scored": "Samples corrected",
    "in.defects": "Defective utterances",
    "in.complete": "Complete inspection and give the verdict",
    "in.verdict": "Verdict",
    "in.thresholds": "Acceptance thresholds",
    "db.title": "Project dashboard",
    "db.progress": "Progress by stage",
    "db.throughput_day": "Throughput per day",
    "db.throughput_worker": "Throughput per worker",
    "db.throughput_note": "Work done per stage: each annotation submission and each review verdict counts, so an item annotated and reviewed counts once in each.",
    "db.annotated": "Annotated",
    "db.reviewed": "Reviewed",
    "db.annotated_volume": "Volume annotated",
    "db.check_failures": "Automatic-check failures by reason",
    "db.worst_files": "Worst files",
    "db.open_file": "Open",
    "db.inspections": "Inspection results per batch",
    "db.deliveries": "Deliveries and acceptance",
    "db.none": "Nothing yet.",
    "ag.title": "Agreement between annotators",
    "ag.figures": "Overlapping answers",
    "ag.units": "Units",
    "ag.alpha": "Krippendorff's α",
    "ag.cohen": "Cohen's κ",
    "ag.fleiss": "Fleiss' κ",
    "ag.annotator": "Annotator",
    "ag.answers": "Answers",
    "ag.with_aggregate": "Agreement with the aggregate",
    "ag.batch": "Batch",
    "ag.na": "n/a",
    "ag.undecided": "(+{n} split with no majority: not counted)",
    "ag.alpha_unavailable": "Krippendorff's α needs the krippendorff package: pip install 'krippendorff>=0.8'.",
    "ag.none": "No item has answers from two annotators yet.",
    "ag.no_units": "{n} items have answers from two or more annotators, but none of them holds an answer this project's agreement compares (a class, label, span, pair or score).",
    "ag.round": "Answers counted",
    "ag.round_current": "Now",
    "ag.round_first": "As first submitted",
    "ag.round_help": "(as first submitted: each annotator's first answer of each item, before any rework; it never changes)",
    "ag.between": "{metric} between annotators",
    "ag.reworked": "Items resubmitted",
    "db.waiting_for_new_annotator": "{n} item(s) wait for an annotator who has not answered them yet: all {k} annotator(s) of the project have. A project manager must add an annotator to the project.",
    "db.waiting_no_annotator": "{n} item(s) wait for an annotator: the project has none. A project manager must add an annotator to the project.",
    # --- workforce pages (web/routes/workforce.py, templates/workforce_*.html) ---
    "wf.nav.vendors": "Suppliers",
    "wf.nav.sheets": "Settlement sheets",
    "wf.nav.workforce": "My vendor",
    "wf.nav.my_earnings": "My earnings",
    "wf.refused": "Refused",
    "wf.ok.distributed": "The package was distributed.",
    "wf.ok.vendor_confirmed": "You confirmed the sheet on the vendor's side.",
    "wf.ok.confirmed": "The sheet is confirmed by both sides.",
    "wf.ok.evaluated": "The yearly evaluation was computed.",
    "wf.yes": "yes",
    "wf.no": "no",
    "wf.active": "active",
    "wf.inactive": "inactive",
    "wf.manager": "manager",
    "wf.unassigned": "not distributed",
    "wf.correction": "correction",
    "wf.col.kind": "Kind",
    "wf.col.cycle": "Settlement cycle",
    "wf.col.qualified": "Qualified",
    "wf.col.fee_rate": "Management fee",
    "wf.col.package": "Package",
    "wf.col.stage": "Stage",
    "wf.col.assignee": "Distributed to",
    "wf.col.progress": "Progress",
    "wf.col.identity": "Identity checked",
    "wf.col.sheet": "Sheet",
    "wf.col.vendor": "Vendor",
    "wf.col.period": "Period",
    "wf.col.amount": "Amount (CNY)",
    "wf.col.fee": "of which management fee",
    "wf.col.tax": "Income tax withheld",
    "wf.col.net": "Net payable (CNY)",
    "wf.col.year": "Year",
    "wf.vendor.title": "Vendor",
    "wf.vendor.packages": "Packages handed to the vendor",
    "wf.vendor.no_packages": "No packages have been handed to this vendor yet.",
    "wf.vendor.distribute": "Distribute a package",
    "wf.vendor.distribute_button": "Distribute",
    "wf.vendor.workers": "Workers",
    "wf.sheets.title": "Acceptance-settlement sheets",
    "wf.sheets.print": "Printable",
    "wf.sheets.csv": "CSV",
    "wf.sheets.vendor_confirm": "Confirm (vendor side)",
    "wf.sheets.confirm": "Confirm (business side)",
    "wf.ok.drawn": "The sheet was drawn up.",
    "wf.ok.settled": "The payment was recorded: the sheet is settled.",
    "wf.sheets.own_vendor": "The sheets of your vendor, {vendor}.",
    "wf.sheets.draw": "Draw up a sheet",
    "wf.sheets.draw_button": "Draw up",
    "wf.sheets.period_start": "Period starting on",
    "wf.sheets.draw_hint": "The sheet takes the vendor's work accepted before the period's end and on no sheet yet; a draft is redrawn.",
    "wf.sheets.reference": "Bank transfer reference",
    "wf.sheets.settle": "Record payment",
    "wf.sheets.void": "Void",
    "wf.sheets.void_reason": "Reason for voiding",
    "wf.sheets.voided_by": "voided {when}: {reason}",
    "wf.nav.periods": "Settlement periods",
    "wf.periods.title": "Settlement periods",
    "wf.periods.hint": "Each month lists the settlement sheets whose last day of work falls in it: the ledger books a sheet's cost on that day. A sheet's amount is its accepted volume × unit price; the vendor's management fee is part of it, not added on top. Net payable = amount − income tax withheld (withheld for individual suppliers only). Voided sheets are listed but not counted in the totals.",
    "wf.periods.status.open": "open",
    "wf.periods.status.prepared": "month-end run done, awaiting a second person's confirmation",
    "wf.periods.status.closed": "closed",
    "wf.periods.status.reopened": "reopened",
    "wf.periods.prepared_by": "Month-end run by {who}",
    "wf.periods.closed_by": "Closed {when} by {who}",
    "wf.periods.books_closed": "The books are closed for this month: nothing dated in it is booked any more.",
    "wf.periods.total": "Total",
    "wf.periods.paid": "Paid out so far (cash, after debt offsets, CNY)",
    "wf.periods.voided": "{n} voided, not counted",
    "wf.periods.void_link": "Void…",
    "wf.periods.reopen_link": "Reopen this month…",
    "wf.periods.no_sheets": "No sheets in this period.",
    "wf.periods.col.days": "Days of work",
    "wf.ok.voided": "The sheet is voided: the work it covered is payable again.",
    "wf.sheets.correct": "Correct",
    "wf.sheets.correct_amount": "Adjustment (+ pays more, − deducts; an addition at most what the sheet paid for the line)",
    "wf.sheets.correct_reason": "Reason for the correction",
    "wf.sheets.correct_project": "Project id (a sheet of several projects)",
    "wf.ok.corrected": "The correction is drawn as a new draft sheet: the vendor confirms it, then the business (an addition: someone other than its maker).",
    "wf.vendors.title": "Qualified-supplier list",
    "wf.vendors.show": "Show",
    "wf.eval.speed": "Response speed",
    "wf.eval.volume": "Volume",
    "wf.eval.quality": "Quality",
    "wf.eval.score": "Score",
    "wf.eval.rating": "Rating",
    "wf.eval.none": "Not evaluated for this year.",
    "wf.eval.compute": "Evaluate",
    "wf.worker.title": "My earnings",
    "wf.worker.dashboard": "Worker dashboard",
    "wf.worker.figures": "Figures to date",
    "wf.worker.submitted": "Tasks submitted",
    "wf.worker.volume": "Annotated",
    "wf.worker.accepted_items": "Items accepted",
    "wf.worker.rework_rate": "Rework rate",
    "wf.worker.qualification": "Qualification scores",
    "wf.worker.golden": "Accuracy on check items",
    "wf.worker.golden_answered": "answered",
    "wf.worker.earnings": "Earnings to date (CNY)",
    "wf.worker.earnings_chart": "Earnings per period",
    # --- end workforce pages ---
    "db.back": "Back to the dashboard",
    "nav.language": "Language",
    "rv.rework": "Resubmitted after a rejection",
    "rv.rejected_for": "Rejected before",
    "rv.version": "Version",
    "rv.edit_hint": "Correct the text of each segment, then save: your edit becomes a new version and the item is accepted.",
    "pm.title": "Work packages",
    "pm.create": "Create packages",
    "pm.stage": "Stage",
    "pm.stage.annotate": "Annotation",
    "pm.stage.review": "Review",
    "pm.created": "New packages",
    "pm.nothing": "No unpackaged tasks are left in that stage.",
    "pm.package": "Package",
    "pm.tasks": "Tasks",
    "pm.done": "Done",
    "pm.assignee": "Assignee",
    "pm.pool": "Open pool",
    "pm.assign": "Assign",
    "pm.assigned": "Package assigned",
    "pm.no_workers": "No member of this project can take this stage.",
    "pm.failed": "Not done",
    "nav.audit": "Audit trail",
    "audit.title": "Audit trail",
    "audit.intact": "The audit trail is intact: every record's hash and signature match, and nothing covered by a signed checkpoint is missing.",
    "audit.broken": "The audit trail is BROKEN: records were altered, re-hashed or deleted.",
    "audit.records": "Records",
    "audit.records_short": "records",
    "audit.signed": "Signed records",
    "audit.checkpoints": "Signed checkpoints",
    "audit.latest_checkpoint": "Latest checkpoint",
    "audit.none": "None yet",
    "audit.problems": "Problems found",
    "audit.problem.chain_broken": "Record altered, or a record before it deleted",
    "audit.problem.bad_signature": "Invalid signature (re-hashed after an edit?)",
    "audit.problem.checkpoint_mismatch": "Does not match a signed checkpoint",
    "audit.problem.truncated": "Records deleted after a signed checkpoint",
    "audit.problem.unsigned": "Unsigned record not covered by a checkpoint",
    "audit.problem.bad_checkpoint": "Checkpoint with an invalid signature",
    "audit.problem.deleted": "Records deleted from the database (deletion journal)",
    "audit.problem.unguarded": "Deletions are not recorded (trigger missing or disabled)",
    "audit.checkpoint": "Sign a checkpoint now",
    "audit.checkpoint_done": "Checkpoint signed.",
    "audit.help": "Each record is chained to the one before and signed with a key kept outside the database; checkpoints record how many records existed and the database journals every deleted record, so deleting the newest ones is detected too.",
    "wf.worker.tax_withheld": "Income tax withheld from it (CNY)",
    # the month's closing report on the period page (trial h1, round 3)
    "fin.period.report": "The month's closing report",
    "fin.period.pending": "Events set aside, not in the figures",
    "fin.period.wip": "Work in progress by project",
    "fin.period.project": "Project",
    "fin.period.units": "Cost per accepted unit",
    "fin.period.volume": "Accepted volume",
    "fin.period.price_per_unit": "Price per unit",
    "fin.period.cost_per_unit": "Cost per unit",
    "fin.period.receivables": "Receivables at the month's end (net per customer)",
    "fin.period.receivable": "Receivable",
    "fin.period.advances": "Advances received",
    "fin.period.net": "Net",
    "fin.period.ecl": "Expected credit loss",
    "fin.period.fixed_assets": "Depreciation entries: {depreciation} · impairment entries: {impairment}",
    # closing a month from its page (run, then a second person confirms; round 4, h8)
    "fin.period.run": "Run month end",
    "fin.period.rerun": "Run month end again",
    "fin.period.close": "Confirm and close the month",
    "fin.period.confirm_run": "Run month end",
    "fin.period.confirm_run_q": "Run the month end for {period}? It books the month's depreciation and the type-3 cost carry, tests every open project for impairment and keeps the closing report; a second person then confirms it to close the month.",
    "fin.period.confirm_close": "Confirm and close the month",
    "fin.period.confirm_close_q": "Close {period} with the report shown below? A closed month takes no postings; only a finance lead can reopen it, with a reason.",
    "fin.period.prepared_by": "Run by {who}: a second person confirms the close.",
    "fin.period.ok_run": "The month end has run: check the report, then have a second person confirm it.",
    "fin.period.ok_closed": "The month is closed.",
    "fin.period.not_ended": "The month has not ended: it is run after its last day ({last}).",
    "fin.cost.approve": "Approve over budget",
    "fin.cost.reject": "Reject",
    "fin.cost.sign_reason": "Reason (required to reject)",
    **WF_DEBT_EN,
    **FX_EN,
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh-CN": ZH_CN}
LANGUAGE_NAMES = {"en": "English", "zh-CN": "简体中文"}  # each in its own language
LANG_COOKIE = PAGE_LANG_COOKIE


def t(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The string for ``key``; falls back to English, then shows the key itself (never raises)."""
    return CATALOGUES.get(lang, EN).get(key) or EN.get(key) or key


def translator(lang: str) -> Callable[[str], str]:
    """``t`` bound to one language (what the templates get as ``t``)."""
    return lambda key: t(key, lang)


def _match(tag: str) -> str | None:
    """The catalogue for one language tag: exact (case-insensitive), else by primary subtag."""
    tag = tag.strip().replace("_", "-").lower()
    if not tag:
        return None
    for code in CATALOGUES:
        if code.lower() == tag:
            return code
    primary = tag.split("-", 1)[0]
    if primary == "zh":
        return "zh-CN"  # the only Chinese catalogue (simplified); better than English for zh-*
    return next((c for c in CATALOGUES if c.split("-", 1)[0].lower() == primary), None)


def negotiate(accept_language: str | None, cookie: str | None = None) -> str:
    """The page language: the ``lang`` cookie if it names a catalogue, else the best
    ``Accept-Language`` entry by q-value (ties keep header order), else English."""
    if cookie and (code := _match(cookie)):
        return code
    for tag in ranked_language_tags(accept_language):
        if code := _match(tag):
            return code
    return DEFAULT_LANGUAGE


EN.update(EN_PAGES)  # finance, golden, security, procurement, text, llm, catalog pages
EN.update(EN_CODES)  # statuses, roles, verdicts, error pages, earnings page
EN.update(EN_SECURITY | EN_TTS | EN_CORPUS | EN_COLLECT | EN_SPEECH | EN_LISTEN | EN_CHECKS  # areas
          | EN_DELIVERIES | EN_SUBJECTS | EN_EFFECT | EN_IMPORT | EN_ITEMS)
EN.update(EN_IMAGE)  # the image workbench's own strings
EN.update(EN_CATALOG)  # the catalog pages' forms
EN.update(EN_PROBLEMS)  # a modality's refusal of an annotation, problem by problem
EN.update(EN_CONTRACTS)  # the contract pages and the customer's credit grade
EN.update(EN_NEWCOMER)  # what a newcomer's walk through the pages found missing (h7)
EN.update(EN_H8)  # what trial h8's walk through a new installation found missing
EN.update(EN_USERS)  # the users page: an admin changes a role (h5)
EN.update(EN_H2)  # what h2's zh-CN walk found missing (a count of one, units, words)
