"""English strings of the data-security page's item-classification and encrypt-existing forms
and of the audit page's record table, merged into ``i18n.EN`` (one catalogue; kept here because ``i18n.py`` is near its size limit)."""

from __future__ import annotations

__all__ = ["EN_SECURITY"]

EN_SECURITY: dict[str, str] = {
    "sec.items_h": "Items classified above their project",
    "sec.item": "Item",
    "sec.external_id": "External id",
    "sec.set_by": "Classified by",
    "sec.set_at": "When",
    "sec.import": "(import)",
    "sec.items_none": "No item is classified above its project.",
    "sec.classify_item": "Classify the item",
    "sec.items_help": "An item may only be classified above its project's level: people whose clearance is below it never claim it and cannot read it.",
    "sec.ok.item_classified": "The item's classification is saved.",
    "sec.encrypt_h": "Encrypt existing blobs",
    "sec.encrypt": "Encrypt existing blobs now",
    "sec.encrypt_help": "Encrypts in place every blob stored before the master key was set; blobs already encrypted are skipped, so the run can be repeated. Large stores take a while: `datamill security encrypt-existing --as admin` does the same on the server with progress.",
    "sec.ok.encrypted": "The blob store was encrypted.",
    "sec.enc.total": "Blobs",
    "sec.enc.encrypted": "Encrypted now",
    "sec.enc.skipped": "Already encrypted (skipped)",
    "sec.enc.mismatched": "Left plaintext: content does not match its name",
    # the audit page's record table (who did what)
    "audit.log_h": "Who did what",
    "audit.f.actor": "Person (username)",
    "audit.f.action": "Action starts with",
    "audit.f.object_type": "Object type",
    "audit.f.object_id": "Object id",
    "audit.f.project": "Project id",
    "audit.f.since": "From",
    "audit.f.until": "To",
    "audit.filter": "Filter",
    "audit.clear": "Clear filters",
    "audit.filter_error": "These filters cannot be used:",
    "audit.col.at": "Time (UTC)",
    "audit.col.actor": "Person",
    "audit.col.action": "Action",
    "audit.col.object": "Object",
    "audit.col.project": "Project",
    "audit.col.data": "Details",
    "audit.system": "system",
    "audit.log_empty": "No record matches these filters.",
    "audit.showing": "Records",
    "audit.newer": "Newer",
    "audit.older": "Older",
    "audit.log_help": "Newest first. Dates are ISO (2024-05-01) and include the whole day; personal data in the details is masked. The same list: `datamill audit list --as USER` and GET /api/v1/audit/records.",
}
