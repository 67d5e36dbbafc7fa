"""English strings of the contract pages (``/finance/contracts``, one contract) and the
customer's credit grade, merged into ``i18n.EN``; their zh-CN twins are in
``i18n_zh_contracts.py``."""

from __future__ import annotations

from datamill.core.contract_step_words import CONTRACT_STEP_WORDS

__all__ = ["EN_CONTRACTS"]

_STATUSES = {
    "draft": "draft", "price_approved": "price approved", "signing_approved": "signing approved",
    "signed": "signed", "rejected": "rejected", "cancelled": "cancelled",
    "pending_record": "recorded, awaiting confirmation",
}

EN_CONTRACTS: dict[str, str] = {
    "nav.contracts": "Contracts",
    "fin.k.title": "Contracts",
    "fin.k.all": "all",
    "fin.k.filter": "Show",
    "fin.k.none": "No contracts.",
    "fin.k.number": "Contract number",
    "fin.k.kind": "Kind",
    "fin.k.currency": "Currency",
    "fin.k.signed_on": "Signed on",
    "fin.k.amount_excl": "Amount (excl. VAT)",
    "fin.k.grade": "Credit grade",
    "fin.k.country": "Country",
    "fin.k.customers": "Customers and credit grades",
    "fin.k.draft_title": "Draft a contract",
    "fin.k.draft_hint": "A draft needs a price-reasonableness approval (finance) and a signing "
                        "approval (VP, CFO or president), by two people other than you, before it "
                        "is signed.",
    "fin.k.draft_submit": "Draft",
    "fin.k.pending_amount": "amendment to {amount} awaits its approvals",
    "fin.k.pending_cancel": "cancellation on {on} awaits its approvals",
    "fin.k.back": "All contracts",
    "fin.k.orders": "Orders and projects",
    "fin.k.orders_total": "In orders",
    "fin.k.hidden": "{n} order(s) of projects above your clearance are not shown.",
    "fin.k.next": "Next step",
    "fin.k.nothing_awaited": "Nothing awaits a decision.",
    "fin.k.signed_by": "signed by",
    "fin.k.step_sign": "the signature (any writer of the books records it)",
    "fin.k.subject_contract": " of the contract",
    "fin.k.subject_amendment": " of the amendment",
    "fin.k.subject_cancellation": " of the cancellation",
    "fin.k.approvals": "Approvals done",
    "fin.k.step": "Step",
    "fin.k.decision": "Decision",
    "fin.k.approver": "Approver",
    "fin.k.role": "Role",
    "fin.k.reason": "Reason",
    "fin.k.requests": "Amendment and cancellation requests",
    "fin.k.req_amend": "amendment {old} → {new}",
    "fin.k.req_cancel": "cancellation on {on}",
    "fin.k.changes": "Changes in effect",
    "fin.k.change_amendment": "amendment",
    "fin.k.change_cancellation": "cancellation",
    "fin.k.history": "Who did what",
    "fin.k.when": "When",
    "fin.k.who": "Who",
    "fin.k.what": "What",
    "fin.k.approve": "Approve",
    "fin.k.reject": "Reject",
    "fin.k.reject_hint": "A rejection needs its reason; it is final (draft again).",
    "fin.k.sign_title": "Record the signature",
    "fin.k.sign_submit": "Record as signed",
    "fin.k.amend_title": "Ask for a new amount",
    "fin.k.amend_hint": "The new amount takes effect after its price and signing approvals by "
                        "two people other than you.",
    "fin.k.amend_submit": "Ask for the amendment",
    "fin.k.cancel_title": "Cancel the contract",
    "fin.k.cancel_hint": "A signed contract's cancellation waits for its price and signing "
                         "approvals by two people other than you; then the unfinished projects' "
                         "work in progress is written off. A contract never signed is cancelled "
                         "at once.",
    "fin.k.cancel_submit": "Cancel the contract",
    "fin.k.on": "Dated",
    "fin.k.grade_title": "Change the credit grade",
    "fin.k.grade_hint": "The credit grade sets the customer's credit limit and term; finance "
                        "changes it, with the reason (audited).",
    "fin.k.grade_submit": "Change the grade",
    "fin.k.ok_drafted": "The contract is drafted: it now awaits its price approval.",
    "fin.k.ok_approved": "Your approval is recorded.",
    "fin.k.ok_rejected": "Your rejection is recorded.",
    "fin.k.ok_signed": "The signature is recorded.",
    "fin.k.ok_amended": "The amendment is requested: it awaits its approvals.",
    "fin.k.ok_cancelled": "The cancellation is recorded.",
    "fin.k.ok_graded": "The customer's credit grade is changed.",
    "fin.k.ok_language": "The customer's language is set: its people's pages follow it where their browser chose none.",
    "fin.k.language": "Customer's language",
    "fin.k.language_none": "as each reader's browser says",
    "fin.k.language_title": "The customer's language",
    "fin.k.language_hint": "The language the customer's people read datamill in: their pages follow it where their browser chose none.",
    "fin.k.language_submit": "Set the language",
    **{f"fin.k.act.{k}": v for k, v in CONTRACT_STEP_WORDS["en"].items()},
    **{f"kstatus.{k}": v for k, v in _STATUSES.items()},
    "grade.special": "special",
    # the signing approval's top role (the other ledger approval roles are worded in i18n_codes)
    "role.president": "president",
    # the cost-plus quote on a project's budget (as `datamill ledger quote` and the API's)
    "fin.quote.title": "Cost-plus quote",
    "fin.quote.help": "A price from this budget and a guidance gross margin: price excl. VAT "
                      "= budget total ÷ (1 − margin).",
    "fin.quote.margin": "Guidance margin",
    "fin.quote.submit": "Quote",
    "fin.quote.cost": "Estimated cost (budget total)",
    "fin.quote.price": "Price excl. VAT",
    "fin.quote.vat": "VAT ({rate})",
    "fin.quote.total": "Price incl. VAT",
    "fin.quote.bad_margin": "Give the margin as a percentage from 0 up to (not including) 100, "
                            "such as 35.",
    # the invoices of the project's order and the form that issues one (its finance page)
    "fin.inv.title": "Invoices and receipts",
    "fin.inv.issue": "Issue an invoice",
    "fin.inv.number": "Invoice number",
    "fin.inv.issued_on": "Issued on",
    "fin.inv.acceptance": "Accepted delivery",
    "fin.inv.by_amount": "none: invoice by amount (an advance invoice)",
    "fin.inv.acceptance_option": "#{id} accepted {on}: {volume} {unit}, share {share} CNY, "
                                 "invoiced {invoiced} CNY",
    "fin.inv.amount": "Amount excl. VAT",
    "fin.inv.currency": "Currency",
    "fin.inv.hint": "Leave the amount empty to bill the accepted delivery's share, less the "
                    "advance invoices not yet applied; an advance invoice needs its amount. Cash "
                    "the customer paid ahead is offset on the invoice: it asks for the rest.",
    "fin.inv.submit": "Issue the invoice",
    "fin.inv.ok": "Invoice {number} issued: {payable} CNY to pay.",
    "fin.inv.none": "No invoice yet.",
    "fin.inv.total": "Total incl. VAT",
    "fin.inv.advance_applied": "Advance invoiced, applied",
    "fin.inv.prepaid_applied": "Paid ahead, offset",
    "fin.inv.payable": "To pay",
    "fin.inv.advance": "advance",
    "fin.inv.totals": "Invoiced {invoiced} of the order's {amount} CNY excl. VAT ({remainder} "
                      "not invoiced) · asked {asked} · received {received} · open {open} CNY",
    # a red-letter invoice reversing one issued in error
    "fin.inv.reverse": "Reverse…",
    "fin.inv.red_number": "Red-letter invoice number",
    "fin.inv.reason": "Reason",
    "fin.inv.reverse_submit": "Issue the red-letter invoice",
    "fin.inv.reverses": "reverses {number}",
    "fin.inv.reversed": "reversed",
}
