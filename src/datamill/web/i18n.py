"""The web UI's strings: one catalogue per language, looked up by key (``t`` in templates).

Add a language by adding a dict with the same keys in its own module (``i18n_zh.py`` holds
``zh-CN``). ``tests/e2e/test_catalogue.py`` checks that every key a template uses exists in ``en``;
``tests/e2e/test_i18n.py`` that every ``en`` key has a ``zh-CN`` entry, except keys in the marked
workforce / ledger blocks at the end of ``EN``, which fall back to English until translated.
Any key missing from a catalogue falls back to ``en`` at runtime. The page language comes from
the ``lang`` cookie, else the ``Accept-Language`` header (``negotiate``).
"""

from __future__ import annotations

from collections.abc import Callable

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
    "col.hours": "Hours",
    "col.verdict": "Verdict",
    "col.sample": "Sample",
    "col.char_acc": "Character accuracy",
    "col.sent_acc": "Sentence accuracy",
    "col.reasons": "Reasons",
    "col.worker": "Worker",
    "col.check": "Check",
    "col.failed": "Failed checks",
    "col.audio": "Audio",
    "col.delivery": "Delivery",
    "col.delivered": "Delivered",
    "col.accepted": "Accepted",
    "col.note": "Note",
    "action.inspect": "Inspect",
    "action.dashboard": "Dashboard",
    "wb.title": "Transcribe",
    "wb.image_title": "Annotate the image",
    "wb.returned": "Returned to you",
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
    "wb.save.local": "Offline: held in this browser until the server confirms",
    "wb.save.error": "Not saved",
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
    "in.title": "Inspection",
    "in.plan": "Sampling plan",
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
    "db.check_failures": "Automatic-check failures by reason",
    "db.worst_files": "Worst files",
    "db.inspections": "Inspection results per batch",
    "db.deliveries": "Deliveries and acceptance",
    "db.none": "Nothing yet.",
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
    "wf.col.amount": "Amount",
    "wf.col.fee": "Fee",
    "wf.col.tax": "Tax withheld",
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
    "wf.status.draft": "draft",
    "wf.status.vendor_confirmed": "confirmed by vendor",
    "wf.status.confirmed": "confirmed by both sides",
    "wf.status.settled": "paid",
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
    "wf.worker.hours": "Hours annotated",
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
    "audit.checkpoint": "Sign a checkpoint now",
    "audit.checkpoint_done": "Checkpoint signed.",
    "audit.help": "Each record is chained to the one before and signed with a key kept outside the database; checkpoints record how many records existed, so deleting the newest ones is detected too.",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh-CN": ZH_CN}
LANGUAGE_NAMES = {"en": "English", "zh-CN": "简体中文"}  # each in its own language
LANG_COOKIE = "lang"


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
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and tag.strip() != "*":
            ranked.append((-q, i, tag))
    for _q, _i, tag in sorted(ranked):
        if code := _match(tag):
            return code
    return DEFAULT_LANGUAGE


# --- ledger / finance pages (web/routes/ledger.py, templates/ledger_*.html, static/ledger.js) ---
# Appended as one block so parallel work on other pages does not collide.
EN.update({
    "fin.overview_title": "Finance overview",
    "fin.project_title": "Project finance",
    "fin.project_type": "Project type",
    "fin.your_role": "Your approval role",
    "fin.order": "Performance order",
    "fin.order_number": "Order",
    "fin.customer": "Customer",
    "fin.customer_type": "Customer type",
    "fin.region": "Domestic / overseas",
    "fin.business_line": "Business line",
    "fin.offering": "Offering",
    "fin.amount_excl_vat": "Amount excl. VAT",
    "fin.vat_rate": "VAT rate",
    "fin.acceptance_type": "Acceptance type",
    "fin.volume": "Accepted / total volume",
    "fin.no_order": "Product development: no performance order; spend is R&D expense.",
    "fin.revenue_margin": "Recognised revenue and margin",
    "fin.revenue": "Revenue",
    "fin.cost": "Cost",
    "fin.margin": "Margin",
    "fin.budgeted_margin": "Budgeted margin",
    "fin.recognitions": "Recognitions",
    "fin.date": "Date",
    "fin.basis": "Basis",
    "fin.completion": "Completion",
    "fin.budget": "Budget",
    "fin.no_budget": "No budget yet: budget first, spend later.",
    "fin.total": "Total",
    "fin.levels": "Approval levels signed",
    "fin.next_role": "Next to sign",
    "fin.stage": "Stage",
    "fin.category": "Category",
    "fin.quantity": "Quantity",
    "fin.unit_price": "Unit price",
    "fin.amount": "Amount",
    "fin.approvals": "Approvals",
    "fin.no_approvals": "No level signed yet.",
    "fin.level": "Level",
    "fin.role": "Role",
    "fin.approver": "Approver",
    "fin.decision": "Decision",
    "fin.sign_level": "Your signature for level",
    "fin.reason": "Reason (required to reject)",
    "fin.approve": "Approve",
    "fin.reject": "Reject",
    "fin.awaits": "Awaiting the signature of",
    "fin.signed_approve": "Your approval is recorded.",
    "fin.signed_reject": "Your rejection is recorded.",
    "fin.budget_vs_actual": "Budget vs actual",
    "fin.actual": "Actual",
    "fin.variance": "Variance",
    "fin.spent": "spent",
    "fin.wip": "Work in progress roll-forward",
    "fin.month": "Month",
    "fin.opening": "Opening",
    "fin.incurred": "Incurred",
    "fin.carried": "Carried to cost",
    "fin.closing": "Closing",
    "fin.wip_closing": "WIP closing",
    "fin.rd_expense": "R&D expense",
    "fin.costs": "Costs booked",
    "fin.supplier": "Supplier",
    "fin.source": "Source",
    "fin.journal_csv": "Download the journal (CSV)",
    "fin.sync": "Book pending events",
    "fin.synced": "Costs booked from pending events",
    "fin.margin_by_segment": "Margin by line × offering × domestic/overseas × customer type",
    "fin.monthly": "Revenue and cost by month",
    "fin.projects": "Projects with accounts",
    "fin.pending_events": "Events waiting to be booked",
    "fin.no_pending": "Every event is booked.",
    "fin.event": "Event",
    "fin.attempts": "Tries",
})
# --- end ledger / finance pages ---

# --- ledger contract to cash (web/routes/ledger.py: line margin, contracts, trace) ---
EN.update({
    "fin.margin_by_line": "Margin by line",
    "error.out_of_range": "Nothing has that number: ids run from 1 to 9223372036854775807.",
    "fin.line": "Line",
    "fin.line_custom": "Custom",
    "fin.line_catalog": "Catalog",
    "fin.line_services": "Services",
    "fin.speech_cost_per_hour": "Speech cost per accepted hour",
    "fin.price_per_hour": "price per hour",
    "fin.lines_csv": "Download margin by line (CSV)",
    "fin.contracts": "Contracts",
    "fin.contract": "Contract",
    "fin.trace": "Trace",
    "fin.trace_title": "Audit trace",
    "fin.trace_csv": "Download the trace (CSV)",
    "fin.remainder": "Not yet in orders",
    "fin.order": "Order",
    "fin.deliveries": "Delivery notes",
    "fin.acceptances": "Acceptances",
    "fin.invoices": "Invoices",
    "fin.receipts": "Payments",
    "fin.recognitions": "Revenue recognised",
    "fin.gaps": "Open links",
    "fin.complete": "Complete: every link from contract to payment is there",
    "fin.no_project": "no project",
    "fin.volume": "Volume",
    "fin.date": "Date",
    "fin.vat": "VAT",
})
# --- end ledger contract to cash ---

# --- golden items and qualification page (web/routes/golden.py, templates/workforce_golden.html) ---
EN.update({
    "gq.title": "Golden items and qualification",
    "gq.link": "Golden items and qualification",
    "gq.rate": "Golden rate",
    "gq.rate_help": "Share of annotate claims served as silent golden checks (0 turns it off; needs a qualification test).",
    "gq.save": "Save",
    "gq.required": "Qualification required",
    "gq.required_help": "Nobody takes this project's annotate tasks before passing its qualification test.",
    "gq.test": "Qualification test",
    "gq.revision": "Revision",
    "gq.golden_items": "golden items",
    "gq.no_test": "No qualification test yet.",
    "gq.answers": "Golden answers",
    "gq.answers_help": "One per line: utterance name (or item id) = known answer. Revising replaces the whole set.",
    "gq.threshold": "Pass threshold",
    "gq.metric": "Metric",
    "gq.define": "Define the test",
    "gq.revise": "Revise the test",
    "gq.accuracy": "Workers' running accuracy",
    "gq.col.worker": "Worker",
    "gq.col.answered": "Golden checks answered",
    "gq.col.accuracy": "Running accuracy",
    "gq.col.last": "Last answered",
    "gq.col.qualification": "Qualification",
    "gq.in_house": "in-house",
    "gq.passed": "passed",
    "gq.failed": "not passed",
    "gq.ok.rate": "The golden rate is saved.",
    "gq.ok.test": "The qualification test is saved.",
    "gq.ok.required": "The qualification setting is saved.",
})
# --- end golden items and qualification page ---

# --- data-security page (web/routes/security.py, templates/security.html) ---
EN.update({
    "sec.title": "Data security",
    "sec.col.project": "Project",
    "sec.col.classification": "Classification",
    "sec.col.export": "Export",
    "sec.col.delivery": "Delivery",
    "sec.col.surveying": "Surveying qualification",
    "sec.col.consents": "Consents",
    "sec.col.flags": "Withdrawn, delivered",
    "sec.level.public": "public",
    "sec.level.internal": "internal",
    "sec.level.confidential": "confidential",
    "sec.level.secret": "secret",
    "sec.abroad": "abroad to",
    "sec.domestic": "domestic",
    "sec.allowed": "allowed",
    "sec.blocked": "blocked: needs an approved export assessment",
    "sec.required": "required",
    "sec.none": "No projects yet.",
    "sec.help": "Change these with `datamill security` or /api/v1/security; every change is audited.",
})
# --- end data-security page ---
# --- procurement page (web/routes/procurement.py, templates/workforce_procurement.html) ---
EN.update({
    "pr.nav": "Procurement",
    "pr.title": "Purchase requests",
    "pr.help": "Each request is signed in order: dept. manager → VP in charge → procurement; a request over the annual budget also needs the finance head. A unit price more than 10% off the price system is flagged and must be explained.",
    "pr.all": "all",
    "pr.show": "Show",
    "pr.flagged_only": "only >10% off the price system",
    "pr.flag": ">10% off",
    "pr.over_budget": "over the annual budget",
    "pr.budgets": "Annual procurement budgets",
    "pr.col.number": "Request",
    "pr.col.kind": "Kind",
    "pr.col.stage": "Stage",
    "pr.col.quantity": "Quantity",
    "pr.col.price": "Unit price",
    "pr.col.amount": "Amount",
    "pr.col.deviation": "Off the price system",
    "pr.col.status": "Status",
    "pr.col.chain": "Approvals",
    "pr.col.year": "Year",
    "pr.col.department": "Department",
    "pr.kind.collection": "Collection",
    "pr.kind.labelling": "Labelling",
    "pr.status.draft": "draft",
    "pr.status.submitted": "awaiting approval",
    "pr.status.approved": "approved",
    "pr.status.rejected": "rejected",
    "pr.status.combined": "combined",
    "pr.role.dept_manager": "dept. manager",
    "pr.role.vp": "VP in charge",
    "pr.role.finance_head": "finance head",
    "pr.role.finance_reviewer": "Finance",
    "pr.role.procurement": "procurement",
})
# --- end procurement page ---

# --- plan variance page (web/routes/budget_plan.py, templates/ledger_plan_variance.html) ---
EN.update({
    "pv.title": "Actual against plan",
    "pv.help": "Per work stage: the approved budget's quantity and amount (planned from the deliverable volume, loss rate and annotation-output ratio at price-system prices) against the posted costs.",
    "pv.planned": "Planned",
    "pv.planned_qty": "Planned quantity",
    "pv.actual_qty": "Actual quantity",
    "pv.chart": "Planned and actual amount per stage",
    "pv.status.within": "within plan",
    "pv.status.over": "over plan",
    "pv.status.unplanned": "not in the plan",
})
# --- end plan variance page ---

# --- workforce reports on the finance dashboard (web/routes/ledger.py) ---
EN.update({
    "fin.output_ratio": "Annotation-output ratio",
    "fin.output_ratio_help": "Hours of annotation work per unit of data achieved, per project "
                             "and stage (the budget uses the pre-start self-test's ratio).",
    "fin.output_ratio_csv": "Download the annotation-output ratio (CSV)",
    "fin.throughput": "Vendor throughput",
    "fin.throughput_csv": "Download vendor throughput (CSV)",
    "fin.vendor": "Vendor",
    "fin.people": "People",
    "fin.volume": "Volume",
    "fin.work_hours": "Work hours",
    "fin.ratio": "Work hours per unit",
    "fin.per_work_hour": "Volume per work hour",
    "fin.accepted_volume": "Accepted volume",
})
# --- end workforce reports ---
