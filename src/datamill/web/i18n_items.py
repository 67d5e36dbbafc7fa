"""English strings of the project's items page (``project_items.html``)."""

from __future__ import annotations

__all__ = ["EN_ITEMS"]

EN_ITEMS: dict[str, str] = {
    "items.link": "Items",
    "items.title": "Items",
    "items.any_status": "any status",
    "items.import_run": "Import",
    "items.search": "External id contains",
    "items.apply": "Show",
    "items.clear": "All items",
    "items.of_run": "The items of import {run}.",
    "items.showing": "Items {first} to {last} of {total}.",
    "items.none": "No items match.",
    "items.vendor": "Collection vendor",
    "items.vendor_no": "vendor {id}",
    "items.created": "Created",
    "items.prev": "← Previous page",
    "items.next": "Next page →",
    "imp.all_items": "All items of this import",
    "items.of_item": "Only item {item}.",
    "rv.no_majority": "No majority: {answers}. Nothing is preselected; choose the answer.",
    "rv.no_majority_and": " vs ",
    "rv.split_relation": "Relation between “{head}” and “{tail}”",
    "rv.split_no_relation": "(no relation)",
    "rv.split_class": "Class",
    "rv.split_no_class": "(no class)",
    "rv.split_sentiment": "Sentiment",
    "rv.split_label_q": "Label “{label}”",
    "rv.split_yes": "yes",
    "rv.split_no": "no",
    "rv.split_box": "Box at x {x}, y {y}, {w}×{h} px",
    "rv.split_no_box": "(no box)",
    "rv.split_rotated": "Rotated box near x {x}, y {y}",
    "rv.split_no_rotated": "(no rotated box)",
    "rv.split_polygon": "Polygon near x {x}, y {y}",
    "rv.split_no_polygon": "(no polygon)",
    "rv.split_line": "Text line near x {x}, y {y}",
    "rv.split_no_line": "(no text line)",
}
