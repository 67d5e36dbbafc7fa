// The speech.asr annotator workbench: waveform with segments, keyboard first, autosaved.
import WaveSurfer from './vendor/wavesurfer/wavesurfer.esm.js';
import RegionsPlugin from './vendor/wavesurfer/regions.esm.js';
import TimelinePlugin from './vendor/wavesurfer/timeline.esm.js';
import { fmtDuration, fmtMs, lockSubmittedElsewhere, readJSON, readOnlyNow, sendJSON, showWhen } from './common.js';
import { checkTimes, fmtTime, parseTime } from './speech/times.js';
import { History } from './speech/history.js';
import { Gain, showSpectrogram } from './speech/audio.js';

const data = readJSON('task-data');
const S = readJSON('strings');
const KEY = `datamill:draft:${data.user_id}:${data.task_id}`;
const ROOT = document.getElementById('workbench');  // read-only once submitted elsewhere
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];
const NUDGE_MS = 100;
const SPEAKERS = data.speakers || [];
const SPEAKER_BY_CODE = Object.fromEntries(SPEAKERS.map((sp) => [sp.code, sp]));
let lastTick = performance.now();

const state = {
  segments: [],
  active: 0,
  revision: 0,
  confirmed: 0,
  // the newest server draft revision this page loaded or saved: its submit names it, and the
  // server refuses the submit when another tab or window saved a newer draft meanwhile
  seen: 0,
  timeSpent: 0,
  loop: false,
  zoom: 0,
};

// ---------- start state: server draft, local unconfirmed draft, or the current version ----------
function loadLocal() {
  try { return JSON.parse(localStorage.getItem(KEY) || 'null'); } catch (_) { return null; }
}
const local = loadLocal();
const server = data.draft;
let pushLocal = false;
state.seen = server ? server.revision : 0;
if (local && local.base_version === data.base_version && local.pending
    && local.revision >= (server ? server.revision : 0)) {
  state.segments = local.segments; state.revision = local.revision;
  state.timeSpent = local.time_spent_ms || 0; pushLocal = true;
} else if (server) {
  state.segments = server.segments; state.revision = server.revision;
  state.confirmed = server.revision; state.timeSpent = server.time_spent_ms || 0;
} else {
  state.segments = data.segments.map((s) => ({
    start_ms: s.start_ms, end_ms: s.end_ms, text: s.text || '', speaker: s.speaker || null,
    noise: s.noise || [], flag: s.flag || null,
  }));
}
if (state.segments.length === 0 && data.duration_ms > 0) {
  state.segments = [{ start_ms: 0, end_ms: data.duration_ms, text: '', speaker: null, noise: [] }];
}

// ---------- waveform ----------
const regions = RegionsPlugin.create();
let ws = null;
const list = document.getElementById('segments');
const rowTpl = document.getElementById('segment-row');

function hexAlpha(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function regionColor(i) {
  const s = state.segments[i];
  const sp = s && s.speaker ? SPEAKER_BY_CODE[s.speaker] : null;
  if (sp) return hexAlpha(sp.colour, i === state.active ? 0.42 : 0.2);
  return i === state.active ? 'rgba(37, 99, 235, 0.28)' : 'rgba(100, 116, 139, 0.16)';
}

// ---------- undo/redo ----------
const copySegments = () => JSON.parse(JSON.stringify({ segments: state.segments, active: state.active }));
const history = new History(copySegments, paintHistory);
function paintHistory() {
  document.querySelector('[data-action="undo"]').disabled = !history.canUndo;
  document.querySelector('[data-action="redo"]').disabled = !history.canRedo;
}
function restore(snap) {
  if (!snap) return;
  state.segments = snap.segments;
  state.active = snap.active;
  structural();
}

function regionLabel(i) {
  const el = document.createElement('span');
  el.className = 'region-label';
  el.textContent = String(i + 1);
  return el;
}

function syncRegions() {
  if (!ws) return;
  regions.clearRegions();
  state.segments.forEach((s, i) => {
    regions.addRegion({
      id: `seg-${i}`, start: s.start_ms / 1000, end: s.end_ms / 1000, color: regionColor(i),
      content: regionLabel(i), drag: !readOnlyNow(ROOT), resize: !readOnlyNow(ROOT),
    });
  });
}

function regionAt(i) { return regions.getRegions().find((r) => r.id === `seg-${i}`); }

function paintActive() {
  regions.getRegions().forEach((r) => {
    const i = Number(r.id.slice(4));
    r.setOptions({ color: regionColor(i) });
  });
  list.querySelectorAll('.segment').forEach((li, i) => {
    li.classList.toggle('active', i === state.active);
    const s = state.segments[i];
    const sp = s && s.speaker ? SPEAKER_BY_CODE[s.speaker] : null;
    li.style.borderLeftColor = sp ? sp.colour : '';
    li.dataset.speaker = (s && s.speaker) || '';
  });
}

function setSpeaker(i, code) {
  const s = state.segments[i];
  if (!s || (s.speaker || null) === (code || null)) return;
  history.record();
  s.speaker = code || null;
  const el = list.querySelector(`.segment[data-index="${i}"] .seg-speaker`);
  if (el) el.value = s.speaker || '';
  paintActive();
  changed();
}

let rendering = false;
function timeEdited(i, li) {
  // a row being replaced (undo/redo, a re-render) blurs its focused box: not an edit
  if (rendering || !li.isConnected) return;
  const s = state.segments[i];
  const startIn = li.querySelector('.seg-start');
  const endIn = li.querySelector('.seg-end');
  const box = li.querySelector('.seg-time-error');
  const start = parseTime(startIn.value);
  const end = parseTime(endIn.value);
  const err = checkTimes(state.segments, i, start, end, data.duration_ms, data.allow_overlap);
  startIn.setAttribute('aria-invalid', String(Boolean(err) && (start === null || err !== 'err_format')));
  endIn.setAttribute('aria-invalid', String(Boolean(err)));
  if (err) {
    box.textContent = S[err].replace('{dur}', fmtTime(data.duration_ms));
    box.hidden = false;
    li.classList.add('time-invalid');
    return;
  }
  box.hidden = true; box.textContent = '';
  li.classList.remove('time-invalid');
  startIn.removeAttribute('aria-invalid'); endIn.removeAttribute('aria-invalid');
  if (start === s.start_ms && end === s.end_ms) { updateTimes(i); return; }
  history.record();
  s.start_ms = start; s.end_ms = end;
  state.active = i;
  const sorted = state.segments.every((x, k, a) => k === 0 || a[k - 1].start_ms <= x.start_ms);
  if (sorted) {
    const r = regionAt(i);
    if (r) r.setOptions({ start: start / 1000, end: end / 1000 });
    updateTimes(i); paintActive(); changed();
  } else {
    structural();
  }
}

// ---------- the segment list ----------
function renderList(focus = true) {
  rendering = true;
  try { list.replaceChildren(); } finally { rendering = false; }
  state.segments.forEach((s, i) => {
    const li = rowTpl.content.firstElementChild.cloneNode(true);
    li.dataset.index = String(i);
    li.querySelector('.seg-num').textContent = `#${i + 1}`;
    li.querySelector('.seg-times').textContent = `${fmtMs(s.start_ms)} – ${fmtMs(s.end_ms)}`;
    const focusHere = () => { if (state.active !== i) { state.active = i; paintActive(); } };
    for (const cls of ['.seg-start', '.seg-end']) {
      const box = li.querySelector(cls);
      box.value = fmtTime(cls === '.seg-start' ? s.start_ms : s.end_ms);
      box.addEventListener('change', () => timeEdited(i, li));
      box.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !composing(e)) { e.preventDefault(); timeEdited(i, li); } });
      box.addEventListener('focus', focusHere);
    }
    const flag = li.querySelector('.seg-flag');
    flag.value = s.flag || '';
    flag.addEventListener('change', () => { history.record(); state.segments[i].flag = flag.value || null; changed(); });
    flag.addEventListener('focus', focusHere);
    const text = li.querySelector('.seg-text');
    text.value = s.text;
    text.addEventListener('input', () => { history.record(`text-${i}`); state.segments[i].text = text.value; changed(); });
    text.addEventListener('focus', focusHere);
    const spk = li.querySelector('.seg-speaker');
    spk.value = s.speaker || '';
    if (spk.tagName === 'SELECT') {
      spk.addEventListener('change', () => setSpeaker(i, spk.value));
    } else {
      spk.addEventListener('input', () => { history.record(`speaker-${i}`); state.segments[i].speaker = spk.value.trim() || null; changed(); });
    }
    spk.addEventListener('focus', focusHere);
    list.appendChild(li);
  });
  paintActive();
  if (focus) focusText();
}

function focusText() {
  const input = list.querySelector(`.segment[data-index="${state.active}"] .seg-text`);
  if (input) input.focus();
}

function structural() {
  state.segments.sort((a, b) => a.start_ms - b.start_ms);
  state.active = Math.max(0, Math.min(state.active, state.segments.length - 1));
  syncRegions();
  renderList();
  changed();
}

function updateTimes(i) {
  const li = list.querySelector(`.segment[data-index="${i}"]`);
  const s = state.segments[i];
  if (!li || !s) return;
  li.querySelector('.seg-times').textContent = `${fmtMs(s.start_ms)} – ${fmtMs(s.end_ms)}`;
  li.querySelector('.seg-start').value = fmtTime(s.start_ms);
  li.querySelector('.seg-end').value = fmtTime(s.end_ms);
}

// ---------- editing actions ----------
const cursorMs = () => (ws ? Math.round(ws.getCurrentTime() * 1000) : 0);

const actions = {
  play: () => ws && ws.playPause(),
  'play-segment': () => { const r = regionAt(state.active); if (r) r.play(true); },
  loop: () => { state.loop = !state.loop; document.getElementById('loop').checked = state.loop; },
  'zoom-in': () => setZoom(state.zoom ? state.zoom * 1.6 : 120),
  'zoom-out': () => setZoom(state.zoom / 1.6 < 20 ? 0 : state.zoom / 1.6),
  faster: () => stepSpeed(1),
  slower: () => stepSpeed(-1),
  back: () => ws && ws.setTime(Math.max(0, ws.getCurrentTime() - 1)),
  forward: () => ws && ws.setTime(Math.min(ws.getDuration(), ws.getCurrentTime() + 1)),
  next: () => select(state.active + 1),
  prev: () => select(state.active - 1),
  add: addSegment,
  split: splitSegment,
  merge: mergeSegment,
  delete: deleteSegment,
  speaker: () => {
    const el = list.querySelector(`.segment[data-index="${state.active}"] .seg-speaker`);
    if (el) el.focus();
  },
  help: toggleHelp,
  'help-close': () => toggleHelp(false),
  undo: () => restore(history.undo(copySegments())),
  redo: () => restore(history.redo(copySegments())),
  skip: () => { skipBox.hidden = false; document.getElementById('skip-reason').focus(); },
  'skip-cancel': () => { skipBox.hidden = true; },
  'skip-confirm': skipTask,
  submit,
};

// ---------- skip: back to the pool for others, with a reason ----------
const skipBox = document.getElementById('skip-box');
async function skipTask() {
  const reason = document.getElementById('skip-reason').value.trim();
  const err = document.getElementById('skip-error');
  if (!reason) { err.textContent = S.skip_needs_reason; err.hidden = false; return; }
  const r = await sendJSON('POST', `/web/api/tasks/${data.task_id}/skip`, { reason });
  if (r.ok) { localStorage.removeItem(KEY); localStorage.removeItem(`${KEY}:extras`); window.location.assign(r.data.next_url); return; }
  err.textContent = (r.data && r.data.detail) || `HTTP ${r.status}`;
  err.hidden = false;
}

function select(i) {
  if (i < 0 || i >= state.segments.length) return;
  state.active = i;
  paintActive();
  focusText();
  const s = state.segments[i];
  if (ws) ws.setTime(s.start_ms / 1000);
}

function setZoom(pxPerSec) {
  state.zoom = pxPerSec;
  if (ws) ws.zoom(pxPerSec);
}

function stepSpeed(dir) {
  const sel = document.getElementById('speed');
  const at = SPEEDS.indexOf(Number(sel.value));
  const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, at + dir))];
  sel.value = String(next);
  if (ws) ws.setPlaybackRate(next, true);
}

function nudge(edge, delta) {
  const s = state.segments[state.active];
  if (!s) return;
  history.record();
  const prev = state.segments[state.active - 1];
  const next = state.segments[state.active + 1];
  if (edge === 'start') {
    s.start_ms = Math.max(prev ? prev.end_ms : 0, Math.min(s.end_ms - 10, s.start_ms + delta));
  } else {
    s.end_ms = Math.min(next ? next.start_ms : data.duration_ms, Math.max(s.start_ms + 10, s.end_ms + delta));
  }
  const r = regionAt(state.active);
  if (r) r.setOptions({ start: s.start_ms / 1000, end: s.end_ms / 1000 });
  updateTimes(state.active);
  changed();
}

function addSegment() {
  const t = cursorMs();
  if (state.segments.some((s) => t >= s.start_ms && t < s.end_ms)) {
    // inside a segment: a new one after the current one, in the gap that follows it
    const cur = state.segments[state.active];
    const nxt = state.segments[state.active + 1];
    const start = cur.end_ms;
    const end = Math.min(nxt ? nxt.start_ms : data.duration_ms, start + 2000);
    if (end - start < 50) return;
    history.record();
    state.segments.push({ start_ms: start, end_ms: end, text: '', speaker: cur.speaker, noise: [], flag: null });
    state.active = state.active + 1;
  } else {
    const after = state.segments.find((s) => s.start_ms > t);
    const end = Math.min(after ? after.start_ms : data.duration_ms, t + 2000);
    if (end - t < 50) return;
    history.record();
    state.segments.push({ start_ms: t, end_ms: end, text: '', speaker: null, noise: [], flag: null });
    state.segments.sort((a, b) => a.start_ms - b.start_ms);
    state.active = state.segments.findIndex((s) => s.start_ms === t);
  }
  structural();
}

function splitSegment() {
  const i = state.active;
  const s = state.segments[i];
  if (!s) return;
  let at = cursorMs();
  if (at <= s.start_ms + 10 || at >= s.end_ms - 10) at = Math.round((s.start_ms + s.end_ms) / 2);
  const input = list.querySelector(`.segment[data-index="${i}"] .seg-text`);
  let caret = s.text.length;
  if (input && document.activeElement === input) caret = input.selectionStart ?? caret;
  history.record();
  const left = s.text.slice(0, caret).trim();
  const right = s.text.slice(caret).trim();
  state.segments.splice(i, 1,
    { ...s, end_ms: at, text: left },
    { ...s, start_ms: at, text: right, noise: [] });
  state.active = i + 1;
  structural();
}

// Chinese/Japanese text has no spaces between words: a merge (or a split undone by one) joins
// two such texts as they were, 你好 + 世界 → 你好世界; other texts with a space.
const CJK_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const WIDE_PUNCT = /[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]/;
function joinTexts(left, right) {
  const a = left.trim();
  const b = right.trim();
  if (!a || !b) return a || b;
  const x = a.slice(-1);
  const y = b[0];
  const tight = (CJK_CHAR.test(x) && CJK_CHAR.test(y)) || WIDE_PUNCT.test(x) || WIDE_PUNCT.test(y);
  return tight ? a + b : `${a} ${b}`;
}

function mergeSegment() {
  const i = state.active;
  const a = state.segments[i];
  const b = state.segments[i + 1];
  if (!a || !b) return;
  history.record();
  state.segments.splice(i, 2, {
    start_ms: Math.min(a.start_ms, b.start_ms), end_ms: Math.max(a.end_ms, b.end_ms),
    text: joinTexts(a.text, b.text), speaker: a.speaker || b.speaker,
    noise: [...new Set([...(a.noise || []), ...(b.noise || [])])], flag: a.flag || b.flag || null,
  });
  structural();
}

function deleteSegment() {
  if (state.segments.length <= 1) return;
  history.record();
  state.segments.splice(state.active, 1);
  state.active = Math.max(0, state.active - 1);
  structural();
}

function insertNoise(n) {
  const sym = data.noise_symbols[n];
  if (!sym) return;
  const i = state.active;
  const input = list.querySelector(`.segment[data-index="${i}"] .seg-text`);
  if (!input) return;
  const focused = document.activeElement === input;
  const start = focused ? input.selectionStart : input.value.length;
  const end = focused ? input.selectionEnd : input.value.length;
  const before = input.value.slice(0, start);
  const after = input.value.slice(end);
  const pad = before && !before.endsWith(' ') ? ' ' : '';
  const tail = after && !after.startsWith(' ') ? ' ' : '';
  input.value = `${before}${pad}${sym}${tail}${after}`;
  const caret = (before + pad + sym + tail).length;
  history.record();
  input.focus();
  input.setSelectionRange(caret, caret);
  state.segments[i].text = input.value;
  changed();
}

// ---------- help ----------
const help = document.getElementById('help');
let helpReturn = null;
function toggleHelp(show) {
  const open = show === undefined ? help.hidden : show;
  if (open) { helpReturn = document.activeElement; help.hidden = false; help.querySelector('button').focus(); }
  else { help.hidden = true; if (helpReturn) helpReturn.focus(); }
}

// ---------- keyboard ----------
// A key pressed while an input method composes (pinyin, kana...) belongs to the IME: Enter
// or Space picks a candidate and Ctrl+Space switches it, so no shortcut may act on it.
function composing(e) { return e.isComposing || e.keyCode === 229; }

function inField(e) {
  const tag = e.target && e.target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

const ALT_KEYS = {
  KeyK: 'play', KeyP: 'play-segment', KeyO: 'loop', KeyJ: 'back', KeyL: 'forward',
  ArrowDown: 'next', ArrowUp: 'prev', KeyN: 'add', KeyS: 'split', KeyM: 'merge', KeyX: 'delete',
  KeyR: 'speaker', Equal: 'zoom-in', Minus: 'zoom-out', Comma: 'slower', Period: 'faster',
};

document.addEventListener('keydown', (e) => {
  if (composing(e)) return;
  if (e.key === 'Escape' && !help.hidden) { e.preventDefault(); toggleHelp(false); return; }
  if (e.key === 'F1' || (e.ctrlKey && e.code === 'Slash') || (e.key === '?' && !inField(e))) {
    e.preventDefault(); toggleHelp(); return;
  }
  if (e.ctrlKey && e.key === 'Enter') { e.preventDefault(); submit(); return; }
  if (readOnlyNow(ROOT)) return;  // submitted elsewhere: keys edit nothing
  if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.code === 'KeyZ' || e.code === 'KeyY')) {
    e.preventDefault();
    if (e.code === 'KeyY' || e.shiftKey) actions.redo(); else actions.undo();
    return;
  }
  if (e.altKey && e.shiftKey && !e.ctrlKey && /^Digit[1-9]$/.test(e.code)) {
    e.preventDefault();
    const sp = SPEAKERS.find((x) => x.hotkey === Number(e.code.slice(5)));
    if (sp) setSpeaker(state.active, sp.code);
    return;
  }
  if (e.ctrlKey && e.code === 'Space') { e.preventDefault(); actions.play(); return; }
  if (e.code === 'Space' && !inField(e) && e.target.tagName !== 'BUTTON') { e.preventDefault(); actions.play(); return; }
  if (!e.altKey || e.ctrlKey || e.metaKey) return;
  if (/^Digit[1-9]$/.test(e.code)) { e.preventDefault(); insertNoise(Number(e.code.slice(5)) - 1); return; }
  if (e.code === 'BracketLeft' || e.code === 'BracketRight') {
    e.preventDefault();
    nudge(e.shiftKey ? 'end' : 'start', e.code === 'BracketLeft' ? -NUDGE_MS : NUDGE_MS);
    return;
  }
  const action = ALT_KEYS[e.code];
  if (action) { e.preventDefault(); actions[action](); }
});

document.querySelectorAll('[data-action]').forEach((b) => {
  b.addEventListener('click', () => actions[b.dataset.action]());
});
document.querySelectorAll('.noise-btn').forEach((b, n) => {
  b.addEventListener('mousedown', (e) => e.preventDefault()); // keep the caret in the transcript
  b.addEventListener('click', () => insertNoise(n));
});
document.getElementById('loop').addEventListener('change', (e) => { state.loop = e.target.checked; });

// ---------- the comment and item flag: kept in this browser until submitted ----------
const EXTRAS_KEY = `${KEY}:extras`;
const commentEl = document.getElementById('comment');
const itemFlagEl = document.getElementById('item-flag');
try {
  const saved = JSON.parse(localStorage.getItem(EXTRAS_KEY) || 'null');
  if (saved) { commentEl.value = saved.comment || ''; itemFlagEl.value = saved.item_flag || ''; }
} catch (_) { /* unreadable: start empty */ }
function saveExtras() {
  try {
    localStorage.setItem(EXTRAS_KEY, JSON.stringify({ comment: commentEl.value, item_flag: itemFlagEl.value }));
  } catch (_) { /* full */ }
}
commentEl.addEventListener('input', saveExtras);
itemFlagEl.addEventListener('change', saveExtras);

// ---------- spectrogram and gain ----------
const specCanvas = document.getElementById('spectrogram');
document.getElementById('spectrogram-toggle').addEventListener('change', async (e) => {
  if (!e.target.checked) { specCanvas.hidden = true; return; }
  try { await showSpectrogram(specCanvas, data.item_id); } catch (err) {
    formError.textContent = String(err); formError.hidden = false;
  }
});
const gain = new Gain();
document.getElementById('gain').addEventListener('input', (e) => {
  const v = Number(e.target.value);
  gain.set(ws ? ws.getMediaElement() : null, v);
  document.getElementById('gain-value').textContent = `${v.toFixed(1)}×`;
  const wave = document.getElementById('waveform');
  wave.dataset.gain = String(v);
  if (gain.node) wave.dataset.gainNode = String(gain.node.gain.value);
  if (ws) ws.setOptions({ barHeight: Math.max(0.05, v) });
});
document.getElementById('speed').addEventListener('change', (e) => {
  if (ws) ws.setPlaybackRate(Number(e.target.value), true);
});

// ---------- autosave: local first, then the server; retried until it confirms ----------
const statusEl = document.getElementById('save-status');
let saveTimer = null;
let inFlight = false;
// another tab or window saved a newer draft (409 stale_draft): this tab saves no more (its
// later revisions would overwrite that draft) and its local copy is no longer restored on
// reload, which starts from the server's draft
let stale = false;
// another tab or window submitted the task (409 task_submitted): nothing of this tab can be
// saved or submitted any more; it says so once and stops sending
let submittedElsewhere = false;

// a stale tab submits no more either: its submit would replace the newer draft's work
function markStale() {
  const btn = document.querySelector('[data-action="submit"]');
  if (btn) { btn.disabled = true; btn.title = S.stale; }
  formError.textContent = S.stale;
  formError.hidden = false;
}

// ... and goes read-only as every workbench does (common.js): the banner says so, the
// controls are disabled, keys edit nothing and the segments are no longer dragged
function markSubmitted() {
  const btn = document.querySelector('[data-action="submit"]');
  if (btn) { btn.disabled = true; btn.title = S.submitted; }
  formError.hidden = true;
  lockSubmittedElsewhere(ROOT, S.submitted);
  regions.getRegions().forEach((r) => r.setOptions({ drag: false, resize: false }));
}

function setStatus(kind) { statusEl.dataset.state = kind; statusEl.textContent = S[kind]; }

// when the server last confirmed this task's draft, on the business's clock (common.js when)
function showSavedAt(iso) {
  if (!iso) return;
  showWhen(document.getElementById('saved-at'), iso);
  document.getElementById('saved-at-line').hidden = false;
}
if (server) showSavedAt(server.saved_at);

function draftBody() {
  return {
    segments: state.segments, base_version: data.base_version,
    time_spent_ms: Math.round(tick()), revision: state.revision,
  };
}

function writeLocal(pending) {
  try { localStorage.setItem(KEY, JSON.stringify({ ...draftBody(), pending: pending && !stale && !submittedElsewhere })); } catch (_) { /* full */ }
}

function changed() {
  history.settle();
  state.revision += 1;
  writeLocal(true);
  if (stale || submittedElsewhere) { setStatus(stale ? 'stale' : 'submitted'); return; }
  setStatus('saving');
  clearTimeout(saveTimer);
  saveTimer = setTimeout(pushDraft, 500);
}

async function pushDraft() {
  if (stale || submittedElsewhere) return;
  if (inFlight) { saveTimer = setTimeout(pushDraft, 300); return; }
  if (state.confirmed >= state.revision) return;
  inFlight = true;
  const body = draftBody();
  try {
    const r = await sendJSON('PUT', `/web/api/tasks/${data.task_id}/draft`, body);
    if (r.ok) {
      state.confirmed = Math.max(state.confirmed, body.revision);
      state.seen = Math.max(state.seen, body.revision);
      if (r.data) showSavedAt(r.data.saved_at);
      if (state.confirmed >= state.revision) { writeLocal(false); setStatus('saved'); }
    } else if (r.status === 401 || r.status === 403 || r.status === 409) {
      // 409 stale_draft: another tab or window saved a newer draft; saving this one would
      // overwrite it, so stop and ask for a reload (this tab's work stays in localStorage)
      // 409 task_submitted: the task was submitted in another tab or window meanwhile
      const reason = r.status === 409 && r.data ? r.data.reason_code : '';
      stale = reason === 'stale_draft';
      submittedElsewhere = reason === 'task_submitted';
      if (stale) { writeLocal(false); markStale(); }
      if (submittedElsewhere) { writeLocal(false); markSubmitted(); }
      setStatus(stale ? 'stale' : (submittedElsewhere ? 'submitted' : 'error'));
      inFlight = false;
      return;
    } else {
      setStatus('local');
    }
  } catch (_) {
    setStatus('local');
  }
  inFlight = false;
  if (state.confirmed < state.revision) saveTimer = setTimeout(pushDraft, 2000);
}
window.addEventListener('online', () => pushDraft());

// ---------- time on task: counted only while the page has focus ----------
const timeEl = document.getElementById('time-spent');
function tick() {
  const now = performance.now();
  if (document.hasFocus() && document.visibilityState === 'visible') state.timeSpent += now - lastTick;
  lastTick = now;
  return state.timeSpent;
}
setInterval(() => { timeEl.textContent = fmtDuration(tick()); }, 1000);
window.addEventListener('blur', tick);
window.addEventListener('focus', () => { lastTick = performance.now(); });

// ---------- submit ----------
const formError = document.getElementById('form-error');
let submitting = false;
// The spec requires a transcript (requirements.transcript_required): warn before sending an
// empty one, naming the field and focusing it (the server refuses it too).
function missingTranscript() {
  if (!data.transcript_required) return false;
  if (state.segments.some((s) => (s.text || '').trim() || (s.noise || []).length)) return false;
  formError.textContent = S.required;
  formError.hidden = false;
  const li = list.querySelector('.segment[data-index="0"]');
  if (li) {
    li.classList.add('invalid');
    const box = li.querySelector('.seg-error'); box.textContent = S.required; box.hidden = false;
    li.querySelector('.seg-text').focus();
  }
  return true;
}
async function submit() {
  if (submitting) return;
  submitting = true;
  list.querySelectorAll('.segment').forEach((li) => {
    li.classList.remove('invalid');
    const box = li.querySelector('.seg-error'); box.hidden = true; box.textContent = '';
  });
  formError.hidden = true;
  if (missingTranscript()) { submitting = false; return; }
  // a draft save on its way first: the revision this page names must be the server's answer
  while (inFlight) await new Promise((done) => { setTimeout(done, 50); });
  if (stale) { markStale(); submitting = false; return; }
  if (submittedElsewhere) { markSubmitted(); submitting = false; return; }
  try {
    const r = await sendJSON('POST', `/web/api/tasks/${data.task_id}/submit`, {
      segments: state.segments, base_version: data.base_version,
      time_spent_ms: Math.round(tick()), draft_revision: state.seen,
      comment: document.getElementById('comment').value.trim() || null,
      item_flag: document.getElementById('item-flag').value || null,
    });
    if (r.ok) {
      localStorage.removeItem(KEY); localStorage.removeItem(`${KEY}:extras`);
      window.location.assign(r.data.next_url);
      return;
    }
    if (r.status === 409 && r.data && r.data.reason_code === 'stale_draft') {
      stale = true; writeLocal(false); setStatus('stale'); markStale(); return;
    }
    formError.textContent = (r.data && r.data.detail) || `HTTP ${r.status}`;
    formError.hidden = false;
    for (const err of (r.data && r.data.errors) || []) {
      for (const i of err.segments) {
        const li = list.querySelector(`.segment[data-index="${i}"]`);
        if (!li) continue;
        li.classList.add('invalid');
        const box = li.querySelector('.seg-error');
        box.textContent = box.textContent ? `${box.textContent} ${err.message}` : err.message;
        box.hidden = false;
      }
    }
    if (r.data && r.data.errors) formError.textContent = `${S.errors} ${formError.textContent}`;
  } catch (e) {
    formError.textContent = String(e); formError.hidden = false;
  } finally {
    submitting = false;
  }
}

// ---------- boot ----------
renderList();
if (pushLocal) { setStatus('saving'); pushDraft(); }

(async () => {
  const resp = await fetch(`/web/api/items/${data.item_id}/peaks`, { credentials: 'same-origin' });
  const pk = await resp.json();
  const peaks = Float32Array.from(pk.peaks, (v) => v / 127);
  ws = WaveSurfer.create({
    container: '#waveform', height: 128, waveColor: '#64748b', progressColor: '#1d4ed8',
    cursorColor: '#dc2626', url: `/web/api/items/${data.item_id}/audio`, peaks: [peaks],
    duration: pk.duration_s, normalize: true, interact: true,
    plugins: [regions, TimelinePlugin.create({ container: '#timeline' })],
  });
  ws.on('ready', () => {
    syncRegions();
    paintActive();
    document.body.dataset.wbReady = '1';
  });
  regions.on('region-updated', (r) => {
    const i = Number(r.id.slice(4));
    const s = state.segments[i];
    if (readOnlyNow(ROOT)) return;
    if (!s || (Math.round(r.start * 1000) === s.start_ms && Math.round(r.end * 1000) === s.end_ms)) return;
    history.record();
    s.start_ms = Math.max(0, Math.round(r.start * 1000));
    s.end_ms = Math.min(data.duration_ms, Math.round(r.end * 1000));
    state.active = i;
    const sorted = state.segments.every((x, k, a) => k === 0 || a[k - 1].start_ms <= x.start_ms);
    if (sorted) { updateTimes(i); paintActive(); changed(); } else { structural(); }
  });
  regions.on('region-clicked', (r, e) => {
    e.stopPropagation();
    state.active = Number(r.id.slice(4));
    paintActive();
    focusText();
  });
  regions.on('region-out', (r) => {
    if (state.loop && r.id === `seg-${state.active}`) r.play();
  });
})();
