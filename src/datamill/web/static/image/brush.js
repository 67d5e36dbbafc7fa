// The mask brush of the image workbench: a drag paints discs of ``wb.brushRadius`` image pixels
// into the selected mask, or into a new mask of the current class when no mask is selected;
// Shift-drag erases. Strokes go into one offscreen bitmap at image resolution (one byte a pixel,
// column-major like COCO's runs), allocated on the first stroke and kept for the next ones; the
// pixels a stroke touches are copied into the mask's canvas as it goes, and on release the
// bitmap becomes the mask's COCO RLE (uncompressed counts, size [h, w]) in one undoable step.
// Loaded when the mask tool is first chosen, never at startup.
import { bitmapToRle, rleToBitmap } from './geometry.js';
import { setStatus } from './panel.js';

const SELECTED_ALPHA = 150; // as workbench.js draws a selected mask

const clone = (o) => JSON.parse(JSON.stringify(o));

// The workbench's bitmap, holding the mask ``o`` (or nothing when ``o`` is null); ``wb.brush.rle``
// is the RLE object whose pixels the bitmap holds (null while a stroke changes them).
function bitmapFor(wb, o) {
  const n = wb.W * wb.H;
  let b = wb.brush;
  if (!b || b.buf.length !== n) {
    b = { buf: new Uint8Array(n), rle: null };
    wb.brush = b;
  }
  if (!o) b.buf.fill(0);
  else if (b.rle !== o.rle) rleToBitmap(o.rle, b.buf); // else it holds o's mask already
  return b.buf;
}

// The selected mask, when a stroke may paint into it.
function targetMask(wb) {
  const o = wb.byId(wb.sel);
  if (!o || o.kind !== 'mask' || !wb.editable(o) || wb.hidden.has(o._id)) return null;
  const [h, w] = o.rle.size;
  return h === wb.H && w === wb.W ? o : null;
}

function packed(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return ((SELECTED_ALPHA << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

// Start the stroke ``d`` ({erase, queue: [[x, y], ...], ended}) that pointerDown began; the
// points queued while this module loaded are painted now, and a release meanwhile (``ended``)
// ends it.
export function beginStroke(wb, d) {
  const target = targetMask(wb);
  const queue = d.queue;
  d.queue = null;
  if (!target) {
    const label = wb.labelFor('mask');
    const spec = wb.spec(label);
    if (wb.labels.length && !(spec && spec.kinds.includes('mask'))) {
      setStatus(wb, wb.t('image.mask.not_allowed', { label: wb.label }));
      d.done = true;
      return;
    }
    if (d.erase) { d.done = true; return; } // nothing to erase
    d.label = label;
    d.canvas = document.createElement('canvas');
    d.canvas.width = wb.W; d.canvas.height = wb.H;
    d.overlay = d.canvas; // drawn by the workbench until the mask exists
  } else {
    d.target = target._id;
    d.before = clone(target);
    d.label = target.label;
    d.canvas = wb.maskImage(target);
  }
  d.buf = bitmapFor(wb, target);
  wb.brush.rle = null; // the bitmap holds no stored mask until endStroke says which
  d.ctx = d.canvas.getContext('2d');
  d.colour = packed(wb.colour(d.label));
  d.radius = wb.brushRadius;
  for (const [x, y] of queue) extendStroke(wb, d, x, y);
  if (d.ended) endStroke(wb, d);
  wb.requestDraw();
}

// Paint (or erase) the capsule from the stroke's last point to (x, y) in image pixels.
export function extendStroke(wb, d, x, y) {
  if (d.done) return;
  const [ax, ay] = d.last || [x, y];
  d.last = [x, y];
  const { W, H } = wb;
  const r = d.radius;
  const x0 = Math.max(0, Math.floor(Math.min(ax, x) - r));
  const x1 = Math.min(W, Math.ceil(Math.max(ax, x) + r));
  const y0 = Math.max(0, Math.floor(Math.min(ay, y) - r));
  const y1 = Math.min(H, Math.ceil(Math.max(ay, y) + r));
  if (x0 >= x1 || y0 >= y1) return;
  const { buf } = d;
  const v = d.erase ? 0 : 1;
  const dx = x - ax;
  const dy = y - ay;
  const len = dx * dx + dy * dy;
  const r2 = r * r;
  for (let px = x0; px < x1; px += 1) {
    const col = px * H;
    const qx = px + 0.5 - ax;
    for (let py = y0; py < y1; py += 1) {
      const qy = py + 0.5 - ay;
      let t = len ? (qx * dx + qy * dy) / len : 0;
      t = t < 0 ? 0 : (t > 1 ? 1 : t);
      const ex = qx - t * dx;
      const ey = qy - t * dy;
      if (ex * ex + ey * ey <= r2) buf[col + py] = v;
    }
  }
  d.changed = true;
  // the touched rectangle of the mask's canvas, from the bitmap
  const w = x1 - x0;
  const h = y1 - y0;
  const img = d.ctx.createImageData(w, h);
  const px32 = new Uint32Array(img.data.buffer);
  for (let px = x0; px < x1; px += 1) {
    const col = px * H;
    for (let py = y0; py < y1; py += 1) {
      if (buf[col + py]) px32[(py - y0) * w + (px - x0)] = d.colour;
    }
  }
  d.ctx.putImageData(img, x0, y0);
}

// ``canvas`` already shows the mask ``o`` as it is now: the workbench draws it from there.
function keepMaskImage(wb, o, canvas) {
  wb.dropMaskImages(o._id);
  wb.masks.set(`${o._id}:${o.label}:${o._id === wb.sel}`, canvas);
}

// Release: the bitmap becomes the mask's RLE, recorded as one command (a new mask, an edit, or
// the removal of a mask erased to nothing).
export function endStroke(wb, d) {
  if (d.done) return;
  d.done = true;
  if (!d.changed) return;
  const rle = bitmapToRle(d.buf, wb.W, wb.H);
  const empty = rle.counts.length < 2;
  if (d.target === undefined) {
    if (empty) return;
    const o = wb.add({ kind: 'mask', label: d.label, attributes: {}, rle });
    const added = wb.byId(o._id);
    wb.brush.rle = added.rle;
    keepMaskImage(wb, added, d.canvas);
    return;
  }
  const o = wb.byId(d.target);
  if (!o) return;
  if (empty) { wb.remove(o._id); return; }
  o.rle = rle;
  wb.brush.rle = rle;
  keepMaskImage(wb, o, d.canvas);
  wb.replace(o._id, d.before);
}

// The brush's outline under the pointer (screen coordinates; dashed while erasing).
export function drawCursor(wb, ctx) {
  if (!wb.hover) return;
  const [hx, hy] = wb.hover;
  const erase = wb.drag && wb.drag.type === 'paint' ? wb.drag.erase : wb.shiftDown;
  ctx.save();
  ctx.beginPath();
  ctx.arc(hx, hy, Math.max(1, wb.brushRadius * wb.view.s), 0, 2 * Math.PI);
  ctx.setLineDash(erase ? [4, 3] : []);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#111827';
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  ctx.restore();
}
