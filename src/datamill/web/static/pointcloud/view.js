// Drawing the bird's-eye view: the points coloured by height straight into ImageData (a few
// milliseconds for 200 000 points), then the metre grid, the cuboids, the draft footprint,
// the selected cuboid's handles and the scale bar as vector graphics; and the side view of
// the selected cuboid (its points along the heading against z).
import { corners, edgeHandles, fromLocal, gridStep, heightRamp, toLocal } from './geometry.js';

export const PALETTE = ['#f97316', '#22c55e', '#3b82f6', '#eab308', '#a855f7', '#06b6d4',
  '#ec4899', '#84cc16', '#f43f5e', '#14b8a6'];
export const HANDLE_PX = 6;
export const ROTATE_PX = 26; // the rotation handle's distance beyond the front edge
const BACKGROUND = 0xff271811; // #111827, little-endian ABGR
const LUT = heightRamp();

// Per-point colour indices (0..255) for z between lo and hi.
export function colourPoints(pts, lo, hi) {
  const n = pts.length / 4;
  const out = new Uint8Array(n);
  const span = hi - lo || 1;
  for (let i = 0; i < n; i += 1) {
    const f = (pts[i * 4 + 2] - lo) / span;
    out[i] = f <= 0 ? 0 : f >= 1 ? 255 : Math.round(f * 255);
  }
  return out;
}

export function rampCss() {
  const stops = [];
  for (let i = 0; i <= 4; i += 1) {
    const c = LUT[Math.round((i / 4) * 255)];
    stops.push(`rgb(${c & 255},${(c >> 8) & 255},${(c >> 16) & 255})`); // eslint-disable-line no-bitwise
  }
  return `linear-gradient(to right, ${stops.join(',')})`;
}

function drawPoints(wb) {
  const { canvas, ctx, dpr, view: v } = wb;
  const W = canvas.width;
  const H = canvas.height;
  if (!wb.image || wb.image.width !== W || wb.image.height !== H) {
    wb.image = ctx.createImageData(W, H);
    wb.image32 = new Uint32Array(wb.image.data.buffer);
  }
  const buf = wb.image32;
  buf.fill(BACKGROUND);
  const pts = wb.points;
  const col = wb.colours;
  if (pts) {
    const s = v.s * dpr;
    const tx = v.tx * dpr;
    const ty = v.ty * dpr;
    const size = s >= 60 ? 3 : 2;
    for (let i = 0, n = col.length; i < n; i += 1) {
      const px = Math.round(tx - pts[i * 4 + 1] * s);
      const py = Math.round(ty - pts[i * 4] * s);
      if (px < 0 || py < 0 || px >= W - size || py >= H - size) continue;
      const c = LUT[col[i]];
      let at = py * W + px;
      for (let r = 0; r < size; r += 1, at += W) for (let q = 0; q < size; q += 1) buf[at + q] = c;
    }
  }
  ctx.putImageData(wb.image, 0, 0);
}

function drawGrid(wb) {
  const { ctx, view: v, cw, ch } = wb;
  const step = gridStep(v.s);
  // the world's visible range: screen x maps to -y, screen y to -x
  const [x0, y0] = wb.toWorld(cw, ch);
  const [x1, y1] = wb.toWorld(0, 0);
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(255,255,255,0.09)';
  ctx.beginPath();
  for (let x = Math.ceil(x0 / step) * step; x <= x1; x += step) {
    const [, sy] = wb.toScreen(x, 0);
    ctx.moveTo(0, Math.round(sy) + 0.5); ctx.lineTo(cw, Math.round(sy) + 0.5);
  }
  for (let y = Math.ceil(y0 / step) * step; y <= y1; y += step) {
    const [sx] = wb.toScreen(0, y);
    ctx.moveTo(Math.round(sx) + 0.5, 0); ctx.lineTo(Math.round(sx) + 0.5, ch);
  }
  ctx.stroke();
  // the sensor: a small triangle pointing forward (+x)
  const [ox, oy] = wb.toScreen(0, 0);
  ctx.fillStyle = 'rgba(255,255,255,0.7)';
  ctx.beginPath();
  ctx.moveTo(ox, oy - 9); ctx.lineTo(ox - 5, oy + 5); ctx.lineTo(ox + 5, oy + 5);
  ctx.closePath(); ctx.fill();
  // the scale bar (bottom left)
  const px = step * v.s;
  ctx.strokeStyle = '#f9fafb';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(12, ch - 14); ctx.lineTo(12 + px, ch - 14);
  ctx.moveTo(12, ch - 19); ctx.lineTo(12, ch - 9);
  ctx.moveTo(12 + px, ch - 19); ctx.lineTo(12 + px, ch - 9);
  ctx.stroke();
  ctx.fillStyle = '#f9fafb';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(`${step} m`, 16 + px, ch - 10);
}

function footprint(wb, c) {
  const pts = corners(c).map(([x, y]) => wb.toScreen(x, y));
  wb.ctx.beginPath();
  pts.forEach(([x, y], i) => (i ? wb.ctx.lineTo(x, y) : wb.ctx.moveTo(x, y)));
  wb.ctx.closePath();
  return pts;
}

// One cuboid: its footprint, a heading tick from the centre to the front edge, its name.
export function drawCuboid(wb, c, { colour, selected = false, dashed = false, label = true }) {
  const { ctx } = wb;
  const pts = footprint(wb, c);
  ctx.setLineDash(dashed ? [5, 4] : []);
  ctx.lineWidth = selected ? 2.5 : 1.5;
  ctx.strokeStyle = colour;
  if (!dashed) {
    ctx.fillStyle = `${colour}${selected ? '40' : '22'}`;
    ctx.fill();
  }
  ctx.stroke();
  const [cx, cy] = wb.toScreen(c.x, c.y);
  const [fx, fy] = wb.toScreen(...fromLocal(c, c.length / 2, 0));
  ctx.beginPath();
  ctx.moveTo(cx, cy); ctx.lineTo(fx, fy);
  ctx.stroke();
  ctx.setLineDash([]);
  if (label) {
    const top = pts.reduce((a, b) => (b[1] < a[1] ? b : a));
    ctx.font = '12px system-ui, sans-serif';
    const text = `${c.label}${c.track_id ? ` · ${c.track_id}` : ''}`;
    const w = ctx.measureText(text).width;
    ctx.fillStyle = 'rgba(17,24,39,0.75)';
    ctx.fillRect(top[0] - w / 2 - 3, top[1] - 18, w + 6, 15);
    ctx.fillStyle = colour;
    ctx.fillText(text, top[0] - w / 2, top[1] - 6);
  }
}

// The selected cuboid's handles (screen): four edges, one rotation knob ahead of the front.
export function handles(wb, c) {
  const out = edgeHandles(c).map((h) => ({ type: h.type, at: wb.toScreen(...h.at) }));
  const ahead = c.length / 2 + ROTATE_PX / wb.view.s;
  out.push({ type: 'rotate', at: wb.toScreen(...fromLocal(c, ahead, 0)) });
  return out;
}

export function draw(wb) {
  const { ctx, dpr } = wb;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  drawPoints(wb);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  drawGrid(wb);
  if (wb.previous) {
    for (const c of wb.previous.objects || []) {
      drawCuboid(wb, c, { colour: '#e5e7eb', dashed: true, label: false });
    }
  }
  for (const o of wb.objects) {
    if (wb.hidden.has(o.id)) continue;
    drawCuboid(wb, o, { colour: wb.colour(o.label), selected: o.id === wb.sel });
  }
  const d = wb.draft;
  if (d && d.rough) drawCuboid(wb, d.rough, { colour: '#f9fafb', dashed: true, label: false });
  const sel = wb.selected();
  if (sel && !wb.hidden.has(sel.id) && wb.editable(sel)) {
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#111827';
    ctx.fillStyle = '#ffffff';
    for (const h of handles(wb, sel)) {
      ctx.beginPath();
      if (h.type === 'rotate') ctx.arc(h.at[0], h.at[1], HANDLE_PX, 0, 2 * Math.PI);
      else ctx.rect(h.at[0] - HANDLE_PX, h.at[1] - HANDLE_PX, HANDLE_PX * 2, HANDLE_PX * 2);
      ctx.fill(); ctx.stroke();
    }
  }
  drawSide(wb);
}

// The side view: the selected cuboid's points (within half a metre of its footprint) along
// its heading (front to the right) against z, with the box's outline.
function drawSide(wb) {
  const canvas = wb.sideCanvas;
  if (!canvas) return;
  const ctx = canvas.getContext('2d');
  const dpr = wb.dpr;
  const cw = canvas.clientWidth || 260;
  const chh = canvas.clientHeight || 130;
  if (canvas.width !== Math.round(cw * dpr)) {
    canvas.width = Math.round(cw * dpr); canvas.height = Math.round(chh * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#111827';
  ctx.fillRect(0, 0, cw, chh);
  const c = wb.selected();
  if (!c || !wb.points) return;
  const margin = 0.5;
  const umax = c.length / 2 + margin;
  const zlo = c.z - c.height / 2 - margin;
  const zhi = c.z + c.height / 2 + margin;
  const s = Math.min((cw - 10) / (2 * umax), (chh - 10) / (zhi - zlo));
  const ox = cw / 2;
  const oy = chh / 2 + ((zhi + zlo) / 2) * s;
  const pts = wb.points;
  for (let i = 0, n = wb.colours.length; i < n; i += 1) {
    const [u, v] = toLocal(c, pts[i * 4], pts[i * 4 + 1]);
    if (Math.abs(u) > umax || Math.abs(v) > c.width / 2 + margin) continue;
    const z = pts[i * 4 + 2];
    if (z < zlo || z > zhi) continue;
    const k = LUT[wb.colours[i]];
    ctx.fillStyle = `rgb(${k & 255},${(k >> 8) & 255},${(k >> 16) & 255})`; // eslint-disable-line no-bitwise
    ctx.fillRect(ox + u * s - 1, oy - z * s - 1, 2, 2);
  }
  ctx.strokeStyle = wb.colour(c.label);
  ctx.lineWidth = 1.5;
  ctx.strokeRect(ox - (c.length / 2) * s, oy - (c.z + c.height / 2) * s, c.length * s, c.height * s);
  ctx.beginPath(); // the heading: an arrow head on the front edge
  ctx.moveTo(ox + (c.length / 2) * s, oy - c.z * s);
  ctx.lineTo(ox + (c.length / 2) * s - 6, oy - c.z * s - 4);
  ctx.moveTo(ox + (c.length / 2) * s, oy - c.z * s);
  ctx.lineTo(ox + (c.length / 2) * s - 6, oy - c.z * s + 4);
  ctx.stroke();
}
