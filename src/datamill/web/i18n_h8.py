"""English strings trial h8's walk through a new installation found missing, merged into
``i18n.EN``."""

from __future__ import annotations

__all__ = ["EN_H8"]

EN_H8: dict[str, str] = {
    "home.no_projects_at_all": "There are no projects yet.",
    "home.create_project_hint": (
        "Create one from a dataset spec (YAML or JSON; the README's Concepts table lists its "
        "fields): {command}, or {api} with the spec as its body. You become its member."
    ),
    "wb.draft_outdated": (
        "Someone changed this item after your draft was saved (your draft was made on version "
        "{old}; the item is now at version {new}). Your draft is shown here: check it against "
        "the change before you submit."
    ),
    "llm.choose_first": (
        "Not submitted: choose the better response first (press 1 or 2, or = for a tie)."
    ),
    "llm.sft_hint": "Ctrl+Z brings back a removed turn or a changed role (Ctrl+Shift+Z or Ctrl+Y redoes); Ctrl+Enter submits.",
    "tx.text_keys": (
        "The text: ← and → select a character, Shift with them extends the selection; a "
        "label's number key marks it"
    ),
    "llm.rate_first": "Not submitted: mark every criterion first: {names}.",
    "llm.list_sep": ", ",
}
