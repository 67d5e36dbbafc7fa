// Relations drawn on the text (the text workbench's relations task): one arc per relation from
// its head span to its tail span, rising above the line, with an arrowhead at the tail and the
// relation's label at the top of the arc. The arcs live in one SVG laid over the text
// (pointer-events none: selecting text works through it) and are drawn again after each change
// and when the text's width changes. Before, relations were only rows in the side panel: an
// annotator could not see on the text which spans were related (trial h7).

const NS = 'http://www.w3.org/2000/svg';

function make(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

// The SVG laid over `textEl` (a child of its parent, which becomes the positioning box).
export function arcLayer(textEl) {
  const host = textEl.parentElement;
  host.classList.add('tx-arcs-host');
  const svg = make('svg', { class: 'tx-arcs', 'aria-hidden': 'true', 'data-testid': 'text-wb-arcs' });
  const defs = make('defs', {});
  const marker = make('marker', { id: 'tx-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(make('path', { d: 'M0,0 L10,5 L0,10 z', class: 'tx-arc-head' }));
  defs.append(marker);
  svg.append(defs);
  host.prepend(svg);
  return svg;
}

// Where a span's arc meets it: the middle of its first line's characters, at their top.
// `first` and `last` are the elements of its first and last characters.
function anchor(first, last, box) {
  const a = first.getBoundingClientRect();
  const b = last.getBoundingClientRect();
  const sameLine = Math.abs(a.top - b.top) < a.height / 2;
  const right = sameLine ? b.right : a.right;
  return { x: (a.left + right) / 2 - box.left, y: a.top - box.top };
}

// Draws `items` ({head: [firstEl, lastEl], tail: [firstEl, lastEl], label}) on `svg`, sized to
// its host; the arc of relation n carries data-testid text-wb-arc-N and its label
// text-wb-arc-label-N.
export function drawArcs(svg, items) {
  const host = svg.parentElement;
  const box = host.getBoundingClientRect();
  svg.setAttribute('width', String(host.scrollWidth));
  svg.setAttribute('height', String(host.scrollHeight));
  for (const old of svg.querySelectorAll('g.tx-arc')) old.remove();
  const placed = [];  // label boxes so far: a label that would sit on another moves up
  items.forEach((it, n) => {
    if (!it.head || !it.tail) return;
    const h = anchor(it.head[0], it.head[1], box);
    const t = anchor(it.tail[0], it.tail[1], box);
    const rise = Math.min(40, 10 + Math.abs(t.x - h.x) / 12 + Math.abs(t.y - h.y) / 4);
    const top = Math.min(h.y, t.y) - rise;
    const mid = (h.x + t.x) / 2;
    let labelY = top + 0.25 * rise;
    const width = 7 * it.label.length + 6;
    while (placed.some((p) => Math.abs(p.x - mid) < (p.w + width) / 2 && Math.abs(p.y - labelY) < 11)) labelY -= 11;
    placed.push({ x: mid, y: labelY, w: width });
    const g = make('g', { class: 'tx-arc', 'data-testid': `text-wb-arc-${n}` });
    g.dataset.head = it.headId;
    g.dataset.tail = it.tailId;
    g.append(make('path', {
      d: `M${h.x},${h.y - 2} C${h.x},${top} ${t.x},${top} ${t.x},${t.y - 2}`,
      class: 'tx-arc-line', 'marker-end': 'url(#tx-arrow)',
    }));
    const label = make('text', { x: mid, y: labelY, 'text-anchor': 'middle', class: 'tx-arc-label',
      'data-testid': `text-wb-arc-label-${n}` });
    label.textContent = it.label;
    g.append(label);
    svg.append(g);
  });
}
