// Server-side assisted tools of the image workbench: "grabcut" sends the box the annotator drew
// to the item's assist endpoint (data-assist-url; OpenCV GrabCut on the server) and adds the
// polygon it answers with, as one undoable step.
import { csrfToken } from '../common.js';
import { setStatus } from './panel.js';

export async function grabcut(wb, box) {
  if (!wb.assistUrl) return;
  setStatus(wb, wb.t('image.grabcut.running'));
  wb.root.dataset.assistBusy = '1';
  try {
    const resp = await fetch(wb.assistUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify({ x: box.x, y: box.y, w: box.w, h: box.h }),
    });
    let data = null;
    try { data = await resp.json(); } catch (_) { data = null; }
    if (!resp.ok || !data || !Array.isArray(data.points) || data.points.length < 3) {
      const error = (data && (data.detail || data.title)) || resp.status;
      setStatus(wb, wb.t('image.grabcut.failed', { error }));
      return;
    }
    const points = data.points.map(([x, y]) => [wb.clampX(x), wb.clampY(y)]);
    wb.add({ kind: 'polygon', label: wb.labelFor('polygon'), attributes: {}, points });
    setStatus(wb, wb.t('image.grabcut.done', { n: points.length }));
  } catch (err) {
    setStatus(wb, wb.t('image.grabcut.failed', { error: String(err) }));
  } finally {
    delete wb.root.dataset.assistBusy;
  }
}
