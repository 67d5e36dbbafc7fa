// Two versions of one image's annotation drawn over the image (review and inspection pages):
// <div data-image-compare data-image-url=... data-comparison='{before, after, pairs}'>, the
// comparison as ImagePlugin.compare returns it. "before" (the baseline: the model's or the
// rejected version, or the delivered one) is dashed, "after" (the submitted or the inspector's
// version) solid; objects that differ are drawn in red and thicker, unchanged ones muted.
import { maskCanvas, outline } from './geometry.js';

const COLOURS = { before: '#2563eb', after: '#16a34a', diff: '#dc2626' };
const RGB = { '#2563eb': [37, 99, 235], '#16a34a': [22, 163, 74], '#dc2626': [220, 38, 38] };

function parse(text) {
  try { return JSON.parse(text || 'null'); } catch (_) { return null; }
}

function drawObject(ctx, o, scale, { colour, dashed, width, edges }) {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dashed ? [6, 4] : []);
  if (o.kind === 'mask' && o.rle) {
    // a mask has no outline: its pixels, tinted (the earlier version's lighter)
    const m = maskCanvas(o.rle, [...(RGB[colour] || [220, 38, 38]), dashed ? 70 : 120]);
    ctx.drawImage(m, 0, 0, m.width * scale, m.height * scale);
  } else if (o.kind === 'keypoints') {
    const pts = o.points || [];
    for (const [a, b] of edges || []) {  // the skeleton's bones between labelled points
      const p = pts[a];
      const q = pts[b];
      if (!p || !q || !p.visibility || !q.visibility) continue;
      ctx.beginPath();
      ctx.moveTo(p.x * scale, p.y * scale);
      ctx.lineTo(q.x * scale, q.y * scale);
      ctx.stroke();
    }
    for (const p of pts) {
      if (!p.visibility) continue;
      ctx.beginPath();
      ctx.arc(p.x * scale, p.y * scale, width + 1.5, 0, 2 * Math.PI);
      if (p.visibility === 1) ctx.stroke(); else ctx.fill();  // occluded: a ring
    }
  } else {
    const { pts, closed } = outline(o);
    if (pts.length) {
      ctx.beginPath();
      pts.forEach(([x, y], i) => (i ? ctx.lineTo(x * scale, y * scale) : ctx.moveTo(x * scale, y * scale)));
      if (closed) ctx.closePath();
      ctx.stroke();
    }
  }
  ctx.restore();
}

export class Compare {
  constructor(root) {
    this.root = root;
    this.data = parse(root.dataset.comparison) || { before: {}, after: {}, pairs: [] };
    this.edges = {};
    for (const sk of parse(root.dataset.skeletons) || []) this.edges[sk.name] = sk.edges || [];
    this.show = { before: true, after: true };
    this.canvas = root.querySelector('canvas');
    this.status = {};
    for (const p of this.data.pairs || []) {
      if (p.before !== null) this.status[`before:${p.before}`] = p.status;
      if (p.after !== null) this.status[`after:${p.after}`] = p.status;
    }
    for (const box of root.querySelectorAll('input[data-layer]')) {
      box.addEventListener('change', () => { this.show[box.dataset.layer] = box.checked; this.draw(); });
    }
    this.img = new Image();
    this.img.decoding = 'async';
    this.img.src = root.dataset.imageUrl;
    this.img.decode().then(() => this.draw(), () => { this.img = null; this.draw(); });
  }

  // What the canvas shows: per layer, the objects drawn and how many of them differ.
  drawn() { return this.counts; }

  draw() {
    const W = (this.img && this.img.naturalWidth) || Number(this.root.dataset.imageWidth) || 640;
    const H = (this.img && this.img.naturalHeight) || Number(this.root.dataset.imageHeight) || 480;
    const maxW = this.root.clientWidth || 640;
    const scale = Math.min(1, maxW / W);
    this.canvas.width = Math.round(W * scale);
    this.canvas.height = Math.round(H * scale);
    const ctx = this.canvas.getContext('2d');
    if (this.img) ctx.drawImage(this.img, 0, 0, this.canvas.width, this.canvas.height);
    else { ctx.fillStyle = '#1f2937'; ctx.fillRect(0, 0, this.canvas.width, this.canvas.height); }
    this.counts = { before: 0, after: 0, before_diff: 0, after_diff: 0 };
    for (const layer of ['before', 'after']) {
      if (!this.show[layer]) continue;
      const objs = (this.data[layer] && this.data[layer].objects) || [];
      objs.forEach((o, i) => {
        const differs = (this.status[`${layer}:${i}`] || 'same') !== 'same';
        this.counts[layer] += 1;
        if (differs) this.counts[`${layer}_diff`] += 1;
        drawObject(ctx, o, scale, {
          colour: differs ? COLOURS.diff : COLOURS[layer],
          dashed: layer === 'before',
          width: differs ? 3 : 1.5,
          edges: o.kind === 'keypoints' ? this.edges[o.skeleton] : null,
        });
      });
    }
    this.root.dataset.ready = '1';
  }
}

for (const el of document.querySelectorAll('[data-image-compare]')) {
  el.__compare = new Compare(el);
}
