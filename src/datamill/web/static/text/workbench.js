// The text workbench: select text, press a label's number key (or click it) to make a span;
// relabel or delete spans in the list; classes and sentiment as choices. Offsets are code
// points (Python str indices): the text is shown one user-perceived character (grapheme
// cluster: 👍🏽, 👨‍👩‍👧, e + U+0301) per element, each knowing its code-point range, so a
// selection snaps to whole characters and maps to code points, never to UTF-16 units. Every
// span is drawn, nested or overlapping ones as stacked underlines (shorter spans nearer the
// text); hovering a span in the list highlights its characters. A project with the relations
// task draws relations too: pick a head span, a tail span and a label from the schema in the
// side panel (selects and a button, so the keyboard reaches them) and add; each relation has
// a delete button; each relation is drawn on the text as an arc from head to tail (arcs.js).
// Drafts go to localStorage at once and to the server debounced; Ctrl+Enter
// submits.
import { csrfToken, lockSubmittedElsewhere, readOnlyNow, savedWhen, submittedElsewhere } from '../common.js';
import { TimeOnTask } from '../time_on_task.js';
import { arcLayer, drawArcs } from './arcs.js';
import { keyboardSelection } from './caret.js';
import { History } from './history.js';

const root = document.querySelector('[data-text-workbench]');

function parse(value, fallback) {
  try { return JSON.parse(value); } catch (_) { return fallback; }
}

// The text's user-perceived characters as code-point ranges {start, end, text}: what the
// server's validator keeps whole (Unicode extended grapheme clusters); one per code point where
// the browser has no Intl.Segmenter.
function clusters(text) {
  const pieces = typeof Intl !== 'undefined' && Intl.Segmenter
    ? Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (x) => x.segment)
    : Array.from(text);
  const out = [];
  let at = 0;
  for (const piece of pieces) {
    const n = Array.from(piece).length;
    out.push({ start: at, end: at + n, text: piece });
    at += n;
  }
  return out;
}

// Each span's underline level: spans that overlap never share one, shorter spans come first
// (nearer the text), so a nested span sits above the span that holds it. Levels are settled
// within each run of overlapping spans (a long document's thousands of side-by-side spans
// cost one pass, never a comparison of every pair).
function levels(spans) {
  const level = new Array(spans.length).fill(0);
  const byStart = spans.map((_, i) => i).sort((x, y) => spans[x].start - spans[y].start);
  let group = [];
  let reach = -Infinity;
  const settle = () => {
    if (group.length === 1) { level[group[0]] = 0; return; }  // most spans stand alone
    const order = group.sort((x, y) => (spans[x].end - spans[x].start)
      - (spans[y].end - spans[y].start) || spans[x].start - spans[y].start);
    const placed = [];
    for (const i of order) {
      const s = spans[i];
      const taken = new Set(placed.filter((j) => spans[j].start < s.end && s.start < spans[j].end)
        .map((j) => level[j]));
      let k = 0;
      while (taken.has(k)) k += 1;
      level[i] = k;
      placed.push(i);
    }
  };
  for (const i of byStart) {
    if (group.length && spans[i].start >= reach) { settle(); group = []; reach = -Infinity; }
    group.push(i);
    reach = Math.max(reach, spans[i].end);
  }
  if (group.length) settle();
  return level;
}

// Ranges [a, b) sorted and merged where they overlap or touch.
function merged(ranges) {
  const out = [];
  for (const [a, b] of ranges.sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b); else out.push([a, b]);
  }
  return out;
}

// The text is laid out in blocks of about this many characters (see TextWorkbench.blocks),
// each ending after a line break or a sentence's end.
const BLOCK_CHARS = 2000;
const BLOCK_END = /^(\n|\r\n|[。！？；.!?;])$/u;
// More spans than this and the list's rows go unnumbered (see renderList).
const LONG_LIST = 1000;

// A key per span that stays with it while spans are added or removed before it: what the
// underlines and the list rows are kept by, so that a change redraws what it changes.
const spanKeys = new WeakMap();
// What was last drawn of each span: its characters [ga, gb), label and underline level, and
// the render that last saw it (a span no render saw since is gone: its characters are redrawn).
const drawnOf = new WeakMap();
// Each span's row in the list.
const rowOf = new WeakMap();
// Each span's JSON, made again when its label changes (see TextWorkbench.annotationJSON).
const jsonOf = new WeakMap();
function spanJSON(span) {
  let kept = jsonOf.get(span);
  if (!kept || kept.label !== span.label) {
    kept = { label: span.label, json: JSON.stringify(span) };
    jsonOf.set(span, kept);
  }
  return kept.json;
}
let lastKey = 0;
function keyOf(span) {
  if (!spanKeys.has(span)) { lastKey += 1; spanKeys.set(span, lastKey); }
  return spanKeys.get(span);
}

async function post(url, body) {
  const resp = await fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  let data = null;
  try { data = await resp.json(); } catch (_) { data = null; }
  return { ok: resp.ok, status: resp.status, data };
}

class TextWorkbench {
  constructor(el, text) {
    const d = el.dataset;
    this.el = el;
    this.chars = Array.from(text);  // code points
    this.clusters = clusters(text);  // what is shown and selected: whole characters
    this.schema = parse(d.labels, {});
    this.strings = parse(d.strings, {});
    this.tasks = new Set(this.schema.tasks || []);
    this.baseVersion = Number(d.baseVersion || 0);
    this.revision = Number(d.draftRevision || 0);
    this.submitUrl = d.submitUrl;
    this.storageKey = `datamill-text-draft:${this.submitUrl}`;
    let start = parse(d.annotation, {}) || {};
    // a newer draft kept in this browser (the server did not get it, or the page keeps drafts
    // only here: review, inspection) wins over the page's: it was written and never read back
    let kept = null;
    try { kept = parse(localStorage.getItem(this.storageKey), null); } catch (_) { kept = null; }
    if (kept && kept.base_version === this.baseVersion && kept.revision > this.revision && kept.annotation) {
      start = kept.annotation;
      this.revision = kept.revision;
      this.pendingLocal = true;
    }
    this.keep = {};  // parts this workbench does not edit, kept as they came (tasks allowing)
    if (this.tasks.has('segmentation') && start.tokens) this.keep.tokens = start.tokens;
    // the relations (a project with the relations task draws and edits them; others keep none)
    this.relations = this.tasks.has('relations') && this.tasks.has('ner')
      ? (start.relations || []).map((r) => ({ ...r })) : null;
    if (start.attributes) this.keep.attributes = start.attributes;
    this.spans = this.tasks.has('ner') ? (start.spans || []).map((s) => ({ ...s })) : [];
    this.classes = new Set(start.classes || []);
    this.sentiment = start.sentiment || null;
    // the newest server draft revision this page loaded or saved: its submit names it, and the
    // server refuses it (409 stale_draft) when another tab saved a newer draft meanwhile
    this.saved = Number(d.draftRevision || 0);
    this.draftUrl = d.draftUrl;
    this.clock = new TimeOnTask(d.timeSpentMs);  // sent as time_spent_ms
    this.selection = null;
    this.build();
    this.render();
    this.history = new History(this);
    keyboardSelection(this);
    if (this.pendingLocal && this.draftUrl) this.saveTimer = setTimeout(() => this.flush(), 0);
  }

  // the relations whose two spans are still there: a deleted span takes its relations with it
  // (the server refuses a relation without its span: a pre-labelled relation on a wrong span
  // made the task impossible to submit, trial h5)
  liveRelations() {
    const ids = new Set();
    for (const s of this.spans) if (s.id) ids.add(s.id);
    return (this.relations || []).filter((r) => ids.has(r.head) && ids.has(r.tail));
  }

  // a span's id, given one (s1, s2, … not yet used) when a relation first names it; its JSON
  // is made again (spanJSON keeps a span's JSON until its label changes)
  spanId(span) {
    if (span.id) return span.id;
    const used = new Set(this.spans.map((s) => s.id).filter(Boolean));
    let k = 1;
    while (used.has(`s${k}`)) k += 1;
    span.id = `s${k}`;
    jsonOf.delete(span);
    return span.id;
  }

  // adds head → tail with label from the relation panel's selects; refused (said in the
  // status line) when the two spans are one or the relation is there already
  addRelation() {
    if (readOnlyNow(this.el) || !this.relations) return;
    const box = this.el.querySelector('[data-part="relation-new"]');
    const pick = (id) => this.spanByKey.get(Number(box.querySelector(`[data-testid=${id}]`).value));
    const head = pick('text-wb-rel-head');
    const tail = pick('text-wb-rel-tail');
    const label = box.querySelector('[data-testid=text-wb-rel-label]').value;
    if (!head || !tail || head === tail || !label) { this.status(this.strings.rel_pick || 'choose two spans'); return; }
    const r = { head: this.spanId(head), tail: this.spanId(tail), label };
    if (this.relations.some((x) => x.head === r.head && x.tail === r.tail && x.label === r.label)) {
      this.status(this.strings.rel_twice || 'already there');
      return;
    }
    this.relations.push(r);
    this.changed();
    this.status(this.strings.rel_added || 'added');
  }

  annotation() {
    const out = { type: 'text_annotation', schema_version: 1, ...this.keep };
    if (this.relations) out.relations = this.liveRelations();
    out.spans = this.spans.map((s) => ({ ...s }));
    out.classes = [...this.classes];
    if (this.sentiment) out.sentiment = this.sentiment;
    return out;
  }

  // annotation() as JSON, each span's JSON kept until its label changes: a draft of 36,000
  // spans is one join, not 36,000 copies serialised again after every key.
  annotationJSON() {
    const out = { type: 'text_annotation', schema_version: 1, ...this.keep };
    if (this.relations) out.relations = this.liveRelations();
    out.classes = [...this.classes];
    if (this.sentiment) out.sentiment = this.sentiment;
    const head = JSON.stringify(out);
    return `${head.slice(0, -1)},"spans":[${this.spans.map(spanJSON).join(',')}]}`;
  }

  // The draft kept in this browser, written a moment after the last change (and when the page
  // is hidden or left), so a burst of keys on a long document writes it once.
  keepLocal(now = false) {
    clearTimeout(this.localTimer);
    this.localTimer = 0;
    const write = () => {
      this.localTimer = 0;
      if (this.submitted) return;
      try {
        localStorage.setItem(this.storageKey, `{"revision":${this.revision},"base_version":${this.baseVersion},"annotation":${this.annotationJSON()}}`);
      } catch (_) { /* storage disabled or full: the server copy still goes */ }
    };
    if (now) write(); else this.localTimer = setTimeout(write, 300);
  }

  build() {
    this.textEl = this.el.querySelector('.tx-text');
    const labels = this.el.querySelector('.tx-labels');
    (this.schema.entity_labels || []).forEach((label, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.testid = `text-wb-label-${label}`;
      b.className = `ent ent-${i % 6}`;
      b.innerHTML = i < 9 ? `<kbd>${i + 1}</kbd> ` : '';
      b.append(label);
      b.addEventListener('mousedown', (ev) => ev.preventDefault());  // keep the selection
      b.addEventListener('click', () => this.addSpan(label));
      labels.append(b);
    });
    if (!this.tasks.has('ner')) this.el.querySelector('[data-part=labels]').hidden = true;
    if (this.relations) {
      const box = this.el.querySelector('[data-part="relation-new"]');
      box.hidden = false;
      const sel = box.querySelector('[data-testid=text-wb-rel-label]');
      for (const label of this.schema.relation_labels || []) {
        const o = document.createElement('option');
        o.value = label;
        o.textContent = label;
        sel.append(o);
      }
      box.querySelector('[data-testid=text-wb-rel-add]').addEventListener('click', () => this.addRelation());
    }
    const multi = this.tasks.has('multi_label');
    if (multi || this.tasks.has('classification')) {
      const box = this.el.querySelector('.tx-classes');
      box.parentElement.hidden = false;
      for (const c of this.schema.classes || []) {
        const lab = document.createElement('label');
        const inp = document.createElement('input');
        inp.type = multi ? 'checkbox' : 'radio';
        inp.name = 'tx-class';
        inp.value = c;
        inp.dataset.testid = `text-wb-class-${c}`;
        inp.checked = this.classes.has(c);
        inp.addEventListener('change', () => {
          if (!multi) this.classes.clear();
          if (inp.checked) this.classes.add(c); else this.classes.delete(c);
          this.changed();
        });
        lab.append(inp, ` ${c} `);
        box.append(lab);
      }
    }
    if (this.tasks.has('sentiment')) {
      const box = this.el.querySelector('.tx-sentiment');
      box.parentElement.hidden = false;
      for (const v of this.schema.sentiments || []) {
        const lab = document.createElement('label');
        const inp = document.createElement('input');
        inp.type = 'radio';
        inp.name = 'tx-sentiment';
        inp.value = v;
        inp.dataset.testid = `text-wb-sentiment-${v}`;
        inp.checked = this.sentiment === v;
        inp.addEventListener('change', () => { this.sentiment = v; this.changed(); });
        lab.append(inp, ` ${v} `);
        box.append(lab);
      }
    }
    document.addEventListener('selectionchange', () => this.readSelection());
    document.addEventListener('keydown', (ev) => this.key(ev));
    // a change not yet kept in this browser is kept before the page goes away
    window.addEventListener('pagehide', () => { if (this.localTimer) this.keepLocal(true); });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && this.localTimer) this.keepLocal(true);
    });
    this.el.querySelector('[data-testid=text-wb-submit]').addEventListener('click', () => this.submit());
  }

  labelIndex(label) {
    return Math.max(0, (this.schema.entity_labels || []).indexOf(label));
  }

  // Draws the text and the span list. Each character's element is made once; a render
  // redraws only the characters under spans that changed (added, removed, relabelled, or moved
  // to another underline level) since the last one, and the list keeps each span's row: a
  // label key on a long document costs what it changes. (Comparing all 250,000 characters'
  // spans on every key took 0.3–4 s of script and garbage collection with 36,000 spans.)
  render() {
    const level = levels(this.spans);
    if (!this.charEls) {
      this.charEls = this.clusters.map((g, gi) => {
        const el = document.createElement('span');
        el.dataset.i = String(g.start);  // code-point offset of the character
        el.dataset.g = String(gi);
        el.append(g.text);
        return el;
      });
      this.drawn = new Array(this.clusters.length).fill('');
      this.textEl.replaceChildren(this.blocks());
    }
    // each span's characters (first, last + 1) and what is drawn of it (kept per span, no
    // garbage per key); the ranges of the spans whose drawing changed, before and after, are
    // the characters to draw again
    this.generation = (this.generation || 0) + 1;
    const dirty = [];
    this.spans.forEach((s, n) => {
      let d = drawnOf.get(s);
      if (!d) { d = { ga: -1, gb: -1, label: null, level: -1, generation: 0 }; drawnOf.set(s, d); }
      const known = d.ga >= 0 && d.start === s.start && d.end === s.end;
      const ga = known ? d.ga : this.clusterAt(s.start);
      const gb = known ? d.gb : Math.max(ga + 1, this.clusterAt(Math.max(s.start, s.end - 1)) + 1);
      d.start = s.start;
      d.end = s.end;
      if (d.ga !== ga || d.gb !== gb || d.label !== s.label || d.level !== level[n]) {
        if (d.ga >= 0) dirty.push([d.ga, d.gb]);
        dirty.push([ga, gb]);
        Object.assign(d, { ga, gb, label: s.label, level: level[n] });
      }
      d.generation = this.generation;
    });
    for (const s of this.drawnSpans || []) {  // spans gone since the last render
      const d = drawnOf.get(s);
      if (d.generation !== this.generation && d.ga >= 0) { dirty.push([d.ga, d.gb]); d.ga = -1; }
    }
    this.drawnSpans = this.spans.slice();
    if (dirty.length) this.redraw(merged(dirty), level);
    this.renderList();
    this.renderRelations();
  }

  // the relations: head → tail and the label, each span by its words, with a delete button;
  // the head and tail selects list the spans (their picks kept while spans come and go)
  renderRelations() {
    const box = this.el.querySelector('[data-part="relations"]');
    if (!box || !this.relations) return;
    box.hidden = false;
    this.relations = this.liveRelations();  // a deleted span's relations go for good
    const words = new Map();
    for (const s of this.spans) if (s.id) words.set(s.id, this.chars.slice(s.start, s.end).join(''));
    const rows = this.relations.map((r, n) => {
      const li = document.createElement('li');
      li.dataset.testid = `text-wb-relation-${n}`;
      const del = document.createElement('button');
      del.type = 'button';
      del.textContent = '×';
      del.title = this.strings.rel_delete || 'delete';
      del.setAttribute('aria-label', del.title);
      del.dataset.testid = `text-wb-relation-delete-${n}`;
      del.addEventListener('click', () => {
        if (readOnlyNow(this.el)) return;
        this.relations = this.relations.filter((x) => x !== r);
        this.changed();
      });
      li.append(`${words.get(r.head)} → ${words.get(r.tail)} · ${r.label} `, del);
      return li;
    });
    box.querySelector('.tx-relations').replaceChildren(...rows);
    this.scheduleArcs();
    // the selects are made again only when the spans or their labels changed (a relation
    // added or deleted leaves 2 × thousands of options alone)
    const sig = this.spans.map((s) => `${keyOf(s)}:${s.label}`).join(' ');
    if (sig === this.optionsSig) return;
    this.optionsSig = sig;
    this.spanByKey = new Map(this.spans.map((s) => [keyOf(s), s]));
    for (const id of ['text-wb-rel-head', 'text-wb-rel-tail']) {
      const sel = box.querySelector(`[data-testid=${id}]`);
      const was = sel.value;
      sel.replaceChildren(...this.spans.map((s, n) => {
        const o = document.createElement('option');
        o.value = String(keyOf(s));
        o.textContent = `${n + 1}. ${this.chars.slice(s.start, s.end).join('')} · ${s.label}`;
        return o;
      }));
      if (was && this.spanByKey.has(Number(was))) sel.value = was;
      else if (id === 'text-wb-rel-tail' && this.spans.length > 1) sel.selectedIndex = 1;
    }
  }

  // The relations' arcs, drawn once the page has laid out the change (one frame later; a burst
  // of changes draws once) and again when the text's width changes.
  scheduleArcs() {
    if (!this.arcs) {
      this.arcs = arcLayer(this.textEl);
      if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.scheduleArcs()).observe(this.textEl);
    }
    if (this.arcFrame) return;
    this.arcFrame = requestAnimationFrame(() => {
      this.arcFrame = 0;
      const ends = new Map();
      for (const s of this.spans) {
        const d = s.id && drawnOf.get(s);
        if (d && d.ga >= 0) ends.set(s.id, [this.charEls[d.ga], this.charEls[d.gb - 1]]);
      }
      drawArcs(this.arcs, this.liveRelations().map((r) => ({
        head: ends.get(r.head), tail: ends.get(r.tail), label: r.label, headId: r.head, tailId: r.tail })));
    });
  }

  // Draws the characters of the ranges [a, b) again from the spans over them.
  redraw(ranges, level) {
    const length = (n) => this.spans[n].end - this.spans[n].start;
    const place = this.spans.map((sp) => { const d = drawnOf.get(sp); return [d.ga, d.gb]; });
    const byFirst = this.spans.map((_, n) => n).sort((x, y) => place[x][0] - place[y][0]);
    const longest = place.reduce((m, [ga, gb]) => Math.max(m, gb - ga), 0);
    for (const [a, b] of ranges) {
      const cover = Array.from({ length: b - a }, () => []);
      // the spans that may reach the range: those starting at most `longest` before it
      let lo = 0;
      let hi = byFirst.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (place[byFirst[mid]][0] < a - longest) lo = mid + 1; else hi = mid; }
      for (let k = lo; k < byFirst.length && place[byFirst[k]][0] < b; k += 1) {
        const n = byFirst[k];
        const [ga, gb] = place[n];
        for (let gi = Math.max(ga, a); gi < Math.min(gb, b); gi += 1) cover[gi - a].push(n);
      }
      for (let gi = a; gi < b; gi += 1) this.drawChar(gi, cover[gi - a], level, length);
    }
  }

  drawChar(gi, over, level, length) {  // one character with an underline per span over it
    over.sort((x, y) => level[x] - level[y]);
    const drawn = over.map((n) => `${keyOf(this.spans[n])}:${this.spans[n].label}:${level[n]}`).join(' ');
    if (drawn === this.drawn[gi]) return;
    this.drawn[gi] = drawn;
    const g = this.clusters[gi];
    const el = this.charEls[gi];
    let inner = document.createTextNode(g.text);
    for (const n of over) {  // one underline per span, the innermost nearest the text
      const u = document.createElement('span');
      u.className = `ul ul-${this.labelIndex(this.spans[n].label) % 6} lv-${Math.min(level[n], 5)}`;
      u.dataset.span = String(keyOf(this.spans[n]));
      u.append(inner);
      inner = u;
    }
    el.replaceChildren(inner);
    if (over.length) {
      const innermost = [...over].sort((x, y) => length(x) - length(y))[0];
      el.className = `ent ent-${this.labelIndex(this.spans[innermost].label) % 6}`;
      el.title = over.map((n) => this.spans[n].label).join(' · ');
    } else {
      el.removeAttribute('class');
      el.removeAttribute('title');
    }
  }

  // The characters' elements in blocks of about BLOCK_CHARS characters, each ending at a line
  // break or a sentence's end (at 2 × BLOCK_CHARS wherever it is): a change redraws and lays out
  // its block's lines, not a whole long paragraph's (250,000 characters in one paragraph took
  // 8–16 s of line breaking for each label key). A text shorter than a block is one block.
  blocks() {
    const all = document.createDocumentFragment();
    let block = null;
    let count = 0;
    this.charEls.forEach((el, gi) => {
      if (!block) {
        block = document.createElement('div');
        block.className = 'tx-block';
        all.append(block);
        count = 0;
      }
      block.append(el);
      count += 1;
      if ((count >= BLOCK_CHARS && BLOCK_END.test(this.clusters[gi].text)) || count >= 2 * BLOCK_CHARS) {
        block = null;
      }
    });
    return all;
  }

  // The rows in the spans' order. The rows before the first span that changed and after the
  // last one stay where they are; only those between are taken out or put in (a label key adds
  // one row among 36,000). In a list of up to LONG_LIST rows each row's test id names its place
  // (text-wb-span-N, text-wb-delete-N), numbered again from the first change on; a longer
  // list is not numbered, on screen nor in test ids: a span added near the top renumbered (and
  // laid out again) every row below it.
  renderList() {
    const list = this.listEl || (this.listEl = this.el.querySelector('.tx-spans'));
    const long = this.spans.length > LONG_LIST;
    list.classList.toggle('tx-long', long);
    const was = this.listed || [];
    const now = this.spans;
    let head = 0;
    while (head < was.length && head < now.length && was[head] === now[head]) head += 1;
    let tail = 0;
    while (tail < was.length - head && tail < now.length - head
      && was[was.length - 1 - tail] === now[now.length - 1 - tail]) tail += 1;
    const keep = new Set(now.slice(head, now.length - tail));
    for (const s of was.slice(head, was.length - tail)) {
      if (!keep.has(s) && rowOf.has(s)) { rowOf.get(s).remove(); rowOf.delete(s); }
    }
    const before = tail ? rowOf.get(now[now.length - tail]) : null;
    const middle = document.createDocumentFragment();
    for (const s of now.slice(head, now.length - tail)) {
      let li = rowOf.get(s);
      if (!li) { li = this.row(s); rowOf.set(s, li); }
      middle.append(li);  // moved or made, in order
    }
    list.insertBefore(middle, before);
    this.listed = now.slice();
    if (long !== this.long) {  // numbered from the top, or no more
      this.long = long;
      this.numberRows(0, long);
    } else if (!long) this.numberRows(head, false);
  }

  numberRows(from, off) {  // the rows' test ids from place `from` on (off: taken away)
    for (let n = from; n < this.spans.length; n += 1) {
      const li = rowOf.get(this.spans[n]);
      if (off) {
        li.__n = -1;
        delete li.dataset.testid;
        delete li.__del.dataset.testid;
      } else if (li.__n !== n) {
        li.__n = n;
        li.dataset.testid = `text-wb-span-${n}`;
        li.__del.dataset.testid = `text-wb-delete-${n}`;
      }
    }
  }

  row(s) {  // one span's row in the list: its text, its label (a select) and delete
    const li = document.createElement('li');
    const sel = document.createElement('select');
    for (const label of this.schema.entity_labels || []) {
      const o = document.createElement('option');
      o.value = label;
      o.textContent = label;
      o.selected = label === s.label;
      sel.append(o);
    }
    sel.addEventListener('change', () => {  // relabelled: the row is made again, in place
      s.label = sel.value;
      const fresh = this.row(s);
      li.replaceWith(fresh);
      rowOf.set(s, fresh);
      this.changed();
      if (!this.long) this.numberRows(this.spans.indexOf(s), false);
    });
    const del = document.createElement('button');
    del.type = 'button';
    del.textContent = '×';
    del.title = this.strings.delete || 'delete';
    del.addEventListener('click', () => { this.spans = this.spans.filter((x) => x !== s); this.changed(); });
    li.dataset.label = s.label;
    li.tabIndex = 0;
    li.addEventListener('mouseenter', () => this.highlight(s, true));
    li.addEventListener('mouseleave', () => this.highlight(s, false));
    li.addEventListener('focusin', () => this.highlight(s, true));
    li.addEventListener('focusout', () => this.highlight(s, false));
    li.__del = del;
    li.append(`${this.chars.slice(s.start, s.end).join('')} `, sel, ' ', del);
    return li;
  }

  clusterAt(offset) {  // the index of the character holding a code-point offset (binary search)
    let lo = 0;
    let hi = this.clusters.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.clusters[mid].start <= offset) lo = mid; else hi = mid - 1;
    }
    return Math.max(lo, 0);
  }

  highlight(span, on) {  // a span of the list shown in the text
    for (const u of this.textEl.querySelectorAll(`[data-span="${keyOf(span)}"]`)) u.classList.toggle('hl', on);
  }

  readSelection() {
    const sel = document.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    const at = (node) => {  // the index of the character (cluster) holding a boundary
      const el = node.nodeType === 1 ? node : node.parentElement;
      const hit = el && el.closest('[data-g]');
      return hit && this.textEl.contains(hit) ? Number(hit.dataset.g) : null;
    };
    let a = at(range.startContainer);
    let b = at(range.endContainer);
    if (a === null || b === null) return;
    // an end at offset 0 of a character's element or text node does not include that character
    if (range.endOffset === 0 && b > a) b -= 1;
    // nor does a start at the very end of a character's text
    const head = range.startContainer;
    if (head.nodeType === 3 && range.startOffset === head.length && a < b) a += 1;
    const blank = (i) => /^\s+$/u.test(this.clusters[i].text);
    while (a <= b && blank(a)) a += 1;
    while (b >= a && blank(b)) b -= 1;
    // a boundary inside a character (half of 👍🏽) takes the whole character
    this.selection = a <= b ? { start: this.clusters[a].start, end: this.clusters[b].end } : null;
  }

  select(start, end) {  // for keyboard users and tests: code-point offsets, widened to whole characters
    if (!this.clusters.length || end <= start) { this.selection = null; return; }
    const first = this.clusters[this.clusterAt(start)];
    const last = this.clusters[this.clusterAt(end - 1)];
    this.selection = { start: first.start, end: last.end };
  }

  addSpan(label) {
    if (readOnlyNow(this.el)) return;
    if (!this.selection) { this.status(this.strings.select_first || 'select text first'); return; }
    const { start, end } = this.selection;
    if (!this.schema.allow_nested) {
      this.spans = this.spans.filter((s) => s.end <= start || s.start >= end);
    }
    this.spans.push({ start, end, label, text: this.chars.slice(start, end).join('') });
    this.spans.sort((x, y) => x.start - y.start || x.end - y.end);
    this.selection = null;
    const sel = document.getSelection();
    if (sel) sel.removeAllRanges();
    this.changed();
  }

  key(ev) {
    // Ctrl+Enter submits wherever the focus is (a label or relation select kept it: trial h7)
    if ((ev.ctrlKey || ev.metaKey) && ev.key === 'Enter') { ev.preventDefault(); this.submit(); return; }
    if (ev.target instanceof HTMLSelectElement || ev.target instanceof HTMLTextAreaElement) return;
    if (readOnlyNow(this.el)) return;  // submitted elsewhere: no key edits
    if (this.history.key(ev)) return;
    const n = Number(ev.key);
    const labels = this.schema.entity_labels || [];
    if (n >= 1 && n <= 9 && n <= labels.length && this.tasks.has('ner')) {
      ev.preventDefault();
      this.addSpan(labels[n - 1]);
    } else if ((ev.key === 'Delete' || ev.key === 'Backspace') && this.spans.length) {
      if (this.selection) {  // delete the spans under the selection
        const { start, end } = this.selection;
        this.spans = this.spans.filter((s) => s.end <= start || s.start >= end);
        ev.preventDefault();
        this.changed();
      }
    }
  }

  status(text) {
    this.el.querySelector('.tx-status').textContent = text;
  }

  changed() {
    if (readOnlyNow(this.el)) return;
    this.revision += 1;
    if (this.history) this.history.record();
    this.render();
    this.keepLocal();
    if (this.stale) { this.status(this.strings.stale || 'reload the page'); return; }
    this.status(this.draftUrl ? (this.strings.saving || '…') : '');
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.flush(), 600);
  }

  async flush() {
    if (this.submitted || this.stale) return;
    if (!this.draftUrl) { this.status(''); return; }  // review / inspection: kept in this browser
    const sent = { base_version: this.baseVersion, revision: this.revision, time_spent_ms: this.clock.ms() };
    const body = `${JSON.stringify(sent).slice(0, -1)},"annotation":${this.annotationJSON()}}`;
    let ok = false;
    let status = 0;
    let r = null;
    if (this.saving) { clearTimeout(this.saveTimer); this.saveTimer = setTimeout(() => this.flush(), 300); return; }
    this.saving = true;
    try { r = await post(this.draftUrl, body); ok = r.ok; status = r.status; } catch (_) { ok = false; }
    this.saving = false;
    if (this.submitted) return;
    if (submittedElsewhere(r)) { this.markSubmitted(); return; }
    if (status === 409) { this.markStale(); return; }
    if (ok) {
      this.saved = Math.max(this.saved, sent.revision);
      this.status(savedWhen(this.strings.saved || 'saved', r && r.data && r.data.saved_at));
    } else {
      this.status(this.strings.offline || 'offline');
      this.saveTimer = setTimeout(() => this.flush(), 3000);
    }
  }

  // The spec's required answers (a class for classification, a sentiment for sentiment):
  // named before anything is sent (the server refuses them too). True when one is missing.
  missingRequired() {
    const missing = [];
    if ((this.tasks.has('classification') || this.tasks.has('multi_label')) && !this.classes.size) missing.push('classes');
    if (this.tasks.has('sentiment') && !this.sentiment) missing.push('sentiment');
    if (!missing.length) return false;
    this.status(`${this.strings.required || 'required'}: ${missing.map((m) => this.strings[m] || m).join(', ')}`);
    const box = this.el.querySelector(`[data-part=${missing[0]}]`);
    box.classList.add('invalid');
    const first = box.querySelector('input');
    if (first) first.focus();
    return true;
  }

  // another tab or window saved a newer draft: this tab saves and submits no more (its later
  // revisions would overwrite that draft); ask for a reload
  markStale() {
    this.stale = true;
    this.status(this.strings.stale || 'reload the page');
    const btn = this.el.querySelector('[data-testid=text-wb-submit]');
    if (btn) btn.disabled = true;
  }

  // the task was submitted in another tab or window (409 task_submitted): this tab saves and
  // submits no more and goes read-only, saying so; its local copy goes
  markSubmitted() {
    this.stale = true;
    this.submitted = true;  // nothing more is kept or sent from this tab
    clearTimeout(this.saveTimer);
    clearTimeout(this.localTimer);
    try { localStorage.removeItem(this.storageKey); } catch (_) { /* disabled */ }
    this.status(this.strings.submitted);
    lockSubmittedElsewhere(this.el, this.strings.submitted);
  }

  async submit() {
    if (readOnlyNow(this.el)) return;
    if (this.stale) { this.markStale(); return; }
    if (this.missingRequired()) return;
    const btn = this.el.querySelector('[data-testid=text-wb-submit]');
    btn.disabled = true;
    clearTimeout(this.saveTimer);
    // a draft save on its way first: the revision named must be the server's answer to it
    while (this.saving) await new Promise((done) => { setTimeout(done, 50); });
    if (this.stale) { this.markStale(); return; }
    const r = await post(this.submitUrl, { base_version: this.baseVersion,
      annotation: this.annotation(), time_spent_ms: this.clock.ms(), draft_revision: this.saved });
    if (r.ok) {
      this.submitted = true;
      clearTimeout(this.localTimer);
      localStorage.removeItem(this.storageKey);
      const next = r.data && r.data.next_url;
      if (typeof next === 'string' && next.startsWith('/')) window.location.assign(next);
      return;
    }
    if (r.status === 409 && r.data && r.data.reason_code === 'stale_draft') { this.markStale(); return; }
    if (submittedElsewhere(r)) { this.markSubmitted(); return; }
    const error = (r.data && (r.data.detail || r.data.title)) || r.status;
    // unsaved edits go out first (the submit cleared their save): a reload after a 409 resumes
    if (this.revision > this.saved) await this.flush();
    if (this.stale) return;
    // the server words a refused annotation in the page's language; "提交失败：…" on zh-CN pages
    this.status(r.status === 409 ? this.strings.conflict
      : `${this.strings.failed || 'failed'}${this.strings.colon || ': '}${error}`);
    btn.disabled = false;
  }
}

async function boot() {
  if (!root) return;
  let text = parse(root.dataset.text, '') || '';
  if (!text) {  // a long document: its text is not in the item attributes
    const resp = await fetch(root.dataset.mediaUrl, { credentials: 'same-origin' });
    text = (await resp.text()).replace(/^\uFEFF/, '');
  }
  root.__workbench = new TextWorkbench(root, text);
  root.dataset.ready = '1';
}

boot();
