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

// The correction against the delivered text, as the server's word diff (runs of equal /
// delete / insert words), drawn like templates/_diff.html.
function showDiff(li, runs) {
  const box = li.querySelector('.sample-diff');
  if (!box) return;
  const p = document.createElement('p');
  p.className = 'diff';
  let before = null;  // a space between two runs, none next to CJK (at or above U+3000)
  for (const [op, words] of runs) {
    const el = document.createElement(op === 'equal' ? 'span' : op === 'delete' ? 'del' : 'ins');
    el.textContent = words;
    if (before !== null && before.slice(-1) < '\u3000' && words.slice(0, 1) < '\u3000') p.append(' ');
    p.append(el);
    before = words;
  }
  box.querySelector('p.diff')?.remove();
  box.append(p);
  box.hidden = false;
}

async function save(li) {
  const text = li.querySelector('.corrected').value;
  // base: the correction this page last saw; another inspector's saved since is a 409, not
  // overwritten (the answer's tag is the page's next base)
  const r = await sendJSON('PUT', `/web/api/inspections/${id}/samples/${li.dataset.item}`,
    { corrected_text: text, base_correction: li.dataset.base || null });
  const mark = li.querySelector('.saved-mark');
  if (r.ok) { li.dataset.base = r.data.correction_tag || ''; mark.hidden = false; showScores(r.data.scores); showDiff(li, r.data.diff || []); } else { mark.hidden = true; alert((r.data && r.data.detail) || `HTTP ${r.status}`); }
}

for (const li of document.querySelectorAll('.sample')) {
  li.querySelector('.save-correction').addEventListener('click', () => save(li));
  const ta = li.querySelector('.corrected');
  ta.addEventListener('input', () => { li.querySelector('.saved-mark').hidden = true; });
  ta.addEventListener('keydown', (e) => {
    if (e.ctrlKey && e.key === 'Enter') { e.preventDefault(); save(li); }
  });
}
