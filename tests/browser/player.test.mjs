// Browser checks of the trace player page, in Debian's headless Chromium through playwright-core.
//
//   npm ci --prefix tests/browser && BASE_URL=http://127.0.0.1:8000 node tests/browser/player.test.mjs
//
// Configured only by the environment:
//   BASE_URL        the running server (required)
//   AUTH_EMAIL, AUTH_PASSWORD   set => the server has auth on; the checks log in through the page
//   SCREENSHOT_DIR  save a PNG of each step there
//   GOLDEN_DIR      golden traces (default /work/shared/golden)
//   BUBBLESORT_ID   default bubblesort (one parameter `array`, an ARRAY of INT)
//   STACK_ID, LINKED_LIST_ID   ARgorithms whose traces use a stack / a linked list
//   LIMIT_ID        an ARgorithm whose every run breaks a limit (the page must show the 422)
//   BUSY_ID         optional: an ARgorithm the server answers 503 for
//   TESTS           optional comma-separated subset of check names
//   CHROMIUM        default /usr/bin/chromium
// Prints one line per check, the measured figures, and "N passed, N failed"; exits 1 on any failure.

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { NodeBook, bigExpected, bigTrace } from './traces.mjs';
import { Failure, assert, assertDrawn, eq, pageSnapshot } from './drawn.mjs';
import { codePaneChecks } from './codepane.mjs';

const env = process.env;
const BASE_URL = (env.BASE_URL ?? '').replace(/\/+$/, '');
const AUTH = env.AUTH_EMAIL ? { email: env.AUTH_EMAIL, password: env.AUTH_PASSWORD ?? '' } : null;
const SHOTS = env.SCREENSHOT_DIR || null;
const GOLDEN_DIR = env.GOLDEN_DIR || '/work/shared/golden';
const BUBBLESORT_ID = env.BUBBLESORT_ID || 'bubblesort';
const { STACK_ID, LINKED_LIST_ID, LIMIT_ID, BUSY_ID } = env;
const ONLY = env.TESTS ? env.TESTS.split(',').map((s) => s.trim()).filter(Boolean) : null;
const STEP_BUDGET_MS = 100;
const LOAD_BUDGET_MS = 5000;
const LIMIT_KINDS = ['time_limit_exceeded', 'memory_limit_exceeded', 'stack_overflow', 'output_limit_exceeded'];

if (!BASE_URL) {
  console.error('BASE_URL is not set: point it at the running server, e.g. BASE_URL=http://127.0.0.1:8000');
  process.exit(2);
}
const CHROMIUM = env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium is not at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM`);
  process.exit(2);
}
if (SHOTS) mkdirSync(SHOTS, { recursive: true });


const figures = [];
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// ---- Helpers ------------------------------------------------------------------------------------

// HTTP error answers the check provokes make Chromium log "Failed to load resource"; only those
// are allowed, and only where a check says so.
async function openPlayer({ viewport = { width: 1280, height: 900 }, allowHttp = [], path = '/', login = true, context = null } = {}) {
  const ctx = context ?? await browser.newContext({ viewport });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const allowed = allowHttp.some((code) => m.text().includes(`status of ${code}`));
    if (!allowed) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.problems = problems;
  page.ctx = ctx;
  await page.goto(BASE_URL + path);
  if (!(await page.$('#player'))) throw new Failure(`${BASE_URL + path} is not the player page (no #player element)`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 }).catch(() => {
    throw new Failure(`the player page at ${BASE_URL + path} did not start (no body[data-ready]); ${problems.join('; ')}`);
  });
  if (AUTH && login) await logIn(page);
  return page;
}

async function logIn(page, password = AUTH.password) {
  await page.waitForSelector('#login-form:not([hidden])');
  await page.fill('#login-email', AUTH.email);
  await page.fill('#login-password', password);
  await page.click('#login-button');
  if (password !== AUTH.password) return;
  await page.waitForSelector('#logged-in:not([hidden])').catch(async () => {
    throw new Failure(`login through the page failed: ${await page.textContent('#login-message')}`);
  });
}

function noProblems(page, what = '') {
  assert(page.problems.length === 0, `${what}${what ? ': ' : ''}${page.problems.join(' | ')}`);
}

const player = (page) => page.evaluate(() => {
  const d = document.querySelector('#player').dataset;
  return { step: Number(d.step), total: Number(d.total), type: d.stateType ?? null, status: d.status ?? null, playing: d.playing };
});

async function waitStep(page, step) {
  await page.waitForFunction((s) => document.querySelector('#player').dataset.step === String(s), step, { timeout: 5000 })
    .catch(async () => { throw new Failure(`the page did not show state ${step} (it shows ${(await player(page)).step})`); });
}

async function selectAndRun(page, id, fill) {
  const button = page.locator(`[data-argorithm-id="${id}"]`);
  assert(await button.count() === 1, `ARgorithm ${id} is not in the page's list`);
  await button.click();
  await page.waitForSelector('#params-panel:not([hidden])');
  if (fill) for (const [name, text] of Object.entries(fill)) await page.fill(`#param-${name}`, text);
  await page.click('#run-button');
  await page.waitForFunction(() => !document.querySelector('#player').dataset.loading
    && (document.querySelector('#error:not([hidden])') || document.querySelector('#player').dataset.status), null, { timeout: 60000 });
  // Run plays the trace; the checks look at it paused from its first state.
  const autoplay = (await player(page)).playing === 'true';
  if (autoplay) await page.click('#play-button');
  if (!(await page.$('#error:not([hidden])')) && (await player(page)).step > 1) await page.click('#first-button');
  return { autoplay };
}

async function expectTrace(page, id) {
  const err = await page.$('#error:not([hidden])');
  if (err) throw new Failure(`running ${id} showed an error: ${await err.textContent()}`);
  const p = await player(page);
  assert(p.total > 0, `running ${id} loaded no states`);
  await waitStep(page, 1);
  return p;
}

// What the page draws for one structure: cells in index order (ghosts left out).
const snapshot = (page) => page.evaluate(pageSnapshot);
const drawnCells = async (page, structId) => (await snapshot(page)).slots[structId] ?? null;

let shotCount = 0;
async function shot(page, name) {
  if (!SHOTS) return;
  shotCount++;
  await page.screenshot({ path: join(SHOTS, `${name.replace(/[^\w.-]+/g, '_')}.png`), fullPage: true });
}

async function focusStage(page) { await page.focus('#stage'); }

// Steps through every state with the → key, asserting each drawing; returns what was seen.
async function walk(page, states, label, { check = true } = {}) {
  const book = new NodeBook();
  const seen = { kinds: new Set(), maxNodes: 0, maxArrows: 0, stackCells: 0 };
  await focusStage(page);
  for (let i = 0; i < states.length; i++) {
    if (i > 0) { await page.keyboard.press('ArrowRight'); }
    await waitStep(page, i + 1);
    book.take(states[i]);
    if (check) assertDrawn(await snapshot(page), states[i], book, `${label} state ${i + 1} (${states[i].state_type})`);
    const kinds = await page.$$eval('.slot[data-present=true]', (els) => els.map((e) => e.dataset.kind));
    kinds.forEach((k) => seen.kinds.add(k));
    seen.maxNodes = Math.max(seen.maxNodes, await page.locator('[data-node]:not([data-ghost])').count());
    seen.maxArrows = Math.max(seen.maxArrows, await page.locator('[data-kind$=linkedlist] svg[data-arrow]').count());
    seen.stackCells = Math.max(seen.stackCells, await page.locator('[data-kind=stack] .cell[data-index]:not([data-ghost])').count());
    await shot(page, `${label}-${String(i + 1).padStart(4, '0')}`);
  }
  return seen;
}

// The trace the server gives for a run, fetched beside the page (same token), to compare with.
async function fetchTrace(page, id, parameters) {
  const token = await page.evaluate(() => sessionStorage.getItem('argorithm.token'));
  const res = await page.request.post(`${BASE_URL}/argorithms/run`, {
    data: { argorithmID: id, parameters },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  assert(res.ok(), `POST /argorithms/run for ${id} answered ${res.status()}`);
  return (await res.json()).data;
}

async function records(page) {
  const res = await page.request.get(`${BASE_URL}/argorithms/list`);
  assert(res.ok(), `GET /argorithms/list answered ${res.status()}`);
  return res.json();
}

// ---- Checks -------------------------------------------------------------------------------------

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('list', async () => {
  const page = await openPlayer();
  const ids = await page.$$eval('[data-argorithm-id]', (els) => els.map((e) => e.dataset.argorithmId));
  for (const id of [BUBBLESORT_ID, STACK_ID, LINKED_LIST_ID, LIMIT_ID].filter(Boolean)) assert(ids.includes(id), `${id} is not listed (listed: ${ids.join(', ')})`);
  const server = (await records(page)).map((r) => r.argorithmID);
  eq([...ids].sort(), [...server].sort(), 'the page lists exactly what /argorithms/list answers');
  const row = await page.textContent(`[data-argorithm-id="${BUBBLESORT_ID}"]`);
  const rec = (await records(page)).find((r) => r.argorithmID === BUBBLESORT_ID);
  assert(row.includes(rec.description) && row.includes(rec.maintainer), 'the list shows description and maintainer');
  await page.fill('#filter', BUBBLESORT_ID);
  const filtered = await page.$$eval('[data-argorithm-id]', (els) => els.map((e) => e.dataset.argorithmId));
  const all = await records(page);
  const matches = all.filter((r) => `${r.argorithmID} ${r.description} ${r.maintainer}`.toLowerCase().includes(BUBBLESORT_ID.toLowerCase())).map((r) => r.argorithmID);
  eq([...filtered].sort(), [...matches].sort(), `the filter "${BUBBLESORT_ID}" keeps exactly the matching records`);
  await page.fill('#filter', 'zz-no-such-argorithm-zz');
  eq(await page.locator('[data-argorithm-id]').count(), 0, 'a filter matching nothing shows nothing');
  await page.fill('#filter', '');
  for (const href of ['/docs/', '/openapi.json', '/argorithms/list']) {
    assert(await page.locator(`a[href="${href}"]`).count() === 1, `no link to ${href}`);
    const res = await page.request.get(BASE_URL + href);
    assert(res.ok(), `${href} answered ${res.status()}`);
  }
  await shot(page, 'list');
  noProblems(page);
});

check('auth', async () => {
  const res = await (await browser.newContext()).request.get(`${BASE_URL}/argorithm`);
  const auth = (await res.json()).auth;
  const page = await openPlayer({ login: false, allowHttp: [401, 404] });
  if (!AUTH) {
    eq(auth === 'ENABLED', false, 'the server has auth on but AUTH_EMAIL is not set');
    assert(await page.locator('#auth').isHidden(), 'with auth off the login form is hidden');
    return 'auth off: no login form';
  }
  eq(auth, 'ENABLED', 'AUTH_EMAIL is set, so GET /argorithm must say ENABLED');
  assert(await page.locator('#login-form').isVisible(), 'the login form is shown');
  // Without a token a run is refused, and the page says so readably.
  await selectAndRun(page, BUBBLESORT_ID);
  await page.waitForSelector('#error[data-status="401"]');
  const text401 = await page.textContent('#error');
  assert(/log in/i.test(text401), `the 401 message says to log in: ${text401}`);
  await logIn(page, `${AUTH.password}-wrong`);
  await page.waitForFunction(() => document.querySelector('#login-message').textContent.length > 0 && !/Logging in/.test(document.querySelector('#login-message').textContent));
  assert(/wrong password|not|401|invalid/i.test(await page.textContent('#login-message')), 'a wrong password is reported');
  await logIn(page);
  // The refused run goes ahead once logged in.
  await page.waitForFunction(() => Number(document.querySelector('#player').dataset.total) > 0);
  eq(await page.evaluate(() => Boolean(sessionStorage.getItem('argorithm.token'))), true, 'the token is kept in sessionStorage');
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert(await page.locator('#logged-in').isVisible(), 'the login survives a reload of the tab');
  await page.click('#logout-button');
  assert(await page.locator('#login-form').isVisible(), 'logout shows the login form again');
  eq(await page.evaluate(() => sessionStorage.getItem('argorithm.token')), null, 'logout forgets the token');
  noProblems(page);
  return 'login, wrong password, 401 and logout shown';
});

check('bubblesort', async () => {
  const page = await openPlayer();
  const { autoplay } = await selectAndRun(page, BUBBLESORT_ID, { array: '3,1,2' });
  assert(autoplay, 'Run does not play the trace');
  const p = await expectTrace(page, BUBBLESORT_ID);
  assert(['run_parameters', 'run_cache'].includes(p.status), `the server did not run the typed parameters (status ${p.status}: ${await page.textContent('#notice')})`);
  const arr = await page.$('[data-kind=array]');
  assert(arr, 'no array is drawn');
  const arrId = await arr.getAttribute('data-structure-id');
  const values = async () => (await drawnCells(page, arrId)).cells.map((c) => c.value);
  eq(await values(), ['3', '1', '2'], 'the array as declared');
  await shot(page, 'bubblesort-0001');
  await focusStage(page);
  let swapAt = 0;
  for (let i = 2; i <= p.total; i++) {
    await page.keyboard.press('ArrowRight');
    await waitStep(page, i);
    await shot(page, `bubblesort-${String(i).padStart(4, '0')}`);
    if ((await player(page)).type === 'array_swap') { swapAt = i; break; }
  }
  assert(swapAt, 'no array_swap state was reached');
  const moving = await page.evaluate(() => document.getAnimations().filter((a) => a.effect?.target?.matches?.('[data-highlight=swap]')).length);
  eq(moving, 2, 'stepping onto the swap animates both swapped cells');
  const cells = (await drawnCells(page, arrId)).cells;
  eq(cells.map((c) => c.value), ['1', '3', '2'], 'the order drawn at the first swap');
  eq(cells.map((c) => c.highlight), ['swap', 'swap', null], 'the swapped cells are highlighted, the other is not');
  // Backwards is recomputed: the state before the swap compares the same cells, unswapped.
  await page.keyboard.press('ArrowLeft');
  await waitStep(page, swapAt - 1);
  const before = (await drawnCells(page, arrId)).cells;
  eq(before.map((c) => c.value), ['3', '1', '2'], 'one step back shows the order before the swap');
  eq(before.map((c) => c.highlight), ['compare', 'compare', null], 'and the compared cells');
  await page.locator('#scrubber').fill(String(p.total));
  await waitStep(page, p.total);
  eq(await values(), ['1', '2', '3'], 'the sorted array at the end');
  await shot(page, 'bubblesort-end');
  noProblems(page);
  return `${p.total} states, first swap at state ${swapAt}`;
});

async function playExample(id, label, expect) {
  const page = await openPlayer();
  const rec = (await records(page)).find((r) => r.argorithmID === id);
  assert(rec, `${id} is not in /argorithms/list`);
  await selectAndRun(page, id);
  const p = await expectTrace(page, id);
  const states = await fetchTrace(page, id, rec.example);
  eq(p.total, states.length, `${label}: states shown vs the server's trace`);
  const seen = await walk(page, states, label);
  expect(seen);
  noProblems(page);
  return `${p.total} states; kinds drawn: ${[...seen.kinds].join(', ')}`;
}

check('stack', async () => {
  if (!STACK_ID) return 'SKIPPED: STACK_ID is not set';
  return playExample(STACK_ID, 'stack', (seen) => {
    assert(seen.kinds.has('stack'), 'no stack was drawn');
    assert(seen.stackCells > 0, 'the stack never held an element on screen');
  });
});

check('linkedlist', async () => {
  if (!LINKED_LIST_ID) return 'SKIPPED: LINKED_LIST_ID is not set';
  return playExample(LINKED_LIST_ID, 'linkedlist', (seen) => {
    assert(seen.kinds.has('linkedlist') || seen.kinds.has('doublylinkedlist'), 'no linked list was drawn');
    assert(seen.maxNodes >= 2, `at most ${seen.maxNodes} nodes were drawn at once`);
    assert(seen.maxArrows >= 1, 'no arrow between nodes was drawn');
  });
});

check('limit', async () => {
  if (!LIMIT_ID) return 'SKIPPED: LIMIT_ID is not set';
  const page = await openPlayer({ allowHttp: [422] });
  await selectAndRun(page, LIMIT_ID);
  const box = page.locator('#error');
  await box.waitFor({ state: 'visible' });
  eq(await box.getAttribute('data-status'), '422', 'the error shown is the 422');
  const kind = await box.getAttribute('data-error-kind');
  assert(LIMIT_KINDS.includes(kind), `the error kind ${kind} is not a limit`);
  const text = (await box.textContent()).trim();
  assert(/limit|too long|too deeply|more memory|more states/i.test(text) && !text.includes(kind) && text.split(' ').length >= 6, `the error is not in words: ${text}`);
  await shot(page, 'limit-error');
  noProblems(page);
  return `${kind}: "${text}"`;
});

check('busy', async () => {
  if (!BUSY_ID) return 'SKIPPED: BUSY_ID is not set';
  const page = await openPlayer({ allowHttp: [503] });
  await selectAndRun(page, BUSY_ID);
  await page.waitForSelector('#error[data-status="503"]');
  const text = await page.textContent('#error');
  assert(/busy/i.test(text), `the 503 is not said in words: ${text}`);
  noProblems(page);
  return text.trim();
});

function goldenFiles() {
  const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json')).sort();
  assert(files.length > 0, `no golden traces in ${GOLDEN_DIR}`);
  return files.map((f) => ({ file: f, text: readFileSync(join(GOLDEN_DIR, f), 'utf8') }));
}

async function paste(page, value) {
  await page.evaluate(() => { document.querySelector('#load-details').open = true; });
  await page.fill('#trace-paste', typeof value === 'string' ? value : JSON.stringify(value));
  await page.click('#paste-button');
}

check('golden', async () => {
  const page = await openPlayer({ login: false });
  let states = 0;
  let cases = 0;
  const kinds = new Set();
  for (const { file, text } of goldenFiles()) {
    const golden = JSON.parse(text);
    await paste(page, text);
    for (let c = 0; c < golden.cases.length; c++) {
      if (golden.cases.length > 1) {
        assert(await page.locator('#case-select').isVisible(), `${file}: no case picker for ${golden.cases.length} cases`);
        await page.selectOption('#case-select', String(c));
      }
      const want = golden.cases[c].states;
      await page.waitForFunction((n) => document.querySelector('#player').dataset.total === String(n), want.length);
      if (!want.length) { eq((await player(page)).step, 0, `${file} case ${c + 1}: an empty trace shows no state`); cases++; continue; }
      await waitStep(page, 1);
      const seen = await walk(page, want, `golden-${file.replace('.json', '')}-c${c + 1}`);
      seen.kinds.forEach((k) => kinds.add(k));
      // And back to the start, through every state: stepping backwards must draw the same.
      const book = new NodeBook();
      const books = want.map((s) => { book.take(s); const copy = new NodeBook(); copy.nodes = new Map(book.nodes); copy.lists = new Map(book.lists); return copy; });
      for (let i = want.length - 1; i >= 1; i--) {
        await page.keyboard.press('ArrowLeft');
        await waitStep(page, i);
        assertDrawn(await snapshot(page), want[i - 1], books[i - 1], `${file} case ${c + 1} back at state ${i}`);
      }
      states += want.length;
      cases++;
    }
    noProblems(page, file);
  }
  // The file picker takes the same inputs.
  const { file, text } = goldenFiles().find((g) => g.file.startsWith('list_ops')) ?? goldenFiles()[0];
  await page.setInputFiles('#trace-file', { name: file, mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction((n) => document.querySelector('#player').dataset.total === String(n), JSON.parse(text).cases[0].states.length);
  noProblems(page);
  return `${cases} cases, ${states} states stepped forward and back; kinds drawn: ${[...kinds].sort().join(', ')}`;
});

check('odd-traces', async () => {
  const page = await openPlayer({ login: false });
  const arr = (body, type = 'array_declare', extra = {}) => ({ state_type: type, state_def: { id: 'a1', variable_name: 'arr', body, ...extra }, comments: type });
  // An unknown state type and a malformed one are shown as JSON and never stop the player.
  const odd = [arr([2, 1]), { state_type: 'teleport_now', state_def: { where: 'mars' }, comments: 'what is this' },
    { state_type: 'array_swap', state_def: null, comments: 'broken' }, arr([1, 2], 'array_swap', { index1: 0, index2: 1 })];
  await paste(page, odd);
  await waitStep(page, 1);
  await focusStage(page);
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 2);
  assert(await page.locator('#unknown').isVisible(), 'an unknown state type is not shown');
  assert((await page.textContent('#unknown-json')).includes('teleport_now'), 'the unknown state is shown as its JSON');
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 3);
  assert(await page.locator('#unknown').isVisible(), 'a malformed state is not shown as JSON');
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 4);
  eq((await drawnCells(page, 'a1')).cells.map((c) => [c.value, c.highlight]), [['1', 'swap'], ['2', 'swap']], 'the player goes on after them');
  // A 3-D array is drawn as a grid per leading index; a map value naming another structure
  // is drawn as a reference to it.
  const cube = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]];
  const more = [
    { state_type: 'array_declare', state_def: { id: 'c1', variable_name: 'cube', body: cube }, comments: 'a cube' },
    { state_type: 'array_swap', state_def: { id: 'c1', variable_name: 'cube', body: [[[1, 2], [3, 8]], [[5, 6], [7, 4]]], index1: [0, 1, 1], index2: [1, 1, 1] }, comments: 'corners' },
    { state_type: 'map_declare', state_def: { id: 'm1', variable_name: 'refs', body: {} }, comments: '' },
    { state_type: 'map_set', state_def: { id: 'm1', variable_name: 'refs', body: { k: '$ARgorithmToolkit.Array:c1' }, key: 'k', value: '$ARgorithmToolkit.Array:c1', last_value: 'none' }, comments: '' },
  ];
  await paste(page, more);
  await walk(page, more, 'odd-nd');
  const refText = await page.textContent('[data-structure-id=m1] tr[data-key=k] td');
  assert(refText.includes('cube'), `a reference to another structure is drawn by its name, not "${refText}"`);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 2);
  eq(await page.locator('[data-structure-id=c1] .layer .grid').count(), 2, 'a 3-D array is drawn as one grid per layer');
  // A run answer that ran the example shows its detail as a notice.
  await paste(page, { status: 'run_example', detail: 'the parameters do not fit the ARgorithm: `array` is missing', data: [arr([5])] });
  await waitStep(page, 1);
  const notice = await page.textContent('#notice');
  assert(!(await page.locator('#notice').isHidden()) && notice.includes('`array` is missing'), `the run_example detail is not shown: ${notice}`);
  // Sets (no golden: the body is a JSON array, as the Rust toolkit emits it).
  const set = (type, body, extra = {}) => ({ state_type: type, state_def: { id: 's1', variable_name: 'seen', body, ...extra }, comments: type });
  const sets = [set('set_declare', []), set('set_add', [3], { element: 3 }), set('set_add', [3, 'x'], { element: 'x' }),
    set('set_find', [3, 'x'], { element: 3, found: true }), set('set_remove', ['x'], { element: 3 })];
  await paste(page, sets);
  const seen = await walk(page, sets, 'set');
  assert(seen.kinds.has('set'), 'the set is not drawn');
  eq(await page.locator('[data-kind=set] [data-ghost][data-highlight=remove]').count(), 1, 'the removed element is shown leaving');
  // Garbage is refused with a message, and the loaded trace stays.
  await paste(page, '{"not": "a trace"}');
  assert(/could not load/i.test(await page.textContent('#load-message')), 'a wrong file is not reported');
  noProblems(page);
  return 'unknown and malformed states shown as JSON; run_example notice; set drawn';
});

async function bigDrawn(page) {
  const arr = (await drawnCells(page, '1')).cells.map((c) => c.value);
  const st = (await drawnCells(page, '2')).cells.map((c) => c.value);
  const count = (await drawnCells(page, '3')).variable;
  const chain = (await drawnCells(page, '4')).nodes.filter((n) => n.chain !== null).sort((a, b) => a.chain - b.chain).map((n) => n.value);
  return { arr, st, count, chain };
}

check('big', async () => {
  const states = bigTrace();
  eq(states.length, 20000, 'generated trace length');
  const text = JSON.stringify(states);
  const page = await openPlayer({ login: false });
  await page.evaluate(() => { document.querySelector('#load-details').open = true; });
  const t0 = Date.now();
  await page.setInputFiles('#trace-file', { name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction(() => document.querySelector('#player').dataset.total === '20000' && document.querySelector('#player').dataset.step === '1', null, { timeout: 30000 });
  const loadMs = Date.now() - t0;
  const replayMs = Number(await page.evaluate(() => document.querySelector('#player').dataset.loadMs));
  const pageMs = Number(await page.evaluate(() => document.querySelector('#player').dataset.loadTotalMs));
  assert(loadMs < LOAD_BUDGET_MS, `loading 20,000 states took ${loadMs} ms (budget ${LOAD_BUDGET_MS})`);
  // Responsive: a task queued now runs promptly.
  const latency = await page.evaluate(() => new Promise((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 0); }));
  assert(latency < STEP_BUDGET_MS, `the page answers a queued task only after ${latency.toFixed(0)} ms`);
  const targets = [1, 10000, 20000];
  let seed = 7;
  for (let k = 0; k < 50; k++) { seed = (seed * 48271) % 2147483647; targets.push(1 + (seed % 20000)); }
  const times = [];
  const renders = [];
  for (let k = 0; k < targets.length; k++) {
    const target = targets[k];
    // Timed inside the page: from the scrubber's input event to the state drawn.
    const { ms, render } = await page.evaluate((t) => new Promise((resolve) => {
      const s = document.querySelector('#scrubber');
      const root = document.querySelector('#player');
      const start = performance.now();
      s.value = String(t);
      s.dispatchEvent(new Event('input', { bubbles: true }));
      const poll = () => {
        if (root.dataset.step === String(t)) resolve({ ms: performance.now() - start, render: Number(root.dataset.renderMs) });
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    }), target);
    times.push(ms);
    renders.push(render);
    assert(ms < STEP_BUDGET_MS, `scrubbing to state ${target} took ${ms.toFixed(1)} ms (budget ${STEP_BUDGET_MS})`);
    if (k < 3 || k % 10 === 0) eq(await bigDrawn(page), bigExpected(states, target), `what is drawn at state ${target}`);
    if (k < 3) await shot(page, `big-${target}`);
  }
  // Keyboard steps in the middle, timed the same way.
  await page.locator('#scrubber').fill('10000');
  await waitStep(page, 10000);
  await focusStage(page);
  const keyStart = Date.now();
  for (let k = 1; k <= 20; k++) { await page.keyboard.press('ArrowRight'); await waitStep(page, 10000 + k); }
  const keyMs = (Date.now() - keyStart) / 20;
  eq(await bigDrawn(page), bigExpected(states, 10020), 'what is drawn after 20 steps by keyboard');
  await page.keyboard.press('ArrowLeft');
  await waitStep(page, 10019);
  eq(await bigDrawn(page), bigExpected(states, 10019), 'one step back');
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const line = `20k-state trace (${(text.length / 1e6).toFixed(1)} MB): load ${loadMs} ms from setting the file to state 1 drawn (in the page: read, parse, replay and draw ${pageMs.toFixed(0)} ms, of which replay and checkpoints ${replayMs.toFixed(0)} ms); `
    + `scrub per step: median ${median.toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms over ${times.length} steps `
    + `(render alone max ${Math.max(...renders).toFixed(1)} ms); keyboard step ${keyMs.toFixed(1)} ms round trip`;
  figures.push(line);
  noProblems(page);
  return line;
});

check('keyboard-url', async () => {
  const page = await openPlayer();
  await selectAndRun(page, BUBBLESORT_ID, { array: '3,1,2' });
  const p = await expectTrace(page, BUBBLESORT_ID);
  assert(p.total >= 6, `bubblesort of 3,1,2 has ${p.total} states, expected at least 6`);
  await focusStage(page);
  for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
  await waitStep(page, 4);
  await page.keyboard.press('ArrowLeft');
  await waitStep(page, 3);
  await page.keyboard.press('End');
  await waitStep(page, p.total);
  await page.keyboard.press('Home');
  await waitStep(page, 1);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('#player').dataset.playing === 'true');
  await page.waitForFunction(() => Number(document.querySelector('#player').dataset.step) >= 2, null, { timeout: 5000 });
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('#player').dataset.playing === 'false');
  // The buttons do the same.
  await page.click('#first-button'); await waitStep(page, 1);
  await page.click('#forward-button'); await waitStep(page, 2);
  await page.click('#last-button'); await waitStep(page, p.total);
  await page.click('#back-button'); await waitStep(page, p.total - 1);
  await page.locator('#scrubber').fill('5');
  await waitStep(page, 5);
  await page.waitForFunction(() => /(^|[#&?])step=5(&|$)/.test(location.hash), null, { timeout: 3000 })
    .catch(() => { throw new Failure('the address does not hold step=5'); });
  const url = await page.evaluate(() => location.href);
  assert(url.includes(`id=${BUBBLESORT_ID}`) && decodeURIComponent(url).includes('"array":[3,1,2]'), `the address lacks the ID or parameters: ${url}`);
  const wantType = (await player(page)).type;
  // The JSON toggle shows the current state.
  await page.click('#json-button');
  const shown = JSON.parse(await page.textContent('#state-json'));
  eq(shown.state_type, wantType, 'the state JSON shown');
  // The address opens the same run at the same step, in a fresh tab.
  const second = await openPlayer({ path: `/${new URL(url).hash}`, login: false, allowHttp: AUTH ? [401] : [], context: page.ctx });
  if (AUTH) await logIn(second);
  await waitStep(second, 5);
  eq((await player(second)).type, wantType, 'the state type at the linked step');
  eq(await second.inputValue('#param-array'), '3, 1, 2', 'the linked parameters fill the form');
  eq(await second.getAttribute(`[data-argorithm-id="${BUBBLESORT_ID}"]`, 'aria-pressed'), 'true', 'the linked ARgorithm is selected');
  // A query string works as well.
  const third = await openPlayer({ path: `/?id=${BUBBLESORT_ID}&params=${encodeURIComponent('{"array":[2,1]}')}&step=2`, login: false, allowHttp: AUTH ? [401] : [], context: page.ctx });
  if (AUTH) await logIn(third);
  await waitStep(third, 2);
  noProblems(page); noProblems(second); noProblems(third);
  return `keys ← → space Home End, buttons, scrubber; ${new URL(url).hash}`;
});

check('form', async () => {
  const page = await openPlayer();
  await page.click(`[data-argorithm-id="${BUBBLESORT_ID}"]`);
  const rec = (await records(page)).find((r) => r.argorithmID === BUBBLESORT_ID);
  const example = rec.example.array;
  eq(await page.inputValue('#param-array'), example.join(', '), 'the form is filled with the example');
  await page.fill('#param-array', '3, x, 2');
  await page.waitForFunction(() => document.querySelector('#param-array-error').textContent.length > 0);
  eq(await page.textContent('#param-array-error'), 'element 1 of `array` must be an integer', 'the server\'s words for a wrong element');
  const totalBefore = (await player(page)).total;
  await page.click('#run-button');
  assert((await page.textContent('#params-summary')).includes('must be an integer'), 'Run with unfit parameters says why');
  eq((await player(page)).total, totalBefore, 'unfit parameters are not sent');
  await page.fill('#param-array', '[4, 3]');
  eq(await page.textContent('#param-array-error'), '', 'JSON input is accepted');
  await page.click('#example-button');
  eq(await page.inputValue('#param-array'), example.join(', '), 'reset to the example');
  noProblems(page);
});

// The page's copy of the server's rules (src/argorithm_config.rs), on the server's own test cases.
check('rules', async () => {
  const page = await openPlayer({ login: false });
  const results = await page.evaluate(async () => {
    const { parametersFit } = await import('/player/params.js');
    const m = { m: { description: '', type: 'MATRIX', 'item-type': 'INT', row: 2, col: 2 } };
    const n = { n: { description: '', type: 'INT' } };
    return {
      matrixOk: parametersFit(m, { m: [[1, 2], [3, 4]] }),
      matrixRow: parametersFit(m, { m: [[1, 2], [3]] }),
      matrixItem: parametersFit(m, { m: [[1, 2], [3, 'x']] }),
      missing: parametersFit(n, {}),
      extra: parametersFit(n, { n: 1, m: 2 }),
      notInt: parametersFit(n, { n: 1.5 }),
      end: parametersFit({ n: { description: '', type: 'INT', end: 10 } }, { n: 11 }),
      atEnd: parametersFit({ n: { description: '', type: 'INT', end: 10 } }, { n: 10 }),
      start: parametersFit({ x: { description: '', type: 'FLOAT', start: 0.5 } }, { x: 0.49 }),
      atStart: parametersFit({ x: { description: '', type: 'FLOAT', start: 0.5 } }, { x: 0.5 }),
      badRef: parametersFit({ s: { description: '', type: 'STRING', size: 't' }, t: { description: '', type: 'STRING' } }, { s: 'ab', t: 'x' }),
      badType: parametersFit({ x: { description: '', type: 'LIST' } }, { x: 1 }),
      sizeRef: parametersFit({ array: { description: 'a', type: 'ARRAY', 'item-type': 'INT', size: 'n' }, n: { description: 'n', type: 'INT', start: 0 } }, { array: [3, 1], n: 3 }),
      legacy: parametersFit({ array: { description: 'a', type: 'ARRAY', 'item-type': 'INT', size: 'n' }, n: { description: 'n', type: 'INT', start: 0 } }, { array: [3, 1], n: 2 }),
    };
  });
  eq(results.matrixOk, null, 'a fitting matrix');
  assert(results.matrixRow?.includes('row 1'), `matrix row: ${results.matrixRow}`);
  assert(results.matrixItem?.includes('element 1'), `matrix item: ${results.matrixItem}`);
  assert(results.missing?.includes('missing'), `missing: ${results.missing}`);
  assert(results.extra?.includes('not a declared'), `extra: ${results.extra}`);
  assert(results.notInt?.includes('integer'), `1.5 for an INT: ${results.notInt}`);
  eq(results.end, '`n` must be at most 10', 'past the end');
  eq(results.atEnd, null, 'an inclusive end');
  eq(results.start, '`x` must be at least 0.5', 'before the start');
  eq(results.atStart, null, 'an inclusive start');
  assert(results.badRef?.includes('not an INT parameter'), `size naming a STRING: ${results.badRef}`);
  assert(results.badType?.includes('parameters.x.type'), `unknown type: ${results.badType}`);
  eq(results.sizeRef, '`array` must have 3 elements', 'a size naming an INT parameter');
  eq(results.legacy, null, 'the legacy-style config and example');
  noProblems(page);
});

check('phone', async () => {
  const page = await openPlayer({ viewport: { width: 390, height: 844 } });
  await selectAndRun(page, BUBBLESORT_ID, { array: '3,1,2' });
  await expectTrace(page, BUBBLESORT_ID);
  await focusStage(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 3);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `the page is ${overflow}px wider than a phone screen`);
  const offscreen = await page.$$eval('.controls button, #scrubber', (els) => els.filter((e) => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1 || r.left < -1; }).map((e) => e.id));
  eq(offscreen, [], 'controls outside the screen');
  const inView = await page.evaluate(() => { const r = document.querySelector('#stage').getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; });
  assert(inView, 'after Run the structures are not on the phone\'s screen');
  const path = join(SHOTS ?? tmpdir(), 'phone.png');
  await page.screenshot({ path });
  await page.screenshot({ path: path.replace(/\.png$/, '-full.png'), fullPage: true });
  if (SHOTS) shotCount += 2;
  noProblems(page);
  return `screenshot ${path}`;
});

check('a11y', async () => {
  const page = await openPlayer();
  await selectAndRun(page, BUBBLESORT_ID);
  const unnamed = await page.$$eval('button', (els) => els.filter((b) => !b.hidden && !(b.getAttribute('aria-label') || b.textContent.trim())).length);
  eq(unnamed, 0, 'buttons without a name');
  const unlabeled = await page.$$eval('input, select, textarea', (els) => els.filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id));
  eq(unlabeled, [], 'fields without a label');
  await page.focus('#first-button').catch(() => {});
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return `${s.outlineStyle} ${s.outlineWidth}`; });
  assert(!outline.startsWith('none') && !outline.endsWith(' 0px'), `the focused control shows no outline (${outline})`);
  noProblems(page);
});

// The code pane's checks, shared with the other browser's script.
codePaneChecks({ check, openPlayer, selectAndRun, expectTrace, waitStep, shot, noProblems, figures, STEP_BUDGET_MS });

// ---- Run ------------------------------------------------------------------------------------------

const selected = ONLY ? checks.filter((c) => ONLY.includes(c.name)) : checks;
if (ONLY && !selected.length) {
  console.error(`TESTS=${env.TESTS} names no check; the checks are: ${checks.map((c) => c.name).join(', ')}`);
  process.exit(2);
}
const started = Date.now();
let passed = 0;
let failed = 0;
let skipped = 0;
console.log(`player checks against ${BASE_URL}${AUTH ? ` (auth on, as ${AUTH.email})` : ''}`);
for (const c of selected) {
  const t = Date.now();
  try {
    const note = await Promise.race([
      c.fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Failure('timed out after 180 s')), 180000)),
    ]);
    if (typeof note === 'string' && note.startsWith('SKIPPED')) {
      skipped++;
      console.log(`skip ${c.name} — ${note.replace(/^SKIPPED:\s*/, '')}`);
    } else {
      passed++;
      console.log(`ok   ${c.name} (${Date.now() - t} ms)${note ? ` — ${note}` : ''}`);
    }
  } catch (e) {
    failed++;
    console.log(`FAIL ${c.name} (${Date.now() - t} ms) — ${e instanceof Failure ? e.message : (e.stack ?? e)}`);
  }
}
await browser.close();
for (const f of figures) console.log(`figures: ${f}`);
if (SHOTS) console.log(`screenshots: ${shotCount} PNGs in ${SHOTS}`);
console.log(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
