// Undo / redo for the text workbench (Ctrl+Z; Ctrl+Shift+Z or Ctrl+Y): what it edits (the
// spans with their labels and ids, the relations, the classes, the sentiment) as it was before
// each change. A span deleted by its ×, by Delete, or replaced by a new span over it (without
// nested spans a new span takes the place of those it overlaps) came back only by marking it
// again: the workbench had no undo at all.
//
// A state keeps the span objects and, beside them, their labels and ids (a relabel or a
// relation's first naming changes a span in place): taking one costs two arrays however long
// the document, and a restored span whose label or id changed since is a new object, so the
// workbench's per-span caches (its drawing, its row, its JSON) are made again for it only.
const LIMIT = 500;

function take(wb) {
  return {
    spans: wb.spans.slice(),
    labels: wb.spans.map((s) => s.label),
    ids: wb.spans.map((s) => s.id),
    relations: wb.relations ? wb.relations.slice() : null,
    classes: new Set(wb.classes),
    sentiment: wb.sentiment,
  };
}

function put(wb, st) {
  wb.spans = st.spans.map((s, i) => (s.label === st.labels[i] && s.id === st.ids[i] ? s
    : { ...s, label: st.labels[i], id: st.ids[i] }));
  for (const s of wb.spans) if (s.id === undefined) delete s.id;
  if (wb.relations) wb.relations = (st.relations || []).slice();
  wb.classes = new Set(st.classes);
  wb.sentiment = st.sentiment;
  for (const inp of wb.el.querySelectorAll('input[name=tx-class]')) inp.checked = wb.classes.has(inp.value);
  for (const inp of wb.el.querySelectorAll('input[name=tx-sentiment]')) inp.checked = wb.sentiment === inp.value;
}

export class History {
  constructor(wb) {
    this.wb = wb;
    this.undos = [];
    this.redos = [];
    this.last = take(wb);  // the state after the latest change
    this.restoring = false;
  }

  // after every change (TextWorkbench.changed): the state before it can be had back
  record() {
    if (this.restoring) return;
    this.undos.push(this.last);
    if (this.undos.length > LIMIT) this.undos.shift();
    this.redos = [];
    this.last = take(this.wb);
  }

  step(from, to) {
    if (!from.length) return;
    to.push(take(this.wb));
    put(this.wb, from.pop());
    this.wb.selection = null;
    this.restoring = true;
    try { this.wb.changed(); } finally { this.restoring = false; }
    this.last = take(this.wb);
  }

  undo() { this.step(this.undos, this.redos); }

  redo() { this.step(this.redos, this.undos); }

  // the keys; true when one was taken
  key(ev) {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return false;
    // a text field keeps its own undo (none is the workbench's; a page may hold one)
    if (ev.target instanceof HTMLInputElement && !['radio', 'checkbox'].includes(ev.target.type)) return false;
    const k = ev.key.toLowerCase();
    if (k === 'z' && !ev.shiftKey) this.undo();
    else if ((k === 'z' && ev.shiftKey) || k === 'y') this.redo();
    else return false;
    ev.preventDefault();
    return true;
  }
}
