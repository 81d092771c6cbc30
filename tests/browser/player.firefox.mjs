// Browser checks of the trace player page in Debian's Firefox (ESR), headless, driven over
// WebDriver BiDi by puppeteer-core (no browser is downloaded: Debian's own Firefox is used).
// The same kind of script as player.test.mjs (Chromium), with a subset of its checks on the
// same data- hooks.
//
//   apt-get install -y firefox-esr && npm ci --prefix tests/browser
//   BASE_URL=http://127.0.0.1:8000 node tests/browser/player.firefox.mjs
//
// Configured only by the environment:
//   BASE_URL        the running server (required)
//   AUTH_EMAIL, AUTH_PASSWORD   set => the server has auth on; the checks log in through the page
//   SCREENSHOT_DIR  save a PNG of each step there
//   GOLDEN_DIR      golden traces (default /work/shared/golden)
//   BUBBLESORT_ID   default bubblesort (one parameter `array`, an ARRAY of INT)
//   STACK_ID, LINKED_LIST_ID   ARgorithms whose traces use a stack / a linked list
//   LIMIT_ID        an ARgorithm whose every run breaks a limit (the page must show the 422)
//   TESTS           optional comma-separated subset of check names
//   FIREFOX         default /usr/bin/firefox-esr
// Prints one line per check, the measured figures, and "N passed, N failed"; exits 1 on any
// failure (2 when it cannot start).

import puppeteer from 'puppeteer-core';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
const { STACK_ID, LINKED_LIST_ID, LIMIT_ID } = env;
const ONLY = env.TESTS ? env.TESTS.split(',').map((s) => s.trim()).filter(Boolean) : null;
const FIREFOX = env.FIREFOX || '/usr/bin/firefox-esr';
const STEP_BUDGET_MS = 100;
const LOAD_BUDGET_MS = 5000;
const CHECK_TIMEOUT_MS = 180000;
const LIMIT_KINDS = ['time_limit_exceeded', 'memory_limit_exceeded', 'stack_overflow', 'output_limit_exceeded'];

if (!BASE_URL) {
  console.error('BASE_URL is not set: point it at the running server, e.g. BASE_URL=http://127.0.0.1:8000');
  process.exit(2);
}
if (!existsSync(FIREFOX)) {
  console.error(`Firefox is not at ${FIREFOX}: install Debian's (apt-get install -y firefox-esr) or set FIREFOX`);
  process.exit(2);
}
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const SCRATCH = mkdtempSync(join(tmpdir(), 'argorithm-firefox-checks-'));


// ---- Firefox ------------------------------------------------------------------------------------

// puppeteer's Firefox profile already turns off updates, Normandy/Shield, safe browsing, search
// and add-on updates and points remote settings at a dummy host; these keep the rest of
// Firefox's background traffic off as well. Every other origin goes to a dead proxy, so nothing
// but the server under test (and loopback) is ever reached.
const serverHost = new URL(BASE_URL).hostname;
const OFFLINE_PREFS = {
  // Updates (the app, add-ons, system add-ons, search engines, media plugins).
  'app.update.auto': false,
  'app.update.enabled': false,
  'app.update.staging.enabled': false,
  'app.update.service.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.systemAddon.update.url': '',
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.discovery.api_url': '',
  'browser.search.geoip.url': '',
  'media.gmp-manager.url': '',
  'media.gmp-gmpopenh264.enabled': false,
  'media.gmp-widevinecdm.enabled': false,
  // Telemetry, health report, studies, pings.
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.newProfilePing.enabled': false,
  'toolkit.telemetry.shutdownPingSender.enabled': false,
  'toolkit.telemetry.updatePing.enabled': false,
  'toolkit.telemetry.bhrPing.enabled': false,
  'toolkit.telemetry.firstShutdownPing.enabled': false,
  'toolkit.telemetry.coverage.opt-out': true,
  'toolkit.coverage.endpoint.base': '',
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.usage.uploadEnabled': false,
  'app.shield.optoutstudies.enabled': false,
  'app.normandy.enabled': false,
  'app.normandy.api_url': '',
  'messaging-system.rsexperimentloader.enabled': false,
  'nimbus.rollouts.enabled': false,
  'browser.ping-centre.telemetry': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'browser.newtabpage.activity-stream.showSponsored': false,
  'browser.newtabpage.activity-stream.showSponsoredTopSites': false,
  'browser.topsites.contile.enabled': false,
  'browser.crashReports.unsubmittedCheck.autoSubmit2': false,
  'breakpad.reportURL': '',
  // Remote settings (blocklists, certificates, …) and the region lookup.
  'services.settings.server': 'http://127.0.0.1:1/remote-settings/',
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  'security.OCSP.enabled': 0,
  'security.certerrors.mitm.priming.enabled': false,
  // Connectivity, captive portal, push, accounts, safe browsing lists, prefetching, DoH.
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'captivedetect.canonicalURL': '',
  'dom.push.enabled': false,
  'dom.push.connection.enabled': false,
  'dom.push.serverURL': '',
  'identity.fxaccounts.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.trr.mode': 5,
  'geo.provider.network.url': '',
  'browser.translations.enable': false,
  'browser.ml.enable': false,
  'extensions.pocket.enabled': false,
  'browser.discovery.enabled': false,
  // Belt and braces: everything not on the server's host or loopback goes to the refusing
  // proxy below, which answers 403 and notes what was asked (the `offline` check).
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 0, // set to the proxy's port below
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 0,
  'network.proxy.share_proxy_settings': true,
  'network.proxy.no_proxies_on': `localhost, 127.0.0.1, [::1], ${serverHost}`,
  'network.proxy.allow_hijacking_localhost': false,
  // For the figures only: performance.now() to 20 µs instead of the default 1 ms.
  'privacy.reduceTimerPrecision': false,
};

// The proxy Firefox is given: it forwards nothing. Each request's first line (CONNECT host:443,
// GET http://host/…) is noted.
const refused = [];
const proxy = createServer((socket) => {
  socket.on('error', () => {});
  socket.once('data', (chunk) => {
    refused.push(chunk.toString('latin1').split('\r\n')[0].slice(0, 200));
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
OFFLINE_PREFS['network.proxy.http_port'] = proxy.address().port;
OFFLINE_PREFS['network.proxy.ssl_port'] = proxy.address().port;

let browser = null;
async function launch() {
  // No userDataDir: puppeteer makes a fresh temporary profile (with OFFLINE_PREFS in its user.js)
  // for this launch and deletes it on close.
  browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    defaultViewport: null,
    extraPrefsFirefox: OFFLINE_PREFS,
    // MOZ_REMOTE_SETTINGS_DEVTOOLS: a release build honours services.settings.server only with
    // it; without it Firefox syncs remote settings from Mozilla's server whatever the prefs say.
    env: { ...env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1', MOZ_CRASHREPORTER_DISABLE: '1', MOZ_DISABLE_AUTO_SAFE_MODE: '1' },
    timeout: 60000,
  });
  return browser;
}

// ---- Helpers ------------------------------------------------------------------------------------

// `allowHttp` mirrors player.test.mjs: Chromium logs "Failed to load resource ... status of N"
// for the HTTP errors a check provokes; Firefox logs nothing for them, but if it ever does, only
// those codes are allowed.
async function openPlayer({ viewport = { width: 1280, height: 900 }, allowHttp = [], path = '/', login = true, context = null } = {}) {
  const ctx = context ?? await browser.createBrowserContext();
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const allowed = allowHttp.some((code) => m.text().includes(`status of ${code}`));
    if (!allowed) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e?.message ?? e}`));
  page.problems = problems;
  page.ctx = ctx;
  await page.setViewport(viewport);
  await page.goto(BASE_URL + path);
  if (!(await page.$('#player'))) throw new Failure(`${BASE_URL + path} is not the player page (no #player element)`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 }).catch(() => {
    throw new Failure(`the player page at ${BASE_URL + path} did not start (no body[data-ready]); ${problems.join('; ')}`);
  });
  if (AUTH && login) await logIn(page);
  return page;
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent);
const visible = (page, sel) => page.evaluate((s) => {
  const e = document.querySelector(s);
  return Boolean(e && !e.closest('[hidden]') && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
}, sel);

// Types into a field as a person does: focus it, select what is there, type over it.
async function typeInto(page, sel, value) {
  await page.focus(sel);
  await page.$eval(sel, (e) => e.select());
  if (value === '') await page.keyboard.press('Backspace');
  else await page.keyboard.type(value);
}

async function logIn(page, password = AUTH.password) {
  await page.waitForSelector('#login-form:not([hidden])');
  await typeInto(page, '#login-email', AUTH.email);
  await typeInto(page, '#login-password', password);
  await page.click('#login-button');
  if (password !== AUTH.password) return;
  await page.waitForSelector('#logged-in:not([hidden])').catch(async () => {
    throw new Failure(`login through the page failed: ${await text(page, '#login-message')}`);
  });
}

function noProblems(page, what = '') {
  assert(page.problems.length === 0, `${what}${what ? ': ' : ''}${page.problems.join(' | ')}`);
}

const player = (page) => page.evaluate(() => {
  const d = document.querySelector('#player').dataset;
  return { step: Number(d.step), total: Number(d.total), type: d.stateType ?? null, status: d.status ?? null, playing: d.playing };
});

const until = (page, fn, arg, timeout = 5000) => page.waitForFunction(fn, { timeout, polling: 20 }, arg);

async function waitStep(page, step) {
  await until(page, (s) => document.querySelector('#player').dataset.step === String(s), step)
    .catch(async () => { throw new Failure(`the page did not show state ${step} (it shows ${(await player(page)).step})`); });
}

const snapshot = (page) => page.evaluate(pageSnapshot);

async function snapshotAt(page, step) {
  await waitStep(page, step);
  return snapshot(page);
}

let shotCount = 0;
async function shot(page, name) {
  if (!SHOTS) return;
  shotCount++;
  await page.screenshot({ path: join(SHOTS, `${name.replace(/[^\w.-]+/g, '_')}.png`), fullPage: true });
}

const focusStage = (page) => page.focus('#stage');

// Sets the scrubber as a drag does (value, then an input event), as playwright's fill does.
const scrubTo = (page, step) => page.$eval('#scrubber', (s, t) => {
  s.value = String(t);
  s.dispatchEvent(new Event('input', { bubbles: true }));
  s.dispatchEvent(new Event('change', { bubbles: true }));
}, step);

// Drags the scrubber's thumb with the mouse from its start to `fraction` of its width.
async function dragScrubber(page, fraction) {
  const box = await page.$eval('#scrubber', (s) => {
    s.scrollIntoView({ block: 'center' });
    const r = s.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  });
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * fraction - (fraction >= 1 ? 1 : 0), y, { steps: 8 });
  await page.mouse.up();
}

// Steps through every state with the → key, asserting each drawing; returns what was seen.
async function walk(page, states, label, { check = true } = {}) {
  const book = new NodeBook();
  const seen = { kinds: new Set(), maxNodes: 0, maxArrows: 0, stackCells: 0 };
  await focusStage(page);
  for (let i = 0; i < states.length; i++) {
    if (i > 0) await page.keyboard.press('ArrowRight');
    const snap = await snapshotAt(page, i + 1);
    book.take(states[i]);
    if (check) assertDrawn(snap, states[i], book, `${label} state ${i + 1} (${states[i].state_type})`);
    snap.presentKinds.forEach((k) => seen.kinds.add(k));
    seen.maxNodes = Math.max(seen.maxNodes, Object.keys(snap.liveNodes).length);
    seen.maxArrows = Math.max(seen.maxArrows, snap.llArrows);
    seen.stackCells = Math.max(seen.stackCells, snap.stackCells);
    await shot(page, `${label}-${String(i + 1).padStart(4, '0')}`);
  }
  return seen;
}

async function api(page, method, path, body) {
  const token = page ? await page.evaluate(() => sessionStorage.getItem('argorithm.token')) : null;
  const res = await fetch(BASE_URL + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert(res.ok, `${method} ${path} answered ${res.status}`);
  return res.json();
}
// The trace the server gives for a run, fetched beside the page (same token), to compare with.
const fetchTrace = async (page, id, parameters) => (await api(page, 'POST', '/argorithms/run', { argorithmID: id, parameters })).data;
const records = () => api(null, 'GET', '/argorithms/list');

async function selectAndRun(page, id, fill) {
  const sel = `[data-argorithm-id="${id}"]`;
  assert((await page.$$(sel)).length === 1, `ARgorithm ${id} is not in the page's list`);
  await page.click(sel);
  await page.waitForSelector('#params-panel:not([hidden])');
  if (fill) for (const [name, value] of Object.entries(fill)) await typeInto(page, `#param-${name}`, value);
  await page.click('#run-button');
  await until(page, () => !document.querySelector('#player').dataset.loading
    && (document.querySelector('#error:not([hidden])') || document.querySelector('#player').dataset.status), null, 60000);
  // Run plays the trace; the checks look at it paused from its first state.
  const autoplay = (await player(page)).playing === 'true';
  if (autoplay) await page.click('#play-button');
  if (!(await page.$('#error:not([hidden])')) && (await player(page)).step > 1) await page.click('#first-button');
  return { autoplay };
}

async function expectTrace(page, id) {
  if (await page.$('#error:not([hidden])')) throw new Failure(`running ${id} showed an error: ${await text(page, '#error')}`);
  const p = await player(page);
  assert(p.total > 0, `running ${id} loaded no states`);
  await waitStep(page, 1);
  return p;
}

// The page's paste entry point: the text goes into the textarea (as a paste puts it there) and
// the button is clicked with the mouse.
async function paste(page, value) {
  await page.evaluate(() => { document.querySelector('#load-details').open = true; });
  await page.$eval('#trace-paste', (t, v) => {
    t.value = v;
    t.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, typeof value === 'string' ? value : JSON.stringify(value));
  await page.click('#paste-button');
}

// The page's file entry point, through WebDriver BiDi's input.setFiles.
async function chooseFile(page, name, content) {
  await page.evaluate(() => { document.querySelector('#load-details').open = true; });
  const path = join(SCRATCH, name);
  writeFileSync(path, content);
  const input = await page.$('#trace-file');
  await input.uploadFile(path);
}

function goldenFiles() {
  const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json')).sort();
  assert(files.length > 0, `no golden traces in ${GOLDEN_DIR}`);
  return files.map((f) => ({ file: f, text: readFileSync(join(GOLDEN_DIR, f), 'utf8') }));
}

// ---- Checks -------------------------------------------------------------------------------------

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('list', async () => {
  const page = await openPlayer();
  const ids = await page.$$eval('[data-argorithm-id]', (els) => els.map((e) => e.dataset.argorithmId));
  for (const id of [BUBBLESORT_ID, STACK_ID, LINKED_LIST_ID, LIMIT_ID].filter(Boolean)) assert(ids.includes(id), `${id} is not listed (listed: ${ids.join(', ')})`);
  const all = await records();
  eq([...ids].sort(), all.map((r) => r.argorithmID).sort(), 'the page lists exactly what /argorithms/list answers');
  const row = await text(page, `[data-argorithm-id="${BUBBLESORT_ID}"]`);
  const rec = all.find((r) => r.argorithmID === BUBBLESORT_ID);
  assert(row.includes(rec.description) && row.includes(rec.maintainer), 'the list shows description and maintainer');
  await typeInto(page, '#filter', BUBBLESORT_ID);
  const filtered = await page.$$eval('[data-argorithm-id]', (els) => els.map((e) => e.dataset.argorithmId));
  const matches = all.filter((r) => `${r.argorithmID} ${r.description} ${r.maintainer}`.toLowerCase().includes(BUBBLESORT_ID.toLowerCase())).map((r) => r.argorithmID);
  eq([...filtered].sort(), [...matches].sort(), `the filter "${BUBBLESORT_ID}" typed keeps exactly the matching records`);
  await typeInto(page, '#filter', 'zz-no-such-argorithm-zz');
  eq((await page.$$('[data-argorithm-id]')).length, 0, 'a filter matching nothing shows nothing');
  await typeInto(page, '#filter', '');
  eq((await page.$$('[data-argorithm-id]')).length, all.length, 'clearing the filter shows every record');
  await shot(page, 'list');
  noProblems(page);
  return `${ids.length} listed: ${ids.join(', ')}`;
});

check('auth', async () => {
  const auth = (await api(null, 'GET', '/argorithm')).auth;
  const page = await openPlayer({ login: false, allowHttp: [401, 404] });
  if (!AUTH) {
    eq(auth === 'ENABLED', false, 'the server has auth on but AUTH_EMAIL is not set');
    assert(!(await visible(page, '#auth')), 'with auth off the login form is hidden');
    noProblems(page);
    return 'auth off: no login form';
  }
  eq(auth, 'ENABLED', 'AUTH_EMAIL is set, so GET /argorithm must say ENABLED');
  assert(await visible(page, '#login-form'), 'the login form is shown');
  // Without a token a run is refused, and the page says so readably.
  await selectAndRun(page, BUBBLESORT_ID);
  await page.waitForSelector('#error[data-status="401"]');
  const text401 = await text(page, '#error');
  assert(/log in/i.test(text401), `the 401 message says to log in: ${text401}`);
  await logIn(page, `${AUTH.password}-wrong`);
  await until(page, () => document.querySelector('#login-message').textContent.length > 0 && !/Logging in/.test(document.querySelector('#login-message').textContent));
  assert(/wrong password|not|401|invalid/i.test(await text(page, '#login-message')), 'a wrong password is reported');
  await logIn(page);
  // The refused run goes ahead once logged in.
  await until(page, () => Number(document.querySelector('#player').dataset.total) > 0, null, 60000);
  eq(await page.evaluate(() => Boolean(sessionStorage.getItem('argorithm.token'))), true, 'the token is kept in sessionStorage');
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert(await visible(page, '#logged-in'), 'the login survives a reload of the tab');
  await page.click('#logout-button');
  assert(await visible(page, '#login-form'), 'logout shows the login form again');
  eq(await page.evaluate(() => sessionStorage.getItem('argorithm.token')), null, 'logout forgets the token');
  noProblems(page);
  return 'login typed into the form, wrong password, 401 and logout shown';
});

check('bubblesort', async () => {
  const page = await openPlayer();
  const { autoplay } = await selectAndRun(page, BUBBLESORT_ID, { array: '3,1,2' });
  assert(autoplay, 'Run does not play the trace');
  const p = await expectTrace(page, BUBBLESORT_ID);
  assert(['run_parameters', 'run_cache'].includes(p.status), `the server did not run the typed parameters (status ${p.status}: ${await text(page, '#notice')})`);
  const arrId = await page.$eval('[data-kind=array]', (e) => e.dataset.structureId).catch(() => null);
  assert(arrId, 'no array is drawn');
  const cellsOf = async () => (await snapshot(page)).slots[arrId].cells;
  eq((await cellsOf()).map((c) => c.value), ['3', '1', '2'], 'the array as declared');
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
  const cells = await cellsOf();
  eq(cells.map((c) => c.value), ['1', '3', '2'], 'the order drawn at the first swap');
  eq(cells.map((c) => c.highlight), ['swap', 'swap', null], 'the swapped cells are highlighted, the other is not');
  // Backwards is recomputed: the state before the swap compares the same cells, unswapped.
  await page.keyboard.press('ArrowLeft');
  await waitStep(page, swapAt - 1);
  const before = await cellsOf();
  eq(before.map((c) => c.value), ['3', '1', '2'], 'one step back shows the order before the swap');
  eq(before.map((c) => c.highlight), ['compare', 'compare', null], 'and the compared cells');
  // Scrub with the mouse: drag the scrubber's thumb to its end.
  await dragScrubber(page, 1);
  await waitStep(page, p.total).catch(async (e) => { throw new Failure(`dragging the scrubber to its end: ${e.message}`); });
  eq((await cellsOf()).map((c) => c.value), ['1', '2', '3'], 'the sorted array at the end');
  // And back to the middle by the scrubber's value (as a drag ends).
  const mid = Math.ceil(p.total / 2);
  await scrubTo(page, mid);
  await waitStep(page, mid);
  await page.click('#last-button');
  await waitStep(page, p.total);
  eq((await cellsOf()).map((c) => c.value), ['1', '2', '3'], 'the sorted array after Last');
  await shot(page, 'bubblesort-end');
  noProblems(page);
  return `${p.total} states, first swap at state ${swapAt}; scrubbed to the end with the mouse`;
});

async function playExample(id, label, expect) {
  const page = await openPlayer();
  const rec = (await records()).find((r) => r.argorithmID === id);
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
  await page.waitForSelector('#error:not([hidden])');
  assert(await visible(page, '#error'), 'the error box is not visible');
  const box = await page.$eval('#error', (e) => ({ status: e.dataset.status, kind: e.dataset.errorKind ?? null, text: e.textContent.trim() }));
  eq(box.status, '422', 'the error shown is the 422');
  assert(LIMIT_KINDS.includes(box.kind), `the error kind ${box.kind} is not a limit`);
  assert(/limit|too long|too deeply|more memory|more states/i.test(box.text) && !box.text.includes(box.kind) && box.text.split(' ').length >= 6, `the error is not in words: ${box.text}`);
  await shot(page, 'limit-error');
  noProblems(page);
  return `${box.kind}: "${box.text}"`;
});

check('golden', async () => {
  const page = await openPlayer({ login: false });
  let states = 0;
  let cases = 0;
  const kinds = new Set();
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warn' || m.type() === 'warning') warnings.push(m.text()); });
  for (const { file, text: json } of goldenFiles()) {
    const golden = JSON.parse(json);
    await paste(page, json);
    for (let c = 0; c < golden.cases.length; c++) {
      if (golden.cases.length > 1) {
        assert(await visible(page, '#case-select'), `${file}: no case picker for ${golden.cases.length} cases`);
        await page.select('#case-select', String(c));
      }
      const want = golden.cases[c].states;
      await until(page, (n) => document.querySelector('#player').dataset.total === String(n), want.length);
      if (!want.length) { eq((await player(page)).step, 0, `${file} case ${c + 1}: an empty trace shows no state`); cases++; continue; }
      await waitStep(page, 1);
      const label = `golden-${file.replace('.json', '')}-c${c + 1}`;
      const seen = await walk(page, want, label);
      seen.kinds.forEach((k) => kinds.add(k));
      // And back to the start, through every state: stepping backwards must draw the same.
      const book = new NodeBook();
      const books = want.map((s) => { book.take(s); const copy = new NodeBook(); copy.nodes = new Map(book.nodes); copy.lists = new Map(book.lists); return copy; });
      for (let i = want.length - 1; i >= 1; i--) {
        await page.keyboard.press('ArrowLeft');
        assertDrawn(await snapshotAt(page, i), want[i - 1], books[i - 1], `${file} case ${c + 1} back at state ${i}`);
      }
      states += want.length;
      cases++;
    }
    noProblems(page, file);
  }
  // The file picker takes the same inputs, and so does window.argorithmPlayer.load.
  const { file, text: json } = goldenFiles().find((g) => g.file.startsWith('list_ops')) ?? goldenFiles()[0];
  const want = JSON.parse(json).cases[0].states.length;
  await chooseFile(page, file, json);
  await until(page, (n) => document.querySelector('#player').dataset.total === String(n) && document.querySelector('#player').dataset.step === '1', want, 10000)
    .catch(() => { throw new Failure(`${file} chosen in the file picker was not loaded`); });
  const last = goldenFiles().at(-1);
  const lastCase = JSON.parse(last.text).cases.at(-1);
  const ok = await page.evaluate((t, ci) => window.argorithmPlayer.load(t, { caseIndex: ci, step: 2 }), last.text, JSON.parse(last.text).cases.length - 1);
  eq(ok, true, 'window.argorithmPlayer.load answers true');
  if (lastCase.states.length >= 2) await waitStep(page, 2);
  noProblems(page);
  return `${cases} cases, ${states} states stepped forward and back; kinds drawn: ${[...kinds].sort().join(', ')}; file picker and argorithmPlayer.load; `
    + `${warnings.length} console warnings${warnings.length ? ` (${[...new Set(warnings)].slice(0, 3).join(' | ')})` : ''}`;
});

async function bigDrawn(page) {
  const snap = await snapshot(page);
  const cells = (id) => snap.slots[id].cells.map((c) => c.value);
  const chain = snap.slots['4'].nodes.filter((n) => n.chain !== null).sort((a, b) => a.chain - b.chain).map((n) => n.value);
  return { arr: cells('1'), st: cells('2'), count: snap.slots['3'].variable, chain };
}

const figures = [];
check('big', async () => {
  const states = bigTrace();
  eq(states.length, 20000, 'generated trace length');
  const json = JSON.stringify(states);
  const page = await openPlayer({ login: false });
  const t0 = Date.now();
  await chooseFile(page, 'big.json', json);
  await until(page, () => document.querySelector('#player').dataset.total === '20000' && document.querySelector('#player').dataset.step === '1', null, 30000);
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
  // A real drag of the thumb to the middle lands in the middle and draws the state it shows.
  // (Not exactly 10,000: the track shortens as the step label widens during the drag.)
  await scrubTo(page, 1);
  await waitStep(page, 1);
  await dragScrubber(page, 0.5);
  await until(page, () => Number(document.querySelector('#player').dataset.step) > 1
    && document.querySelector('#player').dataset.step === document.querySelector('#scrubber').value);
  const dragged = (await player(page)).step;
  assert(dragged > 5000 && dragged < 15000, `dragging the thumb to the middle shows state ${dragged}`);
  eq(await bigDrawn(page), bigExpected(states, dragged), `what is drawn at state ${dragged} after a mouse drag`);
  // Keyboard steps in the middle, timed the same way.
  await scrubTo(page, 10000);
  await waitStep(page, 10000);
  await focusStage(page);
  // In the page: from each keydown to the new step's data-step written (the stage drawn).
  await page.evaluate(() => {
    window.keyTimes = [];
    let down = 0;
    document.addEventListener('keydown', () => { down = performance.now(); }, { capture: true });
    new MutationObserver(() => { if (down) { window.keyTimes.push(performance.now() - down); down = 0; } })
      .observe(document.querySelector('#player'), { attributes: true, attributeFilter: ['data-step'] });
  });
  const keyStart = Date.now();
  for (let k = 1; k <= 20; k++) { await page.keyboard.press('ArrowRight'); await waitStep(page, 10000 + k); }
  const keyMs = (Date.now() - keyStart) / 20;
  const keyTimes = (await page.evaluate(() => window.keyTimes)).sort((a, b) => a - b);
  eq(keyTimes.length, 20, 'keydowns seen in the page');
  const keyMedian = keyTimes[10];
  const keyMax = keyTimes[19];
  assert(keyMax < STEP_BUDGET_MS, `a keyboard step took ${keyMax.toFixed(1)} ms in the page (budget ${STEP_BUDGET_MS})`);
  eq(await bigDrawn(page), bigExpected(states, 10020), 'what is drawn after 20 steps by keyboard');
  await page.keyboard.press('ArrowLeft');
  await waitStep(page, 10019);
  eq(await bigDrawn(page), bigExpected(states, 10019), 'one step back');
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const line = `Firefox ${(await browser.version()).replace(/^firefox\//i, '')}: 20k-state trace (${(json.length / 1e6).toFixed(1)} MB): load ${loadMs} ms from choosing the file to state 1 drawn (in the page: read, parse, replay and draw ${pageMs.toFixed(0)} ms, of which replay and checkpoints ${replayMs.toFixed(0)} ms); `
    + `scrub per step: median ${median.toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms over ${times.length} steps `
    + `(render alone max ${Math.max(...renders).toFixed(1)} ms); keyboard step in the page median ${keyMedian.toFixed(1)} ms, max ${keyMax.toFixed(1)} ms (keydown to drawn), ${keyMs.toFixed(1)} ms round trip through WebDriver BiDi; mouse drag to the middle: state ${dragged}`;
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
  await until(page, () => document.querySelector('#player').dataset.playing === 'true');
  await until(page, () => Number(document.querySelector('#player').dataset.step) >= 2);
  await page.keyboard.press(' ');
  await until(page, () => document.querySelector('#player').dataset.playing === 'false');
  // The buttons do the same.
  await page.click('#first-button'); await waitStep(page, 1);
  await page.click('#forward-button'); await waitStep(page, 2);
  await page.click('#last-button'); await waitStep(page, p.total);
  await page.click('#back-button'); await waitStep(page, p.total - 1);
  // The scrubber focused takes Firefox's own range keys (the page leaves them to it), and space
  // still plays.
  await page.focus('#scrubber');
  await page.keyboard.press('Home'); await waitStep(page, 1);
  await page.keyboard.press('ArrowRight'); await waitStep(page, 2);
  await page.keyboard.press('End'); await waitStep(page, p.total);
  await page.keyboard.press('ArrowLeft'); await waitStep(page, p.total - 1);
  await page.keyboard.press(' ');
  await until(page, () => document.querySelector('#player').dataset.playing === 'true');
  await page.keyboard.press(' ');
  await until(page, () => document.querySelector('#player').dataset.playing === 'false');
  await scrubTo(page, 5);
  await waitStep(page, 5);
  await until(page, () => /(^|[#&?])step=5(&|$)/.test(location.hash), null, 3000)
    .catch(() => { throw new Failure('the address does not hold step=5'); });
  const url = await page.evaluate(() => location.href);
  assert(url.includes(`id=${BUBBLESORT_ID}`) && decodeURIComponent(url).includes('"array":[3,1,2]'), `the address lacks the ID or parameters: ${url}`);
  const wantType = (await player(page)).type;
  // The JSON toggle shows the current state.
  await page.click('#json-button');
  const shown = JSON.parse(await text(page, '#state-json'));
  eq(shown.state_type, wantType, 'the state JSON shown');
  // The address opens the same run at the same step, in a fresh tab.
  const second = await openPlayer({ path: `/${new URL(url).hash}`, login: false, allowHttp: AUTH ? [401] : [], context: page.ctx });
  if (AUTH) await logIn(second);
  await waitStep(second, 5);
  eq((await player(second)).type, wantType, 'the state type at the linked step');
  eq(await second.$eval('#param-array', (e) => e.value), '3, 1, 2', 'the linked parameters fill the form');
  eq(await second.$eval(`[data-argorithm-id="${BUBBLESORT_ID}"]`, (e) => e.getAttribute('aria-pressed')), 'true', 'the linked ARgorithm is selected');
  // The linked tab steps by keyboard too, and its address follows.
  await focusStage(second);
  await second.keyboard.press('ArrowRight');
  await waitStep(second, 6);
  await until(second, () => /(^|[#&?])step=6(&|$)/.test(location.hash), null, 3000)
    .catch(() => { throw new Failure('the linked tab\'s address does not follow to step=6'); });
  // A query string works as well.
  const third = await openPlayer({ path: `/?id=${BUBBLESORT_ID}&params=${encodeURIComponent('{"array":[2,1]}')}&step=2`, login: false, allowHttp: AUTH ? [401] : [], context: page.ctx });
  if (AUTH) await logIn(third);
  await waitStep(third, 2);
  noProblems(page); noProblems(second); noProblems(third);
  return `keys ← → space Home End on the stage and on the scrubber, buttons; ${new URL(url).hash} reopened at step 5 in a new tab`;
});

check('form', async () => {
  const page = await openPlayer();
  await page.click(`[data-argorithm-id="${BUBBLESORT_ID}"]`);
  await page.waitForSelector('#params-panel:not([hidden])');
  const rec = (await records()).find((r) => r.argorithmID === BUBBLESORT_ID);
  const example = rec.example.array;
  const value = () => page.$eval('#param-array', (e) => e.value);
  eq(await value(), example.join(', '), 'the form is filled with the example');
  await typeInto(page, '#param-array', '3, x, 2');
  await until(page, () => document.querySelector('#param-array-error').textContent.length > 0);
  eq(await text(page, '#param-array-error'), 'element 1 of `array` must be an integer', 'the server\'s words for a wrong element');
  const totalBefore = (await player(page)).total;
  await page.click('#run-button');
  assert((await text(page, '#params-summary')).includes('must be an integer'), 'Run with unfit parameters says why');
  eq((await player(page)).total, totalBefore, 'unfit parameters are not sent');
  await typeInto(page, '#param-array', '[4, 3]');
  eq(await text(page, '#param-array-error'), '', 'JSON input is accepted');
  await page.click('#example-button');
  eq(await value(), example.join(', '), 'reset to the example');
  noProblems(page);
});

check('phone', async () => {
  const page = await openPlayer({ viewport: { width: 390, height: 844 } });
  eq(await page.evaluate(() => window.innerWidth), 390, 'the window is phone-wide');
  await selectAndRun(page, BUBBLESORT_ID, { array: '3,1,2' });
  await expectTrace(page, BUBBLESORT_ID);
  await focusStage(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 3);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 1, `the page is ${overflow}px wider than a phone screen`);
  const offscreen = await page.$$eval('.controls button, #scrubber', (els) => els.filter((e) => { const r = e.getBoundingClientRect(); return r.right > document.documentElement.clientWidth + 1 || r.left < -1; }).map((e) => e.id));
  eq(offscreen, [], 'controls outside the screen');
  const inView = await page.evaluate(() => { const r = document.querySelector('#stage').getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; });
  assert(inView, 'after Run the structures are not on the phone\'s screen');
  const cells = await page.$$eval('[data-kind=array] .cell[data-index]:not([data-ghost])', (els) => els.map((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right <= document.documentElement.clientWidth + 1; }));
  assert(cells.length === 3 && cells.every(Boolean), `the array's cells are not all on the phone's screen (${JSON.stringify(cells)})`);
  const path = join(SHOTS ?? tmpdir(), 'firefox-phone.png');
  await page.screenshot({ path });
  await page.screenshot({ path: path.replace(/\.png$/, '-full.png'), fullPage: true });
  if (SHOTS) shotCount += 2;
  noProblems(page);
  return `screenshot ${path}`;
});

check('a11y', async () => {
  const page = await openPlayer();
  await selectAndRun(page, BUBBLESORT_ID);
  // Told, not asserted: after a click (Run) the page focuses the stage; once a key is pressed
  // Chromium draws the stage's :focus-visible ring, Firefox (until a Tab moves focus) does not.
  await focusStage(page);
  await page.keyboard.press('ArrowRight');
  const stageRing = await page.evaluate(() => getComputedStyle(document.querySelector('#stage')).outlineStyle !== 'none');
  const unnamed = await page.$$eval('button', (els) => els.filter((b) => !b.hidden && !(b.getAttribute('aria-label') || b.textContent.trim())).length);
  eq(unnamed, 0, 'buttons without a name');
  const unlabeled = await page.$$eval('input, select, textarea', (els) => els.filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id));
  eq(unlabeled, [], 'fields without a label');
  await page.focus('#first-button').catch(() => {});
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return `${document.activeElement.id} ${s.outlineStyle} ${s.outlineWidth}`; });
  assert(!/ none /.test(outline) && !outline.endsWith(' 0px'), `the focused control shows no outline (${outline})`);
  noProblems(page);
  return `Tab focus: ${outline}; the stage, focused by the page after Run and stepped with →, shows a focus ring: ${stageRing ? 'yes' : 'no'}`;
});

// Last: Firefox asked for nothing outside the server during the checks (the proxy refused every
// such request; an entry here means a pref above no longer keeps some background service quiet).
check('offline', async () => {
  assert(refused.length === 0, `Firefox tried to reach the outside ${refused.length} times: ${[...new Set(refused)].join(' | ')}`);
  return `no request left for the outside during the run (proxy on 127.0.0.1:${proxy.address().port} refused ${refused.length})`;
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
try {
  await launch();
} catch (e) {
  console.error(`Firefox (${FIREFOX}) did not start under puppeteer-core: ${e.message}`);
  process.exit(2);
}
let passed = 0;
let failed = 0;
let skipped = 0;
console.log(`player checks in Firefox ${(await browser.version()).replace(/^firefox\//i, '')} (WebDriver BiDi, puppeteer-core) against ${BASE_URL}${AUTH ? ` (auth on, as ${AUTH.email})` : ''}`);
for (const c of selected) {
  const t = Date.now();
  const before = new Set(browser.browserContexts());
  let timer;
  try {
    const note = await Promise.race([
      c.fn(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Failure(`timed out after ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS); }),
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
  } finally {
    clearTimeout(timer);
  }
  // Each check's contexts (its tabs and their storage) go with it; a browser that died is
  // started again for the next check.
  if (browser.connected) {
    for (const ctx of browser.browserContexts()) if (!before.has(ctx)) await ctx.close().catch(() => {});
  } else {
    console.log(`note: Firefox went away during ${c.name}; starting it again`);
    await launch();
  }
}
await browser.close();
proxy.close();
rmSync(SCRATCH, { recursive: true, force: true });
for (const f of figures) console.log(`figures: ${f}`);
if (SHOTS) console.log(`screenshots: ${shotCount} PNGs in ${SHOTS}`);
console.log(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
