// Pure geometry for the image workbench: rotated boxes, hit tests, COCO RLE, magic wand.
// Coordinates are image pixels, y down, rotation clockwise on screen (see schema.py).

export function rotatedCorners(o) {
  const t = (o.angle_deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return [[-o.w / 2, -o.h / 2], [o.w / 2, -o.h / 2], [o.w / 2, o.h / 2], [-o.w / 2, o.h / 2]]
    .map(([dx, dy]) => [o.cx + dx * c - dy * s, o.cy + dx * s + dy * c]);
}

// The point (lx, ly) of a rotated box's local frame, in image coordinates, and back.
export function fromLocal(o, lx, ly) {
  const t = (o.angle_deg * Math.PI) / 180;
  return [o.cx + lx * Math.cos(t) - ly * Math.sin(t), o.cy + lx * Math.sin(t) + ly * Math.cos(t)];
}

export function toLocal(o, x, y) {
  const t = (o.angle_deg * Math.PI) / 180;
  const dx = x - o.cx;
  const dy = y - o.cy;
  return [dx * Math.cos(t) + dy * Math.sin(t), -dx * Math.sin(t) + dy * Math.cos(t)];
}

export function boxPoints(o) {
  return [[o.x, o.y], [o.x + o.w, o.y], [o.x + o.w, o.y + o.h], [o.x, o.y + o.h]];
}

// The outline of an object as a list of points (masks: none), and whether it is closed.
export function outline(o) {
  switch (o.kind) {
    case 'box': return { pts: boxPoints(o), closed: true };
    case 'rotated_box': return { pts: rotatedCorners(o), closed: true };
    case 'polygon': case 'text_line': return { pts: o.points, closed: true };
    case 'polyline': return { pts: o.points, closed: false };
    default: return { pts: [], closed: false };
  }
}

export function bounds(pts) {
  let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity;
  for (const [x, y] of pts) {
    if (x < x0) x0 = x; if (y < y0) y0 = y; if (x > x1) x1 = x; if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

export function pointInPolygon(x, y, pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function segmentDistance(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  let t = len ? ((x - ax) * dx + (y - ay) * dy) / len : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

// Does the object contain the image point (x, y)? ``tol`` is in image pixels.
export function hitObject(o, x, y, tol, maskAt) {
  if (o.kind === 'keypoints') {
    return o.points.some((p) => p.visibility && Math.hypot(p.x - x, p.y - y) <= tol * 1.5);
  }
  if (o.kind === 'mask') return maskAt ? maskAt(o, x, y) : false;
  const { pts, closed } = outline(o);
  if (closed && pointInPolygon(x, y, pts)) return true;
  const n = closed ? pts.length : pts.length - 1;
  for (let i = 0; i < n; i += 1) {
    if (segmentDistance(x, y, pts[i], pts[(i + 1) % pts.length]) <= tol) return true;
  }
  return false;
}

// ---------------------------------------------------------------- COCO run-length encoding

// COCO's compressed counts string (rleFrString) to a list of run lengths.
export function rleCounts(counts) {
  if (Array.isArray(counts)) return counts;
  const out = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let k = 0;
    let more = 1;
    while (more) {
      const c = counts.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = c & 0x20;
      p += 1; k += 1;
      if (!more && (c & 0x10)) x |= -1 << (5 * k);
    }
    if (out.length > 2) x += out[out.length - 2];
    out.push(x);
  }
  return out;
}

// Fill ``buf`` (one byte a pixel, column-major: index x * h + y) with the mask of ``rle``.
export function rleToBitmap(rle, buf) {
  buf.fill(0);
  let i = 0;
  let on = false;
  for (const run of rleCounts(rle.counts)) {
    if (on) buf.fill(1, i, i + run);
    i += run; on = !on;
  }
  return buf;
}

// COCO uncompressed RLE of a column-major 0/1 bitmap of ``w`` x ``h``: ``counts`` is the list
// of run lengths starting with background (0 when the first pixel is set), ``size`` [h, w].
export function bitmapToRle(buf, w, h) {
  const n = buf.length;
  const counts = [];
  let pos = 0;
  while (pos < n) {
    let on = buf.indexOf(1, pos);
    if (on < 0) on = n;
    counts.push(on - pos);
    if (on === n) break;
    let off = buf.indexOf(0, on);
    if (off < 0) off = n;
    counts.push(off - on);
    pos = off;
  }
  return { size: [h, w], counts: counts.length ? counts : [0] };
}

// A canvas the size of the image with the mask's pixels painted in ``rgba`` (0..255 each).
export function maskCanvas(rle, rgba) {
  const [h, w] = rle.size;
  const canvas = document.createElement('canvas');
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  const px = new Uint32Array(img.data.buffer);
  const colour = (rgba[3] << 24) | (rgba[2] << 16) | (rgba[1] << 8) | rgba[0];
  let i = 0;
  let on = false;
  for (const run of rleCounts(rle.counts)) {
    if (on) {
      for (let k = i; k < i + run; k += 1) px[(k % h) * w + Math.floor(k / h)] = colour;
    }
    i += run; on = !on;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

// ---------------------------------------------------------------- magic wand

// Flood fill from (sx, sy) over pixels within ``tol`` (0..255, max channel difference) of the
// seed colour, on an RGBA buffer of size w x h; returns the region's outer boundary as a
// simplified polygon (buffer pixel corners), or null when the region is a single pixel.
export function magicWand(data, w, h, sx, sy, tol) {
  const seen = new Uint8Array(w * h);
  const s = (sy * w + sx) * 4;
  const [r0, g0, b0] = [data[s], data[s + 1], data[s + 2]];
  const stack = [sy * w + sx];
  seen[sy * w + sx] = 1;
  let count = 0;
  while (stack.length) {
    const i = stack.pop();
    count += 1;
    const x = i % w;
    const y = (i - x) / w;
    const nbrs = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1,
      y < h - 1 ? i + w : -1];
    for (const j of nbrs) {
      if (j < 0 || seen[j]) continue;
      const q = j * 4;
      if (Math.max(Math.abs(data[q] - r0), Math.abs(data[q + 1] - g0),
        Math.abs(data[q + 2] - b0)) <= tol) {
        seen[j] = 1; stack.push(j);
      }
    }
  }
  if (count < 2) return null;
  // regions touching themselves diagonally would trace a self-touching ring: fill one pixel
  for (let y = 0; y < h - 1; y += 1) {
    for (let x = 0, i = y * w; x < w - 1; x += 1, i += 1) {
      const a = seen[i]; const b = seen[i + 1]; const c = seen[i + w]; const d = seen[i + w + 1];
      if (a && d && !b && !c) seen[i + 1] = 1; else if (b && c && !a && !d) seen[i] = 1;
    }
  }
  return simplify(traceBoundary(seen, w, h, sx, sy), 1.0);
}

// Walk the outer boundary of the 4-connected region containing (sx, sy) along pixel edges.
function traceBoundary(m, w, h, sx, sy) {
  const inside = (x, y) => x >= 0 && y >= 0 && x < w && y < h && m[y * w + x] === 1;
  let x = sx;
  while (inside(x - 1, sy)) x -= 1; // leftmost pixel of the seed's row: its left edge is outer
  // state: corner (cx, cy) and direction d (0 up, 1 right, 2 down, 3 left), region on the right
  const start = [x, sy + 1, 0];
  let [cx, cy, d] = start;
  const pts = [];
  const dx = [0, 1, 0, -1];
  const dy = [-1, 0, 1, 0];
  for (let guard = 0; guard < 4 * w * h + 8; guard += 1) {
    pts.push([cx, cy]);
    cx += dx[d]; cy += dy[d];
    // pixels ahead-left and ahead-right of the corner we reached, for the direction d
    const cell = (ddx, ddy) => inside(cx + ddx, cy + ddy);
    const aheadLeft = [cell(-1, -1), cell(0, -1), cell(0, 0), cell(-1, 0)][d];
    const aheadRight = [cell(0, -1), cell(0, 0), cell(-1, 0), cell(-1, -1)][d];
    if (!aheadRight) d = (d + 1) % 4; else if (aheadLeft) d = (d + 3) % 4;
    if (cx === start[0] && cy === start[1] && d === start[2]) break;
  }
  return pts;
}

// Douglas-Peucker on a closed ring.
export function simplify(pts, eps) {
  if (pts.length < 4) return pts;
  const rec = (a, b, out) => {
    let best = -1; let far = 0;
    for (let i = a + 1; i < b; i += 1) {
      const d = segmentDistance(pts[i][0], pts[i][1], pts[a], pts[b]);
      if (d > far) { far = d; best = i; }
    }
    if (far > eps) { rec(a, best, out); rec(best, b, out); } else out.push(pts[a]);
  };
  const mid = Math.floor(pts.length / 2);
  const out = [];
  rec(0, mid, out);
  rec(mid, pts.length - 1, out);
  out.push(pts[pts.length - 1]);
  return out.length >= 3 ? out : pts;
}

// Whether the closed ring ``pts`` ([[x, y], ...]) crosses or touches itself: two edges that are
// not neighbours meet, or two neighbours fold back over each other (what the server refuses as
// ``polygon_self_intersecting``; the workbench says so when the polygon is closed).
export function ringCrosses(ring) {
  // a point repeated next to itself adds no edge (the server reads such a ring as valid)
  const pts = ring.filter((p, i) => {
    const q = ring[(i + ring.length - 1) % ring.length];
    return ring.length < 2 || p[0] !== q[0] || p[1] !== q[1];
  });
  const n = pts.length;
  // all on one line: no area, another refusal (polygon_zero_area), not this one
  if (n < 3 || pts.every((p) => cross(pts[0], pts[1], p) === 0)) return false;
  for (let i = 0; i < n; i += 1) {
    const a = pts[i];
    const b = pts[(i + 1) % n];
    for (let j = i + 1; j < n; j += 1) {
      const c = pts[j];
      const d = pts[(j + 1) % n];
      const neighbours = j === i + 1 || (i === 0 && j === n - 1);
      if (neighbours) {
        // sharing one end: they overlap only when they run back along each other
        const [p, q, r] = j === i + 1 ? [a, b, d] : [b, a, c];
        if (cross(p, q, r) === 0 && dot(q, p, r) > 0) return true;
      } else if (segmentsMeet(a, b, c, d)) return true;
    }
  }
  return false;
}

// Whether the closed ring ``ring`` covers less than one square pixel (none, all on one line,
// included): the smallest box the workbench draws is 1 x 1, and Submit refuses a polygon or text
// line under it (``area_too_small``, ``polygon_zero_area``).
export function ringTooSmall(ring) {
  let twice = 0;
  ring.forEach((p, i) => { const q = ring[(i + 1) % ring.length]; twice += p[0] * q[1] - q[0] * p[1]; });
  return Math.abs(twice) / 2 < 1;
}

function cross(o, a, b) { return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]); }

// (p - q) . (r - q) with q the shared end: > 0 when both edges leave q on the same side
function dot(q, p, r) { return (p[0] - q[0]) * (r[0] - q[0]) + (p[1] - q[1]) * (r[1] - q[1]); }

function onSegment(a, b, p) {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0])
    && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

function segmentsMeet(a, b, c, d) {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    return true;
  }
  return (d1 === 0 && onSegment(c, d, a)) || (d2 === 0 && onSegment(c, d, b))
    || (d3 === 0 && onSegment(a, b, c)) || (d4 === 0 && onSegment(a, b, d));
}

// An object copied from another image, fitted to this W x H one, or null when it has no place
// here: a box cut at the edges (null when nothing of it is inside), points of a polygon,
// polyline or text line and labelled keypoints moved onto the edge, a mask only when it is of
// this image's size. (Copied as they were, a box of a larger photo lay outside this one and a
// mask of another size could not be edited: the submit refused them.)
export function fitToImage(o, W, H) {
  const cx = (v) => Math.min(W, Math.max(0, v));
  const cy = (v) => Math.min(H, Math.max(0, v));
  if (o.kind === 'box') {
    const x0 = cx(o.x); const y0 = cy(o.y);
    const x1 = cx(o.x + o.w); const y1 = cy(o.y + o.h);
    // under a pixel inside (the smallest box the workbench draws): no place here either
    return x1 - x0 >= 1 && y1 - y0 >= 1 ? { ...o, x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
  }
  if (o.kind === 'mask') {
    const [h, w] = (o.rle && o.rle.size) || [];
    return h === H && w === W ? o : null;
  }
  if (o.kind === 'keypoints') {
    return { ...o, points: o.points.map((p) => (p.visibility ? { ...p, x: cx(p.x), y: cy(p.y) } : p)) };
  }
  if (o.kind === 'rotated_box') return o.cx >= 0 && o.cx <= W && o.cy >= 0 && o.cy <= H ? o : null;
  if (Array.isArray(o.points)) {
    const inside = o.points.some(([x, y]) => x >= 0 && x <= W && y >= 0 && y <= H);
    return inside ? { ...o, points: o.points.map(([x, y]) => [cx(x), cy(y)]) } : null;
  }
  return o;
}
