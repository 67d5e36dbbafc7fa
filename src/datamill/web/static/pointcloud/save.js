// Drafts (localStorage at once, the server debounced, retried with backoff while offline),
// submit (in a segmenting project after labelling the points from the boxes), and the
// assisted tools (fit_cuboid, label_points). Draft body: {base_version, revision,
// time_spent_ms, annotation}; submit body: {base_version, time_spent_ms, annotation,
// draft_revision}. The server answers 409 when the item moved on since base_version, or
// (stale_draft) when another tab or window saved a newer draft than draft_revision (the newest
// this page loaded or saved: a stale tab never submits over it), 422 with its reasons (shown
// in the page's language, objects named as the list names them) when the annotation breaks
// the spec.
import { lockSubmittedElsewhere, savedWhen, sendJSON, submittedElsewhere } from '../common.js';

// A refusal no retry mends: a client error other than a timeout or a rate limit.
const refused = (status) => status >= 400 && status < 500 && status !== 408 && status !== 429;

// The newest server draft revision this page loaded (data-draft-revision) or saved.
const seen = (wb) => wb.savedRevision ?? Number(wb.root.dataset.draftRevision || 0);

// This tab knows another one saved a newer draft: it neither saves nor submits any more.
function markStale(wb) {
  wb.stale = true;
  writeLocal(wb, false);
  wb.saveStatus(wb.t('save_stale'));
  wb.showError(wb.t('save_stale'));
  const btn = wb.root.querySelector('[data-testid="pc-wb-submit"]');
  if (btn) btn.disabled = true;
}

// The task was submitted in another tab or window (409 task_submitted): this tab saves and
// submits no more and goes read-only (the workbench's own read-only mode, as a page of a
// submitted task opens, plus common.js), saying so (its save status in the server's words);
// what it holds stays in this browser, no longer pending.
function markSubmitted(wb, message) {
  wb.submittedElsewhere = true;
  clearTimeout(wb.saveTimer);
  writeLocal(wb, false);
  wb.cancelDraft();
  wb.drag = null;
  wb.readonly = true;
  wb.undoStack = [];  // nothing to undo or redo in a read-only page
  wb.redoStack = [];
  wb.saveStatus(message);
  lockSubmittedElsewhere(wb.root, wb.t('submitted_elsewhere'));
  wb.refresh();
}

function body(wb) {
  return { base_version: wb.baseVersion, revision: wb.revision,
    time_spent_ms: wb.timeSpent(), annotation: wb.annotation() };
}

function writeLocal(wb, pending) {
  try {
    // after a 409 stale_draft the copy is not restored on reload (the server's draft is)
    localStorage.setItem(wb.storageKey, JSON.stringify({ ...body(wb), pending: pending && !wb.stale }));
  } catch (_) { /* storage full or disabled: the server copy still goes */ }
}

// The state changed: keep it in this browser at once, send it to the server soon.
export function scheduleSave(wb) {
  if (wb.readonly) return;
  wb.revision += 1;
  writeLocal(wb, true);
  if (wb.stale) { wb.saveStatus(wb.t('save_stale')); return; }
  clearTimeout(wb.saveTimer);
  wb.saveStatus(wb.t(wb.draftUrl ? 'save_pending' : 'save_local'));
  if (wb.draftUrl) wb.saveTimer = setTimeout(() => flush(wb), wb.autosaveMs);
}

// A submit refused (or failed) with edits the server has no draft of: their save goes out again.
function resumeSaving(wb) {
  if (wb.draftUrl && !wb.stale && !wb.readonly && wb.revision > seen(wb)) {
    clearTimeout(wb.saveTimer);
    wb.saveTimer = setTimeout(() => flush(wb), wb.autosaveMs);
  }
}

export async function flush(wb) {
  // no draft goes out while a submit is on its way: it would reach the server after the submit
  // and be refused as a draft of a submitted task (409); a submit that fails resumes saving
  if (!wb.draftUrl || wb.saving || wb.submitting || wb.submitted || wb.stale) return;
  const sent = body(wb);
  wb.saving = true;
  let r = null;
  try { r = await sendJSON('POST', wb.draftUrl, sent); } catch (_) { r = null; }
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
    else if (submittedElsewhere(r)) markSubmitted(wb, wb.t('save_refused', { error }));
    else wb.saveStatus(wb.t('save_refused', { error }));
    return;
  }
  if (ok) {
    wb.retries = 0;
    wb.savedRevision = Math.max(seen(wb), sent.revision);
    if (sent.revision === wb.revision) {
      writeLocal(wb, false);
      wb.saveStatus(savedWhen(wb.t('save_saved'), r && r.data && r.data.saved_at));
    } else flush(wb);
  } else {
    wb.retries += 1;
    wb.saveStatus(wb.t('save_offline'));
    clearTimeout(wb.saveTimer);
    wb.saveTimer = setTimeout(() => flush(wb), Math.min(30000, 500 * 2 ** wb.retries));
  }
}

export async function submit(wb) {
  if (wb.readonly || wb.submitting || wb.submitted || !wb.ready || !wb.canSubmit) return;
  if (wb.stale) { markStale(wb); return; }
  const btn = wb.root.querySelector('[data-testid="pc-wb-submit"]');
  wb.submitting = true;
  clearTimeout(wb.saveTimer);  // the submit carries the annotation (resumed if it fails)
  if (btn) btn.disabled = true;
  wb.showError('');
  // a box drawn whose heading step is pending is kept as a click keeps it (heading 0), and a
  // box being fitted is waited for: submitting never drops a box the annotator sees
  if (wb.draft && wb.draft.phase === 'heading') await wb.finishDraft();
  while (wb.draft && wb.draft.fitting) await new Promise((done) => { setTimeout(done, 50); });
  wb.cancelDraft();
  // a draft save on its way first: the revision named must be the server's answer to it
  while (wb.saving) await new Promise((done) => { setTimeout(done, 50); });
  if (wb.stale) { wb.submitting = false; markStale(wb); return; }
  // a segmenting project's points follow the boxes as submitted
  if (wb.pointClasses.length && wb.assistUrl && !(await wb.labelPoints())) {
    wb.submitting = false;
    if (btn) btn.disabled = false;
    resumeSaving(wb);
    return;
  }
  try {
    const r = await sendJSON('POST', wb.submitUrl, { base_version: wb.baseVersion,
      time_spent_ms: wb.timeSpent(), annotation: wb.annotation(), draft_revision: seen(wb) });
    if (r.ok) {
      wb.submitted = true;
      clearTimeout(wb.saveTimer);
      try { localStorage.removeItem(wb.storageKey); } catch (_) { /* disabled */ }
      wb.status(wb.t('submitted'));
      wb.saveStatus('');
      wb.root.dataset.submitted = '1';
      const next = r.data && r.data.next_url;
      if (typeof next === 'string' && next.startsWith('/')) window.location.assign(next);
      return;
    }
    if (r.status === 409 && r.data && r.data.reason_code === 'stale_draft') {
      wb.submitting = false; markStale(wb); return;
    }
    if (submittedElsewhere(r)) {
      markSubmitted(wb, wb.t('save_refused', { error: r.data.detail || r.status }));
      return;
    }
    if (r.status === 409) wb.showError(wb.t('conflict'));
    // a refusal's detail is the server's, worded in the page's language (objects named by id)
    else wb.showError((r.data && (r.data.detail || r.data.title)) || String(r.status));
  } catch (err) {
    wb.showError(String(err));
  } finally {
    wb.submitting = false;
  }
  if (btn) btn.disabled = false;
  resumeSaving(wb);
}

// An assisted tool's answer: its JSON, or {error} (the server's message, as it came).
export async function assist(wb, url, params) {
  try {
    const r = await sendJSON('POST', url, params);
    if (r.ok && r.data) return r.data;
    return { error: (r.data && (r.data.detail || r.data.title)) || String(r.status) };
  } catch (err) {
    return { error: String(err) };
  }
}

// The server's tight cuboid inside a rough footprint {x, y, yaw, length, width}:
// {cuboid, points} or {error}.
export async function fitCuboid(wb, rough) {
  const r = await assist(wb, wb.assistUrl, rough);
  return r.cuboid || r.error ? r : { error: 'no cuboid' };
}
