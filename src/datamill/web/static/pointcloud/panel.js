// The side panel: the selected cuboid's fields (centre, size, heading in degrees, label,
// track id, the label's attributes from the spec), the object list (select, hide, lock,
// delete) and the scene classes. Every string comes from the page's catalogue (data-strings).
import { deg, rad } from './geometry.js';

const GEOMETRY = [['x', 'field_x'], ['y', 'field_y'], ['z', 'field_z'], ['length', 'field_length'],
  ['width', 'field_width'], ['height', 'field_height'], ['yaw', 'field_yaw']];

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'testid') node.dataset.testid = v;
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function shown(name, value) {
  return name === 'yaw' ? deg(value).toFixed(1) : Number(value).toFixed(2);
}

function attributeInput(wb, o, spec) {
  const value = (o.attributes || {})[spec.name];
  const testid = `pc-wb-attr-${spec.name}`;
  const disabled = !wb.editable(o);
  let input;
  if (spec.type === 'select') {
    input = el('select', { testid, disabled }, el('option', { value: '' }, wb.t('none')));
    for (const v of spec.values || []) input.append(el('option', { value: v, selected: v === value }, v));
    input.value = value === undefined || value === null ? '' : String(value);
    input.addEventListener('change', () => wb.setAttribute(o.id, spec.name, input.value || null));
  } else if (spec.type === 'boolean') {
    input = el('input', { type: 'checkbox', testid, disabled, checked: value === true });
    input.addEventListener('change', () => wb.setAttribute(o.id, spec.name, input.checked));
  } else {
    const number = spec.type === 'number';
    input = el('input', { type: number ? 'number' : 'text', step: 'any', testid, disabled,
      value: value === undefined || value === null ? '' : String(value) });
    input.addEventListener('change', () => {
      const raw = input.value.trim();
      const v = raw === '' ? null : number ? Number(raw) : raw;
      wb.setAttribute(o.id, spec.name, number && !Number.isFinite(v) ? null : v);
    });
  }
  return el('label', { className: 'pcwb-attr' }, `${spec.name}${spec.required ? ' *' : ''} `, input);
}

// The details of the selected object, rebuilt when the selection (or its label or lock)
// changes, else only its numbers refreshed (a field being typed in is left alone).
export function renderDetails(wb) {
  const box = wb.root.querySelector('[data-part="details"]');
  const o = wb.selected();
  const key = o ? `${o.id}|${o.label}|${wb.editable(o)}` : '';
  if (box.dataset.key === key && o) {
    for (const [name] of GEOMETRY) {
      const input = box.querySelector(`[data-field="${name}"]`);
      if (input && document.activeElement !== input) input.value = shown(name, o[name]);
    }
    const track = box.querySelector('[data-field="track_id"]');
    if (track && document.activeElement !== track) track.value = o.track_id || '';
    return;
  }
  box.dataset.key = key;
  box.replaceChildren();
  if (!o) {
    box.append(el('p', { className: 'muted', testid: 'pc-wb-no-selection' }, wb.t('no_selection')));
    return;
  }
  const disabled = !wb.editable(o);
  const label = el('select', { testid: 'pc-wb-obj-label', disabled });
  for (const l of wb.labels) label.append(el('option', { value: l.name, selected: l.name === o.label }, l.name));
  if (!wb.spec(o.label)) label.append(el('option', { value: o.label, selected: true }, o.label));
  label.addEventListener('change', () => wb.relabel(o.id, label.value));
  box.append(el('p', { className: 'pcwb-id' }, el('b', {}, o.id), ' ', label));
  const grid = el('div', { className: 'pcwb-fields' });
  for (const [name, key2] of GEOMETRY) {
    const input = el('input', { type: 'number', step: name === 'yaw' ? '1' : '0.05', disabled,
      testid: `pc-wb-field-${name}`, value: shown(name, o[name]) });
    input.dataset.field = name;
    input.addEventListener('change', () => {
      const v = Number(input.value);
      if (!Number.isFinite(v)) { input.value = shown(name, o[name]); return; }
      wb.setField(o.id, name, name === 'yaw' ? rad(v) : v);
    });
    const caption = wb.t(key2);
    grid.append(el('label', {}, el('span', {}, caption), input));
  }
  box.append(grid);
  const track = el('input', { type: 'text', maxLength: 64, disabled, testid: 'pc-wb-field-track',
    value: o.track_id || '' });
  track.dataset.field = 'track_id';
  track.addEventListener('change', () => wb.setField(o.id, 'track_id', track.value.trim() || null));
  box.append(el('label', { className: 'pcwb-attr' }, `${wb.t('track_id')} `, track));
  const spec = wb.spec(o.label);
  if (spec && (spec.attributes || []).length) {
    const set = el('fieldset', { testid: 'pc-wb-attributes' }, el('legend', {}, wb.t('attributes')));
    for (const a of spec.attributes) set.append(attributeInput(wb, o, a));
    box.append(set);
  }
}

function toggle(wb, text, testid, pressed, onClick) {
  const b = el('button', { type: 'button', testid, title: text }, text);
  b.setAttribute('aria-pressed', String(pressed));
  b.addEventListener('click', (ev) => { ev.stopPropagation(); onClick(); });
  return b;
}

export function renderList(wb) {
  const list = wb.root.querySelector('[data-part="objects"]');
  list.replaceChildren();
  if (!wb.objects.length) {
    list.append(el('li', { className: 'muted' }, wb.t('no_objects')));
    return;
  }
  wb.objects.forEach((o, i) => {
    const li = el('li', { testid: `pc-wb-obj-${i}` });
    li.dataset.id = o.id;
    if (o.id === wb.sel) li.classList.add('sel');
    if (wb.hidden.has(o.id)) li.classList.add('off');
    const name = el('button', { type: 'button', className: 'pcwb-name' },
      el('i', { style: `background:${wb.colour(o.label)}` }), `${o.id} · ${o.label}`);
    name.addEventListener('click', () => wb.select(o.id, true));
    li.append(name);
    if (!wb.readonly) {
      const hidden = wb.hidden.has(o.id);
      const locked = wb.locked.has(o.id);
      li.append(
        toggle(wb, wb.t(hidden ? 'show' : 'hide'), `pc-wb-hide-${i}`, hidden, () => wb.toggleHidden(o.id)),
        toggle(wb, wb.t(locked ? 'unlock' : 'lock'), `pc-wb-lock-${i}`, locked, () => wb.toggleLocked(o.id)),
      );
      const del = el('button', { type: 'button', testid: `pc-wb-delete-${i}`, title: wb.t('delete'),
        disabled: locked }, '×');
      del.addEventListener('click', (ev) => { ev.stopPropagation(); wb.remove(o.id); });
      li.append(del);
    }
    list.append(li);
  });
}

export function buildClasses(wb) {
  const box = wb.root.querySelector('[data-part="classes"]');
  const names = wb.schema.scene_classes || [];
  box.closest('section').hidden = !names.length;
  for (const c of names) {
    const input = el('input', { type: 'checkbox', value: c, testid: `pc-wb-class-${c}`,
      disabled: wb.readonly });
    input.addEventListener('change', () => wb.toggleClass(c, input.checked));
    box.append(el('label', {}, input, ` ${c}`));
  }
}

export function renderClasses(wb) {
  for (const input of wb.root.querySelectorAll('[data-part="classes"] input')) {
    input.checked = wb.classes.has(input.value);
  }
}

export function buildLabels(wb) {
  const sel = wb.root.querySelector('[data-testid="pc-wb-label"]');
  if (!sel) return;
  wb.labels.forEach((l, i) => {
    sel.append(el('option', { value: l.name }, `${i < 9 ? `${i + 1} · ` : ''}${l.name}`));
  });
  sel.value = wb.label;
  sel.addEventListener('change', () => wb.setLabel(sel.value, false));
}
