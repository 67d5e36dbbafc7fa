// The point-cloud inspection page's per-frame marks (templates/pointcloud/inspection.html):
// a corrected frame is defective when a cuboid of the inspector's version finds no delivered
// cuboid of the same label at the spec's 3D IoU threshold, one is left over on either side,
// or the scene classes differ (what PointCloudPlugin.is_defective counts on the server, whose
// total the scores card shows). The versions come as the inspection's canonical texts.
import { allPaired } from './geometry.js';

function parse(text) {
  try {
    const value = JSON.parse(text);
    return typeof value === 'string' ? JSON.parse(value) : value;
  } catch (_) {
    return null;
  }
}

function same(a, b) {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function mark(li, threshold, strings) {
  const data = parse(li.querySelector('script[data-sample-json]').textContent) || {};
  const delivered = parse(data.delivered || '{}') || {};
  const corrected = data.corrected === null || data.corrected === undefined ? null : parse(data.corrected);
  if (!corrected) return;
  const classes = [delivered.classes || [], corrected.classes || []];
  const defective = !allPaired(corrected.objects || [], delivered.objects || [], threshold)
    || !same(...classes);
  const badge = li.querySelector('[data-part="defect"]');
  badge.textContent = defective ? `✗ ${strings.defective}` : `✓ ${strings.not_defective}`;
  badge.dataset.defective = defective ? '1' : '0';
  badge.classList.add(defective ? 'pc-in-below' : 'pc-in-meets');
  badge.hidden = false;
  li.dataset.defective = defective ? '1' : '0';
  const row = li.querySelector('[data-part="classes"]');
  if (row && !same(...classes)) {
    const shown = (list) => (list.length ? list.join(', ') : strings.none);
    row.textContent = '';
    const b = document.createElement('b');
    b.textContent = strings.classes;
    row.append(b, ` · ${strings.delivered}: ${shown(classes[0])} → ${strings.inspector}: ${shown(classes[1])}`);
    row.hidden = false;
    const none = li.querySelector('[data-part="no-change"]');
    if (none) none.hidden = true;
  }
}

for (const list of document.querySelectorAll('[data-pc-inspection]')) {
  const threshold = Number(list.dataset.iouThreshold || 0.5);
  let strings = {};
  try { strings = JSON.parse(list.dataset.strings || '{}'); } catch (_) { strings = {}; }
  for (const li of list.querySelectorAll('li.sample[data-corrected="1"]')) mark(li, threshold, strings);
  list.dataset.marked = '1';
}
