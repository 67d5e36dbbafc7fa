// The point-cloud workbench: a bird's-eye view of a lidar frame (points coloured by height,
// wheel zoom at the cursor, pan with the middle button or Space+drag, F fits) and its 3D
// cuboids (drawn as rotated footprints with a heading tick). Draw a rough box from above,
// then drag its heading (a click keeps heading 0): the server fits the cuboid to the points
// (fit_cuboid), and it becomes an object of the current label. Drafts autosave; Ctrl+Enter
// submits. Mounts on every <div data-pointcloud-workbench> (pointcloud/_workbench.html).
import { inside, normYaw, quantile, rad, resizeEdge } from './geometry.js';
import { buildClasses, buildLabels, renderClasses, renderDetails, renderList } from './panel.js';
import { assist, fitCuboid, flush, scheduleSave, submit } from './save.js';
import { HANDLE_PX, PALETTE, colourPoints, draw, handles, rampCss } from './view.js';

const clone = (v) => JSON.parse(JSON.stringify(v));
const round = (v, d = 4) => Math.round(v * 10 ** d) / 10 ** d;
const GEOMETRY = ['x', 'y', 'z', 'length', 'width', 'height', 'yaw'];
let active = null; // the workbench the keyboard talks to (the last one used)

function parse(text, fallback) {
  if (!text) return fallback;
  try { return JSON.parse(text); } catch (_) { return fallback; }
}

// An annotation embedded in the page: a document, or its canonical text (what an inspection
// keeps of the delivered and the inspector's versions), parsed once more.
function parseDocument(text, fallback) {
  const value = parse(text, fallback);
  return typeof value === 'string' ? parse(value, fallback) : value;
}

function typing(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLSelectElement
    || target instanceof HTMLTextAreaElement;
}

export class PointCloudWorkbench {
  constructor(root) {
    this.t0 = performance.now();
    this.root = root;
    const d = root.dataset;
    this.strings = parse(d.strings, {});
    this.schema = parse(d.labels, {}) || {};
    this.labels = this.schema.labels || [];
    this.readonly = d.readonly === '1';
    this.pointsUrl = d.pointsUrl;
    this.draftUrl = d.draftUrl || '';
    this.submitUrl = d.submitUrl || '';
    this.assistUrl = d.assistUrl || '';
    this.baseVersion = Number(d.baseVersion || 0);
    this.autosaveMs = Number(d.autosaveMs || 800);
    this.storageKey = `datamill:pointcloud-draft:${this.submitUrl || this.pointsUrl}`;
    const inline = root.querySelector('script[data-annotation-json]');
    let ann = parseDocument(inline ? inline.textContent : '', {}) || {};
    const prev = root.querySelector('script[data-previous-json]');
    this.previous = prev ? parseDocument(prev.textContent, null) : null;
    const carried = root.querySelector('script[data-carried-json]');
    this.carried = carried ? parseDocument(carried.textContent, null) : null;
    this.revision = Number(d.draftRevision || 0);
    this.spentBefore = Number(d.timeSpentMs || 0);
    const local = this.readonly ? null : parse(localStorage.getItem(this.storageKey), null);
    if (local && local.pending && local.base_version === this.baseVersion
        && local.revision >= this.revision && local.annotation) {
      ann = local.annotation;
      this.revision = local.revision;
      this.restored = true;
    }
    this.objects = (ann.objects || []).map((o) => ({ attributes: {}, ...clone(o) }));
    // the numbers as they came, by object id: an untouched box is sent back exactly so (not
    // rounded), so comparisons with the version it came from do not see it moved
    this.given = new Map(this.objects.filter((o) => o.id).map((o) => [o.id, clone(o)]));
    this.assignIds();
    this.classes = new Set(ann.classes || []);
    // point segmentation (a spec with point_classes): the frame's labels, run-length over its
    // points; made on the server from the boxes and the ground (label_points), again at submit
    this.pointClasses = this.schema.point_classes || [];
    this.pointLabels = ann.point_labels || [];
    this.hidden = new Set();
    this.locked = new Set();
    this.sel = null;
    this.tool = 'select';
    this.label = this.labels.length ? this.labels[0].name : 'object';
    this.view = { s: 10, tx: 0, ty: 0 };
    this.undoStack = [];
    this.redoStack = [];
    this.draft = null;
    this.drag = null;
    this.retries = 0;
    this.canvas = root.querySelector('canvas[data-part="bev"]');
    this.sideCanvas = root.querySelector('canvas[data-part="side"]');
    this.ctx = this.canvas.getContext('2d');
    buildLabels(this);
    buildClasses(this);
    this.bind();
    this.resize();
    this.refreshPanel();
    if (!active && !this.readonly) active = this;
  }

  // ------------------------------------------------------------ strings and status

  t(key, vars = {}) {
    return (this.strings[key] || key).replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
  }

  status(text) { this.root.querySelector('[data-testid="pc-wb-status"]').textContent = text; }

  saveStatus(text) {
    const s = this.root.querySelector('[data-testid="pc-wb-save"]');
    if (s) s.textContent = text;
  }

  // The server's refusal, word for word (empty: hidden).
  showError(text) {
    const e = this.root.querySelector('[data-testid="pc-wb-error"]');
    if (!e) return;
    e.hidden = !text;
    e.querySelector('[data-part="error-text"]').textContent = text;
  }

  timeSpent() { return Math.round(this.spentBefore + performance.now() - this.t0); }

  // ------------------------------------------------------------ loading

  async start() {
    this.status(this.t('loading'));
    // submit once the frame is shown: never an annotation of points nobody saw
    this.canSubmit = false;
    try {
      const resp = await fetch(this.pointsUrl, { credentials: 'same-origin' });
      if (!resp.ok) throw new Error(String(resp.status));
      // float64 for a frame in map/UTM coordinates (float32 would move its points)
      const wide = /dtype=float64/.test(resp.headers.get('Content-Type') || '');
      const buf = await resp.arrayBuffer();
      this.points = wide ? new Float64Array(buf) : new Float32Array(buf);
      this.canSubmit = true;
    } catch (err) {
      this.points = new Float32Array(0);
      this.status(`${this.t('load_failed')} (${err.message || err})`);
    }
    const n = this.points.length / 4;
    const z = new Float32Array(n);
    for (let i = 0; i < n; i += 1) z[i] = this.points[i * 4 + 2];
    this.zlo = quantile(z, 0.02);
    this.zhi = Math.max(quantile(z, 0.98), this.zlo + 0.5);
    this.ground = quantile(z, 0.05);
    this.colours = colourPoints(this.points, this.zlo, this.zhi);
    const legend = this.root.querySelector('[data-part="legend"]');
    if (legend) {
      legend.querySelector('.pcwb-ramp').style.background = rampCss();
      legend.querySelector('[data-part="zlo"]').textContent = this.zlo.toFixed(1);
      legend.querySelector('[data-part="zhi"]').textContent = this.zhi.toFixed(1);
    }
    this.root.querySelector('[data-part="count"]').textContent = this.t('points', { n: n.toLocaleString() });
    if (n) this.status('');
    this.fit();
    this.draw();
    if (this.restored) scheduleSave(this);
    this.ready = true;
    const btn = this.root.querySelector('[data-testid="pc-wb-submit"]');
    if (btn) btn.disabled = !this.canSubmit;
    this.root.dataset.ready = '1';
  }

  // ------------------------------------------------------------ model

  assignIds() {
    const taken = new Set(this.objects.map((o) => o.id).filter(Boolean));
    let n = 0;
    for (const o of this.objects) {
      if (o.id) continue;
      do { n += 1; } while (taken.has(`o${n}`));
      o.id = `o${n}`;
      taken.add(o.id);
    }
  }

  nextId() {
    let n = this.objects.length + 1;
    const taken = new Set(this.objects.map((o) => o.id));
    while (taken.has(`o${n}`)) n += 1;
    return `o${n}`;
  }

  spec(name) { return this.labels.find((l) => l.name === name) || null; }

  colour(label) {
    const i = this.labels.findIndex((l) => l.name === label);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  }

  byId(id) { return this.objects.find((o) => o.id === id) || null; }

  selected() { return this.byId(this.sel); }

  editable(o) { return Boolean(o) && !this.readonly && !this.locked.has(o.id); }

  annotation() {
    const known = this.schema.scene_classes || [];
    const objects = this.objects.map((o) => {
      const out = { id: o.id, label: o.label };
      const given = this.given.get(o.id);
      for (const k of GEOMETRY) {
        const v = k === 'yaw' ? normYaw(o[k]) : o[k];
        out[k] = given && given[k] === o[k] ? v : round(v);
      }
      for (const k of ['length', 'width', 'height']) out[k] = Math.max(out[k], 0.01);
      if (o.track_id) out.track_id = o.track_id;
      const attrs = {};
      for (const [k, v] of Object.entries(o.attributes || {})) if (v !== null && v !== '') attrs[k] = v;
      out.attributes = attrs;
      return out;
    });
    const classes = known.filter((c) => this.classes.has(c))
      .concat([...this.classes].filter((c) => !known.includes(c)));
    const doc = { type: 'pointcloud_annotation', schema_version: 1, objects, classes };
    if (this.pointClasses.length || this.pointLabels.length) doc.point_labels = this.pointLabels;
    return doc;
  }

  // The frame's point labels from the boxes drawn and the ground plane (the server's
  // label_points tool); true when they were made, else the reason is shown (the server's
  // words: e.g. no box's label names a point class). Boxes whose label names no point class
  // label none of their points: the notice names those labels. At submit (``submitting``)
  // such boxes do not stop the labelling; the first submit that meets them stops to say so,
  // the next one with the same labels goes on.
  async labelPoints(submitting = false) {
    if (!this.assistUrl || !this.pointClasses.length) return false;
    this.status(this.t('labelling'));
    this.notice('');
    const url = this.assistUrl.replace(/[^/]+$/, 'label_points');
    const params = { objects: this.annotation().objects };
    if (submitting) params.allow_unmatched = true;
    const r = await assist(this, url, params);
    if (!r.point_labels) {
      this.status(this.t('label_failed', { error: r.error }));
      return false;
    }
    this.pointLabels = r.point_labels;
    // the class names as the spec names them; the points of no class in the page's words
    const counts = Object.entries(r.counts || {}).map(
      ([k, v]) => `${k === 'unlabeled' ? this.t('unlabeled') : k} ${v.toLocaleString()}`);
    this.status(this.t('labelled', { counts: counts.join(' · ') }));
    const unmatched = (r.unmatched_labels || []).join(', ');
    if (!unmatched) return true;
    this.notice(this.t('label_unmatched', { labels: unmatched, boxes: r.unmatched_boxes }));
    if (!submitting || this.unmatchedSeen === unmatched) return true;
    this.unmatchedSeen = unmatched;  // said once: the next submit goes on
    this.notice(this.t('label_unmatched_submit', { labels: unmatched, boxes: r.unmatched_boxes }));
    return false;
  }

  // What labelling the points left to say (empty: hidden).
  notice(text) {
    const n = this.root.querySelector('[data-testid="pc-wb-notice"]');
    if (!n) return;
    n.hidden = !text;
    n.textContent = text || '';
  }

  // ------------------------------------------------------------ history (whole snapshots)

  snapshot() { return { objects: clone(this.objects), classes: [...this.classes] }; }

  restore(snap) {
    this.objects = clone(snap.objects);
    this.classes = new Set(snap.classes);
    if (!this.byId(this.sel)) this.sel = null;
  }

  // Record a change already made (``before``: the snapshot taken before it).
  commit(before) {
    if (JSON.stringify(before) === JSON.stringify(this.snapshot())) { this.refresh(); return; }
    this.undoStack.push(before);
    if (this.undoStack.length > 300) this.undoStack.shift();
    this.redoStack = [];
    this.changed();
  }

  change(fn) {
    if (this.readonly) return;
    const before = this.snapshot();
    fn();
    this.commit(before);
  }

  undo() {
    if (this.draft) { this.cancelDraft(); return; }
    const snap = this.undoStack.pop();
    if (!snap) return;
    this.redoStack.push(this.snapshot());
    this.restore(snap);
    this.changed();
  }

  redo() {
    const snap = this.redoStack.pop();
    if (!snap) return;
    this.undoStack.push(this.snapshot());
    this.restore(snap);
    this.changed();
  }

  changed() {
    this.refresh();
    scheduleSave(this);
  }

  refresh() {
    this.refreshPanel();
    this.requestDraw();
  }

  refreshPanel() {
    renderList(this);
    renderDetails(this);
    renderClasses(this);
    const u = this.root.querySelector('[data-testid="pc-wb-undo"]');
    if (u) u.disabled = !this.undoStack.length;
    const r = this.root.querySelector('[data-testid="pc-wb-redo"]');
    if (r) r.disabled = !this.redoStack.length;
  }

  // ------------------------------------------------------------ edits

  add(cuboid) {
    const o = { id: this.nextId(), label: this.label, attributes: {}, ...cuboid };
    this.change(() => { this.objects.push(o); this.sel = o.id; });
    return o;
  }

  // The previous frame's cuboids (CVAT's "propagate"), added as one undoable step: new ids,
  // the same labels, sizes and track ids, to be moved where the objects are now. A track the
  // frame already has is not copied again (one track is one object a frame: pressing C twice
  // added every track twice, which the server refuses as duplicate_track).
  copyPrevious() {
    const all = (this.carried && Array.isArray(this.carried.objects)) ? this.carried.objects : [];
    const here = new Set(this.objects.map((o) => o.track_id).filter((t) => t != null));
    const from = all.filter((c) => c.track_id == null || !here.has(c.track_id));
    if (this.readonly || !from.length) return 0;
    this.change(() => {
      for (const c of from) this.objects.push({ attributes: {}, ...clone(c), id: this.nextId() });
    });
    this.status(this.t('copied', { n: from.length }));
    return from.length;
  }

  remove(id) {
    const o = this.byId(id);
    if (!this.editable(o)) return;
    this.change(() => {
      this.objects = this.objects.filter((x) => x.id !== id);
      if (this.sel === id) this.sel = null;
    });
  }

  relabel(id, label) {
    const o = this.byId(id);
    if (!this.editable(o) || o.label === label) return;
    this.change(() => {
      o.label = label;
      const spec = this.spec(label);
      const names = new Set(((spec && spec.attributes) || []).map((a) => a.name));
      o.attributes = Object.fromEntries(Object.entries(o.attributes || {}).filter(([k]) => names.has(k)));
    });
  }

  setField(id, name, value) {
    const o = this.byId(id);
    if (!this.editable(o)) return;
    if (['length', 'width', 'height'].includes(name) && !(value > 0)) { this.refresh(); return; }
    this.change(() => { o[name] = name === 'yaw' ? normYaw(value) : value; });
  }

  setAttribute(id, name, value) {
    const o = this.byId(id);
    if (!this.editable(o)) return;
    this.change(() => {
      o.attributes = { ...(o.attributes || {}) };
      if (value === null || value === undefined) delete o.attributes[name];
      else o.attributes[name] = value;
    });
  }

  toggleClass(name, on) {
    this.change(() => { if (on) this.classes.add(name); else this.classes.delete(name); });
  }

  toggleHidden(id) {
    if (this.hidden.has(id)) this.hidden.delete(id); else this.hidden.add(id);
    this.refresh();
  }

  toggleLocked(id) {
    if (this.locked.has(id)) this.locked.delete(id); else this.locked.add(id);
    this.refresh();
  }

  select(id, centre = false) {
    this.sel = id;
    const o = this.byId(id);
    if (o && centre && !this.visible(o.x, o.y)) this.centreOn(o.x, o.y);
    this.refresh();
  }

  // The label for new boxes; with ``relabelSelected`` the selected box takes it too.
  setLabel(name, relabelSelected = true) {
    if (!this.spec(name) && this.labels.length) return;
    this.label = name;
    const sel = this.root.querySelector('[data-testid="pc-wb-label"]');
    if (sel) sel.value = name;
    if (relabelSelected && this.sel) this.relabel(this.sel, name);
  }

  rotateSelected(delta) {
    const o = this.selected();
    if (this.editable(o)) this.change(() => { o.yaw = normYaw(o.yaw + delta); });
  }

  nudgeSelected(dx, dy) {
    const o = this.selected();
    if (this.editable(o)) this.change(() => { o.x += dx; o.y += dy; });
  }

  // ------------------------------------------------------------ creating: rough box -> fit

  cancelDraft() {
    if (!this.draft) return;
    this.draft = null;
    this.status('');
    this.requestDraw();
  }

  // A default-height box on the footprint (when the server finds no points in it).
  defaultBox(rough) {
    const spec = this.spec(this.label);
    const height = spec && spec.typical_size ? spec.typical_size[2] : 1.5;
    const zs = [];
    const p = this.points || [];
    for (let i = 0; i < p.length; i += 4) if (inside(rough, p[i], p[i + 1], 0.3)) zs.push(p[i + 2]);
    const floor = zs.length ? quantile(zs, 0.02) : this.ground || 0;
    return { ...rough, z: floor + height / 2, height };
  }

  // A rough footprint {x, y, yaw, length, width} becomes a fitted cuboid of the current
  // label (or a default-height box, with the server's message, when it finds no points).
  async createFromFootprint(rough) {
    if (this.readonly) return null;
    const clean = { x: rough.x, y: rough.y, yaw: normYaw(rough.yaw || 0),
      length: Math.max(rough.length, 0.1), width: Math.max(rough.width, 0.1) };
    this.draft = { rough: clean, fitting: true };
    this.requestDraw();
    let cuboid = null;
    if (this.assistUrl) {
      this.status(this.t('fitting'));
      const r = await fitCuboid(this, clean);
      if (r.cuboid) {
        cuboid = r.cuboid;
        this.status(this.t('fitted', { n: r.points }));
      } else {
        this.status(this.t('fit_failed', { error: r.error }));
      }
    }
    this.draft = null;
    return this.add(cuboid || this.defaultBox(clean));
  }

  // ------------------------------------------------------------ view

  resize() {
    const r = this.canvas.parentElement.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.cw = Math.max(1, r.width);
    this.ch = Math.max(1, r.height);
    this.canvas.width = Math.round(this.cw * this.dpr);
    this.canvas.height = Math.round(this.ch * this.dpr);
  }

  // The whole frame in view (the points' 1st..99th percentile box, the sensor included).
  fit() {
    const p = this.points || [];
    const xs = [];
    const ys = [];
    for (let i = 0; i < p.length; i += 4) { xs.push(p[i]); ys.push(p[i + 1]); }
    for (const o of this.objects) { xs.push(o.x); ys.push(o.y); }
    const [qx0, qx1, qy0, qy1] = [quantile(xs, 0.01), quantile(xs, 0.99), quantile(ys, 0.01),
      quantile(ys, 0.99)];
    // the sensor (0, 0) too, unless the frame is in map coordinates, kilometres away from it
    const sensor = [qx0, qx1, qy0, qy1].every((v) => !(Math.abs(v) > 2000));
    const x0 = (sensor ? Math.min(qx0, 0) : qx0) - 1;
    const x1 = (sensor ? Math.max(qx1, 0) : qx1) + 1;
    const y0 = (sensor ? Math.min(qy0, 0) : qy0) - 1;
    const y1 = (sensor ? Math.max(qy1, 0) : qy1) + 1;
    const s = Math.min(this.cw / (y1 - y0), this.ch / (x1 - x0)) * 0.96;
    this.view = { s, tx: this.cw / 2 + ((y0 + y1) / 2) * s, ty: this.ch / 2 + ((x0 + x1) / 2) * s };
    this.requestDraw();
  }

  centreOn(x, y) {
    this.view.tx = this.cw / 2 + y * this.view.s;
    this.view.ty = this.ch / 2 + x * this.view.s;
    this.requestDraw();
  }

  visible(x, y) {
    const [sx, sy] = this.toScreen(x, y);
    return sx >= 0 && sy >= 0 && sx <= this.cw && sy <= this.ch;
  }

  zoomAt(factor, px, py) {
    const v = this.view;
    const s = Math.min(2000, Math.max(0.5, v.s * factor));
    v.tx = px - ((px - v.tx) * s) / v.s;
    v.ty = py - ((py - v.ty) * s) / v.s;
    v.s = s;
    this.requestDraw();
  }

  toScreen(x, y) { return [this.view.tx - y * this.view.s, this.view.ty - x * this.view.s]; }

  toWorld(sx, sy) { return [(this.view.ty - sy) / this.view.s, (this.view.tx - sx) / this.view.s]; }

  // Page coordinates of a world point (what tests move the mouse to).
  clientPoint(x, y) {
    const r = this.canvas.getBoundingClientRect();
    const [sx, sy] = this.toScreen(x, y);
    return [r.left + sx, r.top + sy];
  }

  requestDraw() {
    if (this.frame || !this.ctx) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  draw() { draw(this); }

  // ------------------------------------------------------------ pointer

  local(ev) {
    const r = this.canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }

  // The topmost visible object under a screen point (the smallest when they overlap).
  hit(sx, sy) {
    const [x, y] = this.toWorld(sx, sy);
    const under = this.objects.filter((o) => !this.hidden.has(o.id) && inside(o, x, y, 3 / this.view.s));
    under.sort((a, b) => a.length * a.width - b.length * b.width);
    return under[0] || null;
  }

  handleAt(sx, sy) {
    const o = this.selected();
    if (!this.editable(o) || this.hidden.has(o.id)) return null;
    for (const h of handles(this, o)) {
      if (Math.abs(h.at[0] - sx) <= HANDLE_PX + 3 && Math.abs(h.at[1] - sy) <= HANDLE_PX + 3) return h.type;
    }
    return null;
  }

  down(ev) {
    active = this;
    this.canvas.focus({ preventScroll: true });
    const [sx, sy] = this.local(ev);
    if (ev.button === 1 || (ev.button === 0 && this.space)) {
      ev.preventDefault();
      this.drag = { kind: 'pan', sx, sy, tx: this.view.tx, ty: this.view.ty };
      return;
    }
    if (ev.button !== 0) return;
    const [x, y] = this.toWorld(sx, sy);
    const handle = this.handleAt(sx, sy);
    if (handle) {
      this.drag = { kind: handle, before: this.snapshot(), start: clone(this.selected()) };
    } else if (this.draft && this.draft.phase === 'heading') {
      this.drag = { kind: 'heading', sx, sy, x, y };
    } else if (this.tool === 'box' && !this.readonly) {
      this.draft = { phase: 'rect', x0: x, y0: y, x1: x, y1: y, sx, sy };
    } else {
      const o = this.hit(sx, sy);
      this.select(o ? o.id : null);
      if (this.editable(o)) this.drag = { kind: 'move', x, y, before: this.snapshot(), start: clone(o) };
      else this.drag = { kind: 'pan', sx, sy, tx: this.view.tx, ty: this.view.ty };
    }
    this.canvas.setPointerCapture(ev.pointerId);
  }

  move(ev) {
    const [sx, sy] = this.local(ev);
    const [x, y] = this.toWorld(sx, sy);
    const d = this.drag;
    const dr = this.draft;
    if (!d && dr && dr.phase === 'rect') {
      dr.x1 = x; dr.y1 = y;
      dr.rough = this.rectFootprint(dr);
      this.requestDraw();
      return;
    }
    if (!d) {
      const h = this.handleAt(sx, sy);
      this.canvas.style.cursor = h === 'rotate' ? 'grab' : h ? 'move'
        : this.tool === 'box' ? 'crosshair' : 'default';
      return;
    }
    const o = this.selected();
    if (d.kind === 'pan') {
      this.view.tx = d.tx + sx - d.sx;
      this.view.ty = d.ty + sy - d.sy;
      this.requestDraw();
    } else if (d.kind === 'move') {
      o.x = d.start.x + x - d.x;
      o.y = d.start.y + y - d.y;
      this.refresh();
    } else if (d.kind === 'rotate') {
      o.yaw = normYaw(Math.atan2(y - o.y, x - o.x));
      this.refresh();
    } else if (d.kind === 'heading') {
      if (Math.hypot(sx - d.sx, sy - d.sy) > 6) {
        dr.yaw = Math.atan2(y - d.y, x - d.x);
        dr.rough = this.rectFootprint(dr);
        this.requestDraw();
      }
    } else {
      Object.assign(o, resizeEdge(d.start, d.kind, x, y));
      this.refresh();
    }
  }

  up(ev) {
    const d = this.drag;
    this.drag = null;
    const dr = this.draft;
    if (this.canvas.hasPointerCapture(ev.pointerId)) this.canvas.releasePointerCapture(ev.pointerId);
    if (dr && dr.phase === 'rect' && !d) {
      const [sx, sy] = this.local(ev);
      if (Math.abs(sx - dr.sx) < 5 || Math.abs(sy - dr.sy) < 5) { this.cancelDraft(); return; }
      dr.phase = 'heading';
      dr.rough = this.rectFootprint(dr);
      this.status(this.t('heading_hint'));
      this.requestDraw();
      return;
    }
    if (!d) return;
    if (d.kind === 'heading') { this.finishDraft(); return; }
    if (d.before) this.commit(d.before);
  }

  // The rough footprint of a drawn rectangle: heading 0 (length along x), or, once a heading
  // is dragged, turned to it (length the longer side, width the shorter).
  rectFootprint(dr) {
    const ex = Math.abs(dr.x1 - dr.x0);
    const ey = Math.abs(dr.y1 - dr.y0);
    const base = { x: (dr.x0 + dr.x1) / 2, y: (dr.y0 + dr.y1) / 2, z: 0, height: 1, label: this.label };
    if (dr.yaw === undefined) return { ...base, yaw: 0, length: Math.max(ex, 0.05), width: Math.max(ey, 0.05) };
    return { ...base, yaw: dr.yaw, length: Math.max(ex, ey, 0.05), width: Math.max(Math.min(ex, ey), 0.05) };
  }

  finishDraft() {
    const dr = this.draft;
    if (!dr || dr.phase !== 'heading') return Promise.resolve(null);
    return this.createFromFootprint(this.rectFootprint(dr));
  }

  // ------------------------------------------------------------ keyboard

  key(ev) {
    // the workbench in use, shown (a review page's folded editor takes no keys)
    if (this.readonly || active !== this || !this.canvas.getClientRects().length) return;
    const mod = ev.ctrlKey || ev.metaKey;
    if (mod && ev.key === 'Enter') { ev.preventDefault(); submit(this); return; }
    if (typing(ev.target)) return;
    const k = ev.key.toLowerCase();
    // a focused control keeps its own keys (Space/Enter press a button, Tab moves on); Tab
    // walks the objects only from the canvas
    const control = ev.target instanceof Element && ev.target !== this.canvas
      && Boolean(ev.target.closest('button, a, summary'));
    if ((control && (k === ' ' || k === 'enter')) || (k === 'tab' && ev.target !== this.canvas)) return;
    const step = ev.shiftKey ? 10 : 1;
    if (mod && k === 'z') { ev.preventDefault(); if (ev.shiftKey) this.redo(); else this.undo(); return; }
    if (mod && k === 'y') { ev.preventDefault(); this.redo(); return; }
    if (mod && k === 'l') { ev.preventDefault(); if (this.sel) this.toggleLocked(this.sel); return; }
    if (mod || ev.altKey) return;
    const n = Number(ev.key);
    if (Number.isInteger(n) && n >= 1 && n <= 9 && n <= this.labels.length) {
      ev.preventDefault();
      this.setLabel(this.labels[n - 1].name);
      return;
    }
    // past the last (first, with Shift) object Tab leaves the canvas as usual
    if (k === 'tab') { if (this.cycle(ev.shiftKey ? -1 : 1)) ev.preventDefault(); return; }
    const nudge = (ev.shiftKey ? 0.5 : 0.05);
    const actions = {
      ' ': () => { this.space = true; },
      escape: () => { if (this.draft) this.cancelDraft(); else this.select(null); },
      enter: () => this.finishDraft(),
      delete: () => this.sel && this.remove(this.sel),
      backspace: () => this.sel && this.remove(this.sel),
      q: () => this.rotateSelected(rad(step)),
      e: () => this.rotateSelected(-rad(step)),
      h: () => this.sel && this.toggleHidden(this.sel),
      c: () => this.copyPrevious(),
      f: () => this.fit(),
      v: () => this.setTool('select'),
      b: () => this.setTool('box'),
      arrowup: () => this.nudgeSelected(nudge, 0),
      arrowdown: () => this.nudgeSelected(-nudge, 0),
      arrowleft: () => this.nudgeSelected(0, nudge),
      arrowright: () => this.nudgeSelected(0, -nudge),
    };
    const fn = actions[k];
    if (!fn) return;
    ev.preventDefault();
    fn();
  }

  // Select the next (dir 1) or previous (-1) object; false past either end (nothing selected).
  cycle(dir) {
    const n = this.objects.length;
    const at = this.objects.findIndex((o) => o.id === this.sel);
    const next = at < 0 ? (dir < 0 ? n - 1 : 0) : at + dir;
    if (!n || next < 0 || next >= n) { this.select(null); return false; }
    this.select(this.objects[next].id, true);
    return true;
  }

  setTool(tool) {
    this.tool = tool;
    this.cancelDraft();
    for (const b of this.root.querySelectorAll('[data-tool]')) {
      b.setAttribute('aria-pressed', String(b.dataset.tool === tool));
    }
    this.canvas.style.cursor = tool === 'box' ? 'crosshair' : 'default';
  }

  bind() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (ev) => this.down(ev));
    c.addEventListener('pointermove', (ev) => this.move(ev));
    c.addEventListener('pointerup', (ev) => this.up(ev));
    c.addEventListener('contextmenu', (ev) => ev.preventDefault());
    c.addEventListener('auxclick', (ev) => ev.preventDefault());
    c.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const [sx, sy] = this.local(ev);
      this.zoomAt(Math.exp(-ev.deltaY * 0.0015), sx, sy);
    }, { passive: false });
    this.root.addEventListener('pointerdown', () => { active = this; });
    this.root.addEventListener('focusin', () => { active = this; });
    document.addEventListener('keydown', (ev) => this.key(ev));
    document.addEventListener('keyup', (ev) => { if (ev.key === ' ') this.space = false; });
    const on = (testid, fn) => {
      const b = this.root.querySelector(`[data-testid="${testid}"]`);
      if (b) b.addEventListener('click', fn);
    };
    on('pc-wb-undo', () => this.undo());
    on('pc-wb-redo', () => this.redo());
    on('pc-wb-copy-previous', () => this.copyPrevious());
    on('pc-wb-fit', () => this.fit());
    on('pc-wb-label-points', async () => { if (await this.labelPoints()) scheduleSave(this); });
    on('pc-wb-submit', () => submit(this));
    on('pc-wb-tool-select', () => this.setTool('select'));
    on('pc-wb-tool-box', () => this.setTool('box'));
    new ResizeObserver(() => {
      const wasHidden = this.cw <= 1;
      this.resize();
      if (wasHidden && this.ready) this.fit(); // unfolded: the view was fitted to nothing
      this.requestDraw();
    }).observe(c.parentElement);
    window.addEventListener('pagehide', () => { if (!this.submitted) flush(this); });
  }
}

for (const root of document.querySelectorAll('[data-pointcloud-workbench]')) {
  const wb = new PointCloudWorkbench(root);
  root.__workbench = wb;
  wb.start();
}
