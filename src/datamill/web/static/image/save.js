// Drafts (localStorage at once, the server debounced, retried with backoff while offline) and
// submit. Draft body: {base_version, revision, annotation, time_spent_ms}; submit body:
// {base_version, annotation, time_spent_ms, draft_revision}. The server answers 409 when the item
// moved on since base_version, or (stale_draft) when another tab or window saved a newer draft
// than draft_revision, the newest this page loaded or saved: a stale tab never submits over it.
import { csrfToken, lockSubmittedElsewhere, savedWhen, submittedElsewhere } from '../common.js';
import { setStatus } from './panel.js';

async function post(url, body) {
  const resp = await fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
    body: JSON.stringify(body),
  });
  let data = null;
  try { data = await resp.json(); } catch (_) { data = null; }
  return { ok: resp.ok, status: resp.status, data };
}

// A refusal no retry mends: a client error other than a timeout or a rate limit.
export const refused = (status) => status >= 400 && status < 500 && status !== 408 && status !== 429;

// The newest server draft revision this page loaded (data-draft-revision) or saved.
const seen = (wb) => wb.savedRevision ?? Number(wb.root.dataset.draftRevision || 0);

// This tab knows another one saved a newer draft: it neither saves nor submits any more.
function markStale(wb) {
  wb.stale = true;
  writeLocal(wb);
  setStatus(wb, wb.t('image.save.stale'), null, 'save');
  setStatus(wb, wb.t('image.save.stale'));
  wb.enableSubmit();
}

// The task was submitted in another tab or window (409 task_submitted): this tab saves and
// submits no more and goes read-only (common.js), saying so (its save status in the server's
// words); what it holds stays in this browser, no longer pending.
function markSubmitted(wb, message) {
  wb.submittedElsewhere = true;
  clearTimeout(wb.saveTimer);
  writeLocal(wb);
  setStatus(wb, message, null, 'save');
  lockSubmittedElsewhere(wb.root, wb.t('wb.save.submitted'));  // submit too: disabled for good
}

function body(wb) {
  return { base_version: wb.baseVersion, revision: wb.revision, annotation: wb.annotation(),
    time_spent_ms: wb.clock.ms() };
}

// Keep the current state in localStorage (``pending`` until the server has it) and schedule a
// POST to the draft URL; ``bump`` starts a new revision.
export function writeLocal(wb) {
  clearTimeout(wb.localTimer);
  wb.localTimer = 0;
  try {
    // after a 409 stale_draft (another tab saved a newer draft) the copy is not restored on
    // reload: the page then starts from the server's draft
    localStorage.setItem(wb.storageKey, JSON.stringify({ ...body(wb),
      pending: !wb.stale && !wb.submittedElsewhere }));
  } catch (_) { /* storage full or disabled: the server copy still goes */ }
}

export function scheduleSave(wb, bump) {
  if (wb.submittedElsewhere) return;  // read-only: nothing changes, nothing goes out
  if (bump) wb.revision += 1;
  if (wb.stale) { writeLocal(wb); setStatus(wb, wb.t('image.save.stale'), null, 'save'); return; }
  // coalesced (typing a transcription saves per key); written at once when the page goes away
  if (!wb.localTimer) wb.localTimer = setTimeout(() => writeLocal(wb), 150);
  clearTimeout(wb.saveTimer);
  setStatus(wb, wb.t(wb.draftUrl ? 'image.save.pending' : 'image.save.local'), null, 'save');
  if (wb.draftUrl) wb.saveTimer = setTimeout(() => flush(wb), wb.autosaveMs);
}

// A submit refused (or failed) with edits the server has no draft of: their save goes out again.
function resumeSaving(wb) {
  if (wb.draftUrl && !wb.stale && !wb.submittedElsewhere && wb.revision > seen(wb)) {
    clearTimeout(wb.saveTimer);
    wb.saveTimer = setTimeout(() => flush(wb), wb.autosaveMs);
  }
}

export async function flush(wb) {
  // no draft goes out while a submit is on its way: it would reach the server after the submit
  // and be refused as a draft of a submitted task (409); a submit that fails resumes saving
  if (!wb.draftUrl || wb.saving || wb.submitting || wb.submitted || wb.stale
    || wb.submittedElsewhere) return;
  const sent = body(wb);
  wb.saving = true;
  let r = null;
  try { r = await post(wb.draftUrl, sent); } catch (_) { r = null; }
  wb.saving = false;
  if (wb.submitted) return;
  const ok = Boolean(r && r.ok);
  if (r && refused(r.status)) {
    // the server refused this draft (the task was submitted elsewhere or handed back, the
    // body is too large ...): retrying cannot help; it stays in this browser
    wb.retries = 0;
    clearTimeout(wb.saveTimer);
    const error = (r.data && (r.data.detail || r.data.title)) || r.status;
    // a stale tab saves no more: its revisions would overwrite
    if (r.status === 409 && r.data && r.data.reason_code === 'stale_draft') markStale(wb);
    else if (submittedElsewhere(r)) markSubmitted(wb, wb.t('image.save.refused', { error }));
    else setStatus(wb, wb.t('image.save.refused', { error }), null, 'save');
    return;
  }
  if (ok) {
    wb.retries = 0;
    wb.savedRevision = Math.max(seen(wb), sent.revision);
    if (sent.revision === wb.revision) {
      clearTimeout(wb.localTimer);
      wb.localTimer = 0;
      localStorage.setItem(wb.storageKey, JSON.stringify({ ...sent, pending: false }));
      setStatus(wb, savedWhen(wb.t('image.save.saved'), r && r.data && r.data.saved_at), null, 'save');
    } else flush(wb);
  } else {
    wb.retries += 1;
    setStatus(wb, wb.t('image.save.offline'), null, 'save');
    clearTimeout(wb.saveTimer);
    wb.saveTimer = setTimeout(() => flush(wb), Math.min(30000, 500 * 2 ** wb.retries));
  }
}

export async function submit(wb) {
  // one submit at a time (a second click or Ctrl+Enter while one is on its way is dropped)
  if (wb.submitting || wb.submitted || wb.submittedElsewhere) return;
  if (wb.stale) { markStale(wb); return; }
  wb.submitting = true;
  clearTimeout(wb.saveTimer);  // the submit carries the annotation (resumed if it fails)
  const btn = wb.root.querySelector('[data-testid="image-wb-submit"]');
  if (wb.draft) wb.finishDraft();
  btn.disabled = true;
  // a draft save on its way first: the revision named must be the server's answer to it
  while (wb.saving) await new Promise((done) => { setTimeout(done, 50); });
  if (wb.stale) { wb.submitting = false; markStale(wb); return; }
  try {
    const r = await post(wb.submitUrl, { base_version: wb.baseVersion, annotation: wb.annotation(),
      time_spent_ms: wb.clock.ms(), draft_revision: seen(wb) });
    if (r.ok) {
      wb.submitted = true;
      clearTimeout(wb.saveTimer);
      clearTimeout(wb.localTimer);
      localStorage.removeItem(wb.storageKey);
      setStatus(wb, wb.t('image.submit.ok'));
      setStatus(wb, '', null, 'save');
      wb.root.dataset.submitted = '1';
      wb.submitting = false;
      wb.root.dispatchEvent(new CustomEvent('image-workbench:submitted', { bubbles: true,
        detail: r.data }));
      return;
    }
    // a refusal's detail is the server's, worded for people in the page's language (each
    // object named as the list names it: its number from 1 and its label)
    if (r.status === 409 && r.data && r.data.reason_code === 'stale_draft') {
      wb.submitting = false; markStale(wb); return;
    }
    const error = (r.data && (r.data.detail || r.data.title)) || r.status;
    if (submittedElsewhere(r)) {
      wb.submitting = false; markSubmitted(wb, wb.t('image.save.refused', { error })); return;
    }
    setStatus(wb, r.status === 409 ? wb.t('image.submit.conflict')
      : wb.t('image.submit.failed', { error }));
  } catch (err) {
    setStatus(wb, wb.t('image.submit.failed', { error: String(err) }));
  }
  wb.submitting = false;
  btn.disabled = false;
  resumeSaving(wb);
}
