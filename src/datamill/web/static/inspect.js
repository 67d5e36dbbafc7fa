// Inspector: save each corrected transcript and show the scores over the samples so far.
import { readJSON, sendJSON } from './common.js';

const { id } = readJSON('insp-data');

function showScores(sc) {
  for (const el of document.querySelectorAll('[data-score]')) {
    const v = sc[el.dataset.score];
    if (v === undefined) continue;
    el.textContent = (el.dataset.score.endsWith('accuracy') || el.dataset.score === 'agreement') ? Number(v).toFixed(4) : String(v);
  }
}

async function save(li) {
  const text = li.querySelector('.corrected').value;
  const r = await sendJSON('PUT', `/web/api/inspections/${id}/samples/${li.dataset.item}`, { corrected_text: text });
  const mark = li.querySelector('.saved-mark');
  if (r.ok) { mark.hidden = false; showScores(r.data.scores); } else { mark.hidden = true; alert((r.data && r.data.detail) || `HTTP ${r.status}`); }
}

for (const li of document.querySelectorAll('.sample')) {
  li.querySelector('.save-correction').addEventListener('click', () => save(li));
  const ta = li.querySelector('.corrected');
  ta.addEventListener('input', () => { li.querySelector('.saved-mark').hidden = true; });
  ta.addEventListener('keydown', (e) => {
    if (e.ctrlKey && e.key === 'Enter') { e.preventDefault(); save(li); }
  });
}
