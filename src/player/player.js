// The page: the list of ARgorithms, the parameter form, login, running on the server, loading
// a trace from a file or pasted JSON, and the address that reopens a run at a step.
//
// Entry point without the server: the "Load a trace" panel (file or paste), or from a script
// window.argorithmPlayer.load(value[, {caseIndex, step}]) where value is a JSON array of states,
// a run answer {"status","data"} or a golden file {"scenario","cases"} (text or parsed).

import * as api from './api.js';
import { CodePane } from './code.js';
import { buildForm } from './params.js';
import { normalizeInput } from './trace.js';
import { Playback } from './playback.js';
import { readLocation, writeLocation } from './url.js';

const $ = (id) => document.getElementById(id);

const app = {
  records: [],
  selected: null,
  form: null,
  current: null, // {source: 'server', id, params} or {source: 'file'}
  authOn: false,
  lastRun: null,
};

const code = new CodePane(document.getElementById('code-pane'));

const playback = new Playback({
  onStep(step) {
    code.step(step);
    if (!app.current) return;
    if (app.current.source === 'server') writeLocation({ id: app.current.id, params: app.current.params, step });
    else writeLocation({ step });
  },
});

// ---- Messages -------------------------------------------------------------------------------

function showError(err, context) {
  const box = $('error');
  box.replaceChildren();
  const isApi = err instanceof api.ApiError;
  box.dataset.status = isApi ? String(err.status) : 'page';
  if (isApi && err.kind) box.dataset.errorKind = err.kind; else delete box.dataset.errorKind;
  const head = document.createElement('span');
  head.className = 'error-kind';
  head.textContent = context ? `${context}: ` : '';
  const text = document.createElement('span');
  text.className = 'error-text';
  text.textContent = isApi ? err.words : err.message;
  box.append(head, text);
  box.hidden = false;
}

function clearError() {
  const box = $('error');
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.status;
  delete box.dataset.errorKind;
}

function showNotice(text) {
  const n = $('notice');
  n.textContent = text ?? '';
  n.hidden = !text;
}

function setStatus(status, title) {
  const badge = $('run-status');
  badge.hidden = !status;
  badge.textContent = { run_parameters: 'ran your parameters', run_example: 'ran the example', run_cache: 'from the cache', file: 'loaded trace' }[status] ?? status ?? '';
  $('player').dataset.status = status ?? '';
  $('trace-title').textContent = title ? `— ${title}` : '— nothing loaded';
}

// ---- Auth -------------------------------------------------------------------------------------

function syncAuth() {
  $('auth').hidden = !app.authOn;
  const email = api.session.email;
  const inSession = Boolean(api.session.token);
  $('login-form').hidden = inSession;
  $('logged-in').hidden = !inSession;
  $('user-email').textContent = email ?? '';
  document.body.dataset.auth = app.authOn ? (inSession ? 'logged-in' : 'logged-out') : 'off';
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const msg = $('login-message');
  msg.classList.remove('bad');
  msg.textContent = 'Logging in…';
  try {
    await api.login($('login-email').value.trim(), $('login-password').value);
    $('login-password').value = '';
    msg.textContent = '';
    syncAuth();
    // A run refused for want of a login goes ahead now.
    if (app.lastRun && app.lastRun.status === 401) runOnServer(app.lastRun.id, app.lastRun.params, app.lastRun);
  } catch (e) {
    msg.classList.add('bad');
    msg.textContent = e.loginWords ?? (e instanceof api.ApiError ? e.words : e.message);
  }
});

$('logout-button').addEventListener('click', () => {
  api.session.clear();
  $('login-message').textContent = 'Logged out.';
  $('login-message').classList.remove('bad');
  syncAuth();
});

// ---- The list -------------------------------------------------------------------------------

function renderList() {
  const q = $('filter').value.trim().toLowerCase();
  const ul = $('argorithm-list');
  ul.replaceChildren();
  let shown = 0;
  for (const r of app.records) {
    const hay = `${r.argorithmID} ${r.description ?? ''} ${r.maintainer ?? ''}`.toLowerCase();
    if (q && !hay.includes(q)) continue;
    shown++;
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.argorithmId = r.argorithmID;
    b.setAttribute('aria-pressed', String(app.selected?.argorithmID === r.argorithmID));
    const id = Object.assign(document.createElement('span'), { className: 'aid', textContent: r.argorithmID });
    const desc = Object.assign(document.createElement('span'), { className: 'desc', textContent: r.description ?? '' });
    const maint = Object.assign(document.createElement('span'), { className: 'maint', textContent: r.maintainer ? `by ${r.maintainer}` : '' });
    b.append(id, desc, maint);
    b.addEventListener('click', () => select(r.argorithmID));
    li.append(b);
    ul.append(li);
  }
  $('list-message').textContent = app.records.length
    ? (shown === app.records.length ? `${shown} published` : `${shown} of ${app.records.length} shown`)
    : 'No ARgorithm is published yet.';
}

$('filter').addEventListener('input', renderList);

function select(id, values) {
  const r = app.records.find((x) => x.argorithmID === id);
  if (!r) return null;
  app.selected = r;
  $('params-panel').hidden = false;
  $('selected-id').textContent = r.argorithmID;
  $('selected-description').textContent = r.description ?? '';
  $('params-summary').textContent = '';
  app.form = buildForm($('params-fields'), r, () => { $('params-summary').textContent = ''; app.form.read(); });
  if (values) app.form.fill(values);
  app.form.read();
  renderList();
  return r;
}

$('example-button').addEventListener('click', () => {
  if (!app.selected) return;
  app.form.fill(app.selected.example ?? {});
  app.form.read();
  $('params-summary').textContent = '';
});

$('params-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (!app.selected) return;
  const { values, first } = app.form.read();
  if (first) {
    // The server would run the example instead; say why here and let the user fix it.
    $('params-summary').textContent = `These parameters do not fit: ${first}`;
    return;
  }
  $('params-summary').textContent = '';
  runOnServer(app.selected.argorithmID, values, { step: 1, autoplay: true });
});

// ---- Running --------------------------------------------------------------------------------

const fileOf = (id) => app.records.find((r) => r.argorithmID === id)?.filename ?? id;

let runSeq = 0;
// Run plays the trace from its start; a link opens its step paused.
async function runOnServer(id, params, { step = 1, autoplay = false } = {}) {
  const seq = ++runSeq;
  clearError();
  showNotice('');
  const button = $('run-button');
  button.disabled = true;
  button.textContent = 'Running…';
  $('player').dataset.loading = 'true';
  app.lastRun = { id, params, step, autoplay, status: null };
  // Only Python ARgorithms have source on the server; a module's is not asked for.
  const isPython = (app.records.find((r) => r.argorithmID === id)?.filename ?? '').endsWith('.py');
  const source = isPython ? api.source(id) : Promise.resolve({ why: 'No source to show: this ARgorithm is a WebAssembly module.' });
  try {
    const answer = await api.run(id, params);
    const shared = await source;
    if (seq !== runSeq) return;
    if (!answer || !Array.isArray(answer.data)) throw new api.ApiError(200, 'the answer has no "data" list of states');
    app.lastRun.status = 200;
    app.current = { source: 'server', id, params };
    setStatus(answer.status, id);
    if (answer.detail) {
      showNotice(answer.status === 'run_example' || answer.status === 'run_cache'
        ? `The server ran the ARgorithm's example instead of these parameters: ${answer.detail}`
        : answer.detail);
    }
    if (shared.text !== undefined) code.showSource(shared.text, { lines: answer.lines, errorAt: answer.error_at, title: fileOf(id) });
    else code.showNote(shared.why);
    playback.load(answer.data, { step });
    writeLocation({ id, params, step: playback.step }, { now: true });
    if (autoplay) playback.play();
    // Keys work at once, and on a phone the player (below the form) comes into view.
    if ($('player').getBoundingClientRect().top > window.innerHeight / 3) $('player').scrollIntoView({ block: 'start' });
    $('stage').focus({ preventScroll: true });
  } catch (e) {
    if (seq !== runSeq) return;
    app.lastRun.status = e instanceof api.ApiError ? e.status : null;
    if (e instanceof api.ApiError && e.status === 401) {
      api.session.clear();
      syncAuth();
      if (app.authOn) $('login-email').focus();
    }
    showError(e, `Running ${id}`);
    // A run that raised: its line, in the code.
    const shared = await source;
    if (seq !== runSeq) return;
    if (shared.text !== undefined && e instanceof api.ApiError && e.errorAt) {
      playback.clear();
      code.showSource(shared.text, { errorAt: e.errorAt, title: fileOf(id) });
    }
  } finally {
    if (seq === runSeq) {
      button.disabled = false;
      button.textContent = 'Run';
      delete $('player').dataset.loading;
    }
  }
}

// ---- Loading a trace without the server ----------------------------------------------------------

let loaded = null;

function loadValue(value, { caseIndex = 0, step = 1, startedAt = performance.now() } = {}) {
  const msg = $('load-message');
  msg.classList.remove('bad');
  try {
    const parsed = typeof value === 'string' ? JSON.parse(value) : value;
    loaded = normalizeInput(parsed);
  } catch (e) {
    msg.classList.add('bad');
    msg.textContent = `Could not load: ${e.message}`;
    return false;
  }
  const picker = $('case-picker');
  const select = $('case-select');
  select.replaceChildren(...loaded.cases.map((c, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: c.label })));
  picker.hidden = loaded.cases.length < 2;
  const index = Math.min(Math.max(0, caseIndex), loaded.cases.length - 1);
  select.value = String(index);
  showCase(index, step);
  // From the text (or the file's selection) to the first state drawn: parse, replay, render.
  const ms = performance.now() - startedAt;
  $('player').dataset.loadTotalMs = ms.toFixed(1);
  msg.textContent = `Loaded ${loaded.cases[index].states.length} states in ${ms.toFixed(0)} ms.`;
  return true;
}

function showCase(index, step = 1) {
  const c = loaded.cases[index];
  clearError();
  app.current = { source: 'file' };
  code.showNote('No source to show: this trace was loaded from a file.');
  setStatus(c.status ?? 'file', loaded.scenario ? `${loaded.scenario}, ${c.label}` : c.label);
  showNotice(c.detail ? (c.status === 'run_example' ? `The server ran the ARgorithm's example instead of the given parameters: ${c.detail}` : c.detail) : '');
  const ms = playback.load(c.states, { step });
  $('load-message').textContent = `Loaded ${c.states.length} states in ${ms.toFixed(0)} ms.`;
  writeLocation({ step: playback.step }, { now: true });
}

$('case-select').addEventListener('change', () => { if (loaded) showCase(Number($('case-select').value)); });
$('paste-button').addEventListener('click', () => loadValue($('trace-paste').value));
$('trace-file').addEventListener('change', async () => {
  const file = $('trace-file').files[0];
  if (!file) return;
  const startedAt = performance.now();
  $('load-message').textContent = `Reading ${file.name}…`;
  loadValue(await file.text(), { startedAt });
});

window.argorithmPlayer = {
  load: (value, opts) => loadValue(value, opts),
  go: (step) => playback.go(step),
  get step() { return playback.step; },
  get total() { return playback.total; },
};

// ---- Start --------------------------------------------------------------------------------

async function start() {
  const wanted = readLocation();
  try {
    app.authOn = await api.authEnabled();
  } catch (e) {
    showError(e, 'Connecting to the server');
  }
  syncAuth();
  try {
    app.records = await api.listArgorithms();
  } catch (e) {
    $('list-message').textContent = e instanceof api.ApiError ? e.words : e.message;
    $('list-message').classList.add('bad');
    app.records = [];
  }
  renderList();
  document.body.dataset.ready = 'true';
  if (wanted.paramsError) showError(new Error(wanted.paramsError), 'Opening the link');
  if (wanted.id) {
    const r = select(wanted.id, wanted.params);
    if (!r) { showError(new Error(`no published ARgorithm is called ${wanted.id}`), 'Opening the link'); return; }
    runOnServer(wanted.id, wanted.params ?? r.example ?? {}, { step: wanted.step ?? 1 });
  }
}

start();
