// Trace helpers shared by the browser checks (player.test.mjs in Chromium, player.firefox.mjs in
// Firefox): the values as the page writes them in data-value, an independent replay of
// linked-list nodes, and the generated 20,000-state trace with what must be drawn at each step.
// Pure JavaScript: no browser, no page.

export const dv = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
export function flatten(body, prefix = []) {
  if (!Array.isArray(body)) return [];
  const out = [];
  body.forEach((v, i) => {
    if (Array.isArray(v) && body.every(Array.isArray)) out.push(...flatten(v, [...prefix, i]));
    else out.push({ index: [...prefix, i].join(','), value: dv(v) });
  });
  return out;
}
export const idx = (i) => (Array.isArray(i) ? i.join(',') : String(i));

// An independent, deliberately simple replay of linked-list nodes, to say which nodes must be
// on screen and in which order from each head.
export class NodeBook {
  constructor() { this.nodes = new Map(); this.lists = new Map(); }
  take(s) {
    const d = s.state_def;
    const t = s.state_type;
    if (/^d?llnode_/.test(t)) {
      if (t.endsWith('_delete')) this.nodes.delete(String(d.id));
      else this.nodes.set(String(d.id), { value: d.value, next: d.next === 'none' ? null : d.next });
    } else if (/^d?ll_/.test(t)) {
      this.lists.set(String(d.id), { head: d.head === 'none' ? null : d.head, tail: d.tail === undefined || d.tail === 'none' ? null : d.tail });
    }
  }
  chain(listId) {
    const out = [];
    const seen = new Set();
    let at = this.lists.get(listId)?.head ?? null;
    while (at && this.nodes.has(at) && !seen.has(at)) { seen.add(at); out.push(at); at = this.nodes.get(at).next; }
    return out;
  }
}

// A generated trace of exactly 20,000 states (the server's default cap): an array sorted and
// shuffled, a stack, a variable and a linked list that grows and shrinks node by node, so
// seeking must replay from checkpoints correctly.
export function bigTrace(n = 20000) {
  // mulberry32: a small seeded generator, so the trace is the same on every run.
  let seed = 12345;
  const rnd = (k) => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % k);
  };
  const states = [];
  const arr = Array.from({ length: 100 }, () => rnd(1000));
  const st = [];
  let v = 0;
  let nextId = 10;
  let head = null;
  const nodes = new Map();
  const push = (t, d, c = '') => states.push({ state_type: t, state_def: d, comments: c });
  push('array_declare', { id: '1', variable_name: 'arr', body: [...arr] }, 'declared');
  push('stack_declare', { id: '2', variable_name: 'st', body: [] });
  push('variable_declare', { id: '3', variable_name: 'count', value: 0 });
  push('ll_declare', { id: '4', variable_name: 'fl', head: 'none' });
  while (states.length < n) {
    const r = rnd(20);
    const i = rnd(arr.length); const j = rnd(arr.length);
    if (r < 8) push('array_compare', { id: '1', variable_name: 'arr', body: [...arr], index1: i, index2: j }, `compare ${i} and ${j}`);
    else if (r < 12) { [arr[i], arr[j]] = [arr[j], arr[i]]; push('array_swap', { id: '1', variable_name: 'arr', body: [...arr], index1: i, index2: j }, `swap ${i} and ${j}`); }
    else if (r < 13) { st.push(v); push('stack_push', { id: '2', variable_name: 'st', body: [...st], element: v }); }
    else if (r < 15 && st.length) { const e = st.pop(); push('stack_pop', { id: '2', variable_name: 'st', body: [...st], element: e }); }
    else if (r < 16) { const last = v; v++; push('variable_highlight', { id: '3', variable_name: 'count', value: v, last_value: last }); }
    else if (r < 18 && nodes.size < 40) {
      const id = String(nextId++);
      push('llnode_declare', { id, variable_name: id, value: v, next: 'none' });
      if (head) push('llnode_next', { id, variable_name: id, value: v, next: head, last_next: 'none' }, 'next pointer updated');
      nodes.set(id, { value: v, next: head });
      push('ll_head', { id: '4', variable_name: 'fl', head: id, last_head: head ?? 'none' }, 'head pointer shifts');
      head = id;
    } else if (head) {
      const old = head;
      head = nodes.get(old).next;
      push('ll_head', { id: '4', variable_name: 'fl', head: head ?? 'none', last_head: old }, 'head pointer shifts');
      push('llnode_delete', { id: old, variable_name: old }, 'Node was deleted');
      nodes.delete(old);
    } else push('comment', null, `round ${states.length}`);
  }
  return states.slice(0, n);
}

// What must be drawn after state `step` (1-based) of the generated trace.
export function bigExpected(states, step) {
  const book = new NodeBook();
  let arr = null; let st = null; let count = null;
  for (let i = 0; i < step; i++) {
    const s = states[i];
    book.take(s);
    if (s.state_type.startsWith('array_')) arr = s.state_def.body;
    if (s.state_type.startsWith('stack_')) st = s.state_def.body;
    if (s.state_type.startsWith('variable_')) count = s.state_def.value;
  }
  return { arr: arr.map(dv), st: (st ?? []).map(dv), count: count === null ? null : dv(count), chain: book.chain('4').map((id) => dv(book.nodes.get(id).value)) };
}
