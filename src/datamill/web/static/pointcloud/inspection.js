// The point-cloud inspection page's per-frame scene-classes row (templates/pointcloud/inspection.html).
// Whether a corrected frame is defective is the server's judgement (PointCloudPlugin.is_defective:
// cuboids, scene classes and point agreement), rendered with the page
// (production.inspection.sample_defects), so the mark always agrees with the scores' total; this
// only spells out a scene-class change. The versions come as the inspection's canonical texts.
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

function mark(li, strings) {
  const data = parse(li.querySelector('script[data-sample-json]').textContent) || {};
  const delivered = parse(data.delivered || '{}') || {};
  const corrected = data.corrected === null || data.corrected === undefined ? null : parse(data.corrected);
  if (!corrected) return;
  const classes = [delivered.classes || [], corrected.classes || []];
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
  let strings = {};
  try { strings = JSON.parse(list.dataset.strings || '{}'); } catch (_) { strings = {}; }
  for (const li of list.querySelectorAll('li.sample[data-corrected="1"]')) mark(li, strings);
  list.dataset.marked = '1';
}
