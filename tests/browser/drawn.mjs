// What the player must draw, checked the same way by the Chromium and the Firefox scripts: one
// snapshot of the page's data- hooks per step (a self-contained function, so either driver can
// run it in the page), and the assertions on it.
import { dv, flatten, idx } from './traces.mjs';

export class Failure extends Error {}
export function assert(cond, message) { if (!cond) throw new Failure(message); }
export function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Failure(`${what}: expected ${e}, got ${a}`);
}

// Everything the checks read of one step, in one round trip: the player's data-, the caption,
// and every slot as its hooks say (cells in index order, ghosts apart).
export function pageSnapshot() {
  const d = document.querySelector('#player').dataset;
  const key = (c) => c.dataset.index.split(',').map(Number);
  const byIndex = (a, b) => { const x = key(a), y = key(b); for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; };
  const slots = {};
  for (const slot of document.querySelectorAll('[data-structure-id]')) {
    const cells = [...slot.querySelectorAll('.slot-body .cell[data-index]:not([data-ghost]):not([data-node])')].sort(byIndex);
    slots[slot.dataset.structureId] = {
      present: slot.dataset.present, kind: slot.dataset.kind, name: slot.dataset.structure,
      cells: cells.map((c) => ({ index: c.dataset.index, value: c.dataset.value, highlight: c.dataset.highlight ?? null })),
      rows: [...slot.querySelectorAll('tbody tr[data-key]:not([data-ghost])')].map((r) => ({ key: r.dataset.key, value: r.dataset.value, highlight: r.dataset.highlight ?? null })),
      variable: slot.querySelector('.var-box')?.dataset.value ?? null,
      nodes: [...slot.querySelectorAll('[data-node]:not([data-ghost])')].map((n) => ({ id: n.dataset.node, value: n.dataset.value, head: n.hasAttribute('data-head'), tail: n.hasAttribute('data-tail'), chain: n.dataset.index ?? null })),
      arrows: slot.querySelectorAll('svg[data-arrow]').length,
      ghosts: [...slot.querySelectorAll('[data-ghost]')].map((g) => g.dataset.highlight ?? null),
    };
  }
  const unknown = document.querySelector('#unknown');
  return {
    step: Number(d.step), total: Number(d.total), type: d.stateType ?? null,
    caption: document.querySelector('#caption').textContent,
    unknownShown: Boolean(unknown && !unknown.hidden),
    slots,
    liveNodes: Object.fromEntries([...document.querySelectorAll('[data-node]:not([data-ghost])')].map((n) => [n.dataset.node, n.dataset.value])),
    presentKinds: [...document.querySelectorAll('.slot[data-present=true]')].map((e) => e.dataset.kind),
    llArrows: document.querySelectorAll('[data-kind$=linkedlist] svg[data-arrow]').length,
    stackCells: document.querySelectorAll('[data-kind=stack] .cell[data-index]:not([data-ghost])').length,
  };
}

// Asserts that the page, as `pageSnapshot` read it, draws state `s` (the current one) as it
// must: its structure, body, highlights and caption.
export function assertDrawn(snap, s, book, where) {
  const type = typeof s?.state_type === 'string' ? s.state_type : '';
  eq(snap.type, type, `${where}: state type shown`);
  eq(snap.caption, typeof s.comments === 'string' ? s.comments : '', `${where}: caption`);
  const d = s.state_def;
  const prefix = type.split('_')[0];
  const known = ['array', 'vector', 'string', 'stack', 'queue', 'priorityqueue', 'map', 'set', 'variable', 'll', 'dll', 'llnode', 'dllnode', 'comment'];
  if (!known.includes(prefix)) {
    assert(snap.unknownShown, `${where}: unknown state type ${type} is not shown as JSON`);
    return;
  }
  if (prefix === 'comment' || !d) return;
  const id = String(d.id);
  if (prefix === 'llnode' || prefix === 'dllnode') {
    const value = snap.liveNodes[id];
    if (type.endsWith('_delete')) assert(value === undefined, `${where}: deleted node ${id} is still drawn`);
    else {
      assert(value !== undefined, `${where}: node ${id} is not drawn`);
      eq(value, dv(d.value), `${where}: node ${id} value`);
    }
    eq(Object.keys(snap.liveNodes).sort(), [...book.nodes.keys()].sort(), `${where}: live nodes drawn`);
    return;
  }
  const got = snap.slots[id];
  assert(got, `${where}: no slot for structure ${id} (${d.variable_name})`);
  eq(got.present, 'true', `${where}: structure ${d.variable_name} present`);
  eq(got.name, String(d.variable_name), `${where}: structure name`);
  const op = type.slice(prefix.length + 1);
  switch (prefix) {
    case 'array': case 'vector': case 'stack': case 'queue': case 'priorityqueue': {
      eq(got.cells.map(({ index, value }) => ({ index, value })), flatten(d.body), `${where}: ${d.variable_name} cells`);
      const hl = Object.fromEntries(got.cells.filter((c) => c.highlight).map((c) => [c.index, c.highlight]));
      if (op === 'swap') eq(hl, { [idx(d.index1)]: 'swap', [idx(d.index2)]: 'swap' }, `${where}: swap highlights`);
      if (op === 'compare') eq(hl, { [idx(d.index1)]: 'compare', [idx(d.index2)]: 'compare' }, `${where}: compare highlights`);
      if (op === 'iter') eq(hl, { [idx(d.index)]: 'value' in d ? 'write' : 'iterate' }, `${where}: iterate highlight`);
      if (op === 'insert') eq(hl, { [idx(d.index)]: 'insert' }, `${where}: insert highlight`);
      if (op === 'push' && prefix === 'stack') eq(hl, { [String(d.body.length - 1)]: 'push' }, `${where}: pushed on top`);
      if (['pop', 'poll'].includes(op)) assert(got.ghosts.includes('pop'), `${where}: the popped element is not shown`);
      break;
    }
    case 'string':
      eq(got.cells.map((c) => c.value), Array.from(d.body), `${where}: string characters`);
      if (op === 'iter') eq(got.cells.filter((c) => c.highlight).map((c) => c.index), [String(d.index)], `${where}: character highlight`);
      break;
    case 'set':
      eq(got.cells.map((c) => c.value), d.body.map(dv), `${where}: set elements`);
      break;
    case 'map':
      eq(got.rows.map((r) => [r.key, r.value]), Object.entries(d.body).map(([k, v]) => [k, dv(v)]), `${where}: map rows`);
      if (op === 'set' || op === 'get') {
        const hit = got.rows.find((r) => r.highlight);
        if (Object.prototype.hasOwnProperty.call(d.body, String(d.key))) assert(hit && hit.key === String(d.key) && hit.highlight === op, `${where}: map row ${d.key} highlighted for ${op}`);
      }
      break;
    case 'variable':
      eq(got.variable, dv(d.value), `${where}: variable value`);
      break;
    case 'll': case 'dll': {
      const chain = book.chain(id);
      const drawnChain = got.nodes.filter((n) => n.chain !== null).sort((a, b) => Number(a.chain) - Number(b.chain)).map((n) => n.id);
      eq(drawnChain, chain, `${where}: nodes from the head of ${d.variable_name}`);
      const head = got.nodes.find((n) => n.head);
      eq(head ? head.id : null, chain[0] ?? null, `${where}: head marker`);
      if (chain.length > 1) assert(got.arrows >= chain.length - 1, `${where}: arrows between nodes`);
      break;
    }
    default: break;
  }
}
