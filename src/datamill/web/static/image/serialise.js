// An image annotation as the schema serialises it (what drafts and submit send), and the
// deep copy the command history keeps of an object.
const round2 = (v) => Math.round(v * 100) / 100;

const COORDS = ['x', 'y', 'w', 'h', 'cx', 'cy', 'angle_deg'];
const pointKey = (x, y) => `${x},${y}`;

// An object as the schema serialises it: no ids, coordinates rounded to 1/100 pixel, except
// those that are still exactly as ``given`` (the object as the page received it): an object
// nobody edited goes back with its exact numbers, and an edited one keeps the exact values of
// what was not moved (its other vertices; a box's size when only moved).
export function serialise(o, given = null) {
  const out = {};
  const same = (k, v) => (given && given[k] === v ? v : round2(v));
  const kept = given && Array.isArray(given.points) ? new Set(given.points.map((p) => (
    Array.isArray(p) ? pointKey(p[0], p[1]) : pointKey(p.x, p.y)))) : new Set();
  const exact = (x, y) => kept.has(pointKey(x, y));
  for (const [k, v] of Object.entries(o)) {
    if (k === '_id') continue;
    if (k === 'points' && o.kind === 'keypoints') {
      out.points = v.map((p) => (exact(p.x, p.y) ? { x: p.x, y: p.y, visibility: p.visibility }
        : { x: round2(p.x), y: round2(p.y), visibility: p.visibility }));
    } else if (k === 'points') {
      out.points = v.map(([x, y]) => (exact(x, y) ? [x, y] : [round2(x), round2(y)]));
    } else if (typeof v === 'number' && COORDS.includes(k)) {
      out[k] = same(k, v);
    } else {
      out[k] = v;
    }
  }
  if ('w' in out) { out.w = Math.max(out.w, 0.01); out.h = Math.max(out.h, 0.01); }
  return out;
}

export const clone = (o) => (o === null ? null : JSON.parse(JSON.stringify(o)));
