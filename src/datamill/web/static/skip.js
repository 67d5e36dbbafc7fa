// Skip a task with a reason (templates/_skip.html): POST {reason} to data-skip-url, then open
// the next task the server answers.
import { sendJSON } from './common.js';

for (const box of document.querySelectorAll('[data-skip-url]')) {
  const reason = box.querySelector('[data-testid="skip-reason"]');
  const error = box.querySelector('[data-testid="skip-error"]');
  const button = box.querySelector('[data-testid="skip-confirm"]');
  const show = (text) => { error.textContent = text; error.hidden = !text; };
  button.addEventListener('click', async () => {
    const text = reason.value.trim();
    if (!text) { show(box.dataset.needsReason); reason.focus(); return; }
    button.disabled = true;
    show('');
    try {
      const r = await sendJSON('POST', box.dataset.skipUrl, { reason: text });
      const next = r.data && r.data.next_url;
      if (r.ok && typeof next === 'string' && next.startsWith('/')) {
        window.location.assign(next);
        return;
      }
      show((r.data && (r.data.detail || r.data.title)) || `HTTP ${r.status}`);
    } catch (err) {
      show(String(err));
    }
    button.disabled = false;
  });
}
