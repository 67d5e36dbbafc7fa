// Selecting text from the keyboard in the text workbench. The text was not focusable and not
// editable, so only a mouse could select (Shift+arrows did nothing; a keyboard-only annotator
// could mark no span). Now the text takes the focus (Tab); ← / → move over one character
// (Home / End: to the first / last) and select it, Shift with them extends the selection from
// where it began. The selection is the page's own (a DOM range over the characters' elements),
// so the workbench reads it as it reads a mouse selection: a label's number key marks it,
// Delete removes the spans under it.
const MOVES = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity };

export function keyboardSelection(wb) {
  const el = wb.textEl;
  el.tabIndex = 0;
  el.setAttribute('role', 'textbox');
  el.setAttribute('aria-readonly', 'true');
  el.setAttribute('aria-multiline', 'true');
  if (wb.strings.text_keys) el.setAttribute('aria-label', wb.strings.text_keys);
  let anchor = -1;
  let focus = -1;
  el.addEventListener('keydown', (ev) => {
    const move = MOVES[ev.key];
    const n = wb.clusters.length;
    if (move === undefined || ev.ctrlKey || ev.metaKey || ev.altKey || !n || !wb.charEls) return;
    ev.preventDefault();
    // start from the selection the mouse left, if any
    const had = wb.selection;
    if (focus < 0 && had) { anchor = wb.clusterAt(had.start); focus = wb.clusterAt(had.end - 1); }
    const from = focus < 0 ? (move > 0 ? -1 : n) : focus;
    focus = Math.min(n - 1, Math.max(0, from + move));
    if (!ev.shiftKey || anchor < 0) anchor = focus;
    const a = Math.min(anchor, focus);
    const b = Math.max(anchor, focus);
    const range = document.createRange();
    range.setStart(wb.charEls[a], 0);
    range.setEnd(wb.charEls[b], wb.charEls[b].childNodes.length);
    const sel = document.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    wb.charEls[focus].scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });
}
