// The LLM workbench (templates/llm/task.html): fetches the item's record from the media route and
// shows, by the spec's task, a conversation editor (sft), a side-by-side comparison with keyboard
// choice 1 / 2 / = (pairwise), a ranking form (ranking) or a rubric form (rubric). Drafts go to
// localStorage at once and to the server debounced (body {base_version, revision, annotation,
// time_spent_ms}); submit posts {base_version, annotation, time_spent_ms, draft_revision} and
// opens the next task (refused 409 stale_draft when another tab saved a newer draft than
// draft_revision, the newest this page loaded or saved: a stale tab never submits over it)
// the server names.
import { csrfToken, lockSubmittedElsewhere, readOnlyNow, savedWhen, submittedElsewhere } from '../common.js';
import { TimeOnTask } from '../time_on_task.js';

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

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

class LlmWorkbench {
  constructor(root) {
    const d = root.dataset;
    this.root = root;
    this.req = JSON.parse(d.requirements);
    this.s = JSON.parse(d.strings);
    this.draftUrl = d.draftUrl;
    this.submitUrl = d.submitUrl;
    this.baseVersion = Number(d.baseVersion || 0);
    this.revision = Number(d.draftRevision || 0);
    this.savedRevision = this.revision;  // the newest server draft this page loaded or saved
    this.storageKey = `datamill-llm-draft-${d.taskId}`;
    let spentBefore = Number(d.timeSpentMs || 0);
    this.start = JSON.parse(d.annotation || '{}');
    // a newer draft kept in this browser (the server had not got it yet) wins over the server's
    try {
      const kept = JSON.parse(localStorage.getItem(this.storageKey) || 'null');
      if (kept && kept.base_version === this.baseVersion && kept.revision > this.revision && kept.annotation) {
        this.start = kept.annotation;
        this.revision = kept.revision;
        this.pendingLocal = true;
        spentBefore = Math.max(spentBefore, Number(kept.time_spent_ms || 0));
      }
    } catch (_) { /* storage disabled */ }
    this.clock = new TimeOnTask(spentBefore);
    this.timer = 0;
    this.submitted = false;
    root.__workbench = this;
  }

  t(key) { return this.s[key] || key; }

  async load(recordUrl) {
    const resp = await fetch(recordUrl, { credentials: 'same-origin' });
    this.record = JSON.parse(await resp.text());
    const ids = (this.record.responses || []).map((r) => r.id);
    const task = this.req.task;
    const start = this.start && this.start.type ? this.start : null;
    if (task === 'sft') {
      const turns = start ? start.turns : [...this.record.messages,
        ...(this.record.responses || []).slice(0, 1).map((r) => ({ role: 'assistant', content: r.content }))];
      this.state = { type: 'llm_sft', turns: turns.map((x) => ({ ...x })) };
    } else if (task === 'pairwise') {
      this.state = start || { type: 'llm_pairwise', a: ids[0], b: ids[1], choice: null, reason: '' };
    } else if (task === 'ranking') {
      this.state = start || { type: 'llm_ranking', ranking: ids, reason: '' };
    } else {
      const scores = {}; const checks = {};
      for (const c of this.req.rubric.criteria) {
        if (c.kind === 'likert') scores[c.name] = null; else checks[c.name] = null;
      }
      this.state = start || { type: 'llm_rubric', scores, checks, comment: '' };
    }
    this.undos = [];
    this.redos = [];
    this.lastState = JSON.stringify(this.state);
    this.render();
    this.root.dataset.ready = '1';
    if (this.pendingLocal) this.flush();
  }

  annotation() {
    const a = JSON.parse(JSON.stringify(this.state));
    if (a.type === 'llm_sft') {
      a.turns = a.turns.map((x) => (x.role === 'assistant' && x.reasoning
        ? { role: x.role, content: x.content, reasoning: x.reasoning } : { role: x.role, content: x.content }));
    }
    return a;
  }

  // ``step``: a choice, a move, a turn added, removed or given another role (typing is the
  // text field's own undo): the state before it can be had back with Ctrl+Z
  changed(step = false) {
    if (readOnlyNow(this.root)) return;
    if (step && this.lastState) { this.undos.push(this.lastState); this.redos = []; }
    this.lastState = JSON.stringify(this.state);
    this.revision += 1;
    if (this.stale) { this.status(this.t('llm.stale'), true); return; }
    try {
      localStorage.setItem(this.storageKey, JSON.stringify({ base_version: this.baseVersion,
        revision: this.revision, annotation: this.annotation(), time_spent_ms: this.clock.ms() }));
    } catch (_) { /* full */ }
    this.status(this.draftUrl ? this.t('llm.saving') : '');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), 800);
  }

  async flush() {
    if (this.submitted || this.stale) return;
    if (!this.draftUrl) { this.status(''); return; }  // review / inspection: kept in this browser
    if (this.saving) { clearTimeout(this.timer); this.timer = setTimeout(() => this.flush(), 300); return; }
    const rev = this.revision;
    let r = { ok: false };
    this.saving = true;
    try { r = await post(this.draftUrl, { base_version: this.baseVersion, revision: rev,
      annotation: this.annotation(), time_spent_ms: this.clock.ms() }); } catch (_) { /* offline */ }
    this.saving = false;
    if (this.submitted) return;
    if (submittedElsewhere(r)) { this.markSubmitted(); return; }
    if (r.status === 409) { this.markStale(); return; }
    if (r.ok) {
      this.savedRevision = Math.max(this.savedRevision, rev);
      this.root.dataset.savedRevision = String(rev);
      this.status(savedWhen(this.t('llm.saved'), r.data && r.data.saved_at));
    } else {
      this.status(this.t('llm.offline'));
      this.timer = setTimeout(() => this.flush(), 3000);
    }
  }

  // another tab or window saved a newer draft: this tab saves and submits no more (its work
  // would overwrite that draft) and forgets its local copy, so a reload starts from the server's
  markStale() {
    this.stale = true;
    try { localStorage.removeItem(this.storageKey); } catch (_) { /* disabled */ }
    this.status(this.t('llm.stale'), true);
    const btn = this.root.querySelector('[data-testid=llm-submit]');
    if (btn) btn.disabled = true;
  }

  // the task was submitted in another tab or window (409 task_submitted): this tab saves and
  // submits no more and goes read-only, saying so; its local copy goes
  markSubmitted() {
    this.stale = true;
    clearTimeout(this.timer);
    try { localStorage.removeItem(this.storageKey); } catch (_) { /* disabled */ }
    this.status(this.t('wb.save.submitted'), true);
    lockSubmittedElsewhere(this.root, this.t('wb.save.submitted'));
  }

  status(text, error = false) {
    const s = this.root.querySelector('[data-testid=llm-status]');
    if (s) { s.textContent = text; s.classList.toggle('error', error); }
  }

  async submit() {
    if (readOnlyNow(this.root)) return;
    if (this.stale) { this.markStale(); return; }
    // no response chosen: said in the page's words (the server's refusal named the field
    // "choice" and its values 'a', 'b', 'tie', none of which the page shows)
    if (this.req.task === 'pairwise' && !this.state.choice) {
      this.status(this.t('llm.choose_first'), true);
      const first = this.root.querySelector('[data-testid=llm-choose-a]');
      if (first) first.focus();
      return;
    }
    // a rubric criterion left unmarked: named as the page shows it (the server's refusal
    // said "“scores.helpfulness” must be a whole number")
    if (this.req.task === 'rubric') {
      const open = this.req.rubric.criteria.filter((c) => (c.kind === 'likert'
        ? this.state.scores[c.name] : this.state.checks[c.name]) == null);
      if (open.length) {
        this.status(this.t('llm.rate_first').replace('{names}',
          open.map((c) => (c.label || '').trim() || c.name).join(this.t('llm.list_sep'))), true);
        const first = this.root.querySelector(`input[name="c-${open[0].name}"]`);
        if (first) first.focus();
        return;
      }
    }
    const btn = this.root.querySelector('[data-testid=llm-submit]');
    btn.disabled = true;
    clearTimeout(this.timer);
    // a draft save on its way first: the revision named must be the server's answer to it
    while (this.saving) await new Promise((done) => { setTimeout(done, 50); });
    if (this.stale) { this.markStale(); return; }
    try {
      const r = await post(this.submitUrl, { base_version: this.baseVersion, annotation: this.annotation(),
        time_spent_ms: this.clock.ms(), draft_revision: this.savedRevision });
      if (r.ok) {
        this.submitted = true;
        localStorage.removeItem(this.storageKey);
        this.root.dataset.submitted = '1';
        const next = r.data && r.data.next_url;
        if (typeof next === 'string' && next.startsWith('/')) window.location.assign(next);
        return;
      }
      if (r.status === 409 && r.data && r.data.reason_code === 'stale_draft') { this.markStale(); return; }
      if (submittedElsewhere(r)) { this.markSubmitted(); return; }
      const error = (r.data && (r.data.detail || r.data.title)) || r.status;
      // edits the server has no draft of yet go out first (the submit cleared their save), so
      // a reload after a 409 (someone changed the item) resumes from them; the refusal is
      // said after that save's own status
      if (this.revision > this.savedRevision) await this.flush();
      if (this.stale) return;
      // the server words a refused annotation in the page's language; "未提交：…" on zh-CN pages
      this.status(r.status === 409 ? this.t('llm.conflict') : `${this.t('llm.failed')}${this.t('sp.colon')}${error}`, true);
    } catch (err) {
      this.status(`${this.t('llm.failed')}${this.t('sp.colon')}${err}`, true);
    }
    btn.disabled = false;
  }

  promptView() {
    const box = el('section', { class: 'card llm-prompt', 'data-testid': 'llm-prompt' },
      el('h2', { text: this.t('llm.prompt') }));
    for (const m of this.record.messages) {
      box.append(el('div', { class: 'turn' }, el('span', { class: 'role', 'data-role': m.role, text: this.t(`llm.role.${m.role}`) }), m.content));
    }
    return box;
  }

  reasonField(key) {
    const value = key === 'comment' ? this.state.comment : this.state.reason;
    const area = el('textarea', { rows: 3, maxlength: 5000, 'data-testid': 'llm-reason', required: 'required',
      oninput: (ev) => { this.state[key] = ev.target.value; this.changed(); } });
    area.value = value || '';
    return el('label', { class: 'llm-reason' }, this.t(key === 'comment' ? 'llm.comment' : 'llm.reason'), area);
  }

  render() {
    const r = this.root;
    r.replaceChildren();
    const task = this.req.task;
    const actions = el('div', { class: 'llm-actions', 'data-testid': 'llm-actions' },
      el('button', { class: 'primary', 'data-testid': 'llm-submit', text: this.t('llm.submit'), onclick: () => this.submit() }),
      el('span', { class: 'llm-status', 'data-testid': 'llm-status', role: 'status' }));
    if (task === 'rubric' || task === 'ranking') {
      // the dialogue on the left, the form in a side panel that stays in view however long the
      // dialogue (a 121-turn one put the rubric ~5,000 px down: trial h5); stacked when narrow
      r.append(el('div', { class: 'llm-split' },
        this.promptView(),
        el('aside', { class: 'llm-side', 'data-testid': 'llm-side' },
          task === 'rubric' ? this.rubricView() : this.rankView(), actions)));
      return;
    }
    if (task !== 'sft') r.append(this.promptView());
    if (task === 'sft') r.append(this.sftView());
    else r.append(this.pairView());
    r.append(actions);
  }

  // -- pairwise: side by side, keys 1 / 2 / =
  pairView() {
    const st = this.state;
    const resp = (id) => (this.record.responses || []).find((x) => x.id === id) || { content: '' };
    const wrap = el('section', { class: 'card' });
    const grid = el('div', { class: `llm-compare${st.choice === 'tie' ? ' tie' : ''}`, 'data-testid': 'llm-compare' });
    // one name per response wherever it is shown (heading, choice): its key and its id
    const named = (side) => this.t('llm.response_n').replace('{n}', side === 'a' ? '1' : '2').replace('{id}', st[side]);
    ['a', 'b'].forEach((side) => {
      grid.append(el('div', { class: `resp${st.choice === side ? ' chosen' : ''}`, 'data-testid': `llm-resp-${side}` },
        el('h3', { text: named(side) }), resp(st[side]).content));
    });
    const choose = (c) => { this.state.choice = c; this.changed(true); this.render(); };
    const btn = (c, label) => el('button', { type: 'button', 'aria-pressed': String(st.choice === c),
      'data-testid': `llm-choose-${c}`, text: label, onclick: () => choose(c) });
    wrap.append(grid, el('div', { class: 'llm-choices' },
      el('span', { class: 'muted', text: this.t('llm.choose_hint') }),
      btn('a', `1 · ${this.t('llm.better')}`), btn('tie', `= · ${this.t('llm.tie')}`), btn('b', `2 · ${this.t('llm.better')}`),
      el('span', { 'data-testid': 'llm-choice', text: st.choice ? `${this.t('llm.choice_is')}${this.t('sp.colon')}${st.choice === 'tie' ? this.t('llm.tie') : named(st.choice)}` : '' })),
    this.reasonField('reason'));
    return wrap;
  }

  // Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y): a removed turn, a choice or a move back or again (a turn
  // removed by mistake, its text with it, was gone for good)
  step(from, to) {
    if (!from.length) return;
    to.push(JSON.stringify(this.state));
    this.state = JSON.parse(from.pop());
    this.changed();
    this.render();
  }

  key(ev) {
    if (this.submitted || readOnlyNow(this.root)) return;
    // Ctrl+Enter submits every task (it did only in pairwise ones: trial h5)
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); this.submit(); return; }
    const field = ev.target && (ev.target.tagName === 'TEXTAREA'
      || (ev.target.tagName === 'INPUT' && !['radio', 'checkbox'].includes(ev.target.type)));
    const k = (ev.key || '').toLowerCase();
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !field && (k === 'z' || k === 'y')) {
      ev.preventDefault();
      if (k === 'z' && !ev.shiftKey) this.step(this.undos, this.redos); else this.step(this.redos, this.undos);
      return;
    }
    if (this.req.task !== 'pairwise') return;
    const tag = (ev.target && ev.target.tagName) || '';
    if (tag === 'TEXTAREA' || tag === 'INPUT' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const map = { 1: 'a', 2: 'b', '=': 'tie' };
    if (map[ev.key]) {
      ev.preventDefault();
      this.state.choice = map[ev.key];
      this.changed(true);
      this.render();
    }
  }

  // -- ranking: order with up / down
  rankView() {
    const st = this.state;
    const list = el('ol', { class: 'llm-rank', 'data-testid': 'llm-ranking' });
    st.ranking.forEach((id, i) => {
      const resp = (this.record.responses || []).find((x) => x.id === id) || { content: '' };
      const move = (d) => { const j = i + d; if (j < 0 || j >= st.ranking.length) return;
        [st.ranking[i], st.ranking[j]] = [st.ranking[j], st.ranking[i]]; this.changed(true); this.render(); };
      list.append(el('li', { 'data-testid': `llm-rank-${id}` },
        el('button', { type: 'button', text: '↑', title: this.t('llm.up'), onclick: () => move(-1) }),
        el('button', { type: 'button', text: '↓', title: this.t('llm.down'), onclick: () => move(1) }),
        el('span', { class: 'content' }, `${id}: ${resp.content}`)));
    });
    return el('section', { class: 'card' }, el('p', { class: 'muted', text: this.t('llm.rank_hint') }), list,
      this.reasonField('reason'));
  }

  // -- rubric: Likert radios and pass / fail per criterion
  rubricView() {
    const { rubric } = this.req;
    const st = this.state;
    const first = (this.record.responses || [])[0];
    const table = el('table', { 'data-testid': 'llm-rubric' });
    for (const c of rubric.criteria) {
      const cell = el('td');
      const values = c.kind === 'likert'
        ? Array.from({ length: rubric.likert_max - rubric.likert_min + 1 }, (_, k) => rubric.likert_min + k)
        : [true, false];
      for (const v of values) {
        const current = c.kind === 'likert' ? st.scores[c.name] : st.checks[c.name];
        const input = el('input', { type: 'radio', name: `c-${c.name}`, 'data-testid': `llm-${c.name}-${v}`,
          onchange: () => { if (c.kind === 'likert') st.scores[c.name] = v; else st.checks[c.name] = v; this.changed(true); } });
        input.checked = current === v;
        cell.append(el('label', {}, input, c.kind === 'likert' ? String(v) : this.t(v ? 'llm.pass' : 'llm.fail')));
      }
      // the spec's description shown under the name (a Chinese project's 有用性 for helpfulness)
      const about = c.description ? el('div', { class: 'muted', 'data-testid': `llm-${c.name}-about`, text: c.description }) : null;
      // the label (any language, 有用性) is what people read; the machine name stays beside it
      const shown = (c.label || '').trim();
      const head = shown ? [el('span', { 'data-testid': `llm-${c.name}-label`, text: shown }), ' ', el('span', { class: 'muted', text: c.name })] : [c.name];
      table.append(el('tr', {}, el('th', { title: c.description || '' }, ...head, about), cell));
    }
    return el('section', { class: 'card llm-rubric' },
      first ? el('div', { class: 'resp' }, el('h3', { text: this.t('llm.response') }), first.content) : null,
      table, this.reasonField('comment'));
  }

  // -- sft: edit turns, add / remove, chain of thought on assistant turns
  sftView() {
    const st = this.state;
    const box = el('section', { class: 'card', 'data-testid': 'llm-conversation' },
      el('p', { class: 'muted', 'data-testid': 'llm-sft-hint', text: this.t('llm.sft_hint') }));
    st.turns.forEach((turn, i) => {
      const role = el('select', { 'data-testid': `llm-role-${i}`,
        onchange: (ev) => { turn.role = ev.target.value; this.changed(true); this.render(); } });
      for (const r of ['system', 'user', 'assistant']) {
        // the label in the page's language; the value (what is stored) stays the role's name
        const o = el('option', { value: r, text: this.t(`llm.role.${r}`) }); o.selected = turn.role === r; role.append(o);
      }
      const content = el('textarea', { rows: 3, 'data-testid': `llm-content-${i}`,
        oninput: (ev) => { turn.content = ev.target.value; this.changed(); } });
      content.value = turn.content || '';
      const item = el('div', { class: 'llm-turn' },
        el('div', {}, el('strong', { text: `${this.t('llm.turn')} ${i + 1}` }), ' ', role, ' ',
          el('button', { type: 'button', 'data-testid': `llm-remove-${i}`, text: this.t('llm.remove_turn'),
            onclick: () => { st.turns.splice(i, 1); this.changed(true); this.render(); } })),
        content);
      if (turn.role === 'assistant') {
        const cot = el('textarea', { rows: 2, 'data-testid': `llm-reasoning-${i}`,
          oninput: (ev) => { turn.reasoning = ev.target.value; this.changed(); } });
        cot.value = turn.reasoning || '';
        item.append(el('label', {}, this.t('llm.reasoning'), cot));
      }
      box.append(item);
    });
    box.append(el('button', { type: 'button', 'data-testid': 'llm-add-turn', text: this.t('llm.add_turn'),
      onclick: () => { const last = st.turns[st.turns.length - 1];
        st.turns.push({ role: last && last.role === 'user' ? 'assistant' : 'user', content: '' });
        this.changed(true); this.render(); } }));
    return box;
  }
}

for (const root of document.querySelectorAll('[data-llm-workbench]')) {
  const wb = new LlmWorkbench(root);
  document.addEventListener('keydown', (ev) => wb.key(ev));
  window.addEventListener('pagehide', () => { if (!wb.submitted && wb.timer) wb.flush(); });
  wb.load(root.dataset.recordUrl);
}
