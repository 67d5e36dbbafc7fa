// Typed segment times: parse "1.250" (seconds), "1:02.500" (m:ss.mmm) or "1250ms"; format as
// seconds with three decimals; check a segment's new times against the audio and its neighbours.

export function parseTime(text) {
  const v = String(text).trim().toLowerCase();
  let m = /^(\d+)\s*ms$/.exec(v);
  if (m) return Number(m[1]);
  m = /^(\d+):([0-5]?\d(?:\.\d{1,3})?)$/.exec(v);
  if (m) return Math.round((Number(m[1]) * 60 + Number(m[2])) * 1000);
  m = /^\d+(?:\.\d{1,3})?$/.exec(v);
  if (m) return Math.round(Number(v) * 1000);
  return null;
}

export function fmtTime(ms) {
  return (ms / 1000).toFixed(3);
}

// The problem with giving segment i these times (a key of the strings), or null when fine.
export function checkTimes(segments, i, startMs, endMs, durationMs, allowOverlap) {
  if (startMs === null || endMs === null) return 'err_format';
  if (endMs <= startMs) return 'err_order';
  if (startMs < 0 || endMs > durationMs) return 'err_bounds';
  if (!allowOverlap) {
    for (let k = 0; k < segments.length; k += 1) {
      if (k === i) continue;
      const o = segments[k];
      if (startMs < o.end_ms && o.start_ms < endMs) return 'err_overlap';
    }
  }
  return null;
}
