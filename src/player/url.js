// The run and step in the address: #id=ID&params=JSON&step=N (a query string is read too, so
// either form of link works). Steps are 1-based, as the page shows them.

export function readLocation(loc = window.location) {
  const merged = new URLSearchParams(loc.search);
  for (const [k, v] of new URLSearchParams(loc.hash.replace(/^#/, ''))) merged.set(k, v);
  const out = {};
  if (merged.get('id')) out.id = merged.get('id');
  if (merged.has('params')) {
    try { out.params = JSON.parse(merged.get('params')); } catch { out.paramsError = 'the link\'s parameters are not valid JSON'; }
  }
  const step = Number.parseInt(merged.get('step') ?? '', 10);
  if (Number.isFinite(step)) out.step = step;
  return out;
}

export function hashFor({ id, params, step }) {
  const q = new URLSearchParams();
  if (id) q.set('id', id);
  if (id && params !== undefined) q.set('params', JSON.stringify(params));
  if (step) q.set('step', String(step));
  return `#${q.toString()}`;
}

// Browsers throttle history updates (Chromium warns past a few hundred in ten seconds), so
// scrubbing writes the address only once it settles.
let pending = null;
let timer = 0;
export function writeLocation(state, { now = false } = {}) {
  pending = state;
  clearTimeout(timer);
  const flush = () => {
    const hash = hashFor(pending);
    if (hash !== window.location.hash && !(hash === '#' && !window.location.hash)) {
      history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
    }
  };
  if (now) flush(); else timer = setTimeout(flush, 250);
}
