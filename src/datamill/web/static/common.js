// Shared helpers for the pages: CSRF-carrying fetch, time formatting (durations, and moments
// on the business's clock: when), and how a workbench stops once its task was submitted
// elsewhere (lockSubmittedElsewhere).

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

export async function sendJSON(method, url, body) {
  const resp = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
    body: JSON.stringify(body),
  });
  let data = null;
  try { data = await resp.json(); } catch (_) { data = null; }
  return { ok: resp.ok, status: resp.status, data };
}

export function readJSON(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

export function fmtMs(ms) {
  const s = ms / 1000;
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(2).padStart(5, '0')}`;
}

export function fmtDuration(ms) {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// ---------- moments on the business's clock, as the server renders them ----------
// The page names the business's time zone (DATAMILL_BUSINESS_TIMEZONE) on <html
// data-business-timezone>; a moment the API hands over as an ISO string (UTC: with Z or an
// offset, or naive as SQLite keeps it, read as UTC) is shown in that zone in the pages' one
// format, that of the server's when(): "2026-12-01 03:00 UTC+08:00" ("... UTC" at offset 0).
// The audit page alone stays in UTC (server-rendered).
export function businessZone() {
  return document.documentElement.dataset.businessTimezone || 'UTC';
}

const pad2 = (n) => String(n).padStart(2, '0');

export function when(iso, { seconds = false, zone = businessZone() } = {}) {
  if (!iso) return '';
  const text = String(iso);
  const at = new Date(/(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(at.getTime())) return text;
  let fmt;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  } catch (_) { // a zone this browser does not know: UTC, named so
    return when(iso, { seconds, zone: 'UTC' });
  }
  const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour),
    Number(p.minute), Number(p.second));
  const minutes = Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60000);
  const label = minutes === 0 ? 'UTC'
    : `UTC${minutes > 0 ? '+' : '-'}${pad2(Math.floor(Math.abs(minutes) / 60))}:${pad2(Math.abs(minutes) % 60)}`;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''} ${label}`;
}

// Fill a <time> element with the moment ``iso`` (its datetime attribute keeps the ISO string).
export function showWhen(el, iso) {
  if (!el || !iso) return;
  el.dateTime = String(iso);
  el.textContent = when(iso);
}

// A workbench's save status with the moment the server confirmed the draft (the draft API's
// saved_at): "Saved · 2026-12-01 03:00 UTC+08:00"; the label alone without one.
export function savedWhen(label, iso) {
  return iso ? `${label} · ${when(iso)}` : label;
}

// ---------- a task submitted elsewhere: every workbench stops the same way ----------
// The server refuses a draft save (or a submit) of a task already submitted in another tab,
// window or client with 409 and reason_code "task_submitted" (no draft row is written). True
// for that answer ({status, data} as sendJSON returns it).
export function submittedElsewhere(r) {
  return Boolean(r && r.status === 409 && r.data && r.data.reason_code === 'task_submitted');
}

const CONTROLS = 'input, textarea, select, button';
const TYPED = new Set(['text', 'search', 'number', 'email', 'url', 'tel', 'password']);

function freeze(node) {
  const tag = node.tagName;
  // a text field is still read and copied, never changed; any other control is disabled
  if (tag === 'TEXTAREA' || (tag === 'INPUT' && TYPED.has(node.type))) node.readOnly = true;
  else if (tag === 'INPUT' || tag === 'SELECT' || tag === 'BUTTON') node.disabled = true;
  if (node.getAttribute('contenteditable') !== null) node.contentEditable = 'false';
}

// The workbench ``root`` of a task submitted elsewhere goes read-only: a banner before it
// (role alert, data-testid "wb-submitted-elsewhere") says ``message``, the page's catalogue
// sentence (wb.save.submitted, in the page's language: the server's 409 detail is English);
// every control in it, and every one a later render adds, is disabled (text fields are made
// read-only instead); root gets data-readonly="submitted" and aria-readonly. The workbench
// itself stops its autosave and guards its key and pointer handlers (readOnlyNow).
// Idempotent.
export function lockSubmittedElsewhere(root, message) {
  let banner = root.previousElementSibling;
  if (!banner || banner.dataset.testid !== 'wb-submitted-elsewhere') {
    banner = document.createElement('p');
    banner.className = 'wb-submitted-elsewhere error';
    banner.setAttribute('role', 'alert');
    banner.dataset.testid = 'wb-submitted-elsewhere';
    root.before(banner);
  }
  banner.textContent = message;
  if (root.dataset.readonly === 'submitted') return;
  root.dataset.readonly = 'submitted';
  root.setAttribute('aria-readonly', 'true');
  root.querySelectorAll(CONTROLS).forEach(freeze);
  root.querySelectorAll('[contenteditable]').forEach(freeze);
  new MutationObserver((records) => {
    for (const rec of records) {
      for (const n of rec.addedNodes) {
        if (n.nodeType !== 1) continue;
        freeze(n);
        n.querySelectorAll(`${CONTROLS}, [contenteditable]`).forEach(freeze);
      }
    }
  }).observe(root, { childList: true, subtree: true });
}

// True once lockSubmittedElsewhere made ``root`` read-only.
export function readOnlyNow(root) {
  return Boolean(root) && root.dataset.readonly === 'submitted';
}
