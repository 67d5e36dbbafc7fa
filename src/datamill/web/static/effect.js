// Application-effect report charts (Chart.js UMD, loaded before this module as window.Chart):
// items per error band, and the measure per group (speaker, gender, class ...).
import { readJSON } from './common.js';

const d = readJSON('effect-data');
const Chart = window.Chart;

function bars(id, labels, values, label, colour) {
  const canvas = document.getElementById(id);
  if (!canvas) return;
  new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label, data: values, backgroundColor: colour }] },
    options: { animation: false, scales: { y: { beginAtZero: true } } },
  });
  canvas.dataset.rendered = String(labels.length);
}

bars('chart-distribution', d.distribution.map((b) => b.band), d.distribution.map((b) => b.items), d.labels.items, '#2563eb');
for (const [kind, groups] of Object.entries(d.groups)) {
  const names = Object.keys(groups);
  // a group of classes or labels shows each one's own F1, not the headline's macro-F1
  const legend = kind === 'class' || kind === 'label' ? d.labels.f1 : d.labels.measure;
  // a gender (and "unknown") in the page's language, as the table beside the chart says it
  // an accent's region code worded (英式（GB）), as the table says it
  const shown = names.map((n) => ((kind === 'gender' || n === 'unknown') && d.labels.values[n])
    || (kind === 'accent' && (d.labels.accents || {})[n]) || n);
  if (names.length > 1) bars(`chart-group-${kind}`, shown, names.map((n) => groups[n].value), legend, '#f59e0b');
}
