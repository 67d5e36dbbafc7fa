"""English strings of the image annotation workbench (static/image/), merged into ``i18n.EN``;
the page hands them to the workbench (``data-strings``, templates/image/workbench.html)."""

from __future__ import annotations

__all__ = ["EN_IMAGE"]

EN_IMAGE: dict[str, str] = {
    "image.tool.select": "Select (V)",
    "image.tool.box": "Box (B)",
    "image.tool.rotated_box": "Rotated box (R)",
    "image.tool.polygon": "Polygon (P)",
    "image.tool.polyline": "Polyline (L)",
    "image.tool.keypoints": "Keypoints (K)",
    "image.tool.mask": "Mask brush (M)",
    "image.tool.text_line": "Text line (T)",
    "image.tool.wand": "Magic wand (W)",
    "image.tool.grabcut": "Box → polygon (G)",
    "image.grabcut.running": "Finding the object in the box…",
    "image.grabcut.done": "Polygon of {n} points from the box",
    "image.grabcut.failed": "Box → polygon failed: {error}",
    "image.label": "Label",
    "image.label_new": "Label for new objects",
    "image.label_new.hint": "The label of the next object you draw. A selected object's own label is changed in the side panel (or with 1–9).",
    "image.kind.box": "box",
    "image.kind.rotated_box": "rotated box",
    "image.kind.polygon": "polygon",
    "image.kind.polyline": "polyline",
    "image.kind.keypoints": "keypoints",
    "image.kind.mask": "mask",
    "image.kind.text_line": "text line",
    "image.canvas": "Image: draw and edit objects here (Tab walks the objects)",
    "image.undo": "Undo",
    "image.redo": "Redo",
    "image.fit": "Fit",
    "image.copy_previous": "Copy from previous",
    "image.submit": "Submit",
    "image.help": "Shortcuts (?)",
    "image.objects": "Objects",
    "image.objects_count": " ({n})",
    "image.classes": "Image classes",
    "image.details": "Selected object",
    "image.no_selection": "Nothing selected.",
    "image.hide": "Hide",
    "image.show": "Show",
    "image.lock": "Lock",
    "image.unlock": "Unlock",
    "image.delete": "Delete",
    "image.transcription": "Transcription",
    "image.attributes": "Attributes",
    "image.keypoint_next": "Next keypoint: {name}",
    "image.drawing_hint": "Click to add points; double-click or Enter closes; Esc cancels.",
    "image.mask.hint": "Drag to paint into the selected mask (none selected: a new one); Shift-drag erases; [ and ] resize the brush ({r} px); Esc deselects.",
    "image.mask.radius": "Brush radius: {r} px",
    "image.mask.not_allowed": "The class {label} cannot be drawn as a mask.",
    "image.save.saved": "Draft saved",
    "image.save.pending": "Saving…",
    "image.save.offline": "Offline: draft kept in this browser, retrying",
    "image.save.local": "Draft kept in this browser",
    "image.save.refused": "Draft not saved on the server (kept in this browser): {error}",
    "image.save.stale": "Saved from another tab or window meanwhile, so this one was not saved: reload the page to continue from the latest draft.",
    "image.submit.ok": "Submitted",
    "image.submit.failed": "Submit failed: {error}",
    "image.submit.conflict": (
        "Someone changed this item since you opened it (version conflict). Your work is kept "
        "as a draft: reload the page to see it on the item's new version, check it and submit "
        "again."
    ),
    "image.copied": "{n} objects copied from the previous image",
    "image.wand_failed": "The magic wand found no region here.",
    "image.load_failed": "The image could not be loaded: {url}",
    "image.help.title": "Keyboard shortcuts",
    "image.help.close": "Close",
    "image.help.tools": "Tools (only those this project's label schema allows): {tools}",
    "image.help.labels": "1–9 pick the label for new objects and relabel the selected object · the toolbar's “Label for new objects” list changes only the label of objects drawn next",
    "image.help.draw": "Enter / double-click close a polygon · Backspace removes the last point · Esc cancels",
    "image.help.keypoints": "Keypoints: click places the next one · Shift-click occluded · N skips · Enter finishes · a selected instance's panel places a skipped point or changes a visibility",
    "image.help.mask": "Mask brush: drag paints into the selected mask (or a new one) · Shift-drag erases · [ ] brush size",
    "image.help.edit": "Drag handles to edit · Alt-click deletes a vertex · drag the round handle to rotate",
    "image.help.object": "Delete removes · H hides · Ctrl+L locks · Tab on the image selects the next object",
    "image.help.history": "Ctrl+Z undo · Ctrl+Shift+Z / Ctrl+Y redo · Ctrl+Enter submits",
    "image.help.view": "Wheel zoom · Space-drag or middle button pan · F fit · ? this help",
    "image.polygon_crosses": "The polygon crosses itself, so Submit would refuse it: "
                             "take points back with Backspace and place them so that no edges "
                             "cross, then close it again (Enter or double-click).",
    "image.kp.points": "Keypoints",
    "image.kp.visibility.0": "not labelled",
    "image.kp.visibility.1": "occluded",
    "image.kp.visibility.2": "visible",
    "pc.copy_previous": "Copy previous frame (C)",
    "pc.copy_previous_hint": "Add the cuboids of the frame before (same sequence). Where both "
                             "frames have a sensor pose (the manifest's pose column) they are "
                             "moved by the ego motion; otherwise they land where they were: drag "
                             "each (arrow keys nudge it, Q/E turn it) to where its object is now",
    "pc.copied": "{n} cuboid(s) copied from the previous frame",
    "image.copied_fitted": "{n} objects copied from the previous image, {left} left out "
                           "(outside this image, or a mask of another size)",
    "image.polygon_too_small": "The polygon covers less than one square pixel, so Submit would "
                               "refuse it: take points back with Backspace and place them "
                               "further apart, then close it again (Enter or double-click).",
}
