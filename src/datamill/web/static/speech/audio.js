// The spectrogram view (painted from the server's uint8 dB image) and the gain control (a Web
// Audio GainNode between the media element and the speakers; the waveform scales with it).

function colour(v) {
  // dark blue → purple → orange → pale yellow
  const t = v / 255;
  const r = Math.round(255 * Math.min(1, t * 1.8));
  const g = Math.round(255 * Math.max(0, t * 1.6 - 0.6));
  const b = Math.round(255 * (t < 0.5 ? 0.35 + t : Math.max(0, 1.2 - t * 1.4)));
  return [r, g, b];
}

const LUT = Array.from({ length: 256 }, (_, v) => colour(v));

export async function showSpectrogram(canvas, itemId) {
  const t0 = performance.now();
  if (!canvas.dataset.loaded) {
    const resp = await fetch(`/web/api/items/${itemId}/spectrogram`, { credentials: 'same-origin' });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    const sp = await resp.json();
    canvas.dataset.fetchMs = String(Math.round(performance.now() - t0));
    const bytes = Uint8Array.from(atob(sp.data), (c) => c.charCodeAt(0));
    canvas.width = sp.frames;
    canvas.height = sp.bins;
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(sp.frames, sp.bins);
    for (let f = 0; f < sp.frames; f += 1) {
      for (let b = 0; b < sp.bins; b += 1) {
        const [r, g, bl] = LUT[bytes[f * sp.bins + b]];
        const o = ((sp.bins - 1 - b) * sp.frames + f) * 4; // low frequencies at the bottom
        img.data[o] = r; img.data[o + 1] = g; img.data[o + 2] = bl; img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    canvas.dataset.loaded = '1';
    canvas.dataset.loadMs = String(Math.round(performance.now() - t0));
  }
  canvas.hidden = false;
}

export class Gain {
  constructor() { this.ctx = null; this.node = null; this.value = 1; }

  // Route the media element through a GainNode (once; needs a user gesture to start the context).
  attach(media) {
    if (this.node || !media) return;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    this.ctx = new Ctx();
    const src = this.ctx.createMediaElementSource(media);
    this.node = this.ctx.createGain();
    src.connect(this.node).connect(this.ctx.destination);
  }

  set(media, value) {
    this.value = value;
    this.attach(media);
    if (this.node) {
      this.node.gain.value = value;
      if (this.ctx.state === 'suspended') this.ctx.resume();
    }
  }
}
