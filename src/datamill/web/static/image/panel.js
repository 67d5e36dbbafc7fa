// The workbench's DOM: toolbar, side panel (status, image classes, selected object, object
// list) and the shortcut help overlay. Every control carries a data-testid.

const TOOLS = ['select', 'box', 'rotated_box', 'polygon', 'polyline', 'keypoints', 'mask',
  'text_line', 'wand', 'grabcut'];

const LIST_FIRST = 60;
const LIST_CHUNK = 150;

export function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

function allowedTools(wb) {
  const tools = wb.assistUrl ? TOOLS : TOOLS.filter((t) => t !== 'grabcut');
  if (!wb.labels.length) return tools;
  const kinds = new Set(wb.labels.flatMap((l) => l.kinds));
  return tools.filter((t) => t === 'select' || kinds.has(t)
    || ((t === 'wand' || t === 'grabcut') && kinds.has('polygon')));
}

export function buildLayout(wb) {
  const { t } = wb;
  const tools = allowedTools(wb).map((tool) => `<button type="button" class="iwb-tool"
    data-tool="${tool}" data-testid="image-wb-tool-${tool}" aria-pressed="${tool === 'select'}"
    title="${esc(t(`image.tool.${tool}`))}">${esc(t(`image.tool.${tool}`))}</button>`).join('');
  const options = wb.labels.map((l, i) => `<option value="${esc(l.name)}">${i < 9 ? `${i + 1} ` : ''}${
    esc(l.name)}</option>`).join('');
  // the help names only the tools the schema allows (their keys do nothing otherwise)
  const allowed = allowedTools(wb);
  const help = ['tools', 'labels', 'draw', 'keypoints', 'mask', 'edit', 'object', 'history', 'view']
    .filter((k) => !['keypoints', 'mask'].includes(k) || allowed.includes(k))
    .map((k) => `<li>${esc(k === 'tools' ? t('image.help.tools', {
      tools: allowed.map((tool) => t(`image.tool.${tool}`)).join(' · ') }) : t(`image.help.${k}`))}</li>`)
    .join('');
  wb.root.classList.add('iwb');
  wb.root.innerHTML = `
  <div class="iwb-toolbar" role="toolbar">${tools}
    <label class="iwb-label" title="${esc(t('image.label_new.hint'))}">${esc(t('image.label_new'))}
      <select data-testid="image-wb-label">${options}</select></label>
    <span class="iwb-spacer"></span>
    <button type="button" data-testid="image-wb-undo" data-act="undo" disabled>${esc(t('image.undo'))}</button>
    <button type="button" data-testid="image-wb-redo" data-act="redo" disabled>${esc(t('image.redo'))}</button>
    <button type="button" data-testid="image-wb-fit" data-act="fit">${esc(t('image.fit'))}</button>
    <button type="button" data-testid="image-wb-copy-previous" data-act="copy"
      ${wb.previous ? '' : 'disabled hidden'}>${esc(t('image.copy_previous'))}</button>
    <button type="button" data-testid="image-wb-help" data-act="help">${esc(t('image.help'))}</button>
    <button type="button" class="iwb-submit" data-testid="image-wb-submit" data-act="submit"
      disabled>${esc(t('image.submit'))}</button>
  </div>
  <div class="iwb-main">
    <div class="iwb-stage"><canvas data-testid="image-wb-canvas" tabindex="0"
      aria-label="${esc(t('image.canvas'))}"></canvas></div>
    <aside class="iwb-side">
      <p class="iwb-status" data-testid="image-wb-status" aria-live="polite"></p>
      <p class="iwb-save" data-testid="image-wb-save-status" aria-live="polite"></p>
      <section class="iwb-classes-box"><h3>${esc(t('image.classes'))}</h3>
        <div data-testid="image-wb-classes"></div></section>
      <section><h3>${esc(t('image.details'))}</h3><div data-testid="image-wb-details"></div></section>
      <section><h3>${esc(t('image.objects'))}<span data-testid="image-wb-count"></span></h3>
        <ol class="iwb-list" data-testid="image-wb-objects"></ol></section>
    </aside>
  </div>
  <div class="iwb-help" data-testid="image-wb-help-overlay" role="dialog" hidden>
    <div class="iwb-help-card"><h3>${esc(t('image.help.title'))}</h3><ul>${help}</ul>
      <button type="button" data-testid="image-wb-help-close" data-act="help-close">${
  esc(t('image.help.close'))}</button></div>
  </div>`;
  if (!wb.labels.length) wb.root.querySelector('.iwb-label').hidden = true;
  if (!(wb.schema.image_classes || []).length) wb.root.querySelector('.iwb-classes-box').hidden = true;
  const actions = {
    undo: () => wb.undo(), redo: () => wb.redo(), fit: () => wb.fit(),
    copy: () => wb.copyPrevious(), help: () => toggleHelp(wb), 'help-close': () => toggleHelp(wb, false),
    submit: () => wb.submit(),
  };
  wb.root.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || !wb.root.contains(b)) return;
    if (b.dataset.tool) wb.setTool(b.dataset.tool);
    else if (actions[b.dataset.act]) actions[b.dataset.act]();
    else if (b.closest('[data-testid="image-wb-objects"]')) listAction(wb, b);
    b.blur();
  });
  wb.root.querySelector('[data-testid="image-wb-label"]')
    .addEventListener('change', (e) => { wb.setLabel(e.target.value, false); e.target.blur(); });
  bindDetails(wb);
  wb.root.querySelector('[data-testid="image-wb-classes"]').addEventListener('change', (e) => {
    if (e.target.dataset.cls !== undefined) wb.toggleClass(e.target.dataset.cls, e.target.checked);
  });
}

export function toggleHelp(wb, show) {
  const el = wb.root.querySelector('[data-testid="image-wb-help-overlay"]');
  const wasOpen = !el.hidden;
  el.hidden = show === undefined ? wasOpen : !show;
  return wasOpen;
}

export function setStatus(wb, text, hint = null, channel = 'status') {
  const el = wb.root.querySelector(channel === 'save' ? '[data-testid="image-wb-save-status"]'
    : '[data-testid="image-wb-status"]');
  if (!el) return;
  el.textContent = text;
  if (hint) el.dataset.hint = hint; else delete el.dataset.hint;
}

function listAction(wb, b) {
  const li = b.closest('li');
  const id = Number(li.dataset.id);
  const act = b.dataset.act;
  if (act === 'select') wb.select(id);
  else if (act === 'hide') {
    if (wb.hidden.has(id)) wb.hidden.delete(id); else wb.hidden.add(id);
    wb.refreshPanel(); wb.requestDraw();
  } else if (act === 'lock') {
    if (wb.locked.has(id)) wb.locked.delete(id); else wb.locked.add(id);
    wb.refreshPanel(); wb.requestDraw();
  } else if (act === 'delete') wb.remove(id);
}

export function renderList(wb) {
  const { t } = wb;
  const hide = esc(t('image.hide')); const show = esc(t('image.show'));
  const lock = esc(t('image.lock')); const unlock = esc(t('image.unlock'));
  const del = esc(t('image.delete'));
  const row = (o, i) => {
    const h = wb.hidden.has(o._id);
    const l = wb.locked.has(o._id);
    const text = o.kind === 'text_line' && o.transcription ? ` “${esc(o.transcription.slice(0, 24))}”` : '';
    return `<li data-id="${o._id}" data-testid="image-wb-object-${i}" data-kind="${o.kind}"
      data-label="${esc(o.label)}" class="${o._id === wb.sel ? 'sel' : ''}${h ? ' off' : ''}"><button
      type="button" class="iwb-name" data-act="select" data-testid="image-wb-object-select-${i}"><i
      style="background:${wb.colour(o.label)}"></i>${i + 1}. ${esc(o.label)} <small>${esc(t(`image.kind.${o.kind}`))}</small>${
  text}</button><button type="button" data-act="hide" data-testid="image-wb-object-hide-${i}"
      aria-pressed="${h}">${h ? show : hide}</button><button type="button" data-act="lock"
      data-testid="image-wb-object-lock-${i}" aria-pressed="${l}">${l ? unlock : lock}</button><button
      type="button" data-act="delete" data-testid="image-wb-object-delete-${i}"${l ? ' disabled' : ''}>${
  del}</button></li>`;
  };
  const objs = wb.objects.slice();
  const rows = (from, to) => objs.slice(from, to).map((o, k) => row(o, from + k)).join('');
  // the first rows at once (only their HTML is built), the rest in chunks after the first
  // frame (500 rows cost ~20 ms at once)
  const ol = wb.root.querySelector('[data-testid="image-wb-objects"]');
  const token = (wb.listToken || 0) + 1;
  wb.listToken = token;
  ol.innerHTML = rows(0, LIST_FIRST);
  const more = () => {
    if (wb.listToken !== token) return;
    const n = ol.children.length;
    ol.insertAdjacentHTML('beforeend', rows(n, n + LIST_CHUNK));
    if (n + LIST_CHUNK < objs.length) setTimeout(more, 0);
  };
  // after the first frame: chunks racing the image decode would only delay it
  if (objs.length > LIST_FIRST) wb.whenReady(() => setTimeout(more, 0));
  // " (2)" in English, "（2）" in Chinese: the brackets and their spacing are the language's
  wb.root.querySelector('[data-testid="image-wb-count"]').textContent =
    wb.t('image.objects_count', { n: wb.objects.length });
}

export function renderClasses(wb) {
  const box = wb.root.querySelector('[data-testid="image-wb-classes"]');
  box.innerHTML = (wb.schema.image_classes || []).map((c) => `<label><input type="checkbox"
    data-cls="${esc(c)}" data-testid="image-wb-class-${esc(c)}"${wb.classes.has(c) ? ' checked' : ''}>
    ${esc(c)}</label>`).join('');
}

function attrInput(a, value, disabled) {
  const id = `data-attr="${esc(a.name)}" data-testid="image-wb-attr-${esc(a.name)}"${disabled ? ' disabled' : ''}`;
  if (a.type === 'boolean') return `<input type="checkbox" ${id}${value === true ? ' checked' : ''}>`;
  if (a.type === 'select') {
    return `<select ${id}><option value=""></option>${a.values.map((v) => `<option${
      v === value ? ' selected' : ''}>${esc(v)}</option>`).join('')}</select>`;
  }
  const type = a.type === 'number' ? 'number' : 'text';
  return `<input type="${type}" ${id} value="${value === undefined || value === null ? '' : esc(value)}">`;
}

// The selected object's fields. Rebuilt only when what they are changes (another object,
// label, kind or lock); otherwise their values are updated in place, so that a field the user
// has just moved to (a click or Tab that committed the previous field's change) keeps its
// focus and caret, and what is typed next lands in it.
export function renderDetails(wb) {
  const box = wb.root.querySelector('[data-testid="image-wb-details"]');
  const o = wb.byId(wb.sel);
  if (!o) {
    if (box.dataset.key !== '') {
      box.innerHTML = `<p class="iwb-muted">${esc(wb.t('image.no_selection'))}</p>`;
      box.dataset.key = '';
    }
    return;
  }
  const locked = wb.locked.has(o._id);
  const key = JSON.stringify([o._id, o.label, o.kind, locked]);
  if (box.dataset.key === key) { updateDetails(box, o); return; }
  const dis = locked ? ' disabled' : '';
  let labels = wb.labels.filter((l) => l.kinds.includes(o.kind)).map((l) => l.name);
  if (!labels.includes(o.label)) labels = [o.label, ...labels];
  const spec = wb.spec(o.label);
  const attrs = (spec ? spec.attributes || [] : []).map((a) => `<label>${esc(a.name)}${
    a.required ? ' *' : ''} ${attrInput(a, o.attributes ? o.attributes[a.name] : undefined, locked)}</label>`)
    .join('');
  // a rebuild under the focus (e.g. the label just changed) gives it back to the same field
  const active = box.contains(document.activeElement) ? document.activeElement : null;
  const focused = active && active.dataset.testid;
  box.innerHTML = `<div data-id="${o._id}">
    <label>${esc(wb.t('image.label'))} <select data-testid="image-wb-object-label"${dis}>${
  labels.map((l) => `<option${l === o.label ? ' selected' : ''}>${esc(l)}</option>`).join('')}</select></label>
    <small>${esc(wb.t(`image.kind.${o.kind}`))}</small>
    ${attrs ? `<fieldset><legend>${esc(wb.t('image.attributes'))}</legend>${attrs}</fieldset>` : ''}
    ${o.kind === 'keypoints' ? keypointFields(wb, o, dis) : ''}
    ${o.kind === 'text_line' ? `<label class="iwb-block">${esc(wb.t('image.transcription'))}
      <textarea rows="2" data-testid="image-wb-transcription"${dis}>${esc(o.transcription || '')}</textarea></label>` : ''}
  </div>`;
  box.dataset.key = key;
  const again = focused && box.querySelector(`[data-testid="${CSS.escape(focused)}"]`);
  if (again && !again.disabled) again.focus({ preventScroll: true });
}

// A keypoints instance's points by name, each with its visibility (COCO's 0 not labelled,
// 1 occluded, 2 visible): a point skipped with N is placed here, a visible one marked occluded.
function keypointFields(wb, o, dis) {
  const sk = wb.skeletonOf(o.skeleton);
  const names = sk ? sk.keypoints : o.points.map((_, i) => String(i + 1));
  const rows = names.map((name, i) => `<label>${esc(name)} <select data-kp="${i}"
    data-testid="image-wb-kp-visibility-${i}"${dis}>${[2, 1, 0].map((v) => `<option value="${v}"${
    (o.points[i] || {}).visibility === v ? ' selected' : ''}>${esc(wb.t(`image.kp.visibility.${v}`))}</option>`)
    .join('')}</select></label>`).join('');
  return `<fieldset><legend>${esc(wb.t('image.kp.points'))}</legend>${rows}</fieldset>`;
}

// The visibility ``v`` for keypoint ``i`` of ``o``: a point labelled anew starts at the middle
// of the instance's labelled points (drag it from there); the last labelled point stays.
function setKeypointVisibility(wb, o, i, v) {
  const p = o.points[i];
  if (!p || p.visibility === v) return false;
  const others = o.points.filter((q, j) => j !== i && q.visibility);
  if (!v && !others.length) return false;
  if (!v) o.points[i] = { x: 0, y: 0, visibility: 0 };
  else if (p.visibility) o.points[i] = { ...p, visibility: v };
  else {
    const n = others.length || 1;
    const x = others.length ? others.reduce((a, q) => a + q.x, 0) / n : wb.W / 2;
    const y = others.length ? others.reduce((a, q) => a + q.y, 0) / n : wb.H / 2;
    o.points[i] = { x: wb.clampX(x), y: wb.clampY(y), visibility: v };
  }
  return true;
}

// Put ``o``'s values into the fields that show them, the focused one excepted (what the
// user is typing there is theirs until its change event).
function updateDetails(box, o) {
  for (const el of box.querySelectorAll('[data-kp]')) {
    const q = o.points && o.points[Number(el.dataset.kp)];
    if (q && el !== document.activeElement) el.value = String(q.visibility);
  }
  const attrs = o.attributes || {};
  for (const el of box.querySelectorAll('[data-attr], [data-testid="image-wb-transcription"]')) {
    if (el === document.activeElement) continue;
    const v = el.dataset.attr ? attrs[el.dataset.attr] : o.transcription;
    if (el.type === 'checkbox') el.checked = v === true;
    else el.value = v === undefined || v === null ? '' : String(v);
  }
  const label = box.querySelector('[data-testid="image-wb-object-label"]');
  if (label && label !== document.activeElement) label.value = o.label;
}

function bindDetails(wb) {
  const box = wb.root.querySelector('[data-testid="image-wb-details"]');
  let before = null;
  const current = () => wb.byId(wb.sel);
  box.addEventListener('focusin', () => { const o = current(); before = o ? JSON.parse(JSON.stringify(o)) : null; });
  box.addEventListener('input', (e) => {
    const o = current();
    if (!o || e.target.dataset.testid !== 'image-wb-transcription') return;
    o.transcription = e.target.value;
    wb.scheduleSave(true);
  });
  box.addEventListener('change', (e) => {
    const o = current();
    if (!o) return;
    const el = e.target;
    if (el.dataset.testid === 'image-wb-object-label') { wb.relabel(o._id, el.value); return; }
    if (!before) before = JSON.parse(JSON.stringify(o));
    if (el.dataset.kp !== undefined) {
      if (!setKeypointVisibility(wb, o, Number(el.dataset.kp), Number(el.value))) {
        el.value = String(o.points[Number(el.dataset.kp)].visibility);  // the last one stays
        return;
      }
    }
    if (el.dataset.attr) {
      const attrs = { ...(o.attributes || {}) };
      let v = el.type === 'checkbox' ? el.checked : el.value;
      if (el.type === 'number') v = el.value === '' ? null : Number(el.value);
      if (v === '' || v === null) delete attrs[el.dataset.attr]; else attrs[el.dataset.attr] = v;
      o.attributes = attrs;
    }
    const b = before;
    before = JSON.parse(JSON.stringify(o));
    wb.replace(o._id, b);
  });
}
