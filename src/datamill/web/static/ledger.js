// Finance charts (Chart.js UMD, loaded before this module as window.Chart).
import { readJSON } from './common.js';

const d = readJSON('ledger-data');
const Chart = window.Chart;
const num = (s) => Number.parseFloat(s);
const COLOURS = { ratio: '#0891b2', per_work_hour: '#2563eb', accepted_volume: '#16a34a', budget: '#94a3b8', actual: '#2563eb', revenue: '#16a34a', cost: '#dc2626', margin: '#f59e0b', wip_closing: '#7c3aed', opening: '#94a3b8', incurred: '#dc2626', carried: '#16a34a', closing: '#7c3aed' };

function chart(id, type, labels, series, extra = {}) {
  const canvas = document.getElementById(id);
  if (!canvas) return;
  const datasets = series.map(([key, values, kind]) => ({
    label: d.labels[key] || key, data: values.map(num), backgroundColor: COLOURS[key],
    borderColor: COLOURS[key], type: kind || type,
  }));
  new Chart(canvas, { type, data: { labels, datasets }, options: { animation: false, ...extra } });
  canvas.dataset.rendered = String(labels.length);
}

if (d.lines) {
  chart('chart-bva', 'bar', d.lines.map((l) => l.label),
    [['budget', d.lines.map((l) => l.budget)], ['actual', d.lines.map((l) => l.actual)]]);
}
if (d.wip) {
  chart('chart-wip', 'line', d.wip.map((w) => w.month), [['wip_closing', d.wip.map((w) => w.closing)]]);
}
if (d.margin) {
  chart('chart-margin', 'bar', d.margin.map((m) => m.label), [
    ['revenue', d.margin.map((m) => m.revenue)], ['cost', d.margin.map((m) => m.cost)],
    ['margin', d.margin.map((m) => m.margin)]]);
}
if (d.monthly) {
  chart('chart-monthly', 'bar', d.monthly.map((m) => m.month), [
    ['revenue', d.monthly.map((m) => m.revenue)], ['cost', d.monthly.map((m) => m.cost)],
    ['margin', d.monthly.map((m) => m.margin), 'line']]);
}
if (d.bylines) {
  chart('chart-lines', 'bar', d.bylines.map((m) => m.label), [
    ['revenue', d.bylines.map((m) => m.revenue)], ['cost', d.bylines.map((m) => m.cost)],
    ['margin', d.bylines.map((m) => m.margin)]]);
}
if (d.period_wip && d.period_wip.length) {
  const w = d.period_wip;
  chart('chart-period-wip', 'bar', w.map((r) => r.project), [
    ['opening', w.map((r) => r.opening)], ['incurred', w.map((r) => r.incurred)],
    ['carried', w.map((r) => r.carried)], ['closing', w.map((r) => r.closing)]]);
}
if (d.ratio) {
  chart('chart-ratio', 'bar', d.ratio.map((r) => r.label), [['ratio', d.ratio.map((r) => r.value)]]);
}
if (d.throughput) {
  chart('chart-throughput', 'bar', d.throughput.map((r) => r.label), [
    ['per_work_hour', d.throughput.map((r) => r.value)],
    ['accepted_volume', d.throughput.map((r) => r.accepted)]]);
}
