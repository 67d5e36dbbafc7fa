// The speech.tts workbench: waveform and spectrogram from the item's audio (decoded in the
// browser), the annotation's interval tiers and the prosody point tier stacked below. Drag a
// boundary handle to move it: the same boundary moves in every tier (the intervals either
// side, the words, syllables and phones that start or end there, a prosody mark on it). Click
// an interval or a prosody mark to select it and edit its label; keys 1-4 set the prosody
// level (#1-#4) at the end of the selected interval; Ctrl+Enter submits {annotation,
// base_version}.
import { csrfToken } from '../common.js';

const TIERS = ['words', 'syllables', 'phones', 'pos', 'stress', 'tones'];

// Every edge at ``t`` ms, in every interval tier and the prosody tier: a boundary the tiers
// share (a word's end is its last syllable's and phone's end) moves as one, so the tiers keep
// nesting (the server refuses a word edge off its syllable edge). Returns the edges as
// [object, key] pairs and the range [lo, hi] the boundary may move in without emptying or
// crossing an interval or a point.
export function linkedEdges(ann, t, duration) {
  const edges = [];
  let lo = 0; let hi = duration;
  for (const tier of TIERS) {
    const list = ann[tier] || [];
    list.forEach((x, j) => {
      if (x.start_ms === t) {
        edges.push([x, 'start_ms']);
        hi = Math.min(hi, x.end_ms - 1);
        const prev = list[j - 1];
        if (prev && prev.end_ms !== t) lo = Math.max(lo, prev.end_ms);
      }
      if (x.end_ms === t) {
        edges.push([x, 'end_ms']);
        lo = Math.max(lo, x.start_ms + 1);
        const next = list[j + 1];
        if (next && next.start_ms !== t) hi = Math.min(hi, next.start_ms);
      }
    });
  }
  const points = ann.prosody || [];
  points.forEach((p, j) => {
    if (p.time_ms !== t) return;
    edges.push([p, 'time_ms']);
    if (points[j - 1]) lo = Math.max(lo, points[j - 1].time_ms + 1);
    if (points[j + 1]) hi = Math.min(hi, points[j + 1].time_ms - 1);
  });
  return { edges, lo, hi };
}

function parse(value, fallback) {
  try { return JSON.parse(value); } catch (_) { return fallback; }
}

// In-place iterative radix-2 FFT (re, im: Float64Array of a power-of-two length).
function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i += 1) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { [re[i], re[j]] = [re[j], re[i]]; [im[i], im[j]] = [im[j], im[i]]; }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k += 1) {
        const wr = Math.cos(ang * k); const wi = Math.sin(ang * k);
        const a = i + k; const b = a + len / 2;
        const xr = re[b] * wr - im[b] * wi; const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi; re[a] += xr; im[a] += xi;
      }
    }
  }
}

class TtsWorkbench {
  constructor(el) {
    const d = el.dataset;
    this.el = el;
    this.strings = parse(d.strings, {});
    const start = parse(d.annotation, {}) || {};
    this.ann = { language: start.language || 'en', source: start.source || 'manual' };
    for (const t of TIERS) this.ann[t] = (start[t] || []).map((x) => ({ ...x }));
    this.ann.prosody = (start.prosody || []).map((x) => ({ ...x }));
    const ends = TIERS.flatMap((t) => this.ann[t].map((x) => x.end_ms));
    this.duration = Number(d.durationMs) || Math.max(1000, ...ends);
    this.submitUrl = d.submitUrl;
    this.mediaUrl = d.mediaUrl;
    this.baseVersion = Number(d.baseVersion || 0);
    this.started = Date.now();
    this.sel = null;  // {tier, index}
    this.tiersEl = el.querySelector('.tts-tiers');
    this.input = el.querySelector('.tts-label');
    this.status = el.querySelector('.tts-status');
    el.querySelector('[data-testid=tts-source]').textContent =
      this.strings[`source.${this.ann.source}`] || this.ann.source;
    this.bind();
    this.render();
    el.__workbench = this;
    el.dataset.ready = '1';
    this.loadAudio();
  }

  annotation() {
    const out = { language: this.ann.language, source: 'manual' };
    for (const t of TIERS) if (this.ann[t].length) out[t] = this.ann[t].map((x) => ({ ...x }));
    out.prosody = this.ann.prosody.map((x) => ({ ...x }));
    return out;
  }

  // ---- drawing
  async loadAudio() {
    try {
      const resp = await fetch(this.mediaUrl, { credentials: 'same-origin' });
      const buf = await resp.arrayBuffer();
      const Ctx = window.OfflineAudioContext || window.webkitOfflineAudioContext;
      const ctx = new Ctx(1, 1, 16000);
      this.audio = await ctx.decodeAudioData(buf);
      this.drawWave(this.audio.getChannelData(0));
      this.drawSpectrogram(this.audio.getChannelData(0), this.audio.sampleRate);
      this.el.dataset.audio = '1';
    } catch (_) {
      this.status.textContent = this.strings.audio_failed;
      this.el.dataset.audio = '0';
    }
  }

  drawWave(x) {
    const c = this.el.querySelector('.tts-wave');
    const g = c.getContext('2d');
    const w = c.width; const h = c.height;
    g.fillStyle = '#111'; g.fillRect(0, 0, w, h);
    g.strokeStyle = '#5fd35f';
    const per = Math.max(1, Math.floor(x.length / w));
    g.beginPath();
    for (let i = 0; i < w; i += 1) {
      let lo = 0; let hi = 0;
      for (let j = i * per; j < Math.min(x.length, (i + 1) * per); j += 1) {
        if (x[j] < lo) lo = x[j];
        if (x[j] > hi) hi = x[j];
      }
      g.moveTo(i + 0.5, h / 2 - hi * h / 2); g.lineTo(i + 0.5, h / 2 - lo * h / 2);
    }
    g.stroke();
  }

  drawSpectrogram(x, sr) {
    const c = this.el.querySelector('.tts-spec');
    const g = c.getContext('2d');
    const w = c.width; const h = c.height;
    const n = 512;
    const img = g.createImageData(w, h);
    const win = new Float64Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    const maxBin = Math.min(n / 2, Math.floor((8000 / (sr / 2)) * (n / 2)));  // up to 8 kHz
    for (let col = 0; col < w; col += 1) {
      const at = Math.floor((col / w) * x.length) - n / 2;
      const re = new Float64Array(n); const im = new Float64Array(n);
      for (let i = 0; i < n; i += 1) re[i] = (x[at + i] || 0) * win[i];
      fft(re, im);
      for (let row = 0; row < h; row += 1) {
        const bin = Math.floor(((h - 1 - row) / h) * maxBin);
        const db = 10 * Math.log10(re[bin] * re[bin] + im[bin] * im[bin] + 1e-12);
        const v = Math.max(0, Math.min(255, Math.round(((db + 90) / 90) * 255)));
        const p = (row * w + col) * 4;
        img.data[p] = v; img.data[p + 1] = v; img.data[p + 2] = Math.min(255, v + 30);
        img.data[p + 3] = 255;
      }
    }
    g.putImageData(img, 0, 0);
  }

  // ---- tiers
  pct(ms) { return `${(ms / this.duration) * 100}%`; }

  render() {
    this.tiersEl.textContent = '';
    const rows = TIERS.filter((t) => this.ann[t].length || t === 'words' || t === 'phones');
    for (const tier of rows) {
      const lane = this.row(tier);
      this.ann[tier].forEach((iv, i) => {
        const box = document.createElement('div');
        box.className = 'tts-iv';
        if (this.sel && this.sel.tier === tier && this.sel.index === i) box.classList.add('sel');
        box.dataset.testid = `tts-iv-${tier}-${i}`;
        box.style.left = this.pct(iv.start_ms);
        box.style.width = this.pct(iv.end_ms - iv.start_ms);
        box.textContent = iv.label;
        box.title = `${iv.label} ${iv.start_ms}-${iv.end_ms} ms`;
        box.addEventListener('click', () => this.select(tier, i));
        lane.append(box);
        for (const edge of ['start', 'end']) {
          const h = document.createElement('div');
          h.className = 'tts-bnd';
          h.dataset.testid = `tts-bnd-${tier}-${i}-${edge}`;
          h.style.left = this.pct(iv[`${edge}_ms`]);
          h.addEventListener('pointerdown', (ev) => this.drag(ev, tier, i, edge, lane, h));
          lane.append(h);
        }
      });
    }
    const lane = this.row('prosody');
    this.ann.prosody.forEach((p, i) => {
      const m = document.createElement('div');
      m.className = 'tts-pt';
      if (this.sel && this.sel.tier === 'prosody' && this.sel.index === i) m.classList.add('sel');
      m.dataset.testid = `tts-pt-${i}`;
      m.style.left = this.pct(p.time_ms);
      m.textContent = p.label;
      m.addEventListener('click', () => this.select('prosody', i));
      lane.append(m);
    });
    const cur = this.current();
    this.el.querySelector('.tts-selected').textContent = cur
      ? `${this.strings[this.sel.tier] || this.sel.tier} ${this.sel.index + 1}` : this.strings.none;
  }

  row(tier) {
    const row = document.createElement('div');
    row.className = 'tts-row';
    row.dataset.tier = tier;
    const name = document.createElement('div');
    name.className = 'tts-row-name';
    name.textContent = this.strings[tier] || tier;
    const lane = document.createElement('div');
    lane.className = 'tts-lane';
    lane.dataset.testid = `tts-lane-${tier}`;
    row.append(name, lane);
    this.tiersEl.append(row);
    return lane;
  }

  current() {
    if (!this.sel) return null;
    return (this.sel.tier === 'prosody' ? this.ann.prosody : this.ann[this.sel.tier])[this.sel.index];
  }

  select(tier, index) {
    this.sel = { tier, index };
    const cur = this.current();
    this.input.disabled = !cur;
    this.input.value = cur ? cur.label : '';
    this.render();
    this.input.focus();
    this.input.select();
  }

  drag(ev, tier, i, edge, lane, handle) {
    ev.preventDefault();
    const iv = this.ann[tier][i];
    const { edges, lo, hi } = linkedEdges(this.ann, edge === 'start' ? iv.start_ms : iv.end_ms,
      this.duration);
    handle.classList.add('drag');
    handle.setPointerCapture(ev.pointerId);
    const move = (e) => {
      const r = lane.getBoundingClientRect();
      const ms = Math.round(((e.clientX - r.left) / r.width) * this.duration);
      const v = Math.max(lo, Math.min(hi, ms));
      for (const [x, key] of edges) x[key] = v;
      handle.style.left = this.pct(v);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      this.render();
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  }

  setLevel(n) {
    const cur = this.current();
    if (!cur) return;
    const label = `#${n}`;
    if (this.sel.tier === 'prosody') { cur.label = label; this.render(); return; }
    const at = cur.end_ms;
    const found = this.ann.prosody.findIndex((p) => p.time_ms === at);
    if (found >= 0) this.ann.prosody[found].label = label;
    else {
      this.ann.prosody.push({ time_ms: at, label });
      this.ann.prosody.sort((a, b) => a.time_ms - b.time_ms);
    }
    this.render();
  }

  bind() {
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.ctrlKey) {
        ev.preventDefault();
        const cur = this.current();
        if (cur) cur.label = this.input.value.trim();
        this.render();
        this.input.blur();
      } else if (ev.key === 'Escape') { this.input.blur(); }
    });
    this.input.addEventListener('change', () => {
      const cur = this.current();
      if (cur) { cur.label = this.input.value.trim(); this.render(); }
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); this.submit(); return; }
      if (document.activeElement === this.input) return;
      if (['1', '2', '3', '4'].includes(ev.key)) { ev.preventDefault(); this.setLevel(Number(ev.key)); }
    });
    this.el.querySelector('[data-testid=tts-submit]').addEventListener('click', () => this.submit());
    this.el.querySelector('[data-testid=tts-split]').addEventListener('click', () => this.split());
    this.el.querySelector('[data-testid=tts-delete]').addEventListener('click', () => this.remove());
    this.el.querySelector('[data-testid=tts-play]').addEventListener('click', () => this.play());
  }

  // Split the selected interval in two at its middle (both keep the label).
  split() {
    const cur = this.current();
    if (!cur || this.sel.tier === 'prosody' || cur.end_ms - cur.start_ms < 2) return;
    const mid = Math.round((cur.start_ms + cur.end_ms) / 2);
    const list = this.ann[this.sel.tier];
    list.splice(this.sel.index + 1, 0, { start_ms: mid, end_ms: cur.end_ms, label: cur.label });
    cur.end_ms = mid;
    this.render();
  }

  // Delete the selected interval (its time becomes a gap, i.e. silence) or prosody mark.
  remove() {
    if (!this.current()) return;
    (this.sel.tier === 'prosody' ? this.ann.prosody : this.ann[this.sel.tier]).splice(this.sel.index, 1);
    this.sel = null;
    this.input.value = '';
    this.input.disabled = true;
    this.render();
  }

  play() {
    if (!this.audio) return;
    const ctx = new AudioContext();
    const src = ctx.createBufferSource();
    src.buffer = this.audio;
    src.connect(ctx.destination);
    const cur = this.current();
    const from = cur && cur.start_ms !== undefined ? cur.start_ms / 1000 : 0;
    const len = cur && cur.end_ms !== undefined ? (cur.end_ms - cur.start_ms) / 1000 : undefined;
    src.start(0, from, len);
  }

  async submit() {
    this.status.textContent = this.strings.submitting;
    const resp = await fetch(this.submitUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify({ annotation: this.annotation(), base_version: this.baseVersion,
                             time_spent_ms: Date.now() - this.started }),
    });
    let data = null;
    try { data = await resp.json(); } catch (_) { data = null; }
    if (resp.ok && data && data.next_url) { window.location.assign(data.next_url); return; }
    this.status.textContent = `${this.strings.failed}: ${(data && (data.detail || data.title)) || resp.status}`;
  }
}

const root = document.querySelector('[data-tts-workbench]');
if (root) new TtsWorkbench(root);
