// Bird's-eye-view geometry of the point-cloud workbench. World: the sensor frame in metres
// (x forward, y left, z up); yaw in radians about z, counter-clockwise from x. Screen: x
// forward is up, y left is left, so sx = tx - y * s and sy = ty - x * s (s: pixels a metre).

export const TAU = Math.PI * 2;

// yaw in (-pi, pi] (the schema's normalisation)
export function normYaw(yaw) {
  let r = yaw - TAU * Math.round(yaw / TAU);
  if (r <= -Math.PI) r += TAU;
  return r;
}

export const deg = (rad) => (rad * 180) / Math.PI;
export const rad = (d) => (d * Math.PI) / 180;

// The unit heading of a cuboid and its left normal (world).
export function axes(c) {
  const cos = Math.cos(c.yaw || 0);
  const sin = Math.sin(c.yaw || 0);
  return { fx: cos, fy: sin, lx: -sin, ly: cos };
}

// A world point in the cuboid's frame: along its heading, across it (to its left).
export function toLocal(c, x, y) {
  const a = axes(c);
  const dx = x - c.x;
  const dy = y - c.y;
  return [dx * a.fx + dy * a.fy, dx * a.lx + dy * a.ly];
}

export function fromLocal(c, u, v) {
  const a = axes(c);
  return [c.x + u * a.fx + v * a.lx, c.y + u * a.fy + v * a.ly];
}

// The footprint's corners (world): front-left, front-right, back-right, back-left.
export function corners(c) {
  const l = c.length / 2;
  const w = c.width / 2;
  return [[l, w], [l, -w], [-l, -w], [-l, w]].map(([u, v]) => fromLocal(c, u, v));
}

export function inside(c, x, y, margin = 0) {
  const [u, v] = toLocal(c, x, y);
  return Math.abs(u) <= c.length / 2 + margin && Math.abs(v) <= c.width / 2 + margin;
}

// The edge handles (world): front/back move along the heading, left/right across it.
export function edgeHandles(c) {
  const l = c.length / 2;
  const w = c.width / 2;
  return [
    { type: 'front', at: fromLocal(c, l, 0) }, { type: 'back', at: fromLocal(c, -l, 0) },
    { type: 'left', at: fromLocal(c, 0, w) }, { type: 'right', at: fromLocal(c, 0, -w) },
  ];
}

// A new cuboid when the edge ``type`` is dragged to world (x, y): the opposite edge stays.
export function resizeEdge(c, type, x, y, min = 0.05) {
  const [u, v] = toLocal(c, x, y);
  const out = { ...c };
  if (type === 'front' || type === 'back') {
    const fixed = type === 'front' ? -c.length / 2 : c.length / 2;
    const moved = type === 'front' ? Math.max(u, fixed + min) : Math.min(u, fixed - min);
    out.length = Math.abs(moved - fixed);
    [out.x, out.y] = fromLocal(c, (moved + fixed) / 2, 0);
  } else {
    const fixed = type === 'left' ? -c.width / 2 : c.width / 2;
    const moved = type === 'left' ? Math.max(v, fixed + min) : Math.min(v, fixed - min);
    out.width = Math.abs(moved - fixed);
    [out.x, out.y] = fromLocal(c, 0, (moved + fixed) / 2);
  }
  return out;
}

// A ramp from blue (low) through green and yellow to red (high): 256 RGBA entries packed
// little-endian for a Uint32Array over ImageData.
export function heightRamp() {
  const stops = [[0, [48, 64, 220]], [0.35, [40, 200, 220]], [0.6, [90, 220, 90]],
    [0.8, [245, 220, 60]], [1, [240, 70, 50]]];
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i += 1) {
    const f = i / 255;
    let k = 0;
    while (k < stops.length - 2 && f > stops[k + 1][0]) k += 1;
    const [f0, c0] = stops[k];
    const [f1, c1] = stops[k + 1];
    const w = Math.min(1, Math.max(0, (f - f0) / (f1 - f0)));
    const [r, g, b] = c0.map((c, j) => Math.round(c + (c1[j] - c) * w));
    lut[i] = (255 << 24) | (b << 16) | (g << 8) | r; // eslint-disable-line no-bitwise
  }
  return lut;
}

// The q-th quantile of a sample of ``values`` (at most 20 000 of them, evenly spaced).
export function quantile(values, q) {
  if (!values.length) return 0;
  const step = Math.max(1, Math.floor(values.length / 20000));
  const sample = [];
  for (let i = 0; i < values.length; i += step) sample.push(values[i]);
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))];
}

// A grid spacing (metres) that leaves at least ``minPx`` pixels between lines.
export function gridStep(scale, minPx = 48) {
  for (const m of [0.5, 1, 2, 5, 10, 20, 50, 100, 200]) if (m * scale >= minPx) return m;
  return 500;
}

// The area of a simple polygon [[x, y], ...] (either winding).
function area(poly) {
  let a = 0;
  for (let i = 0; i < poly.length; i += 1) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    a += x0 * y1 - x1 * y0;
  }
  return Math.abs(a) / 2;
}

// The overlap of two convex polygons given counter-clockwise (Sutherland–Hodgman).
function clip(subject, window) {
  let out = subject;
  for (let i = 0; i < window.length && out.length; i += 1) {
    const [ax, ay] = window[i];
    const [bx, by] = window[(i + 1) % window.length];
    const side = ([x, y]) => (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    const input = out;
    out = [];
    for (let k = 0; k < input.length; k += 1) {
      const p = input[k];
      const q = input[(k + 1) % input.length];
      const sp = side(p);
      const sq = side(q);
      if (sp >= 0) out.push(p);
      if ((sp >= 0) !== (sq >= 0)) {
        const f = sp / (sp - sq);
        out.push([p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f]);
      }
    }
  }
  return out;
}

// 3D IoU of two cuboids that turn only about z (the bird's-eye overlap times the vertical
// one, over the union of the volumes): what the server's metric (pointcloud/metric.py)
// computes, for the page's per-frame marks.
export function iou3d(a, b) {
  const bottom = Math.max(a.z - a.height / 2, b.z - b.height / 2);
  const top = Math.min(a.z + a.height / 2, b.z + b.height / 2);
  if (top <= bottom) return 0;
  const ccw = (c) => corners(c).reverse(); // corners() runs clockwise seen from above
  const overlap = clip(ccw(a), ccw(b));
  const inter = (overlap.length >= 3 ? area(overlap) : 0) * (top - bottom);
  const union = a.length * a.width * a.height + b.length * b.width * b.height - inter;
  return union > 0 ? Math.min(1, inter / union) : 0;
}

// Whether every cuboid of ``ref`` pairs with one of ``hyp`` of the same label at 3D IoU >=
// ``threshold`` and none is left over on either side (a maximum matching; the server's
// optimal assignment pairs the same boxes whenever such a matching exists).
export function allPaired(ref, hyp, threshold) {
  if (ref.length !== hyp.length) return false;
  const ok = ref.map((r) => hyp.map((h) => r.label === h.label && iou3d(r, h) >= threshold));
  const owner = new Array(hyp.length).fill(-1);
  const seek = (i, seen) => {
    for (let j = 0; j < hyp.length; j += 1) {
      if (!ok[i][j] || seen[j]) continue;
      seen[j] = true;
      if (owner[j] < 0 || seek(owner[j], seen)) { owner[j] = i; return true; }
    }
    return false;
  };
  return ref.every((_, i) => seek(i, new Array(hyp.length).fill(false)));
}
