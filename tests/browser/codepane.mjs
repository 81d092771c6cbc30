// The code pane's checks, the same in Chromium (player.test.mjs) and Firefox
// (player.firefox.mjs): each script hands over its own helpers, and these use only what both
// drivers have (evaluate with one argument, focus, click, keyboard, screenshot).
//
// ARgorithms (ids from the environment): BUBBLESORT_ID, RECURSIVE_ID (states made at several
// depths of recursion), HELPER_ID (states made in a helper function), FAILING_ID (its example
// raises), WASM_ID (a WebAssembly module), BIG_ID (a Python run of about 20,000 states).
// SOURCE_OFF=1: the server runs with SOURCE=DISABLED.
import { assert, eq } from './drawn.mjs';

const env = process.env;

// What the pane shows, in one round trip.
const paneState = (page) => page.evaluate(() => {
  const pane = document.querySelector('#code-pane');
  const cur = pane.querySelector('.code-line.current');
  const r = pane.getBoundingClientRect();
  const chain = pane.querySelector('.code-chain');
  return {
    state: pane.dataset.state, line: pane.dataset.line ?? '', errorLine: pane.dataset.errorLine ?? null,
    current: cur ? { line: Number(cur.dataset.line), text: cur.querySelector('code').textContent } : null,
    currentCount: pane.querySelectorAll('.code-line.current').length,
    note: pane.querySelector('.code-note').textContent, where: pane.querySelector('.code-where').textContent,
    chainShown: !chain.hidden, chain: [...pane.querySelectorAll('.code-chain-list li')].map((li) => li.textContent),
    rows: pane.querySelectorAll('.code-line').length,
    errorText: pane.querySelector('.code-line.error-line code')?.textContent ?? null,
    box: { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left, right: r.right, height: r.height },
    currentInView: (() => {
      if (!cur) return false;
      const list = pane.querySelector('.code-lines').getBoundingClientRect();
      const c = cur.getBoundingClientRect();
      return c.top >= list.top - 1 && c.bottom <= list.bottom + 1;
    })(),
  };
});

// The run again, with lines, and the source, fetched inside the page (with its token).
const serverView = (page, id, parameters) => page.evaluate(async ([id, parameters]) => {
  const token = sessionStorage.getItem('argorithm.token');
  const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const body = JSON.stringify({ argorithmID: id, parameters, lines: true });
  const run = await (await fetch('/argorithms/run', { method: 'POST', headers, body })).json();
  const res = await fetch(`/argorithms/source/${encodeURIComponent(id)}`);
  return { run, source: await res.text(), sourceStatus: res.status };
}, [id, parameters]);

// The parameters the page ran with, from the address it wrote.
const paramsOf = (page) => page.evaluate(() => {
  const p = new URLSearchParams(location.hash.slice(1)).get('params');
  return p ? JSON.parse(p) : {};
});

// Goes to `step` as a scrubber drag ends.
const scrubTo = (page, step) => page.evaluate((t) => {
  const s = document.querySelector('#scrubber');
  s.value = String(t);
  s.dispatchEvent(new Event('input', { bubbles: true }));
  s.dispatchEvent(new Event('change', { bubbles: true }));
}, step);

export function codePaneChecks(h) {
  const { check, openPlayer, selectAndRun, expectTrace, waitStep, shot, noProblems, figures } = h;

  // The pane at `step` highlights the line the server says made the state, and that line of
  // the source; its chain is the state's frames.
  async function assertLineAt(page, view, step, what) {
    await scrubTo(page, step);
    await waitStep(page, step);
    const s = await paneState(page);
    const entry = view.run.lines[step - 1];
    const lines = view.source.split('\n');
    eq(s.state, 'source', `${what}: the pane shows source`);
    if (entry.line === null) {
      eq(s.current, null, `${what} state ${step}: no line is marked for a state no line made`);
      return s;
    }
    eq(s.current?.line, entry.line, `${what} state ${step}: the marked line`);
    eq(s.current.text, lines[entry.line - 1], `${what} state ${step}: the marked line's text is that line of the source`);
    eq(s.currentCount, 1, `${what} state ${step}: one marked line`);
    assert(s.currentInView, `${what} state ${step}: the marked line is scrolled into view`);
    eq(s.chain.length >= 2 ? s.chain : [], entry.frames.length >= 2 ? entry.frames.map(([fn, n]) => `${fn}, line ${n}`) : [], `${what} state ${step}: the call chain`);
    eq(s.chainShown, entry.frames.length >= 2, `${what} state ${step}: the chain is offered when there is one`);
    return s;
  }

  async function runAndView(page, id, fill) {
    await selectAndRun(page, id, fill);
    const p = await expectTrace(page, id);
    const view = await serverView(page, id, await paramsOf(page));
    eq(view.run.data.length, p.total, `${id}: the page holds the server's trace`);
    return { p, view };
  }

  check('code-bubblesort', async () => {
    const page = await openPlayer();
    const { p, view } = await runAndView(page, env.BUBBLESORT_ID, { array: '3,1,2' });
    const lines = view.source.split('\n');
    const swapAt = view.run.data.findIndex((s) => s.state_type === 'array_swap') + 1;
    assert(swapAt > 0, 'the run swaps');
    const swap = await assertLineAt(page, view, swapAt, 'bubblesort');
    assert(lines[swap.current.line - 1].includes('.swap('), `the swap's line is the swap call: ${swap.current.text}`);
    for (const step of [1, 2, p.total]) await assertLineAt(page, view, step, 'bubblesort');
    // The keys move the mark with the state.
    await page.focus('#stage');
    await scrubTo(page, 1);
    await waitStep(page, 1);
    for (let step = 2; step <= Math.min(6, p.total); step++) {
      await page.keyboard.press('ArrowRight');
      await waitStep(page, step);
      eq((await paneState(page)).current?.line, view.run.lines[step - 1].line, `bubblesort: → to state ${step} marks its line`);
    }
    await shot(page, 'code-bubblesort');
    noProblems(page);
  });

  check('code-recursive', async () => {
    const page = await openPlayer();
    const { view } = await runAndView(page, env.RECURSIVE_ID);
    const depths = view.run.lines.map((l) => l.frames.length);
    const deepest = depths.indexOf(Math.max(...depths)) + 1;
    assert(depths[deepest - 1] >= 3, `the recursion shows in the frames: ${depths.join(',')}`);
    const s = await assertLineAt(page, view, deepest, 'recursive');
    // The chain is one click away.
    await page.click('.code-chain summary');
    eq(await page.evaluate(() => document.querySelector('.code-chain').open), true, 'a click opens the call chain');
    eq(s.chain.length, depths[deepest - 1], 'every frame of the chain is listed');
    const shallow = depths.indexOf(Math.min(...depths)) + 1;
    await assertLineAt(page, view, shallow, 'recursive');
    await assertLineAt(page, view, deepest, 'recursive');
    await shot(page, 'code-recursive');
    noProblems(page);
  });

  check('code-helper', async () => {
    const page = await openPlayer();
    const { view } = await runAndView(page, env.HELPER_ID);
    const lines = view.source.split('\n');
    const helperStep = view.run.lines.findIndex((l) => l.frames.length === 2) + 1;
    assert(helperStep > 0, 'a state is made in the helper');
    const s = await assertLineAt(page, view, helperStep, 'helper');
    const [outer, inner] = view.run.lines[helperStep - 1].frames;
    eq(outer[0], 'run', 'the chain starts in the entry');
    const def = lines.findIndex((l) => l.startsWith(`def ${inner[0]}(`)) + 1;
    assert(def > 0 && s.current.line > def, `the marked line ${s.current.line} is inside ${inner[0]} (from line ${def})`);
    assert(s.where.includes(`line ${inner[1]}`) && s.where.includes(inner[0]), `the pane says where: ${s.where}`);
    await shot(page, 'code-helper');
    noProblems(page);
  });

  check('code-error', async () => {
    const page = await openPlayer({ allowHttp: [422] });
    await selectAndRun(page, env.FAILING_ID);
    const err = await page.evaluate(() => document.querySelector('#error:not([hidden])')?.dataset.errorKind ?? null);
    eq(err, 'runtime_error', 'the failing run is shown as an error');
    const { run, source } = await serverView(page, env.FAILING_ID, {});
    const raised = run.error_at[run.error_at.length - 1][1];
    const s = await paneState(page);
    eq(s.state, 'source', 'the source is shown for a failed run');
    eq(s.errorLine, String(raised), 'the failing line is marked');
    eq(s.errorText, source.split('\n')[raised - 1], 'the marked line is the one that raised');
    assert(s.errorText.includes('raise') || s.errorText.includes('['), `it is the raising line: ${s.errorText}`);
    await shot(page, 'code-error');
  });

  check('code-phone', async () => {
    const page = await openPlayer({ viewport: { width: 390, height: 844 } });
    const { view } = await runAndView(page, env.BUBBLESORT_ID, { array: '3,1,2' });
    await assertLineAt(page, view, 3, 'phone');
    const stage = await page.evaluate(() => { const r = document.querySelector('#stage').getBoundingClientRect(); return { bottom: r.bottom + window.scrollY }; });
    const s = await paneState(page);
    assert(s.box.top >= stage.bottom - 1, `on a phone the pane is under the stage (${s.box.top} vs ${stage.bottom})`);
    assert(s.box.left >= 0 && s.box.right <= 390 + 1, `the pane fits the phone's width: ${s.box.left}..${s.box.right}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 1, `the page does not scroll sideways (${overflow} px)`);
    await shot(page, 'code-phone');
    noProblems(page);
  });

  check('code-none', async () => {
    // The page knows a module has no source: it asks nothing that fails (no console error).
    const page = await openPlayer();
    await selectAndRun(page, env.WASM_ID, { array: '3,1,2' });
    await expectTrace(page, env.WASM_ID);
    let s = await paneState(page);
    eq(s.state, 'note', 'a WebAssembly run has no source');
    assert(s.note.includes('WebAssembly'), `the pane says why: ${s.note}`);
    eq(s.rows, 0, 'no lines');
    assert(s.box.height < 40, `one line, no room taken: ${s.box.height} px`);
    await page.evaluate(() => window.argorithmPlayer.load([{ state_type: 'comment', state_def: null, comments: 'from a file' }]));
    s = await paneState(page);
    eq(s.state, 'note', 'a trace from a file has no source');
    assert(s.note.includes('file'), `the pane says why: ${s.note}`);
    noProblems(page);
  });

  check('code-big', async () => {
    const page = await openPlayer();
    const { p, view } = await runAndView(page, env.BIG_ID);
    assert(p.total >= 19000, `a big trace: ${p.total} states`);
    // Scrub across the trace as a drag's frames do (each draws the latest step): every step's
    // mark, and the time of a whole step, stage and pane.
    const timing = await page.evaluate((lines) => {
      const pane = document.querySelector('#code-pane');
      const times = [];
      let wrong = 0;
      for (let i = 0; i < 300; i++) {
        const step = 1 + Math.floor(((i * 7919) % 300) / 300 * lines.length);
        const t = performance.now();
        window.argorithmPlayer.go(step);
        times.push(performance.now() - t);
        if (pane.dataset.line !== String(lines[step - 1].line ?? '')) wrong++;
      }
      times.sort((a, b) => a - b);
      return { p50: times[150], p99: times[296], max: times[299], wrong };
    }, view.run.lines);
    eq(timing.wrong, 0, 'every scrubbed step marks its line');
    figures.push(`code pane, ${p.total} states scrubbed: p50 ${timing.p50.toFixed(2)} ms, p99 ${timing.p99.toFixed(2)} ms, max ${timing.max.toFixed(2)} ms per step`);
    assert(timing.p99 < h.STEP_BUDGET_MS, `scrubbing stays smooth: p99 ${timing.p99.toFixed(1)} ms per step`);
    noProblems(page);
  });

  check('code-disabled', async () => {
    assert(env.SOURCE_OFF === '1', 'code-disabled runs against a server with SOURCE=DISABLED');
    const page = await openPlayer({ allowHttp: [403] });
    await selectAndRun(page, env.BUBBLESORT_ID, { array: '3,1,2' });
    await expectTrace(page, env.BUBBLESORT_ID);
    const s = await paneState(page);
    eq(s.state, 'note', 'no source when the server does not share it');
    assert(s.note.includes('does not share'), `the pane says so: ${s.note}`);
    await shot(page, 'code-disabled');
  });
}
