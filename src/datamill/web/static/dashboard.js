// Project dashboard charts (Chart.js UMD, loaded before this module as window.Chart).
import { readJSON } from './common.js';

const d = readJSON('dashboard-data');
const Chart = window.Chart;

function bars(id, labels, items, volume) {
  const canvas = document.getElementById(id);
  const datasets = [{ label: d.labels.items, data: items, backgroundColor: '#2563eb', yAxisID: 'y' }];
  if (volume) datasets.push({ label: d.labels.volume, data: volume, backgroundColor: '#f59e0b', yAxisID: 'y1' });
  const scales = { y: { beginAtZero: true, position: 'left' } };
  if (volume) scales.y1 = { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } };
  new Chart(canvas, { type: 'bar', data: { labels, datasets }, options: { animation: false, scales } });
  canvas.dataset.rendered = String(labels.length);
}

bars('chart-progress', d.progress.map((p) => d.names.statuses[p.status] || p.status), d.progress.map((p) => p.items), d.progress.map((p) => p.volume));
// work per stage, stacked: an item annotated and reviewed is one piece of work in each stage;
// the volume annotated (hours of speech, images, ...) on the right-hand axis, as a line
function stageBars(id, rows, key) {
  const canvas = document.getElementById(id);
  const labels = rows.map((p) => p[key]);
  const datasets = [
    { label: d.labels.annotated, data: rows.map((p) => p.annotated), backgroundColor: '#2563eb', stack: 'work', yAxisID: 'y' },
    { label: d.labels.reviewed, data: rows.map((p) => p.reviewed), backgroundColor: '#16a34a', stack: 'work', yAxisID: 'y' },
    { type: 'line', label: d.labels.annotated_volume, data: rows.map((p) => p.annotated_volume), borderColor: '#f59e0b', backgroundColor: '#f59e0b', yAxisID: 'y1' },
  ];
  const scales = {
    x: { stacked: true },
    y: { beginAtZero: true, stacked: true, position: 'left' },
    y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } },
  };
  new Chart(canvas, { type: 'bar', data: { labels, datasets }, options: { animation: false, scales } });
  canvas.dataset.rendered = String(labels.length);
}

stageBars('chart-day', d.throughput.per_day, 'day');
stageBars('chart-worker', d.throughput.per_worker, 'worker');
bars('chart-checks', d.checks.map((c) => d.names.checks[c.check] || c.check), d.checks.map((c) => c.items), null);
