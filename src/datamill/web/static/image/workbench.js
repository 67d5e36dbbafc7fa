// The image annotation workbench: one canvas, objects of every kind of the ImageAnnotation
// schema, a command history, drafts autosaved to localStorage and the server, and submit.
// Mounts on every <div data-image-workbench data-image-url=... data-annotation='{json}'
// data-label-schema='{json}' data-draft-url=... data-submit-url=... data-base-version=...>.
import {
  bounds, fitToImage, fromLocal, hitObject, magicWand, maskCanvas, outline, ringCrosses,
  ringTooSmall, rotatedCorners, toLocal,
} from './geometry.js';
import { translator } from './strings.js';
import { bootImage } from './boot.js';
import { buildLayout, renderClasses, renderDetails, renderList, setStatus } from './panel.js';
import { BRUSH_RADIUS, handlesOf, dragHandle, onKey, paintDrag } from './tools.js';
import { clone, serialise } from './serialise.js';
import { TimeOnTask } from '../time_on_task.js';

// Saving (save.js, with common.js) and the assisted tool (assist.js) are not needed to show
// the first frame: they load right after it, off the page's critical path; the mask brush
// (brush.js) loads when its tool is chosen.
let saveModule = null;
const loadSave = () => import('./save.js').then((m) => { saveModule = m; return m; });
const loadAssist = () => import('./assist.js');
let brushModule = null;
const loadBrush = () => import('./brush.js').then((m) => { brushModule = m; return m; });

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6',
  '#9a6324', '#469990', '#808000'];
const HANDLE_PX = 6;
let nextId = 1;

function parse(text, fallback) {
  if (!text) return fallback;
  try { return JSON.parse(text); } catch (_) { return fallback; }
}

export class Workbench {
  constructor(root) {
    this.t0 = performance.now();
    this.root = root;
    const d = root.dataset;
    this.clock = new TimeOnTask(d.timeSpentMs);  // sent as time_spent_ms (save.js)
    this.t = translator(parse(d.strings, {}));
    this.schema = parse(d.labelSchema, {});
    this.labels = this.schema.labels || [];
    this.skeletons = this.schema.skeletons || [];
    this.draftUrl = d.draftUrl || '';
    this.submitUrl = d.submitUrl || '';
    this.assistUrl = d.assistUrl || '';
    this.baseVersion = Number(d.baseVersion || 0);
    this.autosaveMs = Number(d.autosaveMs || 1000);
    this.storageKey = `datamill:image-draft:${d.draftUrl || d.imageUrl}`;
    this.previous = parse(d.previousAnnotation, null);
    this.boot = bootImage(root);
    // the annotation: a JSON script inside the host (cheap for the HTML parser: no entities),
    // else a data-annotation attribute
    const inline = root.querySelector('script[data-annotation-json]');
    let ann = parse(inline ? inline.textContent : d.annotation, {}) || {};
    const local = parse(localStorage.getItem(this.storageKey), null);
    // the page's annotation may be the server's draft of revision data-draft-revision
    this.revision = Number(d.draftRevision || 0);
    if (local && local.pending && local.base_version === this.baseVersion
        && local.revision >= this.revision) {
      ann = local.annotation; this.revision = local.revision; this.restored = true;
    }
    this.objects = (ann.objects || []).map((o) => ({ ...o, _id: nextId++ }));
    // the objects as they came, by id: what nobody moved is sent back exactly so (serialise)
    this.given = new Map(this.objects.map((o) => [o._id, clone(o)]));
    this.classes = new Set(ann.classes || []);
    this.hidden = new Set();
    this.locked = new Set();
    this.sel = null;
    this.tool = 'select';
    this.label = this.labels.length ? this.labels[0].name : 'object';
    this.view = { s: 1, tx: 0, ty: 0 };
    this.draft = null;
    this.drag = null;
    this.undoStack = [];
    this.redoStack = [];
    this.masks = new Map();
    this.brushRadius = BRUSH_RADIUS[1]; // the mask brush's, in image pixels
    this.afterReady = [];
    this.saving = null;
    this.retries = 0;
    buildLayout(this);
    this.canvas = root.querySelector('canvas');
    this.ctx = this.canvas.getContext('2d');
    this.bindEvents();
  }

  async start() {
    // The image's decode goes first (boot.js; its bytes are waited for 30 ms at most), then the
    // canvas is sized while the panel is empty (one cheap layout), then the panel is built.
    const tm = { start: this.t0 };
    const { preview } = this.boot;
    const first = preview || this.boot.full;
    await Promise.race([first.started, new Promise((done) => { setTimeout(done, 30); })]);
    this.resize();
    this.refreshPanel();
    tm.panel = performance.now();
    const ok = await first.decoded;
    tm.decoded = performance.now();
    if (preview) {
      this.W = Number(this.root.dataset.imageWidth);
      this.H = Number(this.root.dataset.imageHeight);
      this.img = ok ? preview.img : null;
      this.previewScale = ok && preview.width ? preview.width / this.W : 0;
    } else {
      const { full } = this.boot;
      this.img = ok ? full.img : null;
      this.W = ok ? full.img.naturalWidth : Number(this.root.dataset.imageWidth) || 1;
      this.H = ok ? full.img.naturalHeight : Number(this.root.dataset.imageHeight) || 1;
      if (ok) this.root.dataset.fullImage = '1';
    }
    // a preview that failed is no failure yet: the full image follows at once (loadFull)
    if (!ok && !preview) setStatus(this, this.t('image.load_failed', { url: this.root.dataset.imageUrl }));
    // submit once the image is shown: never an annotation of a picture nobody saw
    this.canSubmit = ok || Boolean(preview);
    this.fit();
    this.draw();
    tm.drawn = performance.now();
    window.__imageWorkbenchTimings = tm;
    if (this.restored) this.scheduleSave(false);
    window.__imageWorkbenchReady = performance.now();
    window.__imageWorkbenchMountMs = performance.now() - this.t0;
    performance.mark('image-workbench-ready');
    this.ready = true;
    this.enableSubmit();
    for (const fn of this.afterReady.splice(0)) fn();
    loadSave();
    if (this.assistUrl) loadAssist();
    this.root.dataset.ready = '1';
    this.root.dispatchEvent(new CustomEvent('image-workbench:ready', { bubbles: true }));
    if (preview) {
      // the full image when the browser is idle, or at once when the fitted view already
      // shows more pixels than the preview has (e.g. a high-DPI screen) or on a zoom past it
      if (!ok || (this.previewScale && this.view.s * this.dpr > this.previewScale)) this.loadFull();
      const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
      idle(() => this.loadFull(), { timeout: 1500 });
    }
  }

  // Swap the full-resolution image in once it is decoded (coordinates do not change: the
  // preview was drawn at the full image's size).
  loadFull() {
    if (this.fullRequested) return;
    this.fullRequested = true;
    const full = this.boot.loadFull();
    full.decoded.then((done) => {
      if (!done) {
        setStatus(this, this.t('image.load_failed', { url: this.root.dataset.imageUrl }));
        if (!this.img) { this.canSubmit = false; this.enableSubmit(); }
        return;
      }
      const old = this.img;
      this.img = full.img;
      this.previewScale = 0;
      this.wandData = null;
      if (old && old.close) old.close();
      window.__imageWorkbenchFullImage = performance.now();
      this.root.dataset.fullImage = '1';
      this.requestDraw();
    });
  }

  enableSubmit() {
    const btn = this.root.querySelector('[data-testid="image-wb-submit"]');
    if (btn) btn.disabled = !(this.submitUrl && this.canSubmit && !this.submitted && !this.stale);
  }

  // Run ``fn`` once the first frame is drawn (at once when it already is).
  whenReady(fn) {
    if (this.ready) fn(); else this.afterReady.push(fn);
  }

  // ------------------------------------------------------------ model helpers

  spec(name) { return this.labels.find((l) => l.name === name) || null; }

  skeletonOf(name) { return this.skeletons.find((s) => s.name === name) || null; }

  colour(label) {
    const i = this.labels.findIndex((l) => l.name === label);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  }

  labelFor(kind) {
    const cur = this.spec(this.label);
    if (cur && cur.kinds.includes(kind)) return this.label;
    const other = this.labels.find((l) => l.kinds.includes(kind));
    if (other) return other.name;
    if (kind === 'text_line' && !this.labels.length) return 'text';
    return this.label;
  }

  byId(id) { return this.objects.find((o) => o._id === id) || null; }

  editable(o) { return o && !this.locked.has(o._id); }

  clampX(v) { return Math.min(this.W, Math.max(0, v)); }

  clampY(v) { return Math.min(this.H, Math.max(0, v)); }

  annotation() {
    const known = this.schema.image_classes || [];
    const classes = known.filter((c) => this.classes.has(c))
      .concat([...this.classes].filter((c) => !known.includes(c)));
    return {
      type: 'image_annotation', schema_version: 1,
      objects: this.objects.map((o) => serialise(o, this.given.get(o._id))), classes,
    };
  }

  // ------------------------------------------------------------ history

  // A command is a list of changes {id, before, after, index} (before/after: object or null)
  // or a classes change {classes: [before, after]}; ``apply`` moves the state to one side.
  apply(cmd, side) {
    for (const ch of side === 'after' ? cmd : [...cmd].reverse()) {
      if (ch.classes) { this.classes = new Set(ch.classes[side === 'after' ? 1 : 0]); continue; }
      const target = clone(ch[side]);
      const at = this.objects.findIndex((o) => o._id === ch.id);
      if (target === null) {
        if (at >= 0) this.objects.splice(at, 1);
        if (this.sel === ch.id) this.sel = null;
      } else if (at >= 0) {
        this.objects[at] = target;
      } else {
        this.objects.splice(Math.min(ch.index, this.objects.length), 0, target);
      }
      this.dropMaskImages(ch.id);
    }
  }

  // Record a command whose changes are already applied.
  record(cmd) {
    if (!cmd.length) return;
    this.undoStack.push(cmd);
    if (this.undoStack.length > 500) this.undoStack.shift();
    this.redoStack = [];
    this.changed();
  }

  exec(cmd) { this.apply(cmd, 'after'); this.record(cmd); }

  undo() {
    // an empty keypoints draft is the tool waiting for the next instance, nothing drawn: undo
    // goes on to what came before (the instance just finished)
    const waiting = this.draft && this.draft.kind === 'keypoints' && !this.draft.points.length;
    if (this.draft && !waiting) { this.draft = null; this.requestDraw(); return; }
    const cmd = this.undoStack.pop();
    if (!cmd) return;
    this.apply(cmd, 'before');
    this.redoStack.push(cmd);
    this.changed();
  }

  redo() {
    const cmd = this.redoStack.pop();
    if (!cmd) return;
    this.apply(cmd, 'after');
    this.undoStack.push(cmd);
    this.changed();
  }

  changed() {
    this.refreshPanel();
    this.requestDraw();
    this.scheduleSave(true);
  }

  add(obj) {
    const o = { ...obj, _id: nextId++ };
    this.exec([{ id: o._id, before: null, after: clone(o), index: this.objects.length }]);
    this.select(o._id);
    return o;
  }

  replace(id, before) {
    const o = this.byId(id);
    const index = this.objects.indexOf(o);
    if (JSON.stringify(before) === JSON.stringify(o)) return;
    this.record([{ id, before: clone(before), after: clone(o), index }]);
  }

  remove(id) {
    const o = this.byId(id);
    if (!this.editable(o)) return;
    this.exec([{ id, before: clone(o), after: null, index: this.objects.indexOf(o) }]);
  }

  relabel(id, label) {
    const o = this.byId(id);
    if (!this.editable(o) || o.label === label) return;
    const before = clone(o);
    o.label = label;
    if (o.kind === 'keypoints') {
      const spec = this.spec(label);
      if (spec && spec.skeleton) o.skeleton = spec.skeleton;
    }
    this.replace(id, before);
  }

  toggleClass(name, on) {
    const before = [...this.classes];
    const after = new Set(this.classes);
    if (on) after.add(name); else after.delete(name);
    this.exec([{ classes: [before, [...after]] }]);
  }

  copyPrevious() {
    if (!this.previous) return 0;
    const all = this.previous.objects || [];
    const objs = all.map((o) => fitToImage(clone(o), this.W, this.H)).filter((o) => o)
      .map((o) => ({ ...o, _id: nextId++ }));
    for (const o of objs) this.given.set(o._id, clone(o));
    const base = this.objects.length;
    this.exec(objs.map((o, i) => ({ id: o._id, before: null, after: o, index: base + i })));
    setStatus(this, objs.length < all.length
      ? this.t('image.copied_fitted', { n: objs.length, left: all.length - objs.length })
      : this.t('image.copied', { n: objs.length }));
    return objs.length;
  }

  select(id) {
    this.sel = id;
    this.refreshPanel();
    this.requestDraw();
  }

  setTool(tool) {
    this.tool = tool;
    this.draft = null;
    for (const b of this.root.querySelectorAll('[data-tool]')) {
      b.setAttribute('aria-pressed', String(b.dataset.tool === tool));
    }
    this.canvas.style.cursor = tool === 'select' ? 'default' : 'crosshair';
    const hint = tool === 'mask' ? 'image.mask.hint' : 'image.drawing_hint';
    setStatus(this, ['polygon', 'polyline', 'text_line', 'mask'].includes(tool)
      ? this.t(hint, { r: this.brushRadius }) : '');
    if (tool === 'keypoints') this.startKeypoints();
    if (tool === 'mask') loadBrush();
    this.requestDraw();
  }

  // The label for new objects (the toolbar's). With ``relabelSelected`` (the 1–9 keys, as the
  // help says) the selected object takes it too; the toolbar's list never relabels: an
  // annotator picking the label of the next object has no reason to expect the one still
  // selected to change (its own label is in the side panel).
  setLabel(name, relabelSelected = true) {
    this.label = name;
    const sel = this.root.querySelector('[data-testid="image-wb-label"]');
    if (sel) sel.value = name;
    const o = this.byId(this.sel);
    const spec = this.spec(name);
    if (relabelSelected && o && spec && spec.kinds.includes(o.kind)) this.relabel(o._id, name);
    const dr = this.draft;
    if (dr && dr.kind !== 'keypoints' && spec && spec.kinds.includes(dr.kind)) dr.label = name;
    if (this.tool === 'keypoints' && (!this.draft || !this.draft.points.length)) {
      this.startKeypoints();
    }
  }

  refreshPanel() {
    renderList(this);
    renderDetails(this);
    renderClasses(this);
    const u = this.root.querySelector('[data-testid="image-wb-undo"]');
    if (u) u.disabled = !this.undoStack.length;
    const r = this.root.querySelector('[data-testid="image-wb-redo"]');
    if (r) r.disabled = !this.redoStack.length;
  }

  // ------------------------------------------------------------ drafts in progress

  startKeypoints() {
    const label = this.labelFor('keypoints');
    const spec = this.spec(label);
    const sk = spec && spec.skeleton ? this.skeletonOf(spec.skeleton) : null;
    this.draft = sk ? { kind: 'keypoints', label, skeleton: sk.name, points: [] } : null;
    this.keypointHint();
  }

  keypointHint() {
    if (!this.draft || this.draft.kind !== 'keypoints') return;
    const sk = this.skeletonOf(this.draft.skeleton);
    const name = sk.keypoints[this.draft.points.length];
    setStatus(this, this.t('image.keypoint_next', { name }), 'image-wb-keypoint-next');
  }

  placeKeypoint(x, y, visibility) {
    const dr = this.draft;
    const sk = this.skeletonOf(dr.skeleton);
    dr.points.push(visibility ? { x: this.clampX(x), y: this.clampY(y), visibility }
      : { x: 0, y: 0, visibility: 0 });
    if (dr.points.length >= sk.keypoints.length) this.finishDraft();
    else { this.keypointHint(); this.requestDraw(); }
  }

  finishDraft() {
    const dr = this.draft;
    if (!dr) return;
    if (dr.kind === 'keypoints') {
      const sk = this.skeletonOf(dr.skeleton);
      while (dr.points.length < sk.keypoints.length) dr.points.push({ x: 0, y: 0, visibility: 0 });
      this.draft = null;
      if (dr.points.some((p) => p.visibility)) this.add(dr);
      this.startKeypoints();
      this.requestDraw();
      return;
    }
    const need = dr.kind === 'polyline' ? 2 : 3;
    // a ring that crosses itself would only be refused on Submit: say so now and keep drawing
    // (Backspace takes the last point back)
    if (dr.kind !== 'polyline' && dr.points.length >= need && ringCrosses(dr.points)) {
      setStatus(this, this.t('image.polygon_crosses'), 'image-wb-polygon-crosses');
      this.requestDraw();
      return;
    }
    if (dr.kind !== 'polyline' && dr.points.length >= need && ringTooSmall(dr.points)) {
      setStatus(this, this.t('image.polygon_too_small'), 'image-wb-polygon-small');  // as Submit
      this.requestDraw();
      return;
    }
    const status = this.root.querySelector('[data-testid="image-wb-status"]');
    if (status && /^image-wb-polygon-(crosses|small)$/.test(status.dataset.hint || '')) {
      setStatus(this, this.t('image.drawing_hint'));  // told, and fixed: back to the tool's hint
    }
    this.draft = null;
    if (dr.points.length >= need) {
      const o = this.add(dr.kind === 'text_line' ? { ...dr, transcription: '' } : dr);
      if (o.kind === 'text_line') this.focusTranscription();
    }
    this.requestDraw();
  }

  focusTranscription() {
    const ta = this.root.querySelector('[data-testid="image-wb-transcription"]');
    if (ta) ta.focus();
  }

  wand(x, y) {
    if (!this.wandData) {
      const f = Math.min(1, 1024 / Math.max(this.W, this.H));
      const c = document.createElement('canvas');
      c.width = Math.max(1, Math.round(this.W * f)); c.height = Math.max(1, Math.round(this.H * f));
      const cx = c.getContext('2d', { willReadFrequently: true });
      if (this.img) cx.drawImage(this.img, 0, 0, c.width, c.height);
      this.wandData = { f, w: c.width, h: c.height, data: cx.getImageData(0, 0, c.width, c.height).data };
    }
    const { f, w, h, data } = this.wandData;
    const sx = Math.min(w - 1, Math.floor(x * f));
    const sy = Math.min(h - 1, Math.floor(y * f));
    const ring = magicWand(data, w, h, sx, sy, 32);
    if (!ring || ring.length < 3) { setStatus(this, this.t('image.wand_failed')); return; }
    const points = ring.map(([px, py]) => [this.clampX(px / f), this.clampY(py / f)]);
    this.add({ kind: 'polygon', label: this.labelFor('polygon'), attributes: {}, points });
  }

  // ------------------------------------------------------------ view

  resize() {
    const r = this.canvas.parentElement.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.cw = Math.max(1, r.width); this.ch = Math.max(1, r.height);
    this.canvas.width = Math.round(this.cw * this.dpr);
    this.canvas.height = Math.round(this.ch * this.dpr);
  }

  fit() {
    const s = Math.min(this.cw / this.W, this.ch / this.H) * 0.98;
    this.view = { s, tx: (this.cw - this.W * s) / 2, ty: (this.ch - this.H * s) / 2 };
    this.requestDraw();
  }

  zoomAt(factor, px, py) {
    const v = this.view;
    const s = Math.min(64, Math.max(0.02, v.s * factor));
    v.tx = px - ((px - v.tx) * s) / v.s;
    v.ty = py - ((py - v.ty) * s) / v.s;
    v.s = s;
    // zoomed past the preview's resolution: the full image now
    if (this.previewScale && s * (this.dpr || 1) > this.previewScale) this.loadFull();
    this.requestDraw();
  }

  toImage(px, py) { return [(px - this.view.tx) / this.view.s, (py - this.view.ty) / this.view.s]; }

  toScreen(x, y) { return [x * this.view.s + this.view.tx, y * this.view.s + this.view.ty]; }

  // Page (client) coordinates of an image point: what tests move the mouse to.
  clientPoint(x, y) {
    const r = this.canvas.getBoundingClientRect();
    const [sx, sy] = this.toScreen(x, y);
    return [r.left + sx, r.top + sy];
  }

  // ------------------------------------------------------------ drawing

  requestDraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  draw() {
    const { ctx, dpr, view: v } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#1f2937';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr * v.s, 0, 0, dpr * v.s, dpr * v.tx, dpr * v.ty);
    ctx.imageSmoothingEnabled = v.s < 4;
    if (this.img) ctx.drawImage(this.img, 0, 0, this.W, this.H);
    for (const o of this.objects) {
      if (o.kind !== 'mask' || this.hidden.has(o._id)) continue;
      ctx.drawImage(this.maskImage(o), 0, 0);
    }
    if (this.drag && this.drag.overlay) ctx.drawImage(this.drag.overlay, 0, 0); // a new mask
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineWidth = 1.5;
    for (const o of this.objects) {
      if (this.hidden.has(o._id) || o.kind === 'mask') continue;
      this.drawObject(o, o._id === this.sel);
    }
    if (this.draft) this.drawObject(this.draft, true, true);
    if (this.tool === 'mask' && brushModule) brushModule.drawCursor(this, ctx);
    const sel = this.byId(this.sel);
    if (sel && !this.hidden.has(sel._id) && this.editable(sel)) {
      ctx.fillStyle = '#ffffff';
      ctx.strokeStyle = '#111827';
      ctx.lineWidth = 1;
      for (const hd of handlesOf(this, sel)) {
        const [x, y] = this.toScreen(hd.x, hd.y);
        ctx.beginPath();
        if (hd.type === 'rotate' || hd.type === 'mid') ctx.arc(x, y, HANDLE_PX - 1, 0, 2 * Math.PI);
        else ctx.rect(x - HANDLE_PX / 2, y - HANDLE_PX / 2, HANDLE_PX, HANDLE_PX);
        ctx.fill(); ctx.stroke();
      }
    }
  }

  // The canvas a mask is drawn from (image-sized, cached per object, label and selection).
  maskImage(o) {
    const key = `${o._id}:${o.label}:${o._id === this.sel}`;
    if (!this.masks.has(key)) {
      const rgb = [1, 3, 5].map((i) => parseInt(this.colour(o.label).slice(i, i + 2), 16));
      this.masks.set(key, maskCanvas(o.rle, [...rgb, o._id === this.sel ? 150 : 90]));
    }
    return this.masks.get(key);
  }

  dropMaskImages(id) {
    for (const key of [...this.masks.keys()]) if (key.startsWith(`${id}:`)) this.masks.delete(key);
  }

  drawObject(o, selected, isDraft = false) {
    const { ctx } = this;
    const colour = this.colour(o.label);
    ctx.strokeStyle = colour;
    ctx.lineWidth = selected ? 2.5 : 1.5;
    if (o.kind === 'keypoints') {
      const sk = this.skeletonOf(o.skeleton);
      ctx.beginPath();
      for (const [a, b] of (sk ? sk.edges : [])) {
        const p = o.points[a];
        const q = o.points[b];
        if (!p || !q || !p.visibility || !q.visibility) continue;
        ctx.moveTo(...this.toScreen(p.x, p.y)); ctx.lineTo(...this.toScreen(q.x, q.y));
      }
      ctx.stroke();
      ctx.fillStyle = colour;
      for (const p of o.points) {
        if (!p.visibility) continue;
        const [x, y] = this.toScreen(p.x, p.y);
        ctx.beginPath(); ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
        if (p.visibility === 2) ctx.fill(); else ctx.stroke();
      }
      return;
    }
    const { pts, closed } = outline(o);
    if (!pts.length) return;
    ctx.beginPath();
    ctx.moveTo(...this.toScreen(pts[0][0], pts[0][1]));
    for (let i = 1; i < pts.length; i += 1) ctx.lineTo(...this.toScreen(pts[i][0], pts[i][1]));
    if (isDraft && this.hover && o.kind !== 'keypoints') ctx.lineTo(...this.hover);
    else if (closed) ctx.closePath();
    if (selected && !isDraft) {
      ctx.globalAlpha = 0.18; ctx.fillStyle = colour; ctx.fill(); ctx.globalAlpha = 1;
    }
    ctx.stroke();
    if (isDraft) {
      ctx.fillStyle = colour;
      for (const [x, y] of pts) {
        const [sx, sy] = this.toScreen(x, y);
        ctx.fillRect(sx - 2.5, sy - 2.5, 5, 5);
      }
    }
  }

  // ------------------------------------------------------------ hit tests

  maskAt(o, x, y) {
    const [h, w] = o.rle.size;
    if (x < 0 || y < 0 || x >= w || y >= h) return false;
    const c = this.maskImage(o).getContext('2d');
    return c.getImageData(Math.floor(x), Math.floor(y), 1, 1).data[3] > 0;
  }

  objectAt(x, y) {
    const tol = 4 / this.view.s;
    for (let i = this.objects.length - 1; i >= 0; i -= 1) {
      const o = this.objects[i];
      if (this.hidden.has(o._id) || this.locked.has(o._id)) continue;
      if (hitObject(o, x, y, tol, (m, px, py) => this.maskAt(m, px, py))) return o;
    }
    return null;
  }

  handleAt(px, py) {
    const o = this.byId(this.sel);
    if (!o || !this.editable(o) || this.hidden.has(o._id)) return null;
    for (const hd of handlesOf(this, o)) {
      const [x, y] = this.toScreen(hd.x, hd.y);
      if (Math.abs(x - px) <= HANDLE_PX && Math.abs(y - py) <= HANDLE_PX) return { o, hd };
    }
    return null;
  }

  // ------------------------------------------------------------ events

  local(e) {
    const r = this.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  bindEvents() {
    const c = this.canvas;
    c.addEventListener('contextmenu', (e) => e.preventDefault());
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const [px, py] = this.local(e);
      this.zoomAt(Math.exp(-e.deltaY * 0.0015), px, py);
    }, { passive: false });
    c.addEventListener('pointerdown', (e) => this.pointerDown(e));
    c.addEventListener('pointermove', (e) => this.pointerMove(e));
    c.addEventListener('pointerup', (e) => this.pointerUp(e));
    c.addEventListener('pointerleave', () => {
      if (this.tool === 'mask') { this.hover = null; this.requestDraw(); }
    });
    c.addEventListener('dblclick', (e) => {
      if (this.draft && this.draft.kind !== 'keypoints') { e.preventDefault(); this.finishDraft(); }
    });
    this.onKeyDown = (e) => onKey(this, e, true);
    this.onKeyUp = (e) => onKey(this, e, false);
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('keyup', this.onKeyUp);
    window.addEventListener('online', () => this.flush());
    window.addEventListener('pagehide', () => {
      if (this.localTimer && saveModule) saveModule.writeLocal(this);
    });
    new ResizeObserver(() => { if (this.W) { this.resize(); this.requestDraw(); } })
      .observe(c.parentElement);
  }

  pointerDown(e) {
    // the image is not decoded yet, or the task was submitted in another tab (read-only)
    if (!this.W || this.submittedElsewhere) return;
    const [px, py] = this.local(e);
    const [x, y] = this.toImage(px, py);
    // the canvas takes the focus (a field being edited commits its change): its keys are the
    // workbench's, Tab included
    this.canvas.focus({ preventScroll: true });
    if (e.button === 1 || (e.button === 0 && this.spaceDown)) {
      e.preventDefault();
      this.drag = { type: 'pan', px, py, tx: this.view.tx, ty: this.view.ty };
      this.canvas.setPointerCapture(e.pointerId);
      return;
    }
    if (e.button !== 0) return;
    this.canvas.setPointerCapture(e.pointerId);
    const tool = this.tool;
    if (tool === 'select') {
      const h = this.handleAt(px, py);
      if (h) {
        this.drag = dragHandle(this, h.o, h.hd, e.altKey);
        return;
      }
      const o = this.objectAt(x, y);
      if (o) {
        this.select(o._id);
        this.drag = { type: 'move', id: o._id, x, y, before: clone(o) };
      } else {
        this.select(null);
        this.drag = { type: 'pan', px, py, tx: this.view.tx, ty: this.view.ty };
      }
      return;
    }
    const cx = this.clampX(x);
    const cy = this.clampY(y);
    if (tool === 'box' || tool === 'rotated_box' || tool === 'grabcut') {
      this.drag = { type: 'create', kind: tool, x0: cx, y0: cy, x1: cx, y1: cy };
    } else if (tool === 'polygon' || tool === 'polyline' || tool === 'text_line') {
      const dr = this.draft;
      if (!dr && tool === 'text_line') {
        this.drag = { type: 'maybe-quad', px, py, x0: cx, y0: cy, x1: cx, y1: cy };
        return;
      }
      if (!dr) {
        this.draft = { kind: tool, label: this.labelFor(tool), attributes: {}, points: [[cx, cy]] };
      } else {
        const last = dr.points[dr.points.length - 1];
        const [lx, ly] = this.toScreen(last[0], last[1]);
        if (Math.hypot(lx - px, ly - py) > 3) dr.points.push([cx, cy]);
      }
      this.requestDraw();
    } else if (tool === 'keypoints') {
      if (!this.draft) this.startKeypoints();
      if (this.draft) this.placeKeypoint(x, y, e.shiftKey ? 1 : 2);
    } else if (tool === 'wand') {
      this.wand(cx, cy);
    } else if (tool === 'mask') {
      this.drag = paintDrag(this, loadBrush(), e.shiftKey, x, y);
    }
  }

  pointerMove(e) {
    const [px, py] = this.local(e);
    const [x, y] = this.toImage(px, py);
    const d = this.drag;
    if (this.draft || this.tool === 'mask') { this.hover = [px, py]; this.requestDraw(); }
    if (!d) {
      if (this.tool === 'select') this.canvas.style.cursor = this.handleAt(px, py) ? 'move' : 'default';
      return;
    }
    if (d.type === 'pan') {
      this.view.tx = d.tx + px - d.px; this.view.ty = d.ty + py - d.py;
    } else if (d.type === 'create' || d.type === 'maybe-quad') {
      d.x1 = this.clampX(x); d.y1 = this.clampY(y);
      if (d.type === 'maybe-quad' && Math.hypot(px - d.px, py - d.py) > 4) d.type = 'create';
      const [x0, y0, x1, y1] = bounds([[d.x0, d.y0], [d.x1, d.y1]]);
      this.draft = { kind: 'box', label: this.labelFor(d.kind || 'text_line'), x: x0, y: y0,
        w: x1 - x0, h: y1 - y0 };
    } else if (d.type === 'move') {
      const o = this.byId(d.id);
      this.moveObject(o, d.before, x - d.x, y - d.y);
    } else if (d.move) {
      d.move(x, y);
    }
    this.requestDraw();
  }

  pointerUp(e) {
    const d = this.drag;
    this.drag = null;
    if (!d) return;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    if (d.type === 'paint') d.end();
    else if (d.type === 'maybe-quad') {
      this.draft = { kind: 'text_line', label: this.labelFor('text_line'), attributes: {},
        points: [[d.x0, d.y0]] };
    } else if (d.type === 'create') {
      this.draft = null;
      const [x0, y0, x1, y1] = bounds([[d.x0, d.y0], [d.x1, d.y1]]);
      const w = x1 - x0;
      const h = y1 - y0;
      if (w >= 1 && h >= 1) {
        const kind = d.kind || 'text_line';
        const label = this.labelFor(kind);
        if (kind === 'grabcut') loadAssist().then((m) => m.grabcut(this, { x: x0, y: y0, w, h }));
        else if (kind === 'box') this.add({ kind, label, attributes: {}, x: x0, y: y0, w, h });
        else if (kind === 'rotated_box') {
          this.add({ kind, label, attributes: {}, cx: x0 + w / 2, cy: y0 + h / 2, w, h, angle_deg: 0 });
        } else {
          this.add({ kind, label, attributes: {}, transcription: '',
            points: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] });
          this.focusTranscription();
        }
      }
    } else if (d.type === 'move' || d.before) {
      this.replace(d.id, d.before);
      this.refreshPanel();
    }
    this.requestDraw();
  }

  // Translate ``o`` to ``before`` moved by (dx, dy), kept inside the image.
  moveObject(o, before, dx, dy) {
    const pts = o.kind === 'mask' ? [] : (o.kind === 'keypoints'
      ? before.points.filter((p) => p.visibility).map((p) => [p.x, p.y])
      : outline(before).pts);
    if (!pts.length) return;
    const [x0, y0, x1, y1] = bounds(pts);
    const ddx = Math.min(this.W - x1, Math.max(-x0, dx));
    const ddy = Math.min(this.H - y1, Math.max(-y0, dy));
    if (o.kind === 'box') { o.x = before.x + ddx; o.y = before.y + ddy; }
    else if (o.kind === 'rotated_box') { o.cx = before.cx + ddx; o.cy = before.cy + ddy; }
    else if (o.kind === 'keypoints') {
      o.points = before.points.map((p) => (p.visibility ? { ...p, x: p.x + ddx, y: p.y + ddy } : p));
    } else o.points = before.points.map(([x, y]) => [x + ddx, y + ddy]);
  }

  // ------------------------------------------------------------ saving (save.js)

  scheduleSave(bump) {
    if (saveModule) saveModule.scheduleSave(this, bump);
    else loadSave().then((m) => m.scheduleSave(this, bump));
  }

  flush() { return loadSave().then((m) => m.flush(this)); }

  submit() {
    if (!this.ready || !this.canSubmit) return Promise.resolve();
    return loadSave().then((m) => m.submit(this));
  }
}

export function mount(root) {
  if (root.__workbench) return root.__workbench;
  const wb = new Workbench(root);
  root.__workbench = wb;
  wb.start();
  return wb;
}

for (const el of document.querySelectorAll('[data-image-workbench]')) mount(el);

export { rotatedCorners, fromLocal, toLocal };
