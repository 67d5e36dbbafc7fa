// "My earnings": earnings (or, for a vendor's worker, accepted tasks) per settlement period (Chart.js UMD, loaded first as window.Chart).
import { readJSON } from './common.js';

const d = readJSON('earnings-data');
const canvas = document.getElementById('chart-earnings');
if (canvas && window.Chart) {
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: d.periods.map((p) => p.period),
      datasets: [{ label: d.label, data: d.periods.map((p) => Number(p.value)), backgroundColor: '#16a34a' }],
    },
    options: { animation: false, scales: { y: { beginAtZero: true } } },
  });
  canvas.dataset.rendered = String(d.periods.length);
}
