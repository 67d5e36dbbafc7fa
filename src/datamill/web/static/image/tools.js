// Edit handles of the selected object, their drags, and the workbench's keyboard shortcuts.
import { fromLocal, toLocal } from './geometry.js';
import { setStatus, toggleHelp } from './panel.js';

const TOOL_KEYS = { v: 'select', b: 'box', r: 'rotated_box', p: 'polygon', l: 'polyline',
  k: 'keypoints', m: 'mask', t: 'text_line', w: 'wand', g: 'grabcut' };
// The mask brush's radius in image pixels: min, default, max; [ and ] step it by a quarter.
export const BRUSH_RADIUS = [1, 12, 400];
const SIDES = [[-1, -1], [0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0]];

// Handles of ``o`` in image coordinates: {type, x, y, ...}.
export function handlesOf(wb, o) {
  if (o.kind === 'box') {
    return SIDES.map(([fx, fy]) => ({ type: 'box', fx, fy,
      x: o.x + ((fx + 1) / 2) * o.w, y: o.y + ((fy + 1) / 2) * o.h }));
  }
  if (o.kind === 'rotated_box') {
    const out = SIDES.map(([fx, fy]) => {
      const [x, y] = fromLocal(o, (fx * o.w) / 2, (fy * o.h) / 2);
      return { type: 'rbox', fx, fy, x, y };
    });
    const [x, y] = fromLocal(o, 0, -o.h / 2 - 24 / wb.view.s);
    out.push({ type: 'rotate', x, y });
    return out;
  }
  if (o.kind === 'keypoints') {
    return o.points.map((p, i) => ({ type: 'kp', i, x: p.x, y: p.y, visibility: p.visibility }))
      .filter((h) => h.visibility);
  }
  if (!o.points) return [];
  const pts = o.points;
  const out = pts.map(([x, y], i) => ({ type: 'vertex', i, x, y }));
  const n = o.kind === 'polyline' ? pts.length - 1 : pts.length;
  for (let i = 0; i < n; i += 1) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % pts.length];
    out.push({ type: 'mid', i, x: (ax + bx) / 2, y: (ay + by) / 2 });
  }
  return out;
}

const clone = (o) => JSON.parse(JSON.stringify(o));

// Start dragging handle ``hd`` of ``o``; Alt on a vertex deletes it instead (returns null).
export function dragHandle(wb, o, hd, alt) {
  const before = clone(o);
  const drag = { id: o._id, before };
  if (alt && (hd.type === 'vertex' || hd.type === 'kp')) {
    const min = o.kind === 'polyline' ? 2 : 3;
    if (hd.type === 'kp') o.points[hd.i] = { x: 0, y: 0, visibility: 0 };
    else if (o.points.length > min) o.points.splice(hd.i, 1);
    if (hd.type === 'kp' && !o.points.some((p) => p.visibility)) { o.points = before.points; }
    wb.replace(o._id, before);
    wb.refreshPanel();
    wb.requestDraw();
    return null;
  }
  if (hd.type === 'mid') {
    o.points.splice(hd.i + 1, 0, [hd.x, hd.y]);
    drag.move = (x, y) => { o.points[hd.i + 1] = [wb.clampX(x), wb.clampY(y)]; };
    return drag;
  }
  if (hd.type === 'vertex') {
    drag.move = (x, y) => { o.points[hd.i] = [wb.clampX(x), wb.clampY(y)]; };
  } else if (hd.type === 'kp') {
    drag.move = (x, y) => { o.points[hd.i] = { ...o.points[hd.i], x: wb.clampX(x), y: wb.clampY(y) }; };
  } else if (hd.type === 'box') {
    drag.move = (x, y) => {
      const b = before;
      let x0 = hd.fx < 0 ? wb.clampX(x) : b.x;
      let x1 = hd.fx > 0 ? wb.clampX(x) : b.x + b.w;
      let y0 = hd.fy < 0 ? wb.clampY(y) : b.y;
      let y1 = hd.fy > 0 ? wb.clampY(y) : b.y + b.h;
      if (x0 > x1) [x0, x1] = [x1, x0];
      if (y0 > y1) [y0, y1] = [y1, y0];
      o.x = x0; o.y = y0; o.w = Math.max(1, x1 - x0); o.h = Math.max(1, y1 - y0);
    };
  } else if (hd.type === 'rbox') {
    drag.move = (x, y) => {
      const b = before;
      const [lx, ly] = toLocal(b, x, y);
      const x0 = hd.fx < 0 ? lx : -b.w / 2;
      const x1 = hd.fx > 0 ? lx : b.w / 2;
      const y0 = hd.fy < 0 ? ly : -b.h / 2;
      const y1 = hd.fy > 0 ? ly : b.h / 2;
      [o.cx, o.cy] = fromLocal(b, (x0 + x1) / 2, (y0 + y1) / 2);
      o.w = Math.max(1, Math.abs(x1 - x0)); o.h = Math.max(1, Math.abs(y1 - y0));
    };
  } else if (hd.type === 'rotate') {
    drag.move = (x, y) => {
      let a = (Math.atan2(y - before.cy, x - before.cx) * 180) / Math.PI + 90;
      if (a > 180) a -= 360;
      o.angle_deg = Math.round(a * 10) / 10;
    };
  }
  return drag;
}

// A mask-brush drag: ``brush`` resolves to brush.js, which paints it; the pointer's points
// queue up until then (brush.js loads when the tool is chosen, so this is rarely longer).
export function paintDrag(wb, brush, erase, x, y) {
  const d = { type: 'paint', erase, queue: [[x, y]] };
  let m = null;
  d.move = (mx, my) => (m ? m.extendStroke(wb, d, mx, my) : d.queue.push([mx, my]));
  d.end = () => { if (m) m.endStroke(wb, d); else d.ended = true; };
  brush.then((mod) => { m = mod; m.beginStroke(wb, d); });
  return d;
}

function setBrushRadius(wb, r) {
  wb.brushRadius = Math.min(BRUSH_RADIUS[2], Math.max(BRUSH_RADIUS[0], Math.round(r)));
  setStatus(wb, wb.t('image.mask.radius', { r: wb.brushRadius }), 'image-wb-brush-radius');
  wb.requestDraw();
}

function typing(target) {
  return target && (target.isContentEditable
    || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

// Tab walks the objects only from the canvas, and past the last (first, with Shift) one it
// leaves the canvas as usual: the selection is dropped and the key is not taken.
function cycle(wb, e) {
  const n = wb.objects.length;
  const at = wb.objects.findIndex((o) => o._id === wb.sel);
  const next = at < 0 ? (e.shiftKey ? n - 1 : 0) : at + (e.shiftKey ? -1 : 1);
  if (!n || next < 0 || next >= n) { wb.select(null); return false; }
  wb.select(wb.objects[next]._id);
  return true;
}

export function onKey(wb, e, down) {
  // the workbench in use, shown: a review page's folded editor takes no keys
  if (!wb.root.isConnected || !wb.canvas.getClientRects().length) return;
  if (e.key === 'Shift' && wb.tool === 'mask') { wb.shiftDown = down; wb.requestDraw(); }
  if (!down) { if (e.key === ' ') wb.spaceDown = false; return; }
  const key = e.key;
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && key === 'Enter' && wb.submitUrl) { e.preventDefault(); wb.submit(); return; }
  if (wb.submittedElsewhere) return;  // read-only (submitted in another tab): no key edits
  if (typing(e.target)) {
    if (e.key === 'Escape') e.target.blur();
    return;
  }
  // a focused control keeps its own keys: Space and Enter press it, Tab moves on
  const control = e.target instanceof Element && e.target !== wb.canvas
    && Boolean(e.target.closest('button, a, summary, [tabindex]'));
  if ((control && (key === ' ' || key === 'Enter')) || (key === 'Tab' && e.target !== wb.canvas)) {
    return;
  }
  const sel = wb.byId(wb.sel);
  let handled = true;
  if (ctrl && key.toLowerCase() === 'z') { if (e.shiftKey) wb.redo(); else wb.undo(); }
  else if (ctrl && key.toLowerCase() === 'y') wb.redo();
  else if (ctrl && key.toLowerCase() === 'l') {
    if (sel) {
      if (wb.locked.has(sel._id)) wb.locked.delete(sel._id); else wb.locked.add(sel._id);
      wb.refreshPanel(); wb.requestDraw();
    }
  } else if (ctrl || e.altKey) handled = false;
  else if (key === '?') toggleHelp(wb);
  else if (key === ' ') wb.spaceDown = true;
  else if (key === 'Escape') {
    if (toggleHelp(wb, false)) { /* closed the help */ } else if (wb.draft) {
      wb.draft = null;
      if (wb.tool === 'keypoints') wb.startKeypoints();
      wb.requestDraw();
    } else wb.select(null);
  } else if (key === 'Enter') wb.finishDraft();
  else if (key === 'Backspace' && wb.draft && wb.draft.points && wb.draft.points.length) {
    wb.draft.points.pop();
    if (wb.draft.kind === 'keypoints') wb.keypointHint(); else if (!wb.draft.points.length) wb.draft = null;
    wb.requestDraw();
  } else if ((key === 'Delete' || key === 'Backspace') && sel) wb.remove(sel._id);
  else if (/^[1-9]$/.test(key)) {
    const spec = wb.labels[Number(key) - 1];
    if (spec) wb.setLabel(spec.name);
  } else if (key.toLowerCase() === 'n' && wb.draft && wb.draft.kind === 'keypoints') {
    wb.placeKeypoint(0, 0, 0);
  } else if (key.toLowerCase() === 'h' && sel) {
    if (wb.hidden.has(sel._id)) wb.hidden.delete(sel._id); else wb.hidden.add(sel._id);
    wb.refreshPanel(); wb.requestDraw();
  } else if ((key === '[' || key === ']') && wb.tool === 'mask') {
    const r = wb.brushRadius;
    setBrushRadius(wb, key === ']' ? Math.max(r + 1, r * 1.25) : Math.min(r - 1, r / 1.25));
  } else if (key.toLowerCase() === 'f') wb.fit();
  else if (key === '+' || key === '=') wb.zoomAt(1.25, wb.cw / 2, wb.ch / 2);
  else if (key === '-') wb.zoomAt(0.8, wb.cw / 2, wb.ch / 2);
  else if (key === 'Tab') handled = cycle(wb, e);
  else if (TOOL_KEYS[key.toLowerCase()] && wb.root.querySelector(
    `[data-tool="${TOOL_KEYS[key.toLowerCase()]}"]`)) wb.setTool(TOOL_KEYS[key.toLowerCase()]);
  else handled = false;
  if (handled) e.preventDefault();
}
