// Inspection page: step through a sampled recording's segments (templates/_inspect_segments.html).
// Buttons and Alt+↓/↑ go to the next / previous segment, Alt+Shift+↓/↑ to the next / previous
// disagreement (the inspector's correction of the segment differs from the delivered text, or
// the annotator flagged it), Alt+P plays the active segment. Each segment's correction is
// joined into the item's correction (the sample's textarea), as the delivered text is made.
// a text as scoring reads it, near enough: case and width folded, punctuation (full-width
// included) as spaces, runs of spaces as one and none next to a Chinese/Japanese character
// (今天 天气 ， reads as 今天天气); the server's answer (qc segments) uses scoring's own rules
const CJK_GAP = /(?<=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]) | (?=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;
const collapse = (text) => text.normalize('NFKC').toLowerCase().replace(/[\p{P}~]/gu, ' ')
  .split(/\s+/).filter(Boolean).join(' ').replace(CJK_GAP, '');
let active = null;  // the active segment (li.insp-seg)

function corrected(li) {
  const input = li.querySelector('.seg-corrected');
  return input ? input.value : (li.querySelector('.seg-correction')?.textContent.replace(/^→\s*/, '') ?? li.dataset.delivered);
}

function disagrees(li) {
  return li.classList.contains('flagged') || collapse(corrected(li)) !== collapse(li.dataset.delivered);
}

function segmentsOf(box) { return [...box.querySelectorAll('.insp-seg')]; }

function showCount(box) {
  const segs = segmentsOf(box);
  for (const li of segs) li.classList.toggle('disagree', disagrees(li));
  const count = box.querySelector('.seg-count');
  count.textContent = count.dataset.template.replace('{n}', String(segs.filter(disagrees).length));
}

function activate(li, { focus = true } = {}) {
  if (!li) return;
  if (active) active.classList.remove('active');
  active = li;
  li.classList.add('active');
  li.scrollIntoView({ block: 'nearest' });
  const input = li.querySelector('.seg-corrected');
  if (focus) (input || li.querySelector('.seg-play')).focus();
}

function go(box, where) {
  const segs = segmentsOf(box);
  const at = active && box.contains(active) ? segs.indexOf(active) : -1;
  const none = box.querySelector('.seg-none');
  none.hidden = true;
  if (where === 'next') { activate(segs[Math.min(segs.length - 1, at + 1)]); return; }
  if (where === 'prev') { activate(segs[Math.max(0, at - 1)]); return; }
  const ahead = where === 'next-diff' ? segs.slice(at + 1) : segs.slice(0, Math.max(0, at)).reverse();
  const hit = ahead.find(disagrees);
  if (hit) activate(hit); else none.hidden = false;
}

function play(li) {
  const audio = li.closest('.sample').querySelector('audio');
  if (!audio) return;
  const start = Number(li.dataset.start) / 1000;
  const end = Number(li.dataset.end) / 1000;
  const stop = () => { if (audio.currentTime >= end) { audio.pause(); audio.removeEventListener('timeupdate', stop); } };
  audio.addEventListener('timeupdate', stop);
  audio.currentTime = start;
  audio.play().catch(() => {});
}

function joinInto(box) {
  const area = box.closest('.sample').querySelector('.corrected');
  if (!area) return;
  area.value = segmentsOf(box).map((li) => corrected(li).split(/\s+/).filter(Boolean).join(' ')).filter(Boolean).join(' ');
  area.dispatchEvent(new Event('input'));
}

for (const box of document.querySelectorAll('.insp-segments')) {
  for (const button of box.querySelectorAll('.seg-nav')) button.addEventListener('click', () => go(box, button.dataset.go));
  for (const li of segmentsOf(box)) {
    li.querySelector('.seg-play').addEventListener('click', () => { activate(li, { focus: false }); play(li); });
    const input = li.querySelector('.seg-corrected');
    if (!input) continue;
    input.addEventListener('focus', () => activate(li, { focus: false }));
    input.addEventListener('input', () => { joinInto(box); showCount(box); });
    input.addEventListener('keydown', (e) => {
      if (e.ctrlKey && e.key === 'Enter') { e.preventDefault(); box.closest('.sample').querySelector('.save-correction')?.click(); }
    });
  }
  showCount(box);
}

document.addEventListener('keydown', (e) => {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.isComposing || e.keyCode === 229) return;
  const box = (active && active.closest('.insp-segments')) || document.querySelector('.insp-segments');
  if (!box) return;
  const where = { ArrowDown: e.shiftKey ? 'next-diff' : 'next', ArrowUp: e.shiftKey ? 'prev-diff' : 'prev' }[e.code];
  if (where) { e.preventDefault(); go(box, where); return; }
  if (e.code === 'KeyP' && !e.shiftKey) { e.preventDefault(); play(active || segmentsOf(box)[0]); }
});
