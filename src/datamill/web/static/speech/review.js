// The review page's waveform: the current version's segments as read-only regions (coloured by
// speaker) and a play button per segment.
import WaveSurfer from '../vendor/wavesurfer/wavesurfer.esm.js';
import RegionsPlugin from '../vendor/wavesurfer/regions.esm.js';
import { readJSON } from '../common.js';

const data = readJSON('review-data');
const regions = RegionsPlugin.create();

function colour(seg, alpha) {
  const hex = seg.speaker && data.colours[seg.speaker];
  if (!hex) return `rgba(37, 99, 235, ${alpha})`;
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

(async () => {
  const resp = await fetch(`/web/api/items/${data.item_id}/peaks`, { credentials: 'same-origin' });
  const pk = await resp.json();
  const ws = WaveSurfer.create({
    container: '#rv-waveform', height: 96, waveColor: '#64748b', progressColor: '#1d4ed8',
    cursorColor: '#dc2626', url: `/web/api/items/${data.item_id}/audio`,
    peaks: [Float32Array.from(pk.peaks, (v) => v / 127)], duration: pk.duration_s,
    normalize: true, plugins: [regions],
  });
  ws.on('ready', () => {
    regions.clearRegions();
    data.segments.forEach((s, i) => {
      regions.addRegion({
        id: `seg-${i}`, start: s.start_ms / 1000, end: s.end_ms / 1000, color: colour(s, 0.22),
        drag: false, resize: false,
      });
    });
    document.body.dataset.rvReady = '1';
  });
  document.querySelectorAll('.rv-play').forEach((b) => {
    b.addEventListener('click', () => {
      const r = regions.getRegions().find((x) => x.id === `seg-${b.dataset.index}`);
      if (r) r.play(true);
      document.body.dataset.rvPlaying = b.dataset.index;
    });
  });
})();
