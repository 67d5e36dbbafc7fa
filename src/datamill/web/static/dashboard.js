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
bars('chart-day', d.throughput.per_day.map((p) => p.day), d.throughput.per_day.map((p) => p.items), d.throughput.per_day.map((p) => p.volume));
bars('chart-worker', d.throughput.per_worker.map((p) => p.worker), d.throughput.per_worker.map((p) => p.items), d.throughput.per_worker.map((p) => p.volume));
bars('chart-checks', d.checks.map((c) => d.names.checks[c.check] || c.check), d.checks.map((c) => c.items), null);
